/**
 * What SMTP profiles and seed mailboxes share: field readers for their validators, and reading a
 * login's secret from the environment.
 *
 * Both read hand-written JSON and must say which field is wrong, each with its own error class
 * (ProfileError, SeedError) so callers can tell a bad profile from a bad seed file; every helper
 * here throws the class the caller passes.
 */
import type { MailAuth } from './types';

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** text, envName and mailAuth readers that throw `Refusal` with the field's name and the problem. */
export function fieldReaders(Refusal: new (message: string) => Error) {
  function text(obj: Record<string, unknown>, key: string, where: string, required: true): string;
  function text(obj: Record<string, unknown>, key: string, where: string, required: false): string | undefined;
  function text(obj: Record<string, unknown>, key: string, where: string, required: boolean): string | undefined {
    const v = obj[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.trim() === '') throw new Refusal(`${where}: "${key}" must be a non-empty string`);
    return v.trim();
  }

  function envName(obj: Record<string, unknown>, key: string, where: string): string | undefined {
    const v = text(obj, key, where, false);
    if (v !== undefined && !ENV_NAME.test(v)) throw new Refusal(`${where}: "${key}" must name an environment variable (letters, digits, _), not "${v}"`);
    return v;
  }

  /** An auth object: user plus at most one of passwordEnv, oauth2TokenEnv or oauth2 (a stored token). */
  function mailAuth(obj: Record<string, unknown>, where: string): MailAuth {
    const user = text(obj, 'user', `${where} auth`, true);
    const passwordEnv = envName(obj, 'passwordEnv', `${where} auth`);
    const oauth2TokenEnv = envName(obj, 'oauth2TokenEnv', `${where} auth`);
    if (passwordEnv && oauth2TokenEnv) throw new Refusal(`${where}: auth takes either passwordEnv or oauth2TokenEnv, not both`);
    const oauth2 = obj.oauth2;
    if (oauth2 !== undefined && typeof oauth2 !== 'boolean') throw new Refusal(`${where} auth: "oauth2" must be true or false`);
    if (oauth2 === true && passwordEnv) throw new Refusal(`${where}: auth takes an OAuth2 token (oauth2) or a password (passwordEnv), not both`);
    return oauth2TokenEnv ? { user, oauth2TokenEnv } : passwordEnv ? { user, passwordEnv } : oauth2 === true ? { user, oauth2: true } : { user };
  }

  return { text, envName, mailAuth };
}

/**
 * A login's password or OAuth2 token from the variable its auth names (or `defaultVariable`).
 *
 * Throws naming the variable when it is unset, and when the token lives only in the desktop app's
 * secret store, which the CLI cannot read.
 */
export function secretsFromEnvFor(auth: MailAuth, where: string, defaultVariable: string, env: NodeJS.ProcessEnv, Refusal: new (message: string) => Error): { password?: string; oauth2Token?: string } {
  if ('oauth2TokenEnv' in auth) {
    const token = env[auth.oauth2TokenEnv];
    if (!token) throw new Refusal(`${where}: the OAuth2 access token for ${auth.user} is read from $${auth.oauth2TokenEnv}, which is not set`);
    return { oauth2Token: token };
  }
  if ('oauth2' in auth) {
    throw new Refusal(`${where}: the OAuth2 access token for ${auth.user} is kept in the desktop app's secret store; here, name the variable that holds it in auth.oauth2TokenEnv`);
  }
  const variable = auth.passwordEnv ?? defaultVariable;
  const password = env[variable];
  if (!password) throw new Refusal(`${where}: the password for ${auth.user} is read from $${variable}, which is not set`);
  return { password };
}
