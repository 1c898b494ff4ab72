/**
 * History of test sends and placement runs, and the saved SMTP profiles and seed mailboxes.
 *
 * Functions over the open database; HistoryStore delegates to them (and turns a full disk into a
 * HistoryError), which keeps store.ts small. A placement run is written while it happens (its row
 * at the start, each seed's row at each change, each its own committed transaction), so a crash
 * loses nothing already seen, and a run whose process died is shown as interrupted, with what it saw.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { validateSeed, SeedError } from '../placement/seeds';
import type { Placement, PlacementRun, PlacementStatus, PlacementSummary, Seed, SeedOutcome, SeedProvider } from '../placement/types';
import { ProfileError, validateProfile } from '../send/profile';
import type { SendResult, SmtpProfile } from '../send/types';
import { secretKey } from '../secrets';
import { HistoryError } from './errors';
import type { PlacementListItem, SendSummary, StoredPlacementStatus, TrendPoint, TrendSeries } from './types';

type Db = Database.Database;

// ---------------------------------------------------------------------------------------------
// Shapes

export interface Page {
  limit?: number;
  offset?: number;
}

/** A stored send: the result as it was returned, with its history id and subject. */
export type StoredSend = SendResult & { id: number; subject: string };

export type StoredPlacementRun = Omit<PlacementRun, 'status' | 'id'> & { id: number; status: StoredPlacementStatus };

export interface TrendQuery {
  by: 'seed' | 'provider';
  /** The most recent runs looked at; 50 when absent, at most 1000. */
  limit?: number;
  /** Only this seed (by: 'seed') or provider (by: 'provider'). */
  key?: string;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const MAX_PAGE = 1000;
/** A run still "running" this long after its watch deadline is dead whatever its owner looks like. */
const STALE_AFTER_DEADLINE_MS = 30 * 60_000;

const page = (p: Page = {}) => ({
  limit: Math.min(Math.max(Math.trunc(p.limit ?? 100), 1), MAX_PAGE),
  offset: Math.max(Math.trunc(p.offset ?? 0), 0),
});

function parseStored<T>(json: string, what: string): T {
  try {
    return JSON.parse(json) as T;
  } catch (err) {
    throw new HistoryError(`${what} in the history database is damaged (${(err as Error).message}); delete it and record it again.`, { cause: err });
  }
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : Math.round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
}

/** In the inbox: INBOX itself, or one of Gmail's tabs (they are all inside the inbox). */
const inInbox = (p: string) => p === 'inbox' || p.startsWith('category:');
/** The seed itself failed, or has not reported: no verdict on placement. */
const noVerdict = (p: string) => p === 'error' || p === 'pending';

const PLACEMENT_WORD = /^(inbox|spam|missing|bounced|error|pending|category:(primary|promotions|social|updates|forums)|folder:.+)$/s;
const SEED_STATES = new Set(['connecting', 'watching', 'reconnecting', 'found', 'missing', 'bounced', 'error']);
const FINAL_STATUSES = new Set<string>(['done', 'cancelled', 'send-failed']);

/** Same counting as the run's own summary; for runs that never finished. */
export function summarizeOutcomes(outcomes: readonly SeedOutcome[]): PlacementSummary {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.placement] = (counts[o.placement] ?? 0) + 1;
  const total = outcomes.length;
  const share = Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, total ? n / total : 0]));
  const latencies = outcomes.flatMap((o) => (o.detection ? [o.detection.latencyMs] : []));
  return { total, counts, share, medianLatencyMs: median(latencies), worstLatencyMs: latencies.length ? Math.max(...latencies) : null };
}

function checkOutcome(o: SeedOutcome, where: string): void {
  if (typeof o?.seed !== 'string' || o.seed === '') throw new HistoryError(`${where}: a seed outcome without a seed name cannot be recorded.`);
  if (typeof o.placement !== 'string' || !PLACEMENT_WORD.test(o.placement)) {
    throw new HistoryError(`${where}: seed "${o.seed}" has an unknown placement ${JSON.stringify(o.placement)}.`);
  }
  if (!SEED_STATES.has(o.state)) throw new HistoryError(`${where}: seed "${o.seed}" has an unknown state ${JSON.stringify(o.state)}.`);
}

/** The per-seed columns, from an outcome. */
function seedColumns(o: SeedOutcome) {
  const d = o.detection;
  return {
    provider: o.provider,
    address: o.address,
    placement: o.placement,
    state: o.state,
    folder: d?.folder ?? null,
    latency_ms: d ? Math.max(0, Math.round(d.latencyMs)) : null,
    detected_at: d?.detectedAt ?? null,
    reconnects: Math.max(0, Math.trunc(o.reconnects ?? 0)),
    error_code: o.error?.code ?? null,
    updated_at: new Date().toISOString(),
    outcome_json: JSON.stringify(o),
  };
}

// Secret-looking keys anywhere in a profile or seed object. The validators refuse the usual ones at
// the top level and in auth; this also catches them nested deeper or under another spelling, so
// nothing that looks like a secret is ever written as JSON. Names of environment variables
// (passwordEnv, oauth2TokenEnv, privateKeyEnv) are what belongs there instead, and pass.
const SECRET_LIKE = /^(pass|passwd|password|app_?password|secret|client_?secret|token|access_?token|refresh_?token|oauth2?_?token|private_?key|pem|key)$/i;

function secretKeyPath(value: unknown, path: string, depth: number): string | null {
  if (depth > 6 || typeof value !== 'object' || value === null) return null;
  for (const [k, v] of Object.entries(value)) {
    const here = path ? `${path}.${k}` : k;
    if (SECRET_LIKE.test(k)) return here;
    const inner = secretKeyPath(v, here, depth + 1);
    if (inner) return inner;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Who owns a running run

/** One token per open database connection: what tells this process's runs from a crashed one's. */
const ownerTokens = new WeakMap<Db, string>();
const ownerConnections = new Map<string, WeakRef<Db>>();

function ownerToken(db: Db): string {
  let token = ownerTokens.get(db);
  if (!token) {
    token = randomUUID();
    ownerTokens.set(db, token);
    // Forget connections that were closed or collected, so the map stays as small as the open ones.
    for (const [t, ref] of ownerConnections) if (!ref.deref()?.open) ownerConnections.delete(t);
    ownerConnections.set(token, new WeakRef(db));
  }
  return token;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface OwnerRow {
  status: string;
  started_at: string;
  deadline_ms: number;
  owner_pid: number;
  owner_token: string;
}

/**
 * A run marked running is still going on when the connection that started it is open (this
 * process) or its process is alive (another Deliverlab: the CLI next to the app), and it is not
 * long past its deadline (a reused process id).
 */
function statusOf(row: OwnerRow, now: number): StoredPlacementStatus {
  if (row.status !== 'running') return row.status as PlacementStatus;
  const started = Date.parse(row.started_at);
  if (Number.isFinite(started) && started + row.deadline_ms + STALE_AFTER_DEADLINE_MS < now) return 'interrupted';
  const live = row.owner_pid === process.pid ? ownerConnections.get(row.owner_token)?.deref()?.open === true : processAlive(row.owner_pid);
  return live ? 'running' : 'interrupted';
}

// ---------------------------------------------------------------------------------------------
// Sends

export function saveSend(db: Db, result: SendResult, subject: string): number {
  // A SendRecord from the API carries its own id and history error: neither belongs in the stored copy.
  const { id: _id, subject: _subject, historyError: _error, ...stored } = result as SendResult & { id?: unknown; subject?: unknown; historyError?: unknown };
  const accepted = result.recipients.filter((r) => r.status === 'accepted').length;
  const info = db
    .prepare(
      `INSERT INTO sends (sent_at, profile, subject, ok, message_id, queue_id, recipient_count, accepted_count, error_code, result_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      result.timings.startedAt,
      result.profile,
      subject,
      result.ok ? 1 : 0,
      result.messageId ?? null,
      result.queueId ?? null,
      result.recipients.length,
      accepted,
      result.error?.code ?? null,
      JSON.stringify(stored),
    );
  return Number(info.lastInsertRowid);
}

interface SendRow {
  id: number;
  sent_at: string;
  profile: string;
  subject: string;
  ok: number;
  message_id: string | null;
  queue_id: string | null;
  recipient_count: number;
  accepted_count: number;
  error_code: string | null;
}

export function listSends(db: Db, query: Page & { profile?: string } = {}): { items: SendSummary[]; total: number } {
  const { limit, offset } = page(query);
  const where = query.profile !== undefined ? 'WHERE profile = ?' : '';
  const params = query.profile !== undefined ? [query.profile] : [];
  const rows = db
    .prepare(
      `SELECT id, sent_at, profile, subject, ok, message_id, queue_id, recipient_count, accepted_count, error_code
       FROM sends ${where} ORDER BY sent_at DESC, id DESC LIMIT ? OFFSET ?`,
    )
    .all(...params, limit, offset) as SendRow[];
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM sends ${where}`).get(...params) as { n: number }).n;
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      sentAt: r.sent_at,
      profile: r.profile,
      subject: r.subject,
      ok: r.ok === 1,
      messageId: r.message_id,
      queueId: r.queue_id,
      recipientCount: r.recipient_count,
      acceptedCount: r.accepted_count,
      errorCode: r.error_code,
    })),
  };
}

export function getSend(db: Db, id: number): StoredSend | null {
  const row = db.prepare('SELECT subject, result_json FROM sends WHERE id = ?').get(id) as { subject: string; result_json: string } | undefined;
  if (!row) return null;
  return { ...parseStored<SendResult>(row.result_json, `Test send #${id}`), id, subject: row.subject };
}

export function deleteSend(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM sends WHERE id = ?').run(id).changes > 0;
}

// ---------------------------------------------------------------------------------------------
// Placement runs

/** Stores a run as it starts: status running, every seed pending. Returns its history id. */
export function startPlacement(db: Db, run: PlacementRun): number {
  if (typeof run.token !== 'string' || run.token.trim() === '' || run.token.length > 200) {
    throw new HistoryError('A placement run needs a token (1 to 200 characters) to be stored.');
  }
  const names = new Set<string>();
  for (const o of run.seeds) {
    checkOutcome(o, `Placement run ${run.token}`);
    if (names.has(o.seed)) throw new HistoryError(`Placement run ${run.token} lists seed "${o.seed}" twice; seed names must be unique.`);
    names.add(o.seed);
  }
  return db.transaction(() => {
    const existing = db.prepare('SELECT id FROM placements WHERE token = ?').get(run.token) as { id: number } | undefined;
    if (existing) throw new HistoryError(`A placement run with token ${run.token} is already in history (#${existing.id}).`);
    const info = db
      .prepare(
        `INSERT INTO placements (token, started_at, profile, subject, status, deadline_ms, owner_pid, owner_token, send_json, warnings_json)
         VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
      )
      .run(
        run.token,
        run.startedAt,
        run.profile,
        run.subject,
        Math.max(0, Math.round(run.deadlineMs)),
        process.pid,
        ownerToken(db),
        run.send ? JSON.stringify(run.send) : null,
        JSON.stringify(run.warnings ?? []),
      );
    const id = Number(info.lastInsertRowid);
    const insert = db.prepare(
      `INSERT INTO placement_seeds (placement_id, position, seed, provider, address, placement, state, folder, latency_ms, detected_at, reconnects, error_code, updated_at, outcome_json)
       VALUES (@placement_id, @position, @seed, @provider, @address, @placement, @state, @folder, @latency_ms, @detected_at, @reconnects, @error_code, @updated_at, @outcome_json)`,
    );
    run.seeds.forEach((o, position) => {
      const pending: SeedOutcome = { seed: o.seed, address: o.address, provider: o.provider, placement: 'pending', state: 'connecting', reconnects: 0 };
      insert.run({ placement_id: id, position, seed: o.seed, ...seedColumns(pending) });
    });
    return id;
  })();
}

function runningRow(db: Db, id: number, action: string): void {
  const row = db.prepare('SELECT status FROM placements WHERE id = ?').get(id) as { status: string } | undefined;
  if (!row) throw new HistoryError(`There is no placement run #${id} in history to ${action}.`);
  if (row.status !== 'running') throw new HistoryError(`Placement run #${id} is already finished (${row.status}); it can no longer change.`);
}

/** Records the send of a running run. */
export function markSent(db: Db, id: number, send: SendResult): void {
  db.transaction(() => {
    runningRow(db, id, 'record the send of');
    db.prepare('UPDATE placements SET send_json = ? WHERE id = ?').run(JSON.stringify(send), id);
  })();
}

/** Records one seed's outcome the moment it changes: its own committed write. */
export function recordSeedOutcome(db: Db, id: number, outcome: SeedOutcome): void {
  checkOutcome(outcome, `Placement run #${id}`);
  db.transaction(() => {
    runningRow(db, id, 'record a seed of');
    const changes = db
      .prepare(
        `UPDATE placement_seeds SET provider = @provider, address = @address, placement = @placement, state = @state, folder = @folder,
           latency_ms = @latency_ms, detected_at = @detected_at, reconnects = @reconnects, error_code = @error_code,
           updated_at = @updated_at, outcome_json = @outcome_json
         WHERE placement_id = @placement_id AND seed = @seed`,
      )
      .run({ placement_id: id, seed: outcome.seed, ...seedColumns(outcome) }).changes;
    if (changes === 0) throw new HistoryError(`Seed "${outcome.seed}" is not part of placement run #${id}.`);
  })();
}

/** Stores the end of a run: its status, summary, warnings, clean-up and every seed's final outcome. */
export function finishPlacement(db: Db, id: number, run: PlacementRun): void {
  if (!FINAL_STATUSES.has(run.status)) throw new HistoryError(`Placement run #${id} cannot be finished with status "${run.status}".`);
  for (const o of run.seeds) checkOutcome(o, `Placement run #${id}`);
  db.transaction(() => {
    runningRow(db, id, 'finish');
    db.prepare(
      `UPDATE placements SET status = ?, finished_at = ?, summary_json = ?, warnings_json = ?, cleanup_json = ?, send_json = COALESCE(?, send_json)
       WHERE id = ?`,
    ).run(
      run.status,
      run.finishedAt ?? new Date().toISOString(),
      JSON.stringify(run.summary ?? summarizeOutcomes(run.seeds)),
      JSON.stringify(run.warnings ?? []),
      run.cleanup ? JSON.stringify(run.cleanup) : null,
      run.send ? JSON.stringify(run.send) : null,
      id,
    );
    const upsert = db.prepare(
      `INSERT INTO placement_seeds (placement_id, position, seed, provider, address, placement, state, folder, latency_ms, detected_at, reconnects, error_code, updated_at, outcome_json)
       VALUES (@placement_id, @position, @seed, @provider, @address, @placement, @state, @folder, @latency_ms, @detected_at, @reconnects, @error_code, @updated_at, @outcome_json)
       ON CONFLICT (placement_id, seed) DO UPDATE SET provider = excluded.provider, address = excluded.address, placement = excluded.placement,
         state = excluded.state, folder = excluded.folder, latency_ms = excluded.latency_ms, detected_at = excluded.detected_at,
         reconnects = excluded.reconnects, error_code = excluded.error_code, updated_at = excluded.updated_at, outcome_json = excluded.outcome_json`,
    );
    run.seeds.forEach((o, position) => upsert.run({ placement_id: id, position, seed: o.seed, ...seedColumns(o) }));
  })();
}

interface PlacementRow extends OwnerRow {
  id: number;
  token: string;
  finished_at: string | null;
  profile: string;
  subject: string;
  send_json: string | null;
  summary_json: string | null;
  warnings_json: string;
  cleanup_json: string | null;
}

function interruptedWarning(seeds: readonly SeedOutcome[]): string {
  const reported = seeds.filter((s) => s.placement !== 'pending').length;
  return (
    `This run was interrupted before it finished (Deliverlab quit or crashed while it was going on): ${reported} of ${seeds.length} seeds had reported, ` +
    'and what they saw is kept; the others never reported. Run the test again for a complete result.'
  );
}

/** One run, rebuilt from its rows: a run that never finished shows what it had seen. */
export function getPlacement(db: Db, id: number, now = Date.now()): StoredPlacementRun | null {
  return db.transaction(() => {
    const row = db.prepare('SELECT * FROM placements WHERE id = ?').get(id) as PlacementRow | undefined;
    if (!row) return null;
    const seeds = (db.prepare('SELECT outcome_json FROM placement_seeds WHERE placement_id = ? ORDER BY position, seed').all(id) as { outcome_json: string }[]).map((r) =>
      parseStored<SeedOutcome>(r.outcome_json, `A seed of placement run #${id}`),
    );
    const status = statusOf(row, now);
    const warnings = parseStored<string[]>(row.warnings_json, `The warnings of placement run #${id}`);
    const run: StoredPlacementRun = {
      id,
      token: row.token,
      status,
      startedAt: row.started_at,
      ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
      profile: row.profile,
      subject: row.subject,
      deadlineMs: row.deadline_ms,
      ...(row.send_json ? { send: parseStored<SendResult>(row.send_json, `The send of placement run #${id}`) } : {}),
      seeds,
      summary: row.summary_json ? parseStored<PlacementSummary>(row.summary_json, `The summary of placement run #${id}`) : summarizeOutcomes(seeds),
      ...(row.cleanup_json ? { cleanup: parseStored<NonNullable<PlacementRun['cleanup']>>(row.cleanup_json, `The clean-up of placement run #${id}`) } : {}),
      warnings: status === 'interrupted' ? [...warnings, interruptedWarning(seeds)] : warnings,
    };
    return run;
  })();
}

export function listPlacements(db: Db, query: Page = {}, now = Date.now()): { items: PlacementListItem[]; total: number } {
  const { limit, offset } = page(query);
  return db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT id, token, started_at, finished_at, profile, subject, status, deadline_ms, owner_pid, owner_token
         FROM placements ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`,
      )
      .all(limit, offset) as (OwnerRow & { id: number; token: string; finished_at: string | null; profile: string; subject: string })[];
    const total = (db.prepare('SELECT COUNT(*) AS n FROM placements').get() as { n: number }).n;
    const seedsOf = new Map<number, { placement: string; latency_ms: number | null }[]>();
    if (rows.length > 0) {
      const marks = rows.map(() => '?').join(', ');
      const seedRows = db
        .prepare(`SELECT placement_id, placement, latency_ms FROM placement_seeds WHERE placement_id IN (${marks})`)
        .all(...rows.map((r) => r.id)) as { placement_id: number; placement: string; latency_ms: number | null }[];
      for (const s of seedRows) {
        const list = seedsOf.get(s.placement_id) ?? [];
        list.push(s);
        seedsOf.set(s.placement_id, list);
      }
    }
    return {
      total,
      items: rows.map((r) => {
        const seeds = seedsOf.get(r.id) ?? [];
        const counts: Record<string, number> = {};
        for (const s of seeds) counts[s.placement] = (counts[s.placement] ?? 0) + 1;
        const judged = seeds.filter((s) => !noVerdict(s.placement));
        return {
          id: r.id,
          token: r.token,
          startedAt: r.started_at,
          finishedAt: r.finished_at,
          profile: r.profile,
          subject: r.subject,
          status: statusOf(r, now),
          total: seeds.length,
          counts,
          medianLatencyMs: median(seeds.flatMap((s) => (s.latency_ms === null ? [] : [s.latency_ms]))),
          inboxShare: judged.length ? judged.filter((s) => inInbox(s.placement)).length / judged.length : null,
        };
      }),
    };
  })();
}

/** Deletes a run; its seed rows go with it (ON DELETE CASCADE). */
export function deletePlacement(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM placements WHERE id = ?').run(id).changes > 0;
}

/**
 * Placement over time per seed or per provider, over the most recent runs.
 *
 * What counts: every copy that was found, in any run (what was seen was seen, even in a run that
 * was cancelled or interrupted); `missing` and seed errors only from runs that ran to the end (in a
 * cancelled run "missing" only means "not yet"). Runs whose send failed are left out: nothing was
 * delivered, so they say nothing about placement.
 */
export function placementTrend(db: Db, query: TrendQuery): TrendSeries[] {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), MAX_PAGE);
  const column = query.by === 'provider' ? 's.provider' : 's.seed';
  const filter = query.key !== undefined ? `WHERE ${column} = ?` : '';
  const rows = db
    .prepare(
      `WITH recent AS (
         SELECT id, started_at, status FROM placements WHERE status <> 'send-failed' ORDER BY started_at DESC, id DESC LIMIT ?
       )
       SELECT r.id, r.started_at, r.status, s.seed, s.provider, s.placement, s.latency_ms
       FROM recent r JOIN placement_seeds s ON s.placement_id = r.id ${filter}
       ORDER BY r.started_at, r.id, s.position`,
    )
    .all(limit, ...(query.key !== undefined ? [query.key] : [])) as {
    id: number;
    started_at: string;
    status: string;
    seed: string;
    provider: SeedProvider;
    placement: string;
    latency_ms: number | null;
  }[];
  const series = new Map<string, { provider: SeedProvider; points: TrendPoint[] }>();
  for (const r of rows) {
    if (r.placement === 'pending') continue;
    const finalOnly = r.placement === 'missing' || r.placement === 'error';
    if (finalOnly && r.status !== 'done') continue;
    const key = query.by === 'provider' ? r.provider : r.seed;
    const entry = series.get(key) ?? { provider: r.provider, points: [] };
    entry.provider = r.provider;
    entry.points.push({ placementId: r.id, startedAt: r.started_at, seed: r.seed, placement: r.placement as Placement, latencyMs: r.latency_ms });
    series.set(key, entry);
  }
  return [...series.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, { provider, points }]) => {
      const counts: Record<string, number> = {};
      for (const p of points) counts[p.placement] = (counts[p.placement] ?? 0) + 1;
      const judged = points.filter((p) => p.placement !== 'error');
      return {
        key,
        provider,
        points,
        total: judged.length,
        errors: points.length - judged.length,
        counts,
        inboxShare: judged.length ? judged.filter((p) => inInbox(p.placement)).length / judged.length : 0,
        medianLatencyMs: median(points.flatMap((p) => (p.latencyMs === null ? [] : [p.latencyMs]))),
        runs: new Set(points.map((p) => p.placementId)).size,
      };
    });
}

// ---------------------------------------------------------------------------------------------
// SMTP profiles and seed mailboxes

/**
 * How messages name a profile or seed about to be saved; refuses one whose JSON carries a secret.
 *
 * Secrets go to the secret store or stay in an environment variable, never into the history file.
 */
function withoutSecrets(input: unknown, noun: 'profile' | 'seed', Refusal: new (message: string) => Error): string {
  const where = typeof (input as { name?: unknown })?.name === 'string' ? `${noun} "${(input as { name: string }).name}"` : noun;
  const found = secretKeyPath(input, '', 0);
  if (found) {
    throw new Refusal(`${where}: "${found}" looks like a secret and is not stored with the ${noun}; save the password or token in the secret store, or name an environment variable in auth.passwordEnv or auth.oauth2TokenEnv`);
  }
  return where;
}

interface StoredJsonRow {
  name: string;
  json: string;
}

/** Saved items read back through their validator: one that no longer passes says which it is and what to do. */
function readStored<T>(rows: readonly StoredJsonRow[], noun: string, validate: (json: unknown) => T): T[] {
  return rows.map((r) => {
    try {
      return validate(parseStored<unknown>(r.json, `${noun} "${r.name}"`));
    } catch (err) {
      if (err instanceof HistoryError) throw err;
      throw new HistoryError(`${noun} "${r.name}" in the history database is not valid any more (${(err as Error).message}); delete it and save it again.`, { cause: err });
    }
  });
}

/** Validates and stores (creating or replacing) a profile; the JSON never holds a secret. */
export function saveProfile(db: Db, input: unknown): { profile: SmtpProfile; warnings: string[] } {
  const checked = validateProfile(input, withoutSecrets(input, 'profile', ProfileError));
  db.prepare(
    `INSERT INTO smtp_profiles (name, profile_json, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET profile_json = excluded.profile_json, updated_at = excluded.updated_at`,
  ).run(checked.profile.name, JSON.stringify(checked.profile), new Date().toISOString());
  return checked;
}

export function listProfiles(db: Db): SmtpProfile[] {
  const rows = db.prepare('SELECT name, profile_json AS json FROM smtp_profiles ORDER BY name').all() as StoredJsonRow[];
  return readStored(rows, 'SMTP profile', (json) => validateProfile(json).profile);
}

/** Deletes a profile and the secret stored for it, in one transaction: no orphaned password stays behind. */
export function deleteProfile(db: Db, name: string): boolean {
  return db.transaction(() => {
    db.prepare('DELETE FROM secrets WHERE key = ?').run(secretKey.smtp(name));
    return db.prepare('DELETE FROM smtp_profiles WHERE name = ?').run(name).changes > 0;
  })();
}

/** Validates and stores (creating or replacing) a seed mailbox; the JSON never holds a secret. */
export function saveSeed(db: Db, input: unknown): { seed: Seed; warnings: string[] } {
  const checked = validateSeed(input, withoutSecrets(input, 'seed', SeedError));
  db.prepare(
    `INSERT INTO seeds (name, seed_json, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET seed_json = excluded.seed_json, updated_at = excluded.updated_at`,
  ).run(checked.seed.name, JSON.stringify(checked.seed), new Date().toISOString());
  return checked;
}

export function listSeeds(db: Db): Seed[] {
  const rows = db.prepare('SELECT name, seed_json AS json FROM seeds ORDER BY name').all() as StoredJsonRow[];
  return readStored(rows, 'Seed', (json) => validateSeed(json).seed);
}

/** Deletes a seed and the secret stored for it, in one transaction. */
export function deleteSeed(db: Db, name: string): boolean {
  return db.transaction(() => {
    db.prepare('DELETE FROM secrets WHERE key = ?').run(secretKey.seed(name));
    return db.prepare('DELETE FROM seeds WHERE name = ?').run(name).changes > 0;
  })();
}
