import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { explainBodyHash, parseTags } from '../../electron/core/message/auth';

const bh = (canonical: string) => createHash('sha256').update(canonical, 'latin1').digest('base64');
const base = { headers: [], algorithm: 'rsa-sha256', computed: 'COMPUTED', bodyLength: null, unclosedBoundary: null };

describe('DKIM body hash explainer', () => {
  it('finds the signed prefix under simple canonicalization and measures the footer', () => {
    const text = explainBodyHash({
      ...base,
      body: Buffer.from('Hello  \r\nWorld\r\n\r\n-- \r\nFooter line\r\n'),
      canonicalization: 'relaxed/simple',
      expected: bh('Hello  \r\nWorld\r\n'),
      canonicalLength: 35,
    });
    expect(text).toContain('the first 16 canonical bytes (2 lines) still match');
    expect(text).toContain('19 bytes follow, starting "--"');
    expect(text).toContain('canonical body 35 bytes, no l= limit');
  });

  it('sees a body shorter than l=, a base64 re-encoding, a cut-off file, and falls back to the usual causes', () => {
    expect(explainBodyHash({ ...base, body: Buffer.from('short\r\n'), canonicalization: 'relaxed/relaxed', expected: 'X', canonicalLength: 7, bodyLength: 100 })).toMatch(/shorter than the 100 bytes l= covers/);

    const original = 'caf\u00e9 au lait\r\n';
    const encoded = `${Buffer.from(original, 'latin1').toString('base64')}\r\n`;
    const text = explainBodyHash({
      ...base,
      headers: [{ name: 'Content-Transfer-Encoding', value: 'base64' }],
      body: Buffer.from(encoded),
      canonicalization: 'relaxed/relaxed',
      expected: bh(original),
      canonicalLength: encoded.length,
    });
    expect(text).toMatch(/re-encoded after signing: it is base64 now/);

    expect(explainBodyHash({ ...base, body: Buffer.from('x\r\n'), canonicalization: 'relaxed/relaxed', expected: 'X', canonicalLength: 3, unclosedBoundary: 'b1' })).toMatch(/cut short/);
    expect(explainBodyHash({ ...base, body: Buffer.from('changed\r\n'), canonicalization: 'relaxed/relaxed', expected: bh('original\r\n'), canonicalLength: 9 })).toMatch(
      /changed after signing: typically a footer or disclaimer/,
    );
  });

  it('reads DKIM-Signature tags', () => {
    expect(Object.fromEntries(parseTags('v=1; a=rsa-sha256; d=example.com; s=s1;\r\n h=from:to; l=120; b=AB CD'))).toMatchObject({ a: 'rsa-sha256', d: 'example.com', h: 'from:to', l: '120', b: 'AB CD' });
  });
});
