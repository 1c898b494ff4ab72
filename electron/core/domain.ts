/**
 * Domain name checks shared by the api schemas and the CLI.
 */
import { domainToASCII } from 'node:url';

/** Lower-cases, drops one trailing dot, and converts an internationalised name to its A-label form. */
export function normalizeDomain(input: string): string {
  let name = input.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  const ascii = domainToASCII(name);
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
