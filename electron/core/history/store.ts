/**
 * The local history: one SQLite file, a typed layer over better-sqlite3 with prepared statements.
 *
 * WAL and foreign keys on; the schema comes from numbered migrations, recorded in schema_migrations.
 * HistoryStore is the one way in: it opens, migrates and closes the file, runs every write so that a
 * full disk says so in words, and hands each kind of record to its own module (audits.ts,
 * messages.ts, settings.ts, sends.ts, placements.ts, placement-copies.ts, profiles-seeds.ts, secrets.ts,
 * reports.ts, health.ts, clients.ts, watches.ts, alerts.ts, outbox.ts, leases.ts, warmup-plans.ts,
 * report-mailboxes.ts), which holds its SQL. The one escape hatch for bulk work is `transaction(fn)`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditResult } from '../audit/types';
import type { MessageAnalysis } from '../message/types';
import type { AnalysedCopy, CopyAnalysis, PlacementRun, Seed, SeedOutcome } from '../placement/types';
import type { Range } from '../reports/range';
import type { DailyVolume, HealthDayRow, RecipientProvider } from '../health/types';
import type { FoundReport, PublishedPolicy, ReportListItem, StoredRecord } from '../reports/types';
import type { QaSummary } from '../qa/types';
import type { SecretTable, StoredSecret } from '../secrets';
import type { SendResult, SmtpProfile } from '../send/types';
import * as alerts from './alerts';
import * as audits from './audits';
import * as clients from './clients';
import { HistoryDb } from './db';
import { HistoryError } from './errors';
import * as messages from './messages';
import { MIGRATIONS, type Migration } from './migrations';
import * as health from './health';
import * as leases from './leases';
import * as outbox from './outbox';
import * as placementCopies from './placement-copies';
import * as placements from './placements';
import * as profilesSeeds from './profiles-seeds';
import * as reports from './reports';
import * as reportMailboxes from './report-mailboxes';
import * as secrets from './secrets';
import * as sends from './sends';
import * as settings from './settings';
import * as watches from './watches';
import * as warmupPlans from './warmup-plans';
import type { NewWarmupPlan, StoredWarmupPlan } from '../health/warmup-types';
import type { ActivityItem, Alert, Client, ClientSummary, Delivery, Watch, WatchSummary, WatchState } from '../watch/types';
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
export type { ClientInput } from './clients';
export type { ListAlertsQuery } from './alerts';
export type { CheckRecord, NewWatch, WatchRecord } from './watches';
export type { LeaseHolder } from './leases';
export type { ReportMailboxState } from './report-mailboxes';
export type { Channel } from './outbox';
export { leaseHolder } from './leases';
export { payloadOf, watchLease } from './watches';
export { dkimOverall } from './messages';
export type * from './types';

/** SQLite's own checkpoint interval, in pages, and the one while bulk writing (64 MiB of 4 KiB pages). */
const DEFAULT_CHECKPOINT_PAGES = 1000;
const BULK_CHECKPOINT_PAGES = 16_384;
/** The size the write-ahead log is cut back to when it is reset after a checkpoint. */
const BULK_LOG_LIMIT = 8 * 1024 * 1024;

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
   * transaction (the write lock taken before anything is read), and what is applied is read again
   * under that lock: a process that waited behind another one finds its work done and applies
   * nothing, where reading the version before locking made it run migration 1 a second time
   * ("table domains already exists").
   *
   * Pending means not recorded, not above the highest recorded: numbers taken side by side by two
   * lines of work (4 and 5) may arrive in either order, and a file that has 5 still gets 4. A
   * recorded number this version does not know is a newer Deliverlab's.
   */
  private migrate(migrations: readonly Migration[]): void {
    const ordered = [...migrations].sort((a, b) => a.version - b.version);
    const known = new Set(ordered.map((m) => m.version));
    const latest = ordered.at(-1)?.version ?? 0;
    const checkNotNewer = (applied: ReadonlySet<number>) => {
      const unknown = [...applied].filter((v) => !known.has(v)).sort((a, b) => b - a)[0];
      if (unknown !== undefined) {
        throw new HistoryError(
          `The history database at ${this.path} was written by a newer Deliverlab (schema ${unknown}, this one knows ${latest}). Update Deliverlab, or use --db to pick another file.`,
        );
      }
    };
    const seen = this.hasMigrationTable() ? this.appliedVersions() : new Set<number>();
    checkNotNewer(seen);
    if (ordered.length > 0 && ordered.every((m) => seen.has(m.version))) return;
    this.write(() =>
      this.db
        .transaction(() => {
          this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
          ) STRICT`);
          const applied = this.appliedVersions();
          checkNotNewer(applied);
          const record = this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
          for (const migration of ordered) {
            if (applied.has(migration.version)) continue;
            this.db.exec(migration.sql);
            record.run(migration.version, migration.name, new Date().toISOString());
          }
        })
        .immediate(),
    );
  }

  private appliedVersions(): Set<number> {
    return new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
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
  /** `domain` and `clientId`: sent as them, by the envelope sender's domain or the saved profile sent through. */
  listSends(query: Page & { profile?: string; domain?: string; clientId?: number } = {}): { items: SendSummary[]; total: number } {
    return sends.listSends(this.conn, { ...query, ...this.profilesFilter(query.domain, query.clientId) });
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
  listPlacements(query: Page & { domain?: string; clientId?: number } = {}): { items: PlacementListItem[]; total: number } {
    return placements.listPlacements(this.conn, { ...query, ...this.profilesFilter(query.domain, query.clientId) });
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

  // Copies of placement runs analysed where they landed (placement-copies.ts), one per seed of a run.

  saveCopyAnalysis(placementId: number, copy: CopyAnalysis): void {
    this.write(() => placementCopies.saveCopyAnalysis(this.conn, placementId, copy));
  }
  getCopyAnalysis(placementId: number, seed: string): CopyAnalysis | null {
    return placementCopies.getCopyAnalysis(this.conn, placementId, seed);
  }
  listCopyAnalyses(placementId: number): AnalysedCopy[] {
    return placementCopies.listCopyAnalyses(this.conn, placementId);
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

  // Sending health: daily aggregates, imported files and event ids, providers by MX (health.ts)

  /** Actual volume per day of one sending IP or domain (the warm-up planner reads it): see health.ts. */
  dailyVolume(query: { ip?: string; domain?: string; since: string; until: string }): DailyVolume[] {
    return health.dailyVolume(this.conn, query);
  }
  /** The same per recipient provider: see health.ts. */
  dailyVolumeByProvider(query: { ip?: string; domain?: string; since: string; until: string }): (DailyVolume & { provider: RecipientProvider })[] {
    return health.dailyVolumeByProvider(this.conn, query);
  }
  healthDays(range: health.DayRange & { domain?: string }): HealthDayRow[] {
    return health.healthDays(this.conn, range);
  }
  healthDomains(): { domain: string; sent: number; first: string; last: string }[] {
    return health.healthDomains(this.conn);
  }
  healthFileImported(digest: string): boolean {
    return health.fileImported(this.conn, digest);
  }
  /**
   * Writes one batch of an import in one transaction: event ids are claimed first, and only the
   * events whose id is new (or that have none) are counted into the rows that `rows` gives.
   */
  saveHealthBatch(batch: { ids: readonly number[]; rows: (fresh: readonly boolean[]) => Iterable<HealthDayRow>; file?: Parameters<typeof health.recordFile>[1] }): void {
    this.write(() =>
      this.conn.tx(() => {
        const fresh = health.claimEventIds(this.conn, batch.ids);
        health.addDays(this.conn, batch.rows(fresh));
        if (batch.file) health.recordFile(this.conn, batch.file);
      }),
    );
  }
  /**
   * Writes one aggregate export (CSV) in one transaction: each row key's counts replace what the key
   * added before (see health.ts), and the file's digest is recorded with them.
   */
  saveHealthRows(batch: { rows: readonly health.KeyedCounts[]; file: Parameters<typeof health.recordFile>[1] }): health.RowOutcome[] {
    return this.write(() =>
      this.conn.immediate(() => {
        const outcomes = health.putKeyedCounts(this.conn, batch.rows);
        health.recordFile(this.conn, batch.file);
        return outcomes;
      }),
    );
  }
  cachedProviders(domains: readonly string[], freshAfter: number): Map<string, RecipientProvider> {
    return health.cachedProviders(this.conn, domains, freshAfter);
  }
  cacheProviders(answers: readonly { domain: string; provider: RecipientProvider; checkedAt: number }[]): void {
    this.write(() => this.conn.tx(() => health.cacheProviders(this.conn, answers)));
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

  // How far each IMAP folder's reports were imported (report-mailboxes.ts)

  reportMailbox(account: string, folder: string): reportMailboxes.ReportMailboxState | null {
    return reportMailboxes.getReportMailbox(this.conn, account, folder);
  }
  setReportMailbox(state: reportMailboxes.ReportMailboxState): void {
    this.write(() => reportMailboxes.setReportMailbox(this.conn, state));
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
      // A checkpoint syncs the disk twice: SQLite's default of one every 1000 pages (4 MiB) made a
      // large import wait for the disk dozens of times. The log may grow to BULK_CHECKPOINT_PAGES
      // meanwhile; it is cut back to BULK_LOG_LIMIT when it starts over after a checkpoint.
      this.db.pragma(`wal_autocheckpoint = ${on ? BULK_CHECKPOINT_PAGES : DEFAULT_CHECKPOINT_PAGES}`);
      this.db.pragma(`journal_size_limit = ${BULK_LOG_LIMIT}`);
      // In WAL mode a checkpoint syncs the log first (and then the database).
      if (!on) this.db.pragma('wal_checkpoint(PASSIVE)');
    });
  }

  /**
   * The saved profiles that send as `domain`, or as one of the client's domains (a From or envelope
   * address in it or below it): besides the envelope sender's domain a send records, what finds the
   * sends that failed before naming one.
   */
  private profilesFilter(domain: string | undefined, clientId: number | undefined): { profiles?: string[] } {
    if (domain === undefined && clientId === undefined) return {};
    const wanted: string[] = [];
    if (domain !== undefined) wanted.push(domain.toLowerCase());
    const client = clientId === undefined ? null : clients.clientById(this.conn, clientId);
    const within = (d: string, of: string) => d === of || d.endsWith(`.${of}`);
    const domainOf = (address: string | undefined) => /@([^@\s>]+)>?\s*$/.exec(address ?? '')?.[1]?.toLowerCase().replace(/\.$/, '');
    return {
      profiles: this.listProfiles()
        .filter((p) => {
          const own = [domainOf(p.from), domainOf(p.envelopeFrom)].filter((d): d is string => d !== undefined);
          if (domain !== undefined && !own.some((d) => wanted.some((w) => within(d, w)))) return false;
          if (client && !own.some((d) => client.domains.some((c) => within(d, c)))) return false;
          return clientId === undefined || client !== null;
        })
        .map((p) => p.name),
    };
  }

  // Clients (clients.ts)

  /** Creates the client, or adds domains, IPs and tags to the one of that name (notes given replace its notes). */
  saveClient(input: clients.ClientInput): Client {
    return this.write(() => clients.saveClient(this.conn, input, new Date().toISOString()));
  }
  clientNamed(name: string): Client | null {
    return clients.clientNamed(this.conn, name);
  }
  clientById(id: number): Client | null {
    return clients.clientById(this.conn, id);
  }
  listClients(): ClientSummary[] {
    return clients.listClients(this.conn);
  }
  deleteClient(name: string): boolean {
    return this.write(() => clients.deleteClient(this.conn, name));
  }

  // Watches and their checks (watches.ts), and leases (leases.ts)

  addWatch(input: watches.NewWatch, clientMember?: { clientId: number }): { watch: Watch; added: boolean } {
    return this.write(() =>
      this.conn.tx(() => {
        if (clientMember) clients.addMembers(this.conn, clientMember.clientId, input.kind, [input.target]);
        return watches.addWatch(this.conn, input, new Date().toISOString());
      }),
    );
  }
  getWatch(id: number): Watch | null {
    return watches.getWatch(this.conn, id);
  }
  watchRecord(id: number): watches.WatchRecord | null {
    return watches.watchRecord(this.conn, id);
  }
  watchByTarget(target: string): Watch | null {
    return watches.watchByTarget(this.conn, target);
  }
  removeWatch(id: number): boolean {
    return this.write(() => watches.removeWatch(this.conn, id));
  }
  setWatchMuted(id: number, rule: Alert['rule'], muted: boolean): Watch | null {
    return this.write(() => watches.setMuted(this.conn, id, rule, muted));
  }
  listWatches(query: { clientId?: number } = {}, now = new Date().toISOString()): WatchSummary[] {
    return watches.listWatches(this.conn, query, now);
  }
  nextDueAt(): string | null {
    return watches.nextDueAt(this.conn);
  }
  /** Takes the lease of a due watch nobody holds (or of one of `only`); see watches.ts. */
  claimWatch(holder: leases.LeaseHolder, now: string, expires: string, pick: { only?: readonly number[]; exclude?: readonly number[] } = {}): watches.WatchRecord | null {
    return this.write(() => watches.claimWatch(this.conn, holder, now, expires, pick));
  }
  /** Ends a pass of a watch, all or nothing, while `holder` holds its lease; null when it does not. */
  finishCheck(holder: leases.LeaseHolder, check: watches.CheckRecord): { checkId: number; auditId: number | null; alerts: Alert[] } | null {
    return this.write(() => watches.finishCheck(this.conn, holder, check));
  }
  watchState(id: number): WatchState | null {
    return watches.watchRecord(this.conn, id)?.state ?? null;
  }
  ipCheckOf(checkId: number): ReturnType<typeof watches.ipCheckOf> {
    return watches.ipCheckOf(this.conn, checkId);
  }
  watchCheckCounts(): Map<number, number> {
    return watches.checkCounts(this.conn);
  }
  /** Takes (or renews) a named lease in BEGIN IMMEDIATE (an outbox channel's). */
  takeLease(name: string, holder: leases.LeaseHolder, now: string, expires: string): boolean {
    return this.write(() => this.conn.immediate(() => leases.takeLease(this.conn, name, holder, now, expires)));
  }
  renewLeases(names: readonly string[], holder: leases.LeaseHolder, expires: string): void {
    this.write(() => this.conn.tx(() => leases.renewLeases(this.conn, names, holder, expires)));
  }
  releaseLease(name: string, holder: leases.LeaseHolder): void {
    this.write(() => leases.releaseLease(this.conn, name, holder));
  }
  releaseLeases(holder: leases.LeaseHolder): void {
    this.write(() => leases.releaseAll(this.conn, holder));
  }

  // Alerts (alerts.ts)

  listAlerts(query: alerts.ListAlertsQuery = {}, now = new Date().toISOString()): { items: Alert[]; total: number } {
    return alerts.listAlerts(this.conn, query, now);
  }
  getAlert(id: number, now = new Date().toISOString()): Alert | null {
    return alerts.getAlert(this.conn, id, now);
  }
  ackAlert(id: number, now = new Date().toISOString()): boolean {
    return this.write(() => alerts.ackAlert(this.conn, id, now));
  }
  snoozeAlert(id: number, until: string | null): boolean {
    return this.write(() => alerts.snoozeAlert(this.conn, id, until));
  }

  // The alert outbox (outbox.ts)

  outboxHead(channel: outbox.Channel): Delivery | null {
    return outbox.headOf(this.conn, channel);
  }
  markDelivered(id: number, now = new Date().toISOString()): void {
    this.write(() => outbox.markDelivered(this.conn, id, now));
  }
  markAttemptFailed(id: number, error: string, nextAttemptAt: string, giveUp: boolean, now = new Date().toISOString()): void {
    this.write(() => outbox.markAttemptFailed(this.conn, id, error, nextAttemptAt, giveUp, now));
  }
  listDeliveries(channel?: outbox.Channel, limit?: number): Delivery[] {
    return outbox.listDeliveries(this.conn, channel, limit);
  }
  pendingDeliveries(): Record<outbox.Channel, number> {
    return outbox.pendingCount(this.conn);
  }

  // Warm-up plans (warmup-plans.ts)

  saveWarmupPlan(plan: NewWarmupPlan): StoredWarmupPlan {
    return this.write(() => warmupPlans.saveWarmupPlan(this.conn, plan, new Date().toISOString()));
  }
  getWarmupPlan(id: number): StoredWarmupPlan | null {
    return warmupPlans.getWarmupPlan(this.conn, id);
  }
  listWarmupPlans(): StoredWarmupPlan[] {
    return warmupPlans.listWarmupPlans(this.conn);
  }
  deleteWarmupPlan(id: number): boolean {
    return this.write(() => warmupPlans.deleteWarmupPlan(this.conn, id));
  }

  /**
   * The newest items of every kind (audits, message analyses, test sends, placement runs, alerts),
   * merged newest first; for one client when `clientId` is given.
   */
  recentActivity(query: { limit?: number; clientId?: number } = {}): ActivityItem[] {
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? 20), 1), 200);
    const by = query.clientId !== undefined ? { clientId: query.clientId } : {};
    const items: ActivityItem[] = [
      ...this.listAudits({ ...by, limit }).items.map((a): ActivityItem => ({ kind: 'audit', id: a.id, at: a.startedAt, title: a.domain, summary: `${a.grade} ${a.score}`, domain: a.domain })),
      ...this.listMessages({ ...by, limit }).items.map((m): ActivityItem => ({ kind: 'message', id: m.id, at: m.analysedAt, title: m.subject ?? '(no subject)', summary: `DMARC ${m.dmarc}`, domain: m.fromDomain })),
      ...this.listSends({ ...by, limit }).items.map((x): ActivityItem => ({ kind: 'send', id: x.id, at: x.sentAt, title: x.subject, summary: x.ok ? `accepted (${x.acceptedCount} of ${x.recipientCount})` : `failed${x.errorCode ? ` (${x.errorCode})` : ''}`, domain: null })),
      ...this.listPlacements({ ...by, limit }).items.map((p): ActivityItem => ({ kind: 'placement', id: p.id, at: p.startedAt, title: p.subject, summary: p.status, domain: null })),
      ...this.listAlerts({ ...by, limit }).items.map((a): ActivityItem => ({ kind: 'alert', id: a.id, at: a.raisedAt, title: a.title, summary: a.rule, domain: a.kind === 'domain' ? a.target : null })),
    ];
    return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id)).slice(0, limit);
  }

  /** The escape hatch for bulk work: runs `fn` in one transaction. */
  transaction<T>(fn: (db: Database.Database) => T): T {
    return this.write(() => this.db.transaction(() => fn(this.db))());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
