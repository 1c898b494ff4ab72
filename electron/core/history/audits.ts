/**
 * Domain audits in history: one row per audit, the whole result kept as JSON, under its domain.
 */
import type { AuditResult } from '../audit/types';
import { clientDomainMatch } from './clients';
import type { HistoryDb } from './db';
import type { AuditSummary, ListAuditsQuery } from './types';

interface AuditRow {
  id: number;
  domain: string;
  started_at: string;
  duration_ms: number;
  score: number;
  grade: string;
  critical_count: number;
  warning_count: number;
}

/** Stores an audit (and its domain, the first time); returns the new id. */
export function saveAudit(db: HistoryDb, result: AuditResult): number {
  const critical = result.findings.filter((f) => f.severity === 'critical').length;
  const warning = result.findings.filter((f) => f.severity === 'warning').length;
  const { id: _ignored, ...stored } = result;
  return db.tx(() => {
    db.sql('INSERT INTO domains (name, first_seen) VALUES (?, ?) ON CONFLICT(name) DO NOTHING').run(result.domain, result.startedAt);
    const domain = db.sql('SELECT id FROM domains WHERE name = ?').get(result.domain) as { id: number };
    const info = db
      .sql(
        `INSERT INTO audits (domain_id, started_at, duration_ms, score, grade, critical_count, warning_count, resolver, result_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(domain.id, result.startedAt, Math.round(result.durationMs), result.score, result.grade, critical, warning, result.resolver, JSON.stringify(stored));
    return Number(info.lastInsertRowid);
  });
}

export function listAudits(db: HistoryDb, query: ListAuditsQuery = {}): { items: AuditSummary[]; total: number } {
  const limit = query.limit ?? 100;
  const offset = query.offset ?? 0;
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (query.domain) {
    conditions.push('a.domain_id = (SELECT id FROM domains WHERE name = ?)');
    params.push(query.domain.toLowerCase());
  }
  if (query.search) {
    // The domains are few beside their audits: the matching ids first, then the audits by index.
    conditions.push('a.domain_id IN (SELECT id FROM domains WHERE instr(name, ?) > 0)');
    params.push(query.search.toLowerCase());
  }
  if (query.clientId !== undefined) {
    // The client's domains (and those below them) are few: their ids first, then the audits by index.
    conditions.push(`a.domain_id IN (SELECT dd.id FROM domains dd WHERE ${clientDomainMatch('dd.name')})`);
    params.push(query.clientId);
  }
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const rows = db
    .sql(
      `SELECT a.id, d.name AS domain, a.started_at, a.duration_ms, a.score, a.grade, a.critical_count, a.warning_count
       FROM audits a JOIN domains d ON d.id = a.domain_id ${where}
       ORDER BY a.started_at DESC, a.id DESC LIMIT ? OFFSET ?`,
    )
    .all(...params, limit, offset) as AuditRow[];
  const total = (db.sql(`SELECT COUNT(*) AS n FROM audits a ${where}`).get(...params) as { n: number }).n;
  return {
    total,
    items: rows.map(summary),
  };
}

const summary = (r: AuditRow): AuditSummary => ({
  id: r.id,
  domain: r.domain,
  startedAt: r.started_at,
  durationMs: r.duration_ms,
  score: r.score,
  grade: r.grade,
  critical: r.critical_count,
  warning: r.warning_count,
});

export function getAudit(db: HistoryDb, id: number): AuditResult | null {
  const row = db.sql('SELECT result_json FROM audits WHERE id = ?').get(id) as { result_json: string } | undefined;
  if (!row) return null;
  return { ...(JSON.parse(row.result_json) as AuditResult), id };
}

/** The newest stored audit of `domain`, or null. */
export function latestAudit(db: HistoryDb, domain: string): AuditResult | null {
  const row = db
    .sql('SELECT a.id FROM audits a JOIN domains d ON d.id = a.domain_id WHERE d.name = ? ORDER BY a.started_at DESC, a.id DESC LIMIT 1')
    .get(domain.toLowerCase()) as { id: number } | undefined;
  return row ? getAudit(db, row.id) : null;
}

/**
 * The stored audits of `domain` before a point in its history, newest first: those started earlier,
 * and of those started at the same time, the ones stored before `id` (none when `id` is null, an
 * audit not stored). The report's trend and "What changed" read it.
 */
export function auditsBefore(db: HistoryDb, domain: string, startedAt: string, id: number | null, limit: number): AuditSummary[] {
  const rows = db
    .sql(
      `SELECT a.id, d.name AS domain, a.started_at, a.duration_ms, a.score, a.grade, a.critical_count, a.warning_count
       FROM audits a JOIN domains d ON d.id = a.domain_id
       WHERE d.name = ? AND (a.started_at < ? OR (a.started_at = ? AND a.id < ?))
       ORDER BY a.started_at DESC, a.id DESC LIMIT ?`,
    )
    .all(domain.toLowerCase(), startedAt, startedAt, id ?? 0, limit) as AuditRow[];
  return rows.map(summary);
}

export function deleteAudit(db: HistoryDb, id: number): boolean {
  return db.sql('DELETE FROM audits WHERE id = ?').run(id).changes > 0;
}
