/**
 * PTR check: reverse DNS of the MX addresses and the sending IPs, forward-confirmed (FCrDNS).
 *
 * Receivers look up the PTR of the address that connects to them and check that the name resolves
 * back to it (RFC 8601 §2.7.3 "iprev"); Gmail and Yahoo require it of every sender. The audit sees the
 * MX addresses from DNS, but the addresses that send may differ: `--sending-ip` names those.
 */
import { classifyIp, normalizeIp, parseIp, reverseName, sameAddress } from '../net/ip';
import type { AuditContext, CheckOutput } from './context';
import { finding, statusOf } from './finding';
import { failureOf, failuresText } from './lookup-failure';
import type { Finding, LookupFailure, PtrAddress } from './types';

/** Bounds: a domain with many MX hosts or a long --sending-ip list still ends in a few seconds. */
const MAX_MX_HOSTS = 10;
const MAX_ADDRESSES_PER_HOST = 8;
const MAX_SENDING_IPS = 32;
const MAX_PTR_NAMES = 5;

export interface AuditAddress {
  ip: string;
  source: 'mx' | 'sending';
  host?: string;
}

/**
 * The addresses both the PTR and the blocklist checks look at: MX addresses, then sending IPs.
 *
 * An address that is both an MX address and a sending IP appears once, as `sending` (that is the
 * role receivers judge it in), with its MX host kept. Text that is not an address is returned in
 * `invalid` so the check can say so instead of querying nonsense.
 */
export async function auditAddresses(ctx: AuditContext): Promise<{ addresses: AuditAddress[]; invalid: string[]; mxError?: string }> {
  const mx = await ctx.need('mx');
  const byIp = new Map<string, AuditAddress>();
  const hosts = mx.nullMx ? [] : mx.hosts.filter((h) => h.exchange !== '').slice(0, MAX_MX_HOSTS);
  const perHost = await Promise.all(
    hosts.map(async (h) => ({ host: h.exchange, ips: h.addresses ?? (await resolveAddresses(ctx, h.exchange)) })),
  );
  for (const { host, ips } of perHost) {
    for (const raw of ips.slice(0, MAX_ADDRESSES_PER_HOST)) {
      const ip = normalizeIp(raw);
      if (ip && !byIp.has(ip)) byIp.set(ip, { ip, source: 'mx', host });
    }
  }
  const invalid: string[] = [];
  for (const raw of (ctx.options.sendingIps ?? []).slice(0, MAX_SENDING_IPS)) {
    const ip = normalizeIp(raw);
    if (!ip) {
      invalid.push(raw);
      continue;
    }
    const mxEntry = byIp.get(ip);
    byIp.set(ip, { ip, source: 'sending', ...(mxEntry?.host ? { host: mxEntry.host } : {}) });
  }
  // The MX check failed, or some of its hosts' address lookups did: the MX addresses are incomplete.
  const mxError = mx.status !== 'error' || !mx.error ? undefined : mx.hosts.length === 0 ? `the MX lookup failed (${mx.error})` : mx.error;
  return { addresses: [...byIp.values()], invalid, ...(mxError ? { mxError } : {}) };
}

async function resolveAddresses(ctx: AuditContext, host: string): Promise<string[]> {
  const [a, aaaa] = await Promise.all([lookup(ctx, host, 'A'), lookup(ctx, host, 'AAAA')]);
  return [...a.names, ...aaaa.names];
}

/** A query that turns "no such name / no such record" into an empty answer and keeps a failure. */
async function lookup(ctx: AuditContext, name: string, type: 'A' | 'AAAA' | 'PTR'): Promise<{ names: string[]; failure?: LookupFailure }> {
  try {
    const answer = (await ctx.dns.resolve(name, type)) as unknown;
    return { names: Array.isArray(answer) ? answer.filter((x): x is string => typeof x === 'string') : [] };
  } catch (err) {
    const failure = failureOf(err);
    return failure ? { names: [], failure } : { names: [] };
  }
}

const bare = (name: string) => name.replace(/\.$/, '').toLowerCase();

async function examine(ctx: AuditContext, target: AuditAddress): Promise<{ address: PtrAddress; failure?: LookupFailure }> {
  const name = reverseName(target.ip) as string;
  const family = parseIp(target.ip)?.family === 6 ? 'AAAA' : 'A';
  const base = { ip: target.ip, source: target.source, ...(target.host ? { host: target.host } : {}) };
  const ptr = await lookup(ctx, name, 'PTR');
  if (ptr.failure) return { address: { ...base, ptr: [], forwardConfirmed: false, error: ptr.failure.code }, failure: ptr.failure };
  const names = [...new Set(ptr.names.map(bare))].filter((n) => n !== '');
  const forward: Record<string, string[]> = {};
  let forwardConfirmed = false;
  let failure: LookupFailure | undefined;
  // RFC 8601 §2.7.3: the address passes when any of its PTR names resolves back to it.
  for (const n of names.slice(0, MAX_PTR_NAMES)) {
    const back = await lookup(ctx, n, family);
    forward[n] = back.names;
    failure ??= back.failure;
    if (back.names.some((ip) => sameAddress(ip, target.ip))) {
      forwardConfirmed = true;
      break;
    }
  }
  // RFC 8601 §2.7.3: a forward lookup that fails is "temperror", not "fail": the name may well resolve back.
  if (!forwardConfirmed && failure) {
    return { address: { ...base, ptr: names, forwardConfirmed, forward, error: `${failure.code} (${failure.type} ${failure.name})` }, failure };
  }
  return { address: { ...base, ptr: names, forwardConfirmed, forward } };
}

function owner(ip: string): string {
  return `the owner of ${ip} (your hosting provider, cloud provider or ISP: \`whois ${ip}\` names the network; on most clouds it is a "reverse DNS" field on the IP)`;
}

function roleWords(a: PtrAddress): { what: string; matters: string } {
  if (a.source === 'sending') {
    return {
      what: `Sending IP ${a.ip}${a.host ? ` (also MX ${a.host})` : ''}`,
      matters:
        'Receivers check the reverse DNS of every address that connects to deliver mail; Gmail and Yahoo require forward-confirmed reverse DNS of all senders and reject or spam-folder mail without it.',
    };
  }
  return {
    what: `MX address ${a.ip}${a.host ? ` (${a.host})` : ''}`,
    matters:
      'This is an MX address, which receives mail: receivers only judge the reverse DNS of addresses that send to them. It matters if this server also sends your outgoing mail (or relays bounces and forwards), which is common for self-hosted mail.',
  };
}

function suggestName(ctx: AuditContext, a: PtrAddress): string {
  if (a.host) return a.host;
  // A sending IP's check (core/watch/ip-check.ts) has no domain: the name it already has, or a placeholder.
  if (!ctx.domain) return a.ptr[0] ?? 'mail.<your domain>';
  const own = a.ptr.find((n) => n === ctx.domain || n.endsWith(`.${ctx.domain}`));
  return own ?? `mail.${ctx.domain}`;
}

function ptrFinding(ctx: AuditContext, a: PtrAddress): Finding | null {
  if (a.error || a.forwardConfirmed) return null;
  const reverse = reverseName(a.ip) as string;
  const family = parseIp(a.ip)?.family === 6 ? 'AAAA' : 'A';
  const { what, matters } = roleWords(a);
  const name = suggestName(ctx, a);
  const refs = ['RFC 1912 §2.1', 'RFC 8601 §2.7.3', 'RFC 3596 §2.5'];
  const range = classifyIp(a.ip);
  const rangeNote = range && range.kind !== 'global' ? ` (${a.ip} is in ${range.note}: a real sender needs a public address.)` : '';
  if (a.ptr.length === 0) {
    return finding('ptr.missing', {
      title: `No reverse DNS for ${a.source === 'sending' ? 'sending IP' : 'MX address'} ${a.ip}`,
      detail: `${what} has no PTR record at ${reverse}, so it has no name. ${matters}${rangeNote}`,
      fix: `Ask ${owner(a.ip)} to set the PTR record "${reverse}. PTR ${name}." and make sure your zone has "${name}. ${family} ${a.ip}" so the name resolves back to the address.`,
      evidence: `${reverse} PTR: no record`,
      refs,
    });
  }
  const shown = a.ptr.map((n) => `${n} -> ${(a.forward?.[n] ?? []).join(', ') || 'no ' + family + ' record'}`).join('; ');
  const first = a.ptr[0] as string;
  const ownsFirst = ctx.domain !== '' && (first === ctx.domain || first.endsWith(`.${ctx.domain}`));
  return finding('ptr.mismatch', {
    title: `Reverse DNS of ${a.ip} does not resolve back to it`,
    detail: `${what} has PTR ${a.ptr.join(', ')}, but ${a.ptr.length === 1 ? 'that name does' : 'none of those names does'} not resolve back to ${a.ip} (${shown}). Without forward-confirmed reverse DNS the PTR counts for nothing. ${matters}${rangeNote}`,
    fix: ownsFirst
      ? `Publish "${first}. ${family} ${a.ip}" in your zone (the PTR already points to ${first}).`
      : `Either publish "${first}. ${family} ${a.ip}" if you control ${first}, or ask ${owner(a.ip)} to change the PTR to "${reverse}. PTR ${name}." and publish "${name}. ${family} ${a.ip}".`,
    evidence: `${reverse} PTR ${a.ptr.join(', ')}\n${shown}`,
    refs,
  });
}

export async function checkPtr(ctx: AuditContext): Promise<CheckOutput<'ptr'>> {
  const { addresses: targets, invalid, mxError } = await auditAddresses(ctx);
  const findings: Finding[] = [];
  if (targets.length === 0) {
    // The MX addresses are unknown, not absent: that is an error, not a reason to skip.
    if (mxError) return { check: { status: 'error', error: `${mxError}, and no --sending-ip was given`, addresses: [], ...(invalid.length > 0 ? { invalid } : {}) }, findings };
    const why = invalid.length > 0 ? `no valid address to check (not an IP address: ${invalid.join(', ')})` : 'no MX address and no --sending-ip to check';
    return { check: { status: 'skipped', skipped: why, addresses: [], ...(invalid.length > 0 ? { invalid } : {}) }, findings };
  }
  const examined = await Promise.all(targets.map((t) => examine(ctx, t)));
  const addresses = examined.map((e) => e.address);
  for (const a of addresses) {
    const f = ptrFinding(ctx, a);
    if (f) findings.push(f);
  }
  const failures = examined.flatMap((e) => (e.failure ? [e.failure] : []));
  const allFailed = failures.length === addresses.length && !mxError;
  const error = allFailed
    ? (addresses[0]?.error as string)
    : [mxError, failures.length > 0 ? `lookups failed: ${failuresText(failures)}` : undefined].filter(Boolean).join('; ');
  return {
    check: {
      status: error ? 'error' : statusOf(findings),
      addresses,
      ...(error ? { error } : {}),
      ...(invalid.length > 0 ? { invalid } : {}),
    },
    findings,
  };
}
