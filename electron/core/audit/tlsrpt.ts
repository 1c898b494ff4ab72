/**
 * TLS-RPT check (RFC 8460): the `_smtp._tls` TXT record that tells senders where to report TLS
 * delivery failures. Without it, a broken MTA-STS policy or certificate fails silently.
 */
import { DnsError } from '../dns/session';
import type { AuditContext, CheckOutput } from './context';
import { splitFieldRecord } from './field-record';
import { finding, statusOf } from './finding';
import type { Finding } from './types';

export interface TlsRptParse {
  rua: string[];
  errors: string[];
}

const EXT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const EXT_VALUE = /^[\x21-\x3a\x3c\x3e-\x7e]+$/;

/** True for a TXT string a sender would consider (RFC 8460 §3: others are discarded). */
export function isTlsRptRecord(txt: string): boolean {
  return /^v=TLSRPTv1\s*(;|$)/i.test(txt.trimStart());
}

/** Whether one rua URI is a usable mailto: or https: destination (RFC 8460 §3). */
function uriProblem(uri: string): string | null {
  if (/^mailto:/i.test(uri)) {
    // Commas separate URIs, so an address cannot hold one; the local part and domain are required.
    let address: string;
    try {
      address = decodeURIComponent(uri.slice(7).split('?')[0] ?? '');
    } catch {
      return `"${uri}" has a broken %-escape`;
    }
    return /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(address)
      ? null
      : `"${uri}" is not a valid mailto: address`;
  }
  if (/^https:/i.test(uri)) {
    try {
      const url = new URL(uri);
      return url.hostname ? null : `"${uri}" has no host`;
    } catch {
      return `"${uri}" is not a valid https: URL`;
    }
  }
  return `"${uri}" must be a mailto: or https: URI (RFC 8460 §3)`;
}

/**
 * Parses a TLS-RPT record against RFC 8460 §3: "v=TLSRPTv1" first (case-sensitive), then fields
 * separated by ";", exactly one rua= holding comma-separated mailto: or https: URIs.
 */
export function parseTlsRptRecord(record: string): TlsRptParse {
  const { fields, errors } = splitFieldRecord(record, 'v=TLSRPTv1');
  const rua: string[] = [];
  let sawRua = false;
  for (const { text: field, name: rawName, value: rawValue } of fields) {
    const name = rawName.trim();
    const value = rawValue.trim();
    if (name === 'rua') {
      if (sawRua) {
        errors.push('rua= appears more than once');
        continue;
      }
      sawRua = true;
      for (const uri of value.split(',').map((u) => u.trim())) {
        if (uri === '') {
          errors.push('rua= has an empty entry');
          continue;
        }
        const problem = uriProblem(uri);
        if (problem) errors.push(problem);
        else rua.push(uri);
      }
    } else if (name.toLowerCase() === 'rua') {
      errors.push(`the field name must be written "rua" (found "${name}")`);
    } else if (!EXT_NAME.test(name) || !EXT_VALUE.test(value)) {
      errors.push(`"${field}" is not a valid field`);
    }
  }
  if (!sawRua) errors.push('the record has no rua= field');
  return { rua, errors };
}

export async function checkTlsRpt(ctx: AuditContext): Promise<CheckOutput<'tlsrpt'>> {
  const { domain, dns } = ctx;
  const findings: Finding[] = [];
  const name = `_smtp._tls.${domain}`;
  const suggested = `${name}. TXT "v=TLSRPTv1; rua=mailto:tls-reports@${domain}"`;
  let txt: string[] = [];
  try {
    txt = (await dns.resolveTxt(name)).map((chunks) => chunks.join(''));
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    if (err.code !== 'ENODATA' && err.code !== 'ENOTFOUND') return { check: { status: 'error', error: err.code, record: null, rua: [] }, findings };
  }
  const records = txt.filter(isTlsRptRecord);
  if (records.length === 0) {
    findings.push(
      finding('tlsrpt.missing', {
        title: 'No TLS-RPT record',
        detail: `${domain} publishes no ${name} record, so nobody is told when senders fail to deliver to it over TLS: an expired MX certificate or a wrong MTA-STS policy goes unnoticed until mail is lost. Reports come as daily JSON files (RFC 8460 §4).`,
        fix: suggested,
        fixRecords: [{ name, type: 'TXT', value: `v=TLSRPTv1; rua=mailto:tls-reports@${domain}` }],
        refs: ['RFC 8460 §3'],
      }),
    );
    return { check: { status: statusOf(findings), record: null, rua: [] }, findings };
  }
  if (records.length > 1) {
    findings.push(
      finding('tlsrpt.syntax', {
        title: `${records.length} TLS-RPT records`,
        detail: `${name} has ${records.length} records starting with v=TLSRPTv1. RFC 8460 §3 makes senders treat that as no TLS-RPT: no reports are sent.`,
        fix: `Keep exactly one record, for example:\n  ${suggested}`,
        evidence: records.join('\n'),
        refs: ['RFC 8460 §3'],
      }),
    );
  }
  const record = records[0] as string;
  const parsed = parseTlsRptRecord(record);
  if (records.length === 1 && parsed.errors.length > 0) {
    const keep = parsed.rua.length > 0 ? parsed.rua.join(',') : `mailto:tls-reports@${domain}`;
    findings.push(
      finding('tlsrpt.syntax', {
        title: 'The TLS-RPT record does not parse',
        detail: `In ${name}: ${parsed.errors.join('; ')}. Senders discard an invalid record, so no TLS reports reach ${domain}.`,
        fix: `${name}. TXT "v=TLSRPTv1; rua=${keep}"`,
        evidence: record,
        refs: ['RFC 8460 §3'],
      }),
    );
  }
  return { check: { status: statusOf(findings), record, rua: parsed.rua }, findings };
}
