/**
 * SPF check: the domain's record, found, single and well-formed (RFC 7208 §4.5, §4.6).
 */
import { DnsError } from '../dns/session';
import type { AuditContext, CheckOutput } from './context';
import { finding, statusOf } from './finding';
import { isSpfRecord, parseSpfRecord } from './spf-parse';
import type { Finding, SpfCheck } from './types';

export async function checkSpf(ctx: AuditContext): Promise<CheckOutput<'spf'>> {
  const { domain, dns } = ctx;
  const findings: Finding[] = [];
  let txt: string[] = [];
  let error: string | undefined;
  try {
    // RFC 7208 §3.3: a record split into several strings is joined without spaces.
    txt = (await dns.resolveTxt(domain)).map((chunks) => chunks.join(''));
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    error = err.code;
  }
  const empty: SpfCheck = { status: 'pass', record: null, records: [], terms: [], lookups: 0, all: null };

  if (error && error !== 'ENODATA' && error !== 'ENOTFOUND') {
    return { check: { ...empty, status: 'error', error }, findings };
  }
  const records = txt.filter(isSpfRecord);
  if (records.length === 0) {
    findings.push(
      finding('spf.missing', {
        title: 'No SPF record',
        detail: `${domain} has no TXT record starting with "v=spf1". Receivers cannot check which servers may send mail for it, and Gmail and Yahoo require SPF or DKIM from every sender and both from bulk senders.`,
        fix: `Publish one TXT record at ${domain} listing your senders and ending in -all or ~all, for example "v=spf1 include:_spf.your-provider.example -all". If ${domain} sends no mail at all: "v=spf1 -all".`,
        refs: ['RFC 7208 §4.5'],
      }),
    );
    return { check: { ...empty, status: statusOf(findings), records }, findings };
  }
  if (records.length > 1) {
    findings.push(
      finding('spf.multiple', {
        title: `${records.length} SPF records`,
        detail: `${domain} publishes ${records.length} TXT records that start with "v=spf1". RFC 7208 §4.5 makes that a permanent error: every receiver's SPF check fails, whatever the records say.`,
        fix: 'Merge them into one record: keep one "v=spf1", put every mechanism from both in it, and end it with a single "all".',
        evidence: records.join('\n'),
        refs: ['RFC 7208 §4.5'],
      }),
    );
    return { check: { ...empty, status: statusOf(findings), records }, findings };
  }

  const record = records[0] as string;
  const parsed = parseSpfRecord(record);
  if (parsed.errors.length > 0) {
    findings.push(
      finding('spf.syntax', {
        title: 'The SPF record has syntax errors',
        detail: `Receivers treat a malformed record as a permanent error (RFC 7208 §4.6), so SPF fails for all mail from ${domain}. Problems: ${parsed.errors.join('; ')}.`,
        fix: 'Correct the terms listed, for example "ip4:192.0.2.0/24" (no space after the colon), "include:example.com", and end the record with one "-all" or "~all".',
        evidence: record,
        refs: ['RFC 7208 §4.6', 'RFC 7208 §12'],
      }),
    );
  }
  return {
    check: {
      status: statusOf(findings),
      record,
      records,
      terms: parsed.terms,
      lookups: parsed.lookups,
      all: parsed.all,
    },
    findings,
  };
}
