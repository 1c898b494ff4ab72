/**
 * DKIM key record parsing (RFC 6376 §3.6.1, RFC 8463 for Ed25519, RFC 8301 for key sizes). Pure.
 */
import { createPublicKey } from 'node:crypto';

export interface ParsedDkimKey {
  tags: Record<string, string>;
  /** k=, rsa when absent (RFC 6376 §3.6.1). */
  keyType: string;
  /** RSA modulus size, or 256 for Ed25519; null when the key does not parse or is revoked. */
  keyBits: number | null;
  /** t=y: the domain is testing DKIM. */
  testing: boolean;
  /** t=s: the i= domain must equal d= exactly. */
  strict: boolean;
  /** p= is empty: the key is revoked. */
  revoked: boolean;
  /** Why the record, or its key, cannot be used as written. */
  problems: string[];
}

/**
 * A TXT record at a selector is a key record if it says so or carries a key.
 *
 * A wildcard TXT (say an SPF record at *.example.com) also answers `<selector>._domainkey`: such
 * records are not keys, and are not reported as broken ones either.
 */
export function looksLikeDkimKey(txt: string): boolean {
  if (/^\s*v\s*=/i.test(txt)) return /^\s*v\s*=\s*DKIM1\s*(;|$)/i.test(txt);
  return /(^|;)\s*(p|k)\s*=/i.test(txt);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Bits of an RSA public key published as SubjectPublicKeyInfo or, as some signers do, bare PKCS#1. */
function rsaBits(der: Buffer): number | null {
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      const key = createPublicKey({ key: der, format: 'der', type });
      if (key.asymmetricKeyType !== 'rsa') return null;
      return key.asymmetricKeyDetails?.modulusLength ?? null;
    } catch {
      // try the next encoding
    }
  }
  return null;
}

export function parseDkimKey(record: string): ParsedDkimKey {
  const tags: Record<string, string> = {};
  const problems: string[] = [];
  // RFC 6376 §3.2: tag=value pairs separated by ";", whitespace around them ignored; a trailing ";" allowed.
  const parts = record.split(';').map((p) => p.trim());
  if (parts[parts.length - 1] === '') parts.pop();
  parts.forEach((part, index) => {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      problems.push(`"${part}" is not a tag=value pair`);
      return;
    }
    const tag = part.slice(0, eq).trim().toLowerCase();
    // RFC 6376 §3.2: folding whitespace inside a value is ignored (it matters for p=, split by editors).
    const value = part.slice(eq + 1).replace(/\s+/g, tag === 'n' ? ' ' : '').trim();
    if (!/^[a-z][a-z0-9_]*$/.test(tag)) {
      problems.push(`"${part}" does not start with a valid tag name`);
      return;
    }
    if (tag in tags) {
      // RFC 6376 §3.2: a tag appearing twice makes the whole list invalid.
      problems.push(`tag "${tag}" appears more than once, which makes the record invalid`);
      return;
    }
    if (tag === 'v' && index !== 0) problems.push('v= must be the first tag');
    tags[tag] = value;
  });

  if ('v' in tags && tags.v !== 'DKIM1') problems.push(`v=${tags.v}: the only version is DKIM1`);
  const keyType = (tags.k ?? 'rsa').toLowerCase();
  const flags = (tags.t ?? '').toLowerCase().split(':').map((f) => f.trim());
  const testing = flags.includes('y');
  const strict = flags.includes('s');

  // RFC 6376 §3.6.1 s=: "*" or "email"; a key limited to other services must not verify mail.
  if (tags.s !== undefined) {
    const services = tags.s.toLowerCase().split(':').map((s) => s.trim());
    if (!services.includes('*') && !services.includes('email')) {
      problems.push(`s=${tags.s} does not include "email" or "*", so verifiers ignore this key for mail`);
    }
  }
  // RFC 8301 §3.1: verifiers must not accept rsa-sha1; a key limited to sha1 verifies nothing.
  if (tags.h !== undefined) {
    const hashes = tags.h.toLowerCase().split(':').map((h) => h.trim());
    if (!hashes.includes('sha256')) problems.push(`h=${tags.h} allows no sha256, and RFC 8301 forbids sha1: no signature with this key verifies`);
  }

  let keyBits: number | null = null;
  const p = tags.p;
  const revoked = p === '';
  if (p === undefined) {
    problems.push('there is no p= tag, which is required: the record holds no key');
  } else if (!revoked) {
    if (!BASE64.test(p) || p.length % 4 === 1) {
      problems.push('p= is not valid base64');
    } else {
      const der = Buffer.from(p, 'base64');
      if (keyType === 'rsa') {
        keyBits = rsaBits(der);
        if (keyBits === null) problems.push('p= does not hold an RSA public key (SubjectPublicKeyInfo, RFC 6376 §3.6.1)');
      } else if (keyType === 'ed25519') {
        // RFC 8463 §4.2: the bare 32-byte key, not wrapped in SubjectPublicKeyInfo.
        if (der.length === 32) keyBits = 256;
        else if (der.length === 44) problems.push('p= holds an Ed25519 key wrapped in SubjectPublicKeyInfo (44 bytes); RFC 8463 §4.2 wants the bare 32-byte key');
        else problems.push(`p= holds ${der.length} bytes; an Ed25519 key is 32 bytes (RFC 8463 §4.2)`);
      } else {
        problems.push(`k=${tags.k} is not a key type verifiers know (rsa or ed25519)`);
      }
    }
  }
  return { tags, keyType, keyBits, testing, strict, revoked, problems };
}

/** RFC 6376 §3.1: a selector is one or more dot-separated labels; underscores appear in the wild. */
export function isValidSelector(selector: string): boolean {
  return selector.length <= 200 && selector.split('.').every((l) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i.test(l));
}
