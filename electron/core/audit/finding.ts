import { FINDING_CODES, type FindingCode } from './codes';
import type { CheckStatus, Finding, FindingReason, FixRecord, Severity } from './types';

/** Makes a finding whose check and default severity come from the codes module. */
export function finding(
  code: FindingCode,
  words: { title: string; detail: string; fix?: string; fixRecords?: FixRecord[]; evidence?: string; refs?: string[]; severity?: Severity; reason?: FindingReason },
): Finding {
  const info = FINDING_CODES[code];
  const { severity, ...rest } = words;
  return { code, severity: severity ?? info.severity, check: info.check, ...rest };
}

/** A check's status from its findings: the worst severity wins. */
export function statusOf(findings: readonly Finding[]): CheckStatus {
  if (findings.some((f) => f.severity === 'critical')) return 'fail';
  if (findings.some((f) => f.severity === 'warning')) return 'warn';
  if (findings.length > 0) return 'info';
  return 'pass';
}
