/**
 * SMTP profiles: where and how a test message is submitted.
 *
 * A profile file holds no secret: the password or OAuth2 access token is read from the environment
 * variable the profile names (DELIVERLAB_SMTP_PASSWORD by default), so a profile can be shared or
 * committed without leaking credentials.
 */
import { fieldReaders, isObject, secretsFromEnvFor } from '../profile-seed-fields';
import type { DkimProfile, SmtpAuth, SmtpProfile } from './types';

/** Credentials for one send, taken from the environment and never written anywhere. */
export interface SmtpSecrets {
  password?: string;
  oauth2Token?: string;
}

export const DEFAULT_PASSWORD_ENV = 'DELIVERLAB_SMTP_PASSWORD';

export class ProfileError extends Error {
  override name = 'ProfileError';
}

export interface ProfileCheck {
  profile: SmtpProfile;
  warnings: string[];
}

// Secrets must not sit in the file: refuse the keys people would naturally use for them.
const SECRET_KEYS = ['password', 'pass', 'token', 'accessToken', 'oauth2Token', 'secret'];
const KEY_KEYS = ['privateKey', 'key', 'pem', 'privateKeyPem', ...SECRET_KEYS];
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
// RFC 6376 §3.1: a selector is one or more sub-domain labels (letters, digits, hyphens, dots between).
const SELECTOR = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** A host name as the DNS takes it (RFC 1035 §2.3.1, letters-digits-hyphens labels); lower-cased, trailing dot dropped; undefined when it is not one. */
export function normalizeDomain(input: string): string | undefined {
  const d = input.trim().replace(/\.$/, '').toLowerCase();
  if (d.length === 0 || d.length > 253 || !d.includes('.') || !d.split('.').every((l) => LABEL.test(l))) return undefined;
  return d;
}

/** A DKIM selector (RFC 6376 §3.1), lower-cased; undefined when it is not one. */
export function normalizeSelector(input: string): string | undefined {
  const s = input.trim().toLowerCase();
  return s.length > 0 && s.length <= 253 && SELECTOR.test(s) ? s : undefined;
}

const { text, envName, mailAuth } = fieldReaders(ProfileError);

/** Checks one profile object; throws ProfileError saying which field is wrong. */
export function validateProfile(input: unknown, where = 'profile'): ProfileCheck {
  if (!isObject(input)) throw new ProfileError(`${where}: expected an object`);
  const name = text(input, 'name', where, true);
  where = `profile "${name}"`;
  const host = text(input, 'host', where, true);
  if (/\s|[/@]/.test(host)) throw new ProfileError(`${where}: "host" must be a host name or IP address, not "${host}"`);
  const port = input.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ProfileError(`${where}: "port" must be a whole number from 1 to 65535 (587 for STARTTLS, 465 for implicit TLS), got ${JSON.stringify(port)}`);
  }
  const security = input.security;
  if (security !== 'starttls' && security !== 'tls' && security !== 'none') {
    throw new ProfileError(`${where}: "security" must be "starttls", "tls" or "none", got ${JSON.stringify(security)}`);
  }
  const from = text(input, 'from', where, true);
  if (!/@[^@\s>]+>?\s*$/.test(from)) throw new ProfileError(`${where}: "from" must hold an address (name@domain or "Name <name@domain>"), got "${from}"`);
  const envelopeFrom = text(input, 'envelopeFrom', where, false);
  if (envelopeFrom !== undefined && !/^[^@\s<>]+@[^@\s<>]+$/.test(envelopeFrom)) {
    throw new ProfileError(`${where}: "envelopeFrom" must be a bare address (name@domain), got "${envelopeFrom}"`);
  }
  for (const key of SECRET_KEYS) {
    if (key in input) throw new ProfileError(`${where}: "${key}" is not allowed in a profile file; put the secret in an environment variable and name it in auth.passwordEnv or auth.oauth2TokenEnv`);
  }
  let auth: SmtpAuth | undefined;
  if (input.auth !== undefined) {
    if (!isObject(input.auth)) throw new ProfileError(`${where}: "auth" must be an object { user, passwordEnv? } or { user, oauth2TokenEnv }`);
    for (const key of SECRET_KEYS) {
      if (key in input.auth) throw new ProfileError(`${where}: auth."${key}" is not allowed in a profile file; put the secret in an environment variable and name it in auth.passwordEnv or auth.oauth2TokenEnv`);
    }
    auth = mailAuth(input.auth, where);
  }
  let dkim: DkimProfile | undefined;
  if (input.dkim !== undefined) {
    const dw = `${where} dkim`;
    if (!isObject(input.dkim)) throw new ProfileError(`${where}: "dkim" must be an object { domain, selector, privateKeyEnv }`);
    for (const key of KEY_KEYS) {
      if (key in input.dkim) throw new ProfileError(`${where}: dkim."${key}" is not allowed in a profile file; put the private key in an environment variable and name it in dkim.privateKeyEnv`);
    }
    const rawDomain = text(input.dkim, 'domain', dw, true);
    const domain = normalizeDomain(rawDomain);
    if (!domain) throw new ProfileError(`${dw}: "domain" must be a domain name (the d= of the signature), not "${rawDomain}"`);
    const rawSelector = text(input.dkim, 'selector', dw, true);
    const selector = normalizeSelector(rawSelector);
    if (!selector) throw new ProfileError(`${dw}: "selector" must be letters, digits and hyphens, with dots between labels, not "${rawSelector}"`);
    const privateKeyEnv = envName(input.dkim, 'privateKeyEnv', dw);
    if (!privateKeyEnv) throw new ProfileError(`${dw}: "privateKeyEnv" must name the environment variable that holds the private key (PEM)`);
    dkim = { domain, selector, privateKeyEnv };
  }
  const warnings: string[] = [];
  if (security === 'none') {
    warnings.push(
      auth
        ? `profile "${name}" uses no encryption: the password and the message cross the network in clear text. Use "starttls" (port 587) or "tls" (port 465).`
        : `profile "${name}" uses no encryption: the message crosses the network in clear text. Use "starttls" or "tls" unless this is a local test server.`,
    );
  }
  if ((security === 'tls' && port === 587) || (security === 'starttls' && port === 465)) {
    warnings.push(`profile "${name}": port ${port} usually speaks ${port === 465 ? 'implicit TLS ("tls")' : 'STARTTLS ("starttls")'}, not "${security}"; the connection may hang or fail.`);
  }
  const profile: SmtpProfile = { name, host, port, security, from, ...(auth ? { auth } : {}), ...(envelopeFrom ? { envelopeFrom } : {}), ...(dkim ? { dkim } : {}) };
  return { profile, warnings };
}

/** Parses a profile file's JSON: one profile or a list; picks `name` when given (or the only one). */
export function parseProfileFile(json: string, name?: string): ProfileCheck {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new ProfileError(`the profile file is not valid JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(data) ? data : [data];
  if (list.length === 0) throw new ProfileError('the profile file holds an empty list');
  const checked = list.map((p, i) => validateProfile(p, `profile #${i + 1}`));
  if (name !== undefined) {
    const hit = checked.find((c) => c.profile.name === name);
    if (!hit) throw new ProfileError(`no profile named "${name}"; the file has: ${checked.map((c) => c.profile.name).join(', ')}`);
    return hit;
  }
  if (checked.length > 1) throw new ProfileError(`the file has ${checked.length} profiles (${checked.map((c) => c.profile.name).join(', ')}); choose one with --profile-name`);
  return checked[0] as ProfileCheck;
}

/** Reads the profile's secret from the environment; throws naming the variable when it is unset. */
export function secretsFromEnv(profile: SmtpProfile, env: NodeJS.ProcessEnv = process.env): SmtpSecrets {
  if (!profile.auth) return {};
  return secretsFromEnvFor(profile.auth, `profile "${profile.name}"`, DEFAULT_PASSWORD_ENV, env, ProfileError);
}

/**
 * Reads a DKIM private key (PEM) from an environment variable; throws naming the variable when it is unset.
 *
 * .env files and CI secret stores often hold a PEM on one line with literal "\n" escapes: those are
 * turned back into line breaks so the key parses.
 */
export function dkimKeyFromEnv(variable: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[variable];
  if (!value || value.trim() === '') {
    throw new ProfileError(`the DKIM private key is read from $${variable}, which is not set; set it to the key's PEM text (export ${variable}="$(cat key.pem)")`);
  }
  return !value.includes('\n') && value.includes('\\n') ? value.replace(/(?:\\r)?\\n/g, '\n') : value;
}
