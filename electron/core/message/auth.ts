/**
 * Authentication as a receiver evaluates it: SPF, every DKIM signature, DMARC, ARC and BIMI.
 *
 * mailauth does the evaluation (mailauth-run.ts runs its steps as authenticate() does), through the
 * DnsSession's resolver so that every lookup lands in the transcript. DKIM signatures and the ARC
 * chain are read as the RFCs have them (mailauth's strict mode): rsa-sha1 is refused (RFC 8301
 * §3.1), a signature missing a required tag or with a broken tag list is neutral (RFC 6376 §3.5,
 * §3.2, §6.1.1), a body hash that does not match fails (RFC 6376 §6.1.3), and a signature with an
 * unknown algorithm or canonicalization is reported, neutral, not taken for no signature (RFC 8601
 * §2.7.1). Many receivers read more leniently; where mailauth's default (lenient) reading gives
 * another result, the result carries it as `lenient`, with the reason. DMARC is evaluated on the
 * strict results. What we add is the explanation: why a signature failed, in words a sender can act
 * on, and the DNS record that fixes it.
 *
 * Network: mailauth's verification only resolves DNS. BIMI's VMC and logo downloads live in mailauth's
 * validateBimiVmc(), which we never call, so nothing here dials anything but the DnsSession.
 */
import { createHash } from 'node:crypto';
import type { DKIMResult } from 'mailauth';
import { finding } from '../audit/finding';
import type { Finding } from '../audit/types';
import type { HeaderField } from './input';
import { lenientWord, runMailauth } from './mailauth-run';
import type { AuthResult, DkimSignatureResult, Envelope, LenientResult, MessageAuth } from './types';

export type Resolver = (name: string, type: string) => Promise<unknown>;

export interface AuthInput {
  raw: Buffer;
  headers: readonly HeaderField[];
  envelope: Envelope;
  resolver: Resolver;
  headersOnly: boolean;
  bodyOffset: number | null;
  /** The top-level multipart boundary that is never closed: the file was cut short. */
  unclosedBoundary: string | null;
  /** The authserv-id mailauth writes; fixed so results do not depend on the machine's host name. */
  mta?: string;
}

const RESULT_WORDS = new Set<AuthResult>(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy']);

/** mailauth's result words as ours: its "temperr", "skipped" and "declined" have no AuthResult. */
function word(result: string | undefined): AuthResult {
  if (result === 'temperr') return 'temperror';
  return RESULT_WORDS.has(result as AuthResult) ? (result as AuthResult) : 'none';
}

/** The tag=value pairs of a DKIM-Signature (RFC 6376 §3.2), whitespace removed where it may be. */
export function parseTags(value: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return tags;
}

const compact = (v: string | undefined) => (v ?? '').replace(/\s+/g, '');

/**
 * Lines of a body in DKIM canonical form (RFC 6376 §3.4.3 simple, §3.4.4 relaxed), without CRLFs.
 *
 * As latin1 strings, one character per byte: hashed with update(line, 'latin1'), so no Buffer is
 * made per line.
 */
function canonicalLines(body: Buffer, relaxed: boolean): string[] {
  const text = body.toString('latin1');
  const lines = text.split(/\r?\n/);
  // The final line without a line end is still a line; a trailing CRLF leaves an empty last element.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return relaxed ? lines.map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, '')) : lines;
}

/**
 * Body hash of every prefix of the canonical body that ends on a line, looking for bh=.
 *
 * Returns the canonical length of the matching prefix: the body as it was signed, before a footer
 * was added. RFC 6376 §3.4.3/§3.4.4: empty lines at the end are ignored, so a prefix's hash is the
 * hash of its lines up to its last non-empty one.
 */
function findSignedPrefix(lines: string[], relaxed: boolean, algo: string, expected: string): { bytes: number; lines: number } | null {
  // Digests are compared as bytes, not base64 text: a digest's base64 is always canonical, so a bh=
  // that is not canonical base64 can never equal one, and a canonical one equals exactly its bytes.
  const want = Buffer.from(expected, 'base64');
  const comparable = want.toString('base64') === expected;
  const hash = createHash(algo);
  let pending = 0;
  let bytes = 0;
  const maxLines = Math.min(lines.length, 200_000);
  for (let i = 0; comparable && i < maxLines; i++) {
    const line = lines[i] as string;
    if (line.length === 0) {
      pending++;
      continue;
    }
    // Empty lines (latin1: length is bytes) count only once a non-empty line follows them.
    for (; pending > 0; pending--) {
      hash.update('\r\n');
      bytes += 2;
    }
    hash.update(line, 'latin1');
    hash.update('\r\n');
    bytes += line.length + 2;
    if (i < lines.length - 1 && hash.copy().digest().equals(want)) return { bytes, lines: i + 1 };
  }
  // The empty body: simple canonicalization makes it one CRLF, relaxed makes it nothing.
  if (lines.length > 0 && createHash(algo).update(relaxed ? '' : '\r\n').digest('base64') === expected) return { bytes: relaxed ? 0 : 2, lines: 0 };
  return null;
}

function hashLines(lines: string[], relaxed: boolean, algo: string): string {
  const hash = createHash(algo);
  let end = lines.length;
  while (end > 0 && (lines[end - 1] as string).length === 0) end--;
  if (end === 0) return hash.update(relaxed ? '' : '\r\n').digest('base64');
  for (let i = 0; i < end; i++) hash.update(lines[i] as string, 'latin1').update('\r\n');
  return hash.digest('base64');
}

/** Size of the canonical body: its lines up to the last non-empty one, each with CRLF. */
function canonicalSize(lines: string[]): number {
  let end = lines.length;
  while (end > 0 && (lines[end - 1] as string).length === 0) end--;
  return lines.slice(0, end).reduce((n, l) => n + l.length + 2, 0);
}

function decodeQuotedPrintable(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/=\r?\n/g, '');
  return Buffer.from(
    text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
}

const MAX_EXPLAIN_BODY = 10 * 1024 * 1024;

/** Why the body hash does not match, tried in order of how often each happens. */
export function explainBodyHash(input: {
  body: Buffer;
  headers: readonly HeaderField[];
  canonicalization: string;
  algorithm: string;
  expected: string;
  computed: string;
  canonicalLength: number | undefined;
  bodyLength: number | null;
  unclosedBoundary: string | null;
}): string {
  const relaxed = (input.canonicalization.split('/')[1] ?? 'simple').toLowerCase() === 'relaxed';
  const algo = /sha1$/i.test(input.algorithm) ? 'sha1' : 'sha256';
  const now = input.canonicalLength !== undefined ? `${input.canonicalLength} bytes` : 'unknown length';
  const head = `The body hash does not match: the signature expects bh=${input.expected}, the body now hashes to ${input.computed} (canonical body ${now}${input.bodyLength !== null ? `, l=${input.bodyLength}` : ', no l= limit'}).`;
  if (input.unclosedBoundary) {
    return `${head} The message is cut short (its multipart boundary "${input.unclosedBoundary}" is never closed): the copy analysed is incomplete, which breaks the hash by itself. Analyse the complete message.`;
  }
  if (input.bodyLength !== null && input.canonicalLength !== undefined && input.canonicalLength < input.bodyLength) {
    return `${head} The body is shorter than the ${input.bodyLength} bytes l= covers: content was removed or the body was rewritten after signing.`;
  }
  if (input.body.length <= MAX_EXPLAIN_BODY) {
    const lines = canonicalLines(input.body, relaxed);
    if (input.bodyLength === null) {
      const prefix = findSignedPrefix(lines, relaxed, algo, input.expected);
      if (prefix) {
        const total = input.canonicalLength ?? canonicalSize(lines);
        const footer = lines
          .slice(prefix.lines)
          .map((l) => l.trim())
          .find((l) => l !== '');
        return `${head} A footer was appended after signing: the first ${prefix.bytes} canonical bytes (${prefix.lines} lines) still match the signature, and ${total - prefix.bytes} bytes follow${footer ? `, starting "${footer.slice(0, 80)}"` : ''}. A mailing list or outbound gateway adds it: have it sign after adding the footer, or sign with DKIM after that system.`;
      }
    }
    const cte = input.headers.find((h) => h.name.toLowerCase() === 'content-transfer-encoding')?.value.trim().toLowerCase();
    if (cte === 'quoted-printable' || cte === 'base64') {
      const decoded = cte === 'base64' ? Buffer.from(input.body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64') : decodeQuotedPrintable(input.body);
      if (hashLines(canonicalLines(decoded, relaxed), relaxed, algo) === input.expected) {
        return `${head} The body was re-encoded after signing: it is ${cte} now and was signed as 8-bit text. A relay that does not support 8BITMIME converted it; sign 7-bit content (encode the body as quoted-printable before signing) or have that relay pass 8-bit.`;
      }
    }
    const raw = input.body.toString('latin1');
    const bareLf = /(^|[^\r])\n/.test(raw);
    if (bareLf) {
      const crlf = Buffer.from(raw.replace(/\r?\n/g, '\r\n'), 'latin1');
      if (hashLines(canonicalLines(crlf, relaxed), relaxed, algo) !== input.expected) {
        return `${head} The body has bare LF line endings, which a copy saved or converted on Unix gets; the content also differs otherwise. Line-ending changes alone are usually normalised; look for a changed footer, rewritten links or a re-encoding.`;
      }
      return `${head} The line endings were changed (bare LF instead of CRLF) after signing.`;
    }
  }
  return `${head} The body was changed after signing: typically a footer or disclaimer added by a mailing list or gateway, links rewritten by a security gateway, or a re-encoding by a relay. Sign after the last system that modifies the body.`;
}

/** The tag names of a tag-list as written, case kept, in order (RFC 6376 §3.2). */
function tagNames(value: string): string[] {
  return value
    .split(';')
    .map((part) => (part.includes('=') ? part.slice(0, part.indexOf('=')).trim() : ''))
    .filter(Boolean);
}

/** The tags every DKIM-Signature must carry (RFC 6376 §3.5). */
const REQUIRED_TAGS = ['v', 'a', 'b', 'bh', 'd', 'h', 's'];

/** What is wrong with a tag list: required tags missing, tags twice, tag names not in lower case. */
function tagListFaults(value: string | undefined): { missing: string[]; twice: string[]; cased: string[] } {
  const names = value === undefined ? [] : tagNames(value);
  return {
    missing: value === undefined ? [] : REQUIRED_TAGS.filter((t) => !names.includes(t)),
    twice: [...new Set(names.filter((n, i) => names.indexOf(n) !== i))],
    cased: names.filter((n) => n !== n.toLowerCase()),
  };
}

/** The faults of a tag list, in words. */
function tagListProblems(value: string | undefined): string {
  const { missing, twice, cased } = tagListFaults(value);
  return [
    missing.length ? `no ${missing.map((t) => `${t}=`).join(', ')}` : '',
    twice.length ? `${twice.map((t) => `${t}=`).join(', ')} more than once` : '',
    cased.length ? `${cased.map((t) => `${t}=`).join(', ')} in upper case (tag names are case-sensitive, so ${cased.length === 1 ? 'it is an unknown tag' : 'they are unknown tags'})` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/**
 * Reasons the strict reading gives for a signature it could not read at all. When the tag list has
 * a tag twice or in upper case, that is the cause (an "A=" leaves the signature without a=, which
 * reads as an unknown algorithm), and the analysis says so.
 */
const UNREADABLE = new Set(['unknown algorithm', 'unknown canonicalization', 'signature missing required tag', 'signature syntax error']);

/**
 * Why a signature the RFCs refuse before any key is used could not count, by mailauth's strict
 * reason. RFC 6376 §6.1.1 makes each a PERMFAIL, which RFC 8601 §2.7.1 reports as neutral.
 */
function invalidWhy(comment: string | undefined, sig: DkimSignatureResult, raw: string | undefined): string | null {
  const key = `${sig.selector}._domainkey.${sig.domain}`;
  switch (comment) {
    case 'signature missing required tag':
    case 'signature syntax error': {
      const problems = tagListProblems(raw);
      return `The signature's tag list breaks RFC 6376${problems ? `: ${problems}` : ''}. Every DKIM-Signature needs v=, a=, b=, bh=, d=, h= and s= (§3.5), each once, with lower-case names (§3.2); a verifier that follows the RFC cannot use it (PERMFAIL, §6.1.1) and reports neutral.`;
    }
    case 'incompatible version':
      return 'The signature has a v= other than 1: RFC 6376 §3.5 makes verifiers refuse an incompatible version.';
    case 'unsupported query method':
      return 'q= names no query method but dns/txt, the only one defined (RFC 6376 §3.5): the key cannot be looked up.';
    case 'domain mismatch':
      return `The i= identity is not in the d= domain ${sig.domain} or a subdomain of it (RFC 6376 §3.5), or the key at ${key} has t=s and i= is in a subdomain (§3.6.1).`;
    case 'invalid expiration':
      return 'x= (the expiry) is not later than t= (the signing time), which RFC 6376 §3.5 requires.';
    case 'unknown algorithm':
      return `a=${sig.algorithm ?? ''} is not a signing algorithm verifiers know (rsa-sha256, RFC 6376 §3.3 and RFC 8301; ed25519-sha256, RFC 8463), so the signature cannot be verified. It is still a signature: receivers report it as neutral or permerror (RFC 8601 §2.7.1), never as a message without one.`;
    case 'unknown canonicalization':
      return `c=${sig.canonicalization ?? ''} names a canonicalization other than simple and relaxed, the only two (RFC 6376 §3.4), so the signature cannot be verified. It is still a signature: receivers report it as neutral or permerror (RFC 8601 §2.7.1), never as a message without one.`;
    case 'From field not signed':
      return 'h= does not list From, which RFC 6376 §5.4 requires every signature to cover: verifiers ignore the signature, since it says nothing about the author.';
    case 'inappropriate key algorithm':
      return `The key at ${key} is of another type than a=${sig.algorithm ?? ''} names (RFC 6376 §6.1.2 step 8).`;
    default:
      return null;
  }
}

/** What mailauth's default reading accepted that the RFCs do not, by its warning codes. */
const LENIENT_WHY: Record<string, string> = {
  'rsa-sha1': 'rsa-sha1 is still accepted by many receivers, though RFC 8301 §3.1 says verifiers must not accept it',
  'missing-v': 'lenient verifiers accept a signature without v=, which RFC 6376 §3.5 requires',
  'invalid-v': 'lenient verifiers ignore a v= other than 1, which RFC 6376 §3.5 says to refuse',
  'tag-syntax': 'lenient verifiers read a tag list that breaks RFC 6376 §3.2 (a tag twice, an upper-case tag name, a malformed value)',
  'query-method': 'lenient verifiers look the key up in DNS whatever q= says (RFC 6376 §3.5)',
  'identity-domain': 'lenient verifiers accept an i= outside the d= domain (RFC 6376 §3.5) or against the key\'s t=s',
  'invalid-expiration': 'lenient verifiers accept an x= equal to t=, which RFC 6376 §3.5 forbids',
  'key-syntax': 'lenient verifiers use a key record that breaks RFC 6376 §3.6.1 syntax',
  'key-v-syntax': 'lenient verifiers accept a key record whose v= is not "DKIM1" as its first tag (RFC 6376 §3.6.1)',
  'key-type-inferred': 'lenient verifiers use an ed25519 key from a record without k=, which means rsa (RFC 6376 §3.6.1, RFC 8463 §4)',
  'arc-tag-syntax': 'lenient verifiers read an ARC header whose tag list breaks RFC 6376 §3.2 (a tag twice, an upper-case tag name, a required tag missing; RFC 8617 §4.1)',
  'arc-instance-syntax': 'lenient verifiers read an ARC header whose i= is not a number from 1 to 50 (RFC 8617 §4.2.1)',
  'ams-c-default':
    'the ARC-Message-Signature has no c=, which means simple/simple (RFC 6376 §3.5 via RFC 8617 §4.1.2), and verifies only as relaxed/relaxed: lenient verifiers try relaxed too, as early ARC drafts had it',
};

/** The lenient reasons behind mailauth's warning codes, in words (unknown codes by name). */
function lenientWords(warnings: unknown): string[] {
  const codes = Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === 'string') : [];
  return [...new Set(codes.map((c) => LENIENT_WHY[c] ?? (c.startsWith('missing-') ? `lenient verifiers accept a signature without ${c.slice(8)}=, which RFC 6376 §3.5 requires` : `lenient verifiers accept it (${c})`)))];
}

/**
 * What a lenient receiver reports for a signature read strictly, when it differs.
 *
 * `loose` is mailauth's default reading of the same signature: null when that reading leaves the
 * signature out (it reports only what it can process), undefined when it did not run because the
 * strict result decides its word (lenientWord).
 */
function lenientDkim(strict: DKIMResult, loose: DKIMResult | null | undefined): LenientResult | undefined {
  const derived = loose === undefined ? lenientWord(strict) : undefined;
  if (loose === undefined && derived === undefined) return undefined;
  const result = loose ? word(loose.status.result) : loose === null ? 'none' : word(derived);
  if (result === word(strict.status.result)) return undefined;
  if (loose === null) {
    return {
      result,
      why: `lenient verifiers leave out a signature they cannot process (${strict.status.comment ?? 'unreadable'}) and report the message as not signed, where RFC 8601 §2.7.1 reports such a signature as neutral`,
    };
  }
  if (strict.status.comment === 'body hash did not verify' && result === 'neutral') {
    // The same mismatch in both readings: only the word differs.
    return { result, why: 'lenient verifiers (mailauth\'s default reading among them) report a body hash that does not match as neutral, where RFC 6376 §6.1.3 makes it a failure' };
  }
  const words = lenientWords(loose?.status.warnings);
  return { result, why: words.length ? words.join('; ') : `lenient verifiers accept what the RFC reading refuses here (${strict.status.comment ?? strict.status.result})` };
}

/**
 * The DKIM-Signature header a mailauth result belongs to, and its tags: matched by its b= value, or
 * by d= and s= when the strict reading found no b= (a "B=" is no b= to it).
 */
function signatureTags(headers: readonly HeaderField[], result: DKIMResult): { tags: Map<string, string>; value: string } | null {
  const b = compact(result.signature);
  const fields = headers.filter((h) => h.name.toLowerCase() === 'dkim-signature').map((h) => ({ tags: parseTags(h.value), value: h.value }));
  if (b) return fields.find((f) => compact(f.tags.get('b')) === b) ?? null;
  return fields.find((f) => f.tags.get('d') === result.signingDomain && f.tags.get('s') === result.selector) ?? null;
}

function keyBits(result: DKIMResult, algorithm: string | undefined): number | null {
  if (typeof result.modulusLength === 'number') return result.modulusLength;
  // Ed25519 keys are always 256 bits (RFC 8463 §3).
  if (algorithm?.startsWith('ed25519')) return 256;
  return null;
}

/**
 * One signature as the analysis shows it. `loose` is mailauth's lenient reading of it: undefined when
 * that reading did not run (the strict result then decides its word), null when it leaves the
 * signature out.
 */
function mapSignature(result: DKIMResult, input: AuthInput, loose: DKIMResult | null | undefined): DkimSignatureResult {
  const found = signatureTags(input.headers, result);
  const tags = found?.tags;
  const algorithm = result.algo ?? tags?.get('a');
  const canonicalization = result.format ?? tags?.get('c') ?? 'simple/simple';
  const signedHeaders = (tags?.get('h') ?? result.signingHeaders?.keys ?? '')
    .split(':')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const l = tags?.get('l');
  const bodyLength = l !== undefined && /^\d+$/.test(l) ? Number(l) : null;
  const sig: DkimSignatureResult = {
    domain: result.signingDomain ?? tags?.get('d') ?? '',
    selector: result.selector ?? tags?.get('s') ?? '',
    result: word(result.status.result),
    aligned: Boolean(result.status.aligned),
    ...(algorithm ? { algorithm } : {}),
    keyBits: keyBits(result, algorithm),
    canonicalization,
    signedHeaders,
    bodyLength,
  };
  if (result.bodyHashExpecting !== undefined || result.bodyHash !== undefined) {
    sig.bodyHash = {
      expected: result.bodyHashExpecting ?? '',
      computed: result.bodyHash ?? '',
      match: result.bodyHashExpecting === result.bodyHash,
      ...(typeof result.canonBodyLength === 'number' ? { canonicalLength: result.canonBodyLength } : {}),
    };
  }
  if (result.status.comment) sig.comment = result.status.comment;
  if (sig.result === 'pass') return sig;
  if (sig.comment !== undefined && UNREADABLE.has(sig.comment)) {
    const faults = tagListFaults(found?.value);
    if (faults.twice.length > 0 || faults.cased.length > 0) sig.comment = 'signature syntax error';
  }

  const unverifiable = input.headersOnly && sig.bodyHash !== undefined && !sig.bodyHash.match;
  // Without the body the hash cannot match: the signature was not processed, not failed (RFC 8601 §2.7.1).
  if (unverifiable && sig.result === 'fail') sig.result = 'neutral';
  const invalid = invalidWhy(sig.comment, sig, found?.value);
  if (invalid) {
    sig.explanation = invalid;
  } else if (sig.bodyHash && !sig.bodyHash.match) {
    if (input.headersOnly) {
      sig.explanation = 'Only the headers were given: the body hash, and so the signature, cannot be checked without the body.';
    } else {
      sig.explanation = explainBodyHash({
        body: input.raw.subarray(input.bodyOffset ?? input.raw.length),
        headers: input.headers,
        canonicalization,
        algorithm: algorithm ?? 'rsa-sha256',
        expected: sig.bodyHash.expected,
        computed: sig.bodyHash.computed,
        canonicalLength: sig.bodyHash.canonicalLength,
        bodyLength,
        unclosedBoundary: input.unclosedBoundary,
      });
    }
  } else if (result.status.comment === 'bad signature') {
    const present = new Set(input.headers.map((h) => h.name.toLowerCase()));
    sig.signedHeadersPresent = [...new Set(signedHeaders)].map((name) => ({ name, present: present.has(name) }));
    const missing = sig.signedHeadersPresent.filter((h) => !h.present).map((h) => h.name);
    sig.explanation = `The body is intact but the header signature does not verify: a signed header was changed after signing (a Subject tag added by a list, a rewritten From or To), or the public key at ${sig.selector}._domainkey.${sig.domain} does not belong to the signing key.${missing.length ? ` Signed headers not in the message now: ${missing.join(', ')} (fine only if they were absent when signed).` : ''}`;
  } else if (sig.result === 'policy') {
    const rule = result.status.policy?.['dkim-rules'];
    sig.explanation =
      rule === 'weak-algorithm'
        ? 'The signature uses rsa-sha1, which RFC 8301 §3.1 says signers must not use and verifiers must not accept. Sign with rsa-sha256 (or ed25519-sha256).'
        : `The key at ${sig.selector}._domainkey.${sig.domain} is too short (RFC 8301 §3.2: at least 1024 bits, 2048 recommended): receivers ignore the signature. Publish a 2048-bit key under a new selector and sign with it.`;
  } else if (result.status.comment) {
    sig.explanation = `The signature could not be verified: ${result.status.comment}. The key is looked up at ${sig.selector}._domainkey.${sig.domain} (TXT).`;
  }
  // Without the body the lenient reading fails the body hash too; there is nothing to compare.
  const lenient = unverifiable ? undefined : lenientDkim(result, loose);
  if (lenient) {
    sig.lenient = lenient;
    sig.explanation = `${sig.explanation ?? ''} Lenient receivers would report ${lenient.result}: ${lenient.why}.`.trim();
  }
  return sig;
}

const domainOf = (address: string | null | undefined) => (address && address.includes('@') ? (address.split('@').pop() as string).replace(/>$/, '').toLowerCase() : null);

/** The SPF record with the IP added before its "all", the copy-pasteable fix. */
function spfWithIp(record: string | undefined, ip: string): string {
  const mech = ip.includes(':') ? `ip6:${ip}` : `ip4:${ip}`;
  if (!record) return `v=spf1 ${mech} -all`;
  return /\s[-~?+]?all\b/i.test(record) ? record.replace(/\s([-~?+]?all)\b/i, ` ${mech} $1`) : `${record} ${mech}`;
}

const TAG_FIX = 'Have the signer write every tag RFC 6376 §3.5 requires (v=1, a=, b=, bh=, d=, h=, s=), each once, with lower-case tag names; any maintained DKIM library does.';
const ALGORITHM_FIX = 'Sign with a=rsa-sha256 (a 2048-bit key) or a=ed25519-sha256 (RFC 8463), with c=relaxed/relaxed.';

/** Signatures refused by the RFC reading before any verification: a title, a fix and the rule. */
const REFUSED: Record<string, { title: string; fix: string; refs: string[] }> = {
  'weak algorithm': { title: 'rsa-sha1', fix: ALGORITHM_FIX, refs: ['RFC 8301 §3.1'] },
  'unknown algorithm': { title: 'unknown algorithm', fix: ALGORITHM_FIX, refs: ['RFC 6376 §3.3', 'RFC 8463', 'RFC 8601 §2.7.1'] },
  'unknown canonicalization': { title: 'unknown canonicalization', fix: ALGORITHM_FIX, refs: ['RFC 6376 §3.4', 'RFC 8601 §2.7.1'] },
  'signature missing required tag': { title: 'required tag missing', fix: TAG_FIX, refs: ['RFC 6376 §3.5', 'RFC 6376 §6.1.1'] },
  'signature syntax error': { title: 'tag list invalid', fix: TAG_FIX, refs: ['RFC 6376 §3.2', 'RFC 6376 §6.1.1'] },
  'incompatible version': { title: 'v= is not 1', fix: TAG_FIX, refs: ['RFC 6376 §3.5'] },
  'From field not signed': { title: 'From not signed', fix: 'Sign the From field: put from first in h= (RFC 6376 §5.4).', refs: ['RFC 6376 §5.4'] },
};

/** Runs mailauth and turns its result into MessageAuth and auth.* findings. */
export async function evaluateAuth(input: AuthInput): Promise<{ auth: MessageAuth; findings: Finding[] }> {
  const { envelope } = input;
  const result = await runMailauth(input.raw, {
    ...(envelope.ip ? { ip: envelope.ip } : {}),
    ...(envelope.helo ? { helo: envelope.helo } : {}),
    ...(envelope.mailFrom ? { sender: envelope.mailFrom } : {}),
    mta: input.mta ?? 'deliverlab',
    resolver: input.resolver,
    strict: true,
  });
  const loose = result.lenient;

  // mailauth makes an identity up when it has none (postmaster@<HELO, or the IP in brackets>), and
  // with neither a HELO nor an IP that is "postmaster@undefined": no identity, no domain (RFC 7208 §2.3, §2.4).
  const identified = Boolean(envelope.mailFrom || envelope.helo || envelope.ip);
  const spfDomain = !identified ? null : result.spf ? result.spf.domain : domainOf(envelope.mailFrom) ?? envelope.helo;
  const spf: MessageAuth['spf'] = envelope.ip
    ? {
        result: result.spf ? word(result.spf.status.result) : 'none',
        domain: spfDomain ?? null,
        ...(result.spf && result.spf.status.comment ? { comment: result.spf.status.comment } : {}),
        ...(result.spf && result.spf.rr ? { record: result.spf.rr } : {}),
      }
    : {
        result: 'none',
        domain: spfDomain ?? null,
        comment: 'Not evaluable: no connecting IP was given and no Received header names one. Give the IP (--ip) to check SPF.',
      };

  // An unsigned message still gets one placeholder result from mailauth ("message not signed").
  const dkim = (result.dkim.results ?? []).flatMap((r, i) => (r.signingDomain || r.status.result !== 'none' ? [mapSignature(r, input, loose ? (loose.dkim[i] ?? null) : undefined)] : []));

  const d = result.dmarc;
  const dmarc: MessageAuth['dmarc'] = d
    ? {
        result: word(d.status.result),
        // Without a record mailauth still fills policy in; only a found record has one.
        policy: d.rr && d.policy ? d.policy : null,
        domain: d.domain ?? d.status.header?.from ?? null,
        alignment: { spf: Boolean(d.alignment?.spf?.result), dkim: Boolean(d.alignment?.dkim?.result) },
        ...(d.status.comment ? { comment: d.status.comment } : {}),
      }
    : {
        result: 'none',
        policy: null,
        domain: domainOf(result.dkim.headerFrom?.[0]),
        alignment: { spf: false, dkim: false },
        comment: result.dmarcSkipReason ?? 'DMARC was not evaluated (no From domain).',
      };
  const looseDmarc = loose ? (loose.dmarc ? word(loose.dmarc.status.result) : 'none') : dmarc.result;
  if (looseDmarc !== dmarc.result) {
    // DMARC reads the DKIM results (RFC 7489 §4.2): a signature that passes leniently can pass it.
    const counted = dkim.filter((s) => s.lenient?.result === 'pass');
    dmarc.lenient = {
      result: looseDmarc,
      why: counted.length
        ? `lenient receivers count the signature${counted.length > 1 ? 's' : ''} by ${counted.map((s) => `d=${s.domain}`).join(', ')} as passing (${counted.map((s) => s.lenient?.why).join('; ')})`
        : 'lenient receivers read the DKIM signatures differently (see each signature)',
    };
  }

  const a = result.arc;
  // A chain refused while it was read (a tag list the RFCs refuse) has no instance from mailauth:
  // count its seals then, one per ARC set (RFC 8617 §4.1).
  const seals = () => input.headers.filter((h) => h.name.toLowerCase() === 'arc-seal').length;
  const arc: MessageAuth['arc'] = a
    ? { result: word(a.status.result), instances: typeof a.i === 'number' ? a.i : seals(), ...(a.status.comment ? { comment: a.status.comment } : {}) }
    : { result: 'none', instances: 0 };
  const looseArc = loose ? (loose.arc ? word(loose.arc.status.result) : 'none') : arc.result;
  if (looseArc !== arc.result && loose) {
    const words = loose.arc ? lenientWords((loose.arc as { warnings?: unknown }).warnings) : [];
    arc.lenient = { result: looseArc, why: words.length ? words.join('; ') : `lenient verifiers accept what the RFC reading refuses here (${arc.comment ?? arc.result})` };
  }

  const auth: MessageAuth = { spf, dkim, dmarc, arc };
  const b = result.bimi;
  if (b) {
    auth.bimi = {
      result: word(b.status.result),
      location: b.location ?? null,
      ...(b.status.comment ? { comment: b.status.comment } : b.status.result === 'skipped' ? { comment: 'skipped' } : {}),
    };
  }
  return { auth, findings: authFindings(auth, input) };
}

/** The auth.* findings, each with what a sender does about it. */
export function authFindings(auth: MessageAuth, input: Pick<AuthInput, 'envelope' | 'headersOnly' | 'headers'>): Finding[] {
  const out: Finding[] = [];
  const { spf, dmarc } = auth;
  const { envelope } = input;
  const fromDomain = dmarc.domain;

  if (envelope.ip && ['fail', 'softfail', 'neutral', 'permerror', 'temperror'].includes(spf.result)) {
    const domain = spf.domain ?? '(the envelope sender domain)';
    const severity = spf.result === 'fail' || spf.result === 'permerror' ? undefined : 'warning';
    out.push(
      finding('auth.spf-fail', {
        title: `SPF ${spf.result} for ${domain} from ${envelope.ip}`,
        detail:
          spf.result === 'permerror'
            ? `The SPF record of ${domain} is broken (${spf.comment ?? 'permanent error'}): receivers treat that as a failure.`
            : spf.result === 'temperror'
              ? `SPF for ${domain} could not be checked: DNS failed (${spf.comment ?? 'temporary error'}).`
              : `The connecting IP ${envelope.ip} is not allowed to send for ${domain}. ${envelope.source === 'received' ? `The IP comes from the trusted Received hop: ${envelope.explanation}` : ''}`.trim(),
        fix:
          spf.result === 'temperror'
            ? `Check that the name servers of ${domain} answer for TXT ${domain}.`
            : `If ${envelope.ip} is your own sending server or your email provider's, add it to the SPF record: ${domain}. TXT "${spfWithIp(spf.record, envelope.ip)}" (or use your provider's include: instead of the IP). If the message was forwarded, SPF cannot pass: rely on an aligned DKIM signature.`,
        evidence: spf.comment,
        refs: ['RFC 7208 §2.6', 'RFC 7208 §5'],
        ...(severity ? { severity } : {}),
      }),
    );
  }

  if (envelope.ip && spf.result === 'none' && spf.domain && /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(spf.domain)) {
    out.push(
      finding('auth.spf-fail', {
        title: `${spf.domain} has no SPF record`,
        detail: `The envelope sender's domain ${spf.domain} publishes no SPF record, so receivers cannot tell whether ${envelope.ip} may send for it; many score that as spam.`,
        fix: `Publish an SPF record listing your sending servers: ${spf.domain}. TXT "${spfWithIp(undefined, envelope.ip)}" (add your email provider's include: if it sends for you).`,
        refs: ['RFC 7208 §4.5'],
        severity: 'warning',
      }),
    );
  }

  const notBodyCheckable = (s: DkimSignatureResult) => input.headersOnly && s.bodyHash !== undefined && !s.bodyHash.match;
  const failing = auth.dkim.filter((s) => s.result !== 'pass' && !notBodyCheckable(s));
  for (const s of failing) {
    const keyName = `${s.selector}._domainkey.${s.domain}`;
    const refused = s.comment !== undefined ? REFUSED[s.comment] : undefined;
    const bodyBroken = !refused && s.bodyHash !== undefined && !s.bodyHash.match;
    out.push(
      finding('auth.dkim-fail', {
        title: `DKIM signature by ${s.domain} (selector ${s.selector}) ${bodyBroken ? 'body hash does not match' : refused ? `${s.result}: ${refused.title}` : s.result}`,
        detail: s.explanation ?? `The signature did not verify: ${s.comment ?? s.result}.`,
        fix: refused
          ? refused.fix
          : bodyBroken
            ? 'Find the system that changes the body after signing (footer, link rewriting, re-encoding) and sign after it, or stop it from modifying signed mail.'
            : /no key|key not found|ENOTFOUND|ENODATA/i.test(s.comment ?? '')
              ? `Publish the public key: ${keyName}. TXT "v=DKIM1; k=${s.algorithm?.startsWith('ed25519') ? 'ed25519' : 'rsa'}; p=<base64 public key>".`
              : `Check that ${keyName} TXT holds the public key of the key that signs, and that no system rewrites signed headers (${(s.signedHeaders ?? []).join(', ')}).`,
        evidence: s.comment,
        refs: refused ? refused.refs : ['RFC 6376 §6.1.3', 'RFC 6376 §3.7'],
        // A DNS failure may clear up on a retry; a signature that does not verify will not.
        ...(s.result === 'temperror' ? { severity: 'warning' as const } : {}),
      }),
    );
  }
  if (auth.dkim.length === 0) {
    out.push(
      finding('auth.dkim-fail', {
        title: 'The message is not DKIM-signed',
        detail: 'No DKIM-Signature header: nothing proves the message comes from its domain unchanged, and DMARC can only pass through SPF, which forwarding breaks.',
        fix: `Sign outgoing mail with DKIM for ${fromDomain ?? 'your From domain'}: generate a key pair, publish selector._domainkey.${fromDomain ?? 'example.com'}. TXT "v=DKIM1; k=rsa; p=<base64 public key>", and turn on signing in your mail server or email provider.`,
        refs: ['RFC 6376 §3.5'],
        // Without DKIM, DMARC rests on SPF alone: still passing here, but forwarding breaks it.
        ...(dmarc.result === 'pass' ? { severity: 'warning' as const } : {}),
      }),
    );
  }

  const dmarcEvaluable = !(input.headersOnly && auth.dkim.some(notBodyCheckable) && !dmarc.alignment.spf);
  if (dmarc.result === 'fail' && dmarcEvaluable) {
    out.push(
      finding('auth.dmarc-fail', {
        title: `DMARC fails for ${fromDomain ?? 'the From domain'}${dmarc.policy ? ` (policy ${dmarc.policy})` : ''}`,
        detail: `Neither SPF nor DKIM passed for a domain aligned with ${fromDomain}: SPF ${spf.result}${spf.domain ? ` for ${spf.domain}` : ''}${dmarc.alignment.spf ? ' (aligned)' : ''}; DKIM ${auth.dkim.length ? auth.dkim.map((s) => `${s.result} for ${s.domain}${s.aligned ? ' (aligned)' : ''}`).join(', ') : 'absent'}. Receivers apply the policy${dmarc.policy ? ` "${dmarc.policy}"` : ''} to such mail.${dmarc.lenient ? ` Lenient receivers would report DMARC ${dmarc.lenient.result}: ${dmarc.lenient.why}.` : ''}`,
        fix: `Sign with DKIM as d=${fromDomain} (or a subdomain of it), and/or send with an envelope sender (Return-Path) in ${fromDomain} whose SPF record lists the sending IPs.`,
        refs: ['RFC 7489 §3.1', 'RFC 7489 §4.2'],
      }),
    );
  }

  const dmarcPassed = dmarc.result === 'pass';
  const dkimPassUnaligned = auth.dkim.filter((s) => s.result === 'pass' && !s.aligned);
  if (dkimPassUnaligned.length > 0 && !auth.dkim.some((s) => s.result === 'pass' && s.aligned) && fromDomain) {
    out.push(
      finding('auth.not-aligned', {
        title: `DKIM passes only for ${dkimPassUnaligned.map((s) => s.domain).join(', ')}, not for ${fromDomain}`,
        detail: `The valid signature${dkimPassUnaligned.length > 1 ? 's are' : ' is'} by ${dkimPassUnaligned.map((s) => s.domain).join(', ')}, which does not align with the From domain ${fromDomain}, so it does not count for DMARC.${dmarcPassed ? ' DMARC passes through SPF here, but SPF breaks when mail is forwarded.' : ''}`,
        fix: `Have your email provider sign with your own domain: d=${fromDomain}, publishing the key it gives you (usually a CNAME or TXT at <selector>._domainkey.${fromDomain}).`,
        refs: ['RFC 7489 §3.1.1'],
        ...(dmarcPassed ? { severity: 'info' as const } : {}),
      }),
    );
  }
  if (spf.result === 'pass' && !dmarc.alignment.spf && fromDomain && spf.domain && dmarc.result !== 'none') {
    out.push(
      finding('auth.not-aligned', {
        title: `SPF passes for ${spf.domain}, not for ${fromDomain}`,
        detail: `The envelope sender's domain ${spf.domain} does not align with the From domain ${fromDomain}, so SPF does not count for DMARC.${dmarcPassed ? ' DMARC passes through DKIM here.' : ''}`,
        fix: `Use a bounce (Return-Path) domain under ${fromDomain}, e.g. bounces.${fromDomain}, with an SPF record for the provider's servers (most providers call this a custom return-path or custom MAIL FROM domain).`,
        refs: ['RFC 7489 §3.1.2'],
        ...(dmarcPassed ? { severity: 'info' as const } : {}),
      }),
    );
  }

  if (auth.arc.result === 'fail') {
    out.push(
      finding('auth.arc-fail', {
        title: `The ARC chain (${auth.arc.instances} instance${auth.arc.instances === 1 ? '' : 's'}) is broken`,
        detail: `An ARC seal or message signature does not verify${auth.arc.comment ? ` (${auth.arc.comment})` : ''}: the authentication results the forwarders recorded cannot be trusted, so a receiver will not rescue the message from a DMARC failure caused by forwarding.${auth.arc.lenient ? ` Lenient receivers would report ARC ${auth.arc.lenient.result}: ${auth.arc.lenient.why}.` : ''}`,
        fix: auth.arc.lenient
          ? 'The forwarder that sealed the message writes ARC headers the RFCs refuse: have it write each tag once with lower-case names, and c= on the ARC-Message-Signature (RFC 8617 §4.1, RFC 6376 §3.2 and §3.5); its software or its configuration needs the fix.'
          : 'The forwarder that modified the message after the last seal should seal it again (ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results for the next instance), or stop modifying it.',
        evidence: auth.arc.comment,
        refs: ['RFC 8617 §5.2'],
      }),
    );
  }
  return out;
}
