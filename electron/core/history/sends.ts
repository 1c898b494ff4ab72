/**
 * Test sends in history: the columns a list shows, and the whole result (transcript included) as JSON.
 */
import type { QaSummary } from '../qa/types';
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

export function saveSend(db: HistoryDb, result: SendResult, subject: string, qa?: QaSummary): number {
  // A SendRecord from the API carries its own id and history error: neither belongs in the stored copy.
  const { id: _id, subject: _subject, historyError: _error, qa: _qa, ...stored } = result as SendResult & { id?: unknown; subject?: unknown; historyError?: unknown; qa?: unknown };
  const accepted = result.recipients.filter((r) => r.status === 'accepted').length;
  const info = db
    .sql(
      `INSERT INTO sends (sent_at, profile, subject, ok, message_id, queue_id, recipient_count, accepted_count, error_code, result_json, qa_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      qa ? JSON.stringify(qa) : null,
    );
  return Number(info.lastInsertRowid);
}

export function listSends(db: HistoryDb, query: Page & { profile?: string } = {}): { items: SendSummary[]; total: number } {
  const { limit, offset } = page(query);
  const where = query.profile !== undefined ? 'WHERE profile = ?' : '';
  const params = query.profile !== undefined ? [query.profile] : [];
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
  const row = db.sql('SELECT subject, result_json, qa_json FROM sends WHERE id = ?').get(id) as { subject: string; result_json: string; qa_json: string | null } | undefined;
  if (!row) return null;
  return {
    ...parseStored<SendResult>(row.result_json, `Test send #${id}`),
    id,
    subject: row.subject,
    ...(row.qa_json ? { qa: parseStored<QaSummary>(row.qa_json, `The design QA of test send #${id}`) } : {}),
  };
}

export function deleteSend(db: HistoryDb, id: number): boolean {
  return db.sql('DELETE FROM sends WHERE id = ?').run(id).changes > 0;
}
