/**
 * Sending health in history: daily aggregates (never raw events), the files and event ids already
 * imported, and the recipient domains' providers by MX.
 *
 * An import writes through these in batches, each one transaction (the caller's, through store.ts),
 * so that the aggregates and the event ids that made them are stored together or not at all. The
 * aggregate exports (CSV) write a whole file in one transaction, with what each row key added.
 */
import { COUNT_FIELDS, type DailyVolume, type HealthCounts, type HealthDayRow, type RecipientProvider } from '../health/types';
import type { HistoryDb } from './db';

/** Whole UTC days, both included, as YYYY-MM-DD. */
export interface DayRange {
  since: string;
  until: string;
}

const COLUMNS = ['sent', 'delivered', 'hard_bounced', 'soft_bounced', 'unknown_users', 'complaints', 'opens', 'clicks', 'unsubscribes'] as const;

/**
 * Actual volume per day of one sending IP or domain (or of all when neither is named), oldest first;
 * days without data are left out. `bounced` is hard and soft bounces together.
 */
export function dailyVolume(db: HistoryDb, query: { ip?: string; domain?: string; since: string; until: string }): DailyVolume[] {
  const rows = db
    .sql(
      `SELECT day, SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(hard_bounced + soft_bounced) AS bounced, SUM(complaints) AS complaints
       FROM health_days
       WHERE day BETWEEN ? AND ? AND (? IS NULL OR ip = ?) AND (? IS NULL OR domain = ?)
       GROUP BY day ORDER BY day`,
    )
    .all(query.since, query.until, query.ip ?? null, query.ip ?? null, query.domain?.toLowerCase() ?? null, query.domain?.toLowerCase() ?? null) as DailyVolume[];
  return rows;
}

/**
 * The same per day and recipient provider (as the import stored it, 'unknown' included), oldest
 * first: the warm-up planner compares each provider with its own schedule.
 */
export function dailyVolumeByProvider(db: HistoryDb, query: { ip?: string; domain?: string; since: string; until: string }): (DailyVolume & { provider: RecipientProvider })[] {
  return db
    .sql(
      `SELECT day, provider, SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(hard_bounced + soft_bounced) AS bounced, SUM(complaints) AS complaints
       FROM health_days
       WHERE day BETWEEN ? AND ? AND (? IS NULL OR ip = ?) AND (? IS NULL OR domain = ?)
       GROUP BY day, provider ORDER BY day, provider`,
    )
    .all(query.since, query.until, query.ip ?? null, query.ip ?? null, query.domain?.toLowerCase() ?? null, query.domain?.toLowerCase() ?? null) as (DailyVolume & { provider: RecipientProvider })[];
}

/** Adds counts to the day rows they belong to (rows that are not there yet are created). */
export function addDays(db: HistoryDb, rows: Iterable<HealthDayRow>): void {
  const upsert = db.sql(
    `INSERT INTO health_days (day, domain, ip, provider, ${COLUMNS.join(', ')})
     VALUES (?, ?, ?, ?, ${COLUMNS.map(() => '?').join(', ')})
     ON CONFLICT (day, domain, ip, provider) DO UPDATE SET ${COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
  );
  for (const r of rows) upsert.run(r.day, r.domain, r.ip, r.provider, ...COUNT_FIELDS.map((f) => r[f]));
}

/** The stored rows of a range, for one sending domain or all. */
export function healthDays(db: HistoryDb, range: DayRange & { domain?: string }): HealthDayRow[] {
  const rows = db
    .sql(
      `SELECT day, domain, ip, provider, sent, delivered, hard_bounced AS hardBounced, soft_bounced AS softBounced, unknown_users AS unknownUsers,
         complaints, opens, clicks, unsubscribes
       FROM health_days WHERE day BETWEEN ? AND ? AND (? IS NULL OR domain = ?) ORDER BY day`,
    )
    .all(range.since, range.until, range.domain?.toLowerCase() ?? null, range.domain?.toLowerCase() ?? null) as HealthDayRow[];
  return rows;
}

/** The sending domains that have health data, with their messages sent, most first. */
export function healthDomains(db: HistoryDb): { domain: string; sent: number; first: string; last: string }[] {
  return db
    .sql(`SELECT domain, SUM(sent) AS sent, MIN(day) AS first, MAX(day) AS last FROM health_days GROUP BY domain ORDER BY sent DESC, domain`)
    .all() as { domain: string; sent: number; first: string; last: string }[];
}

/** Whether a file with this digest was imported already. */
export function fileImported(db: HistoryDb, digest: string): boolean {
  return db.sql('SELECT 1 FROM health_files WHERE digest = ?').get(digest) !== undefined;
}

export function recordFile(db: HistoryDb, file: { digest: string; name: string; format: string; events: number; importedAt: string }): void {
  db.sql('INSERT OR IGNORE INTO health_files (digest, name, format, events, imported_at) VALUES (?, ?, ?, ?, ?)').run(file.digest, file.name, file.format, file.events, file.importedAt);
}

/** Records event ids (53-bit hashes); returns, for each, whether it is new. */
export function claimEventIds(db: HistoryDb, ids: readonly number[]): boolean[] {
  const insert = db.sql('INSERT OR IGNORE INTO health_event_ids (id) VALUES (?)');
  return ids.map((id) => insert.run(id).changes === 1);
}

/** Cached providers of recipient domains looked up after `freshAfter` (Unix seconds). */
export function cachedProviders(db: HistoryDb, domains: readonly string[], freshAfter: number): Map<string, RecipientProvider> {
  const get = db.sql('SELECT provider FROM health_mx WHERE domain = ? AND checked_at >= ?');
  const out = new Map<string, RecipientProvider>();
  for (const d of domains) {
    const row = get.get(d, freshAfter) as { provider: RecipientProvider } | undefined;
    if (row) out.set(d, row.provider);
  }
  return out;
}

export function cacheProviders(db: HistoryDb, answers: readonly { domain: string; provider: RecipientProvider; checkedAt: number }[]): void {
  const put = db.sql('INSERT INTO health_mx (domain, provider, checked_at) VALUES (?, ?, ?) ON CONFLICT (domain) DO UPDATE SET provider = excluded.provider, checked_at = excluded.checked_at');
  for (const a of answers) put.run(a.domain, a.provider, a.checkedAt);
}

/** One row key of an aggregate export: its hash, and the daily row its counts go to. */
export interface KeyedCounts {
  key: Buffer;
  row: HealthDayRow;
}

/**
 * What became of a row key: `added` (never seen), `same` (seen with these counts: nothing added),
 * `updated` (seen with other counts: those taken out, these put in).
 */
export type RowOutcome = 'added' | 'same' | 'updated';

const sameCounts = (a: HealthCounts, b: HealthCounts) => COUNT_FIELDS.every((f) => a[f] === b[f]);

/**
 * Puts the counts of each row key into the daily rows, replacing what the key added before, and
 * keeps them as the key's contribution. Run inside the caller's transaction: the daily rows and the
 * contributions change together or not at all.
 */
export function putKeyedCounts(db: HistoryDb, rows: readonly KeyedCounts[]): RowOutcome[] {
  const get = db.sql(
    `SELECT day, domain, ip, provider, sent, delivered, hard_bounced AS hardBounced, soft_bounced AS softBounced, unknown_users AS unknownUsers,
       complaints, opens, clicks, unsubscribes
     FROM health_csv_rows WHERE key = ?`,
  );
  const put = db.sql(
    `INSERT INTO health_csv_rows (key, day, domain, ip, provider, ${COLUMNS.join(', ')})
     VALUES (?, ?, ?, ?, ?, ${COLUMNS.map(() => '?').join(', ')})
     ON CONFLICT (key) DO UPDATE SET day = excluded.day, domain = excluded.domain, ip = excluded.ip, provider = excluded.provider,
       ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
  );
  // The change to each daily row, summed first so that each is written once.
  const deltas = new Map<string, HealthDayRow>();
  const change = (r: HealthDayRow, sign: 1 | -1) => {
    const k = `${r.day}\t${r.domain}\t${r.ip}\t${r.provider}`;
    let d = deltas.get(k);
    if (!d) {
      d = { day: r.day, domain: r.domain, ip: r.ip, provider: r.provider, sent: 0, delivered: 0, hardBounced: 0, softBounced: 0, unknownUsers: 0, complaints: 0, opens: 0, clicks: 0, unsubscribes: 0 };
      deltas.set(k, d);
    }
    for (const f of COUNT_FIELDS) d[f] += sign * r[f];
  };
  const outcomes = rows.map(({ key, row }): RowOutcome => {
    const old = get.get(key) as HealthDayRow | undefined;
    if (old && sameCounts(old, row)) return 'same';
    if (old) change(old, -1);
    change(row, 1);
    put.run(key, row.day, row.domain, row.ip, row.provider, ...COUNT_FIELDS.map((f) => row[f]));
    return old ? 'updated' : 'added';
  });
  const changed = [...deltas.values()].filter((d) => COUNT_FIELDS.some((f) => d[f] !== 0));
  addDays(db, changed);
  // A daily row left with nothing (a replaced row whose provider's lookup changed) is not kept as zeros.
  const dropEmpty = db.sql(`DELETE FROM health_days WHERE day = ? AND domain = ? AND ip = ? AND provider = ? AND ${COLUMNS.map((c) => `${c} = 0`).join(' AND ')}`);
  for (const d of changed) if (COUNT_FIELDS.some((f) => d[f] < 0)) dropEmpty.run(d.day, d.domain, d.ip, d.provider);
  return outcomes;
}
