/**
 * DKIM key pair generation, with the DNS record to publish, ready to paste.
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { isValidSelector } from '../audit/dkim-parse';
import type { DkimKey, DkimKeyType } from './types';

const generate = promisify(generateKeyPair);

export interface DkimKeyOptions {
  domain: string;
  selector: string;
  /** rsa unless told: RFC 8463 recommends signing with Ed25519 and RSA side by side. */
  type?: DkimKeyType;
  /** RSA modulus size: 2048 (the default), 3072 or 4096. RFC 8301 §3.2 makes 1024 the floor; we go no lower than 2048. */
  bits?: number;
}

export const RSA_SIZES = [2048, 3072, 4096] as const;

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function checkDomain(domain: string): string {
  const d = domain.trim().replace(/\.$/, '').toLowerCase();
  if (d.length === 0 || d.length > 253 || !d.includes('.') || !d.split('.').every((l) => LABEL.test(l))) {
    throw new RangeError(`"${domain}" is not a domain name`);
  }
  return d;
}

/** RFC 1035 §3.3.14: a TXT record is a sequence of character-strings of at most 255 bytes each. */
export function splitTxt(record: string, max = 255): string[] {
  const bytes = Buffer.from(record, 'utf8');
  const out: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + max, bytes.length);
    // Never cut a UTF-8 sequence in two (DKIM records are ASCII; n= notes may not be).
    while (end < bytes.length && ((bytes[end] as number) & 0xc0) === 0x80) end--;
    out.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
  }
  return out.length > 0 ? out : [''];
}

function publicKeyBase64(type: DkimKeyType, publicKey: KeyObject): string {
  if (type === 'rsa') return publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  // RFC 8463 §4.2: the raw key, which JWK carries as base64url in x.
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url').toString('base64');
}

/**
 * Generates a key pair and the record to publish for it.
 *
 * Throws RangeError on a bad domain, selector, type or size (input validation, not a DNS matter).
 */
export async function generateDkimKey(options: DkimKeyOptions): Promise<DkimKey> {
  const domain = checkDomain(options.domain);
  const selector = options.selector.trim().toLowerCase();
  if (!isValidSelector(selector) || selector.includes('_')) throw new RangeError(`"${options.selector}" is not a valid selector: use letters, digits and hyphens, dots between labels`);
  const type = options.type ?? 'rsa';
  if (type !== 'rsa' && type !== 'ed25519') throw new RangeError(`key type "${String(type)}": use rsa or ed25519`);
  const bits = type === 'rsa' ? (options.bits ?? 2048) : 256;
  if (type === 'rsa' && !(RSA_SIZES as readonly number[]).includes(bits)) throw new RangeError(`${bits} bits: use ${RSA_SIZES.join(', ')}`);

  const { publicKey, privateKey } =
    type === 'rsa' ? await generate('rsa', { modulusLength: bits, publicExponent: 0x10001 }) : await generate('ed25519', {});
  const p = publicKeyBase64(type, publicKey);
  const recordName = `${selector}._domainkey.${domain}`;
  const record = `v=DKIM1; k=${type}; p=${p}`;
  const txtStrings = splitTxt(record);
  return {
    type,
    bits,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyBase64: p,
    recordName,
    record,
    txtStrings,
    zoneLine: `${recordName}. IN TXT ( ${txtStrings.map((s) => `"${s}"`).join(' ')} )`,
    ...(type === 'ed25519'
      ? { note: 'Many receivers do not verify Ed25519 signatures yet: sign with an RSA key as well, under another selector; a message can carry both signatures.' }
      : {}),
  };
}
