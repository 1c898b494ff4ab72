/**
 * Watches in history: the domains and sending IPs checked on a schedule, each pass of them
 * (watch_checks), and the one transaction that ends a pass.
 *
 * A scheduler takes a due watch by its lease (leases.ts) in BEGIN IMMEDIATE, checks it with no
 * transaction open, and ends the pass with finishCheck: the audit, the check row, the alerts, their
 * deliveries and the watch's new state and next time in one transaction, written only while the
 * lease is still its own. So two schedulers never both record a pass of one watch, and a scheduler
 * killed mid-check leaves nothing: the next one checks the watch again and raises its alerts once.
 */
import type { AuditResult } from '../audit/types';
import { saveAudit } from './audits';
import { insertAlert, openAlertCounts } from './alerts';
import type { HistoryDb } from './db';
import { parseStored } from './db';
import { holds, leaseFree, releaseLease, takeLease, type LeaseHolder, type LeaseRow } from './leases';
import { enqueue, type Channel } from './outbox';
import type { Alert, AlertDraft, AlertPayload, AlertRule, IpCheckResult, Watch, WatchKind, WatchOptions, WatchSchedule, WatchState, WatchSummary } from '../watch/types';

interface WatchRow {
  id: number;
  kind: string;
  target: string;
  client_id: number | null;
  client_name: string | null;
  schedule_json: string;
  options_json: string;
  muted_json: string;
  created_at: string;
  next_at: string;
  last_at: string | null;
  last_check_id: number | null;
  state_json: string | null;
}

/** A watch as a scheduler checks it: with what its last check left for the rules. */
export interface WatchRecord extends Watch {
  state: WatchState | null;
}

const SELECT = `SELECT w.id, w.kind, w.target, w.client_id, c.name AS client_name, w.schedule_json, w.options_json, w.muted_json,
  w.created_at, w.next_at, w.last_at, w.last_check_id, w.state_json
  FROM watches w LEFT JOIN clients c ON c.id = w.client_id`;

export const watchLease = (id: number) => `watch:${id}`;

function toRecord(r: WatchRow): WatchRecord {
  const what = `Watch of ${r.target}`;
  return {
    id: r.id,
    kind: r.kind as WatchKind,
    target: r.target,
    client: r.client_id !== null && r.client_name !== null ? { id: r.client_id, name: r.client_name } : null,
    schedule: parseStored<WatchSchedule>(r.schedule_json, what),
    options: parseStored<WatchOptions>(r.options_json, what),
    muted: parseStored<AlertRule[]>(r.muted_json, what),
    createdAt: r.created_at,
    nextAt: r.next_at,
    lastAt: r.last_at,
    baseline: r.state_json !== null,
    state: r.state_json === null ? null : parseStored<WatchState>(r.state_json, what),
  };
}

const toWatch = (r: WatchRow): Watch => {
  const { state: _state, ...watch } = toRecord(r);
  return watch;
};

export interface NewWatch {
  kind: WatchKind;
  target: string;
  clientId: number | null;
  schedule: WatchSchedule;
  options: WatchOptions;
}

/**
 * Adds a watch, due at once; a target already watched takes the new schedule, options and client
 * (a client given) and keeps its baseline. `added` says which.
 */
export function addWatch(db: HistoryDb, input: NewWatch, now: string): { watch: Watch; added: boolean } {
  return db.tx(() => {
    const existing = db.sql('SELECT id, client_id FROM watches WHERE target = ?').get(input.target) as { id: number; client_id: number | null } | undefined;
    if (existing) {
      db.sql('UPDATE watches SET schedule_json = ?, options_json = ?, client_id = ? WHERE id = ?').run(
        JSON.stringify(input.schedule),
        JSON.stringify(input.options),
        input.clientId ?? existing.client_id,
        existing.id,
      );
      return { watch: getWatch(db, existing.id) as Watch, added: false };
    }
    const info = db
      .sql('INSERT INTO watches (kind, target, client_id, schedule_json, options_json, muted_json, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(input.kind, input.target, input.clientId, JSON.stringify(input.schedule), JSON.stringify(input.options), '[]', now, now);
    return { watch: getWatch(db, Number(info.lastInsertRowid)) as Watch, added: true };
  });
}

export function getWatch(db: HistoryDb, id: number): Watch | null {
  const row = db.sql(`${SELECT} WHERE w.id = ?`).get(id) as WatchRow | undefined;
  return row ? toWatch(row) : null;
}

export function watchRecord(db: HistoryDb, id: number): WatchRecord | null {
  const row = db.sql(`${SELECT} WHERE w.id = ?`).get(id) as WatchRow | undefined;
  return row ? toRecord(row) : null;
}

export function watchByTarget(db: HistoryDb, target: string): Watch | null {
  const row = db.sql(`${SELECT} WHERE w.target = ?`).get(target) as WatchRow | undefined;
  return row ? toWatch(row) : null;
}

/** Removes a watch with its checks and alerts (deliveries already owed are still made). */
export function removeWatch(db: HistoryDb, id: number): boolean {
  return db.sql('DELETE FROM watches WHERE id = ?').run(id).changes > 0;
}

/** Mutes (or unmutes) one rule for one watch. */
export function setMuted(db: HistoryDb, id: number, rule: AlertRule, muted: boolean): Watch | null {
  return db.tx(() => {
    const watch = getWatch(db, id);
    if (!watch) return null;
    const rules = new Set(watch.muted);
    if (muted) rules.add(rule);
    else rules.delete(rule);
    db.sql('UPDATE watches SET muted_json = ? WHERE id = ?').run(JSON.stringify([...rules].sort()), id);
    return getWatch(db, id);
  });
}

interface LastCheckRow {
  watch_id: number;
  finished_at: string;
  grade: string | null;
  score: number | null;
  audit_id: number | null;
  error: string | null;
  alert_count: number;
}

/** How many scores a watch's sparkline carries. */
export const SCORE_POINTS = 20;

/** The watches, next due first, with their last check, score series and open alerts (the home page's list). */
export function listWatches(db: HistoryDb, query: { clientId?: number }, now: string): WatchSummary[] {
  const rows = (query.clientId !== undefined ? db.sql(`${SELECT} WHERE w.client_id = ? ORDER BY w.next_at, w.id`).all(query.clientId) : db.sql(`${SELECT} ORDER BY w.next_at, w.id`).all()) as WatchRow[];
  const lastCheck = db.sql('SELECT watch_id, finished_at, grade, score, audit_id, error, alert_count FROM watch_checks WHERE id = ?');
  const scores = db.sql(
    `SELECT a.started_at, a.score, a.grade FROM audits a WHERE a.domain_id = (SELECT id FROM domains WHERE name = ?)
     ORDER BY a.started_at DESC, a.id DESC LIMIT ${SCORE_POINTS}`,
  );
  const open = openAlertCounts(db, now);
  return rows.map((row) => {
    const last = row.last_check_id === null ? undefined : (lastCheck.get(row.last_check_id) as LastCheckRow | undefined);
    const series = row.kind === 'domain' ? (scores.all(row.target) as { started_at: string; score: number; grade: string }[]) : [];
    return {
      ...toWatch(row),
      last: last ? { at: last.finished_at, grade: last.grade, score: last.score, auditId: last.audit_id, error: last.error, alerts: last.alert_count } : null,
      scores: series.reverse().map((s) => ({ at: s.started_at, score: s.score, grade: s.grade })),
      openAlerts: open.get(row.id) ?? 0,
    };
  });
}

/** When the next watch is due, or null without watches. */
export function nextDueAt(db: HistoryDb): string | null {
  return (db.sql('SELECT MIN(next_at) AS at FROM watches').get() as { at: string | null }).at;
}

/**
 * Takes the lease of the watch due longest ago that nobody else holds, and returns it; null when
 * none is due and free. With `only`, those watches are taken whatever their schedule (check now);
 * `exclude` leaves out the ones a pass has already checked.
 * Runs in one BEGIN IMMEDIATE transaction: the read and the write cannot interleave with another
 * scheduler's.
 */
export function claimWatch(db: HistoryDb, holder: LeaseHolder, now: string, expires: string, pick: { only?: readonly number[]; exclude?: readonly number[] } = {}): WatchRecord | null {
  return db.immediate(() => {
    const batch = 64;
    const exclude = JSON.stringify(pick.exclude ?? []);
    for (let offset = 0; ; offset += batch) {
      const rows = (
        pick.only
          ? db
              .sql(`${SELECT} WHERE w.id IN (SELECT value FROM json_each(?)) AND w.id NOT IN (SELECT value FROM json_each(?)) ORDER BY w.next_at, w.id LIMIT ? OFFSET ?`)
              .all(JSON.stringify(pick.only), exclude, batch, offset)
          : db.sql(`${SELECT} WHERE w.next_at <= ? AND w.id NOT IN (SELECT value FROM json_each(?)) ORDER BY w.next_at, w.id LIMIT ? OFFSET ?`).all(now, exclude, batch, offset)
      ) as WatchRow[];
      if (rows.length === 0) return null;
      const leases = db.sql('SELECT name, owner, pid, host, expires_at FROM leases WHERE name = ?');
      for (const row of rows) {
        const lease = leases.get(watchLease(row.id)) as LeaseRow | undefined;
        // Our own lease on a due watch is a check of ours still running: not a second one.
        if (lease?.owner === holder.owner || !leaseFree(lease, holder, now)) continue;
        takeLease(db, watchLease(row.id), holder, now, expires);
        return toRecord(row);
      }
    }
  });
}

export interface CheckRecord {
  watchId: number;
  startedAt: string;
  finishedAt: string;
  /** A domain's audit, stored with the check. */
  audit?: AuditResult;
  /** An IP's check. */
  ip?: IpCheckResult;
  /** Why the check could not run; no alert, and the state stays. */
  error?: string;
  drafts: AlertDraft[];
  /** The state the next check compares with; null keeps the current one. */
  state: WatchState | null;
  nextAt: string;
  /** Where each alert is delivered. */
  channels: Channel[];
}

/**
 * Ends a pass of a watch, all or nothing, if `holder` still holds its lease: the audit, the check,
 * its alerts and their deliveries, the watch's state and next time; then lets the lease go. Null
 * when the lease was lost (it expired and another scheduler took the watch) or the watch was removed.
 */
export function finishCheck(db: HistoryDb, holder: LeaseHolder, check: CheckRecord): { checkId: number; auditId: number | null; alerts: Alert[] } | null {
  return db.immediate(() => {
    const lease = watchLease(check.watchId);
    if (!holds(db, lease, holder)) return null;
    const watch = getWatch(db, check.watchId);
    if (!watch) {
      releaseLease(db, lease, holder);
      return null;
    }
    const auditId = check.audit ? saveAudit(db, check.audit) : null;
    const info = db
      .sql('INSERT INTO watch_checks (watch_id, started_at, finished_at, audit_id, score, grade, alert_count, error, result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        check.watchId,
        check.startedAt,
        check.finishedAt,
        auditId,
        check.audit?.score ?? null,
        check.audit?.grade ?? null,
        check.drafts.length,
        check.error ?? null,
        check.ip ? JSON.stringify(check.ip) : null,
      );
    const checkId = Number(info.lastInsertRowid);
    const alerts: Alert[] = check.drafts.map((draft) => {
      const id = insertAlert(db, watch.id, checkId, watch.target, auditId, draft, check.finishedAt);
      const alert: Alert = {
        ...draft,
        id,
        watchId: watch.id,
        kind: watch.kind,
        target: watch.target,
        client: watch.client?.name ?? null,
        auditId,
        checkId,
        raisedAt: check.finishedAt,
        ackedAt: null,
        snoozedUntil: null,
        open: true,
      };
      for (const channel of check.channels) enqueue(db, channel, payloadOf(alert), check.finishedAt);
      return alert;
    });
    db.sql(`UPDATE watches SET last_at = ?, last_check_id = ?, next_at = ?${check.state ? ', state_json = ?' : ''} WHERE id = ?`).run(
      check.finishedAt,
      checkId,
      check.nextAt,
      ...(check.state ? [JSON.stringify(check.state)] : []),
      watch.id,
    );
    releaseLease(db, lease, holder);
    return { checkId, auditId, alerts };
  });
}

export function payloadOf(alert: Alert): AlertPayload {
  return {
    id: alert.id,
    rule: alert.rule,
    watch: { id: alert.watchId, kind: alert.kind, target: alert.target, client: alert.client },
    target: alert.target,
    title: alert.title,
    detail: alert.detail,
    ...(alert.before !== undefined ? { before: alert.before } : {}),
    ...(alert.after !== undefined ? { after: alert.after } : {}),
    ...(alert.evidence !== undefined ? { evidence: alert.evidence } : {}),
    ...(alert.fix !== undefined ? { fix: alert.fix } : {}),
    auditId: alert.auditId,
    raisedAt: alert.raisedAt,
  };
}

/** A stored IP check, by its watch check's id. */
export function ipCheckOf(db: HistoryDb, checkId: number): IpCheckResult | null {
  const row = db.sql('SELECT result_json FROM watch_checks WHERE id = ?').get(checkId) as { result_json: string | null } | undefined;
  return row?.result_json ? parseStored<IpCheckResult>(row.result_json, `Watch check #${checkId}`) : null;
}

/** How many passes each watch has recorded (tests and the bench count them). */
export function checkCounts(db: HistoryDb): Map<number, number> {
  const rows = db.sql('SELECT watch_id, COUNT(*) AS n FROM watch_checks GROUP BY watch_id').all() as { watch_id: number; n: number }[];
  return new Map(rows.map((r) => [r.watch_id, r.n]));
}
