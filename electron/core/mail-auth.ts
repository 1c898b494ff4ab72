/**
 * How an SMTP profile or a seed mailbox logs in, without the secret itself.
 *
 * The auth's shape and the variable its secret is read from are runtime-neutral
 * (electron/shared/secret-variable.ts), so the app shows the name the CLI reads.
 */
import type { MailAuth } from '../shared/secret-variable';

export type { MailAuth } from '../shared/secret-variable';
export { secretVariable } from '../shared/secret-variable';

/** The login uses an OAuth2 access token (XOAUTH2) rather than a password. */
export function isOAuth2(auth: MailAuth): boolean {
  return 'oauth2TokenEnv' in auth || ('oauth2' in auth && auth.oauth2 === true);
}
