/**
 * DMARC aggregate and TLS reports in history: the reports, their records, the per-day source rollup
 * the analysis reads, and the reverse DNS cache.
 *
 * A batch of reports is written in one transaction (the caller's, through store.ts); a report the
 * history already has (same organisation and report id) is left as it is and said to be a duplicate.
 */
import type {
  AggregateRecord,
  AggregateReport,
  AlignedResult,
  Disposition,
  DkimAuthResult,
  FoundReport,
  PolicyOverride,
  PublishedPolicy,
  ReportListItem,
  SpfAuthResult,
  StoredRecord,
  TlsReport,
} from '../reports/types';
import { DAY, type Range } from '../reports/range';
import type { HistoryDb } from './db';
import { parseStored } from './db';


/** What storing one report did. */
export interface SavedReport {
  duplicate: boolean;
  records: number;
  messages: number;
}

/** The receivers' reasons that say a failing message was let through as forwarded mail (RFC 7489 §6.6.3, DMARCbis). */
const FORWARDING_REASONS = new Set(['forwarded', 'trusted_forwarder', 'mailing_list']);

/** The receiver let the message through as forwarded: a forwarding reason, or a local policy naming ARC. */
export function overriddenAsForwarded(reasons: readonly PolicyOverride[]): boolean {
  return reasons.some((r) => FORWARDING_REASONS.has(r.type) || (r.type === 'local_policy' && /\barc\s*=\s*pass\b/i.test(r.comment ?? '')));
}

/** The auth signature a rollup row is keyed by: DKIM d= and SPF domains with their results, in order. */
export function authSignature(record: Pick<AggregateRecord, 'dkimAuth' | 'spfAuth'>): string {
  const { dkimAuth, spfAuth } = record;
  // Nearly every record has one DKIM result and one SPF result: nothing to order or merge.
  if (dkimAuth.length <= 1 && spfAuth.length <= 1) {
    const d = dkimAuth[0];
    const s = spfAuth[0];
    return JSON.stringify([d ? [`${d.domain}\t${d.result}`] : [], s ? [`${s.domain}\t${s.result}`] : []]);
  }
  const dkim = [...new Set(dkimAuth.map((d) => `${d.domain}\t${d.result}`))].sort();
  const spf = [...new Set(spfAuth.map((s) => `${s.domain}\t${s.result}`))].sort();
  return JSON.stringify([dkim, spf]);
}

/** A signature read back: [domain, result] pairs of DKIM and of SPF. */
export function readSignature(auth: string): { dkim: [string, string][]; spf: [string, string][] } {
  const [dkim, spf] = JSON.parse(auth) as [string[], string[]];
  const pairs = (list: string[]) => list.map((x) => x.split('\t', 2) as [string, string]);
  return { dkim: pairs(dkim), spf: pairs(spf) };
}

/**
 * Statements that write many rows at once, prepared once per row count: one call into SQLite for
 * a report's records instead of one per record, the binding of their values being most of a
 * record's write.
 */
const ROWS_PER_STATEMENT = 32;
const manyRowsSql = new Map<string, string[]>();
function manyRows(db: HistoryDb, head: string, columns: number, rows: number, tail = ''): ReturnType<HistoryDb['sql']> {
  let bySize = manyRowsSql.get(head);
  if (!bySize) manyRowsSql.set(head, (bySize = []));
  let sql = bySize[rows];
  if (sql === undefined) {
    const row = `(${new Array<string>(columns).fill('?').join(', ')})`;
    sql = `${head} VALUES ${new Array<string>(rows).fill(row).join(', ')}${tail}`;
    bySize[rows] = sql;
  }
  return db.sql(sql);
}

/** Runs a many-row statement over `values` (`columns` to a row), ROWS_PER_STATEMENT rows at a time. */
function writeRows(db: HistoryDb, head: string, columns: number, values: unknown[], tail = ''): void {
  const rows = values.length / columns;
  for (let at = 0; at < rows; at += ROWS_PER_STATEMENT) {
    const n = Math.min(ROWS_PER_STATEMENT, rows - at);
    manyRows(db, head, columns, n, tail).run(n === rows ? values : values.slice(at * columns, (at + n) * columns));
  }
}

const RECORD_INSERT =
  'INSERT INTO dmarc_records (report, domain, day, source_ip, count, disposition, dkim, spf, reasons_json, header_from, envelope_from, envelope_to, dkim_auth_json, spf_auth_json)';
const RECORD_COLUMNS = 14;
const ROLLUP_INSERT = 'INSERT INTO dmarc_source_days (domain, day, source_ip, auth, messages, spf_pass, dkim_pass, both_pass, overridden, quarantine, reject)';
const ROLLUP_COLUMNS = 11;
const ROLLUP_UPSERT = `
     ON CONFLICT (domain, day, source_ip, auth) DO UPDATE SET
       messages = messages + excluded.messages, spf_pass = spf_pass + excluded.spf_pass, dkim_pass = dkim_pass + excluded.dkim_pass,
       both_pass = both_pass + excluded.both_pass, overridden = overridden + excluded.overridden,
       quarantine = quarantine + excluded.quarantine, reject = reject + excluded.reject`;

/** The rollup rows of one batch of reports, added up before they are written (a reporter sends the same sources day after day). */
type Rollup = Map<string, SourceDayRow & { domain: string }>;

function saveAggregate(db: HistoryDb, report: AggregateReport, source: string, importedAt: string, rollup: Rollup): SavedReport {
  let messages = 0;
  let pass = 0;
  let spfPass = 0;
  let dkimPass = 0;
  let quarantine = 0;
  let reject = 0;
  for (const r of report.records) {
    messages += r.count;
    if (r.dkim === 'pass' || r.spf === 'pass') pass += r.count;
    if (r.spf === 'pass') spfPass += r.count;
    if (r.dkim === 'pass') dkimPass += r.count;
    if (r.disposition === 'quarantine') quarantine += r.count;
    else if (r.disposition === 'reject') reject += r.count;
  }
  const inserted = db
    .sql(
      `INSERT INTO dmarc_reports (org, report_id, domain, begin_ts, end_ts, schema, email, extra_contact, policy_json, errors_json, record_count,
         messages, dmarc_pass, spf_aligned_pass, dkim_aligned_pass, disposition_none, disposition_quarantine, disposition_reject, source, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (org, report_id) DO NOTHING`,
    )
    .run(
      report.org,
      report.reportId,
      report.policy.domain,
      report.begin,
      report.end,
      report.schema,
      report.email,
      report.extraContact,
      JSON.stringify(report.policy),
      JSON.stringify(report.errors),
      report.records.length,
      messages,
      pass,
      spfPass,
      dkimPass,
      messages - quarantine - reject,
      quarantine,
      reject,
      source,
      importedAt,
    );
  if (inserted.changes === 0) return { duplicate: true, records: 0, messages: 0 };
  const id = Number(inserted.lastInsertRowid);
  const day = Math.floor(report.begin / DAY);
  const domain = report.policy.domain;
  const values: unknown[] = [];
  for (const r of report.records) {
    values.push(
      id,
      domain,
      day,
      r.sourceIp,
      r.count,
      r.disposition,
      r.dkim,
      r.spf,
      r.reasons.length ? JSON.stringify(r.reasons) : null,
      r.headerFrom,
      r.envelopeFrom,
      r.envelopeTo,
      JSON.stringify(r.dkimAuth.map((d) => [d.domain, d.selector, d.result])),
      JSON.stringify(r.spfAuth.map((s) => [s.domain, s.scope, s.result])),
    );
    const auth = authSignature(r);
    const key = `${domain} ${day} ${r.sourceIp} ${auth}`;
    let roll = rollup.get(key);
    if (!roll) {
      roll = { domain, day, ip: r.sourceIp, auth, messages: 0, spf: 0, dkim: 0, both: 0, overridden: 0, quarantine: 0, reject: 0 };
      rollup.set(key, roll);
    }
    roll.messages += r.count;
    if (r.spf === 'pass') roll.spf += r.count;
    if (r.dkim === 'pass') roll.dkim += r.count;
    if (r.spf === 'pass' && r.dkim === 'pass') roll.both += r.count;
    if (r.reasons.length && overriddenAsForwarded(r.reasons)) roll.overridden += r.count;
    if (r.disposition === 'quarantine') roll.quarantine += r.count;
    else if (r.disposition === 'reject') roll.reject += r.count;
  }
  writeRows(db, RECORD_INSERT, RECORD_COLUMNS, values);
  return { duplicate: false, records: report.records.length, messages };
}

/** Adds a batch's rollup rows to dmarc_source_days, each auth signature stored once in dmarc_auth. */
function writeRollup(db: HistoryDb, rollup: Rollup): void {
  if (rollup.size === 0) return;
  const authId = db.sql('SELECT id FROM dmarc_auth WHERE auth = ?');
  const addAuth = db.sql('INSERT INTO dmarc_auth (auth) VALUES (?)');
  const ids = new Map<string, number>();
  const idOf = (auth: string): number => {
    let id = ids.get(auth);
    if (id === undefined) {
      const row = authId.get(auth) as { id: number } | undefined;
      id = row ? row.id : Number(addAuth.run(auth).lastInsertRowid);
      ids.set(auth, id);
    }
    return id;
  };
  const values: unknown[] = [];
  for (const r of rollup.values()) values.push(r.domain, r.day, r.ip, idOf(r.auth), r.messages, r.spf, r.dkim, r.both, r.overridden, r.quarantine, r.reject);
  writeRows(db, ROLLUP_INSERT, ROLLUP_COLUMNS, values, ROLLUP_UPSERT);
}

function saveTls(db: HistoryDb, report: TlsReport, source: string, importedAt: string): SavedReport {
  const domains = [...new Set(report.policies.map((p) => p.policyDomain).filter((d): d is string => d !== null))];
  const inserted = db
    .sql(
      `INSERT INTO tls_reports (org, report_id, contact, begin_ts, end_ts, domains, policy_count, successes, failures, source, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (org, report_id) DO NOTHING`,
    )
    .run(
      report.org,
      report.reportId,
      report.contact,
      report.begin,
      report.end,
      domains.join(','),
      report.policies.length,
      report.policies.reduce((n, p) => n + p.successes, 0),
      report.policies.reduce((n, p) => n + p.failures, 0),
      source,
      importedAt,
    );
  if (inserted.changes === 0) return { duplicate: true, records: 0, messages: 0 };
  const id = Number(inserted.lastInsertRowid);
  const insertPolicy = db.sql(
    `INSERT INTO tls_policies (report, policy_type, policy_domain, begin_ts, policy_strings_json, mx_hosts_json, successes, failures) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertFailure = db.sql(
    `INSERT INTO tls_failures (policy, result_type, sending_mta_ip, receiving_mx_hostname, receiving_mx_helo, receiving_ip, failed_sessions, additional_information, failure_reason_code)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const p of report.policies) {
    const policyId = Number(
      insertPolicy.run(id, p.policyType, p.policyDomain, report.begin, JSON.stringify(p.policyStrings), JSON.stringify(p.mxHosts), p.successes, p.failures).lastInsertRowid,
    );
    for (const f of p.failureDetails) {
      insertFailure.run(policyId, f.resultType, f.sendingMtaIp, f.receivingMxHostname, f.receivingMxHelo, f.receivingIp, f.failedSessions, f.additionalInformation, f.failureReasonCode);
    }
  }
  return { duplicate: false, records: report.policies.length, messages: 0 };
}

/**
 * Stores reports in one transaction; each is a duplicate (and left alone) when history has a report
 * of the same organisation and id, or when an earlier one of the same batch had them.
 */
export function saveReports(db: HistoryDb, found: readonly FoundReport[], importedAt: string): SavedReport[] {
  return db.tx(() => {
    const rollup: Rollup = new Map();
    const saved = found.map(({ report, from }) => (report.kind === 'dmarc' ? saveAggregate(db, report, from, importedAt, rollup) : saveTls(db, report, from, importedAt)));
    writeRollup(db, rollup);
    return saved;
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface ReportTotals {
  reports: number;
  messages: number;
  dmarcPass: number;
  spfAlignedPass: number;
  dkimAlignedPass: number;
  none: number;
  quarantine: number;
  reject: number;
}

export function aggregateTotals(db: HistoryDb, r: Range): ReportTotals {
  const row = db
    .sql(
      `SELECT COUNT(*) AS reports, COALESCE(SUM(messages), 0) AS messages, COALESCE(SUM(dmarc_pass), 0) AS dmarcPass,
              COALESCE(SUM(spf_aligned_pass), 0) AS spfAlignedPass, COALESCE(SUM(dkim_aligned_pass), 0) AS dkimAlignedPass,
              COALESCE(SUM(disposition_none), 0) AS none, COALESCE(SUM(disposition_quarantine), 0) AS quarantine, COALESCE(SUM(disposition_reject), 0) AS reject
       FROM dmarc_reports WHERE domain = ? AND begin_ts BETWEEN ? AND ?`,
    )
    .get(r.domain, r.since, r.until) as ReportTotals;
  return row;
}

export function reporterTotals(db: HistoryDb, r: Range): { org: string; reports: number; messages: number; dmarcPass: number }[] {
  return db
    .sql(
      `SELECT org, COUNT(*) AS reports, SUM(messages) AS messages, SUM(dmarc_pass) AS dmarcPass
       FROM dmarc_reports WHERE domain = ? AND begin_ts BETWEEN ? AND ?
       GROUP BY org ORDER BY messages DESC, org`,
    )
    .all(r.domain, r.since, r.until) as { org: string; reports: number; messages: number; dmarcPass: number }[];
}

export function dayTotals(db: HistoryDb, r: Range): { day: number; messages: number; dmarcPass: number }[] {
  return db
    .sql(
      `SELECT begin_ts / ${DAY} AS day, SUM(messages) AS messages, SUM(dmarc_pass) AS dmarcPass
       FROM dmarc_reports WHERE domain = ? AND begin_ts BETWEEN ? AND ?
       GROUP BY day ORDER BY day`,
    )
    .all(r.domain, r.since, r.until) as { day: number; messages: number; dmarcPass: number }[];
}

export interface SourceDayRow {
  day: number;
  ip: string;
  auth: string;
  messages: number;
  spf: number;
  dkim: number;
  both: number;
  overridden: number;
  quarantine: number;
  reject: number;
}

/** The rollup rows of a domain over the range's days. */
export function sourceDays(db: HistoryDb, r: Range): SourceDayRow[] {
  return db
    .sql(
      `SELECT s.day, s.source_ip AS ip, a.auth, s.messages, s.spf_pass AS spf, s.dkim_pass AS dkim, s.both_pass AS both, s.overridden, s.quarantine, s.reject
       FROM dmarc_source_days s JOIN dmarc_auth a ON a.id = s.auth WHERE s.domain = ? AND s.day BETWEEN ? AND ?`,
    )
    .all(r.domain, Math.floor(r.since / DAY), Math.floor(r.until / DAY)) as SourceDayRow[];
}

/** The policy published in the latest report of the domain. */
export function latestPolicy(db: HistoryDb, domain: string): PublishedPolicy | null {
  const row = db.sql('SELECT policy_json FROM dmarc_reports WHERE domain = ? ORDER BY begin_ts DESC, id DESC LIMIT 1').get(domain) as { policy_json: string } | undefined;
  return row ? parseStored<PublishedPolicy>(row.policy_json, 'A stored report') : null;
}

interface RecordRow {
  report_id: string;
  org: string;
  begin_ts: number;
  end_ts: number;
  source_ip: string;
  count: number;
  disposition: string;
  dkim: string;
  spf: string;
  reasons_json: string | null;
  header_from: string;
  envelope_from: string | null;
  envelope_to: string | null;
  dkim_auth_json: string;
  spf_auth_json: string;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Records of the domain from the given addresses (all when none are given), newest reports first. */
export function records(db: HistoryDb, r: Range, ips: readonly string[], limit: number, offset: number): { items: StoredRecord[]; total: number } {
  // One statement whatever the number of addresses: they travel as one JSON parameter.
  const byIp = ips.length > 0 ? 'AND c.source_ip IN (SELECT value FROM json_each(?))' : '';
  const where = `FROM dmarc_records c JOIN dmarc_reports p ON p.id = c.report WHERE c.domain = ? AND c.day BETWEEN ? AND ? ${byIp}`;
  const params: unknown[] = [r.domain, Math.floor(r.since / DAY), Math.floor(r.until / DAY)];
  if (ips.length > 0) params.push(JSON.stringify(ips));
  const rows = db
    .sql(
      `SELECT p.report_id, p.org, p.begin_ts, p.end_ts, c.source_ip, c.count, c.disposition, c.dkim, c.spf, c.reasons_json, c.header_from, c.envelope_from, c.envelope_to,
              c.dkim_auth_json, c.spf_auth_json
       ${where} ORDER BY p.begin_ts DESC, c.id LIMIT ? OFFSET ?`,
    )
    .all(...params, limit, offset) as RecordRow[];
  const total = (db.sql(`SELECT COUNT(*) AS n ${where}`).get(...params) as { n: number }).n;
  return {
    total,
    items: rows.map((row) => ({
      reportId: row.report_id,
      org: row.org,
      begin: iso(row.begin_ts),
      end: iso(row.end_ts),
      sourceIp: row.source_ip,
      count: row.count,
      disposition: row.disposition as Disposition,
      dkim: row.dkim as AlignedResult,
      spf: row.spf as AlignedResult,
      reasons: row.reasons_json ? parseStored<PolicyOverride[]>(row.reasons_json, 'A stored record') : [],
      headerFrom: row.header_from,
      envelopeFrom: row.envelope_from,
      envelopeTo: row.envelope_to,
      dkimAuth: parseStored<[string, string | null, string][]>(row.dkim_auth_json, 'A stored record').map(([domain, selector, result]): DkimAuthResult => ({ domain, selector, result })),
      spfAuth: parseStored<[string, string | null, string][]>(row.spf_auth_json, 'A stored record').map(([domain, scope, result]): SpfAuthResult => ({ domain, scope, result })),
    })),
  };
}

/** The stored reports, DMARC and TLS together, the latest imported first. */
export function listReports(db: HistoryDb, query: { domain?: string; kind?: 'dmarc' | 'tls'; limit: number; offset: number }): { items: ReportListItem[]; total: number } {
  const dmarcWhere = query.domain ? 'WHERE domain = ?' : '';
  // instr, not LIKE: "_" in a domain name is a LIKE wildcard.
  const tlsWhere = query.domain ? "WHERE instr(',' || domains || ',', ',' || ? || ',') > 0" : '';
  const parts: string[] = [];
  const params: unknown[] = [];
  if (query.kind !== 'tls') {
    parts.push(`SELECT id, 'dmarc' AS kind, org, report_id, domain, begin_ts, end_ts, record_count AS records, messages, source, imported_at FROM dmarc_reports ${dmarcWhere}`);
    if (query.domain) params.push(query.domain);
  }
  if (query.kind !== 'dmarc') {
    parts.push(`SELECT id, 'tls' AS kind, org, report_id, domains AS domain, begin_ts, end_ts, policy_count AS records, successes + failures AS messages, source, imported_at FROM tls_reports ${tlsWhere}`);
    if (query.domain) params.push(query.domain);
  }
  const union = parts.join(' UNION ALL ');
  const rows = db.sql(`SELECT * FROM (${union}) ORDER BY imported_at DESC, begin_ts DESC, id DESC LIMIT ? OFFSET ?`).all(...params, query.limit, query.offset) as {
    id: number;
    kind: 'dmarc' | 'tls';
    org: string;
    report_id: string;
    domain: string;
    begin_ts: number;
    end_ts: number;
    records: number;
    messages: number;
    source: string;
    imported_at: string;
  }[];
  const total = (db.sql(`SELECT COUNT(*) AS n FROM (${union})`).get(...params) as { n: number }).n;
  return {
    total,
    items: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      org: row.org,
      reportId: row.report_id,
      domain: row.domain,
      begin: iso(row.begin_ts),
      end: iso(row.end_ts),
      records: row.records,
      messages: row.messages,
      source: row.source,
      importedAt: row.imported_at,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// TLS reports

export interface TlsPolicyRow {
  org: string;
  report: number;
  day: number;
  type: string;
  successes: number;
  failures: number;
}

export function tlsPolicies(db: HistoryDb, r: Range): TlsPolicyRow[] {
  return db
    .sql(
      `SELECT t.org, t.id AS report, p.begin_ts / ${DAY} AS day, p.policy_type AS type, p.successes, p.failures
       FROM tls_policies p JOIN tls_reports t ON t.id = p.report
       WHERE p.policy_domain = ? AND p.begin_ts BETWEEN ? AND ?`,
    )
    .all(r.domain, r.since, r.until) as TlsPolicyRow[];
}

export interface TlsFailureRow {
  org: string;
  type: string;
  ip: string | null;
  mx: string | null;
  sessions: number;
}

export function tlsFailures(db: HistoryDb, r: Range): TlsFailureRow[] {
  return db
    .sql(
      `SELECT t.org, f.result_type AS type, f.sending_mta_ip AS ip, f.receiving_mx_hostname AS mx, SUM(f.failed_sessions) AS sessions
       FROM tls_failures f JOIN tls_policies p ON p.id = f.policy JOIN tls_reports t ON t.id = p.report
       WHERE p.policy_domain = ? AND p.begin_ts BETWEEN ? AND ?
       GROUP BY t.org, f.result_type, f.sending_mta_ip, f.receiving_mx_hostname
       ORDER BY sessions DESC`,
    )
    .all(r.domain, r.since, r.until) as TlsFailureRow[];
}

// ---------------------------------------------------------------------------------------------
// Reverse DNS cache

export interface CachedPtr {
  names: string[];
  error: string | null;
  checkedAt: number;
}

export function cachedPtrs(db: HistoryDb, ips: readonly string[]): Map<string, CachedPtr> {
  const out = new Map<string, CachedPtr>();
  const get = db.sql('SELECT names_json, error, checked_at FROM reverse_dns WHERE ip = ?');
  for (const ip of ips) {
    const row = get.get(ip) as { names_json: string; error: string | null; checked_at: number } | undefined;
    if (row) out.set(ip, { names: parseStored<string[]>(row.names_json, 'A reverse DNS answer'), error: row.error, checkedAt: row.checked_at });
  }
  return out;
}

export function cachePtrs(db: HistoryDb, answers: readonly { ip: string; names: string[]; error: string | null; checkedAt: number }[]): void {
  const put = db.sql(
    `INSERT INTO reverse_dns (ip, names_json, error, checked_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (ip) DO UPDATE SET names_json = excluded.names_json, error = excluded.error, checked_at = excluded.checked_at`,
  );
  db.tx(() => {
    for (const a of answers) put.run(a.ip, JSON.stringify(a.names), a.error, a.checkedAt);
  });
}
