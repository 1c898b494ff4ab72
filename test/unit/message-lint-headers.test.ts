import { describe, expect, it } from 'vitest';
import { lintHeaders } from '../../electron/core/message/header-lint';
import type { DkimSignatureResult } from '../../electron/core/message/types';
import { authOk, lintInput, msg, RECEIVED_AT } from '../helpers/message-lint-input';

const BASE = {
  from: 'From: Shop <news@shop.example>',
  to: 'To: reader@inbox.example',
  date: 'Date: Thu, 26 Nov 2026 09:58:00 +0000',
  id: 'Message-ID: <abc.1@shop.example>',
  subject: 'Subject: Hello',
};

/** A message with the base headers, minus or plus some. */
function message(opts: { drop?: (keyof typeof BASE)[]; replace?: Partial<typeof BASE>; extra?: string[]; body?: string } = {}): string {
  const fields = Object.entries({ ...BASE, ...opts.replace })
    .filter(([k]) => !(opts.drop ?? []).includes(k as keyof typeof BASE))
    .map(([, v]) => v);
  return msg(...fields, ...(opts.extra ?? []), 'Content-Type: text/plain; charset=utf-8', '', opts.body ?? 'Hello.', '');
}

const ONE_CLICK = ['List-Unsubscribe: <https://shop.example/u?t=1>, <mailto:u@shop.example>', 'List-Unsubscribe-Post: List-Unsubscribe=One-Click'];
const signed = (over: Partial<DkimSignatureResult> = {}): DkimSignatureResult => ({
  domain: 'shop.example',
  selector: 's1',
  result: 'pass',
  aligned: true,
  signedHeaders: ['from', 'to', 'subject', 'date', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post'],
  ...over,
});

const codes = async (raw: string, over: Parameters<typeof lintInput>[1] = {}) => lintHeaders(await lintInput(raw, over)).map((f) => f.code);
const one = async (raw: string, code: string, over: Parameters<typeof lintInput>[1] = {}) => {
  const fs = lintHeaders(await lintInput(raw, over)).filter((f) => f.code === code);
  expect(fs).toHaveLength(1);
  return fs[0] as NonNullable<(typeof fs)[0]>;
};

describe('header lint: a clean message', () => {
  it('raises nothing for a well-formed personal message', async () => {
    expect(await codes(message())).toEqual([]);
  });
  it('raises nothing for well-formed bulk mail with signed one-click unsubscribe', async () => {
    expect(await codes(message({ extra: ONE_CLICK }), { bulk: true, auth: authOk({ dkim: [signed()] }) })).toEqual([]);
  });
});

describe('header.no-message-id', () => {
  it('is raised without Message-ID, with a Message-ID in the From domain as the fix', async () => {
    const f = await one(message({ drop: ['id'] }), 'header.no-message-id');
    expect(f).toMatchObject({ severity: 'warning', check: 'header', refs: ['RFC 5322 §3.6.4'] });
    expect(f.fix).toMatch(/Message-ID: <[^>]+@shop\.example>/);
  });
});

describe('header.no-date', () => {
  it('is raised without Date, with a Date line in RFC 5322 format as the fix', async () => {
    const f = await one(message({ drop: ['date'] }), 'header.no-date');
    expect(f.title).toBe('No Date header');
    expect(f.fix).toContain('Date: Thu, 26 Nov 2026 10:00:00 +0000');
  });
  it('is raised for a Date that is not a date', async () => {
    const f = await one(message({ replace: { date: 'Date: last Tuesday-ish' } }), 'header.no-date');
    expect(f.title).toBe('The Date header is not a valid date');
    expect(f.evidence).toBe('Date: last Tuesday-ish');
  });
});

describe('header.date-skew', () => {
  const at = (date: string, over: Parameters<typeof lintInput>[1] = {}) => codes(message({ replace: { date: `Date: ${date}` } }), over);
  it('flags more than 15 minutes in the future, against the receiving hop', async () => {
    const f = await one(message({ replace: { date: 'Date: Thu, 26 Nov 2026 10:20:00 +0000' } }), 'header.date-skew');
    expect(f.title).toBe('Date is 20 minutes in the future');
    expect(f.detail).toContain('the time the receiving server stamped (2026-11-26T10:00:00.000Z)');
    expect(f.fix).toMatch(/NTP/);
  });
  it('allows 10 minutes ahead and 23 hours behind', async () => {
    expect(await at('Thu, 26 Nov 2026 10:10:00 +0000')).toEqual([]);
    expect(await at('Wed, 25 Nov 2026 11:00:00 +0000')).toEqual([]);
  });
  it('flags more than 24 hours in the past, reading the time zone', async () => {
    const f = await one(message({ replace: { date: 'Date: Wed, 25 Nov 2026 05:00:00 -0400' } }), 'header.date-skew');
    expect(f.title).toBe('Date is 25 hours in the past');
  });
  it('compares with the clock when no hop time is known', async () => {
    const now = () => new Date('2026-11-30T10:00:00Z');
    const f = lintHeaders(await lintInput(message(), { receivedAt: null, now })).find((x) => x.code === 'header.date-skew');
    expect(f?.title).toBe('Date is 4 days in the past');
    expect(f?.detail).toContain('the current time (2026-11-30T10:00:00.000Z)');
    expect(await at('Thu, 26 Nov 2026 09:58:00 +0000', { receivedAt: null, now: () => RECEIVED_AT })).toEqual([]);
  });
});

describe('header.multiple-from', () => {
  it('flags two From headers as critical', async () => {
    const f = await one(message({ extra: ['From: other@elsewhere.example'] }), 'header.multiple-from');
    expect(f).toMatchObject({ severity: 'critical', title: '2 From headers' });
    expect(f.evidence).toBe('From: Shop <news@shop.example>\nFrom: other@elsewhere.example');
    expect(f.refs).toContain('RFC 7489 §6.6.1');
  });
  it('flags one From with two addresses, saying whether Sender is there', async () => {
    const f = await one(message({ replace: { from: 'From: a@shop.example, b@shop.example' } }), 'header.multiple-from');
    expect(f.title).toBe('2 addresses in From');
    expect(f.detail).toContain('and there is none');
    expect(f.fix).toContain('From: <a@shop.example>');
    const g = await one(message({ replace: { from: 'From: a@shop.example, b@shop.example' }, extra: ['Sender: a@shop.example'] }), 'header.multiple-from');
    expect(g.detail).toContain('it has one: a@shop.example');
  });
  it('is quiet for one From with one address', async () => {
    expect(await codes(message({ replace: { from: 'From: "Shop, Inc." <news@shop.example>' } }))).toEqual([]);
  });
});

describe('header.no-list-unsubscribe', () => {
  it('is raised for bulk mail without List-Unsubscribe, with both headers as the fix', async () => {
    const f = await one(message(), 'header.no-list-unsubscribe', { bulk: true });
    expect(f.fix).toContain('List-Unsubscribe: <https://shop.example/unsubscribe?u=RECIPIENT_TOKEN>, <mailto:unsubscribe@shop.example?subject=unsubscribe>');
    expect(f.fix).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(f.fix).toContain('h=from:to:subject:date:message-id:list-unsubscribe:list-unsubscribe-post');
  });
  it('is not raised for personal mail', async () => {
    expect(await codes(message(), { bulk: false })).toEqual([]);
  });
});

describe('header.no-one-click', () => {
  const bulk = { bulk: true, auth: authOk({ dkim: [signed()] }) };
  it('is raised for a mailto-only List-Unsubscribe', async () => {
    const f = await one(message({ extra: ['List-Unsubscribe: <mailto:u@shop.example>', 'List-Unsubscribe-Post: List-Unsubscribe=One-Click'] }), 'header.no-one-click', bulk);
    expect(f.detail).toContain('List-Unsubscribe has no https URI (mailto:u@shop.example)');
    expect(f.fix).toContain('List-Unsubscribe: <https://shop.example/unsubscribe?u=RECIPIENT_TOKEN>, <mailto:u@shop.example>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });
  it('is raised without List-Unsubscribe-Post, keeping the sender\'s https URI in the fix', async () => {
    const f = await one(message({ extra: ['List-Unsubscribe: <https://shop.example/u?t=1>'] }), 'header.no-one-click', bulk);
    expect(f.detail).toContain('there is no List-Unsubscribe-Post header');
    expect(f.fix).toContain('List-Unsubscribe: <https://shop.example/u?t=1>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });
  it('is raised for a wrong List-Unsubscribe-Post value', async () => {
    const f = await one(message({ extra: ['List-Unsubscribe: <https://shop.example/u>', 'List-Unsubscribe-Post: unsubscribe=yes'] }), 'header.no-one-click', bulk);
    expect(f.detail).toContain('List-Unsubscribe-Post is "unsubscribe=yes" instead of "List-Unsubscribe=One-Click"');
  });
  it('is quiet with an https URI and the one-click header', async () => {
    expect(await codes(message({ extra: ONE_CLICK }), bulk)).not.toContain('header.no-one-click');
  });
});

describe('header.one-click-unsigned', () => {
  const run = (dkim: DkimSignatureResult[], over: Parameters<typeof lintInput>[1] = {}) => codes(message({ extra: ONE_CLICK }), { bulk: true, auth: authOk({ dkim }), ...over });
  it('is raised when h= leaves out List-Unsubscribe-Post', async () => {
    const f = await one(message({ extra: ONE_CLICK }), 'header.one-click-unsigned', { bulk: true, auth: authOk({ dkim: [signed({ signedHeaders: ['from', 'list-unsubscribe'] })] }) });
    expect(f.detail).toContain('d=shop.example s=s1: pass, aligned, h= does not cover both');
    expect(f.fix).toContain('Sign with d=shop.example');
    expect(f.fix).toContain('h=from:to:subject:date:message-id:list-unsubscribe:list-unsubscribe-post');
    expect(f.refs).toContain('RFC 8058 §4');
  });
  it('is raised when the covering signature is not aligned, fails, or is missing', async () => {
    expect(await run([signed({ domain: 'esp.example', aligned: false })])).toContain('header.one-click-unsigned');
    expect(await run([signed({ result: 'fail' })])).toContain('header.one-click-unsigned');
    expect(await run([])).toContain('header.one-click-unsigned');
  });
  it('is quiet with a passing aligned signature covering both, one of several', async () => {
    expect(await run([signed({ domain: 'esp.example', aligned: false }), signed({ signedHeaders: ['From', 'List-Unsubscribe', 'List-Unsubscribe-Post'] })])).toEqual([]);
  });
  it('reads h= from the DKIM-Signature header when the result lacks signedHeaders', async () => {
    const raw = message({ extra: [...ONE_CLICK, 'DKIM-Signature: v=1; a=rsa-sha256; d=shop.example; s=s1;', '  h=From:Subject:List-Unsubscribe:List-Unsubscribe-Post; bh=x; b=y'] });
    expect(await codes(raw, { bulk: true, auth: authOk({ dkim: [signed({ signedHeaders: undefined })] }) })).toEqual([]);
  });
  it('with headers only, judges the h= of aligned signatures since none can verify', async () => {
    expect(await run([signed({ result: 'neutral' })], { headersOnly: true })).toEqual([]);
    const f = await one(message({ extra: ONE_CLICK }), 'header.one-click-unsigned', { bulk: true, headersOnly: true, auth: authOk({ dkim: [signed({ result: 'neutral', signedHeaders: ['from'] })] }) });
    expect(f.detail).toContain('Only headers were given');
  });
});

describe('header.reply-to-mismatch', () => {
  it('is info when Reply-To is in another organisation', async () => {
    const f = await one(message({ extra: ['Reply-To: help@desk.example'] }), 'header.reply-to-mismatch');
    expect(f).toMatchObject({ severity: 'info', title: 'Reply-To is in desk.example, From in shop.example' });
    expect(f.fix).toContain('Reply-To: <support@shop.example>');
  });
  it('is quiet for a Reply-To in a subdomain of the From organisation', async () => {
    expect(await codes(message({ extra: ['Reply-To: help@support.shop.example'] }))).toEqual([]);
    expect(await codes(message({ replace: { from: 'From: news@mail.shop.co.uk' }, extra: ['Reply-To: help@shop.co.uk'] }))).toEqual([]);
  });
});

describe('header.display-name-spoof', () => {
  it('flags an address of another domain in the display name', async () => {
    const f = await one(message({ replace: { from: 'From: "PayPal <service@paypal.com>" <x@evil.example>' } }), 'header.display-name-spoof');
    expect(f.title).toBe('From display name shows service@paypal.com, but the sender is x@evil.example');
    expect(f.fix).toContain('From: "PayPal" <x@evil.example>');
    const g = await one(message({ replace: { from: 'From: "support@bank.example" <a@b.example>' } }), 'header.display-name-spoof');
    expect(g.title).toContain('support@bank.example');
  });
  it('flags a domain name of another organisation in the display name', async () => {
    const f = await one(message({ replace: { from: 'From: "Amazon.com Orders" <orders@deals.example>' } }), 'header.display-name-spoof');
    expect(f.title).toBe('From display name shows amazon.com, but the sender is orders@deals.example');
  });
  it('flags an RFC 2047 encoded display name', async () => {
    expect(await codes(message({ replace: { from: 'From: =?utf-8?Q?support=40bank=2Eexample?= <a@b.example>' } }))).toContain('header.display-name-spoof');
  });
  it('is quiet for the sender\'s own domain or address, and for names that are not domains', async () => {
    for (const from of [
      'From: "Shop.example" <news@mail.shop.example>',
      'From: "news@shop.example" <news@shop.example>',
      'From: "J.R.R. Tolkien" <jrr@books.example>',
      'From: "Acme Inc. v2.0" <a@acme.example>',
      'From: Plain Name <a@acme.example>',
    ]) {
      expect(await codes(message({ replace: { from } })), from).toEqual([]);
    }
  });
});
