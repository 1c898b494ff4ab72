import { describe, expect, it } from 'vitest';
import { classifyInput, MAX_MESSAGE_BYTES, MessageInputError, parseHeaderBlock } from '../../electron/core/message/input';
import { parseAuthResults, receiverView } from '../../electron/core/message/receiver';
import type { MessageAuth } from '../../electron/core/message/types';
import { unreadBytes } from '../helpers/unread-bytes';

const codeOf = (raw: Buffer) => {
  try {
    classifyInput(raw);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(MessageInputError);
    expect((err as Error).message.length).toBeGreaterThan(20);
    return (err as MessageInputError).code;
  }
};

describe('input classification', () => {
  it('refuses a file over 50 MB at once, without reading it', () => {
    // Blanks: read, they would be refused as empty.
    expect(codeOf(Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20))).toBe('too-large');
    // Its length is all classifyInput may look at (how long that takes is a bound of `npm run bench -- messages`).
    expect(codeOf(unreadBytes(MAX_MESSAGE_BYTES + 1))).toBe('too-large');
    expect(() => classifyInput(unreadBytes(MAX_MESSAGE_BYTES))).toThrow(/must stay unread/);
    // NUL bytes read as a binary file: "too-large" says the size was judged before any byte.
    expect(codeOf(Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x00))).toBe('too-large');
    expect(codeOf(Buffer.alloc(1024, 0x00))).toBe('binary');
  });

  it('refuses empty input, binary files and non-messages with their own codes', () => {
    expect(codeOf(Buffer.alloc(0))).toBe('empty');
    expect(codeOf(Buffer.from(' \r\n\r\n'))).toBe('empty');
    expect(codeOf(Buffer.from('%PDF-1.7\n...'))).toBe('binary');
    expect(codeOf(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toBe('binary');
    expect(codeOf(Buffer.from('From: a@b.example\r\nSub\0ject: x\r\n\r\nbody'))).toBe('binary');
    expect(codeOf(Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? 0x41 : (i % 30) + 1))))).toBe('binary');
    expect(codeOf(Buffer.from('Hello, this is just some text.\nNot a message.\n'))).toBe('not-a-message');
    expect(codeOf(Buffer.from('\r\nFrom: a@b.example\r\n'))).toBe('not-a-message');
  });

  it('refuses a header block cut mid-line, accepts headers without a final newline', () => {
    expect(codeOf(Buffer.from('Received: from a by b; Tue, 29 Aug 2023 16:00:10 +0000\r\nFrom: a@b.example\r\nSubj'))).toBe('truncated');
    expect(classifyInput(Buffer.from('From: a@b.example\r\nSubject: hi')).headersOnly).toBe(true);
  });

  it('tells headers only from a message, and hashes the bytes', () => {
    const headersOnly = classifyInput(Buffer.from('From: a@b.example\r\nSubject: hi\r\n\r\n'));
    expect(headersOnly).toMatchObject({ headersOnly: true, bodyOffset: null, size: 34 });
    expect(headersOnly.sha256).toMatch(/^[0-9a-f]{64}$/);
    const full = classifyInput(Buffer.from('From: a@b.example\r\nSubject: hi\r\n\r\nbody\r\n'));
    expect(full).toMatchObject({ headersOnly: false, bodyOffset: 34, unclosedBoundary: null });
  });

  it('accepts an mbox "From " line and notices a multipart message cut short', () => {
    const mbox = classifyInput(Buffer.from('From someone Tue Aug 29 16:00:10 2023\nFrom: a@b.example\nContent-Type: multipart/mixed; boundary="xyz"\n\n--xyz\nContent-Type: text/plain\n\nhello\n'));
    expect(mbox.headers.map((h) => h.name)).toEqual(['From', 'Content-Type']);
    expect(mbox.message.toString().startsWith('From: a@b.example')).toBe(true);
    const bom = classifyInput(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('From: a@b.example\r\n\r\nhi\r\n')]));
    expect(bom).toMatchObject({ size: 28, bodyOffset: 21, headers: [{ name: 'From', value: 'a@b.example' }] });
    expect(codeOf(Buffer.from('\ufeffFrom: a@b.example\r\n', 'utf16le'))).toBe('binary');
    expect(mbox.unclosedBoundary).toBe('xyz');
  });

  it('unfolds header fields (RFC 5322 §2.2.3)', () => {
    expect(parseHeaderBlock('Subject: a\r\n  folded\r\nX-Empty:\r\nTo: b')).toEqual([
      { name: 'Subject', value: 'a  folded' },
      { name: 'X-Empty', value: '' },
      { name: 'To', value: 'b' },
    ]);
  });
});

describe('Authentication-Results parsing (RFC 8601)', () => {
  it('reads the authserv-id, methods, results, properties and reasons', () => {
    const ar = parseAuthResults(
      'mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b="AbC/dEf"; spf=softfail (google.com: domain of transitioning a@example.com does not designate 192.0.2.1 as permitted sender) smtp.mailfrom=a@example.com; dmarc=fail (p=REJECT sp=REJECT dis=QUARANTINE) header.from=example.com; arc=none',
    );
    expect(ar.authServId).toBe('mx.google.com');
    expect(ar.results.map((r) => `${r.method}=${r.result}`)).toEqual(['dkim=pass', 'spf=softfail', 'dmarc=fail', 'arc=none']);
    expect(ar.results[0]?.properties).toEqual({ 'header.i': '@example.com', 'header.s': 's1', 'header.b': 'AbC/dEf' });
    expect(ar.results[1]?.reason).toMatch(/^google.com: domain of transitioning/);
    expect(ar.results[2]?.properties['header.from']).toBe('example.com');
  });

  it('handles versions, comments before the id, "none", and ARC-Authentication-Results\' i=', () => {
    expect(parseAuthResults('(comment) example.org 1; none')).toEqual({ authServId: 'example.org', results: [] });
    const arc = parseAuthResults('i=1; lists.example.org; spf = pass smtp.mailfrom=example.com; dkim/1=fail reason="bad sig" header.d=example.com', true);
    expect(arc.authServId).toBe('lists.example.org');
    expect(arc.results).toEqual([
      { method: 'spf', result: 'pass', properties: { 'smtp.mailfrom': 'example.com' } },
      { method: 'dkim', result: 'fail', reason: 'bad sig', properties: { 'header.d': 'example.com' } },
    ]);
  });

  it('points out where the receiver differs from us', () => {
    const ours: MessageAuth = {
      spf: { result: 'pass', domain: 'example.com' },
      dkim: [{ domain: 'example.com', selector: 's1', result: 'neutral', aligned: true }],
      dmarc: { result: 'pass', policy: 'reject', domain: 'example.com', alignment: { spf: true, dkim: false } },
      arc: { result: 'none', instances: 0 },
    };
    const view = receiverView(
      [
        { name: 'Authentication-Results', value: 'mx.receiver.example; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com header.s=s1; dmarc=pass header.from=example.com' },
        { name: 'Authentication-Results', value: 'other.example; spf=fail' },
        { name: 'ARC-Authentication-Results', value: 'i=1; x.example; spf=pass' },
      ],
      ours,
    );
    expect(view.authServId).toBe('mx.receiver.example');
    expect(view.results.map((r) => r.method)).toEqual(['spf', 'dkim', 'dmarc']);
    expect(view.arcAuthenticationResults).toEqual(['i=1; x.example; spf=pass']);
    expect(view.differences).toHaveLength(1);
    expect(view.differences[0]).toMatchObject({ method: 'dkim (example.com, s1)', receiver: 'pass', ours: 'neutral' });
    expect(view.differences[0]?.note).toMatch(/changed after it arrived/);
    expect(receiverView([], ours)).toEqual({ authServId: null, results: [], arcAuthenticationResults: [], differences: [] });
  });
});
