/**
 * The readable output of `deliverlab health`: what an import read, and the summary's rates,
 * thresholds and findings. Every text from an export (file names, IPs, domains, types) passes
 * through neutraliseAll first.
 */
import type { HealthImportResult, HealthSummary, HealthTotals } from '../api/types';
import type { RecipientProvider } from '../core/health/types';
import { findingLines, type Paint } from './format';
import { table } from './reports-format';
import { neutraliseAll } from './terminal-text';

const n = (value: number) => value.toLocaleString('en-US');
const plural = (count: number, word: string, many = `${word}s`) => `${n(count)} ${count === 1 ? word : many}`;
/** A rate as a percentage, two decimals under 1 % (complaint rates live there). */
export function rate(value: number | null): string {
  if (value === null) return '-';
  // Decided on the rounded figure: 0.009996 is "1.0%", never "1.00%" beside the others' one decimal.
  const percent = value * 100;
  return `${percent.toFixed(Number(percent.toFixed(2)) < 1 ? 2 : 1)}%`;
}
/** What a file's lines are: events (the services' event exports) or rows (CSV reports of counts). */
const unitOf = (format: string | null) => (format === 'csv' || format === 'mailchimp' ? 'row' : 'event');
const PROVIDERS: Record<RecipientProvider, string> = { gmail: 'Gmail', microsoft: 'Microsoft', yahoo: 'Yahoo', apple: 'Apple', other: 'Other', unknown: 'Unknown' };
const sentOf = (t: HealthTotals) => Math.max(t.sent, t.delivered + t.hardBounced + t.softBounced);

/** The unit of an import's total: events, rows, or both when the files mix them. */
function addedUnit(r: HealthImportResult): string {
  const units = new Set(r.files.filter((f) => !f.error).map((f) => unitOf(f.format)));
  return units.size === 1 ? [...units][0]! : 'event or row';
}
const addedWords = (r: HealthImportResult, count: number) => {
  const unit = addedUnit(r);
  return plural(count, unit, unit === 'event or row' ? 'events or rows' : `${unit}s`);
}

export function formatHealthImport(untrusted: HealthImportResult, paint: Paint): string {
  const r = neutraliseAll(untrusted);
  const out: string[] = [];
  for (const f of r.files) {
    if (f.error) {
      out.push(`${paint('bold', f.file)}: ${paint('yellow', 'not read')}: ${f.error}`);
      continue;
    }
    const how = f.detected ? `${f.formatName} (told from its content)` : f.formatName;
    const parts = [`${plural(f.read, unitOf(f.format))} read`, `${n(f.added)} added`];
    if (f.alreadyImported) parts.push(paint('dim', 'imported before: nothing added'));
    else if (f.duplicates > 0) parts.push(`${n(f.duplicates)} imported before`);
    if (f.updated > 0) parts.push(`${plural(f.updated, 'row')} updated`);
    if (f.ignored > 0) parts.push(`${plural(f.ignored, unitOf(f.format))} of a type not counted`);
    if (f.refusedRows > 0) parts.push(paint('yellow', `${plural(f.refusedRows, 'row')} refused`));
    out.push(`${paint('bold', f.file)}: ${how}: ${parts.join(', ')}`);
    for (const x of f.refusals) out.push(`  ${paint('yellow', 'refused')} line ${x.line}: ${x.reason}`);
    if (f.refusedRows > f.refusals.length) out.push(`  ${paint('dim', `and ${n(f.refusedRows - f.refusals.length)} more refused rows`)}`);
    for (const u of f.unknown) {
      const what = u.kind === 'column' ? 'unknown column' : u.kind === 'event-type' ? 'unknown event type' : 'unknown bounce type';
      out.push(`  ${paint('yellow', what)} "${u.name}"${u.kind === 'column' ? '' : ` (${plural(u.count, 'row')})`}: not counted`);
    }
  }
  out.push(
    `${paint('bold', `Added ${addedWords(r, r.added)}`)} from ${plural(r.files.length - r.failedFiles, 'file')}; ${r.duplicates === 0 ? 'none' : n(r.duplicates)} imported before; ` +
      (r.updated > 0 ? `${plural(r.updated, 'row')} updated; ` : '') +
      `${r.refusedRows === 0 && r.failedFiles === 0 ? 'none refused' : paint('yellow', `${plural(r.refusedRows, 'row')} and ${plural(r.failedFiles, 'file')} refused`)}.`,
  );
  if (r.notLookedUp > 0) out.push(paint('dim', `${plural(r.notLookedUp, 'recipient domain')} not looked up (MX): counted under unknown providers.`));
  const addresses = r.ips.filter((ip) => /^[0-9a-f:.]+$/i.test(ip) && /[.:]/.test(ip));
  if (addresses.length > 0) out.push(`Sending IPs found: ${addresses.slice(0, 20).join(', ')}${addresses.length > 20 ? ` and ${n(addresses.length - 20)} more` : ''}. To watch them: deliverlab watch add ${addresses.slice(0, 3).join(' ')}${addresses.length > 3 ? ' ...' : ''}`);
  if (r.stopped) out.push(paint('red', `Stopped: ${r.stopped}`));
  return out.join('\n');
}

export function formatHealthSummary(untrusted: HealthSummary, paint: Paint): string {
  const s = neutraliseAll(untrusted);
  const t = s.totals;
  const out = [`${paint('bold', `Sending health: ${s.domain ?? 'every sending domain'}`)}  ${paint('dim', `${s.since.slice(0, 10)} to ${s.until.slice(0, 10)} (UTC)`)}`];
  if (s.days.length === 0) {
    out.push('  No sending data in this period. Import some: deliverlab health import FILE...');
    return out.join('\n');
  }
  const c = s.thresholds.complaints;
  const b = s.thresholds.bounces;
  out.push(
    `  ${n(sentOf(t))} sent, ${n(t.delivered)} delivered (${rate(t.rates.delivery)}); bounces ${rate(t.rates.bounce)} (hard ${rate(t.rates.hardBounce)}, soft ${rate(t.rates.softBounce)}, unknown users ${rate(t.rates.unknownUsers)}); complaints ${rate(t.rates.complaint)}`,
    `  unsubscribes ${rate(t.rates.unsubscribe)}, opens ${rate(t.rates.open)}${s.opensUnreliable ? paint('dim', ` (unreliable: Apple Mail Privacy Protection opens every image; Apple is ${rate(s.appleShare)} of delivered)`) : ''}, clicks ${rate(t.rates.click)}`,
    paint('dim', `  Thresholds: complaints ${rate(c.target)} target, ${rate(c.limit)} limit (${c.providers.map((p) => PROVIDERS[p]).join(', ')}); bounces ${rate(b.warning)}, ${rate(b.limit)} limit`),
    '',
  );
  const rows = (list: (HealthTotals & { label: string })[]) =>
    list.map((x) => [x.label, n(sentOf(x)), rate(x.rates.delivery), rate(x.rates.bounce), rate(x.rates.complaint), rate(x.rates.unsubscribe), rate(x.rates.open), rate(x.rates.click)]);
  const head = ['sent', 'delivered', 'bounces', 'complaints', 'unsubscribes', 'opens', 'clicks'];
  const right = new Set([1, 2, 3, 4, 5, 6, 7]);
  const over = (x: HealthTotals, column: number) => (column === 4 && (x.rates.complaint ?? 0) > c.limit) || (column === 3 && (x.rates.bounce ?? 0) > b.limit);
  const section = (title: string, list: (HealthTotals & { label: string })[]) => {
    out.push(paint('bold', title));
    out.push(...table([title === 'Providers' ? 'provider' : title === 'Sending domains' ? 'domain' : 'IP or pool', ...head], rows(list), paint, right, (row, col) => (over(list[row] as HealthTotals, col) ? 'red' : undefined)).map((l) => `  ${l}`), '');
  };
  section('Providers', s.providers.map((p) => ({ ...p, label: PROVIDERS[p.provider] })));
  if (s.domain === null) section('Sending domains', s.domains.map((d) => ({ ...d, label: d.domain || '(not named)' })));
  section('Sending IPs', s.ips.map((i) => ({ ...i, label: i.ip || '(not named)' })));
  out.push(paint('bold', s.findings.length === 0 ? 'No findings: under every threshold.' : `Findings (${s.findings.length})`));
  for (const f of s.findings) {
    out.push(...findingLines(f, paint));
    if (f.evidence) out.push(`${' '.repeat(13)}${paint('dim', f.evidence)}`);
  }
  if (s.limitExceeded) out.push('', paint('red', 'A limit is exceeded (complaints 0.3 % or bounces 5 %).'));
  return out.join('\n');
}
