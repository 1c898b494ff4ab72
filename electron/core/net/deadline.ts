/**
 * The one deadline on a piece of network work: the DNS session's hard stop, the SMTP probe's steps,
 * a send's overall bound, IMAP commands and system lookups, whose libraries keep none of their own.
 *
 * The caller passes the error to throw, as imapflow's connection deadline does, so each caller
 * keeps the error shape its own callers and the user see (a DnsError with ETIMEOUT, a ProbeError
 * of kind timeout, an Error with code ETIMEDOUT...). Built on AbortSignal.timeout, whose timer
 * never keeps the process alive, and AbortSignal.any for a caller's own stop (Cancel, Ctrl-C).
 */

/** A caller's stop, and the error to reject with when it comes first. */
export interface DeadlineStop {
  signal: AbortSignal;
  error: () => Error;
}

// setTimeout's bound: a longer delay would fire at once.
const LONGEST_DELAY = 2 ** 31 - 1;

/**
 * Settles as `work` does, or rejects with `timedOut()` once `ms` have passed, or with
 * `stop.error()` when the stop comes first (at once if it already came).
 *
 * `work` itself is not called back: the caller closes what it opened (a socket, a transport), as it
 * would on any other failure.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, timedOut: () => Error, stop?: DeadlineStop): Promise<T> {
  const timeout = AbortSignal.timeout(Math.min(Math.max(Math.ceil(ms) || 0, 0), LONGEST_DELAY));
  const signal = stop ? AbortSignal.any([timeout, stop.signal]) : timeout;
  return new Promise<T>((resolve, reject) => {
    // The first to come decides; the error is made only when the deadline or the stop wins.
    let decided = false;
    const decide = () => {
      const first = !decided;
      decided = true;
      signal.removeEventListener('abort', onAbort);
      return first;
    };
    // Whichever fired first is the only one aborted when this runs.
    const onAbort = () => decide() && reject(stop?.signal.aborted ? stop.error() : timedOut());
    signal.addEventListener('abort', onAbort);
    work.then(
      (value) => decide() && resolve(value),
      (err: unknown) => decide() && reject(err),
    );
    if (signal.aborted) onAbort();
  });
}

/** Rejects with code ETIMEDOUT after `ms`: "`what` got no answer within `ms` ms". */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return withDeadline(work, ms, () => Object.assign(new Error(`${what} got no answer within ${ms} ms`), { code: 'ETIMEDOUT' }));
}
