// What `spool topic create|list|describe|alter|delete|trim|offsets` run (SPEC §3 topic), loaded
// when one of them runs; their flags and help are in topic.ts.
import type { Command } from 'commander';
import { ErrorCode } from '../../common/error-codes.js';
import { BrokerError, UsageError } from '../../common/errors.js';
import type { TopicDescription } from '../../protocol/messages/describe-topics.js';
import { topicDescriptionJson, topicSummary } from '../../client/admin-json.js';
import { say, withAdmin } from '../admin-session.js';
import { formatBytes, formatCount, formatTimestamp } from '../../term/human.js';
import { renderTable } from '../../term/table.js';
import { retentionHeldBy } from '../format/retention-held-by.js';
import type { CliIo } from '../../term/io.js';
import { parseConfigs } from '../options/collect.js';
import { parseNonNegativeInt, parsePositiveInt } from '../options/numbers.js';
import { parseOffsetSpec, parseUntilSpec } from '../../common/offset-spec.js';
import { checkTopicName } from '../options/topic-name.js';

export async function topicCreate(name: string, flags: { partitions: string; config?: string[]; ifNotExists?: boolean }, command: Command, io: CliIo): Promise<void> {
  checkTopicName(name);
  const partitions = parsePositiveInt(flags.partitions, '--partitions');
  const configs = parseConfigs(flags.config);
  await withAdmin(command, io, async (admin, globals) => {
    const created = await admin.createTopic({ name, partitions, configs, ifNotExists: flags.ifNotExists === true });
    say(io, globals, created ? `created topic ${name} (${partitions} partition${partitions === 1 ? '' : 's'})` : `topic ${name} already exists`);
  });
    }

export async function topicList(flags: { json?: boolean }, command: Command, io: CliIo): Promise<void> {
  await withAdmin(command, io, async (admin) => {
    const topics = (await admin.describeTopics()).map(topicSummary);
    if (flags.json) {
      io.stdout.write(JSON.stringify(topics) + '\n');
      return;
    }
    io.stdout.write(
      renderTable(
        [{ header: 'TOPIC' }, { header: 'PARTITIONS', align: 'right' }, { header: 'MESSAGES', align: 'right' }, { header: 'BYTES', align: 'right' }],
        topics.map((t) => [t.name, String(t.partitions), formatCount(t.messages), formatBytes(t.bytes)]),
      ),
    );
  });
    }

export async function topicDescribe(name: string, flags: { json?: boolean }, command: Command, io: CliIo): Promise<void> {
  checkTopicName(name);
  await withAdmin(command, io, async (admin) => {
    const [description] = await admin.describeTopics([name]);
    if (description === undefined) throw new BrokerError(ErrorCode.UnknownTopicOrPartition, `topic "${name}" does not exist`);
    io.stdout.write(flags.json ? JSON.stringify(topicDescriptionJson(description)) + '\n' : renderDescription(description));
  });
    }

export async function topicAlter(name: string, flags: { config?: string[]; partitions?: string }, command: Command, io: CliIo): Promise<void> {
  checkTopicName(name);
  const configs = parseConfigs(flags.config, true);
  const partitions = flags.partitions === undefined ? undefined : parsePositiveInt(flags.partitions, '--partitions');
  if (Object.keys(configs).length === 0 && partitions === undefined) throw new UsageError('nothing to alter: give --config KEY=VALUE or -p N');
  await withAdmin(command, io, async (admin, globals) => {
    await admin.alterTopic({ name, configs, ...(partitions === undefined ? {} : { partitions }) });
    say(io, globals, `altered topic ${name}`);
  });
    }

export async function topicDelete(name: string, command: Command, io: CliIo): Promise<void> {
  checkTopicName(name);
  await withAdmin(command, io, async (admin, globals) => {
    await admin.deleteTopic(name);
    say(io, globals, `deleted topic ${name}`);
  });
    }

export async function topicTrim(name: string, flags: { before: string; partition?: string[] }, command: Command, io: CliIo): Promise<void> {
  checkTopicName(name);
  const spec = parseUntilSpec(flags.before, Date.now(), '--before');
  const partitions = flags.partition?.map((p) => parseNonNegativeInt(p, '--partition'));
  await withAdmin(command, io, async (admin, globals) => {
    const results = await admin.deleteRecords({
      topic: name,
      ...(partitions === undefined ? {} : { partitions }),
      ...(spec.kind === 'absolute' ? { offset: spec.offset } : spec.kind === 'timestamp' ? { timestamp: spec.timestampMs } : {}),
    });
    if (globals.quiet) return;
    io.stdout.write(
      renderTable(
        [{ header: 'PARTITION', align: 'right' }, { header: 'OLD START', align: 'right' }, { header: 'NEW START', align: 'right' }, { header: 'SEGMENTS DELETED', align: 'right' }],
        results.map((r) => [String(r.partition), String(r.before), String(r.logStartOffset), String(r.deletedSegments)]),
      ),
    );
  });
    }

export async function topicOffsets(name: string, flags: { at?: string; json?: boolean }, command: Command, io: CliIo): Promise<void> {
  checkTopicName(name);
  let timestamp: number | undefined;
  if (flags.at !== undefined) {
    const spec = parseOffsetSpec(flags.at.startsWith('@') ? flags.at : `@${flags.at}`, Date.now(), '--at');
    if (spec.kind !== 'timestamp') throw new UsageError(`invalid --at value "${flags.at}": use @TIME`);
    timestamp = spec.timestampMs;
  }
  await withAdmin(command, io, async (admin) => {
    const offsets = await admin.listOffsets({ topic: name, ...(timestamp === undefined ? {} : { timestamp }) });
    if (flags.json) {
      io.stdout.write(JSON.stringify(offsets) + '\n');
      return;
    }
    const columns = [{ header: 'PARTITION', align: 'right' as const }, { header: 'START', align: 'right' as const }, { header: 'END', align: 'right' as const }];
    if (timestamp !== undefined) columns.push({ header: 'OFFSET', align: 'right' });
    io.stdout.write(
      renderTable(
        columns,
        offsets.map((o) => [String(o.partition), String(o.logStartOffset), String(o.logEndOffset), ...(o.offset === undefined ? [] : [String(o.offset)])]),
      ),
    );
  });
    }

function renderDescription(t: TopicDescription): string {
  const defaults = new Set(t.defaults);
  const configRows = Object.entries(t.configs).map(([key, value]) => [key, value, defaults.has(key) ? 'default' : 'set']);
  const partitionRows = t.partitions.map((p) => [
    String(p.partition),
    String(p.logStartOffset),
    String(p.logEndOffset),
    String(p.segments),
    formatBytes(p.bytes),
    formatTimestamp(p.firstTimestamp),
    formatTimestamp(p.lastTimestamp),
    retentionHeldBy(p.retention),
  ]);
  return (
    `topic ${t.name}: ${t.partitions.length} partition${t.partitions.length === 1 ? '' : 's'}\n\n` +
    renderTable([{ header: 'CONFIG' }, { header: 'VALUE' }, { header: 'SOURCE' }], configRows) +
    '\n' +
    renderTable(
      [
        { header: 'PARTITION', align: 'right' },
        { header: 'START', align: 'right' },
        { header: 'END', align: 'right' },
        { header: 'SEGMENTS', align: 'right' },
        { header: 'BYTES', align: 'right' },
        { header: 'FIRST TIMESTAMP' },
        { header: 'LAST TIMESTAMP' },
        { header: 'RETENTION HELD BY' },
      ],
      partitionRows,
    )
  );
}
