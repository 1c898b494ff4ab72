/**
 * DKIM signatures and ARC sets built by hand with node:crypto, for the tests.
 *
 * A signing library only makes well-formed signatures; receivers meet the others (rsa-sha1, no v=,
 * tags twice or in upper case, a missing c=, an unknown a= or c=). Each piece here follows RFC 6376
 * exactly, so that a signature is broken only where a test breaks it on purpose: the tags are given
 * as written, and the hashing is told separately which canonicalization and hash to use.
 */
import { createHash, sign } from 'node:crypto';

export type Canon = 'simple' | 'relaxed';

/** A message as header fields (each "Name: value", folding kept) and a body, CRLF line ends. */
export interface Draft {
  headers: string[];
  body: string;
}

export const render = (m: Draft) => `${m.headers.join('\r\n')}\r\n\r\n${m.body}`;

/** RFC 6376 §3.4.2 (relaxed) or §3.4.1 (simple) canonical form of one header field, without CRLF. */
export function canonHeader(field: string, canon: Canon): string {
  if (canon === 'simple') return field;
  const colon = field.indexOf(':');
  const name = field.slice(0, colon).trim().toLowerCase();
  const value = field
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}`;
}

/** RFC 6376 §3.4.4 (relaxed) or §3.4.3 (simple) canonical body. */
export function canonBody(body: string, canon: Canon): string {
  let lines = body.split('\r\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (canon === 'relaxed') lines = lines.map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return canon === 'simple' ? '\r\n' : '';
  return `${lines.join('\r\n')}\r\n`;
}

export const bodyHash = (body: string, canon: Canon, hash: 'sha1' | 'sha256') => createHash(hash).update(canonBody(body, canon), 'latin1').digest('base64');

/** The fields h= names, each the last not yet used instance from the bottom (RFC 6376 §5.4.2). */
function pickSigned(headers: readonly string[], names: readonly string[]): string[] {
  const left = [...headers];
  const out: string[] = [];
  for (const name of names) {
    for (let i = left.length - 1; i >= 0; i--) {
      const field = left[i] as string;
      if (field.slice(0, field.indexOf(':')).trim().toLowerCase() === name.toLowerCase()) {
        out.push(field);
        left.splice(i, 1);
        break;
      }
    }
  }
  return out;
}

export interface SignSpec {
  /** The header field name: DKIM-Signature or ARC-Message-Signature. */
  field?: string;
  /** Tags as written, in order, without b= (always last). A bh value of null is filled in. */
  tags: [string, string | null][];
  /** Header fields hashed, in h= order. */
  signed: string[];
  /** How the hashes are made, whatever the tags claim. */
  headerCanon: Canon;
  bodyCanon: Canon;
  hash: 'sha1' | 'sha256';
  privateKey: string;
}

/** A signature header field over `m` (RFC 6376 §3.7), as "Name: tags; b=...". */
export function signField(m: Draft, spec: SignSpec): string {
  const bh = bodyHash(m.body, spec.bodyCanon, spec.hash);
  const tags = spec.tags.map(([name, value]) => `${name}=${value ?? bh}`).join('; ');
  const unsigned = `${spec.field ?? 'DKIM-Signature'}: ${tags}; b=`;
  const data = [...pickSigned(m.headers, spec.signed).map((f) => `${canonHeader(f, spec.headerCanon)}\r\n`), canonHeader(unsigned, spec.headerCanon)].join('');
  return unsigned + sign(spec.hash, Buffer.from(data, 'latin1'), spec.privateKey).toString('base64');
}

export interface ArcSpec {
  domain: string;
  selector: string;
  privateKey: string;
  /** The ARC-Authentication-Results payload after "i=1; ". */
  results: string;
  /** ARC-Message-Signature tags (without i=, a=, d=, s=, bh=, b=), e.g. [['c', 'relaxed/relaxed'], ['h', '...']]. */
  amsTags: [string, string][];
  /** How the ARC-Message-Signature is hashed. */
  amsCanon: [Canon, Canon];
  signed: string[];
  /** ARC-Seal tags as written, without b= (RFC 8617 §4.1.3: i, a, cv, d, s, t). */
  sealTags: [string, string][];
}

/**
 * One ARC set, instance 1 (RFC 8617 §4.1), on top of `m`: ARC-Seal, ARC-Message-Signature,
 * ARC-Authentication-Results, in that order, as a sealer adds them.
 */
export function arcSeal(m: Draft, spec: ArcSpec): Draft {
  const aar = `ARC-Authentication-Results: i=1; ${spec.results}`;
  const ams = signField(m, {
    field: 'ARC-Message-Signature',
    tags: [['i', '1'], ['a', 'rsa-sha256'], ['d', spec.domain], ['s', spec.selector], ...spec.amsTags, ['bh', null]],
    signed: spec.signed,
    headerCanon: spec.amsCanon[0],
    bodyCanon: spec.amsCanon[1],
    hash: 'sha256',
    privateKey: spec.privateKey,
  });
  // RFC 8617 §5.1.1: the seal hashes the ARC sets, relaxed, the seal's own b= empty.
  const unsealed = `ARC-Seal: ${spec.sealTags.map(([n, v]) => `${n}=${v}`).join('; ')}; b=`;
  const data = [`${canonHeader(aar, 'relaxed')}\r\n`, `${canonHeader(ams, 'relaxed')}\r\n`, canonHeader(unsealed, 'relaxed')].join('');
  const seal = unsealed + sign('sha256', Buffer.from(data, 'latin1'), spec.privateKey).toString('base64');
  return { headers: [seal, ams, aar, ...m.headers], body: m.body };
}
