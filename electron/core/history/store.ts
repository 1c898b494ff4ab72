/**
 * The local history: a typed layer over better-sqlite3 with prepared statements.
 *
 * WAL and foreign keys on; the schema comes from numbered migrations, recorded in schema_migrations.
 * The one escape hatch for bulk work is `transaction(fn)`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditResult } from '../audit/types';
import { MIGRATIONS, type Migration } from './migrations';

export interface AuditSummary {
  id: number;
  domain: string;
  startedAt: string;
  durationMs: number;
  score: number;
  grade: string;
  critical: number;
  warning: number;
}

export interface ListAuditsQuery {
  domain?: string;
  limit?: number;
  offset?: number;
}

/** A problem with the history file itself: unreadable, from a newer version, or the disk is full. */
export class HistoryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HistoryError';
  }
}

interface AuditRow {
  id: number;
  domain: string;
  started_at: string;
  duration_ms: number;
  score: number;
  grade: string;
  critical_count: number;
  warning_count: number;
}

export class HistoryStore {
  private readonly db: Database.Database;

  private constructor(
    db: Database.Database,
    readonly path: string,
  ) {
    this.db = db;
  }

  /** Opens (creating if needed) the history at `path`; `:memory:` for a throwaway one. */
  static open(path: string, migrations: readonly Migration[] = MIGRATIONS): HistoryStore {
    let db: Database.Database;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    } catch (err) {
      throw new HistoryError(`Cannot open the history database at ${path}: ${(err as Error).message}`, { cause: err });
    }
    const store = new HistoryStore(db, path);
    try {
      store.migrate(migrations);
    } catch (err) {
      db.close();
      throw err;
    }
    return store;
  }

  private migrate(migrations: readonly Migration[]): void {
    this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT`);
    const current = this.schemaVersion();
    const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
    if (current > latest) {
      throw new HistoryError(
        `The history database at ${this.path} was written by a newer Deliverlab (schema ${current}, this one knows ${latest}). Update Deliverlab, or use --db to pick another file.`,
      );
    }
    const record = this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (migration.version <= current) continue;
      this.write(() =>
        this.db.transaction(() => {
          this.db.exec(migration.sql);
          record.run(migration.version, migration.name, new Date().toISOString());
        })(),
      );
    }
  }

  schemaVersion(): number {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    return row.v ?? 0;
  }

  /** Runs a write, turning SQLite's disk errors into a message a person can act on. */
  private write<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (code === 'SQLITE_FULL') {
        throw new HistoryError(`The disk holding ${this.path} is full: nothing was written. Free some space and try again.`, { cause: err });
      }
      if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN') {
        throw new HistoryError(`Cannot write the history database at ${this.path} (${code}): nothing was written.`, { cause: err });
      }
      throw err;
    }
  }

  saveAudit(result: AuditResult): number {
    const critical = result.findings.filter((f) => f.severity === 'critical').length;
    const warning = result.findings.filter((f) => f.severity === 'warning').length;
    const { id: _ignored, ...stored } = result;
    return this.write(() =>
      this.db.transaction(() => {
        this.db
          .prepare('INSERT INTO domains (name, first_seen) VALUES (?, ?) ON CONFLICT(name) DO NOTHING')
          .run(result.domain, result.startedAt);
        const domain = this.db.prepare('SELECT id FROM domains WHERE name = ?').get(result.domain) as { id: number };
        const info = this.db
          .prepare(
            `INSERT INTO audits (domain_id, started_at, duration_ms, score, grade, critical_count, warning_count, resolver, result_json)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            domain.id,
            result.startedAt,
            Math.round(result.durationMs),
            result.score,
            result.grade,
            critical,
            warning,
            result.resolver,
            JSON.stringify(stored),
          );
        return Number(info.lastInsertRowid);
      })(),
    );
  }

  listAudits(query: ListAuditsQuery = {}): { items: AuditSummary[]; total: number } {
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    const where = query.domain ? 'WHERE d.name = ?' : '';
    const params = query.domain ? [query.domain.toLowerCase()] : [];
    const rows = this.db
      .prepare(
        `SELECT a.id, d.name AS domain, a.started_at, a.duration_ms, a.score, a.grade, a.critical_count, a.warning_count
         FROM audits a JOIN domains d ON d.id = a.domain_id ${where}
         ORDER BY a.started_at DESC, a.id DESC LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset) as AuditRow[];
    const total = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM audits a JOIN domains d ON d.id = a.domain_id ${where}`).get(...params) as {
        n: number;
      }
    ).n;
    return {
      total,
      items: rows.map((r) => ({
        id: r.id,
        domain: r.domain,
        startedAt: r.started_at,
        durationMs: r.duration_ms,
        score: r.score,
        grade: r.grade,
        critical: r.critical_count,
        warning: r.warning_count,
      })),
    };
  }

  getAudit(id: number): AuditResult | null {
    const row = this.db.prepare('SELECT result_json FROM audits WHERE id = ?').get(id) as { result_json: string } | undefined;
    if (!row) return null;
    return { ...(JSON.parse(row.result_json) as AuditResult), id };
  }

  /** The newest stored audit of `domain`, or null. */
  latestAudit(domain: string): AuditResult | null {
    const row = this.db
      .prepare(
        `SELECT a.id FROM audits a JOIN domains d ON d.id = a.domain_id WHERE d.name = ? ORDER BY a.started_at DESC, a.id DESC LIMIT 1`,
      )
      .get(domain.toLowerCase()) as { id: number } | undefined;
    return row ? this.getAudit(row.id) : null;
  }

  deleteAudit(id: number): boolean {
    return this.write(() => this.db.prepare('DELETE FROM audits WHERE id = ?').run(id).changes > 0);
  }

  getSetting(key: string): unknown {
    const row = this.db.prepare('SELECT value_json FROM settings WHERE key = ?').get(key) as { value_json: string } | undefined;
    return row ? (JSON.parse(row.value_json) as unknown) : undefined;
  }

  setSetting(key: string, value: unknown): void {
    this.write(() =>
      this.db
        .prepare('INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json')
        .run(key, JSON.stringify(value)),
    );
  }

  /** The escape hatch for bulk work: runs `fn` in one transaction. */
  transaction<T>(fn: (db: Database.Database) => T): T {
    return this.write(() => this.db.transaction(() => fn(this.db))());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
