/**
 * The audit score: 100 less a documented weight per finding, floored at 0.
 *
 * Weights (README "Score"): critical 25, warning 8, info 0. Grades: A from 90, B from 75, C from 60,
 * D from 40, F below.
 */
import type { Finding, Severity } from './types';

export const SEVERITY_WEIGHTS: Record<Severity, number> = { critical: 25, warning: 8, info: 0 };

export function scoreFindings(findings: readonly Finding[]): { score: number; grade: string } {
  const lost = findings.reduce((sum, f) => sum + SEVERITY_WEIGHTS[f.severity], 0);
  const score = Math.max(0, 100 - lost);
  const grade = score >= 90 ? 'A' : score >= 75 ? 'B' : score >= 60 ? 'C' : score >= 40 ? 'D' : 'F';
  return { score, grade };
}
