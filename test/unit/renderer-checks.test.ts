/**
 * A check that ended in error still shows what it found when it ran partly (the SPF tree with the
 * include that failed, the blocklists that answered); only a check with nothing found hides its panel.
 */
import { describe, expect, it } from 'vitest';
import type { AuditChecks } from '../../electron/core/audit/types';
import { hasDetails } from '../../renderer/src/checks/check-details';

describe('check details', () => {
  it('keeps the SPF tree of an audit whose include failed, and hides nothing-found panels', () => {
    const partly: NonNullable<AuditChecks['spf']> = {
      status: 'error',
      error: 'TXT servfail.spf.test: SERVFAIL',
      record: 'v=spf1 include:servfail.spf.test -all',
      records: ['v=spf1 include:servfail.spf.test -all'],
      terms: [],
      lookups: 1,
      all: '-',
      tree: { domain: 'provider.fail.test', record: 'v=spf1 include:servfail.spf.test -all', terms: [] },
    };
    expect(hasDetails('spf', partly)).toBe(true);
    expect(hasDetails('spf', { status: 'error', error: 'ESERVFAIL', record: null, records: [], terms: [], lookups: 0, all: null })).toBe(false);

    expect(hasDetails('dnsbl', { status: 'error', error: 'blocklist lookups failed: ...', results: [{ target: '127.0.10.3', list: 'Spamhaus ZEN', zone: 'zen.spamhaus.org', listed: false, refused: false, codes: [], meanings: [] }] })).toBe(true);
    expect(hasDetails('dnsbl', { status: 'error', error: 'the MX lookup failed (ESERVFAIL)', results: [] })).toBe(false);
    expect(hasDetails('providers', { status: 'error', error: 'the provider rules catalog could not be read', scorecards: [] })).toBe(false);
    expect(hasDetails('mx', { status: 'error', error: 'ESERVFAIL', hosts: [], nullMx: false })).toBe(false);
    expect(hasDetails('dkim', { status: 'error', error: 's1: SERVFAIL', selectors: [], tried: ['s1'], failed: [{ selector: 's1', error: 'ESERVFAIL' }] })).toBe(true);
  });

  it('reads a row stored without a field as nothing to show, not as a crash', () => {
    expect(hasDetails('ptr', { status: 'error' } as unknown as NonNullable<AuditChecks['ptr']>)).toBe(false);
  });
});
