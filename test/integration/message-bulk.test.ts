/**
 * Bulk detection through the whole analysis: a marketing message that carries no list header is
 * still held to the bulk senders' rules, and a personal message or a receipt is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMessage } from '../../electron/core/message/analyze';
import type { MessageAnalysis } from '../../electron/core/message/types';
import { parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';
import { msg } from '../helpers/message-lint-input';

let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zone: parseZone('shop.bulk.test. TXT "v=spf1 ip4:192.0.2.25 -all"\n_dmarc.shop.bulk.test. TXT "v=DMARC1; p=none"') });
});
afterAll(() => server?.close());

const analyse = (raw: string) =>
  analyzeMessage(Buffer.from(raw), {
    dns: { servers: [{ address: '127.0.0.1', port: server.port }], timeoutMs: 1000, tries: 1 },
    ip: '192.0.2.25',
    helo: 'out.shop.bulk.test',
    // The messages are dated a few seconds before this: no date skew.
    now: () => new Date('2026-11-26T10:00:00Z'),
  });

const codes = (a: MessageAnalysis) => a.findings.map((f) => f.code);

const head = (subject: string, extra: string[] = []) => [
  'Return-Path: <bounce@shop.bulk.test>',
  'From: Example Outfitters <hello@shop.bulk.test>',
  'To: reader@receiver.example',
  `Subject: ${subject}`,
  'Date: Thu, 26 Nov 2026 09:59:50 +0000',
  `Message-ID: <${subject.length}.8f2c@shop.bulk.test>`,
  'MIME-Version: 1.0',
  ...extra,
];

const alternative = (text: string, html: string) => [
  'Content-Type: multipart/alternative; boundary="alt"',
  '',
  '--alt',
  'Content-Type: text/plain; charset=utf-8',
  '',
  text,
  '--alt',
  'Content-Type: text/html; charset=utf-8',
  '',
  html,
  '--alt--',
  '',
];

const products = Array.from(
  { length: 8 },
  (_, i) =>
    `<tr><td><a href="https://shop.bulk.test/p/${i}?utm_source=newsletter"><img src="https://cdn.shop.bulk.test/p${i}.jpg" alt="Jacket ${i}" width="560" height="280"></a><h2>Autumn jacket no. ${i}: 20 % off</h2><p>Water-resistant, breathable and made from recycled fabric, in six colours.</p></td></tr>`,
).join('');
const NEWSLETTER = `<html><body><table>${products}<tr><td><a href="https://shop.bulk.test/sale">Shop now</a></td></tr><tr><td><p>Example Outfitters Ltd, 123 Main Street, Springfield, IL 62701, USA. <a href="https://shop.bulk.test/unsubscribe?u=8f2c">Unsubscribe</a></p></td></tr></table><img src="https://open.shop.bulk.test/o/8f2c.gif" width="1" height="1" alt=""></body></html>`;

/** A newsletter as an in-house mail system sends it: no List-*, no Precedence, no ESP header. */
const marketing = (extra: string[] = []) => msg(...head('Our autumn collection is here', extra), ...alternative('Our autumn collection: https://shop.bulk.test/sale\nUnsubscribe: https://shop.bulk.test/unsubscribe?u=8f2c', NEWSLETTER));

describe('bulk mail without list headers', () => {
  it('counts a marketing message by its body, names the signals and asks for List-Unsubscribe', async () => {
    const a = await analyse(marketing());
    expect(a.summary.bulk).toBe(true);
    expect(a.summary.bulkSignals).toEqual([
      'tracking pixel',
      'unsubscribe link in the body',
      'promotional layout (10 links, 8 images, a call to action ("Shop now"), a postal address in the footer)',
    ]);
    const f = a.findings.find((x) => x.code === 'header.no-list-unsubscribe');
    expect(f?.detail).toMatch(/^The message looks like bulk or marketing mail \(tracking pixel, unsubscribe link in the body, promotional layout/);
    expect(f?.evidence).toContain('Bulk signals: tracking pixel');
    // The body itself offers the way out and an address: no body finding.
    expect(codes(a)).not.toContain('content.no-unsubscribe-link');
    expect(codes(a)).not.toContain('content.no-postal-address');
    // Gmail's and Yahoo's unsubscribe rule now applies to it, and fails.
    const unsubscribe = a.providers.filter((p) => p.provider === 'google' || p.provider === 'yahoo').flatMap((p) => p.items.filter((i) => /no List-Unsubscribe header/.test(i.why)));
    expect(unsubscribe.length).toBeGreaterThanOrEqual(2);
    expect(unsubscribe.every((i) => i.result === 'fail')).toBe(true);
  });

  it('counts an ESP header the old list did not name (X-SES-Configuration-Set)', async () => {
    const receipt = msg(...head('Your order #48213', ['X-SES-Configuration-Set: marketing']), 'Content-Type: text/plain; charset=utf-8', '', 'Thanks for your order.', '');
    const a = await analyse(receipt);
    expect(a.summary).toMatchObject({ bulk: true, bulkSignals: ['X-SES-Configuration-Set header (Amazon SES)'] });
    expect(codes(a)).toContain('header.no-list-unsubscribe');
  });

  it('asks nothing more of the same message once it has one-click List-Unsubscribe', async () => {
    const a = await analyse(marketing(['List-Unsubscribe: <https://shop.bulk.test/one-click?u=8f2c>', 'List-Unsubscribe-Post: List-Unsubscribe=One-Click']));
    expect(a.summary.bulk).toBe(true);
    expect(a.summary.bulkSignals?.slice(0, 2)).toEqual(['List-Unsubscribe header', 'List-Unsubscribe-Post header']);
    expect(codes(a)).not.toContain('header.no-list-unsubscribe');
    expect(codes(a)).not.toContain('header.no-one-click');
  });
});

describe('mail that is not bulk', () => {
  it('leaves a personal one-to-one message alone', async () => {
    const personal = msg(
      'From: Alex <alex@shop.bulk.test>',
      'To: Sam <sam@receiver.example>',
      'Subject: Lunch on Friday?',
      'Date: Thu, 26 Nov 2026 09:59:50 +0000',
      'Message-ID: <lunch.1@shop.bulk.test>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hi Sam,\n\nlunch on Friday? The place is https://maps.example/cafe. And how do I unsubscribe from that newsletter you forwarded?\n\nAlex',
      '',
    );
    const a = await analyse(personal);
    expect(a.summary).toMatchObject({ bulk: false, bulkSignals: [] });
    expect(codes(a).filter((c) => c.startsWith('header.') || c.startsWith('content.'))).toEqual([]);
  });

  it('leaves a transactional receipt with one link, a postal address and an open pixel alone', async () => {
    const html = `<html><body><p>Hi Sam,</p><p>thank you for your order <b>#48213</b>. Total: €129.00.</p><p><a href="https://shop.bulk.test/orders/48213">View your order</a></p><p>Example Outfitters Ltd, 123 Main Street, Springfield, IL 62701, USA</p><img src="https://open.shop.bulk.test/o/48213.gif" width="1" height="1" alt=""></body></html>`;
    const a = await analyse(msg(...head('Your order #48213', ['Reply-To: support@shop.bulk.test']), ...alternative('Hi Sam,\nthank you for your order #48213.\nhttps://shop.bulk.test/orders/48213', html)));
    expect(a.summary).toMatchObject({ bulk: false, bulkSignals: ['tracking pixel'] });
    expect(codes(a)).not.toContain('header.no-list-unsubscribe');
    expect(codes(a)).not.toContain('content.no-unsubscribe-link');
  });
});
