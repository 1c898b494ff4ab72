/**
 * A design QA finding: the project's finding with the lines of the HTML it applies to.
 */
import type { FindingCode } from '../audit/codes';
import { finding } from '../audit/finding';
import type { QaFinding } from './types';

/** Lines a finding lists; the first is its `line`. */
export const MAX_FINDING_LINES = 50;

export function qaFinding(code: FindingCode, words: Parameters<typeof finding>[1], lines: readonly number[] = []): QaFinding {
  const sorted = [...new Set(lines)].sort((a, b) => a - b).slice(0, MAX_FINDING_LINES);
  const out: QaFinding = finding(code, words);
  if (sorted.length > 0) {
    out.line = sorted[0] as number;
    out.lines = sorted;
  }
  return out;
}

/** Text for a finding: white space collapsed, cut at `max` characters with an ellipsis. */
export function sample(text: string, max = 60): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** "line 3", "lines 3, 7 and 12", "lines 3, 7, 12 and 40 more". */
export function lineList(lines: readonly number[], shown = 5): string {
  const unique = [...new Set(lines)].sort((a, b) => a - b);
  if (unique.length === 1) return `line ${unique[0]}`;
  const head = unique.slice(0, shown);
  if (unique.length > shown) return `lines ${head.join(', ')} and ${unique.length - shown} more`;
  return `lines ${head.slice(0, -1).join(', ')} and ${head[head.length - 1]}`;
}
