/**
 * The audit result shapes shared by core, api, CLI and renderer.
 *
 * These are a contract: `--json` output, history rows and the UI all carry them unchanged.
 */
import type { FindingCode } from './codes';
import type { DnsQueryRecord } from '../dns/types';

export type Severity = 'critical' | 'warning' | 'info';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** The check that raised it: `mx`, `spf`, `dmarc`. */
  check: string;
  title: string;
  detail: string;
  fix?: string;
  evidence?: string;
  refs?: string[];
}

/** pass: nothing to fix; warn: warnings only; fail: a critical finding; info: informational only; error: the check could not run. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'info' | 'error';

export interface MxHost {
  exchange: string;
  priority: number;
}

export interface MxCheck {
  status: CheckStatus;
  hosts: MxHost[];
  nullMx: boolean;
  /** The DNS error code when the lookup failed (ENODATA, ENOTFOUND, ...). */
  error?: string;
}

export interface SpfTerm {
  /** The term as written. */
  text: string;
  kind: 'mechanism' | 'modifier' | 'invalid';
  qualifier?: '+' | '-' | '~' | '?';
  name: string;
  value?: string;
  /** Terms that cost a DNS lookup under RFC 7208 §4.6.4 (include, a, mx, ptr, exists, redirect). */
  lookup: boolean;
  /** The value carries an RFC 7208 §7 macro and cannot be resolved without a message. */
  macro: boolean;
  error?: string;
}

export interface SpfCheck {
  status: CheckStatus;
  /** The one SPF record, when exactly one was found. */
  record: string | null;
  /** Every TXT record that starts with v=spf1. */
  records: string[];
  terms: SpfTerm[];
  /** DNS-querying terms in this record itself (the include tree is followed in a later version). */
  lookups: number;
  /** The `all` mechanism's qualifier, or null when there is none. */
  all: '+' | '-' | '~' | '?' | null;
  error?: string;
}

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface DmarcWalkStep {
  domain: string;
  /** What the query at `_dmarc.<domain>` found. */
  outcome: 'record' | 'none' | 'multiple' | 'invalid' | 'error';
  error?: string;
}

export interface DmarcCheck {
  status: CheckStatus;
  /** The DMARC record that applies, if any. */
  record: string | null;
  /** Where that record was found (the policy domain). */
  recordDomain: string | null;
  /** The record came from a parent domain by the RFC 9989 tree walk. */
  inherited: boolean;
  /** The organizational domain by the RFC 9989 tree walk (psd tags honoured). */
  organizationalDomain: string;
  /** The policy a receiver applies to mail from the audited domain. */
  policy: DmarcPolicy | null;
  /** Which tag gave the effective policy. */
  policySource: 'p' | 'sp' | 'np' | 'default' | null;
  tags: Record<string, string>;
  walk: DmarcWalkStep[];
  error?: string;
}

export interface AuditChecks {
  mx: MxCheck;
  spf: SpfCheck;
  dmarc: DmarcCheck;
}

export interface AuditResult {
  domain: string;
  startedAt: string;
  durationMs: number;
  score: number;
  grade: string;
  checks: AuditChecks;
  findings: Finding[];
  dns: DnsQueryRecord[];
  /** The resolver the audit used: `system`, or the servers. */
  resolver: string;
  /** The history row this audit was stored as; null when history was off or could not be written. */
  id?: number | null;
  /** Why the audit could not be stored (a full disk, say); the result itself is complete. */
  historyError?: string;
}

export interface AuditProgress {
  domain: string;
  check: keyof AuditChecks;
  state: 'running' | 'done';
  done: number;
  total: number;
}
