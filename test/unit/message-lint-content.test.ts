import { afterEach, describe, expect, it, vi } from 'vitest';
import { GMAIL_CLIP_BYTES, lintContent, looksLikePostalAddress, mimeLeaves, shownHost } from '../../electron/core/message/content-lint';
import { scanHtml } from '../../electron/core/message/html-scan';
import { lintInput, msg } from '../helpers/message-lint-input';

const HEAD = ['From: Shop <news@shop.example>', 'To: reader@inbox.example', 'Date: Thu, 26 Nov 2026 09:58:00 +0000', 'Message-ID: <c.1@shop.example>', 'Subject: Offer', 'MIME-Version: 1.0'];
const FOOTER = '<p>Shop Ltd, 123 Main Street, Springfield, IL 62701</p><p><a href="https://shop.example/unsub">Unsubscribe</a></p>';

/** RFC 2045 §6.7 quoted-printable, enough for tests: every non-ASCII byte and "=" as =XX, 76-column lines. */
function qp(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const lines: string[] = [];
  let line = '';
  for (const b of bytes) {
    const piece = b === 0x0a ? '\n' : b < 0x20 || b > 0x7e || b === 0x3d ? `=${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
    if (piece === '\n') {
      lines.push(line);
      line = '';
      continue;
    }
    if (line.length + piece.length > 75) {
      lines.push(`${line}=`);
      line = '';
    }
    line += piece;
  }
  lines.push(line);
  return lines.join('\r\n');
}

/** multipart/alternative with a text part (unless text is null) and a quoted-printable HTML part. */
function alternative(html: string, text: string | null = 'Hello, see our offer. Unsubscribe: https://shop.example/unsub', extra: string[] = []): string {
  return msg(
    ...HEAD,
    ...extra,
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    'preamble',
    ...(text === null ? [] : ['--b1', 'Content-Type: text/plain; charset=utf-8', '', text]),
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    qp(html),
    '--b1--',
    '',
  );
}

const htmlOnly = (html: string, cte = '8bit') => msg(...HEAD, 'Content-Type: text/html; charset=utf-8', `Content-Transfer-Encoding: ${cte}`, '', html, '');

const run = async (raw: string, over: Parameters<typeof lintInput>[1] = {}) => lintContent(await lintInput(raw, over));
const codes = async (raw: string, over: Parameters<typeof lintInput>[1] = {}) => (await run(raw, over)).findings.map((f) => f.code);
const one = async (raw: string, code: string, over: Parameters<typeof lintInput>[1] = {}) => {
  const fs = (await run(raw, over)).findings.filter((f) => f.code === code);
  expect(fs).toHaveLength(1);
  return fs[0] as NonNullable<(typeof fs)[0]>;
};

const TEXT = `<p>${'Our autumn collection is here, with new colours and fabrics for every season. '.repeat(8)}</p>`;

afterEach(() => vi.restoreAllMocks());

describe('content summary', () => {
  it('lists parts, links, images and attachments without fetching anything', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const raw = msg(
      ...HEAD,
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Plain text.',
      '--inner',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(`<p>Hi <a href="https://www.shop.example/a?x=1&amp;y=2"> Our  <b>shop</b> </a> <a href="javascript:alert(1)">js</a> <a href="mailto:help@shop.example">mail</a></p><img src="https://cdn.shop.example/hero.png" alt="Autumn" width="600" height="300">${TEXT}`).toString('base64'),
      '--inner--',
      '--outer',
      'Content-Type: application/pdf; name="terms.pdf"',
      'Content-Disposition: attachment; filename="terms.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4 test').toString('base64'),
      '--outer--',
      '',
    );
    const { content, findings } = await run(raw);
    expect(content).toMatchObject({ textPart: true, htmlPart: true, text: 'Plain text.' });
    expect(content.links).toEqual([
      { href: 'https://www.shop.example/a?x=1&y=2', text: 'Our shop', domain: 'www.shop.example' },
      { href: 'javascript:alert(1)', text: 'js', domain: null },
      { href: 'mailto:help@shop.example', text: 'mail', domain: null },
    ]);
    expect(content.images).toEqual([{ src: 'https://cdn.shop.example/hero.png', alt: 'Autumn', width: '600', height: '300' }]);
    expect(content.attachments).toEqual([{ filename: 'terms.pdf', contentType: 'application/pdf', size: 13 }]);
    expect(content.html).toContain('<a href="https://www.shop.example/a?x=1&amp;y=2">');
    // The base64 text as sent: 4/3 of the decoded size plus line breaks.
    const decoded = Buffer.byteLength(content.html ?? '');
    expect(content.htmlTransferBytes).toBeGreaterThanOrEqual(Math.floor((decoded * 4) / 3));
    expect(findings.map((f) => f.code)).toEqual([]);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('gives an empty summary and no findings for headers only', async () => {
    const r = await run(msg(...HEAD, '', ''), { headersOnly: true, bulk: true });
    expect(r).toEqual({ findings: [], content: { textPart: false, htmlPart: false, htmlTransferBytes: 0, links: [], images: [], attachments: [] } });
  });

  it('finds parts in broken MIME: no closing delimiter, a boundary that never comes, LF line ends', () => {
    const unclosed = Buffer.from('Content-Type: multipart/alternative; boundary=x\n\n--x\nContent-Type: text/plain\n\nhi\n--x\nContent-Type: text/html\n\n<p>hi</p>\n');
    expect(mimeLeaves(unclosed).map((l) => l.type)).toEqual(['text/plain', 'text/html']);
    const never = Buffer.from('Content-Type: multipart/mixed; boundary=zzz\n\nno parts here\n');
    expect(mimeLeaves(never)).toEqual([]);
    const lookalike = Buffer.from('Content-Type: multipart/mixed; boundary=ab\r\n\r\n--abc\r\nnot a part\r\n--ab\r\nContent-Type: text/html\r\n\r\n<b>x</b>\r\n--ab--\r\n');
    const leaves = mimeLeaves(lookalike);
    expect(leaves.map((l) => l.type)).toEqual(['text/html']);
    expect(lookalike.subarray(leaves[0]?.start, leaves[0]?.end).toString()).toBe('<b>x</b>');
  });
});

describe('content.no-text-part', () => {
  it('is raised for HTML without text/plain, even though mailparser derives a text', async () => {
    const f = await one(htmlOnly(`<p>Hi</p>${TEXT}`), 'content.no-text-part');
    expect(f.fix).toContain('multipart/alternative');
  });
  it('is quiet with a text part, and for text-only mail', async () => {
    expect(await codes(alternative(`<p>Hi</p>${TEXT}`))).not.toContain('content.no-text-part');
    expect(await codes(msg(...HEAD, 'Content-Type: text/plain', '', 'Just text.', ''))).toEqual([]);
  });
});

describe('content.gmail-clipping', () => {
  it('measures the HTML as transferred: 70 KB of text is over 102 KB in quoted-printable', async () => {
    const html = `<p>${'é'.repeat(35_000)}</p>`;
    expect(Buffer.byteLength(html)).toBeLessThan(GMAIL_CLIP_BYTES);
    const r = await run(alternative(html));
    expect(r.content.htmlTransferBytes).toBeGreaterThan(200_000);
    const f = r.findings.find((x) => x.code === 'content.gmail-clipping');
    expect(f?.title).toMatch(/^HTML part is \d+ KB as transferred: Gmail clips it$/);
    expect(f?.detail).toContain('quoted-printable encoded');
  });
  it('counts base64 growth, and is quiet under the limit', async () => {
    const big = `<p>${'a'.repeat(80_000)}</p>`;
    expect(await codes(htmlOnly(Buffer.from(big).toString('base64').replace(/.{76}/g, '$&\r\n'), 'base64'))).toContain('content.gmail-clipping');
    expect(await codes(htmlOnly(big))).not.toContain('content.gmail-clipping');
  });
});

describe('images: content.img-no-alt, content.image-heavy, content.tracking-pixel', () => {
  it('flags images without alt, not those with alt="" or pixels', async () => {
    const f = await one(alternative(`<img src="https://cdn.shop.example/a.png"><img src="https://cdn.shop.example/b.png" alt=""><img src="https://t.shop.example/o.gif" width="1" height="1">${TEXT}`), 'content.img-no-alt');
    expect(f).toMatchObject({ severity: 'info', title: '1 image without alt text', evidence: 'https://cdn.shop.example/a.png' });
  });
  it('flags a message that is one picture, and many pictures with little text', async () => {
    const f = await one(alternative('<img src="https://cdn.shop.example/flyer.png" alt="Sale"><p>Buy now</p>'), 'content.image-heavy');
    expect(f.title).toBe('1 image and 7 characters of text');
    const many = Array.from({ length: 10 }, (_, i) => `<img src="https://cdn.shop.example/${i}.png" alt="p${i}">`).join('');
    expect(await codes(alternative(`${many}${TEXT}`))).toContain('content.image-heavy');
  });
  it('is quiet for one image with real text, and ignores hidden text in its count', async () => {
    expect(await codes(alternative(`<img src="https://cdn.shop.example/a.png" alt="A">${TEXT}`))).toEqual([]);
    expect(await codes(alternative(`<img src="https://cdn.shop.example/a.png" alt="A"><div style="display:none">${TEXT}</div><style>${'p{color:red}'.repeat(100)}</style>`))).toContain('content.image-heavy');
  });
  it('reports 1x1, zero-sized and hidden remote images as tracking pixels', async () => {
    const f = await one(
      alternative(`${TEXT}<img src="https://t.shop.example/o.gif" width="1" height="1" alt=""><img src="//t.esp.example/p" style="width:0px;height:0px"><div style="display: none"><img src="https://t.esp.example/h.gif" alt=""></div>`),
      'content.tracking-pixel',
    );
    expect(f).toMatchObject({ severity: 'info', title: '3 tracking pixels' });
  });
  it('does not call embedded or real-sized images pixels', async () => {
    expect(await codes(alternative(`${TEXT}<img src="cid:logo" width="1" height="1" alt=""><img src="https://cdn.shop.example/a.png" width="600" height="1" alt="">`))).toEqual([]);
  });
});

describe('content.link-mismatch', () => {
  it('is critical when the text shows a URL on another domain than the href', async () => {
    const f = await one(alternative(`${TEXT}<a href="https://evil.example/login">https://www.paypal.com/signin</a>`), 'content.link-mismatch');
    expect(f).toMatchObject({ severity: 'critical', title: 'Link text shows www.paypal.com but goes to evil.example' });
    expect(f.evidence).toBe('<a href="https://evil.example/login">https://www.paypal.com/signin</a>');
  });
  it('catches a bare domain as text and the userinfo trick in the text', async () => {
    expect(await codes(alternative(`${TEXT}<a href="https://click.esp.example/r/1">paypal.com</a>`))).toContain('content.link-mismatch');
    expect(shownHost('https://paypal.com@evil.example/')).toBe('evil.example');
    expect(shownHost('Visit www.bank.example today')).toBeNull();
    expect(shownHost('(www.bank.co.uk.)')).toBe('www.bank.co.uk');
    // A bare name counts only under a real public suffix: reserved test names do not.
    expect(shownHost('bank.example')).toBeNull();
  });
  it('is quiet for text on the same organisation, plain words, file names and non-web links', async () => {
    const links = [
      '<a href="https://www.shop.example/x">shop.example</a>',
      '<a href="https://shop.example/x">https://go.shop.example/x</a>',
      '<a href="https://shop.example/">Click here</a>',
      '<a href="https://shop.example/doc">index.html</a>',
      '<a href="javascript:void(0)">https://paypal.com</a>',
      '<a href="mailto:a@shop.example">a@shop.example</a>',
    ].join(' ');
    expect(await codes(alternative(`${TEXT}${links}`))).toEqual([]);
  });
});

describe('content.url-shortener and content.http-link', () => {
  it('flags public shorteners in HTML and in the text part', async () => {
    const f = await one(alternative(`${TEXT}<a href="https://bit.ly/3abc">offer</a>`, 'See https://tinyurl.com/xyz and unsubscribe at https://shop.example/u'), 'content.url-shortener');
    expect(f.title).toBe('2 links through a public URL shortener');
    expect(f.detail).toContain('bit.ly, tinyurl.com');
  });
  it('is quiet for lookalike domains that are not shorteners', async () => {
    expect(await codes(alternative(`${TEXT}<a href="https://bitly.example/x">offer</a> <a href="https://t.co.example/">x</a>`))).toEqual([]);
  });
  it('lists plain http links as info, with the https form as the fix', async () => {
    const f = await one(alternative(`${TEXT}<a href="http://shop.example/offer">offer</a>`), 'content.http-link');
    expect(f).toMatchObject({ severity: 'info', fix: 'Serve the pages over HTTPS and change the links to https:, e.g. https://shop.example/offer' });
    expect(await codes(alternative(`${TEXT}<a href="https://shop.example/offer">offer</a>`))).toEqual([]);
  });
});

describe('content.no-unsubscribe-link (bulk)', () => {
  it('is raised for bulk mail without any way out', async () => {
    const f = await one(alternative(`${TEXT}<p>Shop Ltd, 123 Main Street, Springfield, IL 62701</p>`, 'Our offer.'), 'content.no-unsubscribe-link', { bulk: true });
    expect(f.fix).toContain('<a href="https://shop.example/unsubscribe?u=RECIPIENT_TOKEN">Unsubscribe</a>');
  });
  it('finds the way out in seven languages, in text, link text or link target', async () => {
    const ways = [
      '<a href="https://shop.example/x">Newsletter abbestellen</a>',
      '<a href="https://shop.example/x">Abmelden</a>',
      '<p>Pour vous désinscrire, cliquez ici</p>',
      '<a href="https://shop.example/x">Se désabonner</a>',
      '<p>Para darse de baja pulse aquí</p>',
      '<a href="https://shop.example/x">Afmelden</a>',
      '<a href="https://shop.example/x">Disiscriviti</a>',
      '<a href="https://shop.example/x">Descadastre-se</a>',
      '<a href="https://shop.example/x">Manage your email preferences</a>',
      '<a href="https://shop.example/x">Opt out</a>',
      '<a href="https://shop.example/unsubscribe?id=1">here</a>',
    ];
    for (const way of ways) {
      expect(await codes(alternative(`${TEXT}<p>Shop Ltd, 123 Main Street, Springfield, IL 62701</p>${way}`, 'Offer.'), { bulk: true }), way).toEqual([]);
    }
  });
  it('is not raised for personal mail', async () => {
    expect(await codes(alternative(TEXT, 'Offer.'))).toEqual([]);
  });
});

describe('content.no-postal-address (bulk)', () => {
  it('is raised for bulk mail without an address, citing CAN-SPAM', async () => {
    const f = await one(alternative(`${TEXT}<p>Join 3 million people in our court of fans. <a href="https://shop.example/u">Unsubscribe</a></p>`, 'Offer. Unsubscribe.'), 'content.no-postal-address', { bulk: true });
    expect(f.refs).toEqual(['15 U.S.C. §7704(a)(5)(A)(iii)']);
  });
  it('is quiet with an address in the footer', async () => {
    expect(await codes(alternative(`${TEXT}${FOOTER}`, 'Offer.'), { bulk: true })).toEqual([]);
  });
  it('recognises US, UK and European address formats', () => {
    for (const address of [
      '123 Main Street, Springfield',
      'Springfield, IL 62701',
      '10 Downing St, London',
      'London SW1A 2AA',
      'PO Box 1234, Anytown',
      'Hauptstraße 5, 10115 Berlin',
      'Keizersgracht 123, Amsterdam',
      '1012 AB Amsterdam',
      '12 rue de la Paix, 75002 Paris',
      'Calle Mayor 5, 28013 Madrid',
      'Via Roma 10, 00184 Roma',
      'Rua Augusta 27, 1100-048 Lisboa',
      'Postfach 1234, Berlin',
    ]) {
      expect(looksLikePostalAddress(`Thanks for reading. ${address}. See you soon.`), address).toBe(true);
    }
  });
  it('does not take ordinary sentences for addresses', () => {
    for (const text of ['Save 20% on 3 items this week', 'Join 3 million people in our court', 'We sent it via email 24 hours ago', 'Order 12345 shipped on Monday', 'Version 2.0 is out']) {
      expect(looksLikePostalAddress(text), text).toBe(false);
    }
  });
});

describe('hostile HTML', () => {
  // Its speed (under a second) is a bound of `npm run bench -- messages`.
  it('scans 10 MB of nested divs to the end', async () => {
    const html = `<html><body>${'<div>'.repeat(2_000_000)}deep text${'</div>'.repeat(100)}`;
    expect(html.length).toBeGreaterThan(10_000_000);
    const input = await lintInput(htmlOnly('<p>small</p>'));
    input.raw = Buffer.from(htmlOnly(html));
    const r = await lintContent(input);
    expect(r.content.htmlTransferBytes).toBeGreaterThan(10_000_000);
    expect(r.findings.map((f) => f.code)).toEqual(['content.no-text-part', 'content.gmail-clipping']);
  }, 30_000);

  it('decodes character references as a browser reads them: legacy names in text, attribute rules in values, none in raw text', () => {
    const scan = scanHtml(
      [
        '<p>&copy 2026 Caf&eacute;&nbsp;Ltd &AMP; co &#x1F600; &#0; &notit; &bogus;</p>',
        // In an attribute a legacy name followed by "=" or an alphanumeric stays as written (HTML §13.2.5.73).
        '<a href="https://shop.example/?a=1&copy=2&amp;b=3&lt;">Shop &gt; now</a>',
        '<img src="https://cdn.example/p.gif" alt="Caf&eacute; &quot;menu&quot;">',
        // Raw text (xmp) keeps its references; a textarea (RCDATA) decodes them.
        '<xmp>&amp; stays</xmp><textarea>&lt;typed&gt;</textarea>',
        '<style>p:after{content:"&amp;"}</style><script>var a = "&amp;";</script>',
      ].join(''),
    );
    expect(scan.visibleText).toBe('© 2026 Café Ltd & co 😀 \uFFFD ¬it; &bogus; Shop > now &amp; stays<typed>');
    expect(scan.links).toEqual([{ href: 'https://shop.example/?a=1&copy=2&b=3<', text: 'Shop > now', domain: 'shop.example' }]);
    expect(scan.images[0]?.alt).toBe('Café "menu"');
  });

  it('keeps its caps on decoded text: padding made of references hides nothing, and a URL after a long sentence is still seen', () => {
    // A hiding style pushed back by 820 encoded spaces is still read.
    const padded = scanHtml(`<img src="https://t.example/o.gif" style="${'&#32;'.repeat(820)}display:none"><div style="${'&#32;'.repeat(820)}display:none">secret</div>shown`);
    expect(padded.images[0]?.hidden).toBe(true);
    expect(padded.visibleText).toBe('shown');
    // The URL a link shows after 298 characters and a reference is still found in its text.
    const long = scanHtml(`<a href="https://e.example/">${'x'.repeat(298)}&amp; https://b.example</a>`);
    expect(long.links[0]?.text.endsWith('& https://b.example')).toBe(true);
    expect(shownHost(long.links[0]?.text ?? '')).toBe('b.example');
    // A reference at the alt cap is decoded whole; alt keeps 4096 characters.
    expect(scanHtml(`<img alt="${'x'.repeat(4094)}&amp;">`).images[0]?.alt?.slice(-2)).toBe('x&');
    expect(scanHtml(`<img alt="${'x'.repeat(5000)}">`).images[0]?.alt).toHaveLength(4096);
    // The first 256 KiB of visible text and the last: the window ends at 256 KiB whatever the runs of text.
    const wide = scanHtml(`<p>${'a'.repeat(262_144)}&amp;b</p>`);
    expect(wide.visibleText).toBe(`${'a'.repeat(262_144)} … &b`);
  });

  // Its speed (under 3 s) is a bound of `npm run bench -- messages`.
  it('survives unclosed tags, javascript: links, entities and a million links', () => {
    const scan = scanHtml(
      `<a href="javascript:fetch('https://x')">&lt;script&gt; &amp;amp; &#x41;&#65;&nbsp;&unknown; <a href=https://a.example/&#x3C;>x<img src=x onerror=alert(1)<table><tr><td><b><i><script>document.write('<a href=https://b.example>')</script>${'<a href="https://c.example/">c'.repeat(1_000_000)}`,
    );
    expect(scan.links).toHaveLength(2000);
    expect(scan.links[0]).toEqual({ href: "javascript:fetch('https://x')", text: '<script> &amp; AA &unknown;', domain: null });
    expect(scan.links[1]?.href).toBe('https://a.example/<');
    expect(scan.links.some((l) => l.href.includes('b.example'))).toBe(false);
  }, 30_000);
});
