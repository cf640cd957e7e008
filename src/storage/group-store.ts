// GroupStore: consumer groups and their committed offsets in index.db. Members are not stored:
// they are live connections and rejoin after a restart; the generation is, so that it only ever
// grows and a commit from before a restart can be told apart. Both coordinators (spool's own and
// Kafka's classic protocol) keep their groups here, one row per group name: `protocol` says which
// drove it last, and the offsets are one store whichever protocol commits them.
import type { Statement } from 'better-sqlite3';
import { transactionRunner, type SqliteDatabase, type TransactionRunner } from './database.js';

export type GroupProtocol = 'spool' | 'kafka';

export interface GroupRow {
  name: string;
  generation: number;
  createdMs: number;
  protocol: GroupProtocol;
  /** Kafka's protocol type ("consumer", "connect"); null for spool's groups. */
  protocolType: string | null;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
  committedMs: number;
  /** The metadata string a Kafka client committed with the offset; null when none. */
  metadata: string | null;
}

export interface OffsetToSave {
  topic: string;
  partition: number;
  offset: number;
  metadata?: string | null;
}

/** A committed offset with the group it belongs to. */
export interface GroupCommittedOffset {
  group: string;
  topic: string;
  partition: number;
  offset: number;
}

export class GroupStore {
  readonly #inTransaction: TransactionRunner;
  readonly #groupSelectAll: Statement<[]>;
  readonly #groupClaim: Statement<[string, number, number, string, string | null]>;
  readonly #groupDelete: Statement<[string]>;
  readonly #offsetSelectByGroup: Statement<[string]>;
  readonly #offsetUpsert: Statement<[string, string, number, number, number, string | null]>;
  readonly #offsetDeleteByTopic: Statement<[string]>;
  readonly #offsetDeleteByGroupTopicPartition: Statement<[string, string, number]>;
  readonly #groupSelectByName: Statement<[string]>;
  readonly #offsetSelectByGroupTopicPartition: Statement<[string, string, number]>;
  readonly #offsetSelectAll: Statement<[]>;

  constructor(db: SqliteDatabase) {
    this.#inTransaction = transactionRunner(db);
    this.#groupSelectAll = db.prepare(
      'SELECT name, generation, created_ms AS createdMs, protocol, protocol_type AS protocolType FROM consumer_groups ORDER BY name',
    );
    this.#groupClaim = db.prepare(
      `INSERT INTO consumer_groups (name, generation, created_ms, protocol, protocol_type) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET generation = excluded.generation, protocol = excluded.protocol, protocol_type = excluded.protocol_type`,
    );
    this.#groupDelete = db.prepare('DELETE FROM consumer_groups WHERE name = ?');
    this.#offsetSelectByGroup = db.prepare(
      'SELECT topic, partition, offset, committed_ms AS committedMs, metadata FROM group_offsets WHERE group_name = ? ORDER BY topic, partition',
    );
    this.#offsetUpsert = db.prepare(
      `INSERT INTO group_offsets (group_name, topic, partition, offset, committed_ms, metadata) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (group_name, topic, partition) DO UPDATE SET offset = excluded.offset, committed_ms = excluded.committed_ms, metadata = excluded.metadata`,
    );
    this.#offsetDeleteByTopic = db.prepare('DELETE FROM group_offsets WHERE topic = ?');
    this.#offsetDeleteByGroupTopicPartition = db.prepare('DELETE FROM group_offsets WHERE group_name = ? AND topic = ? AND partition = ?');
    this.#groupSelectByName = db.prepare('SELECT 1 FROM consumer_groups WHERE name = ?').pluck();
    this.#offsetSelectByGroupTopicPartition = db.prepare('SELECT offset FROM group_offsets WHERE group_name = ? AND topic = ? AND partition = ?').pluck();
    this.#offsetSelectAll = db.prepare('SELECT group_name AS "group", topic, partition, offset FROM group_offsets ORDER BY group_name, topic, partition');
  }

  groupExists(name: string): boolean {
    return this.#groupSelectByName.get(name) !== undefined;
  }

  /** The group's committed offset on one partition; null when it has none there. */
  committedOffset(group: string, topic: string, partition: number): number | null {
    const offset = this.#offsetSelectByGroupTopicPartition.get(group, topic, partition) as number | undefined;
    return offset ?? null;
  }

  /** Every committed offset of every group. */
  allOffsets(): GroupCommittedOffset[] {
    return this.#offsetSelectAll.all() as GroupCommittedOffset[];
  }

  groups(): GroupRow[] {
    return this.#groupSelectAll.all() as GroupRow[];
  }

  /** Save a group with the protocol that drives it from now on. */
  groupClaim(row: GroupRow): void {
    this.#groupClaim.run(row.name, row.generation, row.createdMs, row.protocol, row.protocolType);
  }

  groupDelete(name: string): void {
    this.#groupDelete.run(name);
  }

  offsets(group: string): CommittedOffset[] {
    return this.#offsetSelectByGroup.all(group) as CommittedOffset[];
  }

  /** Store offsets in one transaction. */
  offsetsSave(group: string, offsets: readonly OffsetToSave[], nowMs: number): void {
    this.#inTransaction(() => {
      for (const o of offsets) this.#offsetUpsert.run(group, o.topic, o.partition, o.offset, nowMs, o.metadata ?? null);
    });
  }

  offsetDelete(group: string, topic: string, partition: number): void {
    this.#offsetDeleteByGroupTopicPartition.run(group, topic, partition);
  }

  /** Committed offsets of a deleted topic go with it. */
  offsetsDeleteByTopic(topic: string): void {
    this.#offsetDeleteByTopic.run(topic);
  }
}
