import { describe, expect, it } from 'vitest';
import { DnsError, type DnsSession } from '../../electron/core/dns/session';
import { messageReadiness, READINESS_WEIGHTS } from '../../electron/core/message/readiness';
import type { MessageAnalysis } from '../../electron/core/message/types';
import type { SpamFilterResult } from '../../electron/core/spam/types';

/**
 * A DNS session that answers blocklist queries from a table: a name in `listed` answers its
 * address, a name in `failing` fails with that code, anything else does not exist (not listed).
 * Every list's test entry answers as listed (RFC 5782 §5: 127.0.0.2 and TEST) unless `testEntries`
 * is false: a resolver that knows nothing of the lists.
 */
function answering(listed: Record<string, string> = {}, failing: Record<string, string> = {}, testEntries = true): DnsSession & { asked: string[] } {
  const asked: string[] = [];
  const resolve = (name: string, type = 'A') => {
    asked.push(name);
    if (failing[name]) return Promise.reject(new DnsError(failing[name] as string, name, type));
    if (listed[name]) return Promise.resolve([listed[name]]);
    if (testEntries && name.startsWith('2.0.0.127.')) return Promise.resolve(['127.0.0.2']);
    if (testEntries && (name.startsWith('test.') || name.startsWith('dbltest.com.'))) return Promise.resolve(name.endsWith('.dbl.spamhaus.org') ? ['127.0.1.2'] : ['127.0.0.8']);
    return Promise.reject(new DnsError('ENOTFOUND', name, type));
  };
  return { resolve, asked } as unknown as DnsSession & { asked: string[] };
}

/** A received message that authenticates, from 192.0.2.10, linking to example.org: every part passes. */
function analysis(over: Partial<MessageAnalysis> = {}): MessageAnalysis {
  return {
    sha256: 'x',
    size: 1000,
    headersOnly: false,
    analysedAt: '2026-03-01T10:00:00.000Z',
    durationMs: 1,
    summary: { subject: 'Hello', from: 'a@example.org', fromDomain: 'example.org', to: ['b@example.net'], date: null, messageId: '<m@example.org>', bulk: false },
    envelope: { ip: '192.0.2.10', helo: 'mail.example.org', mailFrom: 'a@example.org', source: 'received', trustedHop: 0, explanation: '' },
    auth: {
      spf: { result: 'pass', domain: 'example.org' },
      dkim: [{ domain: 'example.org', selector: 's1', result: 'pass', aligned: true }],
      dmarc: { result: 'pass', policy: 'reject', domain: 'example.org', alignment: { spf: true, dkim: true } },
      arc: { result: 'none', instances: 0 },
    },
    receiver: { authServId: null, results: [], arcAuthenticationResults: [], differences: [] },
    hops: [],
    transitSeconds: null,
    content: { textPart: true, htmlPart: true, htmlTransferBytes: 100, links: [{ href: 'https://www.example.org/a', text: 'a', domain: 'www.example.org' }], images: [], attachments: [] },
    findings: [],
    providers: [{ provider: 'google', audience: 'all', title: 'Gmail', items: [{ id: 'spf', requirement: 'SPF or DKIM', result: 'pass', why: 'ok' }] as never }],
    dns: [],
    ...over,
  };
}

const sa = (over: Partial<Extract<SpamFilterResult, { verdict: 'spam' | 'ham' }>> = {}): SpamFilterResult => ({
  filter: 'spamassassin',
  version: '4.0.1',
  score: 1,
  threshold: 5,
  verdict: 'ham',
  rules: [],
  ...over,
});

describe('readiness summary', () => {
  it('weighs 10 points in all, item by item', async () => {
    expect(Object.values(READINESS_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(10);
    for (const spam of [undefined, [sa()], [sa(), { filter: 'rspamd', verdict: 'error', error: 'connection refused' } as const]]) {
      const r = await messageReadiness(analysis(spam ? { spam } : {}), { dns: answering() });
      expect(r.outOf).toBe(10);
      expect(r.items.reduce((sum, i) => sum + i.weight, 0)).toBeCloseTo(10, 10);
    }
  });

  it('scores a clean message 10, and says the spam filters were not run rather than passed', async () => {
    const dns = answering();
    const r = await messageReadiness(analysis(), { dns });
    expect(r.score).toBe(10);
    expect(r.unchecked).toBe(2);
    const filters = r.items.find((i) => i.area === 'spam-filters');
    expect(filters).toMatchObject({ label: 'Spam filters', status: 'not-run', weight: 2, deduction: 0 });
    expect(filters?.detail).toMatch(/unknown, not a pass/);
    expect(r.items.filter((i) => i.area !== 'spam-filters').every((i) => i.status === 'pass')).toBe(true);
    expect(r.explanation).toBe('10 of 10: nothing took points off; 2 points not checked (Spam filters: not run), so the score is at best as good as it looks.');
    // The sending IP on the IP lists, the link's registrable domain on the domain lists.
    expect(dns.asked).toEqual(expect.arrayContaining(['10.2.0.192.zen.spamhaus.org', 'example.org.dbl.spamhaus.org']));
  });

  it('reports a failed blocklist lookup as an error, never a pass, and takes nothing off', async () => {
    const r = await messageReadiness(analysis(), { dns: answering({}, { '10.2.0.192.zen.spamhaus.org': 'ETIMEOUT', 'example.org.dbl.spamhaus.org': 'ESERVFAIL' }) });
    const ip = r.items.find((i) => i.label === 'Sending IP');
    expect(ip).toMatchObject({ status: 'error', deduction: 0 });
    expect(ip?.detail).toMatch(/^1 of 6 lookups of The sending IP 192\.0\.2\.10 did not answer \(Spamhaus ZEN: ETIMEOUT\): the result is unknown, not clean\.$/);
    expect(r.items.find((i) => i.label === 'Link domains')).toMatchObject({ status: 'error', deduction: 0 });
    expect(r.unchecked).toBe(4);
  });

  it('never passes through a resolver that answers NXDOMAIN for every name: the lists\' test entries are missing', async () => {
    const dns = answering({}, {}, false);
    const r = await messageReadiness(analysis(), { dns });
    const ip = r.items.find((i) => i.label === 'Sending IP');
    expect(ip).toMatchObject({ status: 'error', deduction: 0 });
    expect(ip?.detail).toBe(
      '6 of 6 lookups of The sending IP 192.0.2.10 cannot be trusted (Spamhaus ZEN, SpamCop, Barracuda Reputation Block List, Passive Spam Block List (PSBL), Mailspike Blacklist, UCEPROTECT Level 1 did not list their own test entries through this resolver: their answers cannot be trusted): the result is unknown, not clean.',
    );
    expect(ip?.fix).toBe('Check again through a resolver the lists accept (your own recursive resolver, not a public or filtered one), or with a Spamhaus DQS key.');
    expect(r.items.find((i) => i.label === 'Link domains')).toMatchObject({ status: 'error', deduction: 0 });
    expect(r.unchecked).toBe(4);
    // One question per list for its test entry.
    expect(dns.asked.filter((n) => n === '2.0.0.127.zen.spamhaus.org' || n === 'dbltest.com.dbl.spamhaus.org')).toHaveLength(2);
  });

  it('names the one list whose test entry is missing, and keeps a listing on it a listing', async () => {
    const dns = answering({ '10.2.0.192.zen.spamhaus.org': '127.0.0.2', '2.0.0.127.zen.spamhaus.org': '127.255.255.254' });
    const r = await messageReadiness(analysis(), { dns });
    expect(r.items.find((i) => i.label === 'Sending IP')).toMatchObject({ status: 'fail', deduction: 1 });
    const spamcop = await messageReadiness(analysis(), { dns: answering({}, { '2.0.0.127.bl.spamcop.net': 'ENOTFOUND' }) });
    expect(spamcop.items.find((i) => i.label === 'Sending IP')?.detail).toBe(
      '1 of 6 lookups of The sending IP 192.0.2.10 cannot be trusted (SpamCop did not list its own test entry through this resolver: its answers cannot be trusted): the result is unknown, not clean.',
    );
    expect(spamcop.items.find((i) => i.label === 'Link domains')).toMatchObject({ status: 'pass' });
  });

  it('takes a point off for a listed sending IP and a listed link domain, with the delisting page', async () => {
    const r = await messageReadiness(analysis(), { dns: answering({ '10.2.0.192.zen.spamhaus.org': '127.0.0.2', 'example.org.dbl.spamhaus.org': '127.0.1.2' }) });
    const ip = r.items.find((i) => i.label === 'Sending IP');
    expect(ip).toMatchObject({ status: 'fail', weight: 1, deduction: 1 });
    expect(ip?.detail).toMatch(/^Listed: 192\.0\.2\.10 on Spamhaus ZEN/);
    expect(ip?.fix).toMatch(/delisting: https:\/\/check\.spamhaus\.org\//);
    expect(r.items.find((i) => i.label === 'Link domains')).toMatchObject({ status: 'fail', deduction: 1 });
    expect(r.score).toBe(8);
  });

  it('reads the spam filters\' verdicts: spam fails, near the threshold warns, an error is an error', async () => {
    const r = await messageReadiness(
      analysis({
        spam: [
          sa({ verdict: 'spam', score: 7.5, rules: [{ name: 'BAYES_99', score: 3.5, description: 'Bayes spam probability is 99 to 100%', group: 'bayes' }] }),
          { filter: 'rspamd', verdict: 'error', error: 'rspamd did not answer within 5000 ms' },
        ],
      }),
      { dns: answering() },
    );
    const [spamassassin, rspamd] = r.items.filter((i) => i.area === 'spam-filters');
    expect(spamassassin).toMatchObject({ label: 'SpamAssassin', status: 'fail', weight: 1, deduction: 1 });
    expect(spamassassin?.detail).toContain('BAYES_99 (3.5)');
    expect(rspamd).toMatchObject({ label: 'rspamd', status: 'error', weight: 1, deduction: 0 });
    expect(r.score).toBe(9);
    expect(r.unchecked).toBe(1);
    const near = await messageReadiness(analysis({ spam: [sa({ score: 3 })] }), { dns: answering() });
    expect(near.items.find((i) => i.area === 'spam-filters')).toMatchObject({ status: 'warn', weight: 2, deduction: 1 });
  });

  it('marks what a draft cannot show as not run: no sending IP, no SPF', async () => {
    const draft = analysis({ envelope: { ip: null, helo: null, mailFrom: null, source: 'none', trustedHop: null, explanation: '' }, auth: { ...analysis().auth, spf: { result: 'none', domain: null } } });
    const r = await messageReadiness(draft, { dns: answering() });
    expect(r.items.find((i) => i.label === 'SPF')).toMatchObject({ status: 'not-run', deduction: 0 });
    expect(r.items.find((i) => i.label === 'Sending IP')).toMatchObject({ status: 'not-run' });
  });

  it('takes points off for authentication, lint and the bulk-sender rules, and explains them', async () => {
    const r = await messageReadiness(
      analysis({
        summary: { ...analysis().summary, bulk: true },
        auth: {
          spf: { result: 'softfail', domain: 'example.org' },
          dkim: [],
          dmarc: { result: 'none', policy: null, domain: 'example.org', alignment: { spf: false, dkim: false } },
          arc: { result: 'none', instances: 0 },
        },
        findings: [
          { code: 'header.no-list-unsubscribe', severity: 'warning', check: 'header', title: 'No List-Unsubscribe header', detail: '', fix: 'Add List-Unsubscribe.' },
          { code: 'content.listed-domain', severity: 'critical', check: 'content', title: 'listed', detail: '' },
        ] as never,
        providers: [{ provider: 'yahoo', audience: 'bulk', title: 'Yahoo bulk', items: [{ id: 'u', requirement: 'One-click unsubscribe', result: 'fail', why: 'none' }] as never }],
      }),
      { dns: answering() },
    );
    const by = (label: string) => r.items.find((i) => i.label === label);
    expect(by('SPF')).toMatchObject({ status: 'warn', deduction: 0.5 });
    expect(by('DKIM')).toMatchObject({ status: 'fail', deduction: 1 });
    expect(by('DMARC')).toMatchObject({ status: 'fail', deduction: 1, fix: expect.stringContaining('_dmarc.example.org') });
    expect(by('Headers')).toMatchObject({ status: 'warn', deduction: 0.25, fix: 'Add List-Unsubscribe.' });
    // A listed link domain counts once, under the blocklists, not again as content.
    expect(by('Content')).toMatchObject({ status: 'pass' });
    expect(by('Bulk-sender rules')).toMatchObject({ status: 'fail', deduction: 0.25 });
    expect(r.score).toBe(7);
    expect(r.explanation).toMatch(/^7 of 10: 3 points off: DKIM fail \(−1\), DMARC fail \(−1\), SPF warn \(−0\.5\)/);
  });

  it('a draft (draft: true): SPF and the sending IP wait for the send, DMARC is judged on DKIM alone or waits, a missing record still fails', async () => {
    const unsent = { envelope: { ip: null, helo: null, mailFrom: null, source: 'none' as const, trustedHop: null, explanation: '' }, auth: { ...analysis().auth, spf: { result: 'none' as const, domain: null } } };
    const dns = answering();
    const signed = await messageReadiness(analysis(unsent), { dns, draft: true });
    const by = (r: typeof signed, label: string) => r.items.find((i) => i.label === label);
    expect(by(signed, 'SPF')).toMatchObject({ status: 'not-run', deduction: 0, detail: expect.stringMatching(/^Checked once sent/) });
    expect(by(signed, 'Sending IP')).toMatchObject({ status: 'not-run', detail: 'Not looked up: a draft has not been sent, and the sending IP is known once it is sent.' });
    expect(by(signed, 'DMARC')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/on the aligned DKIM signature alone/) });
    // The link domains are looked up all the same.
    expect(dns.asked.some((n) => n.startsWith('example.org.'))).toBe(true);

    const unsigned = await messageReadiness(analysis({ ...unsent, auth: { ...unsent.auth, dkim: [], dmarc: { result: 'fail', policy: 'reject', domain: 'example.org', alignment: { spf: false, dkim: false } } } }), { dns: answering(), draft: true });
    expect(by(unsigned, 'DMARC')).toMatchObject({ status: 'not-run', deduction: 0, detail: expect.stringMatching(/rests on SPF/) });
    expect(by(unsigned, 'DKIM')).toMatchObject({ status: 'fail', deduction: 1 });

    const noRecord = await messageReadiness(analysis({ ...unsent, auth: { ...unsent.auth, dmarc: { result: 'none', policy: null, domain: 'example.org', alignment: { spf: false, dkim: true } } } }), { dns: answering(), draft: true });
    expect(by(noRecord, 'DMARC')).toMatchObject({ status: 'fail', deduction: 1 });

    // A message with an IP is still a draft when the caller says so: its IP is not looked up.
    const withIp = answering();
    const r = await messageReadiness(analysis(), { dns: withIp, draft: true });
    expect(by(r, 'Sending IP')?.status).toBe('not-run');
    expect(withIp.asked.some((n) => n.startsWith('10.2.0.192.'))).toBe(false);
  });
});
