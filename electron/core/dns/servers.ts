/**
 * Parses the resolver setting, one string for the CLI's --resolver, the Settings page and the api.
 *
 *   system (or empty)                    the system resolver
 *   IP[:PORT],...                        these DNS servers (UDP, TCP on truncation), in order
 *   https://host[:port]/dns-query        DNS-over-HTTPS (RFC 8484); `doh:https://...` says the same
 *   authoritative                        ask each zone's own name servers (RD off, AA expected), to see
 *                                        changes before caches expire; NS discovery by the system resolver
 *   authoritative@IP[:PORT],...          the same, with NS discovery by these servers
 */
import { isIP } from 'node:net';

export interface ResolverServer {
  address: string;
  port: number;
}

/** DNS-over-HTTPS: one URL, queried with POST (RFC 8484 §4.1). */
export interface DohSpec {
  kind: 'doh';
  url: string;
}

/** Each zone's own name servers; `discovery` finds them (null: the system resolver). */
export interface AuthoritativeSpec {
  kind: 'authoritative';
  discovery: ResolverServer[] | null;
}

/** null means the system resolver; a list, those servers; otherwise a DoH or authoritative mode. */
export type ResolverSpec = ResolverServer[] | null | DohSpec | AuthoritativeSpec;

export function parseResolverSpec(input: string): ResolverSpec {
  const text = input.trim();
  if (text === '' || text.toLowerCase() === 'system') return null;
  const lower = text.toLowerCase();
  if (lower.startsWith('doh:') || lower.startsWith('https://') || lower.startsWith('http://')) return parseDoh(text);
  if (lower === 'authoritative' || lower.startsWith('authoritative@')) {
    const rest = text.slice('authoritative'.length + 1).trim();
    if (lower.startsWith('authoritative@') && rest === '') throw new Error('"authoritative@" needs the DNS servers that find the name servers, like authoritative@127.0.0.1:5353');
    return { kind: 'authoritative', discovery: rest === '' ? null : parseServers(rest) };
  }
  return parseServers(text);
}

function parseServers(text: string): ResolverServer[] {
  return text.split(/[\s,]+/).filter(Boolean).map(parseServer);
}

function parseDoh(text: string): DohSpec {
  const spec = text.replace(/^doh:/i, '');
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new Error(`"${text}" is not a DNS-over-HTTPS URL: use https://host[:port]/dns-query`);
  }
  // RFC 8484 §5: DoH is HTTPS only; plain HTTP would hand every query to anyone on the path.
  if (url.protocol !== 'https:') throw new Error(`"${text}": DNS-over-HTTPS needs an https:// URL`);
  if (url.username || url.password) throw new Error(`"${text}": a DNS-over-HTTPS URL carries no user name or password`);
  if (url.hash) throw new Error(`"${text}": a DNS-over-HTTPS URL has no #fragment`);
  if (!url.hostname) throw new Error(`"${text}" is not a DNS-over-HTTPS URL: use https://host[:port]/dns-query`);
  return { kind: 'doh', url: url.href };
}

function parseServer(part: string): ResolverServer {
  let address = part;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(part);
  if (bracketed) {
    address = bracketed[1] as string;
    portText = bracketed[2];
  } else if (isIP(part) === 0) {
    const colon = part.lastIndexOf(':');
    if (colon > 0 && part.indexOf(':') === colon) {
      address = part.slice(0, colon);
      portText = part.slice(colon + 1);
    }
  }
  if (isIP(address) === 0) {
    throw new Error(
      `"${part}" is not a DNS server: use an IP address with an optional port, like 1.1.1.1 or 127.0.0.1:5353 or [::1]:53, ` +
        'or https://host/dns-query for DNS-over-HTTPS, or authoritative',
    );
  }
  const port = portText === undefined ? 53 : Number(portText);
  if (!/^\d+$/.test(portText ?? '53') || port < 1 || port > 65535) {
    throw new Error(`"${part}" has an invalid port: use 1-65535`);
  }
  return { address, port };
}

/** True for the plain server-list form (system resolver or IP[:PORT] servers). */
export function isServerList(spec: ResolverSpec): spec is ResolverServer[] | null {
  return spec === null || Array.isArray(spec);
}

/** The form Node's Resolver.setServers takes. */
export function serverToString(server: ResolverServer): string {
  const host = isIP(server.address) === 6 ? `[${server.address}]` : server.address;
  return server.port === 53 && isIP(server.address) === 4 ? host : `${host}:${server.port}`;
}

export function describeResolver(spec: ResolverSpec): string {
  if (spec === null) return 'system';
  if (Array.isArray(spec)) return spec.map(serverToString).join(', ');
  if (spec.kind === 'doh') return `DoH ${spec.url}`;
  return spec.discovery ? `authoritative (NS via ${spec.discovery.map(serverToString).join(', ')})` : 'authoritative';
}
