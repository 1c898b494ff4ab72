/**
 * mailauth's authentication steps, run the way `authenticate()` runs them, minus its stream parser.
 *
 * `authenticate()` feeds the message through a Writable (MessageParser) that finds the end of the
 * header section one byte at a time, keeping the last four bytes in an array it re-slices for
 * every byte, and that rewrites line ends one awaited chunk per bare LF. On the bench's messages
 * that stream is more than half of what authenticate costs (`npm run bench -- messages`: these
 * steps take 0.13 ms a message, authenticate 0.29 ms). Here the message is already
 * in memory, so the end of the header section is found with a few indexOf calls: the header block
 * and the body, made CRLF, go straight to mailauth's own DkimVerifier (the same object, the same
 * hashing, the same signature checks), and the other steps are mailauth's own functions, called in
 * authenticate's order with authenticate's arguments:
 *
 *   DKIM (and the ARC data) → SPF → ARC → DMARC (then DKIM alignment from the DMARC record) → BIMI
 *
 * Two things authenticate produces are left out because analysis never reads them: the parsed
 * Received chain (hops.ts parses the path itself) and the Authentication-Results header text.
 * Nothing is sealed.
 *
 * Analysis reads DKIM and ARC strictly (`strict`: mailauth's own strict mode, the RFCs' reading).
 * Receivers that read leniently still decide where much mail lands, so where mailauth's default
 * reading may give another result (any signature that neither passes nor lacks its key, a chain
 * that fails) it runs too, on the answers DNS gave the strict one, and comes back as `lenient`.
 * test/integration/mailauth-run.test.ts holds both readings equal to authenticate()'s (by default
 * and with strict) over every conformance message and the message edge cases, so a mailauth update
 * that changes its orchestration fails there first. DkimVerifier, evaluateDmarc and the two tools
 * helpers are not mailauth's public API, which is why package.json pins mailauth to one version.
 */
import { isIP } from 'node:net';
import { arc, bimi, spf, type ARCResult, type AuthenticateResult, type DKIMResult, type DMARCResult } from 'mailauth';
import { DkimVerifier } from 'mailauth/lib/dkim/dkim-verifier.js';
import { evaluateDmarc } from 'mailauth/lib/dmarc/index.js';
import { formatAuthservId, formatDomain, getAlignment } from 'mailauth/lib/tools.js';

export interface MailauthRunOptions {
  ip?: string;
  helo?: string;
  sender?: string;
  /** The authserv-id: SPF writes it into its Received-SPF text. */
  mta: string;
  /**
   * Read DKIM signatures and the ARC chain as RFC 6376, RFC 8301, RFC 8463 and RFC 8617 have it
   * (mailauth's strict mode, as authenticate({ strict: true }) reads them), and add mailauth's
   * default reading where it may differ (`lenient`). SPF, DMARC record parsing and BIMI run as
   * authenticate runs them by default either way. Without it: exactly authenticate() by default.
   */
  strict?: boolean;
  resolver: (name: string, type: string) => Promise<unknown>;
}

/**
 * mailauth's default (lenient) reading of a message read strictly, where it may differ.
 *
 * `dkim` follows the strict `dkim.results` one for one; null is a signature the lenient verifier
 * leaves out of its results altogether (it reports only what it can process: a message whose only
 * signature is such is "not signed" to it). `dmarc` is DMARC evaluated on these DKIM results and
 * `arc` (SPF as in the strict reading).
 */
export interface LenientReading {
  dkim: (DKIMResult | null)[];
  arc: ARCResult | false;
  dmarc: DMARCResult | false;
}

export type MailauthRunResult = Pick<AuthenticateResult, 'dkim' | 'spf' | 'dmarc' | 'arc' | 'bimi' | 'dmarcSkipReason'> & {
  /** Only in the strict reading, and only when some DKIM or ARC result may read differently leniently. */
  lenient?: LenientReading;
};

/** How much body is hashed before other work gets a turn. */
const BODY_CHUNK = 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Every bare LF as CRLF (RFC 6376 §5.3: verifiers see CRLF), which is what MessageParser's
 * ensureLinebreaks does while streaming. A message with no bare LF comes back as it is.
 */
export function withCrlf(raw: Buffer): Buffer {
  let bare = false;
  for (let at = raw.indexOf(LF); at >= 0; at = raw.indexOf(LF, at + 1)) {
    if (at === 0 || raw[at - 1] !== CR) {
      bare = true;
      break;
    }
  }
  if (!bare) return raw;
  // latin1 maps bytes to characters one to one, so the round trip is byte-exact. Without any CR
  // (a file saved with Unix line ends) every LF is bare: a plain replaceAll, no look-behind.
  const text = raw.toString('latin1');
  return Buffer.from(raw.indexOf(CR) < 0 ? text.replaceAll('\n', '\r\n') : text.replace(/(?<!\r)\n/g, '\r\n'), 'latin1');
}

/**
 * Where MessageParser ends the header section: after the first empty line, the empty line included
 * (a line end right after a line end, "\n\n" or "\n\r\n"); an empty first line is an empty header
 * section (RFC 5322 §2.1). Without an empty line everything is header and there is no body. Works on
 * the message as given, so that the body is made CRLF only when a signature needs it.
 */
export function splitHeader(message: Buffer): { header: Buffer; body: Buffer | null } {
  let end = -1;
  if (message[0] === LF) end = 1;
  else if (message[0] === CR && message[1] === LF) end = 2;
  else {
    for (let at = message.indexOf(LF); at >= 0; at = message.indexOf(LF, at + 1)) {
      if (message[at + 1] === LF) end = at + 2;
      else if (message[at + 1] === CR && message[at + 2] === LF) end = at + 3;
      if (end >= 0) break;
    }
  }
  if (end < 0) return { header: message, body: null };
  return { header: message.subarray(0, end), body: message.subarray(end) };
}

/** mailauth's DKIM verifier over one message: the header block, then the body the signatures ask for. */
async function verifyDkim(raw: Buffer, resolver: never, sender: string | undefined, strict: boolean): Promise<DkimVerifier> {
  const verifier = new DkimVerifier({ resolver, ...(sender !== undefined ? { sender } : {}), ...(strict ? { strict } : {}) });
  const { header, body } = splitHeader(raw);
  await verifier.emitHeaders(withCrlf(header));
  // The body only feeds the body hashes the signatures asked for; an unsigned message has none.
  if (body && body.length > 0 && verifier.bodyHashes.size > 0) {
    const crlf = withCrlf(body);
    // A big body is hashed a megabyte at a time, the event loop served in between, as a stream would be.
    for (let at = 0; at < crlf.length; at += BODY_CHUNK) {
      if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      await verifier.nextChunk(crlf.subarray(at, at + BODY_CHUNK));
    }
  }
  await verifier.finish();
  return verifier;
}

/**
 * mailauth's lenient word for a signature read strictly, when the strict result alone decides it;
 * undefined when only a lenient reading can tell.
 *
 * The strict mode refuses more, never less, so a pass stays a pass, and "none" is the unsigned
 * placeholder. Past the tag checks, a key that DNS does not have or a DNS failure is the same
 * answer in both, and a body hash that does not match is the same mismatch, which the lenient mode
 * calls neutral where the strict one says fail (RFC 6376 §6.1.3). That holds only for a signature
 * whose tag list reads the same both ways: one the strict reading warned about (upper-case tag
 * names, which the lenient mode reads as their lower-case selves) is left to the lenient reading.
 */
export function lenientWord(r: DKIMResult): string | undefined {
  const { result, comment, warnings } = r.status as DKIMResult['status'] & { warnings?: unknown[] };
  if (result === 'pass' || result === 'none') return result;
  if (warnings && warnings.length > 0) return undefined;
  if (result === 'temperror') return result;
  if (comment === 'no key') return 'neutral';
  if (result === 'fail' && comment === 'body hash did not verify') return 'neutral';
  return undefined;
}

/**
 * A strict ARC failure the lenient reading shares: the chain was read, its seals verified, and the
 * newest ARC-Message-Signature failed for want of its key or DNS (RFC 8617 §5.2 step 4), or a
 * seal's key is missing. Every other failure may be one the lenient mode accepts.
 */
function arcFailsAlike(verifier: DkimVerifier, arcResult: ARCResult | false): boolean {
  if (!arcResult || arcResult.status.result !== 'fail') return true;
  if (verifier.arc.error) return false;
  const comment = arcResult.status.comment ?? '';
  if (/^no key for /.test(comment)) return true;
  // Not a body hash mismatch: without c= the lenient mode retries the AMS as relaxed/relaxed.
  const ams = verifier.arc.lastEntry?.messageSignature;
  const keyless = ams !== undefined && (ams.status.result === 'temperror' || ams.status.comment === 'no key') && lenientWord(ams) !== undefined;
  return / no valid signature$/.test(comment) && keyless;
}

/**
 * The lenient result of each strict DKIM result, in the strict results' order.
 *
 * Both verifiers keep the DKIM-Signature fields in message order, and push one result per field
 * they process: the strict one processes every field, the lenient one leaves out the fields it
 * skips (unknown algorithm or canonicalization, no d= or s=). Null stands for such a field.
 */
function pairLenient(strict: DkimVerifier, lenient: DkimVerifier): (DKIMResult | null)[] {
  const strictFields = strict.signatureHeaders.filter((h) => h.type === 'DKIM');
  const lenientFields = lenient.signatureHeaders.filter((h) => h.type === 'DKIM');
  const results = strict.results ?? [];
  // Without a field there is only the "not signed" placeholder, the same in both.
  if (strictFields.length !== results.length || lenientFields.length !== strictFields.length) return results.map(() => null);
  let next = 0;
  return lenientFields.map((field) => (field.skip ? null : (lenient.results?.[next++] ?? null)));
}

/** authenticate()'s evaluation of a message, with its own DKIM verifier fed directly. */
export async function runMailauth(raw: Buffer, options: MailauthRunOptions): Promise<MailauthRunResult> {
  const strict = options.strict === true;
  // In the strict reading every answer is kept, so that the lenient reading, when it runs, asks
  // DNS nothing a second time (and the transcript shows each question once).
  const asked = new Map<string, Promise<unknown>>();
  const resolver = (
    strict
      ? (name: string, type: string) => {
          const answer = options.resolver(name, type);
          asked.set(`${type} ${name}`, answer);
          return answer;
        }
      : options.resolver
  ) as never;
  // authenticate refuses an authserv-id that is no host name before any work; so does this.
  formatAuthservId(options.mta, false);
  const verifier = await verifyDkim(raw, resolver, options.sender, strict);

  const dkim: AuthenticateResult['dkim'] = {
    headerFrom: verifier.headerFrom,
    fromFields: verifier.fromFields,
    envelopeFrom: verifier.envelopeFrom,
    results: verifier.results,
  } as AuthenticateResult['dkim'];

  // authenticate's HELO rules: the IP stands in for a missing HELO, and an address literal is
  // written in brackets. A value given (even empty) is passed on as given, as authenticate does.
  let helo = options.helo;
  if (!helo && options.ip) helo = options.ip;
  if (helo && isIP(helo)) helo = `[${helo}]`;
  const spfResult = await spf({
    ...(options.sender !== undefined ? { sender: options.sender } : {}),
    ...(options.ip !== undefined ? { ip: options.ip } : {}),
    ...(helo !== undefined ? { helo } : {}),
    mta: options.mta,
    resolver,
  } as Parameters<typeof spf>[0]);

  const arcResult = await arc(verifier.arc as never, { resolver, ip: options.ip, ...(strict ? { strict } : {}) } as never);

  const spfDomains = spfResult && spfResult.status.result === 'pass' && spfResult.domain ? [spfResult.domain] : [];
  let dmarc: AuthenticateResult['dmarc'] = false;
  let dmarcSkipReason: AuthenticateResult['dmarcSkipReason'];
  let strictDmarc: Awaited<ReturnType<typeof dmarcOf>> | undefined;
  if (verifier.headerFrom) {
    const evaluated = (strictDmarc = await dmarcOf(verifier, spfDomains, dkim.results ?? [], arcResult, resolver));
    dmarc = evaluated.response || false;
    dmarcSkipReason = evaluated.reason;
    settleAlignment(dkim.results ?? [], evaluated.dkimAligned, dmarc);
  }

  let lenient: LenientReading | undefined;
  if (strict && ((dkim.results ?? []).some((r) => lenientWord(r) === undefined) || !arcFailsAlike(verifier, arcResult))) {
    // mailauth's default reading of the same signatures, on the answers the strict reading got.
    const replay = ((name: string, type: string) => asked.get(`${type} ${name}`) ?? options.resolver(name, type)) as never;
    const loose = await verifyDkim(raw, replay, options.sender, false);
    const looseArc = await arc(loose.arc as never, { resolver: replay, ip: options.ip } as never);
    // DMARC reads the passing signatures and the ARC word (its comment names it): the same
    // inputs give the strict reading's result.
    const passing = (rows: DKIMResult[]) => rows.filter((r) => r.status.result === 'pass').map((r) => r.id).join(' ');
    const sameInputs = passing(loose.results ?? []) === passing(dkim.results ?? []) && (looseArc || undefined)?.status.result === (arcResult || undefined)?.status.result;
    let looseDmarc: DMARCResult | false = false;
    if (loose.headerFrom) {
      const evaluated = sameInputs && strictDmarc ? strictDmarc : await dmarcOf(loose, spfDomains, loose.results ?? [], looseArc, replay);
      looseDmarc = evaluated.response || false;
      settleAlignment(loose.results ?? [], evaluated.dkimAligned, looseDmarc);
    }
    lenient = { dkim: pairLenient(verifier, loose), arc: looseArc || false, dmarc: looseDmarc };
  }

  const bimiResult = await bimi({ dmarc, headers: verifier.headers, resolver } as never);
  return {
    dkim,
    spf: spfResult || false,
    dmarc,
    arc: arcResult || false,
    bimi: bimiResult || false,
    ...(!dmarc && dmarcSkipReason ? { dmarcSkipReason } : {}),
    ...(lenient ? { lenient } : {}),
  };
}

/**
 * authenticate's last word on each signature's alignment: the verifier guessed it before the DMARC
 * record was known. Passing signatures take the DMARC verdict, failing ones the record's adkim mode.
 */
function settleAlignment(results: DKIMResult[], dkimAligned: Set<string> | undefined, dmarc: DMARCResult | false): void {
  if (!dkimAligned || !dmarc) return;
  const fromDomain = dmarc.status.header?.from;
  for (const row of results) {
    const signer = row.signingDomain ?? '';
    if (row.status.result === 'pass') row.status.aligned = dkimAligned.has(formatDomain(signer)) ? signer : false;
    else if (dmarc.alignment.dkim.strict) {
      const strictly = row.status.aligned ? getAlignment(fromDomain, [signer], true) : false;
      row.status.aligned = (strictly && strictly.domain) || false;
    }
  }
}

/** DMARC as authenticate evaluates it, on the passing signatures of one DKIM reading. */
function dmarcOf(verifier: DkimVerifier, spfDomains: string[], results: DKIMResult[], arcResult: unknown, resolver: never) {
  const passing = results.filter((r) => r.status.result === 'pass');
  return evaluateDmarc({
    headerFrom: verifier.headerFrom,
    fromFields: verifier.fromFields,
    spfDomains,
    dkimDomains: passing.map((r) => ({ id: r.id, domain: r.signingDomain, aligned: r.status.aligned, underSized: r.status.underSized })),
    arcResult: arcResult as ARCResult | false,
    resolver,
    strict: false,
  });
}
