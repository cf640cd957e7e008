// GroupStore: consumer groups and their committed offsets in index.db. Members are not stored:
// they are live connections and rejoin after a restart; the generation is, so that it only ever
// grows and a commit from before a restart can be told apart.
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';

export interface GroupRow {
  name: string;
  generation: number;
  createdMs: number;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
  committedMs: number;
}

/** A committed offset with the group it belongs to. */
export interface GroupCommittedOffset {
  group: string;
  topic: string;
  partition: number;
  offset: number;
}

export class GroupStore {
  readonly #db: SqliteDatabase;
  readonly #groupSelectAll: Statement<[]>;
  readonly #groupUpsert: Statement<[string, number, number]>;
  readonly #groupDelete: Statement<[string]>;
  readonly #offsetSelectByGroup: Statement<[string]>;
  readonly #offsetUpsert: Statement<[string, string, number, number, number]>;
  readonly #offsetDeleteByTopic: Statement<[string]>;
  readonly #offsetDeleteByGroupTopicPartition: Statement<[string, string, number]>;
  readonly #groupSelectByName: Statement<[string]>;
  readonly #offsetSelectByGroupTopicPartition: Statement<[string, string, number]>;
  readonly #offsetSelectAll: Statement<[]>;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#groupSelectAll = db.prepare('SELECT name, generation, created_ms AS createdMs FROM consumer_groups ORDER BY name');
    this.#groupUpsert = db.prepare(
      `INSERT INTO consumer_groups (name, generation, created_ms) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET generation = excluded.generation`,
    );
    this.#groupDelete = db.prepare('DELETE FROM consumer_groups WHERE name = ?');
    this.#offsetSelectByGroup = db.prepare(
      'SELECT topic, partition, offset, committed_ms AS committedMs FROM group_offsets WHERE group_name = ? ORDER BY topic, partition',
    );
    this.#offsetUpsert = db.prepare(
      `INSERT INTO group_offsets (group_name, topic, partition, offset, committed_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (group_name, topic, partition) DO UPDATE SET offset = excluded.offset, committed_ms = excluded.committed_ms`,
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

  groupSave(name: string, generation: number, createdMs: number): void {
    this.#groupUpsert.run(name, generation, createdMs);
  }

  groupDelete(name: string): void {
    this.#groupDelete.run(name);
  }

  offsets(group: string): CommittedOffset[] {
    return this.#offsetSelectByGroup.all(group) as CommittedOffset[];
  }

  /** Store offsets in one transaction. */
  offsetsSave(group: string, offsets: ReadonlyArray<{ topic: string; partition: number; offset: number }>, nowMs: number): void {
    this.#db.transaction(() => {
      for (const o of offsets) this.#offsetUpsert.run(group, o.topic, o.partition, o.offset, nowMs);
    })();
  }

  offsetDelete(group: string, topic: string, partition: number): void {
    this.#offsetDeleteByGroupTopicPartition.run(group, topic, partition);
  }

  /** Committed offsets of a deleted topic go with it. */
  offsetsDeleteByTopic(topic: string): void {
    this.#offsetDeleteByTopic.run(topic);
  }
}
