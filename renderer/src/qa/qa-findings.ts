/**
 * The design QA result as the page lays it out: findings by kind, the client families by name, and
 * the summary a send keeps.
 */
import type { ClientFamily, QaFinding, QaResult, QaSummary, Severity } from '../../../electron/api/types';

export type FindingGroup = 'compat' | 'a11y' | 'content' | 'size' | 'links';

/** The groups in the order the page shows them, with their headings. */
export const GROUPS: readonly { id: FindingGroup; title: string }[] = [
  { id: 'compat', title: 'Client compatibility' },
  { id: 'a11y', title: 'Accessibility' },
  { id: 'content', title: 'Content' },
  { id: 'size', title: 'Size' },
  { id: 'links', title: 'Links and images' },
];

/** Which group a finding code belongs to; the codes that are about weight go under Size. */
export function groupOf(code: string): FindingGroup {
  if (code.startsWith('compat.')) return 'compat';
  if (code.startsWith('a11y.')) return 'a11y';
  if (code === 'content.gmail-clipping' || code === 'image.heavy' || code === 'image.total-weight') return 'size';
  // The link domains' blocklist lookups run with the link check, so their findings sit beside it.
  if (code.startsWith('link.') || code.startsWith('image.') || code === 'content.listed-domain' || code === 'content.link-lookup-failed') return 'links';
  return 'content';
}

export function groupFindings(findings: readonly QaFinding[]): Record<FindingGroup, QaFinding[]> {
  const out: Record<FindingGroup, QaFinding[]> = { compat: [], a11y: [], content: [], size: [], links: [] };
  for (const finding of findings) out[groupOf(finding.code)].push(finding);
  return out;
}

/** The client families as people name them (the engine's FAMILIES, in the app's words). */
export const FAMILY_NAMES: Record<ClientFamily, string> = {
  gmail: 'Gmail',
  outlook: 'Outlook',
  apple: 'Apple Mail',
  yahoo: 'Yahoo Mail',
  samsung: 'Samsung Email',
  thunderbird: 'Thunderbird',
};
export const FAMILY_ORDER = Object.keys(FAMILY_NAMES) as ClientFamily[];

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** The counts by severity and the codes (each once, worst first) of a result: what a send keeps. */
export function qaSummary(result: Pick<QaResult, 'file' | 'findings'>, checkedAt: string): QaSummary {
  const counts = { critical: 0, warning: 0, info: 0 };
  const worst = new Map<string, number>();
  for (const finding of result.findings) {
    counts[finding.severity]++;
    const rank = SEVERITY_RANK[finding.severity];
    worst.set(finding.code, Math.min(worst.get(finding.code) ?? rank, rank));
  }
  const codes = [...worst.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([code]) => code);
  return { file: result.file, checkedAt, counts, codes: codes.slice(0, 200) };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "1 critical, 2 warnings, no information" in words. */
export function countWords(counts: QaSummary['counts']): string {
  const parts = [counts.critical ? plural(counts.critical, 'critical', 'critical') : null, counts.warning ? plural(counts.warning, 'warning', 'warnings') : null, counts.info ? `${counts.info} info` : null].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no findings';
}
