/**
 * The path a message took: its Received headers as a timeline, and the hop whose sender we trust.
 *
 * Received headers are free-form in practice (RFC 5321 §4.4 gives a grammar few MTAs follow to the
 * letter), so parsing is tolerant: clauses are found by their keywords, comments are kept for the
 * TCP-info and TLS details they carry, and the date is whatever follows the last ";".
 */
import { getDomain } from 'tldts';
import { classifyIp, normalizeIp } from '../net/ip';
import type { Envelope, Hop } from './types';

type Clause = 'from' | 'by' | 'via' | 'with' | 'id' | 'for';
const CLAUSES = new Set<string>(['from', 'by', 'via', 'with', 'id', 'for']);

interface Token {
  kind: 'word' | 'comment';
  text: string;
}

/**
 * Splits into words and (nested) comments; a domain literal "[...]" stays one word.
 *
 * The caller has collapsed every run of white space into one space, so a space is the only
 * separator left; character codes rather than a regular expression per character keep this cheap.
 */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      i++;
    } else if (c === 0x28) {
      let depth = 0;
      let j = i;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) j++;
        else if (d === 0x28) depth++;
        else if (d === 0x29 && --depth === 0) break;
      }
      out.push({ kind: 'comment', text: text.slice(i + 1, j) });
      i = j + 1;
    } else if (c === 0x5b) {
      const j = text.indexOf(']', i);
      const end = j < 0 ? n : j + 1;
      out.push({ kind: 'word', text: text.slice(i, end) });
      i = end;
    } else {
      let j = i;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x20 || d === 0x09 || d === 0x0a || d === 0x0d || d === 0x28) break;
      }
      out.push({ kind: 'word', text: text.slice(i, j) });
      i = j;
    }
  }
  return out;
}

/** An IP address in a literal or comment: "[192.0.2.1]", "[IPv6:2001:db8::1]", "192.0.2.1", "192.0.2.1:25". */
function findIp(text: string): string | null {
  for (const m of text.matchAll(/\[\(?(?:IPv6:)?([0-9a-fA-F:.]+)\)?\]/g)) {
    // "[192.0.2.1:25]": an IPv4 address with the client's port.
    const ip = normalizeIp(m[1] as string) ?? normalizeIp((m[1] as string).replace(/^(\d+\.\d+\.\d+\.\d+):\d{1,5}$/, '$1'));
    if (ip) return ip;
  }
  for (const m of text.matchAll(/(?:^|[\s=(,[])((?:\d{1,3}\.){3}\d{1,3}|[0-9a-fA-F]*:[0-9a-fA-F:.]+)(?::\d{1,5})?(?=$|[\s\]),;:])/g)) {
    const ip = normalizeIp(m[1] as string);
    if (ip && ip.includes(':') === (m[1] as string).includes(':')) return ip;
  }
  return null;
}

/** A TLS version in the styles MTAs write: "TLSv1.3", "version=TLS1_3", "TLS1.2", "TLSv1_2". */
function findTlsVersion(text: string): string | undefined {
  const m = /\bTLS\s*v?(1)[._](\d)\b/i.exec(text) ?? /\bSSLv?(3)\b/i.exec(text);
  if (!m) return undefined;
  return m[0].toUpperCase().startsWith('SSL') ? 'SSLv3' : `TLSv${m[1]}.${m[2]}`;
}

/** RFC 5322 §3.3 date, tolerating the variants Received headers carry (no weekday, comments, 2-digit years). */
export function parseReceivedDate(text: string): Date | null {
  const cleaned = collapseSpace(text.replace(/\([^)]*\)/g, ' ')).trim();
  if (!cleaned) return null;
  const m = /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Z]{1,5})?/.exec(cleaned);
  if (m) {
    const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
    const month = months.indexOf((m[2] as string).toLowerCase());
    let year = Number(m[3]);
    // RFC 5322 §4.3: two-digit years 00-49 are 20xx, 50-99 are 19xx.
    if (year < 100) year += year < 50 ? 2000 : 1900;
    if (month >= 0) {
      const zone = m[7] ?? '+0000';
      const offsetMin = /^[+-]\d{4}$/.test(zone)
        ? (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)))
        : (NAMED_ZONES[zone.toUpperCase()] ?? 0) * 60;
      const utc = Date.UTC(year, month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) - offsetMin * 60_000;
      const date = new Date(utc);
      return Number.isNaN(date.getTime()) ? null : date;
    }
  }
  const parsed = Date.parse(cleaned);
  return Number.isNaN(parsed) ? null : new Date(parsed);
}

/** RFC 5322 §4.3 obsolete zone names. */
const NAMED_ZONES: Record<string, number> = { UT: 0, GMT: 0, Z: 0, UTC: 0, EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7 };

/**
 * Every run of white space as one space: `replace(/\s+/g, ' ')` without rebuilding the text at
 * every single space between two words (those are no match here).
 */
const collapseSpace = (text: string) => text.replace(/\s{2,}|[^\S ]/g, ' ');

/** One Received header's value, parsed. */
export function parseReceived(value: string, index: number): Hop {
  return parseReceivedTimed(value, index).hop;
}

/** parseReceived, with the hop's time in milliseconds (NaN when none) for the delays. */
function parseReceivedTimed(value: string, index: number): { hop: Hop; ms: number } {
  const raw = collapseSpace(value).trim();
  const semi = raw.lastIndexOf(';');
  const clausePart = semi >= 0 ? raw.slice(0, semi) : raw;
  const datePart = semi >= 0 ? raw.slice(semi + 1) : '';
  const hop: Hop = { index, raw };

  const tokens = tokenize(clausePart);
  const values = new Map<Clause, string>();
  const comments = new Map<Clause, string[]>();
  const extras = new Map<Clause, string[]>();
  let current: Clause | null = null;
  let expectValue = false;
  for (const t of tokens) {
    // Clause keywords are 2 to 4 letters: words past 8 (room for any case mapping) are never lower-cased to check.
    if (t.kind === 'word' && t.text.length <= 8 && CLAUSES.has(t.text.toLowerCase()) && !(expectValue && current === 'for')) {
      current = t.text.toLowerCase() as Clause;
      expectValue = !values.has(current);
      continue;
    }
    if (!current) continue;
    if (t.kind === 'comment') {
      const list = comments.get(current);
      if (list) list.push(t.text);
      else comments.set(current, [t.text]);
    } else if (expectValue) {
      values.set(current, t.text);
      expectValue = false;
    } else {
      // Words after the clause's value ("from host [192.0.2.1] by ..."): kept with its comments.
      const list = extras.get(current);
      if (list) list.push(t.text);
      else extras.set(current, [t.text]);
    }
  }

  const from = values.get('from');
  if (from) hop.from = from.replace(/\.$/, '');
  const fromComments = (comments.get('from') ?? []).join(' ');
  // RFC 5321 §4.4: the TCP-info (the address the connection came from) is in the comment; a literal
  // as the from value is only what the client said in its HELO.
  const ip = findIp(fromComments) ?? findIp((extras.get('from') ?? []).join(' ')) ?? (from?.startsWith('[') ? findIp(from) : null);
  if (ip) hop.fromIp = ip;
  const by = values.get('by');
  if (by) hop.by = by.replace(/[.,]$/, '');
  const withValue = values.get('with');
  if (withValue) hop.with = withValue.split('/')[0] as string;

  // RFC 3848: ESMTPS / ESMTPSA / UTF8SMTPS / LMTPS mean the hop was under TLS; others say so in comments.
  const allComments = [...comments.values()].flat().join(' ');
  const tlsByProtocol = /^(?:ESMTP|SMTP|LMTP|UTF8SMTP|UTF8LMTP)SA?$/i.test(withValue?.split('/')[0] ?? '');
  const tlsVersion = findTlsVersion(`${allComments} ${withValue ?? ''}`);
  const tlsByComment = /\bTLS|\bSSL|\bcipher[= ]/i.test(allComments) || /\/TLS/i.test(withValue ?? '');
  if (tlsByProtocol || tlsByComment || tlsVersion) hop.tls = true;
  if (tlsVersion) hop.tlsVersion = tlsVersion;

  const date = parseReceivedDate(datePart);
  if (date) hop.time = date.toISOString();
  return { hop, ms: date ? date.getTime() : Number.NaN };
}

/** Parses every Received header (newest first, as in the message) and fills in delays. */
export function parseHops(values: readonly string[]): { hops: Hop[]; transitSeconds: number | null } {
  const parsed = values.map((v, i) => parseReceivedTimed(v, i));
  const hops = parsed.map((p) => p.hop);
  // The times as parsed, not read back from their ISO text: the same milliseconds, without the parse.
  const ms = parsed.map((p) => p.ms);
  for (let i = 0; i < hops.length - 1; i++) {
    const hop = hops[i] as Hop;
    const older = hops[i + 1] as Hop;
    if (!hop.time || !older.time) continue;
    const delay = ((ms[i] as number) - (ms[i + 1] as number)) / 1000;
    hop.delaySeconds = delay;
    if (delay < 0) hop.outOfOrder = true;
  }
  const timed = ms.filter((_, i) => hops[i]?.time);
  const newest = timed[0];
  const oldest = timed[timed.length - 1];
  const transitSeconds = newest !== undefined && oldest !== undefined && timed.length > 1 ? (newest - oldest) / 1000 : null;
  return { hops, transitSeconds };
}

const INTERNAL_KINDS = new Set(['loopback', 'private', 'link-local', 'unique-local', 'cgnat', 'unspecified', 'this-network']);

function orgDomain(host: string | undefined): string | null {
  if (!host || host.startsWith('[')) return null;
  return getDomain(host, { allowPrivateDomains: false }) ?? null;
}

/** Why a hop is the receiver's own handling, not the hand-off from the outside, or null. */
function internalReason(hop: Hop, above: readonly Hop[]): string | null {
  if (!hop.fromIp) return 'it names no sending IP address';
  const kind = classifyIp(hop.fromIp)?.kind;
  if (kind && INTERNAL_KINDS.has(kind)) return `its sending address ${hop.fromIp} is ${kind}`;
  if (hop.from && /^localhost(\.|$)/i.test(hop.from)) return 'it comes from localhost';
  if (hop.with && /^LMTP/i.test(hop.with)) return 'it is local delivery (LMTP)';
  // The receiver passing the message between its own machines: the sender of this hop is a host
  // that received the message in a hop above, or belongs to the same organisation as the top hop's.
  const sender = hop.from?.toLowerCase();
  if (sender && above.some((h) => h.by?.toLowerCase() === sender)) return `it was sent by ${hop.from}, which also received the message above`;
  const receiverOrg = orgDomain(above[0]?.by ?? hop.by);
  if (sender && above.length > 0 && receiverOrg && orgDomain(sender) === receiverOrg) return `it was sent by ${hop.from}, inside the receiver's own domain ${receiverOrg}`;
  return null;
}

/**
 * The SMTP envelope: what the user gave, else what the receiving hop recorded.
 *
 * The rule for the receiving hop: walk the Received headers from the top (the final receiver's)
 * down, and skip the receiver's internal hand-offs: hops without a sending IP, from loopback or
 * private addresses (content filters, "from localhost"), local delivery (LMTP), and hops whose
 * sender is one of the receiver's own hosts (a host that added a header above, or a host in the top
 * receiver's organisational domain). The first hop left is the one where the message crossed from
 * the outside into the receiver: its from-IP is the connecting IP and its from-name the HELO. Only
 * the receiver's headers can be trusted; everything below may have been forged by the sender.
 */
export function findEnvelope(
  hops: readonly Hop[],
  returnPath: string | null,
  given: { ip?: string | undefined; helo?: string | undefined; mailFrom?: string | undefined },
): Envelope {
  const mailFrom = given.mailFrom ?? returnPath;
  if (given.ip) {
    return {
      ip: given.ip,
      helo: given.helo ?? null,
      mailFrom: mailFrom ?? null,
      source: 'given',
      trustedHop: null,
      explanation: `The connecting IP ${given.ip}${given.helo ? `, HELO ${given.helo}` : ''} and envelope sender ${mailFrom ?? '(none)'} were given${given.mailFrom ? '' : ' (the envelope sender from Return-Path)'}.`,
    };
  }
  const skipped: string[] = [];
  for (let i = 0; i < hops.length && i < 50; i++) {
    const hop = hops[i] as Hop;
    const reason = internalReason(hop, hops.slice(0, i));
    if (reason) {
      skipped.push(`hop ${i} (${reason})`);
      continue;
    }
    const helo = given.helo ?? hop.from ?? null;
    const skippedText = skipped.length ? `; skipped ${skipped.join(', ')}` : '';
    return {
      ip: hop.fromIp ?? null,
      helo,
      mailFrom: mailFrom ?? null,
      source: 'received',
      trustedHop: i,
      explanation: `Trusted the Received header added by ${hop.by ?? 'an unnamed host'} (hop ${i}): it received the message from ${hop.from ?? 'an unnamed host'} [${hop.fromIp}]${skippedText}. The envelope sender is ${mailFrom ? `${mailFrom} from ${given.mailFrom ? 'the options' : 'Return-Path'}` : 'unknown (no Return-Path)'}.`,
    };
  }
  return {
    ip: null,
    helo: given.helo ?? null,
    mailFrom: mailFrom ?? null,
    source: 'none',
    trustedHop: null,
    explanation:
      hops.length === 0
        ? 'The message has no Received headers, so the connecting IP is unknown: give it (--ip) to evaluate SPF.'
        : `No Received header names an outside sending IP (${skipped.join(', ')}): give the connecting IP (--ip) to evaluate SPF.`,
  };
}
