/**
 * Test sends in history: the columns a list shows, and the whole result (transcript included) as JSON.
 */
import type { QaSummary } from '../qa/types';
import type { SendResult } from '../send/types';
import { clientDomainMatch } from './clients';
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

/** The domain a send went out as: its envelope sender's, from the MAIL FROM line; null before that line. */
export function senderDomain(result: Pick<SendResult, 'transcript'>): string | null {
  for (const line of result.transcript) {
    if (line.dir !== 'C') continue;
    const m = /^MAIL FROM:\s*<[^<>@]*@([^<>@\s]+)>/i.exec(line.text);
    if (m) return (m[1] as string).toLowerCase().replace(/\.$/, '');
  }
  return null;
}

export function saveSend(db: HistoryDb, result: SendResult, subject: string, qa?: QaSummary): number {
  // A SendRecord from the API carries its own id and history error: neither belongs in the stored copy.
  const { id: _id, subject: _subject, historyError: _error, qa: _qa, ...stored } = result as SendResult & { id?: unknown; subject?: unknown; historyError?: unknown; qa?: unknown };
  const accepted = result.recipients.filter((r) => r.status === 'accepted').length;
  const info = db
    .sql(
      `INSERT INTO sends (sent_at, profile, subject, ok, message_id, queue_id, recipient_count, accepted_count, error_code, result_json, qa_json, sender_domain)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      senderDomain(result),
    );
  return Number(info.lastInsertRowid);
}

/**
 * What sends and placement runs are filtered by: sent as `domain` (or below it), or as one of client
 * `clientId`'s domains, by the envelope sender's domain or through one of `profiles` (the saved
 * profiles sending as them, found by the store: a send that failed before MAIL FROM has no domain).
 */
export interface SentFilter {
  domain?: string;
  clientId?: number;
  profiles?: readonly string[];
}

/** The SQL condition and parameters of a SentFilter, on a table with sender_domain and profile columns. */
export function sentCondition(filter: SentFilter): { sql: string; params: unknown[] } | null {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.domain !== undefined) {
    const d = filter.domain.toLowerCase().replace(/\.$/, '');
    parts.push("(sender_domain = ? OR substr(sender_domain, -length(?) - 1) = '.' || ?)");
    params.push(d, d, d);
  }
  if (filter.clientId !== undefined) {
    parts.push(clientDomainMatch('sender_domain'));
    params.push(filter.clientId);
  }
  if (parts.length === 0) return null;
  const matched = `(sender_domain IS NOT NULL AND ${parts.join(' AND ')})`;
  if (filter.profiles === undefined) return { sql: matched, params };
  return { sql: `(${matched} OR profile IN (SELECT value FROM json_each(?)))`, params: [...params, JSON.stringify(filter.profiles)] };
}

export function listSends(db: HistoryDb, query: Page & { profile?: string } & SentFilter = {}): { items: SendSummary[]; total: number } {
  const { limit, offset } = page(query);
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (query.profile !== undefined) {
    conditions.push('profile = ?');
    params.push(query.profile);
  }
  const sent = sentCondition(query);
  if (sent) {
    conditions.push(sent.sql);
    params.push(...sent.params);
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
