/**
 * Placement runs in history, written while they happen, and their trends over time.
 *
 * A run's row is stored at the start and each seed's row at each change, each its own committed
 * transaction, so a crash loses nothing already seen, and a run whose process died is shown as
 * interrupted (run-owner.ts), with what it saw.
 */
import type { Placement, PlacementRun, PlacementSummary, SeedOutcome, SeedProvider } from '../placement/types';
import { median } from '../../shared/median';
import { summarize } from '../placement/summary';
import type { QaSummary } from '../qa/types';
import type { SendResult } from '../send/types';
import { MAX_PAGE, page, parseStored, type HistoryDb } from './db';
import { HistoryError } from './errors';
import { listCopyAnalyses } from './placement-copies';
import { ownerToken, statusOf, type OwnerRow } from './run-owner';
import { senderDomain, sentCondition, type SentFilter } from './sends';
import type { Page, PlacementListItem, StoredPlacementRun, TrendPoint, TrendQuery, TrendSeries } from './types';

/** In the inbox: INBOX itself, or one of Gmail's tabs (they are all inside the inbox). */
const inInbox = (p: string) => p === 'inbox' || p.startsWith('category:');
/** The seed itself failed, or has not reported: no verdict on placement. */
const noVerdict = (p: string) => p === 'error' || p === 'pending';

const PLACEMENT_WORD = /^(inbox|spam|missing|bounced|error|pending|category:(primary|promotions|social|updates|forums)|folder:.+)$/s;
const SEED_STATES = new Set(['connecting', 'watching', 'reconnecting', 'found', 'missing', 'bounced', 'error']);
const FINAL_STATUSES = new Set<string>(['done', 'cancelled', 'send-failed']);

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

/** Stores a run as it starts: status running, every seed pending. Returns its history id. */
export function startPlacement(db: HistoryDb, run: PlacementRun): number {
  if (typeof run.token !== 'string' || run.token.trim() === '' || run.token.length > 200) {
    throw new HistoryError('A placement run needs a token (1 to 200 characters) to be stored.');
  }
  const names = new Set<string>();
  for (const o of run.seeds) {
    checkOutcome(o, `Placement run ${run.token}`);
    if (names.has(o.seed)) throw new HistoryError(`Placement run ${run.token} lists seed "${o.seed}" twice; seed names must be unique.`);
    names.add(o.seed);
  }
  return db.tx(() => {
    const existing = db.sql('SELECT id FROM placements WHERE token = ?').get(run.token) as { id: number } | undefined;
    if (existing) throw new HistoryError(`A placement run with token ${run.token} is already in history (#${existing.id}).`);
    const info = db
      .sql(
        `INSERT INTO placements (token, started_at, profile, subject, status, deadline_ms, owner_pid, owner_token, send_json, warnings_json, qa_json)
         VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.token,
        run.startedAt,
        run.profile,
        run.subject,
        Math.max(0, Math.round(run.deadlineMs)),
        process.pid,
        ownerToken(db.raw),
        run.send ? JSON.stringify(run.send) : null,
        JSON.stringify(run.warnings ?? []),
        run.qa ? JSON.stringify(run.qa) : null,
      );
    const id = Number(info.lastInsertRowid);
    const insert = db.sql(
      `INSERT INTO placement_seeds (placement_id, position, seed, provider, address, placement, state, folder, latency_ms, detected_at, reconnects, error_code, updated_at, outcome_json)
       VALUES (@placement_id, @position, @seed, @provider, @address, @placement, @state, @folder, @latency_ms, @detected_at, @reconnects, @error_code, @updated_at, @outcome_json)`,
    );
    run.seeds.forEach((o, position) => {
      const pending: SeedOutcome = { seed: o.seed, address: o.address, provider: o.provider, placement: 'pending', state: 'connecting', reconnects: 0 };
      insert.run({ placement_id: id, position, seed: o.seed, ...seedColumns(pending) });
    });
    return id;
  });
}

function runningRow(db: HistoryDb, id: number, action: string): void {
  const row = db.sql('SELECT status FROM placements WHERE id = ?').get(id) as { status: string } | undefined;
  if (!row) throw new HistoryError(`There is no placement run #${id} in history to ${action}.`);
  if (row.status !== 'running') throw new HistoryError(`Placement run #${id} is already finished (${row.status}); it can no longer change.`);
}

/** Records the send of a running run. */
export function markSent(db: HistoryDb, id: number, send: SendResult): void {
  db.tx(() => {
    runningRow(db, id, 'record the send of');
    db.sql('UPDATE placements SET send_json = ?, sender_domain = ? WHERE id = ?').run(JSON.stringify(send), senderDomain(send), id);
  });
}

/** Records one seed's outcome the moment it changes: its own committed write. */
export function recordSeedOutcome(db: HistoryDb, id: number, outcome: SeedOutcome): void {
  checkOutcome(outcome, `Placement run #${id}`);
  db.tx(() => {
    runningRow(db, id, 'record a seed of');
    const changes = db
      .sql(
        `UPDATE placement_seeds SET provider = @provider, address = @address, placement = @placement, state = @state, folder = @folder,
           latency_ms = @latency_ms, detected_at = @detected_at, reconnects = @reconnects, error_code = @error_code,
           updated_at = @updated_at, outcome_json = @outcome_json
         WHERE placement_id = @placement_id AND seed = @seed`,
      )
      .run({ placement_id: id, seed: outcome.seed, ...seedColumns(outcome) }).changes;
    if (changes === 0) throw new HistoryError(`Seed "${outcome.seed}" is not part of placement run #${id}.`);
  });
}

/** Stores the end of a run: its status, summary, warnings, clean-up and every seed's final outcome. */
export function finishPlacement(db: HistoryDb, id: number, run: PlacementRun): void {
  if (!FINAL_STATUSES.has(run.status)) throw new HistoryError(`Placement run #${id} cannot be finished with status "${run.status}".`);
  for (const o of run.seeds) checkOutcome(o, `Placement run #${id}`);
  db.tx(() => {
    runningRow(db, id, 'finish');
    db.sql(
      `UPDATE placements SET status = ?, finished_at = ?, summary_json = ?, warnings_json = ?, cleanup_json = ?, send_json = COALESCE(?, send_json)
       WHERE id = ?`,
    ).run(
      run.status,
      run.finishedAt ?? new Date().toISOString(),
      JSON.stringify(run.summary ?? summarize(run.seeds)),
      JSON.stringify(run.warnings ?? []),
      run.cleanup ? JSON.stringify(run.cleanup) : null,
      run.send ? JSON.stringify(run.send) : null,
      id,
    );
    const upsert = db.sql(
      `INSERT INTO placement_seeds (placement_id, position, seed, provider, address, placement, state, folder, latency_ms, detected_at, reconnects, error_code, updated_at, outcome_json)
       VALUES (@placement_id, @position, @seed, @provider, @address, @placement, @state, @folder, @latency_ms, @detected_at, @reconnects, @error_code, @updated_at, @outcome_json)
       ON CONFLICT (placement_id, seed) DO UPDATE SET provider = excluded.provider, address = excluded.address, placement = excluded.placement,
         state = excluded.state, folder = excluded.folder, latency_ms = excluded.latency_ms, detected_at = excluded.detected_at,
         reconnects = excluded.reconnects, error_code = excluded.error_code, updated_at = excluded.updated_at, outcome_json = excluded.outcome_json`,
    );
    run.seeds.forEach((o, position) => upsert.run({ placement_id: id, position, seed: o.seed, ...seedColumns(o) }));
  });
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
  qa_json: string | null;
}

function interruptedWarning(seeds: readonly SeedOutcome[]): string {
  const reported = seeds.filter((s) => s.placement !== 'pending').length;
  return (
    `This run was interrupted before it finished (Deliverlab quit or crashed while it was going on): ${reported} of ${seeds.length} seeds had reported, ` +
    'and what they saw is kept; the others never reported. Run the test again for a complete result.'
  );
}

/** One run, rebuilt from its rows: a run that never finished shows what it had seen. */
export function getPlacement(db: HistoryDb, id: number, now = Date.now()): StoredPlacementRun | null {
  return db.tx(() => {
    const row = db.sql('SELECT * FROM placements WHERE id = ?').get(id) as PlacementRow | undefined;
    if (!row) return null;
    const seeds = (db.sql('SELECT outcome_json FROM placement_seeds WHERE placement_id = ? ORDER BY position, seed').all(id) as { outcome_json: string }[]).map((r) =>
      parseStored<SeedOutcome>(r.outcome_json, `A seed of placement run #${id}`),
    );
    const status = statusOf(row, now);
    const copies = listCopyAnalyses(db, id);
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
      summary: row.summary_json ? parseStored<PlacementSummary>(row.summary_json, `The summary of placement run #${id}`) : summarize(seeds),
      ...(row.cleanup_json ? { cleanup: parseStored<NonNullable<PlacementRun['cleanup']>>(row.cleanup_json, `The clean-up of placement run #${id}`) } : {}),
      warnings: status === 'interrupted' ? [...warnings, interruptedWarning(seeds)] : warnings,
      ...(row.qa_json ? { qa: parseStored<QaSummary>(row.qa_json, `The design QA of placement run #${id}`) } : {}),
      ...(copies.length ? { copies } : {}),
    };
    return run;
  });
}

/** A page of runs, newest first; sent as a domain or a client's domains (sends.ts SentFilter). */
export function listPlacements(db: HistoryDb, query: Page & SentFilter = {}, now = Date.now()): { items: PlacementListItem[]; total: number } {
  const { limit, offset } = page(query);
  const sent = sentCondition(query);
  const where = sent ? `WHERE ${sent.sql}` : '';
  const params = sent ? sent.params : [];
  return db.tx(() => {
    const rows = db
      .sql(
        `SELECT id, token, started_at, finished_at, profile, subject, status, deadline_ms, owner_pid, owner_token
         FROM placements ${where} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset) as (OwnerRow & { id: number; token: string; finished_at: string | null; profile: string; subject: string })[];
    const total = (db.sql(`SELECT COUNT(*) AS n FROM placements ${where}`).get(...params) as { n: number }).n;
    const seedsOf = new Map<number, { placement: string; latency_ms: number | null }[]>();
    if (rows.length > 0) {
      // The page's ids as one JSON parameter: one statement, prepared once, whatever the page's size.
      const seedRows = db
        .sql('SELECT placement_id, placement, latency_ms FROM placement_seeds WHERE placement_id IN (SELECT value FROM json_each(?))')
        .all(JSON.stringify(rows.map((r) => r.id))) as { placement_id: number; placement: string; latency_ms: number | null }[];
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
  });
}

/** Deletes a run; its seed rows go with it (ON DELETE CASCADE). */
export function deletePlacement(db: HistoryDb, id: number): boolean {
  return db.sql('DELETE FROM placements WHERE id = ?').run(id).changes > 0;
}

/**
 * Placement over time per seed or per provider, over the most recent runs.
 *
 * What counts: every copy that was found, in any run (what was seen was seen, even in a run that
 * was cancelled or interrupted); `missing` and seed errors only from runs that ran to the end (in a
 * cancelled run "missing" only means "not yet"). Runs whose send failed are left out: nothing was
 * delivered, so they say nothing about placement.
 */
export function placementTrend(db: HistoryDb, query: TrendQuery): TrendSeries[] {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), MAX_PAGE);
  const column = query.by === 'provider' ? 's.provider' : 's.seed';
  const filter = query.key !== undefined ? `WHERE ${column} = ?` : '';
  const rows = db
    .sql(
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

