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
 * Nothing is sealed. test/integration/mailauth-run.test.ts holds the result equal to
 * authenticate()'s over every conformance message and the message edge cases, so a mailauth update
 * that changes its orchestration fails there first. DkimVerifier, evaluateDmarc and the two tools
 * helpers are not mailauth's public API, which is why package.json pins mailauth to one version.
 */
import { isIP } from 'node:net';
import { arc, bimi, spf, type AuthenticateResult } from 'mailauth';
import { DkimVerifier } from 'mailauth/lib/dkim/dkim-verifier.js';
import { evaluateDmarc } from 'mailauth/lib/dmarc/index.js';
import { formatAuthservId, formatDomain, getAlignment } from 'mailauth/lib/tools.js';

export interface MailauthRunOptions {
  ip?: string;
  helo?: string;
  sender?: string;
  /** The authserv-id: SPF writes it into its Received-SPF text. */
  mta: string;
  resolver: (name: string, type: string) => Promise<unknown>;
}

export type MailauthRunResult = Pick<AuthenticateResult, 'dkim' | 'spf' | 'dmarc' | 'arc' | 'bimi' | 'dmarcSkipReason'>;

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

/** authenticate()'s evaluation of a message, with its own DKIM verifier fed directly. */
export async function runMailauth(raw: Buffer, options: MailauthRunOptions): Promise<MailauthRunResult> {
  const resolver = options.resolver as never;
  // authenticate refuses an authserv-id that is no host name before any work; so does this.
  formatAuthservId(options.mta, false);
  const verifier = new DkimVerifier({ resolver, ...(options.sender !== undefined ? { sender: options.sender } : {}) });
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

  const arcResult = await arc(verifier.arc as never, { resolver, ip: options.ip } as never);

  let dmarc: AuthenticateResult['dmarc'] = false;
  let dmarcSkipReason: AuthenticateResult['dmarcSkipReason'];
  if (verifier.headerFrom) {
    const passing = (dkim.results ?? []).filter((r) => r.status.result === 'pass');
    const evaluated = await evaluateDmarc({
      headerFrom: verifier.headerFrom,
      fromFields: verifier.fromFields,
      spfDomains: spfResult && spfResult.status.result === 'pass' && spfResult.domain ? [spfResult.domain] : [],
      dkimDomains: passing.map((r) => ({ id: r.id, domain: r.signingDomain, aligned: r.status.aligned, underSized: r.status.underSized })),
      arcResult,
      resolver,
      strict: false,
    });
    dmarc = evaluated.response || false;
    dmarcSkipReason = evaluated.reason;
    if (evaluated.dkimAligned && dmarc) {
      // As authenticate does: the verifier guessed alignment before the DMARC record was known.
      // Passing signatures take the DMARC verdict, failing ones the record's alignment mode.
      const fromDomain = dmarc.status.header?.from;
      const aligned = evaluated.dkimAligned;
      for (const row of dkim.results ?? []) {
        const signer = row.signingDomain ?? '';
        if (row.status.result === 'pass') row.status.aligned = aligned.has(formatDomain(signer)) ? signer : false;
        else if (dmarc.alignment.dkim.strict) {
          const strict = row.status.aligned ? getAlignment(fromDomain, [signer], true) : false;
          row.status.aligned = (strict && strict.domain) || false;
        }
      }
    }
  }

  const bimiResult = await bimi({ dmarc, headers: verifier.headers, resolver } as never);
  return {
    dkim,
    spf: spfResult || false,
    dmarc,
    arc: arcResult || false,
    bimi: bimiResult || false,
    ...(!dmarc && dmarcSkipReason ? { dmarcSkipReason } : {}),
  };
}
