/**
 * MTA-STS check (RFC 8461): the `_mta-sts` TXT record, the HTTPS policy behind it, and whether the
 * policy covers every MX host.
 *
 * A sender that honours an enforce policy refuses to deliver to an MX the policy does not list, so a
 * forgotten backup MX silently loses mail: the MX match is what this check exists for.
 */
import { DnsError } from '../dns/session';
import { HttpsGetError, httpsGet, refusedByOwnNetwork } from '../net/https-get';
import type { AuditContext, CheckOutput } from './context';
import { splitFieldRecord } from './field-record';
import { finding, statusOf } from './finding';
import type { Finding, MtaStsCheck, MtaStsPolicy } from './types';

/** RFC 8461 §3.2: max_age is at most 31557600 seconds (a year). */
export const MAX_AGE_LIMIT = 31_557_600;
/** RFC 8461 §3.3: senders may refuse policy bodies over 64 KB. */
export const POLICY_MAX_BYTES = 64 * 1024;
/** What the fix texts suggest: a week, the low end of RFC 8461 §3.2's "weeks or greater". */
const SUGGESTED_MAX_AGE = 604_800;

// RFC 8461 §3.1 and §3.2 grammar pieces.
const STS_ID = /^[A-Za-z0-9]{1,32}$/;
const EXT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const EXT_VALUE = /^[\x21-\x3a\x3c\x3e-\x7e]+$/;
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const MX_PATTERN = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})+$`, 'i');

export interface StsRecordParse {
  id: string | null;
  /** Each problem in words; empty when the record is valid. */
  errors: string[];
}

/** True for a TXT string a sender would consider (RFC 8461 §3.1: others are discarded). */
export function isStsRecord(txt: string): boolean {
  return /^v=STSv1\s*(;|$)/i.test(txt.trimStart());
}

/**
 * Parses an `_mta-sts` TXT record against RFC 8461 §3.1.
 *
 * sts-text-record = sts-version 1*(*WSP ";" *WSP sts-field) [";"], version first and case-sensitive,
 * id= 1 to 32 letters and digits, other fields extensions that receivers ignore.
 */
export function parseStsRecord(record: string): StsRecordParse {
  const { fields, errors } = splitFieldRecord(record, 'v=STSv1');
  let id: string | null = null;
  let sawId = false;
  for (const { text: field, name, value } of fields) {
    if (name === 'id') {
      if (sawId) {
        errors.push('id= appears more than once');
        continue;
      }
      sawId = true;
      if (STS_ID.test(value)) id = value;
      else errors.push(`the id "${value}" must be 1 to 32 letters and digits (RFC 8461 §3.1)`);
    } else if (name.toLowerCase() === 'id') {
      errors.push(`the field name must be written "id" (found "${name}")`);
    } else if (!EXT_NAME.test(name) || !EXT_VALUE.test(value)) {
      errors.push(`"${field}" is not a valid field`);
    }
  }
  if (!sawId) errors.push('the record has no id= field');
  return { id, errors };
}

export interface StsPolicyParse {
  /** What the body says, when version, mode and max_age could be read; null otherwise. */
  policy: MtaStsPolicy | null;
  /** Problems that make senders reject the policy. */
  errors: string[];
}

/**
 * Parses a policy body against RFC 8461 §3.2.
 *
 * Lines are `key: value`, separated by CRLF or LF; version, mode and max_age are required, mx at
 * least once unless the mode is none; unknown keys are extensions and ignored.
 */
export function parseStsPolicy(body: Buffer | string): StsPolicyParse {
  const errors: string[] = [];
  if (body.length > POLICY_MAX_BYTES) errors.push(`the policy is ${body.length} bytes, over the 64 KB senders accept (RFC 8461 §3.3)`);
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return { policy: null, errors: [...errors, 'the policy is not valid UTF-8 text'] };
    }
  }
  const values: Record<'version' | 'mode' | 'max_age', string | undefined> = { version: undefined, mode: undefined, max_age: undefined };
  const mx: string[] = [];
  // RFC 8461 §3.2: lines end in CRLF or LF; a trailing line end is optional.
  const lines = text.split(/\r?\n/);
  // Bounded: a 64 KB body has at most ~32 k lines, and each error is reported once per kind.
  let reported = 0;
  const problem = (message: string) => {
    if (reported++ < 10) errors.push(message);
  };
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const n = index + 1;
    const colon = raw.indexOf(':');
    if (colon < 1) {
      problem(`line ${n} is not "key: value": ${JSON.stringify(raw.slice(0, 60))}`);
      continue;
    }
    const key = raw.slice(0, colon);
    const value = raw.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (/[\r\0]/.test(value)) {
      problem(`line ${n} holds a stray carriage return or NUL`);
      continue;
    }
    if (key === 'mx') {
      if (MX_PATTERN.test(value)) mx.push(value.toLowerCase());
      else problem(`line ${n}: "${value.slice(0, 80)}" is not a host name or *.-pattern`);
    } else if (key === 'version' || key === 'mode' || key === 'max_age') {
      if (values[key] !== undefined) problem(`line ${n}: ${key} appears more than once`);
      else values[key] = value;
    } else if (!EXT_NAME.test(key)) {
      problem(`line ${n}: "${key.slice(0, 40)}" is not a valid key`);
    }
  }
  if (values.version === undefined) errors.push('the policy has no "version: STSv1" line');
  else if (values.version !== 'STSv1') errors.push(`the version must be STSv1 (found "${values.version}")`);
  const mode = values.mode;
  if (mode === undefined) errors.push('the policy has no mode line (enforce, testing or none)');
  else if (mode !== 'enforce' && mode !== 'testing' && mode !== 'none') errors.push(`the mode must be enforce, testing or none (found "${mode}")`);
  let maxAge: number | null = null;
  if (values.max_age === undefined) errors.push('the policy has no max_age line');
  else if (!/^[0-9]{1,10}$/.test(values.max_age)) errors.push(`max_age must be a whole number of seconds (found "${values.max_age}")`);
  else if (Number(values.max_age) > MAX_AGE_LIMIT) errors.push(`max_age ${values.max_age} is over the maximum of ${MAX_AGE_LIMIT} seconds (RFC 8461 §3.2)`);
  else maxAge = Number(values.max_age);
  if (mx.length === 0 && mode !== 'none' && mode !== undefined) errors.push('the policy lists no mx host');
  const modeOk = mode === 'enforce' || mode === 'testing' || mode === 'none';
  const policy: MtaStsPolicy | null = values.version === 'STSv1' && modeOk && maxAge !== null ? { version: 'STSv1', mode, mx, maxAge } : null;
  return { policy, errors };
}

/**
 * Whether an MX host matches a policy pattern (RFC 8461 §4.1): case-insensitive, and "*." stands
 * for exactly one label, so *.example.com covers mx.example.com but not example.com or a.b.example.com.
 */
export function mxMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return h === p;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

/** A policy id from the clock: digits only, so it is valid (RFC 8461 §3.1) and easy to bump. */
function newId(now: Date): string {
  return now.toISOString().replace(/[^0-9]/g, '').slice(0, 14);
}

/** The policy file as a fix text: LF line ends (RFC 8461 §3.2 allows them), which copy-paste cleanly. */
function policyText(mode: MtaStsPolicy['mode'], mx: readonly string[], maxAge: number): string {
  return ['version: STSv1', `mode: ${mode}`, ...mx.map((h) => `mx: ${h}`), `max_age: ${maxAge}`, ''].join('\n');
}

const REFS = ['RFC 8461 §3.1', 'RFC 8461 §3.2', 'RFC 8461 §3.3'];

export async function checkMtaSts(ctx: AuditContext): Promise<CheckOutput<'mtasts'>> {
  const { domain, dns } = ctx;
  const findings: Finding[] = [];
  const now = ctx.options.now?.() ?? new Date();
  const policyUrl = `https://mta-sts.${domain}/.well-known/mta-sts.txt`;
  const base: MtaStsCheck = { status: 'pass', record: null, id: null, policyUrl: null, policy: null, mxMatch: [] };

  let txt: string[] = [];
  try {
    txt = (await dns.resolveTxt(`_mta-sts.${domain}`)).map((chunks) => chunks.join(''));
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    if (err.code !== 'ENODATA' && err.code !== 'ENOTFOUND') return { check: { ...base, status: 'error', error: err.code }, findings };
  }

  const mxCheck = await ctx.need('mx');
  const mxHosts = mxCheck.nullMx ? [] : mxCheck.hosts.map((h) => h.exchange).filter((h) => h !== '');
  const mxForFix = mxHosts.length > 0 ? mxHosts : [`mx1.${domain}`];
  const stsValue = `v=STSv1; id=${newId(now)}`;
  const txtFix = `_mta-sts.${domain}. TXT "${stsValue}"`;
  // RFC 8461 §3.1: the TXT record only announces the policy; the file at policyUrl must be served first.
  const stsRecord = [{ name: `_mta-sts.${domain}`, type: 'TXT' as const, value: stsValue }];
  const setupFix = (mode: MtaStsPolicy['mode']) =>
    `Publish the TXT record\n  ${txtFix}\nand serve this file at ${policyUrl} (HTTPS with a valid certificate for mta-sts.${domain}, Content-Type: text/plain):\n${policyText(mode, mxForFix, SUGGESTED_MAX_AGE)}`;

  const records = txt.filter(isStsRecord);
  if (records.length === 0) {
    findings.push(
      finding('mtasts.missing', {
        title: 'No MTA-STS policy',
        detail: `${domain} publishes no _mta-sts TXT record, so sending servers cannot require TLS to deliver to it: an attacker on the path can strip STARTTLS and read mail in transit. Start in testing mode, watch the TLS-RPT reports, then switch to enforce.`,
        fix: setupFix('testing'),
        fixRecords: stsRecord,
        refs: REFS,
      }),
    );
    return { check: { ...base, status: statusOf(findings) }, findings };
  }
  if (records.length > 1) {
    findings.push(
      finding('mtasts.syntax', {
        title: `${records.length} MTA-STS records`,
        detail: `_mta-sts.${domain} has ${records.length} records starting with v=STSv1. RFC 8461 §3.1 makes senders treat that as no MTA-STS at all.`,
        fix: `Keep exactly one record:\n  ${txtFix}`,
        evidence: records.join('\n'),
        refs: ['RFC 8461 §3.1'],
      }),
    );
  }
  const record = records[0] as string;
  const parsedRecord = parseStsRecord(record);
  if (records.length === 1 && parsedRecord.errors.length > 0) {
    findings.push(
      finding('mtasts.syntax', {
        title: 'The MTA-STS record does not parse',
        detail: `In _mta-sts.${domain}: ${parsedRecord.errors.join('; ')}. Senders ignore an invalid record (RFC 8461 §3.1), so the policy is not applied.`,
        fix: `Replace it with:\n  ${txtFix}\n(change the id each time the policy file changes)`,
        evidence: record,
        refs: ['RFC 8461 §3.1'],
      }),
    );
  }
  const check: MtaStsCheck = { ...base, record, id: parsedRecord.id, policyUrl };

  // RFC 8461 §3.3: the policy comes over HTTPS; with --skip http only the DNS part can be checked.
  if (ctx.skipped('http')) {
    return { check: { ...check, status: statusOf(findings), fetchSkipped: 'HTTPS fetches are turned off (--skip http): the policy was not checked' }, findings };
  }

  const network = ctx.options.network ?? {};
  let body: Buffer;
  try {
    const res = await httpsGet(policyUrl, {
      dns,
      maxBytes: POLICY_MAX_BYTES,
      followRedirects: false,
      ...(network.httpsPort !== undefined ? { port: network.httpsPort } : {}),
      ...(network.ca ? { ca: network.ca } : {}),
      ...(network.timeoutMs !== undefined ? { timeoutMs: network.timeoutMs } : {}),
    });
    body = res.body;
    check.tls = { version: res.tls.version, cipher: res.tls.cipher, ...(res.tls.validTo ? { validTo: res.tls.validTo } : {}) };
    // RFC 8461 §3.2: the policy is served as text/plain; strict senders discard anything else.
    const type = (res.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type !== 'text/plain') {
      findings.push(
        finding('mtasts.syntax', {
          title: 'The MTA-STS policy is not served as text/plain',
          detail: `${policyUrl} answers with Content-Type "${res.contentType ?? '(none)'}". RFC 8461 §3.2 requires text/plain, and strict senders discard a policy served otherwise.`,
          fix: `Serve ${policyUrl} with the header "Content-Type: text/plain".`,
          refs: ['RFC 8461 §3.2'],
        }),
      );
    }
  } catch (err) {
    if (!(err instanceof HttpsGetError)) throw err;
    if (refusedByOwnNetwork(err)) {
      // What the policy host serves is unknown, not broken: information, no points (types.ts notMeasured).
      // What the DNS record showed was measured and keeps its status when it found something.
      const measured = statusOf(findings);
      const skipped = `not measured: the network this audit ran from refused the HTTPS connection to mta-sts.${domain} (${err.extra.cause})`;
      findings.push(
        finding('mtasts.policy-unreachable', {
          severity: 'info',
          title: 'Not measured: the MTA-STS policy could not be fetched from this network',
          detail: `${policyUrl} could not be fetched: ${err.message}. The refusal came from the network the audit ran from (${err.extra.cause}), not from ${domain}'s policy host, so the policy is not measured and not counted in the score.`,
          fix: 'Run the audit again from a network that allows outbound HTTPS to the policy host.',
          evidence: err.extra.cause ?? err.code,
          refs: ['RFC 8461 §3.3'],
        }),
      );
      const status = measured === 'warn' || measured === 'fail' ? measured : 'skipped';
      return { check: { ...check, status, skipped, notMeasured: true, fetchError: err.message }, findings };
    }
    const reason = unreachableReason(err);
    // Senders never fetch behind an invalid record, so today this costs nothing; it will once the record is fixed.
    const recordBroken = records.length > 1 || parsedRecord.errors.length > 0;
    findings.push(
      finding('mtasts.policy-unreachable', {
        title: `The MTA-STS policy cannot be fetched: ${reason.short}`,
        detail: `${policyUrl} could not be fetched: ${err.message}. ${reason.why ? `${reason.why} ` : ''}Senders that have no cached copy of the policy deliver as if ${domain} had no MTA-STS; those whose cached copy expires keep failing to refresh it.${
          recordBroken ? ' (Senders ignore the record until it is fixed, so this becomes critical only then.)' : ''
        }`,
        fix: reason.fix ?? `Make ${policyUrl} answer 200 with the policy, over HTTPS with a valid certificate for mta-sts.${domain}:\n${policyText('enforce', mxForFix, SUGGESTED_MAX_AGE)}`,
        evidence: err.extra.cause ?? err.code,
        refs: ['RFC 8461 §3.3'],
        ...(recordBroken ? { severity: 'warning' as const } : {}),
      }),
    );
    // A DNS failure means the server was never reached: what it serves is unknown, so the check is an error.
    const status = err.code === 'EDNS' ? 'error' : statusOf(findings);
    return { check: { ...check, status, fetchError: err.message, ...(err.code === 'EDNS' ? { error: err.message } : {}) }, findings };
  }

  const parsed = parseStsPolicy(body);
  check.policy = parsed.policy;
  if (parsed.errors.length > 0) {
    findings.push(
      finding('mtasts.syntax', {
        title: 'The MTA-STS policy file does not parse',
        detail: `${policyUrl}: ${parsed.errors.join('; ')}. Senders discard a policy that does not parse (RFC 8461 §3.2), so ${domain} has no MTA-STS protection in effect.`,
        fix: `Serve exactly this (lines end in CRLF or LF):\n${policyText(parsed.policy?.mode ?? 'testing', mxForFix, parsed.policy?.maxAge || SUGGESTED_MAX_AGE)}`,
        evidence: body.subarray(0, 2048).toString('utf8'),
        refs: ['RFC 8461 §3.2'],
      }),
    );
    return { check: { ...check, status: statusOf(findings) }, findings };
  }
  const policy = parsed.policy as MtaStsPolicy;
  check.mxMatch = mxHosts.map((host) => ({ host, matched: policy.mx.some((p) => mxMatches(host, p)) }));

  if (policy.mode === 'none') {
    findings.push(
      finding('mtasts.missing', {
        title: 'MTA-STS is switched off (mode: none)',
        detail: `The policy at ${policyUrl} has mode none: ${domain} is withdrawing MTA-STS, and senders stop applying it once their cached copy expires.`,
        fix: `If this is not intended, serve:\n${policyText('testing', mxForFix, policy.maxAge || SUGGESTED_MAX_AGE)}\nand change the id in ${txtFix.split(' TXT ')[0]}.`,
        refs: ['RFC 8461 §3.2', 'RFC 8461 §8.3'],
      }),
    );
  } else {
    if (policy.mode === 'testing') {
      findings.push(
        finding('mtasts.testing', {
          title: 'MTA-STS is in testing mode',
          detail: `Senders report TLS failures to ${domain} (via TLS-RPT) but still deliver: the policy does not protect mail yet. Switch to enforce once the reports are clean.`,
          fix: `Serve this at ${policyUrl}:\n${policyText('enforce', mxForFix, policy.maxAge)}\nthen change the id in the TXT record, e.g. ${txtFix}`,
          fixRecords: stsRecord,
          refs: ['RFC 8461 §5'],
        }),
      );
    }
    const missing = check.mxMatch.filter((m) => !m.matched).map((m) => m.host);
    if (missing.length > 0) {
      const enforce = policy.mode === 'enforce';
      findings.push(
        finding('mtasts.mx-mismatch', {
          title: `${missing.length === 1 ? 'An MX host is' : `${missing.length} MX hosts are`} not covered by the MTA-STS policy`,
          detail: `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not matched by any mx: line of the policy (${policy.mx.join(', ') || 'none'}). ${
            enforce
              ? 'In enforce mode, senders refuse to deliver to an MX the policy does not list: mail that would go to it is deferred and eventually bounces.'
              : 'In testing mode senders still deliver, but report each delivery to it as a failure; switching to enforce would make them refuse it.'
          } Note that "*." matches exactly one label (RFC 8461 §4.1).`,
          fix: `Serve this at ${policyUrl}:\n${policyText(policy.mode, mergeMx(policy.mx, mxHosts), policy.maxAge)}\nthen change the id, e.g. ${txtFix}`,
          fixRecords: stsRecord,
          evidence: `MX: ${mxHosts.join(', ')}\npolicy mx: ${policy.mx.join(', ')}`,
          refs: ['RFC 8461 §4.1', 'RFC 8461 §5'],
          ...(enforce ? {} : { severity: 'warning' as const }),
        }),
      );
    }
  }
  // RFC 8461 §4.1: the policy is judged against the MX hosts; when their lookup failed, nobody knows if it covers them.
  if (policy.mode !== 'none' && mxCheck.status === 'error' && mxHosts.length === 0 && !mxCheck.nullMx) {
    const error = `the MX lookup failed (${mxCheck.error ?? 'DNS error'}), so whether the policy covers the MX hosts is unknown`;
    return { check: { ...check, status: 'error', error }, findings };
  }
  return { check: { ...check, status: statusOf(findings) }, findings };
}

/** The policy's patterns that still cover an MX, plus every MX not covered. */
function mergeMx(patterns: readonly string[], hosts: readonly string[]): string[] {
  const kept = patterns.filter((p) => hosts.some((h) => mxMatches(h, p)));
  const uncovered = hosts.filter((h) => !kept.some((p) => mxMatches(h, p)));
  return [...kept, ...uncovered];
}

function unreachableReason(err: HttpsGetError): { short: string; why: string; fix?: string } {
  switch (err.code) {
    case 'ETIMEOUT':
      return { short: 'timeout', why: 'The server did not answer in time.' };
    case 'ECERT':
      return { short: 'TLS certificate error', why: 'RFC 8461 §3.3 requires a certificate that is valid for the mta-sts host and chains to a trusted root, so senders refuse this one.' };
    case 'EREDIRECT':
      return {
        short: `redirect (HTTP ${err.extra.status})`,
        why: 'RFC 8461 §3.3 forbids following redirects for the policy, so senders treat this as no policy.',
        fix: `Serve the policy directly at that URL with status 200, without a redirect${err.extra.location ? ` (today it points to ${err.extra.location})` : ''}.`,
      };
    case 'EHTTP':
      return { short: `HTTP ${err.extra.status}`, why: 'Senders need status 200 with the policy body.' };
    case 'ETOOBIG':
      return { short: 'too large', why: 'Senders may refuse a policy over 64 KB (RFC 8461 §3.3).' };
    case 'ENOTFOUND':
      return { short: 'no address for the policy host', why: 'The mta-sts host must have an A or AAAA record.' };
    case 'ECONNREFUSED':
      return { short: 'connection refused', why: 'Nothing accepts HTTPS connections on the policy host.' };
    default:
      return err.code === 'EDNS'
        ? { short: 'the DNS lookup of its host failed', why: 'Senders whose lookups fail the same way cannot fetch it either.' }
        : { short: 'connection failed', why: '' };
  }
}
