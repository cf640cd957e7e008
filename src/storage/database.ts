// Opening index.db: better-sqlite3 in WAL mode with synchronous=NORMAL (a crash of the process
// loses nothing committed; the segment files stay the truth for records anyway), then any
// migrations not yet applied, each in its own transaction.
import Database from 'better-sqlite3';
import { chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { MIGRATIONS } from './migrations.js';

export type SqliteDatabase = Database.Database;

/** Runs `fn` in a transaction, or in a savepoint when one is already open. */
export type TransactionRunner = <T>(fn: () => T) => T;

/**
 * Made once per owner of a database and kept: better-sqlite3's db.transaction() builds four
 * wrapper functions and defines five properties on each at every call, which on the append path
 * was a sixth of the broker's allocations at 10,000 records a second.
 *
 * The wrapped function returns nothing and the result is handed over beside it: better-sqlite3
 * looks for a `then` on whatever a transaction returns, and every new kind of result (the append
 * path's array of answers, a count, an object elsewhere) sent the optimised append path back to
 * the interpreter and had it recompiled seconds later, each time a burst on a background thread
 * that held records up.
 */
export function transactionRunner(db: SqliteDatabase): TransactionRunner {
  let result: unknown;
  const run = db.transaction((fn: () => unknown): void => {
    result = fn();
  });
  return <T>(fn: () => T): T => {
    try {
      run(fn);
      return result as T;
    } finally {
      result = undefined;
    }
  };
}

const CACHE_KIB = 1024;

// Imported statically so that the broker's bundle carries better-sqlite3's JavaScript
// (scripts/bundle-cli.mjs), and told where its addon is: without nativeBinding the `bindings`
// package searches a dozen paths (stack trace and path joins included) at every broker start.
const require = createRequire(import.meta.url);
let addonPath: string | undefined | null = null;

function nativeBinding(): { nativeBinding?: string } {
  if (addonPath === null) {
    try {
      addonPath = require.resolve('better-sqlite3/build/Release/better_sqlite3.node');
    } catch {
      addonPath = undefined; // built elsewhere: let better-sqlite3 find it
    }
  }
  return addonPath === undefined ? {} : { nativeBinding: addonPath };
}

export interface OpenDatabaseOptions {
  readonly?: boolean;
  /** FULL makes every commit durable against power loss (the broker's --fsync always). */
  synchronous?: 'NORMAL' | 'FULL';
}

export function openDatabase(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false, ...nativeBinding() });
  if (options.readonly) return db;
  chmodSync(path, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  // The page cache counts in the broker's RSS. A lookup touches a few pages per B-tree level and
  // appends touch the last leaves; 100 MB of log has about 25,000 index rows (under 1 MB), so
  // 1 MiB holds the working set of several busy partitions (SQLite's default is 2 MB).
  db.pragma(`cache_size = -${CACHE_KIB}`);
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: SqliteDatabase): void {
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (let version = applied; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
