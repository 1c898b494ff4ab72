/**
 * The local history: a typed layer over better-sqlite3 with prepared statements.
 *
 * WAL and foreign keys on; the schema comes from numbered migrations, recorded in schema_migrations.
 * The one escape hatch for bulk work is `transaction(fn)`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompressSync, constants as zlibConstants, gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { isValidSelector } from '../audit/dkim-parse';
import type { AuditResult } from '../audit/types';
import { isValidDomain, normalizeDomain } from '../domain';
import type { DkimSignatureResult, MessageAnalysis } from '../message/types';
import { MIGRATIONS, type Migration } from './migrations';
import type { PlacementRun, Seed, SeedOutcome } from '../placement/types';
import type { SendResult, SmtpProfile } from '../send/types';
import { HistoryError } from './errors';
import { clipText, listColumn } from './list-bounds';
import * as runs from './placements';
import type { AuditSummary, DkimOverall, MessageSummaryRow, PlacementListItem, SendSummary, TrendSeries } from './types';

export interface ListAuditsQuery {
  domain?: string;
  limit?: number;
  offset?: number;
}

export interface ListMessagesQuery {
  /** The From domain. */
  domain?: string;
  limit?: number;
  offset?: number;
}

/** At most this many DKIM signatures of one message are remembered: a hostile message can carry hundreds. */
const MAX_SEEN_PER_MESSAGE = 20;
/** At most this many seen selectors go to an audit (the DKIM check tries at most 80 in all). */
const MAX_SEEN_FOR_AUDIT = 20;

const compress = promisify(brotliCompress);

/** How long a statement waits for another process's write lock before giving up. */
const BUSY_TIMEOUT_MS = 5000;

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Turns WAL on, waiting for other processes that are doing the same to the same new file.
 *
 * The switch needs an exclusive lock, and SQLite answers SQLITE_BUSY at once, without calling the
 * busy handler, when two connections holding shared locks both ask for it (waiting could deadlock).
 * So one of eight processes opening a new file together wins and the others retry here, briefly
 * and a bounded number of times; on their next try the file is already in WAL mode.
 */
function switchToWal(db: Database.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if (!String((err as { code?: string }).code).startsWith('SQLITE_BUSY') || Date.now() > deadline) throw err;
      // A synchronous pause (the open is synchronous), with jitter so the waiters do not retry in step.
      Atomics.wait(pause, 0, 0, 5 + Math.floor(Math.random() * 20));
    }
  }
}

/**
 * One word for a message's DKIM: `pass` when an aligned signature passed, `none` without signatures,
 * `unaligned` when only signatures of other domains passed, otherwise the first failing result.
 */
export function dkimOverall(signatures: readonly DkimSignatureResult[]): DkimOverall {
  if (signatures.length === 0) return 'none';
  if (signatures.some((s) => s.result === 'pass' && s.aligned)) return 'pass';
  if (signatures.some((s) => s.result === 'pass')) return 'unaligned';
  // A temporary DNS error may pass on retry: say that rather than a hard failure when both occur.
  if (signatures.some((s) => s.result === 'temperror')) return 'temperror';
  return (signatures.find((s) => s.result !== 'none') ?? signatures[0])?.result ?? 'none';
}

export { HistoryError };

interface MessageRow {
  id: number;
  analysed_at: string;
  subject: string | null;
  from_address: string | null;
  from_domain: string | null;
  spf: string;
  dkim: string;
  dmarc: string;
  critical_count: number;
  warning_count: number;
  raw_stored: number;
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
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      switchToWal(db);
      db.pragma('foreign_keys = ON');
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

  /**
   * Brings the schema up to date, safely when other processes open the same file at the same time.
   *
   * An up-to-date file is only read. Otherwise every pending migration runs in one IMMEDIATE
   * transaction (the write lock taken before anything is read), and the version is read again
   * under that lock: a process that waited behind another one finds its work done and applies
   * nothing, where reading the version before locking made it run migration 1 a second time
   * ("table domains already exists").
   */
  private migrate(migrations: readonly Migration[]): void {
    const ordered = [...migrations].sort((a, b) => a.version - b.version);
    const latest = ordered.at(-1)?.version ?? 0;
    const checkNotNewer = (current: number) => {
      if (current > latest) {
        throw new HistoryError(
          `The history database at ${this.path} was written by a newer Deliverlab (schema ${current}, this one knows ${latest}). Update Deliverlab, or use --db to pick another file.`,
        );
      }
    };
    const seen = this.hasMigrationTable() ? this.schemaVersion() : 0;
    checkNotNewer(seen);
    if (seen === latest && latest > 0) return;
    this.write(() =>
      this.db
        .transaction(() => {
          this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
          ) STRICT`);
          const current = this.schemaVersion();
          checkNotNewer(current);
          const record = this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
          for (const migration of ordered) {
            if (migration.version <= current) continue;
            this.db.exec(migration.sql);
            record.run(migration.version, migration.name, new Date().toISOString());
          }
        })
        .immediate(),
    );
  }

  private hasMigrationTable(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
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

  /**
   * Stores an analysis, its raw message compressed (when `raw` is given) and the DKIM selectors it
   * was signed with; returns the new id. Compression runs off the main thread before the write.
   */
  async saveMessage(analysis: MessageAnalysis, raw: Buffer | null): Promise<number> {
    // Brotli at quality 3: on mail text within 6 % of quality 5, and on base64 attachments (which
    // shrink to 76 % whatever the setting) three times faster: 0.3 s instead of 0.9 s for 45 MB,
    // where gzip -6 takes 1.1 s for the same size.
    const packed = raw
      ? await compress(raw, {
          params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 3, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length },
        })
      : null;
    const critical = analysis.findings.filter((f) => f.severity === 'critical').length;
    const warning = analysis.findings.filter((f) => f.severity === 'warning').length;
    const { id: _id, historyError: _error, ...stored } = analysis;
    const seen = new Map<string, { domain: string; selector: string }>();
    for (const sig of analysis.auth.dkim.slice(0, MAX_SEEN_PER_MESSAGE)) {
      const domain = normalizeDomain(sig.domain ?? '');
      const selector = (sig.selector ?? '').trim().toLowerCase();
      // Only names an audit could query: the message is untrusted input.
      if (!isValidDomain(domain) || !selector || !isValidSelector(selector)) continue;
      seen.set(`${domain} ${selector}`, { domain, selector });
    }
    return this.write(() =>
      this.db.transaction(() => {
        const info = this.db
          .prepare(
            `INSERT INTO messages (analysed_at, sha256, subject, from_address, from_domain, spf, dkim, dmarc, critical_count, warning_count, result_json)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            analysis.analysedAt,
            analysis.sha256,
            analysis.summary.subject,
            analysis.summary.from,
            analysis.summary.fromDomain ? normalizeDomain(analysis.summary.fromDomain) : null,
            analysis.auth.spf.result,
            dkimOverall(analysis.auth.dkim),
            analysis.auth.dmarc.result,
            critical,
            warning,
            JSON.stringify(stored),
          );
        const id = Number(info.lastInsertRowid);
        if (raw && packed) {
          this.db
            .prepare('INSERT INTO message_raw (message_id, compression, raw, original_size) VALUES (?, ?, ?, ?)')
            .run(id, 'br', packed, raw.length);
        }
        const upsert = this.db.prepare(
          `INSERT INTO dkim_selectors_seen (domain, selector, first_seen, last_seen) VALUES (?, ?, ?, ?)
           ON CONFLICT(domain, selector) DO UPDATE SET
             first_seen = min(first_seen, excluded.first_seen),
             last_seen = max(last_seen, excluded.last_seen)`,
        );
        for (const { domain, selector } of seen.values()) upsert.run(domain, selector, analysis.analysedAt, analysis.analysedAt);
        return id;
      })(),
    );
  }

  /** A page of message analyses; subject and sender are read cut to a list's length (list-bounds.ts). */
  listMessages(query: ListMessagesQuery = {}): { items: MessageSummaryRow[]; total: number } {
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    const where = query.domain ? 'WHERE m.from_domain = ?' : '';
    const params = query.domain ? [normalizeDomain(query.domain)] : [];
    const rows = this.db
      .prepare(
        `SELECT m.id, m.analysed_at, ${listColumn('m.subject', 'subject')}, ${listColumn('m.from_address', 'from_address')},
                ${listColumn('m.from_domain', 'from_domain')}, m.spf, m.dkim, m.dmarc, m.critical_count, m.warning_count,
                EXISTS (SELECT 1 FROM message_raw r WHERE r.message_id = m.id) AS raw_stored
         FROM messages m ${where}
         ORDER BY m.analysed_at DESC, m.id DESC LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset) as MessageRow[];
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM messages m ${where}`).get(...params) as { n: number }).n;
    return {
      total,
      items: rows.map((r) => ({
        id: r.id,
        analysedAt: r.analysed_at,
        subject: r.subject === null ? null : clipText(r.subject),
        from: r.from_address === null ? null : clipText(r.from_address),
        fromDomain: r.from_domain === null ? null : clipText(r.from_domain),
        spf: r.spf,
        dkim: r.dkim as DkimOverall,
        dmarc: r.dmarc,
        critical: r.critical_count,
        warning: r.warning_count,
        rawStored: r.raw_stored === 1,
      })),
    };
  }

  getMessage(id: number): MessageAnalysis | null {
    const row = this.db.prepare('SELECT result_json FROM messages WHERE id = ?').get(id) as { result_json: string } | undefined;
    if (!row) return null;
    return { ...(JSON.parse(row.result_json) as MessageAnalysis), id };
  }

  /** The stored raw message, decompressed; null when the message or its raw copy is not stored. */
  getRawMessage(id: number): Buffer | null {
    const row = this.db.prepare('SELECT compression, raw, original_size FROM message_raw WHERE message_id = ?').get(id) as
      | { compression: string; raw: Buffer; original_size: number }
      | undefined;
    if (!row) return null;
    const raw = row.compression === 'gzip' ? gunzipSync(row.raw) : brotliDecompressSync(row.raw);
    if (raw.length !== row.original_size) {
      throw new HistoryError(`The stored copy of message #${id} is damaged (${raw.length} bytes instead of ${row.original_size}).`);
    }
    return raw;
  }

  /** Deletes an analysis and its raw message (the selectors it taught stay: they describe the domain). */
  deleteMessage(id: number): boolean {
    return this.write(() => this.db.prepare('DELETE FROM messages WHERE id = ?').run(id).changes > 0);
  }

  /** DKIM selectors seen signing mail from `domain`, most recently seen first, for the audit's discovery. */
  selectorsSeen(domain: string, limit = MAX_SEEN_FOR_AUDIT): string[] {
    const rows = this.db
      .prepare('SELECT selector FROM dkim_selectors_seen WHERE domain = ? ORDER BY last_seen DESC, selector LIMIT ?')
      .all(normalizeDomain(domain), limit) as { selector: string }[];
    return rows.map((r) => r.selector);
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

  // Test sends, placement runs, SMTP profiles and seeds: the work is in placements.ts; writes go
  // through write() so a full disk says so.

  saveSend(result: SendResult, subject: string): number {
    return this.write(() => runs.saveSend(this.db, result, subject));
  }
  listSends(query?: runs.Page & { profile?: string }): { items: SendSummary[]; total: number } {
    return runs.listSends(this.db, query);
  }
  getSend(id: number): runs.StoredSend | null {
    return runs.getSend(this.db, id);
  }
  deleteSend(id: number): boolean {
    return this.write(() => runs.deleteSend(this.db, id));
  }
  startPlacement(run: PlacementRun): number {
    return this.write(() => runs.startPlacement(this.db, run));
  }
  markSent(id: number, send: SendResult): void {
    this.write(() => runs.markSent(this.db, id, send));
  }
  /** One seed's outcome, committed at once: called at each detection or error. */
  recordSeedOutcome(id: number, outcome: SeedOutcome): void {
    this.write(() => runs.recordSeedOutcome(this.db, id, outcome));
  }
  finishPlacement(id: number, run: PlacementRun): void {
    this.write(() => runs.finishPlacement(this.db, id, run));
  }
  listPlacements(query?: runs.Page): { items: PlacementListItem[]; total: number } {
    return runs.listPlacements(this.db, query);
  }
  getPlacement(id: number): runs.StoredPlacementRun | null {
    return runs.getPlacement(this.db, id);
  }
  deletePlacement(id: number): boolean {
    return this.write(() => runs.deletePlacement(this.db, id));
  }
  placementTrend(query: runs.TrendQuery): TrendSeries[] {
    return runs.placementTrend(this.db, query);
  }
  /** Validates (refusing anything that looks like a secret) and stores a profile: pass the user's object as it came. */
  saveProfile(profile: unknown): { profile: SmtpProfile; warnings: string[] } {
    return this.write(() => runs.saveProfile(this.db, profile));
  }
  listProfiles(): SmtpProfile[] {
    return runs.listProfiles(this.db);
  }
  deleteProfile(name: string): boolean {
    return this.write(() => runs.deleteProfile(this.db, name));
  }
  /** Validates (refusing anything that looks like a secret) and stores a seed: pass the user's object as it came. */
  saveSeed(seed: unknown): { seed: Seed; warnings: string[] } {
    return this.write(() => runs.saveSeed(this.db, seed));
  }
  listSeeds(): Seed[] {
    return runs.listSeeds(this.db);
  }
  deleteSeed(name: string): boolean {
    return this.write(() => runs.deleteSeed(this.db, name));
  }

  /** The escape hatch for bulk work: runs `fn` in one transaction. */
  transaction<T>(fn: (db: Database.Database) => T): T {
    return this.write(() => this.db.transaction(() => fn(this.db))());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
