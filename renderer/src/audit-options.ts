/**
 * What the user chose to leave out of an audit, and what to add: remembered between runs.
 *
 * SMTP probing is the part most often blocked (many networks block outbound port 25), so it can be
 * turned off; the choice sticks, because it is a property of where the user works.
 */
import type { OpInput } from '../../electron/api/operations';

export type AuditRunInput = OpInput<'audit.run'>;
export type SkipArea = 'smtp' | 'http' | 'dnsbl';

export interface AuditOptions {
  /** Areas to leave out. */
  skip: SkipArea[];
  /** Extra DKIM selectors, as typed (comma or space separated). */
  selectors: string;
  /** Sending IPs, as typed (comma or space separated). */
  sendingIps: string;
}

export const DEFAULT_AUDIT_OPTIONS: AuditOptions = { skip: [], selectors: '', sendingIps: '' };

const STORAGE_KEY = 'deliverlab.audit-options';
const AREAS: readonly SkipArea[] = ['smtp', 'http', 'dnsbl'];

export function loadAuditOptions(): AuditOptions {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<AuditOptions> | null;
    if (!raw || typeof raw !== 'object') return DEFAULT_AUDIT_OPTIONS;
    return {
      skip: Array.isArray(raw.skip) ? AREAS.filter((area) => raw.skip?.includes(area)) : [],
      selectors: typeof raw.selectors === 'string' ? raw.selectors : '',
      sendingIps: typeof raw.sendingIps === 'string' ? raw.sendingIps : '',
    };
  } catch {
    // Storage off or a corrupt value: start from the defaults rather than fail the page.
    return DEFAULT_AUDIT_OPTIONS;
  }
}

export function saveAuditOptions(options: AuditOptions): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(options));
  } catch {
    // Not remembering is fine; the audit still runs with what is on screen.
  }
}

function list(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The options as the api's audit.run input takes them; empty parts are left out. */
export function auditInput(domain: string, runId: string, options: AuditOptions): AuditRunInput {
  const selectors = list(options.selectors);
  const sendingIps = list(options.sendingIps);
  return {
    domain,
    runId,
    ...(options.skip.length > 0 ? { skip: [...options.skip] } : {}),
    ...(selectors.length > 0 ? { selectors } : {}),
    ...(sendingIps.length > 0 ? { sendingIps } : {}),
  };
}
