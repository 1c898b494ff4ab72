/**
 * The open history connection as the per-kind modules see it, and what they share.
 *
 * store.ts opens, migrates and closes the file and turns disk errors into words; the modules of each
 * kind of record (audits.ts, messages.ts, sends.ts, placements.ts, profiles-seeds.ts, secrets.ts,
 * settings.ts, reports.ts) run their SQL through this, so every statement is prepared once per connection.
 */
import type Database from 'better-sqlite3';
import { HistoryError } from './errors';
import type { Page } from './types';

/** The largest page a list returns, whatever was asked. */
export const MAX_PAGE = 1000;

export class HistoryDb {
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(readonly raw: Database.Database) {}

  /**
   * The statement for `sql`, prepared on its first use and kept while the connection is open.
   *
   * Prepared on first use rather than at open: a file opened with fewer migrations (an older
   * schema, in tests) lacks the tables of the later ones.
   */
  sql(sql: string): Database.Statement {
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = this.raw.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  /** Runs `fn` in one transaction; inside another one it becomes a savepoint. */
  tx<T>(fn: () => T): T {
    return this.raw.transaction(fn)();
  }

  /**
   * Runs `fn` in one BEGIN IMMEDIATE transaction: the write lock is taken before anything is read,
   * so what `fn` reads cannot change under it before it writes (another process waits, up to the
   * busy timeout). Leases are taken and checks recorded so.
   */
  immediate<T>(fn: () => T): T {
    return this.raw.transaction(fn).immediate();
  }
}

/** A page within bounds: at least one row, at most MAX_PAGE, 100 when not asked. */
export const page = (p: Page = {}) => ({
  limit: Math.min(Math.max(Math.trunc(p.limit ?? 100), 1), MAX_PAGE),
  offset: Math.max(Math.trunc(p.offset ?? 0), 0),
});

/** Stored JSON read back; damaged JSON says which record it is and what to do. */
export function parseStored<T>(json: string, what: string): T {
  try {
    return JSON.parse(json) as T;
  } catch (err) {
    throw new HistoryError(`${what} in the history database is damaged (${(err as Error).message}); delete it and record it again.`, { cause: err });
  }
}
