/**
 * DNS lookups that got no usable answer, as the checks report them.
 *
 * NXDOMAIN and NODATA are answers: "there is nothing here". SERVFAIL, a timeout, REFUSED or a reply
 * that does not parse are not: whatever a check would conclude from them is a guess. So a check that
 * met one says so (status `error`, and which lookup failed) and never reads it as "nothing there"
 * or as a pass.
 */
import { DnsError } from '../dns/session';
import type { LookupFailure } from './types';

/** RFC 2308: NXDOMAIN (ENOTFOUND) and NODATA (ENODATA) are negative answers, not failures. */
export const isVoidCode = (code: string | undefined): boolean => code === 'ENODATA' || code === 'ENOTFOUND';

/**
 * The failure a rejected lookup stands for, or null for a negative answer.
 *
 * Anything other than a DnsError is a bug and is thrown again.
 */
export function failureOf(err: unknown): LookupFailure | null {
  if (!(err instanceof DnsError)) throw err;
  return isVoidCode(err.code) ? null : { name: err.hostname, type: err.rrtype, code: err.code };
}

const WORDS: Record<string, string> = {
  ESERVFAIL: 'SERVFAIL',
  ETIMEOUT: 'no answer (timeout)',
  EBADRESP: 'a malformed answer',
  EREFUSED: 'REFUSED',
  EFORMERR: 'FORMERR',
  ENOTIMP: 'NOTIMP',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ECANCELLED: 'cancelled',
  EBADNAME: 'not a valid DNS name',
};

/** What the server said, in words: "SERVFAIL", "no answer (timeout)", "a malformed answer". */
export function answerWords(code: string): string {
  return WORDS[code] ?? code;
}

/** `TXT _spf.example.com: SERVFAIL` */
export function failureText(f: LookupFailure): string {
  return `${f.type} ${f.name}: ${answerWords(f.code)}`;
}

/** Several failures in one line, the first few named: for a check's `error`. */
export function failuresText(failures: readonly LookupFailure[], shown = 4): string {
  const unique = [...new Map(failures.map((f) => [`${f.type} ${f.name} ${f.code}`, f])).values()];
  const named = unique.slice(0, shown).map(failureText).join('; ');
  return unique.length > shown ? `${named}; and ${unique.length - shown} more` : named;
}
