/**
 * The local history: one SQLite file, a typed layer over better-sqlite3 with prepared statements.
 *
 * WAL and foreign keys on; the schema comes from numbered migrations, recorded in schema_migrations.
 * HistoryStore is the one way in: it opens, migrates and closes the file, runs every write so that a
 * full disk says so in words, and hands each kind of record to its own module (audits.ts,
 * messages.ts, settings.ts, sends.ts, placements.ts, profiles-seeds.ts, secrets.ts, reports.ts), which holds
 * its SQL. The one escape hatch for bulk work is `transaction(fn)`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditResult } from '../audit/types';
import type { MessageAnalysis } from '../message/types';
import type { PlacementRun, Seed, SeedOutcome } from '../placement/types';
import type { Range } from '../reports/range';
import type { FoundReport, PublishedPolicy, ReportListItem, StoredRecord } from '../reports/types';
import type { QaSummary } from '../qa/types';
import type { SecretTable, StoredSecret } from '../secrets';
import type { SendResult, SmtpProfile } from '../send/types';
import * as audits from './audits';
import { HistoryDb } from './db';
import { HistoryError } from './errors';
import * as messages from './messages';
import { MIGRATIONS, type Migration } from './migrations';
import * as placements from './placements';
import * as profilesSeeds from './profiles-seeds';
import * as reports from './reports';
import * as secrets from './secrets';
import * as sends from './sends';
import * as settings from './settings';
import type {
  AuditSummary,
  ListAuditsQuery,
  ListMessagesQuery,
  MessageSummaryRow,
  Page,
  PlacementListItem,
  SendSummary,
  StoredPlacementRun,
  StoredSend,
  TrendQuery,
  TrendSeries,
} from './types';

export { HistoryError };
export { dkimOverall } from './messages';
export type * from './types';

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

export class HistoryStore implements SecretTable {
  private readonly db: Database.Database;
  /** The same connection, with its statements prepared once, for the per-kind modules. */
  private readonly conn: HistoryDb;

  private constructor(
    db: Database.Database,
    readonly path: string,
  ) {
    this.db = db;
    this.conn = new HistoryDb(db);
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


  // Domain audits (audits.ts)

  saveAudit(result: AuditResult): number {
    return this.write(() => audits.saveAudit(this.conn, result));
  }
  listAudits(query: ListAuditsQuery = {}): { items: AuditSummary[]; total: number } {
    return audits.listAudits(this.conn, query);
  }
  getAudit(id: number): AuditResult | null {
    return audits.getAudit(this.conn, id);
  }
  /** The newest stored audit of `domain`, or null. */
  latestAudit(domain: string): AuditResult | null {
    return audits.latestAudit(this.conn, domain);
  }
  /** The stored audits of `domain` before `startedAt` (at the same time, before `id`), newest first. */
  auditsBefore(domain: string, startedAt: string, id: number | null, limit: number): AuditSummary[] {
    return audits.auditsBefore(this.conn, domain, startedAt, id, limit);
  }
  deleteAudit(id: number): boolean {
    return this.write(() => audits.deleteAudit(this.conn, id));
  }

  // Message analyses (messages.ts)

  /**
   * Stores an analysis, its raw message compressed (when `raw` is given) and the DKIM selectors it
   * was signed with; returns the new id. Compression runs off the main thread before the write.
   */
  async saveMessage(analysis: MessageAnalysis, raw: Buffer | null): Promise<number> {
    const packed = raw ? { packed: await messages.packRaw(raw), size: raw.length } : null;
    return this.write(() => messages.saveMessage(this.conn, analysis, packed));
  }
  /** A page of message analyses; subject and sender are read cut to a list's length (list-bounds.ts). */
  listMessages(query: ListMessagesQuery = {}): { items: MessageSummaryRow[]; total: number } {
    return messages.listMessages(this.conn, query);
  }
  getMessage(id: number): MessageAnalysis | null {
    return messages.getMessage(this.conn, id);
  }
  /** The stored raw message, decompressed; null when the message or its raw copy is not stored. */
  getRawMessage(id: number): Buffer | null {
    return messages.getRawMessage(this.conn, id);
  }
  /** Deletes an analysis and its raw message (the selectors it taught stay: they describe the domain). */
  deleteMessage(id: number): boolean {
    return this.write(() => messages.deleteMessage(this.conn, id));
  }
  /** DKIM selectors seen signing mail from `domain`, most recently seen first, for the audit's discovery. */
  selectorsSeen(domain: string, limit?: number): string[] {
    return messages.selectorsSeen(this.conn, domain, limit);
  }

  // Settings (settings.ts)

  getSetting(key: string): unknown {
    return settings.getSetting(this.conn, key);
  }
  setSetting(key: string, value: unknown): void {
    this.write(() => settings.setSetting(this.conn, key, value));
  }

  // Test sends (sends.ts)

  saveSend(result: SendResult, subject: string, qa?: QaSummary): number {
    return this.write(() => sends.saveSend(this.conn, result, subject, qa));
  }
  listSends(query?: Page & { profile?: string }): { items: SendSummary[]; total: number } {
    return sends.listSends(this.conn, query);
  }
  getSend(id: number): StoredSend | null {
    return sends.getSend(this.conn, id);
  }
  deleteSend(id: number): boolean {
    return this.write(() => sends.deleteSend(this.conn, id));
  }

  // Placement runs (placements.ts): written while they happen, each call its own committed write.

  startPlacement(run: PlacementRun): number {
    return this.write(() => placements.startPlacement(this.conn, run));
  }
  markSent(id: number, send: SendResult): void {
    this.write(() => placements.markSent(this.conn, id, send));
  }
  /** One seed's outcome, committed at once: called at each detection or error. */
  recordSeedOutcome(id: number, outcome: SeedOutcome): void {
    this.write(() => placements.recordSeedOutcome(this.conn, id, outcome));
  }
  finishPlacement(id: number, run: PlacementRun): void {
    this.write(() => placements.finishPlacement(this.conn, id, run));
  }
  listPlacements(query?: Page): { items: PlacementListItem[]; total: number } {
    return placements.listPlacements(this.conn, query);
  }
  getPlacement(id: number): StoredPlacementRun | null {
    return placements.getPlacement(this.conn, id);
  }
  deletePlacement(id: number): boolean {
    return this.write(() => placements.deletePlacement(this.conn, id));
  }
  placementTrend(query: TrendQuery): TrendSeries[] {
    return placements.placementTrend(this.conn, query);
  }

  // DMARC aggregate and TLS reports, reverse DNS cache (reports.ts)

  /** Stores a batch of reports in one transaction: all of them, or none when the write fails. */
  saveReports(found: readonly FoundReport[], importedAt: string): reports.SavedReport[] {
    return this.write(() => reports.saveReports(this.conn, found, importedAt));
  }
  reportTotals(range: Range): reports.ReportTotals {
    return reports.aggregateTotals(this.conn, range);
  }
  reporterTotals(range: Range): { org: string; reports: number; messages: number; dmarcPass: number }[] {
    return reports.reporterTotals(this.conn, range);
  }
  reportDays(range: Range): { day: number; messages: number; dmarcPass: number }[] {
    return reports.dayTotals(this.conn, range);
  }
  sourceDays(range: Range): reports.SourceDayRow[] {
    return reports.sourceDays(this.conn, range);
  }
  /** The policy published in the domain's latest stored report, or null. */
  latestReportedPolicy(domain: string): PublishedPolicy | null {
    return reports.latestPolicy(this.conn, domain);
  }
  reportRecords(range: Range, ips: readonly string[], limit: number, offset: number): { items: StoredRecord[]; total: number } {
    return reports.records(this.conn, range, ips, limit, offset);
  }
  listReports(query: { domain?: string; kind?: 'dmarc' | 'tls'; limit: number; offset: number }): { items: ReportListItem[]; total: number } {
    return reports.listReports(this.conn, query);
  }
  tlsPolicies(range: Range): reports.TlsPolicyRow[] {
    return reports.tlsPolicies(this.conn, range);
  }
  tlsFailures(range: Range): reports.TlsFailureRow[] {
    return reports.tlsFailures(this.conn, range);
  }
  cachedPtrs(ips: readonly string[]): Map<string, reports.CachedPtr> {
    return reports.cachedPtrs(this.conn, ips);
  }
  cachePtrs(answers: readonly { ip: string; names: string[]; error: string | null; checkedAt: number }[]): void {
    this.write(() => reports.cachePtrs(this.conn, answers));
  }

  // SMTP profiles and seed mailboxes (profiles-seeds.ts)

  /** Validates (refusing anything that looks like a secret) and stores a profile: pass the user's object as it came. */
  saveProfile(profile: unknown): { profile: SmtpProfile; warnings: string[] } {
    return this.write(() => profilesSeeds.saveProfile(this.conn, profile));
  }
  listProfiles(): SmtpProfile[] {
    return profilesSeeds.listProfiles(this.conn);
  }
  /** Deletes a profile and its stored secret, in one transaction. */
  deleteProfile(name: string): boolean {
    return this.write(() => profilesSeeds.deleteProfile(this.conn, name));
  }
  /** Validates (refusing anything that looks like a secret) and stores a seed: pass the user's object as it came. */
  saveSeed(seed: unknown): { seed: Seed; warnings: string[] } {
    return this.write(() => profilesSeeds.saveSeed(this.conn, seed));
  }
  listSeeds(): Seed[] {
    return profilesSeeds.listSeeds(this.conn);
  }
  /** Deletes a seed and its stored secret, in one transaction. */
  deleteSeed(name: string): boolean {
    return this.write(() => profilesSeeds.deleteSeed(this.conn, name));
  }

  // Ciphertexts of the secret store (secrets.ts; core/secrets.ts encrypts and decrypts)

  readSecret(key: string): StoredSecret | undefined {
    return secrets.readSecret(this.conn, key);
  }
  writeSecret(key: string, secret: StoredSecret): void {
    this.write(() => secrets.writeSecret(this.conn, key, secret));
  }
  deleteSecret(key: string): void {
    this.write(() => secrets.deleteSecret(this.conn, key));
  }

  /**
   * Bulk writing (a report import) on or off.
   *
   * On, commits do not wait for the disk (synchronous=NORMAL: in WAL mode a crash cannot corrupt
   * the file, and each transaction is still all or nothing; a power cut may lose the last commits).
   * Off again, the write-ahead log is synced at once, so that what the bulk work wrote is as durable
   * as everything else when the caller says it is done. A commit waiting for the disk each time cost
   * a report import twice its other work.
   */
  bulkWriting(on: boolean): void {
    this.write(() => {
      this.db.pragma(`synchronous = ${on ? 'NORMAL' : 'FULL'}`);
      // In WAL mode a checkpoint syncs the log first (and then the database).
      if (!on) this.db.pragma('wal_checkpoint(PASSIVE)');
    });
  }

  /** The escape hatch for bulk work: runs `fn` in one transaction. */
  transaction<T>(fn: (db: Database.Database) => T): T {
    return this.write(() => this.db.transaction(() => fn(this.db))());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
