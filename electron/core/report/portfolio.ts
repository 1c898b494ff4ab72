/**
 * What a report of several domains says before their sections: each domain's grade on one line,
 * and the findings that several domains share, counted by finding code ("7 of 12 domains: DMARC
 * policy is none"), so a consultant sees the fix to roll out everywhere before any one domain.
 */
import type { AuditResult, Finding } from '../audit/types';

export interface PortfolioRow {
  domain: string;
  grade: string;
  score: number;
  critical: number;
  warning: number;
  /** The audit's own start time (ISO), so the overview shows how fresh each grade is. */
  startedAt: string;
}

export interface SharedIssue {
  code: string;
  /** The title of the finding as the first domain that has it words it. */
  title: string;
  severity: Finding['severity'];
  /** The domains with at least one finding of this code, in report order. */
  domains: string[];
}

export interface Portfolio {
  rows: PortfolioRow[];
  /** Codes found in two or more domains: most domains first, then the most severe, then by code. */
  shared: SharedIssue[];
  total: number;
}

const SEVERITY_RANK: Record<Finding['severity'], number> = { critical: 0, warning: 1, info: 2 };

export function portfolio(results: readonly AuditResult[]): Portfolio {
  const rows = results.map((r) => ({
    domain: r.domain,
    grade: r.grade,
    score: r.score,
    critical: r.findings.filter((f) => f.severity === 'critical').length,
    warning: r.findings.filter((f) => f.severity === 'warning').length,
    startedAt: r.startedAt,
  }));
  const byCode = new Map<string, SharedIssue>();
  for (const r of results) {
    for (const f of r.findings) {
      const issue = byCode.get(f.code);
      if (!issue) byCode.set(f.code, { code: f.code, title: f.title, severity: f.severity, domains: [r.domain] });
      // A domain with the same code twice (two MX hosts without an address) counts once.
      else if (!issue.domains.includes(r.domain)) issue.domains.push(r.domain);
    }
  }
  const shared = [...byCode.values()]
    .filter((issue) => issue.domains.length >= 2)
    .sort((a, b) => b.domains.length - a.domains.length || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { rows, shared, total: results.length };
}

/** "7 of 12 domains" */
export const shareWords = (issue: SharedIssue, total: number): string => `${issue.domains.length} of ${total} domains`;
