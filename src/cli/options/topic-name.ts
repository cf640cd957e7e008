// Topic names are checked before anything is sent (exit 2), with the broker's own rule.
import { UsageError } from '../../common/errors.js';
import { isGlob } from '../../common/glob.js';
import { topicNameProblem } from '../../common/topic-config.js';

export function checkTopicName(name: string): string {
  const problem = topicNameProblem(name);
  if (problem !== null) throw new UsageError(problem);
  return name;
}

/** A topic name or, where patterns are allowed (tail, group subscriptions), a glob. */
export function checkTopicPattern(pattern: string): string {
  return isGlob(pattern) ? pattern : checkTopicName(pattern);
}
