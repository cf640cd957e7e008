// KafkaUserStore: the SCRAM credentials of the Kafka listener's users in index.db, one row per
// user and mechanism (RFC 5802: salt, iteration count, StoredKey, ServerKey). No password is
// stored, nor anything a password could be read back from. `spool broker user` writes here
// whether the broker runs or not; the broker reads on every login, so changes count at once.
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';

export interface ScramCredentialRow {
  name: string;
  mechanism: string;
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
  createdMs: number;
}

export class KafkaUserStore {
  readonly #userSelectAll: Statement<[]>;
  readonly #userSelectByNameMechanism: Statement<[string, string]>;
  readonly #userUpsert: Statement<[string, string, Buffer, number, Buffer, Buffer, number]>;
  readonly #userDeleteByName: Statement<[string]>;

  constructor(db: SqliteDatabase) {
    const columns = 'name, mechanism, salt, iterations, stored_key AS storedKey, server_key AS serverKey, created_ms AS createdMs';
    this.#userSelectAll = db.prepare(`SELECT ${columns} FROM kafka_users ORDER BY name, mechanism`);
    this.#userSelectByNameMechanism = db.prepare(`SELECT ${columns} FROM kafka_users WHERE name = ? AND mechanism = ?`);
    this.#userUpsert = db.prepare(
      `INSERT INTO kafka_users (name, mechanism, salt, iterations, stored_key, server_key, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name, mechanism) DO UPDATE SET salt = excluded.salt, iterations = excluded.iterations,
         stored_key = excluded.stored_key, server_key = excluded.server_key, created_ms = excluded.created_ms`,
    );
    this.#userDeleteByName = db.prepare('DELETE FROM kafka_users WHERE name = ?');
  }

  all(): ScramCredentialRow[] {
    return this.#userSelectAll.all() as ScramCredentialRow[];
  }

  credential(name: string, mechanism: string): ScramCredentialRow | undefined {
    return this.#userSelectByNameMechanism.get(name, mechanism) as ScramCredentialRow | undefined;
  }

  save(row: ScramCredentialRow): void {
    this.#userUpsert.run(row.name, row.mechanism, row.salt, row.iterations, row.storedKey, row.serverKey, row.createdMs);
  }

  /** Removes every credential of the user; returns how many there were. */
  remove(name: string): number {
    return this.#userDeleteByName.run(name).changes;
  }
}
