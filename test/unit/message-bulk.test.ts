/**
 * Bulk detection: which signals make a message bulk or marketing mail, and that each one is named.
 */
import { describe, expect, it } from 'vitest';
import { bulkVerdict } from '../../electron/core/message/bulk';
import { readBody } from '../../electron/core/message/content-lint';
import { indexHeaders } from '../../electron/core/message/header-index';
import { lintInput, msg } from '../helpers/message-lint-input';

const HEAD = ['From: Shop <news@shop.example>', 'To: reader@inbox.example', 'Date: Thu, 26 Nov 2026 09:58:00 +0000', 'Message-ID: <b.1@shop.example>', 'Subject: Autumn', 'MIME-Version: 1.0'];

const html = (body: string, extra: string[] = []) => msg(...HEAD, ...extra, 'Content-Type: text/html; charset=utf-8', '', `<html><body>${body}</body></html>`, '');
const text = (body: string, extra: string[] = []) => msg(...HEAD, ...extra, 'Content-Type: text/plain; charset=utf-8', '', body, '');

async function verdict(raw: string) {
  const input = await lintInput(raw);
  return bulkVerdict(input.headers, indexHeaders(input.headers), readBody(input));
}

const PIXEL = '<img src="https://open.shop.example/o/8f2c.gif" width="1" height="1" alt="">';
const UNSUBSCRIBE = '<p><a href="https://shop.example/u?x=8f2c">Unsubscribe</a></p>';
const ADDRESS = '<p>Shop Ltd, 123 Main Street, Springfield, IL 62701, USA</p>';
const products = (n: number) =>
  Array.from({ length: n }, (_, i) => `<p><img src="https://cdn.shop.example/p${i}.jpg" alt="Jacket ${i}"><a href="https://shop.example/p/${i}">Jacket ${i}</a></p>`).join('');
const CTA = '<p><a href="https://shop.example/sale">Shop now</a></p>';

describe('bulk by headers', () => {
  it('takes list headers, Precedence and the ESP headers the filters read, each named', async () => {
    const cases: [string, string][] = [
      ['List-Unsubscribe: <https://shop.example/u>', 'List-Unsubscribe header'],
      ['List-Id: News <news.shop.example>', 'List-Id header'],
      ['Precedence: bulk', 'Precedence: bulk'],
      ['Precedence: list', 'Precedence: list'],
      ['Feedback-ID: 1001:autumn:newsletter:shop', 'Feedback-ID header (Gmail feedback loop)'],
      ['X-Mailgun-Variables: {"campaign":"autumn"}', 'X-Mailgun-Variables header (Mailgun)'],
      ['X-SES-Configuration-Set: marketing', 'X-SES-Configuration-Set header (Amazon SES)'],
      ['X-SG-EID: abc', 'X-SG-EID header (SendGrid)'],
      ['X-SendGrid-Campaign: 12', 'X-SendGrid-Campaign header (SendGrid)'],
      ['X-MC-User: 5f3a', 'X-MC-User header (Mailchimp/Mandrill)'],
      ['X-Mandrill-User: md_1234', 'X-Mandrill-User header (Mandrill)'],
      ['X-Campaign-Id: 77', 'X-Campaign-Id header (campaign)'],
      ['X-CampaignID: 77', 'X-CampaignID header (campaign)'],
      ['X-CSA-Complaints: csa-complaints@eco.de', 'X-CSA-Complaints header (Certified Senders Alliance)'],
      ['X-PM-Message-Stream: broadcast', 'X-PM-Message-Stream: broadcast (Postmark)'],
    ];
    for (const [header, signal] of cases) {
      expect(await verdict(text('Hello Sam, see you at lunch.', [header])), header).toEqual({ bulk: true, signals: [signal] });
    }
  });

  it('leaves Postmark transactional mail, Precedence: first-class and ordinary headers alone', async () => {
    for (const header of ['X-PM-Message-Stream: outbound', 'X-PM-Message-Id: 8f2c', 'Precedence: first-class', 'X-Mailer: Thunderbird', 'X-Spam-Status: No']) {
      expect(await verdict(text('Hello Sam, see you at lunch.', [header])), header).toEqual({ bulk: false, signals: [] });
    }
  });
});

describe('bulk by the body', () => {
  it('takes a marketing message without any list or ESP header, and says why', async () => {
    const v = await verdict(html(`<h1>Autumn sale</h1>${products(8)}${CTA}${ADDRESS}${UNSUBSCRIBE}${PIXEL}`));
    expect(v.bulk).toBe(true);
    expect(v.signals).toEqual([
      'tracking pixel',
      'unsubscribe link in the body',
      'promotional layout (10 links, 8 images, a call to action ("Shop now"), a postal address in the footer)',
    ]);
  });

  it('takes two body signals, and an unsubscribe URL in a text-only message', async () => {
    expect((await verdict(html(`<p>News</p>${UNSUBSCRIBE}${PIXEL}`))).signals).toEqual(['tracking pixel', 'unsubscribe link in the body']);
    expect(await verdict(html(`<p>News</p>${UNSUBSCRIBE}${PIXEL}`))).toMatchObject({ bulk: true });
    const plain = await verdict(text(`Our autumn picks: https://shop.example/autumn\n\nTo stop these: https://shop.example/optout?u=8f2c\n`));
    expect(plain.signals).toEqual(['unsubscribe link in the body']);
    expect(plain.bulk).toBe(false);
  });

  it('is not fooled by one signal alone: a receipt with one link, a pixel and an address', async () => {
    const receipt = await verdict(
      html(`<p>Hi Sam,</p><p>thank you for your order #48213. Total: €129.00.</p><p><a href="https://shop.example/orders/48213">View your order</a></p>${ADDRESS}${PIXEL}`),
    );
    expect(receipt).toEqual({ bulk: false, signals: ['tracking pixel'] });
  });

  it('is not fooled by a personal message that mentions unsubscribing or has a few links and photos', async () => {
    const personal = await verdict(text('Hi Sam,\n\nhow do I unsubscribe from that newsletter you mentioned? Lunch on Friday?\n\nAlex\n'));
    expect(personal).toEqual({ bulk: false, signals: [] });
    const photos = await verdict(html(`<p>Holiday photos!</p>${products(4)}<p>See you soon, Alex</p>`));
    expect(photos).toEqual({ bulk: false, signals: [] });
  });

  it('needs three of the four layout features: links, images and a call to action make one without an address', async () => {
    expect((await verdict(html(`${products(8)}${CTA}`))).signals).toEqual(['promotional layout (9 links, 8 images, a call to action ("Shop now"))']);
    expect((await verdict(html(`${products(8)}`))).signals).toEqual([]);
  });

  it('reads no body when only headers were given', () => {
    const headers = [{ name: 'Subject', value: 'Hi' }];
    expect(bulkVerdict(headers, indexHeaders(headers), null)).toEqual({ bulk: false, signals: [] });
  });
});
