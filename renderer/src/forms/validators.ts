/**
 * What the forms check while the user types, in the words shown beside each field.
 *
 * The api checks the same again (electron/api/operations.ts); checking here first lets every
 * problem show at once, beside its field, before anything is sent. Pure: unit-tested in
 * test/unit/renderer-forms.test.ts.
 */

import { domainRefusal, ENTER_A_DOMAIN, parseDomainInput } from '../../../electron/shared/domain-name';

// RFC 1035 §2.3.4: labels of 1-63 octets; underscores allowed, as audits look at names like _dmarc.
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** The A-label form of a typed name (lower-cased, one trailing dot dropped), or null when it is not a host name. */
function asciiName(input: string): string | null {
  let name = input.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '' || /[\s/@:?#[\]]/.test(name)) return null;
  try {
    // The URL parser applies IDNA (UTS #46), as the api's domainToASCII does.
    return new URL(`http://${name}/`).hostname;
  } catch {
    return null;
  }
}

/**
 * A domain as audit.run and dkim.generate take it: the one rule the api, the CLI and Batch apply
 * (electron/shared/domain-name.ts), with the same reason, so a form and a batch list never disagree.
 */
export function domainProblem(input: string, { required = true }: { required?: boolean } = {}): string | undefined {
  if (input.trim() === '') return required ? ENTER_A_DOMAIN : undefined;
  const parsed = parseDomainInput(input);
  return parsed.ok ? undefined : domainRefusal(parsed.reason);
}

/** A host name or an IP address, for a mail server. */
export function hostProblem(input: string): string | undefined {
  const host = input.trim();
  if (host === '') return 'Enter the server’s host name';
  if (isIp(host)) return undefined;
  if (/\s|[/@]/.test(host)) return 'A host name or IP address, without spaces, / or @';
  const name = asciiName(host);
  if (!name || !name.split('.').every((l) => LABEL.test(l))) return 'Not a valid host name';
  return undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIp(input: string): boolean {
  const value = input.trim();
  if (IPV4.test(value)) return true;
  if (!value.includes(':') || /[^0-9a-f:.]/i.test(value)) return false;
  try {
    new URL(`http://[${value}]/`);
    return true;
  } catch {
    return false;
  }
}

export function ipProblem(input: string, { required = false }: { required?: boolean } = {}): string | undefined {
  if (input.trim() === '') return required ? 'Enter an IP address' : undefined;
  return isIp(input) ? undefined : 'Not an IPv4 or IPv6 address';
}

/** Items of a list typed with commas or spaces. */
export function listItems(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Every item that is not an IP address, named. */
export function ipListProblem(text: string): string | undefined {
  const bad = listItems(text).filter((item) => !isIp(item));
  if (bad.length === 0) return undefined;
  return `Not ${bad.length === 1 ? 'an IP address' : 'IP addresses'}: ${bad.join(', ')}`;
}

const SELECTOR = /^[a-z0-9_]([a-z0-9_.-]{0,61}[a-z0-9_])?$/;

export function selectorProblem(input: string, { required = true }: { required?: boolean } = {}): string | undefined {
  const value = input.trim().toLowerCase();
  if (value === '') return required ? 'Enter a selector' : undefined;
  return SELECTOR.test(value) ? undefined : 'A DKIM selector is a DNS label like "s1" or "google"';
}

/** Every item that is not a selector, named. */
export function selectorListProblem(text: string): string | undefined {
  const bad = listItems(text).filter((item) => selectorProblem(item) !== undefined);
  if (bad.length === 0) return undefined;
  // The api's words for the same refusal (SettingsSchema), with the items that are not selectors.
  return `List DKIM selectors separated by commas, like "s1, google" (not ${bad.length === 1 ? 'a selector' : 'selectors'}: ${bad.join(', ')})`;
}

const BARE_ADDRESS = /^[^@\s<>]+@[^@\s<>]+$/;
const DOTTED_ADDRESS = /^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/;

/** A bare address, name@example.com. */
export function addressProblem(input: string, { required = true, dotted = false }: { required?: boolean; dotted?: boolean } = {}): string | undefined {
  const value = input.trim();
  if (value === '') return required ? 'Enter an address' : undefined;
  return (dotted ? DOTTED_ADDRESS : BARE_ADDRESS).test(value) ? undefined : 'An address looks like name@example.com';
}

/** A From value: an address, or Name <address>. */
export function fromProblem(input: string): string | undefined {
  const value = input.trim();
  if (value === '') return 'Enter the From address';
  return /@[^@\s>]+>?\s*$/.test(value) ? undefined : 'An address, or Name <address>: like News <news@example.com>';
}

/** Recipients, one problem naming every address that is not one. */
export function recipientsProblem(addresses: readonly string[]): string | undefined {
  if (addresses.length === 0) return 'Add a recipient';
  if (addresses.length > 100) return `At most 100 recipients (${addresses.length} given)`;
  const bad = addresses.filter((a) => !BARE_ADDRESS.test(a));
  if (bad.length === 0) return undefined;
  return `Not ${bad.length === 1 ? 'an address' : 'addresses'}: ${bad.join(', ')} (an address looks like name@example.com)`;
}

export function portProblem(input: number | string): string | undefined {
  if (input === '' || input === undefined) return 'Enter a port';
  const port = typeof input === 'number' ? input : Number(input);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : 'A port is a whole number from 1 to 65535';
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables the app and serve may read secrets from (electron/api/handlers-mail.ts ENV_PREFIX). */
export const ENV_PREFIX = 'DELIVERLAB_';

export function variableProblem(input: string): string | undefined {
  const value = input.trim();
  if (value === '') return 'Name the environment variable that holds the secret';
  if (!ENV_NAME.test(value)) return 'A variable name is letters, digits and _, like DELIVERLAB_SMTP_PASSWORD';
  if (!value.startsWith(ENV_PREFIX)) return `Deliverlab reads secrets only from variables whose names start with ${ENV_PREFIX}`;
  return undefined;
}

export function requiredText(input: string, message: string): string | undefined {
  return input.trim() === '' ? message : undefined;
}

/** The fields of a form that have a problem. */
export type FieldErrors<K extends string> = Partial<Record<K, string>>;

/** The entries that are set: the form may be sent when this is empty. */
export function problemsOf<K extends string>(errors: FieldErrors<K>): [K, string][] {
  return (Object.entries(errors) as [K, string | undefined][]).filter((e): e is [K, string] => typeof e[1] === 'string');
}
