/**
 * IP address helpers for reverse DNS and blocklists: parsing, reverse names, special ranges.
 *
 * Pure functions on strings: the PTR and DNSBL checks build every query name here, so malformed
 * input (a typo in `--sending-ip`, a zone id, an out-of-range octet) is rejected in one place.
 */

export interface ParsedIp {
  family: 4 | 6;
  /** 4 bytes for IPv4, 16 for IPv6. */
  bytes: number[];
}

/** Parses dotted-quad IPv4 (no leading zeros, which some parsers read as octal) or IPv6 text. */
export function parseIp(text: string): ParsedIp | null {
  const s = text.trim();
  if (s.includes(':')) {
    const bytes = parseIpv6(s);
    return bytes ? { family: 6, bytes } : null;
  }
  const bytes = parseIpv4(s);
  return bytes ? { family: 4, bytes } : null;
}

function parseIpv4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes.push(n);
  }
  return bytes;
}

function parseIpv6(s: string): number[] | null {
  // A zone id (fe80::1%eth0) names a local interface: no reverse name or blocklist entry exists for it.
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] as string;
      // RFC 4291 §2.2: the last 32 bits may be written as dotted-quad IPv4.
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (!v4) return null;
        out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return null;
      out.push(parseInt(piece, 16));
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (!head || !tail) return null;
  let all: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    // RFC 5952 §4.2.2 says "::" should not stand for one group, but RFC 4291 allows it: accept it.
    if (missing < 1) return null;
    all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    all = head;
  }
  if (all.length !== 8) return null;
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** The address in canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. */
export function formatIp(ip: ParsedIp): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i] as number) << 8) | (ip.bytes[i + 1] as number));
  // RFC 5952 §4.2.3: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * The canonical form of an address, or null when the text is not one.
 *
 * An IPv4-mapped IPv6 address (::ffff:192.0.2.1, RFC 4291 §2.5.5.2) becomes the IPv4 address: that is
 * the host receivers see, with its reverse name under in-addr.arpa and its blocklist entries.
 */
export function normalizeIp(text: string): string | null {
  const ip = parseIp(text);
  if (!ip) return null;
  if (ip.family === 6 && isMapped(ip.bytes)) return ip.bytes.slice(12).join('.');
  return formatIp(ip);
}

function isMapped(bytes: number[]): boolean {
  return bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

/** True when both texts are the same address (`2001:db8::1` equals `2001:0db8:0:0:0:0:0:1`). */
export function sameAddress(a: string, b: string): boolean {
  const x = normalizeIp(a);
  return x !== null && x === normalizeIp(b);
}

/**
 * The address's labels in reverse order, without a suffix: `4.3.2.1` for 1.2.3.4, 32 nibbles for IPv6.
 *
 * DNS blocklists put these in front of their zone (RFC 5782 §2.1 for IPv4, §2.4 for IPv6).
 */
export function reversedLabels(text: string): string | null {
  const ip = parseIp(text);
  if (!ip) return null;
  if (ip.family === 4) return [...ip.bytes].reverse().join('.');
  const nibbles = ip.bytes.flatMap((b) => [(b >> 4).toString(16), (b & 0xf).toString(16)]);
  return nibbles.reverse().join('.');
}

/** The PTR query name: `4.3.2.1.in-addr.arpa` (RFC 1035 §3.5), nibbles under ip6.arpa (RFC 3596 §2.5). */
export function reverseName(text: string): string | null {
  const ip = parseIp(text);
  const labels = reversedLabels(text);
  if (!ip || labels === null) return null;
  return `${labels}.${ip.family === 4 ? 'in-addr.arpa' : 'ip6.arpa'}`;
}

export type RangeKind =
  | 'unspecified'
  | 'this-network'
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link-local'
  | 'documentation'
  | 'benchmarking'
  | 'protocol-assignments'
  | 'multicast'
  | 'reserved'
  | 'broadcast'
  | 'unique-local'
  | 'discard'
  | 'translation'
  | 'global';

export interface IpRange {
  kind: RangeKind;
  /** The block and where it is defined, e.g. `192.0.2.0/24, documentation (RFC 5737)`. */
  note: string;
}

interface Block {
  prefix: string;
  bits: number;
  kind: RangeKind;
  what: string;
  rfc: string;
}

// IANA special-purpose address registries (RFC 6890): the blocks a mail audit meets in practice.
const V4_BLOCKS: Block[] = [
  { prefix: '0.0.0.0', bits: 8, kind: 'this-network', what: '"this network"', rfc: 'RFC 1122 §3.2.1.3' },
  { prefix: '10.0.0.0', bits: 8, kind: 'private', what: 'private', rfc: 'RFC 1918' },
  { prefix: '100.64.0.0', bits: 10, kind: 'cgnat', what: 'carrier-grade NAT shared space', rfc: 'RFC 6598' },
  { prefix: '127.0.0.0', bits: 8, kind: 'loopback', what: 'loopback', rfc: 'RFC 1122 §3.2.1.3' },
  { prefix: '169.254.0.0', bits: 16, kind: 'link-local', what: 'link-local', rfc: 'RFC 3927' },
  { prefix: '172.16.0.0', bits: 12, kind: 'private', what: 'private', rfc: 'RFC 1918' },
  { prefix: '192.0.0.0', bits: 24, kind: 'protocol-assignments', what: 'IETF protocol assignments', rfc: 'RFC 6890' },
  { prefix: '192.0.2.0', bits: 24, kind: 'documentation', what: 'documentation (TEST-NET-1)', rfc: 'RFC 5737' },
  { prefix: '192.168.0.0', bits: 16, kind: 'private', what: 'private', rfc: 'RFC 1918' },
  { prefix: '198.18.0.0', bits: 15, kind: 'benchmarking', what: 'benchmarking', rfc: 'RFC 2544' },
  { prefix: '198.51.100.0', bits: 24, kind: 'documentation', what: 'documentation (TEST-NET-2)', rfc: 'RFC 5737' },
  { prefix: '203.0.113.0', bits: 24, kind: 'documentation', what: 'documentation (TEST-NET-3)', rfc: 'RFC 5737' },
  { prefix: '224.0.0.0', bits: 4, kind: 'multicast', what: 'multicast', rfc: 'RFC 5771' },
  { prefix: '255.255.255.255', bits: 32, kind: 'broadcast', what: 'limited broadcast', rfc: 'RFC 919' },
  { prefix: '240.0.0.0', bits: 4, kind: 'reserved', what: 'reserved', rfc: 'RFC 1112 §4' },
];

const V6_BLOCKS: Block[] = [
  { prefix: '::', bits: 128, kind: 'unspecified', what: 'unspecified', rfc: 'RFC 4291 §2.5.2' },
  { prefix: '::1', bits: 128, kind: 'loopback', what: 'loopback', rfc: 'RFC 4291 §2.5.3' },
  { prefix: '64:ff9b::', bits: 96, kind: 'translation', what: 'NAT64 well-known prefix', rfc: 'RFC 6052' },
  { prefix: '100::', bits: 64, kind: 'discard', what: 'discard-only', rfc: 'RFC 6666' },
  { prefix: '2001:db8::', bits: 32, kind: 'documentation', what: 'documentation', rfc: 'RFC 3849' },
  { prefix: '3fff::', bits: 20, kind: 'documentation', what: 'documentation', rfc: 'RFC 9637' },
  { prefix: 'fc00::', bits: 7, kind: 'unique-local', what: 'unique local (private)', rfc: 'RFC 4193' },
  { prefix: 'fe80::', bits: 10, kind: 'link-local', what: 'link-local', rfc: 'RFC 4291 §2.5.6' },
  { prefix: 'ff00::', bits: 8, kind: 'multicast', what: 'multicast', rfc: 'RFC 4291 §2.7' },
];

function inBlock(bytes: number[], block: Block): boolean {
  const base = parseIp(block.prefix);
  if (!base) return false;
  let bits = block.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] as number) & mask) !== ((base.bytes[i] as number) & mask)) return false;
  }
  return true;
}

/** Which special-purpose block an address is in, or `global`; null when the text is not an address. */
export function classifyIp(text: string): IpRange | null {
  const ip = parseIp(text);
  if (!ip) return null;
  const bytes = ip.bytes;
  if (ip.family === 6 && isMapped(bytes)) {
    // RFC 4291 §2.5.5.2: an IPv4-mapped address is the IPv4 address for every purpose here.
    const v4 = bytes.slice(12).join('.');
    const inner = classifyIp(v4) as IpRange;
    return { kind: inner.kind, note: `IPv4-mapped ${v4}${inner.kind === 'global' ? '' : `; ${inner.note}`}` };
  }
  for (const block of ip.family === 4 ? V4_BLOCKS : V6_BLOCKS) {
    if (inBlock(bytes, block)) return { kind: block.kind, note: `${block.prefix}/${block.bits}, ${block.what} (${block.rfc})` };
  }
  return { kind: 'global', note: 'global unicast' };
}
