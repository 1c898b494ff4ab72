/**
 * SMTP TLS reporting (RFC 8460) in words: policy types and result types as people say them, for the
 * app and the reports alike.
 */

/** A TLS policy type as people say it: MTA-STS, DANE. */
export function tlsPolicyName(type: string): string {
  if (type === 'sts') return 'MTA-STS';
  if (type === 'tlsa') return 'DANE';
  if (type === 'no-policy-found') return 'No policy found';
  return type;
}

/**
 * The result types of RFC 8460 §4.3 in words: the TLS negotiation failures (§4.3.1), and the
 * policy failures of DANE (§4.3.2.1) and MTA-STS (§4.3.2.2).
 */
const TLS_RESULT_TYPES: Record<string, string> = {
  'starttls-not-supported': 'The receiving server does not offer STARTTLS',
  'certificate-host-mismatch': "The certificate does not name the MX host",
  'certificate-expired': 'The certificate has expired',
  'certificate-not-trusted': 'The certificate is not signed by a trusted authority',
  'validation-failure': 'The TLS connection could not be validated (another reason)',
  'tlsa-invalid': 'The DANE TLSA record is not valid',
  'dnssec-invalid': 'The TLSA records did not validate with DNSSEC',
  'dane-required': 'DANE is required, but the MX host has no DNSSEC-validated TLSA records',
  'sts-policy-fetch-error': 'The MTA-STS policy could not be fetched',
  'sts-policy-invalid': 'The MTA-STS policy is not valid',
  'sts-webpki-invalid': "The MTA-STS policy server's certificate is not valid",
};

/** A TLS-RPT failure's result type in words; a type RFC 8460 does not define is the reporter's own. */
export function tlsResultName(type: string): string {
  return Object.hasOwn(TLS_RESULT_TYPES, type) ? (TLS_RESULT_TYPES[type] as string) : "Other failure (the reporter's own type)";
}
