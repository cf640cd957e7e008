// The commander tree of `spool`. No side effects: tests build it with their own streams.
import { Command } from 'commander';
import { spoolVersion } from '../common/version.js';
import { registerBroker } from './commands/broker.js';
import { registerCompletion } from './commands/completion.js';
import { registerConsume } from './commands/consume.js';
import { registerDump } from './commands/dump.js';
import { registerGroup } from './commands/group.js';
import { registerProduce } from './commands/produce.js';
import { registerTail } from './commands/tail.js';
import { registerTop } from './commands/top.js';
import { registerTopic } from './commands/topic.js';
import { registerVerify } from './commands/verify.js';
import { addGlobalOptions } from './global-options.js';
import type { CliIo } from '../term/io.js';

export function createProgram(io: CliIo): Command {
  const program = new Command('spool');
  program
    .description("Kafka's model on one machine: topics, partitions, offsets and consumer groups, in one CLI made for pipes")
    .version(spoolVersion(), '--version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // One line, as every error: commander puts its "(Did you mean …?)" on a line of its own.
      outputError: (text, write) => write(`spool: ${text.replace(/^error: /, '').trimEnd().replace(/\n+/g, ' ')}\n`),
    })
    .exitOverride();
  addGlobalOptions(program);
  registerProduce(program, io);
  registerConsume(program, io);
  registerTail(program, io);
  registerTopic(program, io);
  registerGroup(program, io);
  registerTop(program, io);
  registerBroker(program, io);
  registerCompletion(program, io);
  registerVerify(program, io);
  registerDump(program, io);
  program.addHelpText(
    'after',
    `
Examples:
  seq 100000 | spool produce demo          produce 100,000 messages (a broker starts by itself)
  spool consume demo -e | tail -3          read them back and exit at the end
  spool consume demo -o -5 -f '%p/%o %s\\n' the last 5 per partition with partition and offset
  spool topic list                          topics with partitions, messages and bytes

Exit codes: 0 ok, 1 runtime error, 2 usage error, 3 no broker reachable.
See spool(1) and spool <command> --help.`,
  );
  return program;
}

/** Apply the shared settings of every subcommand (error output, exit override). */
export function subcommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .helpOption('-h, --help', 'show help')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride();
}
