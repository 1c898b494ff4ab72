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
