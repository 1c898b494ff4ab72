/**
 * The alert outbox: every delivery an alert owes (a webhook post, an email), written in the same
 * transaction as the alert, delivered in order and marked done afterwards.
 *
 * Nothing is lost across restarts: a delivery stays until it is marked delivered (or given up on
 * after many attempts), and the next scheduler to hold the channel's lease sends it. The payload is
 * the alert as it was raised; the body a channel sends is made from it at delivery time.
 */
import type { HistoryDb } from './db';
import { parseStored } from './db';
import type { AlertPayload, Delivery } from '../watch/types';

export type Channel = Delivery['channel'];

interface OutboxRow {
  id: number;
  alert_id: number | null;
  channel: string;
  payload_json: string;
  created_at: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  delivered_at: string | null;
  failed_at: string | null;
}

const toDelivery = (r: OutboxRow): Delivery => ({
  id: r.id,
  alertId: r.alert_id,
  channel: r.channel as Channel,
  payload: parseStored<AlertPayload>(r.payload_json, `Delivery #${r.id}`),
  createdAt: r.created_at,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
  failedAt: r.failed_at,
});

export function enqueue(db: HistoryDb, channel: Channel, payload: AlertPayload, now: string): number {
  const info = db
    .sql('INSERT INTO outbox (alert_id, channel, payload_json, created_at, attempts, next_attempt_at) VALUES (?, ?, ?, ?, 0, ?)')
    .run(payload.id, channel, JSON.stringify(payload), now, now);
  return Number(info.lastInsertRowid);
}

/** The oldest delivery of `channel` still owed: the one to send next, since order is kept. */
export function headOf(db: HistoryDb, channel: Channel): Delivery | null {
  const row = db
    .sql('SELECT * FROM outbox WHERE channel = ? AND delivered_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT 1')
    .get(channel) as OutboxRow | undefined;
  return row ? toDelivery(row) : null;
}

export function markDelivered(db: HistoryDb, id: number, now: string): void {
  db.sql('UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').run(now, id);
}

/** Records a failed attempt and when to try again; `giveUp` ends the delivery as failed. */
export function markAttemptFailed(db: HistoryDb, id: number, error: string, nextAttemptAt: string, giveUp: boolean, now: string): void {
  db.sql('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, failed_at = ? WHERE id = ?').run(error, nextAttemptAt, giveUp ? now : null, id);
}

/** Deliveries owed or done, newest first (for a status line and the tests). */
export function listDeliveries(db: HistoryDb, channel?: Channel, limit = 100): Delivery[] {
  const rows = (channel
    ? db.sql('SELECT * FROM outbox WHERE channel = ? ORDER BY id DESC LIMIT ?').all(channel, limit)
    : db.sql('SELECT * FROM outbox ORDER BY id DESC LIMIT ?').all(limit)) as OutboxRow[];
  return rows.map(toDelivery);
}

/** How many deliveries are still owed, per channel. */
export function pendingCount(db: HistoryDb): Record<Channel, number> {
  const rows = db.sql('SELECT channel, COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL GROUP BY channel').all() as { channel: Channel; n: number }[];
  return { webhook: 0, email: 0, ...Object.fromEntries(rows.map((r) => [r.channel, r.n])) };
}
