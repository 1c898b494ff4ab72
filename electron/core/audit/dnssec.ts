/**
 * DNSSEC and DANE check: is the domain's zone signed, and do the MX hosts' TLSA records match
 * the certificates they present?
 *
 * DNSSEC itself is DNS-only. DANE matching needs the certificate the SMTP probe saw, so with
 * `--skip smtp` the TLSA records are listed but not compared.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { getDomain } from 'tldts';
import type { TlsaData } from 'dns-packet';
import type { DnsSession } from '../dns/session';
import type { RawResponse } from '../dns/raw';
import type { AuditContext, CheckOutput } from './context';
import { finding, statusOf } from './finding';
import { failureOf, failuresText } from './lookup-failure';
import type { DnssecCheck, Finding, LookupFailure, SmtpCheck, TlsaRecord } from './types';

type MxDane = DnssecCheck['mx'][number];

/** At most this many MX hosts are examined, as in the SMTP check. */
const MAX_HOSTS = 10;
/** A host name is walked up at most this many labels to find its zone apex. */
const MAX_WALK = 6;

/** A DNS answer, or "none" (NXDOMAIN/NODATA), or the error code when the lookup failed. */
type Lookup = { reply: RawResponse } | { none: true } | { error: string; failure: LookupFailure };

async function lookup(dns: DnsSession, name: string, type: string): Promise<Lookup> {
  try {
    return { reply: await dns.queryRaw(name, type, { dnssec: true }) };
  } catch (err) {
    const failure = failureOf(err);
    return failure ? { error: failure.code, failure } : { none: true };
  }
}

const has = (l: Lookup) => 'reply' in l;

export async function checkDnssec(ctx: AuditContext): Promise<CheckOutput<'dnssec'>> {
  const [dmarc, mx] = await Promise.all([ctx.need('dmarc'), ctx.need('mx')]);
  const zone = dmarc.organizationalDomain || ctx.domain;
  const findings: Finding[] = [];

  // RFC 4035 §5: a zone is secure when its parent serves a DS for it and it serves the DNSKEYs.
  const [ds, keys] = await Promise.all([lookup(ctx.dns, zone, 'DS'), lookup(ctx.dns, zone, 'DNSKEY')]);
  const dsError = 'error' in ds ? ds.error : undefined;
  const keyError = 'error' in keys ? keys.error : undefined;
  const signed = dsError || keyError ? (has(ds) && has(keys) ? true : null) : has(ds) && has(keys);
  // Only a validating resolver sets AD (RFC 4035 §3.2.3); without it we cannot say either way.
  const ad = ('reply' in keys && keys.reply.flags.ad) || ('reply' in ds && ds.reply.flags.ad);
  const validated = ad ? true : null;

  if (signed === false && has(ds) && !has(keys)) {
    findings.push(
      finding('dnssec.unsigned', {
        title: `DNSSEC is half set up for ${zone}: a DS record but no DNSKEY`,
        detail: `The parent zone publishes a DS record for ${zone}, so validating resolvers expect its answers to be signed, but ${zone} serves no DNSKEY. Validating resolvers (Google Public DNS, Cloudflare, most ISPs) then treat every answer from ${zone} as bogus and fail the lookup: mail to and from the domain breaks for their users.`,
        fix: `Either turn DNSSEC signing back on at the DNS host of ${zone}, or remove the DS record at your registrar (and wait for its TTL) before turning signing off.`,
        evidence: `${zone}. DS ${'reply' in ds ? ds.reply.answers.filter((a) => a.type === 'DS').length : 0} record(s); DNSKEY: none`,
        refs: ['RFC 4035 §5', 'RFC 6781 §4.3'],
        severity: 'critical',
      }),
    );
  } else if (signed === false) {
    findings.push(
      finding('dnssec.unsigned', {
        title: `${zone} is not signed with DNSSEC`,
        detail: `${zone} has ${has(ds) ? 'a DS record but no DNSKEY' : 'no DS record at its parent'}, so its DNS answers cannot be verified. Forged MX answers can redirect its mail, and DANE (TLSA records), which lets senders insist on an authenticated TLS connection, cannot work without DNSSEC.`,
        fix: `Turn on DNSSEC signing at the DNS host of ${zone}, then publish the DS record it gives you at your registrar.`,
        refs: ['RFC 4033 §2', 'RFC 7672 §1.3'],
      }),
    );
  }

  const hosts = mx.nullMx ? [] : mx.hosts.filter((h) => h.exchange !== '').slice(0, MAX_HOSTS);
  const failures: LookupFailure[] = [];
  const entries: MxDane[] = await Promise.all(
    hosts.map(async (h): Promise<MxDane> => {
      const [hostSigned, tlsaLookup] = await Promise.all([
        h.exchange === zone || h.exchange.endsWith(`.${zone}`) ? apexSigned(ctx.dns, h.exchange, zone, signed) : apexSigned(ctx.dns, h.exchange, null, null),
        // RFC 7672 §2.2: the TLSA records of an MX live at _25._tcp.<mx host>.
        lookup(ctx.dns, `_25._tcp.${h.exchange}`, 'TLSA'),
      ]);
      const entry: MxDane = { host: h.exchange, signed: hostSigned.signed, tlsa: [], daneMatch: null };
      // RFC 7672 §2.2.1: a TLSA lookup that fails leaves a DANE sender unable to deliver; we cannot say more.
      if ('error' in tlsaLookup) {
        entry.error = tlsaLookup.error;
        failures.push(tlsaLookup.failure);
      } else if (hostSigned.failure) {
        entry.error = `${hostSigned.failure.code} (${hostSigned.failure.type} ${hostSigned.failure.name})`;
      }
      if (hostSigned.failure) failures.push(hostSigned.failure);
      if ('reply' in tlsaLookup) entry.tlsa = tlsaLookup.reply.answers.flatMap((a) => (a.type === 'TLSA' ? [toTlsa(a.data)] : []));
      return entry;
    }),
  );

  const withTlsa = entries.filter((e) => e.tlsa.length > 0);
  if (withTlsa.length > 0) {
    const smtp = await ctx.need('smtp');
    for (const entry of withTlsa) {
      const outcome = judgeDane(entry, smtp);
      entry.daneMatch = outcome.match;
      entry.daneNote = outcome.note;
      if (outcome.match === false && entry.signed !== false) findings.push(mismatchFinding(entry, outcome.presented));
    }
  }

  const failed = signed === null && (dsError ?? keyError) !== undefined;
  const check: DnssecCheck = { status: failed ? 'error' : statusOf(findings), signed, validated, mx: entries };
  if (failed) {
    check.error = dsError ?? keyError;
    return { check, findings };
  }
  // What the check rests on may be unknown: the zone (from the DMARC walk), the MX hosts, their TLSA
  // records or whether their zones are signed. Then it is an error, whatever it found besides.
  const unknown = [
    dmarc.walk.some((s) => s.outcome === 'error') ? `the zone is uncertain: the DMARC lookups that find the organizational domain failed (${dmarc.error ?? 'DNS error'})` : '',
    mx.status === 'error' && mx.hosts.length === 0 && !mx.nullMx ? `the MX lookup failed (${mx.error ?? 'DNS error'}), so DANE was not checked` : '',
    failures.length > 0 ? `lookups failed: ${failuresText(failures)}` : '',
  ].filter(Boolean);
  if (unknown.length > 0) {
    check.status = 'error';
    check.error = unknown.join('; ');
  }
  return { check, findings };
}

/**
 * Whether the zone holding `host` is signed: its apex is the nearest name upwards with DNSKEYs
 * (they live only at a zone apex, RFC 4034 §2.1), and that apex needs a DS at its parent.
 */
async function apexSigned(dns: DnsSession, host: string, knownZone: string | null, knownSigned: boolean | null): Promise<{ signed: boolean | null; failure?: LookupFailure }> {
  const stop = knownZone ?? getDomain(host, { allowPrivateDomains: true }) ?? host.split('.').slice(-2).join('.');
  const names: string[] = [];
  const labels = host.split('.');
  for (let i = 0; i < labels.length - 1 && names.length < MAX_WALK; i++) {
    const name = labels.slice(i).join('.');
    names.push(name);
    if (name === stop) break;
  }
  const keys = await Promise.all(names.map((n) => (n === knownZone ? null : lookup(dns, n, 'DNSKEY'))));
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (name === knownZone) return { signed: knownSigned };
    const l = keys[i];
    if (!l) continue;
    if ('error' in l) return { signed: null, failure: l.failure };
    if (has(l)) {
      const ds = await lookup(dns, name, 'DS');
      return 'error' in ds ? { signed: null, failure: ds.failure } : { signed: has(ds) };
    }
  }
  return { signed: false };
}

function toTlsa(data: TlsaData): TlsaRecord {
  return { usage: data.usage, selector: data.selector, matchingType: data.matchingType, data: data.certificate.toString('hex') };
}

/**
 * RFC 7672 §3.1.3: SMTP uses only DANE-TA(2) and DANE-EE(3); PKIX-TA(0) and PKIX-EE(1) records are
 * unusable, as are unknown selectors (RFC 6698 §2.1.2) and matching types (§2.1.3).
 */
export function usableTlsa(record: TlsaRecord): boolean {
  return (record.usage === 2 || record.usage === 3) && (record.selector === 0 || record.selector === 1) && [0, 1, 2].includes(record.matchingType);
}

/** RFC 6698 §2.1.2-2.1.3: the selected part of the certificate (full DER or SPKI), then its digest. */
export function tlsaAssociation(certDer: Buffer, selector: number, matchingType: number): string | null {
  let selected: Buffer;
  if (selector === 0) selected = certDer;
  else if (selector === 1) selected = new X509Certificate(certDer).publicKey.export({ type: 'spki', format: 'der' });
  else return null;
  if (matchingType === 0) return selected.toString('hex');
  if (matchingType === 1) return createHash('sha256').update(selected).digest('hex');
  if (matchingType === 2) return createHash('sha512').update(selected).digest('hex');
  return null;
}

export function tlsaMatches(record: TlsaRecord, certDer: Buffer): boolean {
  if (!usableTlsa(record)) return false;
  try {
    return tlsaAssociation(certDer, record.selector, record.matchingType) === record.data.toLowerCase();
  } catch {
    // A certificate we cannot parse matches nothing.
    return false;
  }
}

/**
 * Matches TLSA records against a presented chain: DANE-EE against the leaf (RFC 7672 §3.1.1),
 * DANE-TA against a certificate above it (§3.1.2). Returns the record that matched, or null.
 */
export function matchDane(records: readonly TlsaRecord[], leafDer: Buffer, chainDer: readonly Buffer[]): TlsaRecord | null {
  // DANE-EE first: it needs nothing else (no name or date checks, RFC 7672 §3.2.1).
  return records.find((r) => r.usage === 3 && tlsaMatches(r, leafDer)) ?? records.find((r) => r.usage === 2 && chainDer.some((c) => tlsaMatches(r, c))) ?? null;
}

const tlsaText = (r: TlsaRecord) => `${r.usage} ${r.selector} ${r.matchingType} ${r.data}`;

function judgeDane(entry: MxDane, smtp: SmtpCheck): { match: boolean | null; note: string; presented?: Buffer } {
  const usable = entry.tlsa.filter(usableTlsa);
  const unsignedNote = entry.signed === false ? ' The zone is not signed, so senders ignore these TLSA records anyway (RFC 7672 §2.2).' : '';
  if (usable.length === 0) {
    return {
      match: null,
      note: `No usable TLSA record: SMTP uses only DANE-TA (2) and DANE-EE (3); PKIX-TA (0) and PKIX-EE (1) are not used for SMTP (RFC 7672 §3.1.3), so senders treat ${entry.host} as having no TLSA records.${unsignedNote}`,
    };
  }
  // Not measured: the probe ran and its hosts say why it got no certificate (below).
  if (smtp.status === 'skipped' && !smtp.notMeasured) return { match: null, note: `The SMTP probe was skipped (${smtp.skipped ?? 'turned off'}), so the TLSA records could not be compared with the certificate.${unsignedNote}` };
  const probe = smtp.hosts.find((p) => p.host === entry.host);
  const cert = probe?.tls?.certificate;
  if (!cert?.der) {
    return {
      match: null,
      note: `The SMTP probe did not get a certificate from ${entry.host}${probe?.error ? ` (${probe.error})` : ''}, so the TLSA records could not be compared with it.${unsignedNote}`,
    };
  }
  const leaf = Buffer.from(cert.der, 'base64');
  const chain = (cert.chainDer ?? []).map((c) => Buffer.from(c, 'base64'));
  const matched = matchDane(usable, leaf, chain);
  if (matched) {
    // RFC 7672 §3.2.2: with DANE-TA the leaf must still carry the MX name; DANE-EE ignores names.
    if (matched.usage === 2 && !cert.nameMatch) {
      return { match: false, note: `TLSA ${tlsaText(matched)} matches a CA in the chain, but the certificate is not for ${entry.host}, which DANE-TA requires (RFC 7672 §3.2.2).${unsignedNote}`, presented: leaf };
    }
    return { match: true, note: `The certificate matches TLSA ${tlsaText(matched)}.${unsignedNote}` };
  }
  return { match: false, note: `None of the ${usable.length} usable TLSA record(s) matches the certificate ${entry.host} presented.${unsignedNote}`, presented: leaf };
}

function mismatchFinding(entry: MxDane, presented: Buffer | undefined): Finding {
  let association: string | null = null;
  try {
    association = presented ? tlsaAssociation(presented, 1, 1) : null;
  } catch {
    // A certificate we cannot read: the fix falls back to words.
  }
  const fixRecord = association ? `_25._tcp.${entry.host}. IN TLSA 3 1 1 ${association}` : null;
  return finding('dane.mismatch', {
    title: `The TLSA records of ${entry.host} do not match its certificate`,
    detail: `${entry.host} publishes TLSA records at _25._tcp.${entry.host}, but none matches the certificate it presented. Senders that use DANE (Postfix and Exim with DANE on, Microsoft Exchange Online, many European providers) will refuse to deliver to it and queue the mail until it bounces. This usually happens when a certificate is renewed with a new key before the TLSA record is updated.`,
    fix: fixRecord
      ? `Publish a TLSA record for the key the server uses now (DANE-EE, SPKI, SHA-256), keeping the old record until caches expire: ${fixRecord}`
      : `Publish a TLSA record that matches the certificate ${entry.host} presents (usage 3, selector 1, matching type 1 is the usual choice).`,
    evidence: entry.tlsa.map((r) => `_25._tcp.${entry.host}. TLSA ${tlsaText(r)}`).join('\n'),
    refs: ['RFC 7672 §3.1', 'RFC 6698 §2.1', 'RFC 7671 §8.1'],
  });
}
