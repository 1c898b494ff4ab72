import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLinkCheck, type LinkChecker } from '../../electron/core/qa/link-check';
import { QaInputError, runQa } from '../../electron/core/qa/run';
import { composeAsSent } from '../../electron/core/qa/size';
import type { LinkCheck } from '../../electron/core/qa/types';
import { htmlToText } from '../../electron/core/send/html-text';

// Design QA of whole drafts: the fixtures in test/fixtures/qa carry known problems (and clean.html
// none), each expected with its code and line.

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'qa');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

describe('design QA of fixture drafts', () => {
  it('finds every accessibility problem of a11y-problems.html on its line', async () => {
    const r = await runQa(fixture('a11y-problems.html'), { name: 'a11y-problems.html', clients: ['apple'] });
    expect(r.kind).toBe('html');
    const a11y = r.findings.filter((f) => f.check === 'a11y');
    expect(a11y.map((f) => [f.code, f.lines])).toEqual([
      ['a11y.missing-lang', [2]],
      ['a11y.missing-title', [3]],
      ['a11y.img-no-alt', [18]],
      ['a11y.layout-table', [11, 23]],
      ['a11y.heading-order', [14]],
      ['a11y.vague-link', [20]],
      ['a11y.low-contrast', [24]],
      ['a11y.low-contrast', [15]],
      ['a11y.small-text', [16]],
      ['a11y.all-caps', [17]],
    ]);
    expect(a11y.find((f) => f.lines?.[0] === 15)?.title).toBe('Text in #999999 on #ffffff: contrast 2.85:1, under 4.5:1');
  });

  it('finds the compatibility problems of compat-problems.html, each feature once with its clients and lines', async () => {
    const r = await runQa(fixture('compat-problems.html'), { name: 'compat-problems.html', clients: ['outlook'] });
    const unsupported = r.findings.filter((f) => f.code === 'compat.unsupported').map((f) => [f.title, f.lines]);
    expect(unsupported).toEqual([
      ['display:flex (CSS): not supported in Outlook (Windows, Windows Mail)', [7]],
      ['@media (CSS): not supported in Outlook (Windows, Windows Mail); only partly in Outlook (Outlook.com)', [8]],
      ['<body> element: not supported in Outlook (Mac); only partly in Outlook (Outlook.com)', [11]],
      ['border-radius (CSS): not supported in Outlook (Windows, Windows Mail)', [12, 17]],
      ['background-image (CSS): not supported in Outlook (Windows, Windows Mail)', [12]],
      ['webP image format: not supported in Outlook (Windows, Mac)', [16]],
    ]);
    expect(r.findings.filter((f) => f.check === 'a11y')).toEqual([]);
  });

  it('raises nothing at all on clean.html for Apple Mail, and no accessibility or content finding for any family', async () => {
    expect((await runQa(fixture('clean.html'), { name: 'clean.html', clients: ['apple'] })).findings).toEqual([]);
    const all = await runQa(fixture('clean.html'), { name: 'clean.html' });
    expect(all.clients).toEqual(['gmail', 'outlook', 'apple', 'yahoo', 'samsung', 'thunderbird']);
    expect(all.findings.filter((f) => f.check !== 'compat')).toEqual([]);
    expect(all.findings.some((f) => f.severity === 'critical')).toBe(false);
  });

  it('raises the content lint on a draft: a link whose text shows another domain is critical, on its line', async () => {
    const r = await runQa(fixture('phishing.html'), { name: 'phishing.html', clients: ['apple'] });
    expect(r.findings.map((f) => [f.code, f.severity, f.line])).toEqual([['content.link-mismatch', 'critical', 7]]);
  });

  it('keeps one finding for images without alt text: the accessibility one, with its lines', async () => {
    const r = await runQa(fixture('sale.eml'), { name: 'sale.eml', clients: ['apple'] });
    const codes = r.findings.map((f) => f.code);
    expect(codes).toContain('a11y.img-no-alt');
    expect(codes).not.toContain('content.img-no-alt');
  });
});

describe('input kinds', () => {
  it('compiles MJML and checks the compiled HTML', async () => {
    const r = await runQa(fixture('newsletter.mjml'), { name: 'newsletter.mjml', clients: ['apple'] });
    expect(r.kind).toBe('mjml');
    expect(r.html).toMatch(/^<!doctype html>/i);
    expect(r.html).toContain('lang="en"');
    expect(r.subject).toBe('Weekly news');
    expect(r.text).toContain('Read issue 12 (https://news.example.com/issue/12)');
    // mj-button's default font size is 13 px: the finding is on the button's text in the compiled HTML.
    const small = r.findings.find((f) => f.code === 'a11y.small-text');
    expect(small?.title).toBe('Text smaller than 14 px in 1 place (smallest 13 px)');
    expect(r.html.split('\n')[(small?.line ?? 0) - 1]?.trim()).toBe('Read issue 12');
  });

  it('refuses MJML that does not compile, with each error and its line', async () => {
    const err = await runQa(fixture('broken.mjml'), { name: 'broken.mjml' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QaInputError);
    expect((err as QaInputError).code).toBe('mjml');
    expect((err as QaInputError).details).toEqual([
      { line: 6, message: 'Attribute colour is illegal (<mj-text>)' },
      { line: 8, message: "Element mj-bogus doesn't exist or is not registered (<mj-bogus>)" },
    ]);
    expect((err as Error).message).toBe("The MJML does not compile: line 6: Attribute colour is illegal (<mj-text>); line 8: Element mj-bogus doesn't exist or is not registered (<mj-bogus>)");
  });

  it('reads a message: its HTML part and its own text part, measured as transferred, lines in the HTML part', async () => {
    const r = await runQa(fixture('sale.eml'), { name: 'sale.eml', clients: ['apple'] });
    expect(r.kind).toBe('eml');
    expect(r.subject).toBe('Spring sale: 20% off');
    expect(r.html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(r.text).toBe('Spring sale: 20% off everything until Sunday.\nShop now: https://shop.example.com/sale\n');
    expect(r.textGenerated).toBe(false);
    expect(r.transferEncoding).toBe('quoted-printable');
    // The quoted-printable part as it sits in the file, "=3D" and all.
    const raw = fixture('sale.eml').toString('latin1');
    const part = raw.slice(raw.indexOf('<!DOCTYPE'), raw.lastIndexOf('\n--b1--'));
    expect(r.htmlBytes).toBe(Buffer.byteLength(part));
    expect(r.findings.find((f) => f.code === 'a11y.img-no-alt')?.lines).toEqual([7]);
  });

  it('tells the kind by the first bytes when there is no file name', async () => {
    expect((await runQa(fixture('newsletter.mjml'))).kind).toBe('mjml');
    expect((await runQa(fixture('sale.eml'))).kind).toBe('eml');
    expect((await runQa(fixture('clean.html'))).kind).toBe('html');
  });

  it('refuses what it cannot check, in words', async () => {
    const refusal = (bytes: Buffer, name?: string) =>
      runQa(bytes, name ? { name } : {}).then(
        () => 'accepted',
        (e: Error) => `${(e as QaInputError).code}: ${e.message}`,
      );
    expect(await refusal(Buffer.from('   \n'), 'empty.html')).toBe('empty: The HTML file is empty.');
    expect(await refusal(Buffer.from([0x3c, 0x70, 0x3e, 0, 0, 1]), 'x.html')).toBe('binary: The HTML file contains NUL bytes: it is a binary file, not HTML.');
    expect(await refusal(Buffer.alloc(21 * 1024 * 1024, 0x61), 'big.html')).toBe('too-large: The HTML file is 21.0 MB; drafts over 20 MB are not checked (a test send takes no larger HTML either).');
    expect(await refusal(Buffer.from('Subject: hi\r\nContent-Type: text/plain\r\n\r\nJust text.\r\n'), 'plain.eml')).toMatch(/^no-html: The message has no HTML part/);
    expect(await refusal(Buffer.from('Subject: only headers\r\n'), 'h.eml')).toBe('no-html: The message has only headers: design QA needs its body.');
  });
});

describe('size and weight', () => {
  it('measures the HTML as a test send transfers it, and carries the text part the send generates', async () => {
    const html = '<!DOCTYPE html>\n<html lang="en">\n<head><title>T</title></head>\n<body><p style="color:#222">Caf\u00e9 = coffee</p></body>\n</html>\n';
    const r = await runQa(Buffer.from(html), { name: 'cafe.html', clients: ['apple'] });
    expect(r.sourceBytes).toBe(Buffer.byteLength(html));
    expect(r.text).toBe(htmlToText(html));
    expect(r.textGenerated).toBe(true);
    expect(r.clip).toBeNull();
    // The HTML part of the message the send builds, cut out by its boundary: quoted-printable, every
    // "=" of the HTML an "=3D", CRLF line ends.
    const sent = (await composeAsSent(html, r.text)).toString('latin1');
    const boundary = /boundary="([^"]+)"/.exec(sent)?.[1] as string;
    const part = sent.split(`--${boundary}`).find((p) => p.includes('Content-Type: text/html')) as string;
    const body = part.slice(part.indexOf('\r\n\r\n') + 4, -2);
    expect(body).toContain('<html lang=3D"en">\r\n');
    expect(r.transferEncoding).toBe('quoted-printable');
    expect(r.htmlBytes).toBe(Buffer.byteLength(body, 'latin1'));
    expect(r.htmlBytes).toBeGreaterThan(r.sourceBytes);
  });

  it('finds where Gmail clips a draft: the line and byte at 102,000 bytes as sent', async () => {
    // 7-bit lines of 49 characters: 51 bytes each as sent (CRLF), so 102,000 bytes end exactly after line 2,000.
    const line = `<p>${'x'.repeat(42)}</p>`;
    const html = `${Array.from({ length: 2500 }, () => line).join('\n')}\n`;
    const r = await runQa(Buffer.from(html), { name: 'long.html', clients: ['apple'] });
    expect(r.transferEncoding).toBe('7bit');
    expect(r.htmlBytes).toBe(2500 * 51);
    expect(r.clip).toEqual({ limit: 102_000, byteOffset: 2000 * 50, line: 2001 });
    const clipping = r.findings.find((f) => f.code === 'content.gmail-clipping');
    expect(clipping?.line).toBe(2001);
    expect(clipping?.evidence).toBe('127500 bytes > 102000; the clip falls at byte 100,000 of the HTML, line 2001');
  });

  it('finds where Gmail clips a message whose HTML part is base64', async () => {
    // base64 lines of 76 characters carry 57 bytes and take 78 with CRLF: 102,000 bytes are 1,307
    // whole lines (74,499 bytes of HTML) and 54 characters more: 13 groups of 4 (39 bytes) and 2
    // characters, whose 12 bits hold one byte more.
    const html = `<!DOCTYPE html><html lang="en"><head><title>Long</title></head><body><p>${'word '.repeat(40_000)}</p></body></html>`;
    const b64 = Buffer.from(html).toString('base64').replace(/.{76}/g, '$&\r\n');
    const eml = `From: a@x.test\r\nTo: b@x.test\r\nSubject: Long\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n`;
    const r = await runQa(Buffer.from(eml), { name: 'long.eml', clients: ['apple'] });
    expect(r.clip).toEqual({ limit: 102_000, byteOffset: 74_499 + 40, line: 1 });
  });

  it('writes the HTML with its <style> rules inlined, only when asked', async () => {
    const r = await runQa(fixture('a11y-problems.html'), { name: 'a11y-problems.html', clients: ['apple'], inlineCss: true });
    expect(r.inlinedHtml).toMatch(/<p class="muted" style="color: #999999;?">/);
    expect(r.inlinedHtml).not.toContain('.muted {');
    expect((await runQa(fixture('a11y-problems.html'), { clients: ['apple'] })).inlinedHtml).toBeUndefined();
  });
});

describe('links', () => {
  it('lists the draft’s links and images, List-Unsubscribe and unsubscribe links marked, each URL once', async () => {
    const r = await runQa(fixture('sale.eml'), { clients: ['apple'] });
    expect(r.linkTargets).toEqual([
      { url: 'https://shop.example.com/u/7f3a9c', kind: 'link', text: 'List-Unsubscribe', unsubscribe: true },
      { url: 'https://cdn.shop.example.com/sale.jpg', kind: 'image', line: 7 },
      { url: 'https://shop.example.com/sale', kind: 'link', text: 'Shop the spring sale', line: 8 },
      { url: 'https://shop.example.com/unsubscribe', kind: 'link', text: 'Unsubscribe', line: 9, unsubscribe: true },
    ]);
    expect(r.links).toBeUndefined();
  });

  it('hands the checker every URL but the unsubscribe ones, which are listed as not opened', async () => {
    const asked: string[] = [];
    const checker: LinkChecker = {
      async checkLinks(links) {
        asked.push(...links.map((l) => l.url));
        return links.map((l): LinkCheck => ({ url: l.url, kind: l.kind, status: 200, finalUrl: l.url, ms: 5, requested: true, hops: [] }));
      },
      linkFindings: (checks) => checks.filter((c) => c.kind === 'image').map((c) => ({ code: 'content.http-link', severity: 'info', check: 'content', title: `Image ${c.url}`, detail: 'x' })),
    };
    const r = await runQa(fixture('sale.eml'), { clients: ['apple'], links: { checker, allowPrivate: false } });
    expect(asked).toEqual(['https://cdn.shop.example.com/sale.jpg', 'https://shop.example.com/sale']);
    expect(r.links?.map((l) => [l.url, l.requested, l.reason ?? null])).toEqual([
      ['https://shop.example.com/u/7f3a9c', false, 'unsubscribe'],
      ['https://cdn.shop.example.com/sale.jpg', true, null],
      ['https://shop.example.com/sale', true, null],
      ['https://shop.example.com/unsubscribe', false, 'unsubscribe'],
    ]);
    // A link finding that quotes a URL of the draft is put on its line.
    expect(r.findings.find((f) => f.title === 'Image https://cdn.shop.example.com/sale.jpg')?.line).toBe(7);
  });

  it('never calls the checker when every URL is an unsubscribe one', async () => {
    let called = false;
    const checker: LinkChecker = {
      async checkLinks() {
        called = true;
        return [];
      },
      linkFindings: () => [],
    };
    const run = await runLinkCheck([{ url: 'https://x.test/opt-out?u=1', kind: 'link', unsubscribe: true }], { allowPrivate: false }, checker);
    expect(called).toBe(false);
    expect(run.links).toEqual([{ url: 'https://x.test/opt-out?u=1', kind: 'link', status: null, finalUrl: null, ms: 0, requested: false, hops: [], reason: 'unsubscribe' }]);
  });
});

describe('by-products', () => {
  it('reads a hostile draft nested a hundred thousand deep, and says the structure was read to a depth', async () => {
    const html = `<html lang="en"><head><title>Deep</title></head><body>${'<div>'.repeat(100_000)}deep text${'</div>'.repeat(100_000)}</body></html>`;
    const r = await runQa(Buffer.from(html), { clients: ['apple'] });
    expect(r.notes).toContain('Elements are nested more than 200 deep: the checks read the structure down to that depth.');
    expect(r.text).toBe('deep text\n');
  });
});
