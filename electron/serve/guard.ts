/**
 * The request checks of serve mode, as pure functions so that tests can pin them.
 *
 * serve listens on loopback only, but any web page the user visits can still send requests to
 * 127.0.0.1: the Host check stops DNS rebinding, the Origin check stops cross-site calls, and the
 * token stops everything that has not been given the URL.
 */
import { timingSafeEqual } from 'node:crypto';

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

/** The Host header must name this server by loopback address or localhost, with its port. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).has(host.toLowerCase());
}

/** No Origin (same-origin GET, curl) is fine; one that is present must be this server's own. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && url.origin === origin && allowedHosts(port).has(url.host);
}

export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The event stream's path: the one request that may carry the token in its address. */
export const EVENTS_PATH = '/api/events';

/**
 * Checks the token of an /api/ request by where it came from.
 *
 * The X-Deliverlab-Token header always counts. The address (`?token=`) counts only for the event
 * stream, because a browser's EventSource cannot send headers; any other call with a token in its
 * address is refused even beside a good header ('in-address'): addresses end up in history, logs
 * and Referer headers, and a copied one must not work. `addressToken` is null when the address has
 * no token parameter at all.
 */
export function checkToken(path: string, header: string | undefined, addressToken: string | null, token: string): 'ok' | 'wrong' | 'in-address' {
  if (path === EVENTS_PATH) return tokenMatches(header ?? addressToken, token) ? 'ok' : 'wrong';
  if (addressToken !== null) return 'in-address';
  return tokenMatches(header, token) ? 'ok' : 'wrong';
}

/** The header naming the page's event stream on each call (what the stream's page watches lives and dies with it). */
export const STREAM_HEADER = 'x-deliverlab-stream';

/**
 * The caller a page's event stream stands for, from its `?stream=` or the calls' header: an id the
 * page made up (random, 8 to 64 letters, digits, - and _), or null for none or anything else.
 */
export function streamCaller(id: string | string[] | null | undefined): string | null {
  return typeof id === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(id) ? `stream:${id}` : null;
}
