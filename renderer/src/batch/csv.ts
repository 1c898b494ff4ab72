/**
 * The batch results as CSV, for a spreadsheet or a report.
 *
 * RFC 4180 quoting, CRLF line ends, and a guard against formula injection: a cell a spreadsheet
 * would evaluate (starting with = + - @, or a tab or carriage return) gets a leading apostrophe,
 * so a hostile value in a record cannot run as a formula when the client opens the file (OWASP
 * "CSV Injection").
 */
import type { BatchRow } from './batch-types';

export type CsvValue = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell, guarded and quoted when it holds a comma, a quote or a line break. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  // Numbers we produce are never formulas; printing them bare keeps them numeric in a spreadsheet.
  let text = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',');
}

export const BATCH_CSV_HEADER = ['domain', 'score', 'grade', 'critical', 'warning', 'codes', 'audited_at'] as const;

/** Audited rows, in the order given; rows that did not finish are left out (they have no result). */
export function batchCsv(rows: readonly BatchRow[]): string {
  const lines = [csvLine(BATCH_CSV_HEADER)];
  for (const row of rows) {
    if (row.state !== 'done' || !row.result) continue;
    const r = row.result;
    lines.push(csvLine([row.domain, r.score, r.grade, r.critical, r.warning, r.codes.join(';'), r.auditedAt]));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** deliverlab-batch-2026-11-26-1405.csv, in local time: a name that sorts and does not collide within a day. */
export function batchCsvName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `deliverlab-batch-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}.csv`;
}
