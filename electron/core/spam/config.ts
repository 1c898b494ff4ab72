/**
 * The filters' addresses as Settings, the CLI and the api take them: spamd as HOST:PORT, rspamd as a URL.
 *
 * Both are empty by default: a filter is a service the user runs (or not), and scoring mail through a
 * port nobody configured would report "down" for a filter that was never wanted. Settings offer the
 * usual addresses (127.0.0.1:783, http://127.0.0.1:11333) with the install help.
 */
import { isIP } from 'node:net';
import { SpamFilterFailure } from './errors';

/** spamd's usual port (the SPAMC protocol's registered port). */
export const SPAMD_DEFAULT_PORT = 783;
/** rspamd's normal worker, which serves /checkv2. */
export const RSPAMD_DEFAULT_URL = 'http://127.0.0.1:11333';
/** Deadline on one filter's answer when the caller gives none: SpamAssassin takes seconds on a large message. */
export const SPAM_TIMEOUT_MS = 30_000;

export interface HostPort {
  host: string;
  port: number;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** HOST, HOST:PORT or [IPv6]:PORT; throws a SpamFilterFailure (config) saying what is wrong. */
export function parseSpamdAddress(text: string): HostPort {
  const value = text.trim();
  let host = value;
  let port = SPAMD_DEFAULT_PORT;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed) {
    host = bracketed[1] as string;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (isIP(value) !== 6) {
    const colon = value.lastIndexOf(':');
    if (colon >= 0) {
      host = value.slice(0, colon);
      const portText = value.slice(colon + 1);
      if (!/^\d{1,5}$/.test(portText)) throw new SpamFilterFailure('config', `"${value}" has no port number after the colon: write it as host:port, like 127.0.0.1:783.`);
      port = Number(portText);
    }
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SpamFilterFailure('config', `The port of "${value}" must be from 1 to 65535.`);
  if (!(isIP(host) || HOST_NAME.test(host))) throw new SpamFilterFailure('config', `"${value}" is not a host name or IP address with a port, like 127.0.0.1:783.`);
  return { host, port };
}

/** An http(s) URL with no query or fragment, as a base for /checkv2 (trailing slashes dropped). */
export function parseRspamdUrl(text: string): string {
  const value = text.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SpamFilterFailure('config', `"${value}" is not a URL: write rspamd's address like http://127.0.0.1:11333.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SpamFilterFailure('config', `rspamd's address starts with http:// or https:// (got ${url.protocol}).`);
  if (url.username || url.password) throw new SpamFilterFailure('config', 'rspamd\'s address may not carry a user name or password.');
  if (url.search || url.hash) throw new SpamFilterFailure('config', 'rspamd\'s address may not carry a query (?) or a fragment (#).');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The address as shown: host:port, with brackets around an IPv6 host. */
export function showHostPort({ host, port }: HostPort): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
