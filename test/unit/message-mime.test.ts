import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { withCrlf } from '../../electron/core/message/mailauth-run';
import { classifyInput } from '../../electron/core/message/input';
import { conformanceMessages } from '../helpers/conformance';
import { decodedSize, decodeLeaf, decodeWords, MAX_MIME_DEPTH, parseAddresses, parseMessage, parseParams, walkMime } from '../../electron/core/message/mime';

const message = (...lines: string[]) => {
  const raw = Buffer.from(lines.join('\r\n'), 'utf8');
  const input = classifyInput(raw);
  return parseMessage(input.message, input.headers, { headersOnly: input.headersOnly });
};

describe('header decoding', () => {
  it('decodes RFC 2047 words, joining a character split across two words', () => {
    expect(decodeWords('=?utf-8?Q?Andr=C3=A9?= Smith')).toBe('André Smith');
    expect(decodeWords('=?UTF-8?B?w6l0w6k=?=')).toBe('été');
    // "é" is C3 A9: its two bytes in two adjacent words, with folding white space between.
    expect(decodeWords('=?utf-8?Q?caf=C3?= =?utf-8?Q?=A9_au_lait?=')).toBe('café au lait');
    expect(decodeWords('=?iso-8859-1?Q?Gr=FC=DFe?=')).toBe('Grüße');
    expect(decodeWords('=?x-unknown?Q?plain?=')).toBe('plain');
    expect(decodeWords('no words here')).toBe('no words here');
  });

  it('reads parameters, RFC 2231 continuations and charsets included', () => {
    const ct = parseParams('Multipart/Mixed; boundary="a; b" (comment)');
    expect(ct.value).toBe('multipart/mixed');
    expect(ct.params.get('boundary')).toBe('a; b');
    expect(parseParams("attachment; filename*=utf-8''na%C3%AFve%20plan.pdf").params.get('filename')).toBe('naïve plan.pdf');
    expect(parseParams('attachment; filename*0="long-"; filename*1="name.pdf"').params.get('filename')).toBe('long-name.pdf');
  });

  it('parses mailboxes, quoted names with commas, comments, groups and names without an address', () => {
    expect(parseAddresses('"Doe, John" <john@example.com>, jane@example.com (Jane), =?utf-8?Q?Andr=C3=A9?= <andre@example.com>')).toEqual([
      { name: 'Doe, John', address: 'john@example.com' },
      { name: 'Jane', address: 'jane@example.com' },
      { name: 'André', address: 'andre@example.com' },
    ]);
    expect(parseAddresses('Team: a@example.com, "B" <b@example.com>;, c@example.com')).toEqual([
      { name: 'Team', group: [{ name: '', address: 'a@example.com' }, { name: 'B', address: 'b@example.com' }] },
      { name: '', address: 'c@example.com' },
    ]);
    expect(parseAddresses('undisclosed-recipients:;')).toEqual([{ name: 'undisclosed-recipients', group: [] }]);
    expect(parseAddresses('Whomever')).toEqual([{ name: 'Whomever', address: '' }]);
    // A display name carrying another address stays a name: header lint judges it.
    expect(parseAddresses('"support@bank.example" <x@evil.example>')).toEqual([{ name: 'support@bank.example', address: 'x@evil.example' }]);
  });
});

describe('parseMessage', () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(5000)]);
  const raw = [
    'From: "Shop, Inc." <news@shop.example>',
    'To: Reader <reader@inbox.example>, other@inbox.example',
    'Reply-To: help@support.example',
    'Subject: =?utf-8?Q?Caf=C3=A9?= news',
    'Date: Thu, 26 Nov 2026 09:58:00 +0000',
    'Message-ID: c1@shop.example',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    '--outer',
    'Content-Type: multipart/alternative; boundary="inner"',
    '',
    '--inner',
    'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Gr=FC=DFe,=',
    ' and more.',
    '--inner',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('<p>Grüße</p>').toString('base64'),
    '--inner--',
    '--outer',
    'Content-Type: application/pdf',
    "Content-Disposition: attachment; filename*=utf-8''pr%C3%A9sentation.pdf",
    'Content-Transfer-Encoding: base64',
    '',
    ...(pdf.toString('base64').match(/.{1,76}/g) ?? []),
    '--outer',
    'Content-Type: text/plain; name="notes.txt"',
    'Content-Disposition: attachment',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'caf=C3=A9 =3D tea=',
    '',
    '--outer--',
    '',
  ];

  it('gives the decoded fields, body text and HTML, and attachments with their decoded sizes', () => {
    const p = message(...raw);
    expect(p.from).toEqual({ value: [{ name: 'Shop, Inc.', address: 'news@shop.example' }], text: '"Shop, Inc." <news@shop.example>' });
    expect(p.to?.value.map((a) => a.address)).toEqual(['reader@inbox.example', 'other@inbox.example']);
    expect(p.replyTo?.value[0]?.address).toBe('help@support.example');
    expect(p.subject).toBe('Café news');
    expect(p.date?.toISOString()).toBe('2026-11-26T09:58:00.000Z');
    expect(p.messageId).toBe('<c1@shop.example>');
    expect(p.text).toBe('Grüße, and more.');
    expect(p.html).toBe('<p>Grüße</p>');
    expect(p.attachments).toEqual([
      { filename: 'présentation.pdf', contentType: 'application/pdf', size: pdf.length },
      { filename: 'notes.txt', contentType: 'text/plain', size: Buffer.byteLength('café = tea') },
    ]);
    expect(p.limited).toBeNull();
  });

  it('agrees with mailparser on the fields and attachments of an ordinary message', async () => {
    const buf = Buffer.from(raw.join('\r\n'));
    const mp = await simpleParser(buf);
    const p = message(...raw);
    expect(p.from?.text).toBe(mp.from?.text);
    expect(p.subject).toBe(mp.subject);
    expect(p.messageId).toBe(mp.messageId);
    expect(p.html).toBe(mp.html);
    expect(p.text).toBe(mp.text);
    expect(p.attachments).toEqual(mp.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })));
  });

  it('counts attachment sizes without decoding, exactly for base64 and quoted-printable', () => {
    for (const n of [0, 1, 2, 3, 4, 57, 1000, 4097]) {
      const data = randomBytes(n);
      const b64 = Buffer.from(`${(data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n')}\r\n`);
      expect(decodedSize(b64, { type: 'application/octet-stream', charset: null, encoding: 'base64', disposition: null, filename: null, start: 0, end: b64.length })).toBe(n);
    }
    const qp = Buffer.from('a=3Db=\r\nc=C3=A9=\nd');
    const leaf = { type: 'text/plain', charset: 'utf-8', encoding: 'quoted-printable', disposition: null, filename: null, start: 0, end: qp.length };
    expect(decodedSize(qp, leaf)).toBe(Buffer.byteLength(decodeLeaf(qp, leaf)));
  });

  it('reads only the header fields for headers only', () => {
    const p = message('From: a@b.example', 'Subject: hi', '', '');
    expect(p.subject).toBe('hi');
    expect(p.leaves).toEqual([]);
    expect(p.html).toBe(false);
  });

  it('walks a forwarded message shown inline as embedded parts, and keeps an attached one whole', () => {
    const inner = ['Content-Type: message/rfc822', '', 'From: x@y.example', 'Content-Type: text/html', '', '<p>inner</p>'];
    const p = message('From: a@b.example', 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'outer', '--b', ...inner, '--b--', '');
    expect(p.leaves.map((l) => [l.type, l.embedded ?? false])).toEqual([
      ['text/plain', false],
      ['text/html', true],
    ]);
    const attached = message('From: a@b.example', 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: message/rfc822', 'Content-Disposition: attachment', '', 'From: x@y.example', '', 'hi', '--b--', '');
    expect(attached.attachments.map((a) => a.contentType)).toEqual(['message/rfc822']);
  });

  it('stops at the nesting and part bounds and says why', () => {
    let nested = 'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n';
    for (let i = 0; i < 100; i++) nested += `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n\r\n`;
    const deep = walkMime(Buffer.from(nested));
    expect(deep.limited).toBe(`MIME parts nested deeper than ${MAX_MIME_DEPTH} levels`);
    let many = 'Content-Type: multipart/mixed; boundary="x"\r\n\r\n';
    for (let i = 0; i < 1500; i++) many += '--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n';
    const wide = walkMime(Buffer.from(`${many}--x--\r\n`));
    expect(wide.limited).toMatch(/more than 1000 MIME parts/);
    expect(wide.leaves.length).toBeLessThan(1000);
  });
});

describe('against the conformance messages', () => {
  it('parses every one, and agrees with mailparser on From, Subject and Message-ID', async () => {
    const files = conformanceMessages();
    let compared = 0;
    let agree = 0;
    for (const file of files) {
      let input;
      try {
        input = classifyInput(readFileSync(file));
      } catch {
        continue;
      }
      const p = parseMessage(input.message, input.headers, { headersOnly: input.headersOnly });
      const mp = await simpleParser(input.message);
      compared++;
      const same = p.from?.value[0]?.address === mp.from?.value[0]?.address && p.messageId === mp.messageId && (p.subject ?? '').replace(/\s+/g, ' ') === (mp.subject ?? '').replace(/\s+/g, ' ');
      if (same) agree++;
    }
    console.log(`mailparser agreement on From, Subject, Message-ID: ${agree}/${compared}`);
    expect(compared).toBeGreaterThan(60);
    expect(agree).toBe(compared);
  });
});

describe('line ends for mailauth', () => {
  it('turns every bare LF into CRLF, byte for byte as mailauth would, and leaves CRLF messages alone', () => {
    const lf = Buffer.from('From: a@b.example\nSubject: caf\xe9\n\nbody\r\nmixed\n', 'latin1');
    expect(withCrlf(lf).toString('latin1')).toBe('From: a@b.example\r\nSubject: caf\xe9\r\n\r\nbody\r\nmixed\r\n');
    const crlf = Buffer.from('From: a@b.example\r\n\r\nbody\r\n');
    expect(withCrlf(crlf)).toBe(crlf);
  });
});
