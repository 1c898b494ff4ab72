/**
 * What may go into a report file, which leaves the machine: never a credential.
 *
 * Stored results hold none by design (sends and IMAP errors are scrubbed when made), but a report is
 * handed to clients, so it drops every field that names or holds a secret wherever it sits, and the
 * SMTP transcript (where a login's AUTH lines were), rather than trusting every producer to scrub.
 */

/** Keys that hold a secret, name its variable, or carry a login exchange. */
const SECRET_KEYS = new Set(['password', 'passwordenv', 'oauth2token', 'oauth2tokenenv', 'secret', 'secrets', 'privatekey', 'privatekeyenv', 'privatekeypem', 'spamhausdqskey', 'apitoken', 'transcript']);

/** A login (MailAuth: user plus a password, a token variable or the OAuth2 flag), as opposed to a message's authentication results. */
const isLogin = (key: string, value: unknown): boolean => key === 'auth' && typeof value === 'object' && value !== null && typeof (value as { user?: unknown }).user === 'string';

/** A deep copy of `value` without any secret-bearing field. */
export function withoutSecrets<T>(value: T): T {
  return strip(value) as T;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_KEYS.has(key.toLowerCase()) || isLogin(key, v)) continue;
    out[key] = strip(v);
  }
  return out;
}
