/**
 * Words, numbers and CSV for the DMARC and TLS reports page: pure functions, no DOM.
 */
import type { ReportSource, StoredRecord } from '../../../electron/api/types';

export type SourceClass = ReportSource['class'];

/** Each source class as the page names it, with what it means. */
export const CLASS_WORDS: Record<SourceClass, { label: string; meaning: string }> = {
  compliant: { label: 'Compliant', meaning: 'passes DMARC' },
  forwarded: { label: 'Forwarded', meaning: 'a forwarder or mailing list: DKIM survives, SPF does not' },
  misconfigured: { label: 'Misconfigured', meaning: 'legitimate, but not aligned: it needs a fix' },
  unknown: { label: 'Unknown', meaning: 'not recognised: possibly spoofing' },
};

export const CLASS_ORDER: readonly SourceClass[] = ['compliant', 'forwarded', 'misconfigured', 'unknown'];

/** The time ranges the page offers, in days. */
export const RANGES = [7, 30, 90] as const;
export type RangeDays = (typeof RANGES)[number];

/** A share as a percentage with one decimal at most ("97.5%"); a dash when there is nothing to share. */
export function percent(part: number, whole: number): string {
  if (whole <= 0) return '–';
  const value = Math.round((part / whole) * 1000) / 10;
  return `${value}%`;
}

export function count(n: number): string {
  return n.toLocaleString('en');
}

/** A TLS policy type as people say it: MTA-STS, DANE. */
export function tlsPolicyName(type: string): string {
  if (type === 'sts') return 'MTA-STS';
  if (type === 'tlsa') return 'DANE';
  if (type === 'no-policy-found') return 'No policy found';
  return type;
}

/** The domains named by the stored reports: a TLS report names its policy domains joined with commas. */
export function reportDomains(items: readonly { domain: string }[]): string[] {
  const set = new Set<string>();
  for (const item of items) {
    for (const d of item.domain.split(',')) {
      const name = d.trim().toLowerCase();
      if (name) set.add(name);
    }
  }
  return [...set].sort();
}

/**
 * One CSV cell (RFC 4180): quoted when needed. Reports come from other organisations, so a cell that
 * a spreadsheet would run as a formula starts with an apostrophe, and control characters are dropped.
 */
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
    sources.map((s) => [s.organization, CLASS_WORDS[s.class].label, s.ips.join(' '), s.messages, s.dmarcPass, s.spfAlignedPass, s.dkimAlignedPass, s.fix ?? '']),
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
