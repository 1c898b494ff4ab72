/**
 * Words and numbers for the sending health page: pure functions, no DOM.
 */
import type { HealthFileResult, HealthImportResult, ProviderHealth, RecipientProvider } from '../../../electron/api/types';
import { count, plural } from '../reports/report-words';

export const PROVIDER_LABELS: Record<RecipientProvider, string> = { gmail: 'Gmail', microsoft: 'Microsoft', yahoo: 'Yahoo', apple: 'Apple', other: 'Other providers', unknown: 'Unknown' };

/** Chart colours per provider, each dark enough for text and lines on white (WCAG AA). */
export const PROVIDER_COLOURS: Record<RecipientProvider, string> = { gmail: 'red.8', microsoft: 'blue.8', yahoo: 'violet.8', apple: 'gray.8', other: 'teal.8', unknown: 'orange.9' };

/** A rate (a fraction) as a percentage: two decimals under 1 %, where complaint rates live. */
export function rate(value: number | null): string {
  if (value === null) return '–';
  return `${(value * 100).toFixed(value < 0.01 ? 2 : 1)}%`;
}

/** A rate as the number a chart draws, in percent. */
export const chartPercent = (value: number | null): number | null => (value === null ? null : Math.round(value * 100_000) / 1000);

export { count };

/** What was sent: the messages sent, or those delivered and bounced where an export has no send event. */
export const sentOf = (t: { sent: number; delivered: number; hardBounced: number; softBounced: number }) => Math.max(t.sent, t.delivered + t.hardBounced + t.softBounced);

/** Per day, one field per provider: what a chart with one line per provider takes. */
export function providerSeries(providers: readonly ProviderHealth[], pick: 'complaint' | 'delivery' | 'bounce'): Record<string, string | number | null>[] {
  const days = new Map<string, Record<string, string | number | null>>();
  for (const p of providers) {
    for (const d of p.days) {
      const row = days.get(d.day) ?? { day: d.day };
      row[p.provider] = chartPercent(d[pick]);
      days.set(d.day, row);
    }
  }
  return [...days.values()].sort((a, b) => String(a.day).localeCompare(String(b.day)));
}

/** What a file's lines are: events (the services' event exports) or rows (CSV reports of counts). */
const unitOf = (format: string | null) => (format === 'csv' || format === 'mailchimp' ? 'row' : 'event');

/** One file of an import, in a sentence. */
export function fileSentence(f: HealthFileResult): string {
  if (f.error) return `${f.file}: not read: ${f.error}.`;
  const parts = [`${plural(f.read, unitOf(f.format))} read`, `${count(f.added)} added`];
  if (f.alreadyImported) parts.push('imported before, nothing added');
  else if (f.duplicates > 0) parts.push(`${count(f.duplicates)} imported before`);
  if (f.updated > 0) parts.push(`${plural(f.updated, 'row')} updated`);
  if (f.refusedRows > 0) parts.push(`${plural(f.refusedRows, 'row')} refused`);
  return `${f.file}: ${f.formatName}${f.detected ? ' (told from its content)' : ''}: ${parts.join(', ')}.`;
}

/** An import's totals in a sentence: counted in events, rows, or both as its files are. */
export function totalsSentence(r: HealthImportResult): string {
  const units = new Set(r.files.filter((f) => !f.error).map((f) => unitOf(f.format)));
  const added = units.size === 1 ? plural(r.added, [...units][0]!) : plural(r.added, 'event or row', 'events or rows');
  const updated = r.updated > 0 ? `, ${plural(r.updated, 'row')} updated` : '';
  return `${added} added, ${count(r.duplicates)} imported before${updated}, ${plural(r.refusedRows, 'row')} refused.`;
}

/** Results of several import calls as one. */
export function addHealthImports(a: HealthImportResult, b: HealthImportResult): HealthImportResult {
  const union = (x: string[], y: string[]) => [...new Set([...x, ...y])].sort();
  return {
    files: [...a.files, ...b.files],
    read: a.read + b.read,
    added: a.added + b.added,
    duplicates: a.duplicates + b.duplicates,
    updated: a.updated + b.updated,
    refusedRows: a.refusedRows + b.refusedRows,
    failedFiles: a.failedFiles + b.failedFiles,
    domains: union(a.domains, b.domains),
    ips: union(a.ips, b.ips),
    notLookedUp: a.notLookedUp + b.notLookedUp,
    ...(a.stopped || b.stopped ? { stopped: a.stopped ?? b.stopped } : {}),
  };
}

export const EMPTY_IMPORT: HealthImportResult = { files: [], read: 0, added: 0, duplicates: 0, updated: 0, refusedRows: 0, failedFiles: 0, domains: [], ips: [], notLookedUp: 0 };
