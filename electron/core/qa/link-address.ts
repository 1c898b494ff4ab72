/**
 * Which addresses the link check may connect to.
 *
 * An email's links are written by whoever made the email, and a received message's by a stranger:
 * a link to 192.168.1.1 or a redirect to 169.254.169.254 would make the checker probe the user's
 * own network (server-side request forgery, run on a desktop). So only global unicast addresses are
 * requested unless private ones are allowed (a test lab): every address a name resolves to, and
 * every redirect hop's, is checked, and the connection goes to the addresses checked.
 */
import { classifyIp, normalizeIp, parseIp } from '../net/ip';
import { isLoopback } from '../net/guard';
import type { LinkReason } from './link-types';

export interface AddressRefusal {
  reason: Extract<LinkReason, 'private' | 'loopback-only'>;
  address: string;
  range: string;
}

/**
 * The IPv4 address inside an IPv6 one that carries it to an IPv4 host: NAT64's well-known prefix
 * 64:ff9b::/96 (RFC 6052 §2.1) and 6to4's 2002::/16 (RFC 3056 §2). Such an address reaches whatever
 * the IPv4 address is, a private one included. (IPv4-mapped ::ffff:0:0/96 is classified as IPv4 by classifyIp.)
 */
function embeddedIpv4(address: string): string | null {
  const ip = parseIp(address);
  if (!ip || ip.family !== 6) return null;
  const b = ip.bytes;
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b.slice(4, 12).every((x) => x === 0)) return b.slice(12).join('.');
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6).join('.');
  return null;
}

/**
 * Why `address` must not be connected to, or null when it may.
 *
 * Without `allowPrivate`, everything but global unicast is refused: private (RFC 1918), loopback,
 * link-local, unique-local, CGNAT, multicast, unspecified, "this network", broadcast, reserved,
 * documentation and benchmarking ranges, and IPv6 addresses that embed one of those. The test
 * suites' DELIVERLAB_LOOPBACK_ONLY=1 refuses anything not loopback on top.
 */
export function refuseAddress(address: string, allowPrivate: boolean, env: NodeJS.ProcessEnv = process.env): AddressRefusal | null {
  const canonical = normalizeIp(address) ?? address;
  const range = classifyIp(canonical);
  if (!range) return { reason: 'private', address, range: 'not an IP address' };
  if (!allowPrivate) {
    if (range.kind !== 'global' && range.kind !== 'translation') return { reason: 'private', address: canonical, range: range.note };
    const inner = embeddedIpv4(canonical);
    const innerRange = inner ? classifyIp(inner) : null;
    if (inner && innerRange && innerRange.kind !== 'global') return { reason: 'private', address: canonical, range: `carries ${inner}: ${innerRange.note}` };
  }
  if (env.DELIVERLAB_LOOPBACK_ONLY === '1' && !isLoopback(canonical)) {
    return { reason: 'loopback-only', address: canonical, range: 'DELIVERLAB_LOOPBACK_ONLY allows only 127.0.0.0/8 and ::1' };
  }
  return null;
}
