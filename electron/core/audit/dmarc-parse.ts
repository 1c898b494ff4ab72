/**
 * DMARC record parsing (RFC 9989 §4.7 tags, with RFC 7489's pct, rf and ri still understood). Pure.
 */
import type { DmarcPolicy } from './types';

export interface DmarcTagProblem {
  tag: string;
  message: string;
  /** The receiver cannot apply a policy at all (no or invalid p): more than a tag being ignored. */
  fatal: boolean;
}

export interface ParsedDmarc {
  tags: Record<string, string>;
  problems: DmarcTagProblem[];
}

const POLICIES = new Set(['none', 'quarantine', 'reject']);
const KNOWN = new Set(['v', 'p', 'sp', 'np', 'adkim', 'aspf', 'fo', 'rua', 'ruf', 'psd', 't', 'pct', 'rf', 'ri']);

/** RFC 9989 §4.7: a record is a TXT whose first tag is v=DMARC1. */
export function isDmarcRecord(txt: string): boolean {
  return /^\s*v\s*=\s*DMARC1\s*(;|$)/.test(txt);
}

export function isPolicy(value: string | undefined): value is DmarcPolicy {
  return value !== undefined && POLICIES.has(value);
}

// RFC 9990 §3.2.3 / RFC 7489 §6.2: a DMARC URI is a URI with an optional "!size" suffix.
const REPORT_URI = /^mailto:[^@\s!,]+@[^@\s!,]+\.[^@\s!,]+(![0-9]+[kmgt]?)?$/i;

export function parseDmarcRecord(record: string): ParsedDmarc {
  const tags: Record<string, string> = {};
  const problems: DmarcTagProblem[] = [];
  const add = (tag: string, message: string, fatal = false) => problems.push({ tag, message, fatal });

  const parts = record.split(';').map((p) => p.trim());
  if (parts[parts.length - 1] === '') parts.pop();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      add(part, `"${part}" is not a tag=value pair`);
      continue;
    }
    const tag = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (tag in tags) {
      add(tag, `tag "${tag}" appears more than once`);
      continue;
    }
    tags[tag] = value;
  }

  for (const [tag, raw] of Object.entries(tags)) {
    const value = raw.toLowerCase();
    switch (tag) {
      case 'v':
        if (raw !== 'DMARC1') add(tag, 'v must be exactly "DMARC1"', true);
        break;
      case 'p':
      case 'sp':
      case 'np':
        if (!isPolicy(value)) add(tag, `${tag}=${raw} is not a policy (none, quarantine or reject)`, tag === 'p');
        break;
      case 'adkim':
      case 'aspf':
        if (value !== 'r' && value !== 's') add(tag, `${tag}=${raw}: use r (relaxed) or s (strict)`);
        break;
      case 'pct':
        if (!/^\d{1,3}$/.test(value) || Number(value) > 100) add(tag, `pct=${raw} is not a whole number from 0 to 100`);
        break;
      case 'fo':
        if (!value.split(':').every((o) => ['0', '1', 'd', 's'].includes(o.trim()))) add(tag, `fo=${raw}: use 0, 1, d or s, separated by colons`);
        break;
      case 'rua':
      case 'ruf': {
        const bad = raw
          .split(',')
          .map((u) => u.trim())
          .filter((u) => !REPORT_URI.test(u));
        if (bad.length > 0) add(tag, `${tag} has ${bad.map((u) => `"${u}"`).join(', ')}, not a mailto: address`);
        break;
      }
      case 'psd':
        if (!['y', 'n', 'u'].includes(value)) add(tag, `psd=${raw}: use y, n or u`);
        break;
      case 't':
        if (value !== 'y' && value !== 'n') add(tag, `t=${raw}: use y or n`);
        break;
      case 'ri':
        if (!/^\d+$/.test(value)) add(tag, `ri=${raw} is not a number of seconds`);
        break;
      case 'rf':
        break;
      default:
        if (!KNOWN.has(tag)) add(tag, `unknown tag "${tag}" (receivers ignore it; a typo?)`);
    }
  }
  if (!('p' in tags)) add('p', 'the record has no p= tag, so it sets no policy', true);
  return { tags, problems };
}

const STRENGTH: Record<DmarcPolicy, number> = { none: 0, quarantine: 1, reject: 2 };

/** True when `a` protects less than `b` (none < quarantine < reject). */
export function weakerPolicy(a: DmarcPolicy, b: DmarcPolicy): boolean {
  return STRENGTH[a] < STRENGTH[b];
}

/** RFC 7489 §6.3: with pct below 100, the mail outside the sample gets the next weaker policy. */
export function nextWeaker(policy: DmarcPolicy): DmarcPolicy {
  return policy === 'reject' ? 'quarantine' : 'none';
}

export interface ReportUri {
  /** The URI as written, size limit included. */
  uri: string;
  address: string;
  /** The mailbox's domain, lower-case. */
  domain: string;
}

/** The mailto: destinations of a rua= or ruf= value (RFC 9990 §3.2.3, RFC 7489 §6.2); others are left out. */
export function reportUris(value: string | undefined, limit = 20): ReportUri[] {
  if (!value) return [];
  const out: ReportUri[] = [];
  for (const raw of value.split(',')) {
    const uri = raw.trim();
    if (!REPORT_URI.test(uri)) continue;
    // "!10m" is a size limit, "?subject=..." a header: neither is part of the address.
    const written = uri.slice('mailto:'.length).replace(/![0-9]+[kmgt]?$/i, '').split('?')[0] as string;
    let address = written;
    try {
      address = decodeURIComponent(written);
    } catch {
      // A stray "%" is kept as written rather than failing the whole check.
    }
    const domain = address.slice(address.lastIndexOf('@') + 1).replace(/\.$/, '').toLowerCase();
    out.push({ uri, address, domain });
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * The record with some tags set (a string) or removed (null), others kept as written, in order.
 *
 * Used to write fixes: the user gets their own record back with only the change made.
 */
export function rewriteDmarcRecord(record: string, changes: Record<string, string | null>): string {
  const pending = new Map(Object.entries(changes));
  const parts: string[] = [];
  for (const raw of record.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const tag = eq > 0 ? part.slice(0, eq).trim().toLowerCase() : '';
    if (pending.has(tag)) {
      const value = pending.get(tag);
      pending.delete(tag);
      if (value !== null && value !== undefined) parts.push(`${tag}=${value}`);
      continue;
    }
    parts.push(part);
  }
  for (const [tag, value] of pending) if (value !== null) parts.push(`${tag}=${value}`);
  return parts.join('; ');
}
