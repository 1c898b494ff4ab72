/**
 * A deadline on any promise, for clients whose libraries keep none of their own (IMAP commands,
 * system DNS lookups).
 */

/** Rejects with code ETIMEDOUT after `ms`; the timer never keeps the process alive. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`${what} got no answer within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
