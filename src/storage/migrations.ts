// The SQLite schema as numbered, append-only migrations; `PRAGMA user_version` records how many
// have run. Never edit a migration that has shipped: add the next one.
//
// Index tables have no foreign keys on purpose: a check per insert on the append path costs more
// than the explicit deletes that accompany a topic's removal.

export const MIGRATIONS: readonly string[] = [
  // 001_topics
  `CREATE TABLE topics (
     id          INTEGER PRIMARY KEY,
     name        TEXT NOT NULL UNIQUE,
     created_ms  INTEGER NOT NULL
   );
   CREATE TABLE topic_configs (
     topic_id  INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
     key       TEXT NOT NULL,
     value     TEXT NOT NULL,
     PRIMARY KEY (topic_id, key)
   ) WITHOUT ROWID;
   CREATE TABLE partitions (
     id                INTEGER PRIMARY KEY,
     topic_id          INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
     partition         INTEGER NOT NULL,
     log_start_offset  INTEGER NOT NULL DEFAULT 0,
     UNIQUE (topic_id, partition)
   );`,
  // 002_segments: stats of closed segments (the active segment's live in memory)
  `CREATE TABLE segments (
     partition_id   INTEGER NOT NULL,
     base_offset    INTEGER NOT NULL,
     next_offset    INTEGER,
     size_bytes     INTEGER,
     max_timestamp  INTEGER,
     PRIMARY KEY (partition_id, base_offset)
   ) WITHOUT ROWID;`,
  // 003_offset_index: sparse offset -> (segment, byte position) of a batch start
  `CREATE TABLE offset_index (
     partition_id  INTEGER NOT NULL,
     offset        INTEGER NOT NULL,
     segment_base  INTEGER NOT NULL,
     position      INTEGER NOT NULL,
     PRIMARY KEY (partition_id, offset)
   ) WITHOUT ROWID;`,
  // 004_time_index: at `offset`, every earlier record of the partition has timestamp <= `timestamp`
  // (-1: nothing earlier), so the first record at or after T lies at or after the last row below T
  `CREATE TABLE time_index (
     partition_id  INTEGER NOT NULL,
     offset        INTEGER NOT NULL,
     timestamp     INTEGER NOT NULL,
     PRIMARY KEY (partition_id, offset)
   ) WITHOUT ROWID;
   CREATE INDEX time_index_by_timestamp ON time_index (partition_id, timestamp, offset);`,
  // 005_groups: consumer groups (their generation survives restarts) and committed offsets
  `CREATE TABLE consumer_groups (
     name        TEXT PRIMARY KEY,
     generation  INTEGER NOT NULL,
     created_ms  INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE group_offsets (
     group_name    TEXT NOT NULL REFERENCES consumer_groups(name) ON DELETE CASCADE,
     topic         TEXT NOT NULL,
     partition     INTEGER NOT NULL,
     offset        INTEGER NOT NULL,
     committed_ms  INTEGER NOT NULL,
     PRIMARY KEY (group_name, topic, partition)
   ) WITHOUT ROWID;
   CREATE INDEX group_offsets_by_topic ON group_offsets (topic);`,
  // 006_kafka_ids: a topic id per topic (Kafka's topic UUID, 32 hex digits) and broker-wide
  // settings such as the cluster id, both stable across restarts
  `ALTER TABLE topics ADD COLUMN uuid TEXT;
   UPDATE topics SET uuid = lower(hex(randomblob(16)));
   CREATE TABLE broker_meta (
     key    TEXT PRIMARY KEY,
     value  TEXT NOT NULL
   ) WITHOUT ROWID;`,
  // 007_producer_ids: the next producer id not yet handed out (ids go out in blocks, so a
  // restart skips the rest of a block and never repeats an id); one row
  `CREATE TABLE producer_ids (
     id       INTEGER PRIMARY KEY CHECK (id = 0),
     next_id  INTEGER NOT NULL
   );
   INSERT INTO producer_ids (id, next_id) VALUES (0, 0);`,
  // 008_kafka_groups_and_users: which protocol drove a group last (spool's own or Kafka's classic
  // one, with the Kafka protocol type), the metadata string of a Kafka offset commit, and the
  // SCRAM credentials of Kafka users (salted, iterated keys only: no password is ever stored)
  `ALTER TABLE consumer_groups ADD COLUMN protocol TEXT NOT NULL DEFAULT 'spool';
   ALTER TABLE consumer_groups ADD COLUMN protocol_type TEXT;
   ALTER TABLE group_offsets ADD COLUMN metadata TEXT;
   CREATE TABLE kafka_users (
     name        TEXT NOT NULL,
     mechanism   TEXT NOT NULL,
     salt        BLOB NOT NULL,
     iterations  INTEGER NOT NULL,
     stored_key  BLOB NOT NULL,
     server_key  BLOB NOT NULL,
     created_ms  INTEGER NOT NULL,
     PRIMARY KEY (name, mechanism)
   ) WITHOUT ROWID;`,
];
