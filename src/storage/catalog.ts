// Catalog: topics, their configs and their partitions in index.db. Statements are prepared once
// and named <table><Verb>[By<Key>].
import { randomBytes } from '../common/random-bytes.js';
import type { Statement } from 'better-sqlite3';
import { transactionRunner, type SqliteDatabase, type TransactionRunner } from './database.js';

export interface TopicRow {
  id: number;
  name: string;
  createdMs: number;
  /** Kafka's topic id: 32 lowercase hex digits. */
  uuid: string;
}

export interface PartitionRow {
  id: number;
  topicId: number;
  partition: number;
  logStartOffset: number;
}

export class Catalog {
  readonly #inTransaction: TransactionRunner;
  readonly #topicInsert: Statement<[string, number, string]>;
  readonly #topicSelectAll: Statement<[]>;
  readonly #topicDeleteById: Statement<[number]>;
  readonly #configSelectByTopic: Statement<[number]>;
  readonly #configUpsert: Statement<[number, string, string]>;
  readonly #configDeleteByTopicKey: Statement<[number, string]>;
  readonly #partitionInsert: Statement<[number, number, number]>;
  readonly #partitionSelectByTopic: Statement<[number]>;
  readonly #partitionUpdateLogStart: Statement<[number, number]>;
  readonly #metaSelect: Statement<[string]>;
  readonly #metaInsert: Statement<[string, string]>;

  constructor(db: SqliteDatabase) {
    this.#inTransaction = transactionRunner(db);
    this.#topicInsert = db.prepare('INSERT INTO topics (name, created_ms, uuid) VALUES (?, ?, ?)');
    this.#topicSelectAll = db.prepare('SELECT id, name, created_ms AS createdMs, uuid FROM topics ORDER BY name');
    this.#topicDeleteById = db.prepare('DELETE FROM topics WHERE id = ?');
    this.#configSelectByTopic = db.prepare('SELECT key, value FROM topic_configs WHERE topic_id = ?');
    this.#configUpsert = db.prepare(
      'INSERT INTO topic_configs (topic_id, key, value) VALUES (?, ?, ?) ON CONFLICT (topic_id, key) DO UPDATE SET value = excluded.value',
    );
    this.#configDeleteByTopicKey = db.prepare('DELETE FROM topic_configs WHERE topic_id = ? AND key = ?');
    this.#partitionInsert = db.prepare('INSERT INTO partitions (topic_id, partition, log_start_offset) VALUES (?, ?, ?)');
    this.#partitionSelectByTopic = db.prepare(
      'SELECT id, topic_id AS topicId, partition, log_start_offset AS logStartOffset FROM partitions WHERE topic_id = ? ORDER BY partition',
    );
    this.#partitionUpdateLogStart = db.prepare('UPDATE partitions SET log_start_offset = ? WHERE id = ?');
    this.#metaSelect = db.prepare('SELECT value FROM broker_meta WHERE key = ?');
    this.#metaInsert = db.prepare('INSERT INTO broker_meta (key, value) VALUES (?, ?)');
  }

  topics(): TopicRow[] {
    return this.#topicSelectAll.all() as TopicRow[];
  }

  /** Runs inside a transaction when called from LogManager.createTopic. */
  topicInsert(name: string, nowMs: number): TopicRow {
    const uuid = newTopicUuid();
    const info = this.#topicInsert.run(name, nowMs, uuid);
    return { id: Number(info.lastInsertRowid), name, createdMs: nowMs, uuid };
  }

  topicDelete(topicId: number): void {
    this.#topicDeleteById.run(topicId);
  }

  configs(topicId: number): Record<string, string> {
    const rows = this.#configSelectByTopic.all(topicId) as Array<{ key: string; value: string }>;
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  configSet(topicId: number, key: string, value: string): void {
    this.#configUpsert.run(topicId, key, value);
  }

  configDelete(topicId: number, key: string): void {
    this.#configDeleteByTopicKey.run(topicId, key);
  }

  partitionInsert(topicId: number, partition: number, logStartOffset = 0): PartitionRow {
    const info = this.#partitionInsert.run(topicId, partition, logStartOffset);
    return { id: Number(info.lastInsertRowid), topicId, partition, logStartOffset };
  }

  partitions(topicId: number): PartitionRow[] {
    return this.#partitionSelectByTopic.all(topicId) as PartitionRow[];
  }

  partitionSetLogStart(partitionId: number, logStartOffset: number): void {
    this.#partitionUpdateLogStart.run(logStartOffset, partitionId);
  }

  /** A broker-wide setting, created with `initial()` the first time it is asked for. */
  metaValue(key: string, initial: () => string): string {
    const row = this.#metaSelect.get(key) as { value: string } | undefined;
    if (row !== undefined) return row.value;
    const value = initial();
    this.#metaInsert.run(key, value);
    return value;
  }

  transaction<T>(fn: () => T): T {
    return this.#inTransaction(fn);
  }
}

/** A random topic id. Kafka reserves the all-zero id (no topic) and the id 0...01 (metadata topic). */
function newTopicUuid(): string {
  for (;;) {
    const hex = randomBytes(16).toString('hex');
    if (!/^0{31}[01]$/.test(hex)) return hex;
  }
}
