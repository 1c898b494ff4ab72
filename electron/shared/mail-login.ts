/**
 * How an SMTP profile or a seed mailbox logs in: the login's shape, whether it uses OAuth2, and which
 * environment variable its secret is read from.
 *
 * The CLI and serve read a password or an OAuth2 access token from the variable the auth names;
 * the app shows that name beside the profile or seed, so both must read the same field.
 */

/**
 * How an SMTP profile or a seed mailbox logs in, without the secret itself.
 *
 * A password or an OAuth2 access token (SASL XOAUTH2) is read from the environment variable the
 * auth names (the CLI and serve), or, when it names none, from the secret store (the desktop app,
 * Electron safeStorage). `oauth2: true` says "an OAuth2 token, kept in the secret store".
 */
export type MailAuth = { user: string; passwordEnv?: string } | { user: string; oauth2TokenEnv: string } | { user: string; oauth2: true };

/** The environment variable the secret is read from, when the auth names one. */
export function secretVariable(auth: MailAuth): string | undefined {
  if ('oauth2TokenEnv' in auth) return auth.oauth2TokenEnv;
  if ('passwordEnv' in auth) return auth.passwordEnv;
  return undefined;
}

/** The login uses an OAuth2 access token (XOAUTH2) rather than a password. */
export function isOAuth2(auth: MailAuth): boolean {
  return 'oauth2TokenEnv' in auth || ('oauth2' in auth && auth.oauth2 === true);
}
