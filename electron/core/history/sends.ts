/**
 * Test sends in history: the columns a list shows, and the whole result (transcript included) as JSON.
 */
import type { SendResult } from '../send/types';
import { page, parseStored, type HistoryDb } from './db';
import type { Page, SendSummary, StoredSend } from './types';

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

export function saveSend(db: HistoryDb, result: SendResult, subject: string): number {
  // A SendRecord from the API carries its own id and history error: neither belongs in the stored copy.
  const { id: _id, subject: _subject, historyError: _error, ...stored } = result as SendResult & { id?: unknown; subject?: unknown; historyError?: unknown };
  const accepted = result.recipients.filter((r) => r.status === 'accepted').length;
  const info = db
    .sql(
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

/** `profiles`: only the sends through these profiles (a domain's or a client's, found by the store). */
export function listSends(db: HistoryDb, query: Page & { profile?: string; profiles?: readonly string[] } = {}): { items: SendSummary[]; total: number } {
  const { limit, offset } = page(query);
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (query.profile !== undefined) {
    conditions.push('profile = ?');
    params.push(query.profile);
  }
  if (query.profiles !== undefined) {
    conditions.push('profile IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(query.profiles));
  }
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const rows = db
    .sql(
      `SELECT id, sent_at, profile, subject, ok, message_id, queue_id, recipient_count, accepted_count, error_code
       FROM sends ${where} ORDER BY sent_at DESC, id DESC LIMIT ? OFFSET ?`,
    )
    .all(...params, limit, offset) as SendRow[];
  const total = (db.sql(`SELECT COUNT(*) AS n FROM sends ${where}`).get(...params) as { n: number }).n;
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

export function getSend(db: HistoryDb, id: number): StoredSend | null {
  const row = db.sql('SELECT subject, result_json FROM sends WHERE id = ?').get(id) as { subject: string; result_json: string } | undefined;
  if (!row) return null;
  return { ...parseStored<SendResult>(row.result_json, `Test send #${id}`), id, subject: row.subject };
}

export function deleteSend(db: HistoryDb, id: number): boolean {
  return db.sql('DELETE FROM sends WHERE id = ?').run(id).changes > 0;
}
