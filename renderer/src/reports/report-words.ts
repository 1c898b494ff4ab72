/**
 * Words, numbers and CSV for the DMARC and TLS reports page: pure functions, no DOM.
 */
import type { ImportResult, Readiness, ReportSource } from '../../../electron/api/types';

export type SourceClass = ReportSource['class'];

/** Each source class as the page names it, with what it means. */
export const CLASS_WORDS: Record<SourceClass, { label: string; meaning: string }> = {
  compliant: { label: 'Compliant', meaning: 'passes DMARC' },
  forwarded: { label: 'Forwarded', meaning: 'a forwarder or mailing list: DKIM survives, SPF does not' },
  misconfigured: { label: 'Misconfigured', meaning: 'legitimate, but not aligned: it needs a fix' },
  unknown: { label: 'Unknown', meaning: 'not recognised: possibly spoofing' },
};

export const CLASS_ORDER: readonly SourceClass[] = ['compliant', 'forwarded', 'misconfigured', 'unknown'];

/** The readiness verdict as the page says it, and its badge's colour. */
export function readinessVerdict(r: Pick<Readiness, 'verdict' | 'next'>): { label: string; color: 'teal' | 'orange' | 'yellow' | 'gray' } {
  if (!r.next) return { label: 'At the strongest policy', color: 'gray' };
  if (r.verdict === 'ready') return { label: 'Ready for the next step', color: 'teal' };
  if (r.verdict === 'cannot-judge') return { label: 'Cannot judge yet', color: 'yellow' };
  return { label: 'Not ready yet', color: 'orange' };
}

/** What the unidentified sources are, when the verdict stands without them. */
export function unidentifiedNote(u: NonNullable<Readiness['unidentified']>): string {
  const causes = [...(u.failed > 0 ? [`the lookup of ${plural(u.failed, "address's name", "addresses' names")} failed`] : []), ...(u.pending > 0 ? [`${plural(u.pending, 'address', 'addresses')} not looked up yet`] : [])];
  return `${plural(u.messages, 'message')} from ${plural(u.addresses, 'address', 'addresses')} could not be identified (${causes.join(', ')}): even if all were your own mail, this answer would stand.`;
}

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

export { tlsPolicyName, tlsResultName } from '../../../electron/shared/tls-words';

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

/** The most files one import call carries: reports.import's own bound (operations.ts, pinned by a test). */
export const MAX_UPLOADED_REPORTS = 1000;

/** The most bytes of files one import call carries: base64 makes them a third larger, and serve takes 100 MB. */
export const MAX_IMPORT_BATCH_BYTES = 60 * 1024 * 1024;

/**
 * Files split into import calls of at most MAX_UPLOADED_REPORTS files and MAX_IMPORT_BATCH_BYTES
 * bytes each (a single larger file goes alone, and the import says what it makes of it).
 */
export function importBatches<F extends { size: number }>(files: readonly F[]): F[][] {
  const batches: F[][] = [];
  let current: F[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= MAX_UPLOADED_REPORTS || bytes + file.size > MAX_IMPORT_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Two imports' results as one. */
export function addImports(a: ImportResult, b: ImportResult): ImportResult {
  return {
    imported: a.imported + b.imported,
    duplicates: a.duplicates + b.duplicates,
    refused: [...a.refused, ...b.refused],
    records: a.records + b.records,
    messages: a.messages + b.messages,
    reports: [...a.reports, ...b.reports],
    ...(b.stopped ? { stopped: b.stopped } : a.stopped ? { stopped: a.stopped } : {}),
  };
}

/** "1 report", "2 reports". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
