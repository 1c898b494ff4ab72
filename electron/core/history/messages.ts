/**
 * Message analyses in history: the analysis as JSON, the raw message compressed in a table of its
 * own (so lists never page in megabytes of blobs), and the DKIM selectors the message was signed
 * with, which later audits of the domain try first.
 */
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompressSync, constants as zlibConstants, gunzipSync } from 'node:zlib';
import { isValidSelector } from '../audit/dkim-parse';
import { isValidDomain, normalizeDomain } from '../../shared/domain-name';
import type { DkimSignatureResult, MessageAnalysis } from '../message/types';
import { clientDomainMatch } from './clients';
import type { HistoryDb } from './db';
import { HistoryError } from './errors';
import { clipText, listColumn } from './list-bounds';
import type { DkimOverall, ListMessagesQuery, MessageSummaryRow } from './types';

/** At most this many DKIM signatures of one message are remembered: a hostile message can carry hundreds. */
const MAX_SEEN_PER_MESSAGE = 20;
/** At most this many seen selectors go to an audit (the DKIM check tries at most 80 in all). */
export const MAX_SEEN_FOR_AUDIT = 20;

const compress = promisify(brotliCompress);

interface MessageRow {
  id: number;
  analysed_at: string;
  subject: string | null;
  from_address: string | null;
  from_domain: string | null;
  spf: string;
  dkim: string;
  dmarc: string;
  critical_count: number;
  warning_count: number;
  raw_stored: number;
}

/**
 * One word for a message's DKIM: `pass` when an aligned signature passed, `none` without signatures,
 * `unaligned` when only signatures of other domains passed, otherwise the first failing result.
 */
export function dkimOverall(signatures: readonly DkimSignatureResult[]): DkimOverall {
  if (signatures.length === 0) return 'none';
  if (signatures.some((s) => s.result === 'pass' && s.aligned)) return 'pass';
  if (signatures.some((s) => s.result === 'pass')) return 'unaligned';
  // A temporary DNS error may pass on retry: say that rather than a hard failure when both occur.
  if (signatures.some((s) => s.result === 'temperror')) return 'temperror';
  return (signatures.find((s) => s.result !== 'none') ?? signatures[0])?.result ?? 'none';
}

/** The raw message as it is stored; runs off the main thread, before the write. */
export function packRaw(raw: Buffer): Promise<Buffer> {
  // Brotli at quality 3: on mail text within 6 % of quality 5, and on base64 attachments (which
  // shrink to 76 % whatever the setting) three times faster: 0.3 s instead of 0.9 s for 45 MB,
  // where gzip -6 takes 1.1 s for the same size.
  return compress(raw, {
    params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 3, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  });
}

/**
 * Stores an analysis, its raw message (`raw`, already packed by packRaw as `packed`) and the DKIM
 * selectors it was signed with; returns the new id.
 */
export function saveMessage(db: HistoryDb, analysis: MessageAnalysis, raw: { packed: Buffer; size: number } | null): number {
  const critical = analysis.findings.filter((f) => f.severity === 'critical').length;
  const warning = analysis.findings.filter((f) => f.severity === 'warning').length;
  const { id: _id, historyError: _error, ...stored } = analysis;
  const seen = new Map<string, { domain: string; selector: string }>();
  for (const sig of analysis.auth.dkim.slice(0, MAX_SEEN_PER_MESSAGE)) {
    const domain = normalizeDomain(sig.domain ?? '');
    const selector = (sig.selector ?? '').trim().toLowerCase();
    // Only names an audit could query: the message is untrusted input.
    if (!isValidDomain(domain) || !selector || !isValidSelector(selector)) continue;
    seen.set(`${domain} ${selector}`, { domain, selector });
  }
  return db.tx(() => {
    const info = db
      .sql(
        `INSERT INTO messages (analysed_at, sha256, subject, from_address, from_domain, spf, dkim, dmarc, critical_count, warning_count, result_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        analysis.analysedAt,
        analysis.sha256,
        analysis.summary.subject,
        analysis.summary.from,
        analysis.summary.fromDomain ? normalizeDomain(analysis.summary.fromDomain) : null,
        analysis.auth.spf.result,
        dkimOverall(analysis.auth.dkim),
        analysis.auth.dmarc.result,
        critical,
        warning,
        JSON.stringify(stored),
      );
    const id = Number(info.lastInsertRowid);
    if (raw) db.sql('INSERT INTO message_raw (message_id, compression, raw, original_size) VALUES (?, ?, ?, ?)').run(id, 'br', raw.packed, raw.size);
    const upsert = db.sql(
      `INSERT INTO dkim_selectors_seen (domain, selector, first_seen, last_seen) VALUES (?, ?, ?, ?)
       ON CONFLICT(domain, selector) DO UPDATE SET
         first_seen = min(first_seen, excluded.first_seen),
         last_seen = max(last_seen, excluded.last_seen)`,
    );
    for (const { domain, selector } of seen.values()) upsert.run(domain, selector, analysis.analysedAt, analysis.analysedAt);
    return id;
  });
}

/** A page of message analyses; subject and sender are read cut to a list's length (list-bounds.ts). */
export function listMessages(db: HistoryDb, query: ListMessagesQuery = {}): { items: MessageSummaryRow[]; total: number } {
  const limit = query.limit ?? 100;
  const offset = query.offset ?? 0;
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (query.domain) {
    conditions.push('m.from_domain = ?');
    params.push(normalizeDomain(query.domain));
  }
  if (query.clientId !== undefined) {
    conditions.push(`m.from_domain IS NOT NULL AND ${clientDomainMatch('m.from_domain')}`);
    params.push(query.clientId);
  }
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const rows = db
    .sql(
      `SELECT m.id, m.analysed_at, ${listColumn('m.subject', 'subject')}, ${listColumn('m.from_address', 'from_address')},
              ${listColumn('m.from_domain', 'from_domain')}, m.spf, m.dkim, m.dmarc, m.critical_count, m.warning_count,
              EXISTS (SELECT 1 FROM message_raw r WHERE r.message_id = m.id) AS raw_stored
       FROM messages m ${where}
       ORDER BY m.analysed_at DESC, m.id DESC LIMIT ? OFFSET ?`,
    )
    .all(...params, limit, offset) as MessageRow[];
  const total = (db.sql(`SELECT COUNT(*) AS n FROM messages m ${where}`).get(...params) as { n: number }).n;
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      analysedAt: r.analysed_at,
      subject: r.subject === null ? null : clipText(r.subject),
      from: r.from_address === null ? null : clipText(r.from_address),
      fromDomain: r.from_domain === null ? null : clipText(r.from_domain),
      spf: r.spf,
      dkim: r.dkim as DkimOverall,
      dmarc: r.dmarc,
      critical: r.critical_count,
      warning: r.warning_count,
      rawStored: r.raw_stored === 1,
    })),
  };
}

export function getMessage(db: HistoryDb, id: number): MessageAnalysis | null {
  const row = db.sql('SELECT result_json FROM messages WHERE id = ?').get(id) as { result_json: string } | undefined;
  if (!row) return null;
  return { ...(JSON.parse(row.result_json) as MessageAnalysis), id };
}

/** The stored raw message, decompressed; null when the message or its raw copy is not stored. */
export function getRawMessage(db: HistoryDb, id: number): Buffer | null {
  const row = db.sql('SELECT compression, raw, original_size FROM message_raw WHERE message_id = ?').get(id) as
    | { compression: string; raw: Buffer; original_size: number }
    | undefined;
  if (!row) return null;
  const raw = row.compression === 'gzip' ? gunzipSync(row.raw) : brotliDecompressSync(row.raw);
  if (raw.length !== row.original_size) {
    throw new HistoryError(`The stored copy of message #${id} is damaged (${raw.length} bytes instead of ${row.original_size}).`);
  }
  return raw;
}

/** Deletes an analysis and its raw message (the selectors it taught stay: they describe the domain). */
export function deleteMessage(db: HistoryDb, id: number): boolean {
  return db.sql('DELETE FROM messages WHERE id = ?').run(id).changes > 0;
}

/** DKIM selectors seen signing mail from `domain`, most recently seen first, for the audit's discovery. */
export function selectorsSeen(db: HistoryDb, domain: string, limit = MAX_SEEN_FOR_AUDIT): string[] {
  const rows = db.sql('SELECT selector FROM dkim_selectors_seen WHERE domain = ? ORDER BY last_seen DESC, selector LIMIT ?').all(normalizeDomain(domain), limit) as {
    selector: string;
  }[];
  return rows.map((r) => r.selector);
}
