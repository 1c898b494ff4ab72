import { describe, expect, it } from 'vitest';
import { finding } from '../../electron/core/audit/finding';
import type { FindingCode } from '../../electron/core/audit/codes';
import type { ProviderScorecard } from '../../electron/core/audit/types';
import { messageScorecards } from '../../electron/core/message/message-providers';
import type { Hop, MessageAnalysis } from '../../electron/core/message/types';
import { authOk } from '../helpers/message-lint-input';

type Analysis = Omit<MessageAnalysis, 'providers'>;

const HOP: Hop = {
  index: 0,
  raw: 'from out.shop.example (out.shop.example [192.0.2.10]) by mx.inbox.example with ESMTPS id abc; Thu, 26 Nov 2026 10:00:00 +0000',
  from: 'out.shop.example',
  fromIp: '192.0.2.10',
  by: 'mx.inbox.example',
  with: 'ESMTPS',
  tls: true,
  tlsVersion: 'TLSv1.3',
};

function analysis(over: Partial<Analysis> = {}, codes: FindingCode[] = []): Analysis {
  return {
    sha256: '0'.repeat(64),
    size: 1000,
    headersOnly: false,
    analysedAt: '2026-11-26T10:00:01Z',
    durationMs: 5,
    summary: { subject: 'Offer', from: 'news@shop.example', fromDomain: 'shop.example', to: [], date: '2026-11-26T09:58:00.000Z', messageId: '<a@shop.example>', bulk: true },
    envelope: { ip: '192.0.2.10', helo: 'out.shop.example', mailFrom: 'bounce@shop.example', source: 'received', trustedHop: 0, explanation: 'hop 0' },
    auth: authOk({
      dkim: [{ domain: 'shop.example', selector: 's1', result: 'pass', aligned: true }],
      dmarc: { result: 'pass', policy: 'reject', domain: 'shop.example', alignment: { spf: true, dkim: true } },
    }),
    receiver: { authServId: null, results: [], arcAuthenticationResults: [], differences: [] },
    hops: [HOP],
    transitSeconds: null,
    content: null,
    findings: codes.map((code) => finding(code, { title: code, detail: code })),
    dns: [],
    ...over,
  };
}

const item = (cards: ProviderScorecard[], id: string) => {
  const found = cards.flatMap((c) => c.items).find((i) => i.id === id);
  expect(found, id).toBeDefined();
  return found as NonNullable<typeof found>;
};
const result = (a: Analysis, id: string) => item(messageScorecards(a), id).result;

describe('message scorecards', () => {
  it('has the five scorecards with their sources, and passes a good bulk message everywhere it can see', () => {
    const cards = messageScorecards(analysis());
    expect(cards.map((c) => `${c.provider}/${c.audience}`)).toEqual(['google/all', 'google/bulk', 'yahoo/all', 'yahoo/bulk', 'microsoft/bulk']);
    const items = cards.flatMap((c) => c.items);
    expect(items.filter((i) => i.result === 'fail')).toEqual([]);
    const unseen = [...new Set(items.filter((i) => i.result === 'not-observable').map((i) => i.id.split('.').pop()))].sort();
    expect(unseen).toEqual(['list-hygiene', 'sender-address', 'spam-rate']);
    for (const i of items) expect(i.why.length, i.id).toBeGreaterThan(10);
    expect(item(cards, 'google.all.tls').why).toContain('TLSv1.3');
    expect(item(cards, 'google.all.ptr').why).toContain('out.shop.example for 192.0.2.10');
    expect(item(cards, 'google.all.spam-rate').why).toContain('Postmaster Tools');
  });

  it('fails SPF and DKIM from the authentication results', () => {
    const a = analysis({
      auth: authOk({
        spf: { result: 'softfail', domain: 'shop.example' },
        dkim: [{ domain: 'shop.example', selector: 's1', result: 'fail', aligned: true, comment: 'body hash did not verify' }],
        dmarc: { result: 'fail', policy: 'reject', domain: 'shop.example', alignment: { spf: false, dkim: false } },
      }),
    });
    const cards = messageScorecards(a);
    expect(item(cards, 'microsoft.bulk.spf')).toMatchObject({ result: 'fail', why: 'SPF softfail for shop.example from 192.0.2.10.' });
    expect(item(cards, 'microsoft.bulk.dkim').why).toContain('d=shop.example s=s1: fail (body hash did not verify)');
    expect(item(cards, 'google.all.spf-or-dkim').result).toBe('fail');
    expect(item(cards, 'google.bulk.dmarc').result).toBe('pass');
    expect(item(cards, 'google.bulk.dmarc-alignment')).toMatchObject({ result: 'fail' });
  });

  it('passes "SPF or DKIM" with one of them, fails "SPF and DKIM" without both', () => {
    const a = analysis({ auth: authOk({ dkim: [], dmarc: { result: 'pass', policy: 'none', domain: 'shop.example', alignment: { spf: true, dkim: false } } }) });
    expect(result(a, 'google.all.spf-or-dkim')).toBe('pass');
    expect(result(a, 'google.bulk.spf-and-dkim')).toBe('fail');
    expect(item(messageScorecards(a), 'microsoft.bulk.dkim').why).toBe('The message carries no DKIM signature.');
  });

  it('fails alignment when SPF and DKIM pass only for other domains', () => {
    const a = analysis({
      auth: authOk({
        spf: { result: 'pass', domain: 'bounces.esp.example' },
        dkim: [{ domain: 'esp.example', selector: 'k1', result: 'pass', aligned: false }],
        dmarc: { result: 'fail', policy: 'none', domain: 'shop.example', alignment: { spf: false, dkim: false } },
      }),
    });
    const why = item(messageScorecards(a), 'yahoo.bulk.dmarc-alignment');
    expect(why.result).toBe('fail');
    expect(why.why).toContain('SPF passed for bounces.esp.example, which is not aligned; DKIM passed for esp.example, not aligned');
  });

  it('fails DMARC published without a record', () => {
    const a = analysis({ auth: authOk({ dmarc: { result: 'none', policy: null, domain: 'shop.example', alignment: { spf: true, dkim: false } } }) });
    expect(item(messageScorecards(a), 'google.bulk.dmarc')).toMatchObject({ result: 'fail', why: 'shop.example publishes no DMARC record.' });
  });

  it('judges RFC 5322 format from the header findings', () => {
    expect(result(analysis(), 'google.all.format')).toBe('pass');
    const bad = item(messageScorecards(analysis({ summary: { ...analysis().summary, messageId: null } }, ['header.no-message-id', 'header.multiple-from'])), 'yahoo.all.format');
    expect(bad).toMatchObject({ result: 'fail', why: 'RFC 5322 problems: no Message-ID, more than one From (see the header findings).' });
  });

  it('judges one-click unsubscribe per provider', () => {
    expect(result(analysis({}, ['header.no-one-click']), 'google.bulk.unsubscribe')).toBe('fail');
    expect(result(analysis({}, ['header.one-click-unsigned']), 'yahoo.bulk.unsubscribe')).toBe('fail');
    // Gmail also wants the link in the body; Yahoo asks for one-click only.
    expect(result(analysis({}, ['content.no-unsubscribe-link']), 'google.bulk.unsubscribe')).toBe('fail');
    expect(result(analysis({}, ['content.no-unsubscribe-link']), 'yahoo.bulk.unsubscribe')).toBe('pass');
    // Outlook: a header or a body link.
    expect(result(analysis({}, ['header.no-list-unsubscribe']), 'microsoft.bulk.unsubscribe')).toBe('pass');
    expect(result(analysis({}, ['header.no-list-unsubscribe', 'content.no-unsubscribe-link']), 'microsoft.bulk.unsubscribe')).toBe('fail');
    const personal = analysis({ summary: { ...analysis().summary, bulk: false } });
    expect(item(messageScorecards(personal), 'google.bulk.unsubscribe')).toMatchObject({ result: 'not-observable', why: expect.stringContaining('does not look like bulk') });
  });

  it('reads TLS and reverse DNS from the receiving hop only', () => {
    const plain = analysis({ hops: [{ ...HOP, tls: false, with: 'ESMTP', raw: 'from x (unknown [192.0.2.10]) by mx.inbox.example with ESMTP; Thu, 26 Nov 2026 10:00:00 +0000' }] });
    expect(item(messageScorecards(plain), 'google.all.tls')).toMatchObject({ result: 'fail', why: expect.stringContaining('without TLS (with ESMTP)') });
    expect(item(messageScorecards(plain), 'google.all.ptr')).toMatchObject({ result: 'fail', why: expect.stringContaining('"unknown"') });
    const silent = analysis({ hops: [{ ...HOP, tls: undefined, raw: 'by mx.inbox.example; Thu, 26 Nov 2026 10:00:00 +0000' }] });
    expect(result(silent, 'google.all.tls')).toBe('not-observable');
    expect(result(silent, 'google.all.ptr')).toBe('not-observable');
    const given = analysis({ envelope: { ip: '192.0.2.10', helo: null, mailFrom: null, source: 'given', trustedHop: null, explanation: 'given' } });
    expect(item(messageScorecards(given), 'yahoo.all.ptr')).toMatchObject({ result: 'not-observable', why: expect.stringContaining('--sending-ip 192.0.2.10') });
    expect(result(given, 'google.all.tls')).toBe('not-observable');
  });

  it('says what headers-only input cannot show', () => {
    const a = analysis({
      headersOnly: true,
      auth: authOk({ spf: { result: 'none', domain: null }, dkim: [{ domain: 'shop.example', selector: 's1', result: 'neutral', aligned: true }], dmarc: { result: 'none', policy: 'reject', domain: 'shop.example', alignment: { spf: false, dkim: false } } }),
      envelope: { ip: null, helo: null, mailFrom: null, source: 'none', trustedHop: null, explanation: 'none' },
    });
    const cards = messageScorecards(a);
    expect(item(cards, 'microsoft.bulk.spf')).toMatchObject({ result: 'not-observable', why: expect.stringContaining('--ip') });
    expect(item(cards, 'microsoft.bulk.dkim')).toMatchObject({ result: 'not-observable', why: expect.stringContaining('without the body') });
    expect(result(a, 'google.bulk.dmarc-alignment')).toBe('not-observable');
    expect(result(a, 'google.bulk.unsubscribe')).toBe('not-observable');
  });
});
