// What `spool broker user add|remove|list` run (SPEC §8): the SCRAM keys Kafka clients log in
// with, kept in index.db. Loaded when one of them runs; their flags and help are in broker-user.ts.
import type { Command } from 'commander';
import { join } from 'node:path';
import { ensureDir } from '../../common/ensure-dir.js';
import { SpoolError, UsageError, errorMessage } from '../../common/errors.js';
import type { SqliteDatabase } from '../../storage/database.js';
import { INDEX_DB_FILE } from '../../storage/file-names.js';
import type { KafkaUserStore } from '../../storage/kafka-users.js';
import type { ScramMechanism } from '../../kafka/sasl/scram-credential.js';
import { globalOptions, type GlobalOptions } from '../global-options.js';
import { writeOut, type CliIo } from '../../term/io.js';
import { readPassword } from '../read-password.js';
import { SCRAM_MECHANISMS } from './broker-user.js';

const USER_NAME = /^[A-Za-z0-9._@+-]{1,255}$/;

interface UserEntry {
  name: string;
  mechanisms: string[];
  createdMs: number;
}

export async function userAdd(name: string, flags: { passwordStdin?: boolean; mechanism: ScramMechanism | 'all' }, command: Command, io: CliIo): Promise<void> {
  checkName(name);
  const globals = globalOptions(command, io);
  const password = await readPassword(io, flags.passwordStdin === true, `password for ${name}: `);
  const mechanisms = flags.mechanism === 'all' ? [...SCRAM_MECHANISMS] : [flags.mechanism];
  const { scramKeys } = await import('../../kafka/sasl/scram-credential.js');
  const rows = await Promise.all(mechanisms.map(async (mechanism) => ({ mechanism, keys: await scramKeys(mechanism, password) })));
  await withUsers(globals, (users) => {
    const createdMs = Date.now();
    for (const { mechanism, keys } of rows) users.save({ name, mechanism, ...keys, createdMs });
  });
  io.stdout.write(`user ${name} saved (${mechanisms.join(', ')}; PLAIN logins are checked against these keys)\n`);
    }

export async function userRemove(name: string, command: Command, io: CliIo): Promise<void> {
  const removed = await withUsers(globalOptions(command, io), (users) => users.remove(name));
  if (removed === 0) throw new SpoolError(`user ${name} does not exist`);
  io.stdout.write(`user ${name} removed\n`);
    }

export async function userList(flags: { json?: boolean }, command: Command, io: CliIo): Promise<void> {
  const entries = await withUsers(globalOptions(command, io), (users) => {
    const byName = new Map<string, UserEntry>();
    for (const row of users.all()) {
      const entry = byName.get(row.name) ?? { name: row.name, mechanisms: [], createdMs: row.createdMs };
      entry.mechanisms.push(row.mechanism);
      entry.createdMs = Math.min(entry.createdMs, row.createdMs);
      byName.set(row.name, entry);
    }
    return [...byName.values()];
  });
  if (flags.json === true) {
    await writeOut(io.stdout, JSON.stringify(entries) + '\n');
    return;
  }
  const width = Math.max(4, ...entries.map((e) => e.name.length));
  const lines = [`${'USER'.padEnd(width)}  MECHANISMS`, ...entries.map((e) => `${e.name.padEnd(width)}  ${e.mechanisms.join(',')}`)];
  await writeOut(io.stdout, (entries.length === 0 ? 'no users (add one with: spool broker user add NAME)' : lines.join('\n')) + '\n');
    }

function checkName(name: string): void {
  if (!USER_NAME.test(name)) throw new UsageError(`invalid user name "${name}": use 1 to 255 letters, digits, and . _ @ + -`);
}

/** Open index.db (SQLite and the user table load only here), use it, close it. */
async function withUsers<T>(globals: GlobalOptions, use: (users: KafkaUserStore) => T): Promise<T> {
  const [{ openDatabase }, { KafkaUserStore }] = await Promise.all([import('../../storage/database.js'), import('../../storage/kafka-users.js')]);
  let db: SqliteDatabase;
  try {
    ensureDir(globals.dataDir);
    db = openDatabase(join(globals.dataDir, INDEX_DB_FILE));
  } catch (err) {
    throw new SpoolError(`cannot open the data directory ${globals.dataDir}: ${errorMessage(err)}`, { cause: err });
  }
  try {
    return use(new KafkaUserStore(db));
  } finally {
    db.close();
  }
}
