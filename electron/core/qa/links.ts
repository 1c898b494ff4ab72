/**
 * The link check: every link and image of an email requested once, its redirects followed by hand,
 * its status, time and final URL recorded; images weighed and measured.
 *
 * Links are requested with HEAD, and with GET when HEAD is refused (any 4xx or 5xx but 429, whose
 * server asked for fewer requests, not another one; or a connection that breaks on HEAD: servers
 * and CDNs that answer 403, 404 or 405 to HEAD and 200 to GET are common). A timeout is not retried:
 * it would double the wait for the same answer. Images are requested with GET from the start, as
 * their size is in their first bytes. At most 5 redirects are followed, each a request of its own
 * that is checked like the first: never into an unsubscribe URL, never to a refused address.
 *
 * The same URL written twice (a logo linked in the header and the footer) is requested once.
 * Unsubscribe links and links to private addresses are never requested (link-unsubscribe.ts,
 * link-address.ts); each result says why. Requests are bounded per host and overall (host-slots.ts),
 * each has a deadline, and the caller's signal stops them all.
 */
import { lookup as systemLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { withDeadline, type DeadlineStop } from '../net/deadline';
import { HostSlots } from './host-slots';
import { refuseAddress } from './link-address';
import { classifyRequestError, exchange, LinkRequestError, type Answer } from './link-request';
import type { LinkCheck, LinkCheckOptions, LinkRef, ResolvedAddress } from './link-types';
import { looksLikeUnsubscribe } from './link-unsubscribe';

export type { LinkCheck, LinkCheckOptions, LinkErrorKind, LinkReason, LinkRef, ResolvedAddress } from './link-types';
export { linkFindings, type LinkFinding } from './link-findings';

/** At most this many redirects are followed; the answer after the fifth redirect ends the chain. */
export const MAX_REDIRECTS = 5;
export const DEFAULT_PER_HOST = 2;
export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The error checkLinks rejects with when its signal stops it. */
export function linkCheckStopped(): Error {
  return Object.assign(new Error('the link check was stopped'), { name: 'AbortError', code: 'ABORT_ERR' });
}

interface Run {
  slots: HostSlots;
  allowPrivate: boolean;
  timeoutMs: number;
  ca: string | Buffer | undefined;
  lookup: (host: string) => Promise<ResolvedAddress[]>;
  signal: AbortSignal | undefined;
  stop: DeadlineStop | undefined;
}

const isAbort = (run: Run, err: unknown) => run.signal?.aborted === true && !(err instanceof LinkRequestError);

async function defaultLookup(host: string): Promise<ResolvedAddress[]> {
  return systemLookup(host, { all: true, order: 'verbatim' });
}

/** The host's addresses within the deadline; an IP literal is its own address. */
async function resolve(run: Run, host: string): Promise<ResolvedAddress[]> {
  const family = isIP(host);
  if (family) return [{ address: host, family }];
  const timedOut = () => new LinkRequestError('timeout', `looking up ${host} got no answer within ${run.timeoutMs} ms`);
  try {
    const found = await withDeadline(run.lookup(host), run.timeoutMs, timedOut, run.stop);
    if (found.length === 0) throw new LinkRequestError('no-host', `${host} has no address`);
    return found;
  } catch (err) {
    if (err instanceof LinkRequestError || isAbort(run, err)) throw err;
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EAI_NONAME') throw new LinkRequestError('no-host', `${host} does not exist in DNS`);
    throw new LinkRequestError('dns', `looking up ${host} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** One request with its deadline; the socket is closed whatever happens. */
async function attempt(run: Run, url: URL, method: 'HEAD' | 'GET', addresses: ResolvedAddress[], kind: LinkRef['kind']): Promise<Answer> {
  const ex = exchange(url, method, addresses, kind === 'image' ? 'image' : 'page', run.ca);
  const timedOut = () => new LinkRequestError('timeout', `${url.host} gave no complete answer within ${run.timeoutMs} ms`);
  try {
    return await withDeadline(ex.answer, run.timeoutMs, timedOut, run.stop);
  } finally {
    ex.close();
  }
}

/** HEAD refused: an error status other than 429, or a connection that breaks on HEAD. */
function headRefused(result: Answer | LinkRequestError): boolean {
  if (result instanceof LinkRequestError) return result.kind === 'reset' || result.kind === 'protocol';
  return result.status >= 400 && result.status !== 429;
}

async function request(run: Run, url: URL, addresses: ResolvedAddress[], kind: LinkRef['kind']): Promise<{ result: Answer | LinkRequestError; method: 'HEAD' | 'GET' }> {
  const settle = (p: Promise<Answer>) =>
    p.then(
      (a): Answer | LinkRequestError => a,
      (err: unknown) => {
        if (isAbort(run, err)) throw err;
        return classifyRequestError(err, url.host);
      },
    );
  if (kind === 'link') {
    const head = await settle(attempt(run, url, 'HEAD', addresses, kind));
    if (!headRefused(head)) return { result: head, method: 'HEAD' };
  }
  return { result: await settle(attempt(run, url, 'GET', addresses, kind)), method: 'GET' };
}

const notRequested = (ref: LinkRef, extra: Partial<LinkCheck>): LinkCheck => ({
  url: ref.url,
  kind: ref.kind,
  ...(ref.line !== undefined ? { line: ref.line } : {}),
  status: null,
  finalUrl: null,
  ms: 0,
  requested: false,
  hops: [],
  ...extra,
});

const isHttp = (url: URL) => url.protocol === 'http:' || url.protocol === 'https:';

/** Checks one link (not an unsubscribe one): its own URL, then each redirect target, each checked before it is requested. */
async function checkOne(run: Run, ref: LinkRef): Promise<LinkCheck> {
  const written = ref.url.trim();
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    // Merge tags (*|ARCHIVE|*, {{ view_url }}), relative paths: nothing to fetch. A broken http(s) URL is the email's mistake.
    if (/^https?:/i.test(written)) return notRequested(ref, { reason: 'invalid', errorKind: 'invalid-url', error: 'the URL does not parse' });
    return notRequested(ref, { reason: 'not-http' });
  }
  if (!isHttp(url)) return notRequested(ref, { reason: 'not-http' });

  const out = notRequested(ref, {});
  const fail = (err: LinkRequestError, at: URL) => Object.assign(out, { error: err.message, errorKind: err.kind, finalUrl: at.href });
  for (let redirects = 0; ; ) {
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const started = performance.now();
    let addresses: ResolvedAddress[];
    try {
      addresses = await resolve(run, host);
    } catch (err) {
      if (isAbort(run, err)) throw err;
      out.ms += performance.now() - started;
      return fail(err as LinkRequestError, url);
    }
    // Every address is checked: a name with one private address among public ones is refused whole.
    // The reason a reader would understand comes first: a private address before the test suites' own catch.
    const refusals = addresses.map((a) => refuseAddress(a.address, run.allowPrivate)).filter((r) => r !== null);
    const refusal = refusals.find((r) => r.reason === 'private') ?? refusals[0];
    if (refusal) {
      out.reason = refusal.reason;
      out.refused = { address: refusal.address, range: refusal.range };
      if (out.requested) out.finalUrl = url.href;
      return out;
    }
    const resolved = performance.now();
    const release = await run.slots.acquire(host, run.signal, linkCheckStopped);
    let outcome: Awaited<ReturnType<typeof request>>;
    const waited = performance.now();
    try {
      outcome = await request(run, url, addresses, ref.kind);
    } finally {
      release();
    }
    // The lookup and the requests count; the wait for a free slot does not.
    out.ms += performance.now() - started - (waited - resolved);
    out.requested = true;
    const { result, method } = outcome;
    out.method = method;
    if (result instanceof LinkRequestError) return fail(result, url);
    out.status = result.status;
    out.hops.push({ url: url.href, status: result.status });
    if (result.location !== null && result.status >= 300 && result.status < 400) {
      let next: URL;
      try {
        next = new URL(result.location, url);
      } catch {
        return fail(new LinkRequestError('bad-redirect', `${url.host} redirects to something that is not a URL`), url);
      }
      if (!isHttp(next)) return Object.assign(out, { reason: 'not-http', finalUrl: next.href });
      // Never follow a redirect into an unsubscribe URL: a tracking redirect can lead to one.
      if (looksLikeUnsubscribe(next.href)) return Object.assign(out, { reason: 'unsubscribe', finalUrl: next.href });
      if (redirects === MAX_REDIRECTS) {
        return fail(new LinkRequestError('too-many-redirects', `more than ${MAX_REDIRECTS} redirects (the last to ${next.href.slice(0, 200)})`), url);
      }
      redirects++;
      url = next;
      continue;
    }
    out.finalUrl = url.href;
    if (result.contentType) out.contentType = result.contentType;
    if (ref.kind === 'image' && result.status >= 200 && result.status < 300) {
      out.bytes = result.contentLength ?? result.read;
      if (result.contentLength === null && result.stoppedEarly) out.bytesAtLeast = true;
      if (result.size && typeof result.size === 'object') Object.assign(out, result.size);
    }
    return out;
  }
}

/**
 * Checks every link and image, each URL once, at most `perHost` requests per host and `concurrency`
 * overall, and returns one result per input, in input order.
 */
export async function checkLinks(links: LinkRef[], options: LinkCheckOptions): Promise<LinkCheck[]> {
  const signal = options.signal;
  if (signal?.aborted) throw linkCheckStopped();
  const run: Run = {
    slots: new HostSlots(Math.max(1, Math.floor(options.perHost ?? DEFAULT_PER_HOST)), Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY))),
    allowPrivate: options.allowPrivate,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ca: options.ca,
    lookup: options.lookup ?? defaultLookup,
    signal,
    stop: signal ? { signal, error: linkCheckStopped } : undefined,
  };
  // A URL that any of its mentions marks as unsubscribe is never requested, whichever mention comes first.
  const unsubscribe = new Set(links.filter((ref) => ref.unsubscribe || looksLikeUnsubscribe(ref.url.trim(), ref.text)).map((ref) => ref.url.trim()));
  const once = new Map<string, Promise<LinkCheck>>();
  const results = await Promise.all(
    links.map(async (ref) => {
      const written = ref.url.trim();
      if (unsubscribe.has(written)) return notRequested(ref, { reason: 'unsubscribe' });
      const key = `${ref.kind} ${written}`;
      let pending = once.get(key);
      if (!pending) {
        pending = checkOne(run, ref);
        once.set(key, pending);
      }
      const { line: _line, ...check } = await pending;
      return { ...check, hops: [...check.hops], url: ref.url, ...(ref.line !== undefined ? { line: ref.line } : {}) };
    }),
  );
  if (signal?.aborted) throw linkCheckStopped();
  return results;
}
