/**
 * SPF record parsing to RFC 7208 §4.6 and §12 (ABNF). Pure: no DNS.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { SpfTerm } from './types';

const QUALIFIERS = new Set(['+', '-', '~', '?']);
// RFC 7208 §4.6.4: the terms that cause DNS queries.
const LOOKUP_MECHANISMS = new Set(['include', 'a', 'mx', 'ptr', 'exists']);
const MECHANISMS = new Set(['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists']);
const MODIFIER_NAME = /^[a-z][a-z0-9_.-]*$/i;

/** RFC 7208 §4.5: a record starts with "v=spf1" followed by a space or the end. */
export function isSpfRecord(txt: string): boolean {
  return /^v=spf1( |$)/i.test(txt);
}

/** RFC 7208 §7.1 macro-string, allowing c, r and t only where `exp` text is expanded. */
function macroError(value: string, inExp: boolean): string | null {
  const letters = inExp ? 'slodiphcrtv' : 'slodiphv';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    const code = ch.charCodeAt(0);
    if (ch !== '%') {
      if (code < 0x21 || code > 0x7e) return `character ${JSON.stringify(ch)} is not allowed`;
      continue;
    }
    const next = value[i + 1];
    if (next === '%' || next === '_' || next === '-') {
      i++;
      continue;
    }
    if (next !== '{') return 'a "%" must start a macro like %{d}, or be written %%';
    const end = value.indexOf('}', i);
    if (end < 0) return 'a macro is not closed with "}"';
    const body = value.slice(i + 2, end);
    if (!new RegExp(`^[${letters}]\\d*r?[.+,/_=-]*$`, 'i').test(body)) return `invalid macro %{${body}}`;
    i = end;
  }
  return null;
}

const hasMacro = (value: string) => /%\{/.test(value);

/** RFC 7208 §7.1 domain-spec: a macro-string ending in a top label or a macro. */
function domainSpecError(spec: string): string | null {
  if (spec === '') return 'a domain is required';
  const macro = macroError(spec, false);
  if (macro) return macro;
  if (/%\{[^}]*\}$/.test(spec)) return null;
  const trimmed = spec.endsWith('.') ? spec.slice(0, -1) : spec;
  const labels = trimmed.split('.');
  const top = labels[labels.length - 1] ?? '';
  if (labels.length < 2 || !/^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i.test(top)) {
    return `"${spec}" is not a domain name (it needs a dot and a top-level label with a letter)`;
  }
  if (labels.some((l) => l === '' && !hasMacro(spec))) return `"${spec}" has an empty label`;
  return null;
}

const CIDR_NUMBER = /^(0|[1-9]\d*)$/;

function cidrError(text: string | undefined, max: number): string | null {
  if (text === undefined) return null;
  if (!CIDR_NUMBER.test(text) || Number(text) > max) return `/${text} is not a prefix length from 0 to ${max}`;
  return null;
}

/** Splits `domain/24//64` into its domain-spec and the two prefix lengths. */
function splitDualCidr(arg: string): { spec: string; v4?: string; v6?: string } {
  const m = /^(.*?)(?:\/(\d*))?(?:\/\/(\d*))?$/.exec(arg) as RegExpExecArray;
  return { spec: m[1] as string, ...(m[2] !== undefined ? { v4: m[2] } : {}), ...(m[3] !== undefined ? { v6: m[3] } : {}) };
}

export function parseSpfTerm(text: string): SpfTerm {
  const base = { text, lookup: false, macro: hasMacro(text) };
  const eq = text.indexOf('=');
  const colonOrSlash = text.search(/[:/]/);
  if (eq > 0 && (colonOrSlash < 0 || eq < colonOrSlash)) {
    const name = text.slice(0, eq).toLowerCase();
    const value = text.slice(eq + 1);
    if (!MODIFIER_NAME.test(name)) return { ...base, kind: 'invalid', name, value, error: `"${name}" is not a valid modifier name` };
    const isExp = name === 'exp';
    const err = name === 'redirect' || isExp ? domainSpecError(value) : macroError(value, false);
    return {
      ...base,
      kind: err ? 'invalid' : 'modifier',
      name,
      value,
      lookup: name === 'redirect',
      ...(err ? { error: `${name}=: ${err}` } : {}),
    };
  }

  let rest = text;
  let qualifier: SpfTerm['qualifier'] = '+';
  const first = text[0] ?? '';
  if (QUALIFIERS.has(first)) {
    qualifier = first as SpfTerm['qualifier'];
    rest = text.slice(1);
  }
  const m = /^([a-z0-9]+)(.*)$/i.exec(rest);
  const name = (m?.[1] ?? rest).toLowerCase();
  const tail = m?.[2] ?? '';
  const term: SpfTerm = { ...base, kind: 'mechanism', qualifier, name, lookup: LOOKUP_MECHANISMS.has(name) };
  const invalid = (error: string): SpfTerm => ({ ...term, kind: 'invalid', error });

  if (!MECHANISMS.has(name)) return invalid(`"${name}" is not an SPF mechanism (all, include, a, mx, ptr, ip4, ip6, exists)`);
  if (tail !== '' && !tail.startsWith(':') && !tail.startsWith('/')) return invalid(`unexpected "${tail}" after ${name}`);
  const arg = tail.startsWith(':') ? tail.slice(1) : undefined;
  if (arg !== undefined) term.value = arg;

  switch (name) {
    case 'all':
      return tail === '' ? term : invalid('"all" takes no argument');
    case 'include':
    case 'exists': {
      if (arg === undefined) return invalid(`${name} needs a domain: ${name}:example.com`);
      const err = domainSpecError(arg);
      return err ? invalid(`${name}: ${err}`) : term;
    }
    case 'ptr': {
      if (tail.startsWith('/')) return invalid('ptr takes no prefix length');
      const err = arg === undefined ? null : domainSpecError(arg);
      return err ? invalid(`ptr: ${err}`) : term;
    }
    case 'a':
    case 'mx': {
      const { spec, v4, v6 } = splitDualCidr(arg ?? (tail.startsWith('/') ? tail : ''));
      const specText = arg === undefined ? '' : spec;
      const err =
        (arg !== undefined ? domainSpecError(specText) : null) ?? cidrError(v4, 32) ?? cidrError(v6, 128);
      return err ? invalid(`${name}: ${err}`) : term;
    }
    case 'ip4':
    case 'ip6': {
      if (arg === undefined) return invalid(`${name} needs an address: ${name === 'ip4' ? 'ip4:192.0.2.0/24' : 'ip6:2001:db8::/32'}`);
      const slash = arg.indexOf('/');
      const address = slash < 0 ? arg : arg.slice(0, slash);
      const prefix = slash < 0 ? undefined : arg.slice(slash + 1);
      const valid = name === 'ip4' ? isIPv4(address) : isIPv6(address);
      if (!valid) return invalid(`"${address}" is not an ${name === 'ip4' ? 'IPv4' : 'IPv6'} address`);
      const err = cidrError(prefix, name === 'ip4' ? 32 : 128);
      return err ? invalid(`${name}: ${err}`) : term;
    }
  }
  return term;
}

export interface ParsedSpf {
  terms: SpfTerm[];
  errors: string[];
  lookups: number;
  all: NonNullable<SpfTerm['qualifier']> | null;
}

export function parseSpfRecord(record: string): ParsedSpf {
  const errors: string[] = [];
  if (!isSpfRecord(record)) errors.push('the record does not start with "v=spf1"');
  // RFC 7208 §12: terms are separated by one or more spaces; other whitespace is not allowed.
  const body = record.replace(/^v=spf1/i, '');
  if (/[\t\r\n]/.test(body)) errors.push('terms must be separated by spaces only (a tab or line break was found)');
  const terms = body
    .split(/[ \t\r\n]+/)
    .filter(Boolean)
    .map(parseSpfTerm);
  for (const t of terms) if (t.error) errors.push(`${t.text}: ${t.error}`);
  for (const name of ['redirect', 'exp']) {
    if (terms.filter((t) => t.kind === 'modifier' && t.name === name).length > 1) {
      errors.push(`"${name}=" appears more than once (RFC 7208 §6)`);
    }
  }
  const allTerm = terms.find((t) => t.kind === 'mechanism' && t.name === 'all');
  return {
    terms,
    errors,
    lookups: terms.filter((t) => t.lookup && t.kind !== 'invalid').length,
    all: allTerm ? (allTerm.qualifier ?? '+') : null,
  };
}
