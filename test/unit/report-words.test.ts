import { describe, expect, it } from 'vitest';
import { MAX_UPLOADED_REPORTS as API_MAX } from '../../electron/api/operations';
import { addImports, importBatches, MAX_IMPORT_BATCH_BYTES, MAX_UPLOADED_REPORTS, percent, readinessVerdict, reportDomains, tlsPolicyName, tlsResultName, unidentifiedNote } from '../../renderer/src/reports/report-words';

describe('the reports page words and imports', () => {
  it('gives shares with one decimal, and a dash for nothing', () => {
    expect(percent(740, 930)).toBe('79.6%');
    expect(percent(0, 0)).toBe('–');
  });

  it('names TLS policies as people say them', () => {
    expect(tlsPolicyName('sts')).toBe('MTA-STS');
    expect(tlsPolicyName('tlsa')).toBe('DANE');
  });

  it('says when the readiness cannot be judged yet, and what the unidentified sources are', () => {
    const next = { policy: 'quarantine' as const, pct: 25, testing: true, record: null, why: '' };
    expect(readinessVerdict({ verdict: 'cannot-judge', next }).label).toBe('Cannot judge yet');
    expect(readinessVerdict({ verdict: 'ready', next }).label).toBe('Ready for the next step');
    expect(readinessVerdict({ verdict: 'not-ready', next }).label).toBe('Not ready yet');
    expect(readinessVerdict({ verdict: 'not-ready', next: null }).label).toBe('At the strongest policy');
    expect(unidentifiedNote({ messages: 12, failing: 12, addresses: 3, failed: 2, pending: 1 })).toBe(
      "12 messages from 3 addresses could not be identified (the lookup of 2 addresses' names failed, 1 address not looked up yet): even if all were your own mail, this answer would stand.",
    );
  });

  it('words every RFC 8460 result type, and a reporter\'s own type as such', () => {
    expect(tlsResultName('sts-policy-fetch-error')).toBe('The MTA-STS policy could not be fetched');
    expect(tlsResultName('starttls-not-supported')).toBe('The receiving server does not offer STARTTLS');
    expect(tlsResultName('dane-required')).toBe('DANE is required, but the MX host has no DNSSEC-validated TLSA records');
    const rfc8460 = ['starttls-not-supported', 'certificate-host-mismatch', 'certificate-expired', 'certificate-not-trusted', 'validation-failure', 'tlsa-invalid', 'dnssec-invalid', 'dane-required', 'sts-policy-fetch-error', 'sts-policy-invalid', 'sts-webpki-invalid'];
    const words = rfc8460.map(tlsResultName);
    expect(new Set(words).size).toBe(rfc8460.length);
    for (const w of words) expect(w).not.toMatch(/Other failure|^[a-z-]+$/);
    expect(tlsResultName('x-vendor-oddity')).toBe("Other failure (the reporter's own type)");
    expect(tlsResultName('toString')).toBe("Other failure (the reporter's own type)");
  });

  it('lists each domain once, TLS reports naming several', () => {
    expect(reportDomains([{ domain: 'b.test' }, { domain: 'a.test,B.test' }])).toEqual(['a.test', 'b.test']);
  });

  it('splits a large selection into calls the import takes, and adds their results up', () => {
    expect(MAX_UPLOADED_REPORTS).toBe(API_MAX);
    const small = Array.from({ length: 2500 }, () => ({ size: 10 }));
    expect(importBatches(small).map((b) => b.length)).toEqual([1000, 1000, 500]);
    const big = [{ size: MAX_IMPORT_BATCH_BYTES - 5 }, { size: 10 }, { size: MAX_IMPORT_BATCH_BYTES * 2 }, { size: 1 }];
    expect(importBatches(big).map((b) => b.map((f) => f.size))).toEqual([[MAX_IMPORT_BATCH_BYTES - 5], [10], [MAX_IMPORT_BATCH_BYTES * 2], [1]]);
    const one = { imported: 2, duplicates: 1, refused: [{ file: 'a', reason: 'r', code: 'not-xml' as const }], records: 9, messages: 930, reports: [] };
    expect(addImports(one, { ...one, refused: [], stopped: 'the disk is full' })).toEqual({ imported: 4, duplicates: 2, refused: one.refused, records: 18, messages: 1860, reports: [], stopped: 'the disk is full' });
  });
});
