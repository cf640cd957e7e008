// Names checked before anything is sent, with the broker's own rule and the CLI's words.
import { UsageError } from '../common/errors.js';
import { topicNameProblem } from '../common/topic-config.js';

export function checkTopicName(name: unknown): string {
  if (typeof name !== 'string') throw new UsageError(`invalid topic name ${String(name)}: a topic name is a string`);
  const problem = topicNameProblem(name);
  if (problem !== null) throw new UsageError(problem);
  return name;
}

export function checkGroupName(name: unknown): string {
  if (typeof name !== 'string') throw new UsageError(`invalid group name ${String(name)}: a group name is a string`);
  if (name === '') throw new UsageError('the group name is empty');
  return name;
}
