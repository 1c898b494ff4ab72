import { FINDING_CODES, type FindingCode, type MessageArea } from './codes';
import type { CheckId, CheckStatus, Finding, Severity } from './types';

/**
 * The check or message area each code belongs to, as codes.ts lists them.
 *
 * Checked here, not in codes.ts: types.ts imports the codes, so codes.ts cannot import CheckId back.
 * A code naming an unknown check fails to compile on this line.
 */
export type CodeCheck = KnownCheck<(typeof FINDING_CODES)[FindingCode]['check']>;
type KnownCheck<C extends CheckId | MessageArea> = C;

/** Makes a finding whose check and default severity come from the codes module. */
export function finding(
  code: FindingCode,
  words: { title: string; detail: string; fix?: string; evidence?: string; refs?: string[]; severity?: Severity },
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
