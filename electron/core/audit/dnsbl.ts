/**
 * DNSBL check: the MX addresses and sending IPs on IP blocklists, the domain on domain blocklists.
 *
 * The lists and the meaning of every return code are data (resources/dnsbl.json). A blocklist answers
 * an A query with an address in 127.0.0.0/8 (RFC 5782 §2.1); some of those answers mean "I will not
 * tell you" (public resolver, over quota), which is an unknown result and must never read as listed.
 *
 * "Not listed" is only believed from a list whose test entry answers as listed through the same
 * resolver in the same session (RFC 5782 §5): a resolver that answers NXDOMAIN for every name, or a
 * list that refuses the resolver, would otherwise read as a clean result.
 */
import catalogJson from '../../../resources/dnsbl.json' with { type: 'json' };
import { DnsError } from '../dns/session';
import { classifyIp, parseIp, reversedLabels } from '../net/ip';
import { runPool } from '../../shared/pool';
import type { DnsSession } from '../dns/session';
import type { AuditContext, CheckOutput } from './context';
import { finding, statusOf } from './finding';
import { answerWords } from './lookup-failure';
import { auditAddresses, type AuditAddress } from './ptr';
import type { DnsblResult, Finding } from './types';

export interface DnsblList {
  id: string;
  name: string;
  type: 'ip' | 'domain';
  zone: string;
  /**
   * The name the list documents as always listed, when it is not RFC 5782's (127.0.0.2 for an IP list,
   * TEST for a domain list): Spamhaus DBL's dbltest.com, SURBL's test.surbl.org, URIBL's test.uribl.com.
   */
  testEntry?: string;
  /** The Spamhaus DQS zone, queried as `<key>.<dqsZone>` when a key is set. */
  dqsZone?: string;
  /** The list answers IPv6 queries (RFC 5782 §2.4 nibble format). */
  ipv6: boolean;
  match: 'exact' | 'bitmask';
  /** Return address → meaning (exact lists). */
  codes: Record<string, string>;
  /** Bit value of the last octet → meaning (bitmask lists). */
  bits?: Record<string, string>;
  /** Return addresses that mean the list refused to answer, with why. */
  refused: Record<string, string>;
  refusedAdvice: string;
  homepage: string;
  delisting: string;
  fixFirst: string;
}

export const DNSBL_LISTS: readonly DnsblList[] = (catalogJson as unknown as { lists: DnsblList[] }).lists;

/** How many blocklist queries are in flight at once: enough to finish fast, few enough not to flood a resolver. */
const CONCURRENCY = 16;
/** Addresses looked up per audit, sending IPs first: six lists each, so at most 144 IP queries. */
const MAX_ADDRESSES = 24;

const FOREIGN_ANSWER = 'not a blocklist answer (outside 127.0.0.0/8): the resolver rewrites "no such name" answers';

/** Orders 127.0.0.2 before 127.0.0.10. */
function byOctets(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return a.localeCompare(b);
}

export interface Interpretation {
  listed: boolean;
  refused: boolean;
  codes: string[];
  meanings: string[];
}

/**
 * What a list's answer means.
 *
 * Refusal codes win over listing codes: an answer carrying one says the list did not look the name
 * up. An answer outside 127.0.0.0/8 is not a blocklist answer at all (RFC 5782 §2.1) but a resolver
 * that rewrites NXDOMAIN into an advertising page: the result is unknown too.
 */
export function interpretAnswer(list: DnsblList, answers: readonly string[]): Interpretation {
  const codes = [...new Set(answers)].sort(byOctets);
  if (codes.length === 0) return { listed: false, refused: false, codes, meanings: [] };
  const refusals = codes.filter((c) => list.refused[c] !== undefined);
  const foreign = codes.filter((c) => !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(c));
  if (refusals.length > 0 || foreign.length > 0) {
    // One meaning per code, in the same order, so a reader can pair them.
    const meanings = codes.map((c) =>
      list.refused[c] ?? (foreign.includes(c) ? FOREIGN_ANSWER : (list.codes[c] ?? 'return code not documented by the list')),
    );
    return { listed: false, refused: true, codes, meanings };
  }
  const meanings: string[] = [];
  for (const code of codes) {
    if (list.match === 'bitmask') {
      const value = Number(code.split('.')[3]);
      const known = Object.entries(list.bits ?? {}).filter(([bit]) => (value & Number(bit)) !== 0);
      const unknownBits = known.reduce((rest, [bit]) => rest & ~Number(bit), value);
      meanings.push(...known.map(([, m]) => m));
      if (unknownBits !== 0 || known.length === 0) meanings.push(`${code}: return code not documented by the list (bits ${unknownBits || value})`);
    } else {
      meanings.push(list.codes[code] ?? `${code}: return code not documented by the list`);
    }
  }
  return { listed: true, refused: false, codes, meanings };
}

/** The zone to query for a list: the public zone, or `<key>.<dqsZone>` with a Spamhaus DQS key. */
export function queryZone(list: DnsblList, dqsKey?: string): string {
  return dqsKey && list.dqsZone ? `${dqsKey}.${list.dqsZone}` : list.zone;
}

/** The zone as shown to people: a DQS key is a credential, so it never appears in results. */
function shownZone(list: DnsblList, dqsKey?: string): string {
  return dqsKey && list.dqsZone ? `<DQS key>.${list.dqsZone}` : list.zone;
}

interface Query {
  list: DnsblList;
  target: string;
  source: 'mx' | 'sending' | 'domain';
  name: string;
  range?: string;
}

/** The DQS key when it is one: letters and digits only, so it can never add or hide a label in the query name. */
export function validKey(given: string | undefined): string | undefined {
  const key = given?.trim();
  return key && /^[a-z0-9]{1,64}$/i.test(key) ? key : undefined;
}

const dqsKey = (ctx: AuditContext): string | undefined => validKey(ctx.options.spamhausDqsKey);

function queriesFor(ctx: AuditContext, addresses: readonly AuditAddress[]): Query[] {
  const key = dqsKey(ctx);
  const queries: Query[] = [];
  for (const list of DNSBL_LISTS) {
    const zone = queryZone(list, key);
    if (list.type === 'domain') {
      // A sending IP's check (core/watch/ip-check.ts) has no domain to look up.
      if (ctx.domain) queries.push({ list, target: ctx.domain, source: 'domain', name: `${ctx.domain}.${zone}` });
      continue;
    }
    for (const a of addresses) {
      // RFC 5782 §2.4: IPv6 entries live in separate nibble-format zones; lists without them have no data.
      if (parseIp(a.ip)?.family === 6 && !list.ipv6) continue;
      const range = classifyIp(a.ip);
      queries.push({
        list,
        target: a.ip,
        source: a.source,
        name: `${reversedLabels(a.ip) as string}.${zone}`,
        ...(range && range.kind !== 'global' ? { range: range.note } : {}),
      });
    }
  }
  return queries;
}

async function runQuery(dns: DnsSession, key: string | undefined, q: Query): Promise<DnsblResult> {
  const base = {
    target: q.target,
    list: q.list.name,
    zone: shownZone(q.list, key),
    source: q.source,
    delisting: q.list.delisting,
    ...(q.range ? { range: q.range } : {}),
  };
  try {
    const answer = (await dns.resolve(q.name, 'A')) as unknown;
    const addresses = Array.isArray(answer) ? answer.filter((x): x is string => typeof x === 'string') : [];
    return { ...base, ...interpretAnswer(q.list, addresses) };
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    // RFC 5782 §2.1: a name that is not listed does not exist (NXDOMAIN); no A record is not listed either.
    if (err.code === 'ENOTFOUND' || err.code === 'ENODATA') return { ...base, listed: false, refused: false, codes: [], meanings: [] };
    // A DNS REFUSED rcode is the list's servers declining the resolver (Barracuda does so for unregistered ones).
    if (err.code === 'EREFUSED') {
      return { ...base, listed: false, refused: true, codes: [], meanings: ['the list\'s servers answered REFUSED to this resolver'], error: err.code };
    }
    return { ...base, listed: false, refused: false, codes: [], meanings: [], error: err.code };
  }
}

/** The `error` of a "not listed" answer from a list whose test entry did not answer as listed. */
export const UNTRUSTED = 'untrusted';

/** What a list's test entry said through this session's resolver. */
export interface TestPoint {
  /** The test entry answered as listed: the list's "not listed" answers can be believed. */
  trusted: boolean;
  /** The name asked, as shown to people (a DQS key hidden). */
  name: string;
  /** What it answered instead, in words, when not trusted. */
  answer?: string;
}

/**
 * RFC 5782 §5: an IP list lists 127.0.0.2 and a domain list lists the name TEST, so asking for them
 * shows whether the list answers through this resolver at all. A list that documents its own test
 * entry instead (the domain lists do) is asked for that one.
 */
export function testPointName(list: DnsblList, zone: string): string {
  if (list.testEntry) return `${list.testEntry}.${zone}`;
  return list.type === 'ip' ? `2.0.0.127.${zone}` : `test.${zone}`;
}

/** One question per list and zone per session, however many lookups of the list the session makes. */
const testPoints = new WeakMap<DnsSession, Map<string, Promise<TestPoint>>>();

export function probeTestPoint(dns: DnsSession, list: DnsblList, key: string | undefined): Promise<TestPoint> {
  const zone = queryZone(list, key);
  let asked = testPoints.get(dns);
  if (!asked) testPoints.set(dns, (asked = new Map()));
  const cached = asked.get(zone);
  if (cached) return cached;
  const probe = askTestPoint(dns, list, zone, testPointName(list, shownZone(list, key)));
  asked.set(zone, probe);
  return probe;
}

async function askTestPoint(dns: DnsSession, list: DnsblList, zone: string, name: string): Promise<TestPoint> {
  try {
    const answer = (await dns.resolve(testPointName(list, zone), 'A')) as unknown;
    const addresses = Array.isArray(answer) ? answer.filter((x): x is string => typeof x === 'string') : [];
    const verdict = interpretAnswer(list, addresses);
    if (verdict.listed) return { trusted: true, name };
    if (verdict.codes.length === 0) return { trusted: false, name, answer: 'no address record' };
    return { trusted: false, name, answer: verdict.codes.map((c, i) => `${c} (${verdict.meanings[i] ?? ''})`).join(', ') };
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    if (err.code === 'ENOTFOUND') return { trusted: false, name, answer: 'no such name (NXDOMAIN)' };
    if (err.code === 'ENODATA') return { trusted: false, name, answer: 'no address record' };
    return { trusted: false, name, answer: answerWords(err.code) };
  }
}

/** What to do when a list's test entry did not answer: the lists outside Spamhaus have no key to offer. */
function untrustedAdvice(list: DnsblList, key: string | undefined): string {
  if (!list.dqsZone) return 'use a resolver the list accepts (your own recursive resolver)';
  return key ? 'use a resolver the list accepts (your own recursive resolver), and check the Spamhaus DQS key' : 'use a resolver the list accepts (your own recursive resolver), or a Spamhaus DQS key';
}

/** "<list> did not list its own test entry through this resolver: its answers cannot be trusted" */
export const untrustedWords = (listName: string) => `${listName} did not list its own test entry through this resolver: its answers cannot be trusted`;

/**
 * A "not listed" answer from a list whose test entry did not answer as listed becomes an error: it
 * may be the resolver speaking, not the list. Listings, refusals and failures keep what they say.
 */
function trusted(r: DnsblResult, list: DnsblList, point: TestPoint, key: string | undefined): DnsblResult {
  if (point.trusted || r.listed || r.refused || r.error) return r;
  return {
    ...r,
    meanings: [`${untrustedWords(list.name)}; ${untrustedAdvice(list, key)}. Its test entry ${point.name} answered: ${point.answer ?? 'nothing'}.`],
    error: UNTRUSTED,
  };
}

type Job = { probe: DnsblList } | { query: Query };

/**
 * The queries, with each list's test entry asked first (one more query per list, in the same bounded
 * pool, so it runs beside the lookups and adds no wait of its own).
 */
async function lookUp(dns: DnsSession, key: string | undefined, queries: readonly Query[]): Promise<DnsblResult[]> {
  const lists = [...new Set(queries.map((q) => q.list))];
  const jobs: Job[] = [...lists.map((probe) => ({ probe })), ...queries.map((query) => ({ query }))];
  const { results } = await runPool(jobs, CONCURRENCY, async (job) => ('probe' in job ? (await probeTestPoint(dns, job.probe, key), null) : runQuery(dns, key, job.query)));
  const points = new Map(await Promise.all(lists.map(async (l) => [l, await probeTestPoint(dns, l, key)] as const)));
  return queries.map((q, i) => trusted(results[lists.length + i] as DnsblResult, q.list, points.get(q.list) as TestPoint, key));
}

function listedFinding(r: DnsblResult, list: DnsblList): Finding {
  const what = r.source === 'domain' ? `The domain ${r.target}` : r.source === 'sending' ? `Sending IP ${r.target}` : `MX address ${r.target}`;
  const effect =
    r.source === 'domain'
      ? 'Receivers and filters that use this list reject or junk mail that carries the domain (in the From address, links or signatures).'
      : r.source === 'sending'
        ? 'Receivers that use this list reject or junk mail from this address.'
        : 'Receivers that use this list reject or junk mail this server sends (replies, forwards, bounces); listings of an MX address usually mean the same machine sends mail.';
  return finding('dnsbl.listed', {
    title: `${r.target} is listed on ${list.name}`,
    detail: `${what} is listed on ${list.name} (${r.zone}), return code ${r.codes.join(', ')}: ${r.meanings.join('; ')}. ${effect}${r.range ? ` Note: ${r.target} is in ${r.range}.` : ''}`,
    fix: `${list.fixFirst} Delisting: ${list.delisting}`,
    evidence: `${r.source === 'domain' ? r.target : reversedLabels(r.target)}.${r.zone} A ${r.codes.join(', ')}`,
    refs: ['RFC 5782 §2.1', list.homepage],
  });
}

function refusedFinding(list: DnsblList, results: DnsblResult[]): Finding {
  const targets = results.map((r) => r.target);
  const pairs = new Map<string, string>();
  for (const r of results) {
    if (r.codes.length === 0) pairs.set(r.error ?? 'REFUSED', r.meanings[0] ?? 'refused');
    r.codes.forEach((c, i) => pairs.set(c, r.meanings[i] ?? ''));
  }
  const why = [...pairs].map(([c, m]) => `${c}: ${m}`).join('; ');
  const rewritten = [...pairs.values()].includes(FOREIGN_ANSWER);
  return finding('dnsbl.refused', {
    title: `${list.name} did not answer: result unknown`,
    detail: `${list.name} gave no answer about ${targets.join(', ')} (${why}). This says nothing about whether ${targets.length === 1 ? 'it is' : 'they are'} listed: the result is unknown, not clean.`,
    fix: rewritten
      ? 'Audit through a resolver that passes "no such name" (NXDOMAIN) answers through unchanged, such as your own recursive resolver (Settings, or --resolver), not one that redirects unknown names to a search page.'
      : list.refusedAdvice,
    evidence: [...pairs.keys()].join(', '),
    refs: ['RFC 5782 §2.1', list.homepage],
    ...(rewritten ? { reason: 'resolver-rewrites-nxdomain' as const } : {}),
  });
}

/**
 * The lookups a list's test entry could not vouch for, under dnsbl.refused: the code for a list that
 * gave no answer, because that is what the list did through this resolver.
 */
function untrustedFinding(list: DnsblList, results: DnsblResult[], point: TestPoint, key: string | undefined): Finding {
  const targets = results.map((r) => r.target);
  return finding('dnsbl.refused', {
    title: `${list.name} did not list its own test entry: result unknown`,
    detail: `${untrustedWords(list.name)}. It answered "not listed" about ${targets.join(', ')}, but its test entry ${point.name}, which the list always lists, answered ${point.answer ?? 'nothing'} as well: the resolver may be answering for the list (a filtered or captive resolver), or the list refuses it. The result is unknown, not clean.`,
    // A list's own advice adds what the general one cannot know (Barracuda answers registered resolvers only).
    fix: `${untrustedAdvice(list, key).replace(/^u/, 'U')}.${list.dqsZone || list.refusedAdvice.startsWith('Query through another resolver') ? '' : ` ${list.refusedAdvice}`}`,
    evidence: `${point.name} A: ${point.answer ?? 'nothing'}`,
    refs: ['RFC 5782 §5', list.homepage],
  });
}

export async function checkDnsbl(ctx: AuditContext): Promise<CheckOutput<'dnsbl'>> {
  if (ctx.skipped('dnsbl')) return { check: { status: 'skipped', skipped: 'Blocklist lookups were turned off (--skip dnsbl).', turnedOff: true, results: [] }, findings: [] };
  const { addresses, mxError } = await auditAddresses(ctx);
  const ordered = [...addresses.filter((a) => a.source === 'sending'), ...addresses.filter((a) => a.source === 'mx')];
  const queries = queriesFor(ctx, ordered.slice(0, MAX_ADDRESSES));
  const key = dqsKey(ctx);
  const results = await lookUp(ctx.dns, key, queries);
  const findings: Finding[] = [];
  const byList = new Map(DNSBL_LISTS.map((l) => [l.name, l]));
  for (const r of results) if (r.listed) findings.push(listedFinding(r, byList.get(r.list) as DnsblList));
  const untrusted = results.filter((r) => r.error === UNTRUSTED);
  for (const list of DNSBL_LISTS) {
    const refused = results.filter((r) => r.list === list.name && r.refused);
    if (refused.length > 0) findings.push(refusedFinding(list, refused));
    const unvouched = untrusted.filter((r) => r.list === list.name);
    if (unvouched.length > 0) findings.push(untrustedFinding(list, unvouched, await probeTestPoint(ctx.dns, list, key), key));
  }
  // A lookup that failed is neither listed nor clean, nor is "not listed" from a list whose test entry
  // did not answer, and MX addresses that could not be found were not looked up at all: in each case
  // "not listed" cannot be said.
  const failed = results.filter((r) => r.error && r.error !== UNTRUSTED && !r.refused);
  const allFailed = results.length > 0 && failed.length === results.length && !mxError;
  const failedText =
    failed.length > 0
      ? `blocklist lookups failed: ${failed.slice(0, 4).map((r) => `${r.target} on ${r.list}: ${answerWords(r.error as string)}`).join('; ')}${failed.length > 4 ? `; and ${failed.length - 4} more` : ''}`
      : undefined;
  const untrustedText = untrusted.length > 0 ? [...new Set(untrusted.map((r) => untrustedWords(r.list)))].join('; ') : undefined;
  const error = allFailed ? (failed[0]?.error as string) : [mxError, failedText, untrustedText].filter(Boolean).join('; ');
  return {
    check: {
      status: error ? 'error' : statusOf(findings),
      results,
      ...(error ? { error } : {}),
    },
    findings,
  };
}

/**
 * Addresses and domains looked up on the catalogue's lists outside an audit: a message's sending IP
 * (source "sending") and its link domains (source "domain"), with the same queries, answers and
 * words as the audit. A failed lookup comes back with its `error`: neither listed nor clean; so does
 * "not listed" from a list whose test entry did not answer (`error` UNTRUSTED, the words in `meanings`).
 */
export async function lookupBlocklists(dns: DnsSession, targets: { ips?: readonly string[]; domains?: readonly string[] }, spamhausDqsKey?: string): Promise<DnsblResult[]> {
  const key = validKey(spamhausDqsKey);
  const queries: Query[] = [];
  for (const list of DNSBL_LISTS) {
    const zone = queryZone(list, key);
    if (list.type === 'domain') {
      for (const domain of targets.domains ?? []) queries.push({ list, target: domain, source: 'domain', name: `${domain}.${zone}` });
      continue;
    }
    for (const ip of targets.ips ?? []) {
      if (parseIp(ip)?.family === 6 && !list.ipv6) continue;
      const labels = reversedLabels(ip);
      if (!labels) continue;
      const range = classifyIp(ip);
      queries.push({ list, target: ip, source: 'sending', name: `${labels}.${zone}`, ...(range && range.kind !== 'global' ? { range: range.note } : {}) });
    }
  }
  return lookUp(dns, key, queries);
}
