/**
 * Sorting the batch table by a column.
 *
 * Rows without a result (queued, failed, not run) always go last, whichever the direction: they have
 * nothing to compare, and the audited rows are what the user is ranking.
 */
import type { BatchRow } from './batch-types';

export type SortKey = 'domain' | 'score' | 'grade' | 'critical' | 'warning';
export type SortDir = 'asc' | 'desc';
export interface SortState {
  key: SortKey;
  dir: SortDir;
}

/** A+ before A before A- before B ...: the rank of a grade, best first. */
export function gradeRank(grade: string): number {
  const letter = grade.charAt(0).toUpperCase();
  const base = letter >= 'A' && letter <= 'Z' ? letter.charCodeAt(0) - 65 : 26;
  const mod = grade.charAt(1) === '+' ? 0 : grade.charAt(1) === '-' ? 2 : 1;
  return base * 3 + mod;
}

export function sortRows(rows: readonly BatchRow[], sort: SortState | null): BatchRow[] {
  if (!sort) return [...rows];
  const sign = sort.dir === 'asc' ? 1 : -1;
  const byDomain = (a: BatchRow, b: BatchRow) => a.domain.localeCompare(b.domain);
  return [...rows].sort((a, b) => {
    if (sort.key === 'domain') return sign * byDomain(a, b);
    const ra = a.result;
    const rb = b.result;
    if (!ra || !rb) return ra ? -1 : rb ? 1 : byDomain(a, b);
    let d: number;
    switch (sort.key) {
      case 'score':
        d = ra.score - rb.score;
        break;
      case 'grade':
        d = gradeRank(ra.grade) - gradeRank(rb.grade);
        break;
      case 'critical':
        d = ra.critical - rb.critical;
        break;
      case 'warning':
        d = ra.warning - rb.warning;
        break;
    }
    // Ties keep a stable, readable order: by domain, always ascending.
    return d !== 0 ? sign * d : byDomain(a, b);
  });
}

/** The next sort after a click on a column header: same column flips, a new column starts ascending. */
export function nextSort(current: SortState | null, key: SortKey): SortState {
  if (current?.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: 'asc' };
}
