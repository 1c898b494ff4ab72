/**
 * BIMI check (draft-brand-indicators-for-message-identification): the `default._bimi` record, the
 * DMARC policy it needs, the SVG logo and the VMC/CMC certificate behind it.
 *
 * Mailbox providers show the logo only when all of it holds, so each missing piece is a finding.
 * mailauth validates the SVG profile and the certificate; this module fetches them itself (through
 * the audit's DNS, deadline and trust settings), so mailauth never goes to the network.
 */
import { X509Certificate } from 'node:crypto';
import { validateBimiSvg, validateBimiVmc } from 'mailauth';
import { DnsError, type DnsSession } from '../dns/session';
import { HttpsGetError, refusedByOwnNetwork, httpsGet, type HttpsGetOptions } from '../net/https-get';
import type { AuditContext, CheckOutput } from './context';
import { finding, statusOf } from './finding';
import type { BimiCheck, DmarcCheck, Finding } from './types';

/** The BIMI draft and the providers cap the logo at 32 KB. */
export const SVG_MAX_BYTES = 32 * 1024;
/** A VMC is a few KB plus the embedded logo; anything near this is not one. */
const CERT_MAX_BYTES = 256 * 1024;

export interface BimiRecordParse {
  tags: Record<string, string>;
  /** l= when it is an https URL. */
  logoUrl: string | null;
  /** a= when it is an https URL. */
  authorityUrl: string | null;
  /** "v=BIMI1; l=; a=;": the domain says it has no logo (the draft's declination record). */
  declined: boolean;
  errors: string[];
}

/** True for a TXT string a receiver would consider: it starts with v=BIMI1. */
export function isBimiRecord(txt: string): boolean {
  return /^v[ \t]*=[ \t]*BIMI1[ \t]*(;|$)/i.test(txt.trimStart());
}

function httpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Parses a BIMI assertion record: a DKIM-style tag list (RFC 6376 §3.2) with v, l and a. */
export function parseBimiRecord(record: string): BimiRecordParse {
  const errors: string[] = [];
  const tags: Record<string, string> = {};
  for (const part of record.split(';')) {
    const field = part.trim();
    if (field === '') continue;
    const eq = field.indexOf('=');
    if (eq < 1) {
      errors.push(`"${field}" is not a tag=value pair`);
      continue;
    }
    const name = field.slice(0, eq).trim().toLowerCase();
    if (name in tags) errors.push(`${name}= appears more than once`);
    else tags[name] = field.slice(eq + 1).trim();
  }
  if (!isBimiRecord(record)) errors.push('the record must start with "v=BIMI1"');
  const l = tags.l ?? '';
  const a = tags.a ?? '';
  const declined = l === '' && a === '';
  let logoUrl: string | null = null;
  let authorityUrl: string | null = null;
  if (!declined) {
    if (l === '') errors.push('l= (the logo URL) is empty; it is required');
    else if (l.includes(',')) errors.push('l= must hold one URL');
    else if (!httpsUrl(l)) errors.push(`l= must be an https:// URL (found "${l}")`);
    else logoUrl = l;
    if (a !== '') {
      if (!httpsUrl(a)) errors.push(`a= must be an https:// URL (found "${a}")`);
      else authorityUrl = a;
    }
  }
  return { tags, logoUrl, authorityUrl, declined, errors };
}

/**
 * Whether DMARC is strong enough for BIMI, and if not, why.
 *
 * The draft wants p=quarantine or reject applying to all mail: under the RFC 7489 reading pct=100,
 * and neither p= nor sp= set to none (a weak sp= lets look-alike subdomains carry the logo).
 */
export function dmarcProblems(dmarc: DmarcCheck): string[] {
  // An error with a record means something beside the policy is unknown (report addresses, say).
  if (dmarc.status === 'error' && !dmarc.record) return [`the DMARC policy could not be read (${dmarc.error ?? 'DNS error'})`];
  if (!dmarc.record) return ['there is no DMARC record'];
  const problems: string[] = [];
  if (dmarc.policy !== 'quarantine' && dmarc.policy !== 'reject') problems.push(`the policy that applies is ${dmarc.policy ?? 'none'}, not quarantine or reject`);
  const p = dmarc.tags.p?.toLowerCase();
  if (p !== undefined && p === 'none' && dmarc.policy !== 'none') problems.push('p=none');
  if (dmarc.tags.sp?.toLowerCase() === 'none') problems.push('sp=none');
  const pct = dmarc.tags.pct;
  if (pct !== undefined && Number(pct) !== 100) problems.push(`pct=${pct} (it must be 100)`);
  return problems;
}

interface Fetched {
  body?: Buffer;
  error?: HttpsGetError;
}

async function fetchOne(url: string, options: HttpsGetOptions): Promise<Fetched> {
  try {
    return { body: (await httpsGet(url, options)).body };
  } catch (err) {
    if (err instanceof HttpsGetError) return { error: err };
    throw err;
  }
}

function describeSubject(pem: Buffer): string | undefined {
  try {
    return new X509Certificate(pem).subject.replace(/\n/g, ', ');
  } catch {
    return undefined;
  }
}

/** The end of the mark certificate's validity (the first certificate of the PEM chain), as ISO. */
function certificateEnd(pem: Buffer): string | undefined {
  try {
    const ms = Date.parse(new X509Certificate(pem).validTo);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  } catch {
    return undefined;
  }
}

/** Certificate-chain codes from @postalsys/vmc and OpenSSL that mean "not issued by a mark verifying authority". */
const CHAIN_CODES = new Set(['INVALID_CHAIN', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

/** One line for a mailauth / @postalsys/vmc error: words first, the library's code after, only the details a user can act on. */
function vmcError(error: { message?: string; code?: string; details?: unknown } | undefined): string {
  if (!error) return 'the certificate did not validate';
  const lead = error.code && CHAIN_CODES.has(error.code) ? 'the certificate does not chain to a BIMI mark verifying authority: ' : '';
  const details = error.details && typeof error.details === 'object' ? (error.details as Record<string, unknown>) : {};
  const useful = ['element', 'link', 'mediaType', 'subjectAltName']
    .filter((k) => details[k] !== undefined)
    .map((k) => `${k}: ${JSON.stringify(details[k]).slice(0, 120)}`);
  return `${lead}${error.message ?? 'invalid'}${error.code ? ` (${error.code})` : ''}${useful.length > 0 ? ` [${useful.join(', ')}]` : ''}`;
}

/** The DMARC record rewritten to what BIMI needs: p at quarantine or reject, no pct below 100, no sp=none. */
function strictDmarc(dmarc: DmarcCheck, domain: string): string {
  const tags = { ...dmarc.tags };
  const p = tags.p?.toLowerCase() === 'reject' ? 'reject' : 'quarantine';
  delete tags.v;
  delete tags.p;
  delete tags.pct;
  if (tags.sp?.toLowerCase() === 'none') delete tags.sp;
  if (!tags.rua) tags.rua = `mailto:dmarc-reports@${domain}`;
  return ['v=DMARC1', `p=${p}`, ...Object.entries(tags).map(([k, v]) => `${k}=${v}`)].join('; ');
}

async function lookupRecord(dns: DnsSession, domain: string): Promise<{ records: string[]; error?: string }> {
  try {
    return { records: (await dns.resolveTxt(`default._bimi.${domain}`)).map((c) => c.join('')).filter(isBimiRecord) };
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    if (err.code === 'ENODATA' || err.code === 'ENOTFOUND') return { records: [] };
    return { records: [], error: err.code };
  }
}

export async function checkBimi(ctx: AuditContext): Promise<CheckOutput<'bimi'>> {
  const { domain, dns } = ctx;
  const findings: Finding[] = [];
  const dmarc = await ctx.need('dmarc');
  // Whether DMARC is enforced, and where the organizational domain is, rest on DMARC lookups.
  const dmarcUnknown = dmarc.status === 'error' && !dmarc.record;
  const orgUnknown = dmarc.walk.some((s) => s.outcome === 'error');
  const dmarcIssues = dmarcUnknown ? [] : dmarcProblems(dmarc);
  const base: BimiCheck = { status: 'pass', record: null, logoUrl: null, authorityUrl: null, dmarcEnforced: !dmarcUnknown && dmarcIssues.length === 0, recordDomain: null };
  const unknown: string[] = [];
  if (dmarcUnknown) unknown.push(`the DMARC policy could not be read (${dmarc.error ?? 'DNS error'}), so whether it is strict enough for BIMI is unknown`);

  // The draft: no record at the author domain → look at the organizational domain.
  let where = domain;
  let found = await lookupRecord(dns, domain);
  if (found.records.length === 0 && !found.error && orgUnknown) {
    unknown.push('no record at the domain, and the organizational domain where BIMI looks next is unknown: the DMARC lookups that find it failed');
  }
  if (found.records.length === 0 && !found.error && dmarc.organizationalDomain && dmarc.organizationalDomain !== domain) {
    where = dmarc.organizationalDomain;
    found = await lookupRecord(dns, where);
  }
  if (found.error) return { check: { ...base, status: 'error', error: found.error }, findings };
  /** The check's status: error when something it rests on could not be looked up. */
  const done = (check: BimiCheck): CheckOutput<'bimi'> => ({
    check: unknown.length > 0 ? { ...check, status: 'error', error: unknown.join('; ') } : { ...check, status: statusOf(findings) },
    findings,
  });
  const suggested = `default._bimi.${domain}. TXT "v=BIMI1; l=https://${domain}/bimi/logo.svg; a=https://${domain}/bimi/vmc.pem"`;
  if (found.records.length === 0) {
    findings.push(
      finding('bimi.missing', {
        title: 'No BIMI record',
        detail: `${domain} publishes no BIMI record at default._bimi.${domain}, so mailbox providers show no brand logo next to its mail. BIMI needs DMARC at quarantine or reject, an SVG Tiny PS logo, and for Gmail and Apple Mail a Verified Mark Certificate.`,
        fix: suggested,
        refs: ['draft-brand-indicators-for-message-identification §4.3'],
      }),
    );
    return done(base);
  }
  const record = found.records[0] as string;
  const parsed = parseBimiRecord(record);
  const check: BimiCheck = { ...base, record, recordDomain: where, logoUrl: parsed.logoUrl, authorityUrl: parsed.authorityUrl };
  if (found.records.length > 1) {
    findings.push(
      finding('bimi.syntax', {
        title: `${found.records.length} BIMI records`,
        detail: `default._bimi.${where} has ${found.records.length} records starting with v=BIMI1; receivers ignore them all.`,
        fix: `Keep exactly one, for example:\n  ${suggested}`,
        evidence: found.records.join('\n'),
        refs: ['draft-brand-indicators-for-message-identification §4.3'],
      }),
    );
  } else if (parsed.errors.length > 0) {
    findings.push(
      finding('bimi.syntax', {
        title: 'The BIMI record does not parse',
        detail: `In default._bimi.${where}: ${parsed.errors.join('; ')}. Receivers ignore an invalid record, so no logo shows.`,
        fix: suggested,
        evidence: record,
        refs: ['draft-brand-indicators-for-message-identification §4.3'],
      }),
    );
  }
  if (parsed.declined) {
    findings.push(
      finding('bimi.missing', {
        title: 'BIMI is declined',
        detail: `default._bimi.${where} is a declination record (empty l= and a=): ${domain} asks receivers to show no logo.`,
        fix: `To show a logo, replace it with ${suggested}`,
        evidence: record,
        refs: ['draft-brand-indicators-for-message-identification §4.3'],
      }),
    );
    return done(check);
  }

  if (dmarcIssues.length > 0) {
    const policyDomain = dmarc.recordDomain ?? domain;
    findings.push(
      finding('bimi.dmarc-not-enforced', {
        title: 'DMARC is not strict enough for BIMI',
        detail: `BIMI logos show only when DMARC applies quarantine or reject to all mail. Here: ${dmarcIssues.join('; ')}. Until that changes, receivers ignore the BIMI record.`,
        fix: `Once legitimate mail passes DMARC, publish at _dmarc.${policyDomain}:\n  "${strictDmarc(dmarc, policyDomain)}"`,
        ...(dmarc.record ? { evidence: dmarc.record } : {}),
        refs: ['draft-brand-indicators-for-message-identification §7.1', 'RFC 7489 §6.3'],
      }),
    );
  }

  if (!parsed.authorityUrl) {
    findings.push(
      finding('bimi.no-certificate', {
        title: 'No BIMI certificate (a=)',
        detail: `The record has no a= tag pointing to a Verified Mark Certificate (VMC) or Common Mark Certificate (CMC). Some providers show a self-asserted logo, but Gmail and Apple Mail show none without a certificate.`,
        fix: `Obtain a VMC or CMC for the logo from an authorized issuer, publish its PEM at an https URL and add it: "v=BIMI1; l=${parsed.logoUrl ?? `https://${domain}/bimi/logo.svg`}; a=https://${domain}/bimi/vmc.pem"`,
        refs: ['draft-brand-indicators-for-message-identification §4.3'],
      }),
    );
  }

  if (ctx.skipped('http')) {
    return done({ ...check, fetchSkipped: 'HTTPS fetches are turned off (--skip http): the logo and certificate were not checked' });
  }

  const network = ctx.options.network ?? {};
  const httpOptions: HttpsGetOptions = {
    dns,
    followRedirects: false,
    ...(network.httpsPort !== undefined ? { port: network.httpsPort } : {}),
    ...(network.ca ? { ca: network.ca } : {}),
    ...(network.timeoutMs !== undefined ? { timeoutMs: network.timeoutMs } : {}),
  };
  const [logo, cert] = await Promise.all([
    parsed.logoUrl ? fetchOne(parsed.logoUrl, { ...httpOptions, maxBytes: SVG_MAX_BYTES }) : Promise.resolve<Fetched>({}),
    parsed.authorityUrl ? fetchOne(parsed.authorityUrl, { ...httpOptions, maxBytes: CERT_MAX_BYTES }) : Promise.resolve<Fetched>({}),
  ]);

  // A fetch that failed in DNS (SERVFAIL, timeout) did not reach the server: what it would serve is unknown.
  for (const [what, fetched] of [['logo', logo], ['certificate', cert]] as const) {
    if (fetched.error?.code === 'EDNS') unknown.push(`the ${what} could not be fetched: ${fetched.error.message}`);
  }
  if (parsed.logoUrl && logo.error) {
    if (logo.error.code === 'ETOOBIG') {
      const size = logo.error.extra.bytes;
      check.svg = { bytes: size ?? SVG_MAX_BYTES + 1, valid: false, errors: [logo.error.message] };
      findings.push(
        finding('bimi.svg-invalid', {
          title: 'The BIMI logo is over 32 KB',
          detail: `${parsed.logoUrl} is ${size !== undefined ? `${size} bytes${logo.error.message.includes('received before stopping') ? ' or more' : ''}` : 'over 32 KB'}; BIMI logos must be at most 32 KB (${SVG_MAX_BYTES} bytes), and receivers drop larger ones.`,
          fix: 'Simplify the SVG (fewer path points, no embedded raster images, no metadata) and minify it until it is under 32 KB, keeping the SVG Tiny PS profile.',
          refs: ['draft-brand-indicators-for-message-identification §5.2'],
        }),
      );
    } else {
      check.svg = { bytes: 0, valid: false, errors: [logo.error.message] };
      // Refused by the auditor's own network: the logo is not measured, and costs no points.
      const own = refusedByOwnNetwork(logo.error);
      if (own) check.notMeasured = true;
      findings.push(
        finding('bimi.logo-unreachable', {
          ...(own ? { severity: 'info' as const } : {}),
          title: own ? 'Not measured: the BIMI logo could not be fetched from this network' : 'The BIMI logo cannot be fetched',
          detail: own
            ? `${parsed.logoUrl} could not be fetched: ${logo.error.message}. The refusal came from the network the audit ran from (${logo.error.extra.cause}), not from the logo's host, so the logo is not measured and not counted in the score.`
            : `${parsed.logoUrl} could not be fetched: ${logo.error.message}. Receivers that cannot fetch the logo show none.`,
          fix: `Serve the SVG at ${parsed.logoUrl} with status 200 over HTTPS with a valid certificate, without a redirect.`,
          evidence: logo.error.extra.cause ?? logo.error.code,
          refs: ['draft-brand-indicators-for-message-identification §5.2'],
        }),
      );
    }
  } else if (logo.body) {
    const errors: string[] = [];
    try {
      validateBimiSvg(logo.body);
    } catch (err) {
      const e = err as { message?: string; code?: string; details?: unknown };
      errors.push(vmcError(e));
    }
    check.svg = { bytes: logo.body.length, valid: errors.length === 0, errors };
    if (errors.length > 0) {
      findings.push(
        finding('bimi.svg-invalid', {
          title: 'The BIMI logo is not SVG Tiny PS',
          detail: `${parsed.logoUrl}: ${errors.join('; ')}. BIMI accepts only the SVG Tiny Portable/Secure profile: baseProfile="tiny-ps", a <title>, no scripts, animation or external references, no x/y on the root.`,
          fix: 'Export the logo as SVG Tiny PS (baseProfile="tiny-ps" version="1.2" on the <svg> element, with a <title> naming the brand), remove scripts, animations and external links, and publish it again.',
          refs: ['draft-svg-tiny-ps-abrotman', 'draft-brand-indicators-for-message-identification §5.2'],
        }),
      );
    }
  }

  if (parsed.authorityUrl) {
    const errors: string[] = [];
    let certificate: NonNullable<BimiCheck['certificate']> = { valid: false, errors };
    if (cert.error) errors.push(`the certificate could not be fetched: ${cert.error.message}`);
    else if (cert.body) {
      const subject = describeSubject(cert.body);
      if (subject) certificate.subject = subject;
      const validTo = certificateEnd(cert.body);
      if (validTo) certificate.validTo = validTo;
      try {
        // Both files are handed over already fetched, so mailauth makes no request of its own.
        const result = await validateBimiVmc(
          {
            status: { result: 'pass', header: { d: domain, selector: 'default' } },
            info: '',
            authority: parsed.authorityUrl,
            authorityPath: cert.body,
            ...(logo.body && check.svg?.valid !== false && parsed.logoUrl ? { location: parsed.logoUrl, locationPath: logo.body } : {}),
          },
          ctx.options.now ? { now: ctx.options.now() } : {},
        );
        const authority = result ? result.authority : undefined;
        if (!authority) errors.push('the certificate could not be read');
        else if (!authority.success) errors.push(vmcError(authority.error));
        else if (authority.hashMatch === false) errors.push('the logo in the certificate differs from the logo at l=');
        const vmc = authority?.vmc as { type?: string; certificate?: { subject?: Record<string, string> } } | undefined;
        if (vmc?.type) certificate.type = vmc.type;
        const names = vmc?.certificate?.subject;
        if (names) certificate.subject = Object.entries(names).map(([k, v]) => `${k}=${v}`).join(', ');
      } catch (err) {
        errors.push(`the certificate could not be validated: ${(err as Error).message}`);
      }
      certificate = { ...certificate, valid: errors.length === 0 };
    }
    check.certificate = certificate;
    if (errors.length > 0) {
      findings.push(
        finding('bimi.certificate-invalid', {
          title: 'The BIMI certificate is not valid',
          detail: `${parsed.authorityUrl}: ${errors.join('; ')}. Gmail and Apple Mail show the logo only with a valid VMC or CMC issued by an authorized mark verifying authority, for this domain, embedding the same logo.`,
          fix: `Publish at ${parsed.authorityUrl} the full PEM chain (the mark certificate first, then its intermediates) of a VMC or CMC issued for ${domain}, whose embedded logo is the SVG at l=.`,
          ...(certificate.subject ? { evidence: certificate.subject } : {}),
          refs: ['draft-brand-indicators-for-message-identification §4.3', 'draft-fetch-validation-vmc-wchuang'],
        }),
      );
    }
  }
  return done(check);
}
