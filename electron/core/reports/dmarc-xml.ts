/**
 * DMARC aggregate reports from XML: RFC 7489 appendix C and the DMARCbis aggregate-reporting schema
 * (RFC 9990, namespace urn:ietf:params:xml:ns:dmarc-2.0), read into one shape.
 *
 * htmlparser2's tokenizer reads the document (xml-tree.ts) once a scan has found it well-formed
 * (xml-shape.ts); fast-xml-parser's validator says what is wrong with one that is not. Entities are
 * never expanded: a document that declares a DOCTYPE or an entity is refused before any parsing (a
 * report needs neither, and "billion laughs" needs both), and the tokenizer decodes none; the five
 * predefined entities and character references are decoded here, in text only.
 */
import { isIP } from 'node:net';
import { XMLValidator } from 'fast-xml-parser';
import { normalizeDomain } from '../../shared/domain-name';
import { normalizeIp } from '../net/ip';
import { MAX_AUTH_PER_RECORD, MAX_FIELD_CHARS, MAX_RECORDS_PER_REPORT } from './limits';
import { clip, ReportRefused } from './refusal';
import { looksWellFormed } from './xml-shape';
import { readTree, type XmlElement } from './xml-tree';
import type { AggregateRecord, AggregateReport, AlignedResult, Disposition, DkimAuthResult, PolicyOverride, PublishedPolicy, SpfAuthResult } from './types';

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The predefined entities and character references (XML 1.0 §4.1, §4.6), nothing else. */
function decodeText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref] as string;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

/** The text of an element, entities decoded, trimmed; '' when it has none (or there is no element). */
const textOf = (element: XmlElement | undefined): string => (element === undefined || element.text === '' ? '' : decodeText(element.text).trim());

/** Children by name, built once per element read (the report's top levels). */
function byTag(element: XmlElement | undefined): Map<string, XmlElement[]> {
  const map = new Map<string, XmlElement[]>();
  for (const child of element?.children ?? []) {
    const list = map.get(child.name);
    if (list) list.push(child);
    else map.set(child.name, [child]);
  }
  return map;
}

/**
 * The first child element named `name`. The per-record reads use this rather than byTag: a
 * record's elements are few, and a search of them costs less than a map of them.
 */
function childOf(element: XmlElement | undefined, name: string): XmlElement | undefined {
  if (element === undefined) return undefined;
  const children = element.children;
  for (let i = 0; i < children.length; i++) if ((children[i] as XmlElement).name === name) return children[i];
  return undefined;
}

/** The child elements named `name`, the first `max` of them. */
function childrenNamed(element: XmlElement | undefined, name: string, max: number): XmlElement[] {
  const out: XmlElement[] = [];
  if (element === undefined) return out;
  for (const child of element.children) {
    if (out.length >= max) break;
    if (child.name === name) out.push(child);
  }
  return out;
}

/** The text of the first child element named `name`. */
const textAt = (element: XmlElement | undefined, name: string) => textOf(childOf(element, name));

/**
 * A domain from a report, lower-case and without a final dot. Plain ASCII names (nearly all) skip
 * the IDNA conversion of normalizeDomain, which is a URL parse and cost a tenth of an import.
 */
function domainOf(text: string): string {
  if (/^[A-Za-z0-9._-]*$/.test(text)) return (text.endsWith('.') ? text.slice(0, -1) : text).toLowerCase();
  return normalizeDomain(text);
}

const first = (map: Map<string, XmlElement[]>, tag: string) => map.get(tag)?.[0];
const text = (map: Map<string, XmlElement[]>, tag: string) => textOf(first(map, tag));
const optional = (value: string): string | null => (value === '' ? null : clip(value, MAX_FIELD_CHARS));

/** An identity field (an org name, a report id): refused rather than cut when it is absurdly long. */
function identity(value: string, what: string): string {
  if (value.length > MAX_FIELD_CHARS) throw new ReportRefused('wrong-schema', `its ${what} is longer than ${MAX_FIELD_CHARS} characters`);
  return value;
}

function timestamp(value: string, what: string): number {
  // Some reporters write fractional seconds; a few write them with a decimal point.
  if (!/^\d{1,12}(\.\d+)?$/.test(value)) throw new ReportRefused('wrong-schema', value === '' ? `it has no date_range ${what}` : `its date_range ${what} "${clip(value, 40)}" is not a Unix time`);
  return Math.floor(Number(value));
}

const DISPOSITIONS = new Set<Disposition>(['none', 'quarantine', 'reject', 'pass']);
const DMARCBIS_NS = /xmlns(?::\w+)?\s*=\s*["']urn:ietf:params:xml:ns:dmarc-2\.0["']/;

/**
 * A report as reporters send it, where it strays from XML in a known way: one reporter wraps the
 * feedback element in an unclosed `<xs:schema>` start tag (parsedmarc strips it too).
 */
function repaired(xml: string): string {
  const head = xml.slice(0, 512);
  const m = /<xs:schema\b[^>]*>/.exec(head);
  if (!m || xml.includes('</xs:schema>')) return xml;
  return xml.slice(0, m.index) + xml.slice(m.index + m[0].length);
}

const SPACE = /\s/;
/** Characters of a namespace prefix as countRecords reads them ([\w.-]). */
const isPrefixChar = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x2d;

/**
 * How many start tags named `record` (with or without a namespace prefix) the text holds, counting
 * no further than `limit + 1`: before parsing, so that the bound costs one search of the text.
 */
function countRecords(xml: string, limit: number): number {
  let n = 0;
  for (let at = xml.indexOf('record'); at > 0 && n <= limit; at = xml.indexOf('record', at + 6)) {
    const after = xml[at + 6];
    if (after !== '>' && (after === undefined || !SPACE.test(after))) continue;
    let open = at - 1;
    if (xml.charCodeAt(open) === 0x3a) {
      // <prefix:record
      open--;
      while (open >= 0 && isPrefixChar(xml.charCodeAt(open))) open--;
      if (open === at - 2) continue;
    }
    if (xml.charCodeAt(open) === 0x3c) n++;
  }
  return n;
}

/** Refuses what must never reach the parser: declarations that define entities. */
export function refuseDeclarations(xml: string): void {
  const m = /<!\s*(DOCTYPE|ENTITY)/i.exec(xml);
  if (m) {
    throw new ReportRefused('doctype', `it declares a ${(m[1] as string).toUpperCase()}, which no report needs: refused unread, so that no entity can expand`);
  }
}

function normalizedIp(value: string, index: number): string {
  // The common case, a plain dotted quad, skips the full parse.
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(value)) return value;
  const ip = isIP(value) !== 0 ? normalizeIp(value) : null;
  if (!ip) throw new ReportRefused('wrong-schema', value === '' ? `record ${index} has no source_ip` : `record ${index}: source_ip "${clip(value, 60)}" is not an IP address`);
  return ip;
}

function aligned(value: string, index: number, what: string): AlignedResult {
  const v = value.toLowerCase();
  if (v === 'pass' || v === 'fail') return v;
  throw new ReportRefused('wrong-schema', value === '' ? `record ${index} has no policy_evaluated ${what}` : `record ${index}: policy_evaluated ${what} "${clip(value, 40)}" is neither pass nor fail`);
}

function readRecord(record: XmlElement, index: number): AggregateRecord {
  const row = childOf(record, 'row');
  const evaluated = childOf(row, 'policy_evaluated');
  const identifiers = childOf(record, 'identifiers');
  const auth = childOf(record, 'auth_results');
  const countText = textAt(row, 'count');
  if (!/^\d{1,10}$/.test(countText)) throw new ReportRefused('wrong-schema', countText === '' ? `record ${index} has no count` : `record ${index}: count "${clip(countText, 40)}" is not a whole number`);
  const dispositionText = textAt(evaluated, 'disposition').toLowerCase();
  if (!DISPOSITIONS.has(dispositionText as Disposition)) {
    throw new ReportRefused('wrong-schema', dispositionText === '' ? `record ${index} has no disposition` : `record ${index}: disposition "${clip(dispositionText, 40)}" is not none, quarantine or reject`);
  }
  const headerFrom = domainOf(textAt(identifiers, 'header_from'));
  if (headerFrom === '') throw new ReportRefused('wrong-schema', `record ${index} has no header_from`);
  const reasons: PolicyOverride[] = [];
  for (const reason of childrenNamed(evaluated, 'reason', MAX_AUTH_PER_RECORD)) {
    const type = textAt(reason, 'type').toLowerCase();
    if (type) reasons.push({ type: clip(type, 100), comment: optional(textAt(reason, 'comment')) });
  }
  const dkimAuth: DkimAuthResult[] = [];
  for (const dkim of childrenNamed(auth, 'dkim', MAX_AUTH_PER_RECORD)) {
    dkimAuth.push({ domain: clip(domainOf(textAt(dkim, 'domain')), 253), selector: optional(textAt(dkim, 'selector')), result: clip(textAt(dkim, 'result').toLowerCase() || 'none', 40) });
  }
  const spfAuth: SpfAuthResult[] = [];
  for (const spf of childrenNamed(auth, 'spf', MAX_AUTH_PER_RECORD)) {
    spfAuth.push({ domain: clip(domainOf(textAt(spf, 'domain')), 253), scope: optional(textAt(spf, 'scope').toLowerCase()), result: clip(textAt(spf, 'result').toLowerCase() || 'none', 40) });
  }
  return {
    sourceIp: normalizedIp(textAt(row, 'source_ip'), index),
    count: Number(countText),
    disposition: dispositionText as Disposition,
    dkim: aligned(textAt(evaluated, 'dkim'), index, 'dkim'),
    spf: aligned(textAt(evaluated, 'spf'), index, 'spf'),
    reasons,
    headerFrom: clip(headerFrom, 253),
    envelopeFrom: optional(domainOf(textAt(identifiers, 'envelope_from'))),
    envelopeTo: optional(domainOf(textAt(identifiers, 'envelope_to'))),
    dkimAuth,
    spfAuth,
  };
}

function readPolicy(node: XmlElement | undefined): PublishedPolicy {
  const p = byTag(node);
  const domain = domainOf(text(p, 'domain'));
  if (domain === '') throw new ReportRefused('wrong-schema', 'its policy_published has no domain');
  if (domain.length > 253 || [...domain].some((c) => c <= ' ' || c === '\u007f' || '/\\<>'.includes(c))) throw new ReportRefused('wrong-schema', `its policy_published domain "${clip(domain, 60)}" is not a domain name`);
  const word = (tag: string) => optional(text(p, tag).toLowerCase());
  const pct = text(p, 'pct');
  return {
    domain,
    adkim: word('adkim'),
    aspf: word('aspf'),
    p: word('p'),
    sp: word('sp'),
    np: word('np'),
    pct: /^\d{1,3}$/.test(pct) ? Math.min(100, Number(pct)) : null,
    testing: word('testing') ?? word('t'),
    fo: word('fo'),
    discoveryMethod: word('discovery_method'),
  };
}

/**
 * Reads one aggregate report. Throws ReportRefused with the reason: a DOCTYPE, more rows than
 * MAX_RECORDS_PER_REPORT, XML that is not well-formed, a root that is not `feedback`, a field the
 * schema requires missing or malformed.
 */
export function parseAggregateXml(input: string): AggregateReport {
  refuseDeclarations(input);
  const records = countRecords(input, MAX_RECORDS_PER_REPORT);
  if (records > MAX_RECORDS_PER_REPORT) {
    throw new ReportRefused('too-many-records', `it holds more than ${MAX_RECORDS_PER_REPORT.toLocaleString('en-US')} records, the most one report may have`);
  }
  const xml = repaired(input);
  if (!looksWellFormed(xml)) {
    const valid = XMLValidator.validate(xml);
    throw new ReportRefused('not-xml', valid === true ? 'it is not well-formed XML' : `it is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  const root = readTree(xml)[0];
  const rootTag = root?.name;
  if (rootTag !== 'feedback') throw new ReportRefused('wrong-schema', `its root element is <${clip(rootTag ?? '', 60)}>, not <feedback>: it is not a DMARC aggregate report`);
  const feedback = byTag(root);
  const metadata = byTag(first(feedback, 'report_metadata'));
  if (!feedback.has('report_metadata')) throw new ReportRefused('wrong-schema', 'it has no report_metadata');
  if (!feedback.has('policy_published')) throw new ReportRefused('wrong-schema', 'it has no policy_published');
  const email = optional(text(metadata, 'email'));
  // An empty org_name (some reporters send one) is named by the domain of the report's address.
  const org = identity(text(metadata, 'org_name') || (email?.includes('@') ? email.slice(email.lastIndexOf('@') + 1).toLowerCase() : ''), 'org_name');
  if (org === '') throw new ReportRefused('wrong-schema', 'it names no reporting organisation (org_name or email)');
  const reportId = identity(text(metadata, 'report_id'), 'report_id');
  if (reportId === '') throw new ReportRefused('wrong-schema', 'it has no report_id');
  const range = byTag(first(metadata, 'date_range'));
  const begin = timestamp(text(range, 'begin'), 'begin');
  const end = timestamp(text(range, 'end'), 'end');
  if (end < begin) throw new ReportRefused('wrong-schema', 'its date_range ends before it begins');
  const policy = readPolicy(first(feedback, 'policy_published'));
  const version = text(feedback, 'version');
  const dmarcbis = DMARCBIS_NS.test(xml.slice(0, 2048)) || version.startsWith('2') || policy.np !== null || policy.discoveryMethod !== null || policy.testing !== null;
  return {
    kind: 'dmarc',
    schema: dmarcbis ? 'dmarcbis' : 'rfc7489',
    org,
    reportId,
    email,
    extraContact: optional(text(metadata, 'extra_contact_info')),
    begin,
    end,
    policy,
    records: (feedback.get('record') ?? []).map((r, i) => readRecord(r, i + 1)),
    errors: (metadata.get('error') ?? []).slice(0, 100).map((e) => clip(textOf(e), MAX_FIELD_CHARS)).filter(Boolean),
  };
}
