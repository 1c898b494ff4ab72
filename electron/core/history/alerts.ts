/**
 * Alerts in history: what a watch's check raised, with its evidence and fix, and whether the user
 * acknowledged or snoozed it. Alerts are written only with their check (watches.ts finishCheck).
 */
import type { HistoryDb } from './db';
import { page } from './db';
import { clipText } from './list-bounds';
import type { Page } from './types';
import type { Alert, AlertDraft, AlertRule, WatchKind } from '../watch/types';

interface AlertRow {
  id: number;
  watch_id: number;
  check_id: number;
  rule: string;
  target: string;
  subject: string;
  title: string;
  detail: string;
  before_text: string | null;
  after_text: string | null;
  evidence: string | null;
  fix: string | null;
  audit_id: number | null;
  raised_at: string;
  acked_at: string | null;
  snoozed_until: string | null;
  kind: string;
  client: string | null;
}

export interface ListAlertsQuery extends Page {
  /** Only alerts not acknowledged and not snoozed past `now`. */
  open?: boolean;
  watchId?: number;
  clientId?: number;
}

const SELECT = `SELECT a.id, a.watch_id, a.check_id, a.rule, a.target, a.subject, a.title, a.detail, a.before_text, a.after_text, a.evidence,
  a.fix, a.audit_id, a.raised_at, a.acked_at, a.snoozed_until, w.kind, c.name AS client
  FROM alerts a JOIN watches w ON w.id = a.watch_id LEFT JOIN clients c ON c.id = w.client_id`;

const OPEN = '(a.acked_at IS NULL AND (a.snoozed_until IS NULL OR a.snoozed_until <= ?))';

function toAlert(r: AlertRow, now: string, clip = false): Alert {
  const text = (value: string) => (clip ? clipText(value) : value);
  return {
    id: r.id,
    watchId: r.watch_id,
    checkId: r.check_id,
    kind: r.kind as WatchKind,
    target: r.target,
    client: r.client,
    rule: r.rule as AlertRule,
    subject: r.subject,
    title: text(r.title),
    detail: text(r.detail),
    ...(r.before_text !== null ? { before: text(r.before_text) } : {}),
    ...(r.after_text !== null ? { after: text(r.after_text) } : {}),
    ...(r.evidence !== null ? { evidence: text(r.evidence) } : {}),
    ...(r.fix !== null ? { fix: text(r.fix) } : {}),
    auditId: r.audit_id,
    raisedAt: r.raised_at,
    ackedAt: r.acked_at,
    snoozedUntil: r.snoozed_until,
    open: r.acked_at === null && (r.snoozed_until === null || r.snoozed_until <= now),
  };
}

/** Stores one alert of a check; the caller is finishCheck's transaction. */
export function insertAlert(db: HistoryDb, watchId: number, checkId: number, target: string, auditId: number | null, draft: AlertDraft, raisedAt: string): number {
  const info = db
    .sql(
      `INSERT INTO alerts (watch_id, check_id, rule, target, subject, title, detail, before_text, after_text, evidence, fix, audit_id, raised_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(watchId, checkId, draft.rule, target, draft.subject, draft.title, draft.detail, draft.before ?? null, draft.after ?? null, draft.evidence ?? null, draft.fix ?? null, auditId, raisedAt);
  return Number(info.lastInsertRowid);
}

export function getAlert(db: HistoryDb, id: number, now: string): Alert | null {
  const row = db.sql(`${SELECT} WHERE a.id = ?`).get(id) as AlertRow | undefined;
  return row ? toAlert(row, now) : null;
}

/** A page of alerts, newest first; their texts cut to a list's length. */
export function listAlerts(db: HistoryDb, query: ListAlertsQuery, now: string): { items: Alert[]; total: number } {
  const { limit, offset } = page(query);
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.open) {
    where.push(OPEN);
    params.push(now);
  }
  if (query.watchId !== undefined) {
    where.push('a.watch_id = ?');
    params.push(query.watchId);
  }
  if (query.clientId !== undefined) {
    where.push('w.client_id = ?');
    params.push(query.clientId);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const rows = db.sql(`${SELECT} ${clause} ORDER BY a.raised_at DESC, a.id DESC LIMIT ? OFFSET ?`).all(...params, limit, offset) as AlertRow[];
  const total = (db.sql(`SELECT COUNT(*) AS n FROM alerts a JOIN watches w ON w.id = a.watch_id ${clause}`).get(...params) as { n: number }).n;
  return { total, items: rows.map((r) => toAlert(r, now, true)) };
}

/** Acknowledges an alert (it leaves the open list for good); false when there is no such alert. */
export function ackAlert(db: HistoryDb, id: number, now: string): boolean {
  return db.sql('UPDATE alerts SET acked_at = coalesce(acked_at, ?) WHERE id = ?').run(now, id).changes > 0;
}

/** Hides an alert from the open list until `until`; null brings it back now. */
export function snoozeAlert(db: HistoryDb, id: number, until: string | null): boolean {
  return db.sql('UPDATE alerts SET snoozed_until = ? WHERE id = ?').run(until, id).changes > 0;
}

/** Open alerts per watch, for the watch list. */
export function openAlertCounts(db: HistoryDb, now: string): Map<number, number> {
  const rows = db.sql(`SELECT a.watch_id, COUNT(*) AS n FROM alerts a WHERE ${OPEN} GROUP BY a.watch_id`).all(now) as { watch_id: number; n: number }[];
  return new Map(rows.map((r) => [r.watch_id, r.n]));
}
