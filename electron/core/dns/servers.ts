/**
 * Parses the resolver setting: `system` (or empty), or DNS servers as `IP[:PORT]`, several allowed.
 */
import { isIP } from 'node:net';

export interface ResolverServer {
  address: string;
  port: number;
}

/** null means the system resolver. */
export type ResolverSpec = ResolverServer[] | null;

export function parseResolverSpec(input: string): ResolverSpec {
  const text = input.trim();
  if (text === '' || text.toLowerCase() === 'system') return null;
  const parts = text.split(/[\s,]+/).filter(Boolean);
  return parts.map(parseServer);
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
    throw new Error(`"${part}" is not a DNS server: use an IP address with an optional port, like 1.1.1.1 or 127.0.0.1:5353 or [::1]:53`);
  }
  const port = portText === undefined ? 53 : Number(portText);
  if (!/^\d+$/.test(portText ?? '53') || port < 1 || port > 65535) {
    throw new Error(`"${part}" has an invalid port: use 1-65535`);
  }
  return { address, port };
}

/** The form Node's Resolver.setServers takes. */
export function serverToString(server: ResolverServer): string {
  const host = isIP(server.address) === 6 ? `[${server.address}]` : server.address;
  return server.port === 53 && isIP(server.address) === 4 ? host : `${host}:${server.port}`;
}

export function describeResolver(spec: ResolverSpec): string {
  return spec === null ? 'system' : spec.map(serverToString).join(', ');
}
