import { dkimSign, dkimVerify } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { parseDkimKey } from '../../electron/core/audit/dkim-parse';
import { generateDkimKey, splitTxt } from '../../electron/core/dkim/keygen';
import type { DkimKey } from '../../electron/core/dkim/types';

const message = [
  'From: Ada <ada@keys.dkim.test>',
  'To: Bob <bob@example.test>',
  'Subject: key check',
  'Date: Thu, 26 Nov 2026 12:00:00 +0000',
  'Message-ID: <keygen-1@keys.dkim.test>',
  '',
  'Signed with a key made by Deliverlab.',
  '',
].join('\r\n');

/** A resolver that knows only the generated record: the test never touches the network. */
function resolverFor(key: DkimKey) {
  return async (name: string, type: string): Promise<string[][]> => {
    if (type === 'TXT' && name.toLowerCase() === key.recordName) return [key.txtStrings];
    throw Object.assign(new Error(`${type} ${name}: ENOTFOUND`), { code: 'ENOTFOUND' });
  };
}

async function signAndVerify(key: DkimKey, body = message) {
  const signature = { signingDomain: 'keys.dkim.test', selector: key.recordName.split('.')[0] as string, privateKey: key.privateKeyPem };
  // mailauth signs what signatureData lists; the top-level fields are defaults for it.
  const signed = await dkimSign(message, { ...signature, signatureData: [signature] });
  expect(signed.errors).toEqual([]);
  expect(signed.signatures).toMatch(/^DKIM-Signature: /);
  const result = await dkimVerify(signed.signatures + body, { resolver: resolverFor(key) });
  expect(result.results).toHaveLength(1);
  return result.results[0] as (typeof result.results)[number];
}

describe('DKIM key generator', () => {
  it.each([
    ['rsa', 2048, 'rsa-sha256'],
    ['ed25519', 256, 'ed25519-sha256'],
  ] as const)('makes a %s key whose signatures verify against the published record', async (type, bits, algo) => {
    const key = await generateDkimKey({ domain: 'keys.dkim.test', selector: 's2026', type });
    expect(key).toMatchObject({ type, bits, recordName: 's2026._domainkey.keys.dkim.test' });
    expect(key.record).toBe(`v=DKIM1; k=${type}; p=${key.publicKeyBase64}`);
    expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);

    const result = await signAndVerify(key);
    expect(result.status.result).toBe('pass');
    expect(result.algo).toBe(algo);
    // And the audit's own parser reads the record as the key it is.
    expect(parseDkimKey(key.txtStrings.join(''))).toMatchObject({ keyType: type, keyBits: bits, problems: [] });
  });

  it('does not verify a tampered message (so a passing test means the key really matched)', async () => {
    const key = await generateDkimKey({ domain: 'keys.dkim.test', selector: 'tamper', type: 'ed25519' });
    expect((await signAndVerify(key, message.replace('Subject: key check', 'Subject: forged'))).status.result).toBe('fail');
    // A changed body fails the body hash; mailauth reports that as neutral, never pass.
    expect((await signAndVerify(key, message.replace('Signed with', 'Forged with'))).status.result).not.toBe('pass');
  });

  it.each([2048, 3072, 4096])('splits a %i-bit RSA record into strings of at most 255 bytes that join back to it', async (bits) => {
    const key = await generateDkimKey({ domain: 'Keys.DKIM.test.', selector: 'Big', bits });
    expect(key.recordName).toBe('big._domainkey.keys.dkim.test');
    expect(key.bits).toBe(bits);
    expect(key.txtStrings.length).toBeGreaterThan(1);
    for (const s of key.txtStrings) expect(Buffer.byteLength(s)).toBeLessThanOrEqual(255);
    expect(key.txtStrings.join('')).toBe(key.record);
    expect(key.zoneLine).toBe(`big._domainkey.keys.dkim.test. IN TXT ( ${key.txtStrings.map((s) => `"${s}"`).join(' ')} )`);
    expect(parseDkimKey(key.record).keyBits).toBe(bits);
  }, 60_000);

  it('keeps an Ed25519 record in one string, and says to sign with RSA too', async () => {
    const key = await generateDkimKey({ domain: 'keys.dkim.test', selector: 'ed', type: 'ed25519' });
    expect(Buffer.from(key.publicKeyBase64, 'base64')).toHaveLength(32);
    expect(key.txtStrings).toEqual([key.record]);
    expect(key.zoneLine).toBe(`ed._domainkey.keys.dkim.test. IN TXT ( "${key.record}" )`);
    expect(key.note).toMatch(/RSA key as well/);
  });

  it.each([
    [{ domain: 'not a domain', selector: 's1' }, /not a domain name/],
    [{ domain: 'localhost', selector: 's1' }, /not a domain name/],
    [{ domain: 'keys.dkim.test', selector: 'bad selector' }, /not a valid selector/],
    [{ domain: 'keys.dkim.test', selector: 'a_b' }, /not a valid selector/],
    [{ domain: 'keys.dkim.test', selector: 's1', bits: 1024 }, /use 2048, 3072, 4096/],
    [{ domain: 'keys.dkim.test', selector: 's1', type: 'dsa' as 'rsa' }, /use rsa or ed25519/],
  ])('refuses %j', async (options, message) => {
    await expect(generateDkimKey(options)).rejects.toThrow(message);
  });
});

describe('TXT string splitting (RFC 1035 §3.3.14)', () => {
  it('cuts at 255 bytes, never inside a UTF-8 character', () => {
    expect(splitTxt('a'.repeat(600)).map((s) => s.length)).toEqual([255, 255, 90]);
    expect(splitTxt('')).toEqual(['']);
    const text = `${'a'.repeat(254)}é${'b'.repeat(10)}`;
    const parts = splitTxt(text);
    expect(parts.join('')).toBe(text);
    expect(parts[0]).toBe('a'.repeat(254));
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(255);
  });
});
