// spool dump FILE|TOPIC[:P] [--records] [--json] (SPEC §3 verify and dump): its flags and help.
// What it runs is in dump-actions.ts, imported when it runs.
import type { Command } from 'commander';
import type { CliIo } from '../../term/io.js';
import { subcommand } from '../program.js';
import type { DumpFlags } from './dump-actions.js';

export function registerDump(program: Command, io: CliIo): void {
  subcommand(program, 'dump', 'print the batches of a segment file or partition, as kafka-dump-log does')
    .argument('<target>', 'a segment file (.log), or TOPIC[:PARTITION]: every segment of a topic or of one partition')
    .option('--records', 'print the records of each batch under it')
    .option('--json', 'one JSON object per line: a batch, then (with --records) its records')
    .addHelpText(
      'after',
      '\nReads without changing anything; works with the broker stopped or running.\n\nExamples:\n' +
        '  spool dump logs:0 --records\n  spool dump ~/.local/share/spool/topics/logs/0/00000000000000000000.log --json\n',
    )
    .action(async (target: string, flags: DumpFlags, command: Command) => (await import('./dump-actions.js')).dump(target, flags, command, io));
}
