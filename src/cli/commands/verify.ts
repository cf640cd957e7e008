// spool verify [TOPIC...] [--json] (SPEC §3 verify and dump): reads every batch of every segment
// and checks lengths, magic, CRC-32C, offset order and the index, with the broker stopped or
// running (storage/verify/verify-log.ts does the reading). One line per problem, then a summary;
// exit 1 when there is any problem.
import type { Command } from 'commander';
import type { VerifyProblem, VerifyReport } from '../../storage/verify/verify-report.js';
import { localGlobalOptions } from '../global-options.js';
import { writeOut, type CliIo } from '../../term/io.js';
import { checkTopicName } from '../options/topic-name.js';
import { subcommand } from '../program.js';

export function registerVerify(program: Command, io: CliIo): void {
  subcommand(program, 'verify', 'check every stored batch (lengths, CRC-32C, offsets) and the index')
    .argument('[topic...]', 'topics to check (default: every topic)')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      '\nReads index.db and the segment files without changing anything, with the broker\nstopped or running. Exit 1 when a problem is found.\n\nExamples:\n  spool verify\n  spool verify logs --json | jq .problems\n',
    )
    .action(async (topics: string[], flags: { json?: boolean }, command: Command) => {
      for (const topic of topics) checkTopicName(topic);
      const globals = localGlobalOptions(command, io);
      const { dataDir, quiet } = globals;
      if (globals.broker !== null) await (await import('../../client/broker-address.js')).requireLocal(globals, 'verify', io.env);
      const { verifyLog } = await import('../../storage/verify/verify-log.js');
      const report = verifyLog(dataDir, topics);
      const text = flags.json ? JSON.stringify(toJson(report)) + '\n' : renderReport(report, !quiet);
      if (report.problems.length > 0) process.exitCode = 1;
      // A reader that goes away (`spool verify | head -1`) ends the output quietly; the exit code stays.
      const ignore = (): void => undefined;
      io.stdout.on('error', ignore);
      await writeOut(io.stdout, text)?.catch(ignore);
    });
}

function toJson(report: VerifyReport): object {
  const { topics, partitions, segments, batches, records, problems } = report;
  return {
    ok: problems.length === 0,
    topics,
    partitions,
    segments,
    batches,
    records,
    problems: problems.map(({ topic, partition, segment, position, offset, problem }) => ({ topic, partition, segment, position, offset, problem })),
  };
}

/** `topic/partition offset N at FILE:POSITION: what` per problem, then the summary line (not with --quiet). */
export function renderReport(report: VerifyReport, withSummary = true): string {
  const lines = report.problems.map(formatProblem);
  if (!withSummary) return lines.map((line) => line + '\n').join('');
  lines.push(
    `checked ${report.topics} topics, ${report.partitions} partitions, ${report.segments} segments, ` +
      `${report.batches} batches, ${report.records} records: ${report.problems.length} problems`,
  );
  return lines.join('\n') + '\n';
}

export function formatProblem(p: VerifyProblem): string {
  let where = `${p.topic}/${p.partition}`;
  if (p.offset !== null) where += ` offset ${p.offset}`;
  if (p.segment !== null) where += ` at ${p.segment}${p.position === null ? '' : `:${p.position}`}`;
  return `${where}: ${p.problem}`;
}
