/**
 * SMTP TLS reports (RFC 8460 §4): JSON, read into one shape with every field checked.
 */
import { normalizeDomain } from '../../shared/domain-name';
import { MAX_FIELD_CHARS, MAX_TLS_FAILURES, MAX_TLS_POLICIES } from './limits';
import { clip, ReportRefused } from './refusal';
import type { TlsFailureDetail, TlsPolicyResult, TlsReport } from './types';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? clip(v.trim(), MAX_FIELD_CHARS) : null);

function count(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ReportRefused('wrong-schema', `its ${what} is not a whole number`);
  return v;
}

function time(v: unknown, what: string): number {
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw new ReportRefused('wrong-schema', `its date-range ${what} is not an RFC 3339 date-time`);
  return Math.floor(ms / 1000);
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).filter((x): x is string => typeof x === 'string').slice(0, 1000).map((x) => clip(x, MAX_FIELD_CHARS));

function failure(v: unknown, at: string): TlsFailureDetail {
  if (!isObject(v)) throw new ReportRefused('wrong-schema', `${at} is not an object`);
  const resultType = str(v['result-type']);
  if (!resultType) throw new ReportRefused('wrong-schema', `${at} has no result-type`);
  return {
    resultType: resultType.toLowerCase(),
    sendingMtaIp: str(v['sending-mta-ip']),
    receivingMxHostname: str(v['receiving-mx-hostname']),
    receivingMxHelo: str(v['receiving-mx-helo']),
    receivingIp: str(v['receiving-ip']),
    failedSessions: count(v['failed-session-count'], `${at} failed-session-count`),
    additionalInformation: str(v['additional-information']),
    failureReasonCode: str(v['failure-reason-code']),
  };
}

function policy(v: unknown, index: number): TlsPolicyResult {
  const at = `policy ${index}`;
  if (!isObject(v) || !isObject(v.policy)) throw new ReportRefused('wrong-schema', `${at} has no policy object`);
  const p = v.policy;
  const policyType = str(p['policy-type']);
  if (!policyType) throw new ReportRefused('wrong-schema', `${at} has no policy-type`);
  const summary = isObject(v.summary) ? v.summary : {};
  const details = v['failure-details'] === undefined ? [] : v['failure-details'];
  if (!Array.isArray(details)) throw new ReportRefused('wrong-schema', `${at}: failure-details is not a list`);
  if (details.length > MAX_TLS_FAILURES) throw new ReportRefused('too-many-records', `${at} lists more than ${MAX_TLS_FAILURES.toLocaleString('en-US')} failure details`);
  const domain = str(p['policy-domain']);
  return {
    policyType: policyType.toLowerCase(),
    policyDomain: domain ? normalizeDomain(domain) : null,
    policyStrings: list(p['policy-string']),
    mxHosts: list(p['mx-host']),
    successes: count(summary['total-successful-session-count'], `${at} total-successful-session-count`),
    failures: count(summary['total-failure-session-count'], `${at} total-failure-session-count`),
    failureDetails: details.map((d, i) => failure(d, `${at}, failure detail ${i + 1},`)),
  };
}

/** Reads one TLS-RPT report. Throws ReportRefused: not JSON, or JSON that is not an RFC 8460 report. */
export function parseTlsReport(input: string): TlsReport {
  let json: unknown;
  try {
    json = JSON.parse(input);
  } catch (err) {
    throw new ReportRefused('not-json', `it is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(json) || !('policies' in json) || !('report-id' in json)) {
    throw new ReportRefused('wrong-schema', 'it is JSON but not a TLS-RPT report (RFC 8460: organization-name, date-range, report-id, policies)');
  }
  const org = str(json['organization-name']);
  if (!org) throw new ReportRefused('wrong-schema', 'it has no organization-name');
  const reportId = str(json['report-id']);
  if (!reportId) throw new ReportRefused('wrong-schema', 'it has no report-id');
  const range = isObject(json['date-range']) ? json['date-range'] : null;
  if (!range) throw new ReportRefused('wrong-schema', 'it has no date-range');
  const policies = json.policies;
  if (!Array.isArray(policies)) throw new ReportRefused('wrong-schema', 'its policies are not a list');
  if (policies.length > MAX_TLS_POLICIES) throw new ReportRefused('too-many-records', `it lists more than ${MAX_TLS_POLICIES.toLocaleString('en-US')} policies`);
  const begin = time(range['start-datetime'], 'start-datetime');
  const end = time(range['end-datetime'], 'end-datetime');
  if (end < begin) throw new ReportRefused('wrong-schema', 'its date-range ends before it begins');
  return {
    kind: 'tls',
    org,
    reportId,
    contact: str(json['contact-info']),
    begin,
    end,
    policies: policies.map((p, i) => policy(p, i + 1)),
  };
}
