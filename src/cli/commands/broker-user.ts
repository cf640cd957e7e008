// spool broker user add|remove|list: the users of the Kafka listener's SASL (--kafka-sasl). They
// live in the data directory's index.db, so these work whether the broker runs or not, and a
// running broker sees a change at the next login. Only SCRAM keys are stored (salted, 4096
// iterations); SASL/PLAIN logins are checked against them. Their flags and help; what each runs is
// in broker-user-actions.ts, imported when it runs.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { ScramMechanism } from '../../kafka/sasl/scram-credential.js';
import type { CliIo } from '../../term/io.js';
import { subcommand } from '../program.js';

/** Kafka's SCRAM mechanisms (the same list as kafka/sasl/scram-credential.ts, which loads crypto). */
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

export function registerBrokerUser(broker: Command, io: CliIo): void {
  const user = subcommand(broker, 'user', 'manage the users Kafka clients log in as (with --kafka-sasl)').addHelpText(
    'after',
    `
Examples:
  printf '%s' "$PASSWORD" | spool broker user add alice --password-stdin
  spool broker user list --json
  spool broker user remove alice
`,
  );

  subcommand(user, 'add', 'add a user, or set a new password for one (only salted SCRAM keys are stored)')
    .argument('<name>', 'user name (letters, digits, . _ @ + -)')
    .option('--password-stdin', 'read the password from stdin (else it is asked for on the terminal)')
    .addOption(new Option('--mechanism <mechanism>', 'the SCRAM hash(es) to store keys for').choices([...SCRAM_MECHANISMS, 'all']).default('all'))
    .addHelpText('after', "\nExamples:\n  printf '%s' \"$PASSWORD\" | spool broker user add alice --password-stdin\n  spool broker user add bob --mechanism SCRAM-SHA-512     # asks for the password on the terminal\n")
    .action(async (name: string, flags: { passwordStdin?: boolean; mechanism: ScramMechanism | 'all' }, command: Command) => (await import('./broker-user-actions.js')).userAdd(name, flags, command, io));

  subcommand(user, 'remove', 'remove a user (open connections stay; new logins are refused)')
    .argument('<name>', 'user name')
    .addHelpText('after', '\nExample:\n  spool broker user remove alice\n')
    .action(async (name: string, _flags: unknown, command: Command) => (await import('./broker-user-actions.js')).userRemove(name, command, io));

  subcommand(user, 'list', 'list the users and their SCRAM mechanisms')
    .option('--json', 'print JSON')
    .addHelpText('after', "\nExamples:\n  spool broker user list\n  spool broker user list --json | jq -r '.[].name'\n")
    .action(async (flags: { json?: boolean }, command: Command) => (await import('./broker-user-actions.js')).userList(flags, command, io));
}
