/**
 * A DNS record a finding's fix publishes, and the one line that carries it to a DNS console.
 *
 * The line is in zone-file ("master file", RFC 1035 §5.1) form, `name. TTL IN TYPE data`: it is the
 * one text that holds name, type and value together, BIND and Knot take it as is, and the consoles
 * that matter (Cloudflare, Route 53, Azure, Google Cloud DNS) import it. A value alone would leave the
 * name and type to be retyped, which is where records go wrong (`_dmarc` at the apex, TXT as SPF).
 */

/**
 * One record. `name` is the full owner name without the trailing dot; `value` is the record's data as
 * a console's value box takes it (TXT unquoted and unsplit, MX as "10 mx.example.com").
 */
export interface FixRecord {
  name: string;
  type: 'TXT' | 'MX' | 'CNAME' | 'A' | 'AAAA' | 'TLSA';
  value: string;
  ttl?: number;
}

/** One hour: short enough that a mistake is soon undone, long enough not to load the name servers. */
export const DEFAULT_FIX_TTL = 3600;

// RFC 1035 §3.3: a character-string is a length octet and at most 255 octets.
const MAX_STRING_OCTETS = 255;

/** A TXT value as quoted character-strings of at most 255 octets each, never splitting a character. */
export function txtStrings(value: string): string[] {
  const encoder = new TextEncoder();
  const strings: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of value) {
    const size = encoder.encode(ch).length;
    if (octets + size > MAX_STRING_OCTETS) {
      strings.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  strings.push(current);
  // RFC 1035 §5.1: inside quotes, " and \ are escaped with a backslash.
  return strings.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
}

/** The record as one zone-file line: `_dmarc.example.com. 3600 IN TXT "v=DMARC1; p=none"`. */
export function zoneLine(record: FixRecord): string {
  const name = record.name.endsWith('.') ? record.name : `${record.name}.`;
  const data = record.type === 'TXT' ? txtStrings(record.value).join(' ') : absoluteTargets(record);
  return `${name} ${record.ttl ?? DEFAULT_FIX_TTL} IN ${record.type} ${data}`;
}

/** Several records, one line each. */
export function zoneLines(records: readonly FixRecord[]): string {
  return records.map(zoneLine).join('\n');
}

/** In a zone file a name without its trailing dot is relative to the zone: MX and CNAME targets get theirs. */
function absoluteTargets(record: FixRecord): string {
  if (record.type === 'CNAME') return record.value.endsWith('.') ? record.value : `${record.value}.`;
  if (record.type === 'MX') return record.value.replace(/^(\d+\s+)(\S+?)\.?$/, (_m, pref: string, host: string) => `${pref}${host}.`);
  return record.value;
}
