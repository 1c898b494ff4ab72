/**
 * DMARC sources and records as CSV (RFC 4180), for the app's exports.
 *
 * Reports come from other organisations: a cell that a spreadsheet would run as a formula starts
 * with an apostrophe, and control characters are dropped.
 */
import type { ReportSource, SourceClass, StoredRecord } from './types';

const CLASS_LABELS: Record<SourceClass, string> = { compliant: 'Compliant', forwarded: 'Forwarded', misconfigured: 'Misconfigured', unknown: 'Unknown' };

/** One CSV cell: quoted when needed, never a formula, no control characters. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  // eslint-disable-next-line no-control-regex
  let text = String(value).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function sourcesCsv(sources: readonly ReportSource[]): string {
  return csv(
    ['Organisation', 'Class', 'Addresses', 'Messages', 'DMARC pass', 'SPF aligned pass', 'DKIM aligned pass', 'Fix'],
    sources.map((s) => [s.organization, CLASS_LABELS[s.class], s.ips.join(' '), s.messages, s.dmarcPass, s.spfAlignedPass, s.dkimAlignedPass, s.fix ?? '']),
  );
}

export function recordsCsv(records: readonly StoredRecord[]): string {
  return csv(
    ['Reporter', 'Period start', 'Period end', 'Source address', 'Messages', 'Disposition', 'DKIM aligned', 'SPF aligned', 'Header from', 'Envelope from', 'DKIM domains', 'SPF domains'],
    records.map((r) => [
      r.org,
      r.begin,
      r.end,
      r.sourceIp,
      r.count,
      r.disposition,
      r.dkim,
      r.spf,
      r.headerFrom,
      r.envelopeFrom,
      r.dkimAuth.map((a) => `${a.domain}:${a.result}`).join(' '),
      r.spfAuth.map((a) => `${a.domain}:${a.result}`).join(' '),
    ]),
  );
}
