/**
 * What every check panel receives; kept apart from the registry so panels do not import it back.
 */
import type { AuditChecks, AuditResult, Finding } from '../../../electron/api/types';

export type CheckId = keyof AuditChecks;

export interface CheckPanelProps<K extends CheckId> {
  data: NonNullable<AuditChecks[K]>;
  /** The findings this check raised. */
  findings: Finding[];
  result: AuditResult;
}
