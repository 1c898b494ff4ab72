/**
 * The fast paths of message analysis give what the code they replaced gave.
 *
 * Each rewrite for speed (issue 4) is checked against the straightforward version it replaced, kept
 * here as the reference, on hand-picked edge cases and on seeded random input: results are a
 * contract, so a fast path may never change one. No timing here.
 */
import { describe, expect, it } from 'vitest';
import { hostOf, scanHtml } from '../../electron/core/message/html-scan';
import { parseReceived } from '../../electron/core/message/hops';
import { classifyInput, parseHeaderBlock, type HeaderField } from '../../electron/core/message/input';
import { decodeCharset, decodeLeaf, parseParams, walkMime, type MimeLeaf } from '../../electron/core/message/mime';
import { parseAuthResults } from '../../electron/core/message/receiver';

/** A small deterministic generator (xorshift32): the same cases on every run. */
function random(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const text = (alphabet: readonly string[], max: number) => Array.from({ length: Math.floor(next() * max) }, () => pick(alphabet)).join('');
  return { next, pick, text };
}

// ---------------------------------------------------------------------------------------------
// The references: the code as it was before the fast paths.

function referenceHostOf(href: string): string | null {
  const h = href.trim();
  if (!/^(?:https?:)?\/\//i.test(h)) return null;
  try {
    const url = new URL(h.startsWith('//') ? `https:${h}` : h);
    return url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase() || null;
  } catch {
    return null;
  }
}

function referenceParseHeaderBlock(text: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) {
      (fields[fields.length - 1] as HeaderField).value += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).replace(/^[ \t]+/, '') });
  }
  for (const f of fields) f.value = f.value.replace(/[ \t]+$/, '');
  return fields;
}

function referenceQuotedPrintable(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/=[ \t]*\r?\n/g, '');
  const out: number[] = [];
  const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d && i + 2 < text.length && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c & 0xff);
  }
  return Buffer.from(out);
}

function referencePartHeaders(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(colon + 1).trim());
  }
  return out;
}

function referenceStripComments(text: string): { text: string; comments: string[] } {
  const comments: string[] = [];
  let out = '';
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (depth === 0) {
      if (c === '"') quoted = !quoted;
      if (c === '(' && !quoted) {
        depth = 1;
        current = '';
        continue;
      }
      out += c;
    } else if (c === '\\') {
      current += text[i + 1] ?? '';
      i++;
    } else if (c === '(') {
      depth++;
      current += c;
    } else if (c === ')') {
      depth--;
      if (depth === 0) comments.push(current.trim());
      else current += c;
    } else current += c;
  }
  return { text: out, comments };
}

// ---------------------------------------------------------------------------------------------

describe('hostOf: the plain-URL fast path gives what new URL() gives', () => {
  const edges = [
    'https://example.com',
    'HTTPS://WWW.Example.COM/Path?q=1#f',
    '//cdn.example.net/x.png',
    'http://shop.example.co.uk:8080/a',
    'http://shop.example.co.uk:/a',
    'http://shop.example.co.uk:99999/a',
    'http://shop.example.co.uk:65535',
    'https://example.com./',
    'https://example.com../',
    'https://a..b/',
    'https://paypal.com@evil.example/',
    'https://user:pw@host.example:81/',
    'https://192.0.2.1/',
    'https://0x7f.1/',
    'https://example.123/',
    'https://example.0x1f./',
    'https://example.09/',
    'https://[2001:db8::1]/',
    'https://xn--bcher-kva.example/',
    'https://xn--zz.example/',
    'https://exa%6dple.com/',
    'https://ex\tample.com/',
    'https://example.com\\evil.example/',
    'https://-.example/',
    'https://under_score.example/',
    'https:///path',
    'https://',
    'http:example.com',
    'mailto:a@example.com',
    'https://bücher.example/',
    'https://example.com?x',
    'https://example.com#x',
    `https://${'a'.repeat(70)}.example/`,
  ];
  it('on hand-picked edge cases', () => {
    for (const href of edges) expect(hostOf(href), href).toBe(referenceHostOf(href));
  });

  it('on 20,000 generated URLs', () => {
    const r = random(4);
    const hostChars = ['a', 'B', 'z', '0', '9', '-', '.', '.', '_', 'x', 'n', '%', '@', ':', '[', ']', 'é', ' '];
    for (let i = 0; i < 20_000; i++) {
      const scheme = r.pick(['http://', 'https://', 'HTTP://', '//', 'ftp://', 'https:/', '']);
      const host = r.text(hostChars, 14);
      const tail = r.pick(['', '/', '/a/b?c=d', ':80/', ':8x/', ':123456', '?q', '#f', '\\x', ' /x', ':']);
      const href = `${r.pick(['', ' '])}${scheme}${host}${tail}`;
      expect(hostOf(href), href).toBe(referenceHostOf(href));
    }
  });
});

describe('parseHeaderBlock without regular expressions', () => {
  it('unfolds exactly as the line-split version did, on 5,000 generated blocks', () => {
    const r = random(7);
    const pieces = ['From', 'X-A', 'a', ':', ': ', '  ', '\t', '\r\n', '\n', '\r', ' x', 'value', '\r\n ', '\n\t', '::', 'é'];
    for (let i = 0; i < 5000; i++) {
      const block = r.text(pieces, 30);
      expect(parseHeaderBlock(block), JSON.stringify(block)).toEqual(referenceParseHeaderBlock(block));
    }
  });
});

describe('the blank line after the header block, found by two native searches', () => {
  const referenceBodyOffset = (raw: Buffer): number | null => {
    for (let from = 0; ; ) {
      const lf = raw.indexOf(0x0a, from);
      if (lf < 0) return null;
      if (raw[lf + 1] === 0x0a) return lf + 2;
      if (raw[lf + 1] === 0x0d && raw[lf + 2] === 0x0a) return lf + 3;
      from = lf + 1;
    }
  };
  it('in small and in header blocks past 16 KB, with either line end and mixed ones', () => {
    const r = random(53);
    for (let i = 0; i < 400; i++) {
      const eol = () => r.pick(['\r\n', '\n', '\r\n', '\n']);
      const lines = Array.from({ length: 1 + Math.floor(r.next() * (r.next() < 0.3 ? 900 : 20)) }, (_, k) => `X-H${k}: ${'v'.repeat(Math.floor(r.next() * 40))}${eol()}`);
      const blank = r.pick(['\r\n', '\n', '']);
      // Without a blank line everything is header: no body may follow, or the block is cut mid-line.
      const body = blank ? r.pick(['body\r\n', 'body\n\nmore\r\n\r\n', '']) : '';
      const raw = Buffer.from(`From: a@b.example${eol()}${lines.join('')}${blank}${body}`, 'latin1');
      const got = classifyInput(raw);
      const offset = referenceBodyOffset(raw);
      const bodyIsEmpty = offset === null || raw.subarray(offset).every((b) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a);
      expect(got.bodyOffset, `case ${i}`).toBe(bodyIsEmpty ? null : offset);
      expect(got.headersOnly, `case ${i}`).toBe(bodyIsEmpty);
    }
  });
});

describe('quoted-printable straight from the bytes', () => {
  const decode = (text: string, charset = 'iso-8859-1') => {
    const raw = Buffer.from(text, 'latin1');
    const leaf: MimeLeaf = { type: 'text/plain', charset, encoding: 'quoted-printable', disposition: null, filename: null, start: 0, end: raw.length };
    return decodeLeaf(raw, leaf);
  };
  const expected = (text: string, charset = 'iso-8859-1') => decodeCharset(referenceQuotedPrintable(Buffer.from(text, 'latin1')), charset);

  it('soft breaks, escapes split by a soft break, lone and broken escapes', () => {
    for (const text of ['a=3Db', 'a=\r\nb', 'a= \t\r\nb', 'a=\nb', '=4=\n1', '==\n41', '=', '=4', '=4g', '=\r', '=\r\r\nx', 'caf=C3=A9', 'x=\n', '=\n=\n=41', 'end=']) {
      expect(decode(text), JSON.stringify(text)).toBe(expected(text));
      expect(decode(text, 'utf-8'), JSON.stringify(text)).toBe(expected(text, 'utf-8'));
    }
  });

  it('on 10,000 generated bodies', () => {
    const r = random(11);
    const chars = ['=', '=', 'A', 'f', '3', 'D', 'g', '\r', '\n', ' ', '\t', 'x', '\u00e9'];
    for (let i = 0; i < 10_000; i++) {
      const text = r.text(chars, 24);
      expect(decode(text), JSON.stringify(text)).toBe(expected(text));
    }
  });
});

describe('part headers read without regular expressions', () => {
  it('folded, commented and repeated fields give the parts they gave, on 3,000 generated parts', () => {
    const r = random(23);
    const names = ['Content-Type', 'content-type', 'CONTENT-TRANSFER-ENCODING', 'Content-Disposition', ' Content-Type ', 'X-Other', 'Content-ID'];
    const values = ['text/plain; charset=utf-8', 'image/png;\r\n name="a.png"', 'base64', ' quoted-printable (c)', 'attachment;\n\tfilename="r.pdf"', 'inline', 'text/html', ''];
    const eols = ['\r\n', '\n'];
    for (let i = 0; i < 3000; i++) {
      const eol = r.pick(eols);
      const lines = Array.from({ length: 1 + Math.floor(r.next() * 5) }, () => `${r.pick(names)}:${r.pick(['', ' ', '\t'])}${r.pick(values)}${r.pick(['', `${eol} folded`, `${eol}\t(more)`, `${eol}  `])}`);
      const block = lines.join(eol);
      const raw = Buffer.from(`Content-Type: multipart/mixed; boundary=b${eol}${eol}--b${eol}${block}${eol}${eol}body${eol}--b--${eol}`, 'latin1');
      const ref = referencePartHeaders(block);
      const ct = parseParams(ref.get('content-type') ?? 'text/plain');
      const type = ct.value || 'text/plain';
      if (type.startsWith('multipart/') || type === 'message/rfc822') continue;
      const disposition = ref.get('content-disposition');
      const leaf = walkMime(raw).leaves[0];
      expect(leaf, JSON.stringify(block)).toMatchObject({
        type,
        charset: ct.params.get('charset') ?? null,
        encoding: (ref.get('content-transfer-encoding') ?? '7bit').replace(/\([^()]*\)/g, '').trim().toLowerCase(),
        disposition: disposition ? parseParams(disposition).value || null : null,
      });
    }
  });
});

describe('white space collapsed without a match at every single space', () => {
  const spaces = [' ', ' ', '  ', '\t', '\r\n', '\n ', '\u00a0', '\u2003', '\ufeff', ' \u00a0 '];
  it('Received headers keep their collapsed raw text', () => {
    const r = random(31);
    for (let i = 0; i < 3000; i++) {
      const value = `from${r.text([...spaces, 'a', 'b.example', '(x)', '[192.0.2.1]'], 12)}by mx.example; Tue, 1 Aug 2023 10:00:00 +0000`;
      expect(parseReceived(value, 0).raw, JSON.stringify(value)).toBe(value.replace(/\s+/g, ' ').trim());
    }
  });

  it('link text and visible text collapse as before', () => {
    const r = random(37);
    for (let i = 0; i < 2000; i++) {
      const words = r.text([...spaces, 'Shop', 'now', '&nbsp;', 'é'], 10);
      const scan = scanHtml(`<p>${words}</p><a href="https://shop.example/">${words}</a>`);
      const decoded = scanHtml(`<p>${words}</p>`).visibleText;
      expect(scan.links[0]?.text, JSON.stringify(words)).toBe(decoded.replace(/\s+/g, ' ').trim());
      expect(decoded, JSON.stringify(words)).toBe(decoded.replace(/\s+/g, ' ').trim());
    }
  });
});

function referenceSplitOutside(text: string, separator: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (quoted) quoted = c !== '"';
    else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === separator && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

const referenceUnquote = (v: string) => (v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v);

function referenceParseAuthResults(value: string, arc = false): ReturnType<typeof parseAuthResults> {
  const parts = referenceSplitOutside(value.replace(/\r?\n[ \t]+/g, ' '), ';');
  let head = referenceStripComments(parts[0] ?? '').text.trim();
  if (arc && /^i\s*=\s*\d+$/i.test(head)) {
    parts.shift();
    head = referenceStripComments(parts[0] ?? '').text.trim();
  }
  const authServId = head ? referenceUnquote(head.split(/\s+/)[0] as string) : null;
  const results: ReturnType<typeof parseAuthResults>['results'] = [];
  for (const part of parts.slice(1)) {
    const { text, comments } = referenceStripComments(part);
    const tokens = [...text.matchAll(/([^\s=]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;]+)/g)];
    const first = tokens[0];
    if (!first || /^none$/i.test(text.trim())) continue;
    const entry: (typeof results)[number] = { method: (first[1] as string).toLowerCase().split('/')[0] as string, result: referenceUnquote(first[2] as string).toLowerCase(), properties: {} };
    for (const t of tokens.slice(1)) {
      const key = (t[1] as string).toLowerCase();
      const val = referenceUnquote(t[2] as string);
      if (key === 'reason') entry.reason = val;
      else entry.properties[key] = val;
    }
    if (!entry.reason && comments.length > 0) entry.reason = comments.join(' ');
    results.push(entry);
  }
  return { authServId, results };
}

describe('Authentication-Results comments copied as slices', () => {
  it('parses as the character-by-character version did, on 10,000 generated values', () => {
    const r = random(43);
    const pieces = ['mx.example', ';', ' ', 'dkim=pass', 'spf=fail', '(', ')', '\\', '"', 'reason="x y"', 'header.d=a.example', '(nested (deep) c)', 'smtp.mailfrom=a@b', 'i=1', '\r\n ', 'none'];
    for (let i = 0; i < 10_000; i++) {
      const value = r.text(pieces, 16);
      expect(parseAuthResults(value), JSON.stringify(value)).toEqual(referenceParseAuthResults(value));
      expect(parseAuthResults(value, true), JSON.stringify(value)).toEqual(referenceParseAuthResults(value, true));
    }
  });
});
