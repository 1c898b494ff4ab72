import { describe, expect, it } from 'vitest';
import { checkProviders, PROVIDER_RULES, scorecards, type Evidence, type RuleTest } from '../../electron/core/audit/providers';
import type { AuditContext } from '../../electron/core/audit/context';
import type { DkimCheck, DmarcCheck, ProviderScorecard, PtrCheck, SmtpCheck, SpfCheck } from '../../electron/core/audit/types';

const TESTS: RuleTest[] = ['spf', 'dkim', 'spf-or-dkim', 'spf-and-dkim', 'dmarc-published', 'dmarc-alignment', 'ptr', 'tls', 'spam-rate', 'format', 'unsubscribe', 'sender-address', 'list-hygiene'];

const spfOk: SpfCheck = { status: 'pass', record: 'v=spf1 ip4:192.0.2.0/24 -all', records: ['v=spf1 ip4:192.0.2.0/24 -all'], terms: [], lookups: 0, all: '-' };
const spfNone: SpfCheck = { status: 'fail', record: null, records: [], terms: [], lookups: 0, all: null };
const dmarcBase = { recordDomain: 'example.test', inherited: false, organizationalDomain: 'example.test', tags: {}, walk: [] };
const dmarcNone: DmarcCheck = { ...dmarcBase, status: 'warn', record: 'v=DMARC1; p=none', policy: 'none', policySource: 'p' };
const dmarcMissing: DmarcCheck = { ...dmarcBase, status: 'fail', record: null, recordDomain: null, policy: null, policySource: null };
const dkimFound: DkimCheck = { status: 'pass', selectors: [{ selector: 's1', keyType: 'rsa', keyBits: 2048, testing: false, revoked: false }], tried: ['s1'] };
const dkimNone: DkimCheck = { status: 'warn', selectors: [], tried: ['default', 'google', 's1'] };
const ptrSending = (forwardConfirmed: boolean): PtrCheck => ({
  status: forwardConfirmed ? 'pass' : 'warn',
  addresses: [{ ip: '192.0.2.1', source: 'sending', ptr: forwardConfirmed ? ['out.example.test'] : [], forwardConfirmed }],
});
const ptrMxOnly: PtrCheck = { status: 'pass', addresses: [{ ip: '192.0.2.9', source: 'mx', host: 'mx.example.test', ptr: ['mx.example.test'], forwardConfirmed: true }] };

const item = (cards: ProviderScorecard[], id: string) => cards.flatMap((c) => c.items).find((i) => i.id === id);

describe('provider rules data', () => {
  it('has the Gmail, Yahoo and Outlook.com scorecards, each with its source page and date', () => {
    expect(PROVIDER_RULES.scorecards.map((c) => `${c.provider}/${c.audience}`)).toEqual(['google/all', 'google/bulk', 'yahoo/all', 'yahoo/bulk', 'microsoft/bulk']);
    for (const card of PROVIDER_RULES.scorecards) {
      expect(card.source.url).toMatch(/^https:\/\//);
      expect(card.source.effective).toMatch(/^20\d\d-\d\d-\d\d$/);
      expect(card.title).toBeTruthy();
    }
    expect(PROVIDER_RULES.scorecards.find((c) => c.provider === 'microsoft')?.source.effective).toBe('2025-05-05');
  });

  it('gives every item a unique id, a requirement and a test this module evaluates', () => {
    const ids = PROVIDER_RULES.scorecards.flatMap((c) => c.items.map((i) => i.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const i of PROVIDER_RULES.scorecards.flatMap((c) => c.items)) {
      expect(TESTS, i.id).toContain(i.test);
      expect(i.requirement, i.id).toMatch(/\w{3,}/);
    }
  });
});

describe('scorecards', () => {
  it('passes what DNS can show for a well-configured domain and says why the rest is not observable', () => {
    const cards = scorecards({ domain: 'example.test', spf: spfOk, dmarc: dmarcNone, dkim: dkimFound, ptr: ptrSending(true) });
    expect(item(cards, 'google.all.spf-or-dkim')?.result).toBe('pass');
    expect(item(cards, 'google.bulk.spf-and-dkim')?.result).toBe('pass');
    // p=none is enough for the bulk-sender rules.
    expect(item(cards, 'google.bulk.dmarc')).toMatchObject({ result: 'pass', why: expect.stringMatching(/policy none/) });
    expect(item(cards, 'yahoo.bulk.ptr')?.result).toBe('pass');
    expect(item(cards, 'microsoft.bulk.dkim')).toMatchObject({ result: 'pass', why: expect.stringMatching(/s1\._domainkey\.example\.test \(rsa 2048\)/) });
    expect(item(cards, 'google.bulk.dmarc-alignment')).toMatchObject({ result: 'not-observable', why: expect.stringMatching(/Authentication-Results/) });
    expect(item(cards, 'google.bulk.unsubscribe')).toMatchObject({ result: 'not-observable', why: expect.stringMatching(/RFC 8058/) });
    expect(item(cards, 'google.all.spam-rate')).toMatchObject({ result: 'not-observable', why: expect.stringMatching(/Postmaster Tools/) });
    expect(item(cards, 'yahoo.all.spam-rate')?.why).toMatch(/Feedback Loop/);
    expect(item(cards, 'google.all.format')?.result).toBe('not-observable');
    for (const card of cards) for (const i of card.items) expect(i.why, i.id).toBeTruthy();
  });

  it('fails what a bare domain lacks', () => {
    const cards = scorecards({ domain: 'bare.test', spf: spfNone, dmarc: dmarcMissing, dkim: dkimNone, ptr: ptrSending(false) });
    expect(item(cards, 'google.all.spf-or-dkim')).toMatchObject({ result: 'fail', why: expect.stringMatching(/no SPF record.*3 selectors tried/) });
    expect(item(cards, 'yahoo.bulk.spf-and-dkim')?.result).toBe('fail');
    expect(item(cards, 'google.bulk.dmarc')).toMatchObject({ result: 'fail', why: expect.stringMatching(/dmarc\.missing/) });
    expect(item(cards, 'google.all.ptr')).toMatchObject({ result: 'fail', why: expect.stringMatching(/192\.0\.2\.1 \(no PTR\)/) });
    expect(item(cards, 'google.bulk.dmarc-alignment')?.why).toMatch(/do not evaluate alignment/);
  });

  it('needs both SPF and DKIM for bulk senders, either for all senders', () => {
    const cards = scorecards({ domain: 'example.test', spf: spfOk, dmarc: dmarcNone, dkim: dkimNone });
    expect(item(cards, 'google.all.spf-or-dkim')?.result).toBe('pass');
    expect(item(cards, 'google.bulk.spf-and-dkim')?.result).toBe('fail');
    expect(item(cards, 'microsoft.bulk.dkim')?.why).toMatch(/--selectors/);
  });

  it('says DKIM is not observable when discovery did not run, and never turns that into a pass', () => {
    const e: Evidence = { domain: 'example.test', spf: spfNone, dmarc: dmarcNone };
    const cards = scorecards(e);
    expect(item(cards, 'microsoft.bulk.dkim')).toMatchObject({ result: 'not-observable', why: expect.stringMatching(/not part of this audit/) });
    expect(item(cards, 'google.all.spf-or-dkim')?.result).toBe('not-observable');
    expect(item(cards, 'google.bulk.spf-and-dkim')?.result).toBe('fail');
    const failedLookups = scorecards({ ...e, dkim: { ...dkimNone, failed: [{ selector: 'google', error: 'ETIMEOUT' }] } });
    expect(item(failedLookups, 'microsoft.bulk.dkim')).toMatchObject({ result: 'not-observable', why: expect.stringMatching(/google/) });
  });

  it('cannot judge reverse DNS without --sending-ip, but reports what the MX addresses show', () => {
    const cards = scorecards({ domain: 'example.test', ptr: ptrMxOnly });
    expect(item(cards, 'google.all.ptr')).toMatchObject({ result: 'not-observable', why: expect.stringMatching(/--sending-ip.*1 of 1 have forward-confirmed/) });
  });

  it('reports what the MX probe saw for TLS, without claiming the outgoing side', () => {
    const smtp: SmtpCheck = {
      status: 'pass',
      hosts: [
        { host: 'mx1.example.test', address: '192.0.2.5', port: 25, starttls: true, tls: { version: 'TLSv1.3', cipher: 'x', certificate: { subject: '', issuer: '', validFrom: '', validTo: '', names: [], nameMatch: true, chainValid: true } }, timings: {} },
        { host: 'mx2.example.test', address: '192.0.2.6', port: 25, starttls: false, timings: {} },
      ],
    };
    expect(item(scorecards({ domain: 'example.test', smtp }), 'google.all.tls')).toMatchObject({ result: 'not-observable', why: expect.stringMatching(/1 of 2 MX hosts probed offer STARTTLS \(TLSv1\.3\)/) });
    expect(item(scorecards({ domain: 'example.test' }), 'google.all.tls')?.why).toMatch(/SMTP probing is not part of this audit/);
    expect(item(scorecards({ domain: 'example.test', smtp: { status: 'skipped', skipped: '--skip smtp', hosts: [] } }), 'google.all.tls')?.why).toMatch(/--skip smtp/);
  });

  it('does not judge records whose lookup failed', () => {
    const cards = scorecards({ domain: 'example.test', spf: { ...spfNone, status: 'error', error: 'ESERVFAIL' }, dmarc: { ...dmarcMissing, status: 'error', error: 'ETIMEOUT' } });
    expect(item(cards, 'microsoft.bulk.spf')).toMatchObject({ result: 'not-observable', why: expect.stringMatching(/ESERVFAIL/) });
    expect(item(cards, 'microsoft.bulk.dmarc')).toMatchObject({ result: 'not-observable', why: expect.stringMatching(/ETIMEOUT/) });
  });

  it('fails SPF that exists but is broken, and DMARC that gives no policy', () => {
    const cards = scorecards({
      domain: 'example.test',
      spf: { ...spfOk, records: ['v=spf1 -all', 'v=spf1 mx -all'], record: null, status: 'fail' },
      dmarc: { ...dmarcMissing, record: 'v=DMARC1; p=block', status: 'fail' },
    });
    expect(item(cards, 'microsoft.bulk.spf')).toMatchObject({ result: 'fail', why: expect.stringMatching(/2 SPF records/) });
    expect(item(cards, 'microsoft.bulk.dmarc')).toMatchObject({ result: 'fail', why: expect.stringMatching(/no valid policy/) });
  });
});

describe('checkProviders', () => {
  it('treats checks that are not registered as not observable instead of failing', async () => {
    const results: Record<string, unknown> = { spf: spfOk, dmarc: dmarcNone, ptr: ptrMxOnly, mx: { status: 'pass', hosts: [], nullMx: false } };
    const ctx = {
      domain: 'example.test',
      options: {},
      skipped: () => false,
      // Like run.ts: need() throws at once for a check that is not registered.
      need: (id: string) => {
        if (!(id in results)) throw new Error(`no check "${id}" is registered`);
        return Promise.resolve(results[id]);
      },
    } as unknown as AuditContext;
    const out = await checkProviders(ctx);
    expect(out.findings).toEqual([]);
    // SPF and DMARC pass, nothing fails: unknown DKIM does not make it a warning.
    expect(out.check.status).toBe('pass');
    expect(item(out.check.scorecards, 'microsoft.bulk.dkim')).toMatchObject({ result: 'not-observable', why: expect.stringMatching(/not part of this audit/) });
    expect(item(out.check.scorecards, 'google.bulk.spf-and-dkim')?.result).toBe('not-observable');
    expect(item(out.check.scorecards, 'google.all.tls')?.why).toMatch(/SMTP probing is not part of this audit/);
  });

  it('says info when nothing could be judged', async () => {
    const ctx = { domain: 'example.test', options: {}, skipped: () => false, need: () => Promise.reject(new Error('down')) } as unknown as AuditContext;
    const out = await checkProviders(ctx);
    expect(out.check.status).toBe('info');
    expect(out.check.scorecards.flatMap((c) => c.items).every((i) => i.result === 'not-observable')).toBe(true);
  });
});
