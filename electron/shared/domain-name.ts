/**
 * The one rule for a domain name as a person types it: in the app's forms, on the command line, in
 * a batch list.
 *
 * Runtime-neutral (no Node module, no DOM), so that core, the api schema and the renderer run the
 * same function and refuse the same input with the same words. IDNA goes through the WHATWG URL
 * host parser, which Node and browsers both implement; it is what Node's url.domainToASCII runs.
 */
import selectorCatalog from '../../resources/dkim-selectors.json';

/**
 * The A-label form of a host name (UTS #46 mapping, IPv4 in any spelling rewritten as dotted
 * decimal), or '' when the URL host parser refuses it.
 *
 * The hostname setter stops at the first "/", "?" or "#" and gives up on ":", exactly as Node's
 * domainToASCII does. A refused value leaves the host unchanged; two different starting hosts tell
 * a refusal from a name that maps to the starting host itself.
 */
export function toAsciiHost(name: string): string {
  if (name === '') return '';
  const [a, b] = [new URL('ws://x'), new URL('ws://y')];
  a.hostname = name;
  b.hostname = name;
  return a.hostname === 'x' && b.hostname === 'y' ? '' : a.hostname;
}

const HEX_GROUP = /^[0-9a-f]{1,4}$/i;
// RFC 4291 §2.2 (3): the dotted-decimal tail, each part 0-255 without a leading zero.
const V4_PART = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
// RFC 4007 §11.2: a zone index after "%", as Node's net.isIPv6 accepts it.
const ZONE = /^[0-9a-z.:-]+$/i;

/**
 * An IPv6 address in text form (RFC 4291 §2.2), with an optional zone index: the set of strings
 * Node's net.isIPv6 accepts (pinned by test/unit/domain-name.test.ts).
 */
export function isIPv6(text: string): boolean {
  const zoneAt = text.indexOf('%');
  if (zoneAt !== -1 && !ZONE.test(text.slice(zoneAt + 1))) return false;
  const address = zoneAt === -1 ? text : text.slice(0, zoneAt);
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  // The dotted-decimal tail may only end the address: never before "::" ("1.2.3.4::").
  const quadAllowed = (halves.length === 2 ? tail : head).length > 0;
  const groups = [...head, ...tail];
  let count = 0;
  for (const [i, group] of groups.entries()) {
    if (HEX_GROUP.test(group)) count += 1;
    else if (quadAllowed && i === groups.length - 1 && isDottedQuad(group)) count += 2;
    else return false;
  }
  // "::" stands for one group of zeros or more.
  return halves.length === 2 ? count <= 7 : count === 8;
}

function isDottedQuad(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => V4_PART.test(p));
}

/** Lower-cases, drops one trailing dot, and converts an internationalised name to its A-label form. */
export function normalizeDomain(input: string): string {
  let name = input.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  const ascii = toAsciiHost(name);
  return ascii === '' ? name : ascii;
}

// RFC 1035 §2.3.4: labels of 1-63 octets, names of at most 253 characters in text form.
// Underscores are allowed because audits look at names like _dmarc.example.com.
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** A host name of two or more labels (a bare TLD is not auditable). */
export function isValidDomain(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (labels.length < 2) return false;
  return labels.every((label) => LABEL.test(label));
}

/** The longest DKIM selector the audit tries by itself (resources/dkim-selectors.json). */
const LONGEST_BUILTIN_SELECTOR = Math.max(
  ...selectorCatalog.selectors.map((s) => s.selector.length),
  ...selectorCatalog.providers.flatMap((p) => p.selectors.map((s) => s.length)),
);

/**
 * The longest domain the audit can look up, in octets.
 *
 * RFC 1035 §2.3.4: a name is at most 253 octets as text. The audit asks for names built on the
 * domain, the longest being `<selector>._domainkey.<domain>` (RFC 6376 §3.6.2.1) with the longest
 * built-in selector; `_dmarc.<domain>` (RFC 9989 §4.10) and the others are shorter. A longer domain
 * is refused up front: every such query would fail, and some resolvers let it time out.
 */
export const MAX_AUDITED_DOMAIN = 253 - '._domainkey.'.length - LONGEST_BUILTIN_SELECTOR;

/** `reason` completes "Not a valid domain name: ...", except for an empty input. */
export type DomainInput = { ok: true; domain: string } | { ok: false; reason: string };

/** What an empty input is told. */
export const ENTER_A_DOMAIN = 'Enter a domain';

/** The sentence a refused input is shown with, the same wherever it was typed. */
export function domainRefusal(reason: string): string {
  return reason === ENTER_A_DOMAIN ? reason : `Not a valid domain name: ${reason}`;
}

/** C0 controls, DEL and C1 controls: never part of a name, and never to be dropped silently. */
const isControl = (ch: string) => {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
};

/** The first control character in the text, if any. */
export const firstControl = (text: string): string | undefined => [...text].find(isControl);
// What an ASCII domain name may hold (RFC 1123 §2.1 letters, digits, hyphens; underscores for _dmarc-like names).
const ASCII_OTHER = /[\u0020-\u007e]/g;
const ASCII_ALLOWED = /[a-z0-9._-]/;
// The WHATWG URL host parser reads a name ending in a number (decimal, octal, 0x hex) as IPv4.
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|\d+)$/;

// What to do instead with an address (the CLI's --sending-ip, the app's sending IPs).
const AN_ADDRESS = ': to check an address, give it as a sending IP';

/** `U+000A`, to name a character that cannot be shown. */
export const codePoint = (ch: string) => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * A domain name as typed (in the app, the CLI or a batch file), checked and normalised: or why not.
 *
 * IP literals in any spelling (1.2.3.4, 0x7f.1, 0177.0.0.1, 1.2.3, [1.2.3.4], IPv6) are refused,
 * never rewritten to an address and audited as a name; so are control characters, which the URL
 * parser behind IDNA would otherwise remove without a word.
 */
export function parseDomainInput(input: string): DomainInput {
  const control = firstControl(input);
  if (control !== undefined) return { ok: false, reason: `it contains a control character (${codePoint(control)})` };
  let name = input.trim().toLowerCase();
  if (name === '') return { ok: false, reason: ENTER_A_DOMAIN };
  // RFC 5321 §4.1.3: an address literal in brackets, as in user@[192.0.2.1].
  if (name.startsWith('[') && name.endsWith(']')) return { ok: false, reason: `it is an address literal (${name})${AN_ADDRESS}` };
  if (isIPv6(name)) return { ok: false, reason: `it is an IPv6 address${AN_ADDRESS}` };
  if (name.endsWith('.')) name = name.slice(0, -1);
  const other = [...(name.match(ASCII_OTHER) ?? [])].find((ch) => !ASCII_ALLOWED.test(ch));
  if (other) return { ok: false, reason: `"${other}" cannot appear in a domain name` };

  // IDNA maps full-width digits and dots too, so the mapped form is checked as well as the typed one.
  const ascii = toAsciiHost(name);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ascii)) {
    return { ok: false, reason: `it is an IPv4 address${ascii === name ? '' : ` (${ascii} written another way)`}${AN_ADDRESS}` };
  }
  const last = [name, ascii].map((n) => n.split('.').pop() ?? '').find((l) => NUMERIC_LABEL.test(l));
  if (last !== undefined) {
    return { ok: false, reason: `its last label "${last}" is a number, and top-level domains never are (RFC 3696 §2)` };
  }

  if (ascii === '' && [...name].some((ch) => (ch.codePointAt(0) ?? 0) > 0x7f)) return { ok: false, reason: 'it is not a valid internationalised domain name (IDNA, RFC 5891)' };
  const domain = ascii === '' ? name : ascii;
  const parts = domain.split('.');
  if (parts.length < 2) return { ok: false, reason: 'a domain name needs at least two labels, like example.com' };
  if (parts.some((l) => l === '')) return { ok: false, reason: 'it has an empty label (two dots in a row, or a dot at the start)' };
  const long = parts.find((l) => l.length > 63);
  if (long) return { ok: false, reason: `the label "${long.slice(0, 20)}..." is longer than 63 characters (RFC 1035 §2.3.4)` };
  if (parts.some((l) => l.startsWith('-') || l.endsWith('-'))) return { ok: false, reason: 'a label cannot start or end with a hyphen (RFC 1123 §2.1)' };
  if (!isValidDomain(domain)) return { ok: false, reason: 'it has characters a domain name cannot hold' };
  if (domain.length > MAX_AUDITED_DOMAIN) {
    return {
      ok: false,
      reason: `it is ${domain.length} characters long: the longest the audit can look up is ${MAX_AUDITED_DOMAIN}, so that <selector>._domainkey.<domain> fits in the 253 a DNS name may have (RFC 1035 §2.3.4)`,
    };
  }
  return { ok: true, domain };
}
