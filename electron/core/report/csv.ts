/**
 * One row per finding: domain, code, severity, title, fix (the record to publish, in zone-file form, when the fix is one).
 * A domain's sending health findings (health.*) follow its audit's, when the report has them.
 *
 * RFC 4180: CRLF line ends, a field with a comma, quote or line break in double quotes, quotes
 * doubled. A cell that starts with = + - @ (or a tab or carriage return) gets a leading ' so a
 * spreadsheet shows it instead of running it as a formula (OWASP "CSV Injection").
 */
import { zoneLines } from '../../shared/fix-record';
import type { AuditResult, Finding } from '../audit/types';
import { DMARC_CSV_HEADER, dmarcCsvRows, type DmarcSection } from './dmarc-section';

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderCsv(results: readonly AuditResult[], health: readonly (readonly Finding[] | undefined)[] = [], dmarc: readonly (DmarcSection | undefined)[] = []): string {
  const rows = [['domain', 'code', 'severity', 'title', 'fix']];
  results.forEach((r, i) => {
    for (const f of [...r.findings, ...(health[i] ?? [])]) rows.push([r.domain, f.code, f.severity, f.title, f.fixRecords?.length ? zoneLines(f.fixRecords) : (f.fix ?? '')]);
  });
  // The DMARC report sources, when a report has them: a second table after an empty line, with its own header.
  const sources = results.flatMap((r, i) => (dmarc[i] ? dmarcCsvRows(r.domain, dmarc[i]) : []));
  const tables = sources.length > 0 ? [rows, [[...DMARC_CSV_HEADER], ...sources]] : [rows];
  return tables.map((t) => t.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n').join('\r\n');
}
