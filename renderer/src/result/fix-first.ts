/**
 * "Fix these first" as the result page shows it: the api's ranked items (the reports' own ranking
 * and words, electron/core/report/prioritize.ts) turned into rows. Pure: test/unit/renderer-fix-first.test.ts.
 */
import type { PriorityItem } from '../../../electron/api/operations';
import type { Severity } from '../../../electron/api/types';
import { findingFix } from '../app-words';

/** How many items the page shows before "Show all": the top of the list is the point of it. */
export const FIX_FIRST_SHOWN = 5;

export interface FixFirstRow {
  key: string;
  /** The check whose section the row jumps to. */
  check: string;
  severity: Severity;
  /** The findings' titles, joined as the reports join them. */
  title: string;
  /** What it breaks, in the reports' words. */
  impactLabel: string;
  /** The codes it resolves, each once. */
  codes: string[];
  fix?: string;
}

export function fixFirstRows(items: readonly PriorityItem[], domain: string): FixFirstRow[] {
  return items.map((item, index) => {
    const codes = [...new Set(item.findings.map((f) => f.code))];
    // The findings of one item share one fix; the app's words replace it where the core's names a CLI flag.
    const [first] = item.findings;
    const fix = (first ? findingFix(first, domain) : undefined) ?? item.fix;
    return {
      key: `${index}\u0000${item.check}\u0000${codes.join(',')}`,
      check: item.check,
      severity: item.severity,
      title: item.title,
      impactLabel: item.impactLabel,
      codes,
      ...(fix ? { fix } : {}),
    };
  });
}
