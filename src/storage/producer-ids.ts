// ProducerIdStore: hands out idempotent-producer ids, unique for the life of the data directory.
// index.db keeps the next id not yet reserved (table producer_ids); ids are reserved a block at a
// time, so most producers cost no write, and a restart skips what is left of a block rather than
// risk handing an id out twice. Like the rest of index.db, the reservation is durable against a
// crash of the broker, and against power loss with --fsync always (synchronous=FULL).
import type { Statement } from 'better-sqlite3';
import { transactionRunner, type SqliteDatabase, type TransactionRunner } from './database.js';

export const PRODUCER_ID_BLOCK = 1000;

export class ProducerIdStore {
  readonly #inTransaction: TransactionRunner;
  readonly #producerIdsSelect: Statement<[]>;
  readonly #producerIdsUpdate: Statement<[number]>;
  /** Next id to hand out, and the end of the reserved block (both equal: nothing reserved). */
  #next: number;
  #blockEnd: number;

  constructor(db: SqliteDatabase) {
    this.#inTransaction = transactionRunner(db);
    this.#producerIdsSelect = db.prepare('SELECT next_id AS nextId FROM producer_ids WHERE id = 0');
    this.#producerIdsUpdate = db.prepare('UPDATE producer_ids SET next_id = ? WHERE id = 0');
    this.#next = this.#reservedEnd();
    this.#blockEnd = this.#next;
  }

  /** A producer id never handed out before. */
  allocate(): number {
    if (this.#next >= this.#blockEnd) {
      this.#inTransaction(() => {
        const start = this.#reservedEnd();
        this.#producerIdsUpdate.run(start + PRODUCER_ID_BLOCK);
        this.#next = start;
        this.#blockEnd = start + PRODUCER_ID_BLOCK;
      });
    }
    return this.#next++;
  }

  /** True when `producerId` may have been handed out (by this broker or an earlier one). */
  wasIssued(producerId: number): boolean {
    return producerId >= 0 && producerId < this.#next;
  }

  #reservedEnd(): number {
    const row = this.#producerIdsSelect.get() as { nextId: number } | undefined;
    return row?.nextId ?? 0;
  }
}
