/**
 * What a failed TLS connection means, in words a sender can act on: the certificate is not trusted,
 * names another host or has expired, or the port speaks the other TLS mode (implicit TLS against
 * STARTTLS). Shared by SMTP sends and IMAP seed logins; each protocol names its own fixes.
 */

/** How one protocol names its two TLS modes and its remedies. */
export interface TlsWords {
  /** The STARTTLS mode, as the user sets it: 'plain SMTP with STARTTLS (use "starttls")'. */
  starttlsMode: string;
  /** The implicit-TLS mode: 'implicit TLS (use "tls")'. */
  implicitMode: string;
  /** How to pass a private CA, after "pass its CA certificate" (' (--ca-file)', or ''). */
  caHint: string;
  /** What is configured: 'profile' or 'seed'. */
  owner: string;
  /** Said after a missing STARTTLS (' Use "tls" on port 993, if the server offers it.', or ''). */
  noStarttlsAdvice: string;
}

/** What went wrong, read from the TLS library's message: the certificate's trust, name or date, or the TLS mode. */
export type TlsFailureCause = 'untrusted' | 'name' | 'expired' | 'mode' | 'no-starttls' | 'other';

export function tlsFailureCause(message: string): TlsFailureCause {
  if (/self[- ]signed|UNABLE_TO_VERIFY|unable to verify|unable to get (local )?issuer/i.test(message)) return 'untrusted';
  if (/altnames|Hostname\/IP does not match|ERR_TLS_CERT_ALTNAME_INVALID/i.test(message)) return 'name';
  if (/expired|CERT_HAS_EXPIRED/i.test(message)) return 'expired';
  if (/wrong version number|packet length too long|unknown protocol/i.test(message)) return 'mode';
  if (/STARTTLS/i.test(message)) return 'no-starttls';
  return 'other';
}

/**
 * The TLS library's reason alone, for the app's own sentence: Node 24 appends advice about its own
 * command line ("try running Node.js with --use-system-ca"), which the app cannot follow.
 */
export function tlsFailureDetail(message: string): string {
  return message.replace(/;[^;]*--use-system-ca.*$/s, '');
}

export function explainTlsFailure(message: string, server: { host: string; port: number; security: string }, words: TlsWords): string {
  const cause = tlsFailureCause(message);
  if (cause === 'untrusted') {
    return `The server's certificate is not signed by a certificate authority this machine trusts (${message}). If it is a private or test server, pass its CA certificate${words.caHint}; otherwise the server needs a certificate from a public CA.`;
  }
  if (cause === 'name') {
    return `The server's certificate is for a different name than "${server.host}" (${message}). Connect using the host name the certificate names.`;
  }
  if (cause === 'expired') return `The server's certificate has expired (${message}).`;
  if (cause === 'mode') {
    return `The server did not answer with TLS: port ${server.port} probably speaks ${server.security === 'tls' ? words.starttlsMode : words.implicitMode} (${message}).`;
  }
  if (cause === 'no-starttls') {
    return `The server does not offer STARTTLS on port ${server.port}, and the ${words.owner} requires encryption (${message}).${words.noStarttlsAdvice}`;
  }
  return `TLS with ${server.host}:${server.port} failed: ${message}.`;
}
