import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeIp } from '../../electron/core/net/ip';
import { findEnvelope, parseHops, parseReceived } from '../../electron/core/message/hops';
import { conformancePath } from '../helpers/conformance';

const conformance = conformancePath('mime', 'stalwart-mail-parser', 'headers', 'received.json');

interface Expected {
  from?: { Name?: string; IPv4?: string; IPv6?: string };
  by?: { Name?: string };
  with?: string;
  from_ip?: string;
  date?: { year: number; month: number; day: number; hour: number; minute: number; second: number; tz_before_gmt: boolean; tz_hour: number; tz_minute: number };
}

function expectedTime(d: NonNullable<Expected['date']>): string {
  const offset = (d.tz_before_gmt ? -1 : 1) * (d.tz_hour * 60 + d.tz_minute);
  return new Date(Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second) - offset * 60_000).toISOString();
}

describe('Received parsing against stalwart-mail-parser received.json', () => {
  const cases = JSON.parse(readFileSync(conformance, 'utf8')) as { header: string; expected: Expected | null }[];
  const score: Record<'from' | 'by' | 'with' | 'fromIp' | 'time', [number, number]> = { from: [0, 0], by: [0, 0], with: [0, 0], fromIp: [0, 0], time: [0, 0] };
  const misses: string[] = [];
  for (const c of cases) {
    if (!c.expected) continue;
    const hop = parseReceived(c.header, 0);
    const e = c.expected;
    const check = (field: keyof typeof score, want: string | undefined, got: string | undefined) => {
      if (want === undefined) return;
      score[field][1]++;
      if (want.toLowerCase().replace(/\.$/, '') === (got ?? '').toLowerCase()) score[field][0]++;
      else misses.push(`${field}: want ${want} got ${got} in ${c.header.slice(0, 100)}`);
    };
    if (e.from?.Name) check('from', e.from.Name, hop.from);
    if (e.by?.Name) check('by', e.by.Name, hop.by);
    if (e.with) check('with', e.with, hop.with);
    if (e.from_ip) check('fromIp', normalizeIp(e.from_ip) ?? e.from_ip, hop.fromIp);
    if (e.date) check('time', expectedTime(e.date), hop.time);
  }

  it('agrees on from, by, with, the from IP and the time for nearly every header', () => {
    for (const [field, [ok, total]] of Object.entries(score)) {
      // "with" is kept as written ("local-esmtps", "Microsoft SMTPSVC"), where the suite maps it to a
      // protocol; most "time" misses are the suite's own quirks ("Wed, 26 Mar 03" read as 1903, PST ignored).
      const floor = field === 'with' ? 0.8 : field === 'time' ? 0.9 : 0.95;
      expect.soft(ok / total, `${field}: ${ok}/${total}\n${misses.filter((m) => m.startsWith(field)).join('\n')}`).toBeGreaterThanOrEqual(floor);
    }
    expect(cases.length).toBeGreaterThan(150);
    console.log(Object.entries(score).map(([f, [ok, total]]) => `${f} ${ok}/${total}`).join(', '));
  });
});

describe('Received parsing', () => {
  it('reads TLS in the styles MTAs write it', () => {
    expect(parseReceived('from a.example (a.example [192.0.2.1]) by mx.example with ESMTPS id 1; Tue, 29 Aug 2023 16:20:12 +0000', 0)).toMatchObject({ tls: true, with: 'ESMTPS' });
    expect(parseReceived('from a (a [192.0.2.1]) by b with ESMTPSA; Tue, 29 Aug 2023 16:20:12 +0000', 0).tls).toBe(true);
    expect(parseReceived('from a (a [192.0.2.1]) by b with UTF8SMTPS; Tue, 29 Aug 2023 16:20:12 +0000', 0).tls).toBe(true);
    expect(parseReceived('from a (a [192.0.2.1]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) by b (Postfix) with ESMTP; Tue, 29 Aug 2023 16:20:12 +0000', 0)).toMatchObject({ tls: true, tlsVersion: 'TLSv1.3' });
    expect(parseReceived('from a ([192.0.2.1]) by b (Exim 4.96) with esmtps (TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384; Tue, 29 Aug 2023 16:20:12 +0000', 0)).toMatchObject({ tls: true, tlsVersion: 'TLSv1.2' });
    expect(parseReceived('from a (a [192.0.2.1]) by b (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT) with ESMTP; Tue, 29 Aug 2023 16:20:12 +0000', 0)).toMatchObject({ tls: true, tlsVersion: 'TLSv1.3' });
    const plain = parseReceived('from a (a [192.0.2.1]) by b with ESMTP id x; Tue, 29 Aug 2023 16:20:12 +0000', 0);
    expect(plain.tls).toBeUndefined();
    expect(parseReceived('from a (a [192.0.2.1]) by b with ESMTPA; Tue, 29 Aug 2023 16:20:12 +0000', 0).tls).toBeUndefined();
  });

  it('reads IPv6 literals and dates with zone comments', () => {
    const hop = parseReceived('from mail.example (mail.example [IPv6:2001:db8::25]) by mx.test with SMTP; Mon, 28 Aug 2023 02:21:37 -0700 (PDT)', 3);
    expect(hop).toMatchObject({ index: 3, from: 'mail.example', fromIp: '2001:db8::25', by: 'mx.test', with: 'SMTP', time: '2023-08-28T09:21:37.000Z' });
  });

  it('computes per-hop delays, transit time, and flags clocks that run backwards', () => {
    const { hops, transitSeconds } = parseHops([
      'from b ([192.0.2.2]) by c; Tue, 29 Aug 2023 16:00:10 +0000',
      'from a ([192.0.2.1]) by b; Tue, 29 Aug 2023 16:00:20 +0000',
      'from x ([192.0.2.9]) by a; Tue, 29 Aug 2023 15:59:50 +0000',
    ]);
    expect(hops.map((h) => h.delaySeconds)).toEqual([-10, 30, undefined]);
    expect(hops[0]?.outOfOrder).toBe(true);
    expect(hops[1]?.outOfOrder).toBeUndefined();
    expect(transitSeconds).toBe(20);
    expect(parseHops(['by c; garbage']).transitSeconds).toBeNull();
  });
});

describe('the receiving hop', () => {
  const received = [
    'from localhost (localhost [127.0.0.1]) by mx.receiver.example (Postfix) with LMTP id 1; Tue, 29 Aug 2023 16:00:12 +0000',
    'from filter.receiver.example (filter.receiver.example [10.0.0.5]) by mx.receiver.example with ESMTP; Tue, 29 Aug 2023 16:00:11 +0000',
    'from mx1.receiver.example (mx1.receiver.example [198.51.100.7]) by filter.receiver.example with ESMTP; Tue, 29 Aug 2023 16:00:11 +0000',
    'from out.sender.example (out.sender.example [203.0.113.5]) by mx1.receiver.example with ESMTPS; Tue, 29 Aug 2023 16:00:10 +0000',
    'from laptop ([192.0.2.77]) by out.sender.example with ESMTPSA; Tue, 29 Aug 2023 16:00:09 +0000',
  ];

  it('skips the receiver\'s internal hops and trusts the one from outside', () => {
    const { hops } = parseHops(received);
    const env = findEnvelope(hops, 'bounce@sender.example', {});
    expect(env).toMatchObject({ ip: '203.0.113.5', helo: 'out.sender.example', mailFrom: 'bounce@sender.example', source: 'received', trustedHop: 3 });
    expect(env.explanation).toContain('mx1.receiver.example (hop 3)');
    expect(env.explanation).toContain('hop 0');
  });

  it('uses what was given over the headers', () => {
    const { hops } = parseHops(received);
    expect(findEnvelope(hops, 'bounce@sender.example', { ip: '192.0.2.1', helo: 'h.example', mailFrom: 'a@b.example' })).toMatchObject({
      ip: '192.0.2.1',
      helo: 'h.example',
      mailFrom: 'a@b.example',
      source: 'given',
      trustedHop: null,
    });
  });

  it('says so when no hop names an outside IP', () => {
    const none = findEnvelope(parseHops(['from localhost (localhost [127.0.0.1]) by mx.example; Tue, 29 Aug 2023 16:00:12 +0000']).hops, null, {});
    expect(none).toMatchObject({ ip: null, source: 'none', trustedHop: null });
    expect(none.explanation).toMatch(/--ip/);
    expect(findEnvelope([], null, {}).explanation).toMatch(/no Received headers/);
  });
});
