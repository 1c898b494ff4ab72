/**
 * One domain of a batch, as the results table shows it.
 */
import type { AuditResult } from '../../../electron/api/types';

export type BatchRowState = 'queued' | 'running' | 'done' | 'failed' | 'not-run';

/** What the table and the CSV need of an audit: the full result stays in history. */
export interface BatchRowResult {
  id: number | null;
  score: number;
  grade: string;
  critical: number;
  warning: number;
  /** Finding codes, each once, worst first. */
  codes: string[];
  auditedAt: string;
}

export interface BatchRow {
  domain: string;
  state: BatchRowState;
  result?: BatchRowResult;
  error?: string;
}

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

export function summarizeResult(result: AuditResult): BatchRowResult {
  const findings = [...result.findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  return {
    id: result.id ?? null,
    score: result.score,
    grade: result.grade,
    critical: result.findings.filter((f) => f.severity === 'critical').length,
    warning: result.findings.filter((f) => f.severity === 'warning').length,
    codes: [...new Set(findings.map((f) => f.code))],
    auditedAt: result.startedAt,
  };
}
