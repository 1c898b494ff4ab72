/**
 * Every finding code the audit can raise, with its default severity and meaning.
 *
 * Codes are a public contract (scripts match on them, the README lists them, a test pins them):
 * never rename one; add new ones.
 */
import type { Severity } from './types';

export interface CodeInfo {
  severity: Severity;
  check: 'mx' | 'spf' | 'dmarc';
  /** One line for the README and the UI's legend. */
  meaning: string;
}

export const FINDING_CODES = {
  'mx.missing': {
    severity: 'warning',
    check: 'mx',
    meaning: 'The domain publishes no MX record, so mail to it falls back to its address record or bounces.',
  },
  'mx.null': {
    severity: 'info',
    check: 'mx',
    meaning: 'The domain publishes a null MX (RFC 7505): it declares that it accepts no mail.',
  },
  'spf.missing': {
    severity: 'critical',
    check: 'spf',
    meaning: 'No SPF record: receivers cannot tell which servers may send for the domain.',
  },
  'spf.multiple': {
    severity: 'critical',
    check: 'spf',
    meaning: 'More than one SPF record: RFC 7208 §4.5 makes that a permanent error, so SPF fails.',
  },
  'spf.syntax': {
    severity: 'critical',
    check: 'spf',
    meaning: 'The SPF record does not parse (RFC 7208 §4.6): receivers treat it as a permanent error.',
  },
  'dmarc.missing': {
    severity: 'critical',
    check: 'dmarc',
    meaning: 'No DMARC record applies to the domain, not even one inherited from a parent.',
  },
  'dmarc.multiple': {
    severity: 'critical',
    check: 'dmarc',
    meaning: 'More than one DMARC record at one name: receivers discard them all.',
  },
  'dmarc.syntax': {
    severity: 'critical',
    check: 'dmarc',
    meaning: 'The DMARC record has an invalid or unknown tag or value.',
  },
  'dmarc.policy-none': {
    severity: 'warning',
    check: 'dmarc',
    meaning: 'The effective DMARC policy is none: spoofed mail is reported but not stopped.',
  },
} as const satisfies Record<string, CodeInfo>;

export type FindingCode = keyof typeof FINDING_CODES;

export const ALL_CODES = Object.keys(FINDING_CODES) as FindingCode[];
