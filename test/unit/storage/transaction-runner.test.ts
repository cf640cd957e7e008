import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, transactionRunner, type SqliteDatabase } from '../../../src/storage/database.js';

describe('storage > transactionRunner', () => {
  const withDb = (body: (db: SqliteDatabase) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'sptx-'));
    const db = openDatabase(join(dir, 'index.db'));
    try {
      db.exec('CREATE TABLE t (v INTEGER)');
      body(db);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const values = (db: SqliteDatabase) => (db.prepare('SELECT v FROM t ORDER BY v').all() as { v: number }[]).map((r) => r.v);

  test('one runner serves every call: it returns the value, commits, and rolls back on a throw', () => {
    withDb((db) => {
      const inTransaction = transactionRunner(db);
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      assert.equal(
        inTransaction(() => {
          insert.run(1);
          return 'done';
        }),
        'done',
      );
      const failing = () =>
        inTransaction(() => {
          insert.run(2);
          throw new Error('boom');
        });
      assert.throws(failing, /boom/);
      inTransaction(() => insert.run(3));
      assert.deepEqual(values(db), [1, 3]);
      assert.equal(db.inTransaction, false);
    });
  });

  test('a call inside an open transaction is a savepoint: its failure undoes only its own writes', () => {
    withDb((db) => {
      const outer = transactionRunner(db);
      const inner = transactionRunner(db);
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      outer(() => {
        insert.run(1);
        assert.throws(() =>
          inner(() => {
            insert.run(2);
            throw new Error('inner');
          }),
        );
        insert.run(3);
      });
      assert.deepEqual(values(db), [1, 3]);
    });
  });

  test('nested calls of one runner each return their own value, whatever ran or failed before', () => {
    withDb((db) => {
      const inTransaction = transactionRunner(db);
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      const answers = inTransaction(() => {
        insert.run(1);
        const inner = inTransaction(() => {
          insert.run(2);
          return { inner: true };
        });
        assert.throws(() =>
          inTransaction(() => {
            throw new Error('inner');
          }),
        );
        return [inner, 'outer'];
      });
      assert.deepEqual(answers, [{ inner: true }, 'outer']);
      assert.throws(() =>
        inTransaction(() => {
          throw new Error('boom');
        }),
      );
      assert.equal(
        inTransaction(() => undefined),
        undefined,
      );
      assert.equal(
        inTransaction(() => 7),
        7,
      );
      assert.deepEqual(values(db), [1, 2]);
    });
  });
});
