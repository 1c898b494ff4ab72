import { describe, expect, it } from 'vitest';
import { isOAuth2, secretVariable } from '../../electron/shared/mail-login';
import { validateSeed, seedSecretsFromEnv, SeedError } from '../../electron/core/placement/seeds';
import { ProfileError, secretsFromEnv, validateProfile } from '../../electron/core/send/profile';

const profile = (auth: unknown) => ({ name: 'p', host: 'smtp.example.com', port: 587, security: 'starttls', from: 'me@example.com', auth });
const seed = (auth: unknown) => ({ name: 's', address: 'me@example.com', provider: 'other', host: 'imap.example.com', port: 993, security: 'tls', auth });

describe('logins: password or OAuth2 token, from a variable or the app’s secret store', () => {
  it('tells the kinds apart and names the variable when there is one', () => {
    expect([isOAuth2({ user: 'u' }), isOAuth2({ user: 'u', passwordEnv: 'P' }), isOAuth2({ user: 'u', oauth2TokenEnv: 'T' }), isOAuth2({ user: 'u', oauth2: true })]).toEqual([false, false, true, true]);
    expect([secretVariable({ user: 'u' }), secretVariable({ user: 'u', passwordEnv: 'P' }), secretVariable({ user: 'u', oauth2TokenEnv: 'T' }), secretVariable({ user: 'u', oauth2: true })]).toEqual([undefined, 'P', 'T', undefined]);
  });

  it('accepts { user, oauth2: true } in profiles and seeds, and refuses it beside a password variable', () => {
    expect(validateProfile(profile({ user: 'u', oauth2: true })).profile.auth).toEqual({ user: 'u', oauth2: true });
    expect(validateSeed(seed({ user: 'u', oauth2: true })).seed.auth).toEqual({ user: 'u', oauth2: true });
    // A named variable wins over the flag: the token comes from it.
    expect(validateProfile(profile({ user: 'u', oauth2: true, oauth2TokenEnv: 'T' })).profile.auth).toEqual({ user: 'u', oauth2TokenEnv: 'T' });
    expect(() => validateProfile(profile({ user: 'u', oauth2: true, passwordEnv: 'P' }))).toThrow(/OAuth2 token \(oauth2\) or a password \(passwordEnv\), not both/);
    expect(() => validateSeed(seed({ user: 'u', oauth2: 'yes' }))).toThrow(/"oauth2" must be true or false/);
    // oauth2: false is a plain password login.
    expect(validateSeed(seed({ user: 'u', oauth2: false })).seed.auth).toEqual({ user: 'u' });
  });

  it('tells the CLI where a token kept in the app lives, and which field to use instead', () => {
    const p = validateProfile(profile({ user: 'u', oauth2: true })).profile;
    expect(() => secretsFromEnv(p, {})).toThrow(ProfileError);
    expect(() => secretsFromEnv(p, {})).toThrow(/kept in the desktop app's secret store.*auth\.oauth2TokenEnv/);
    const s = validateSeed(seed({ user: 'u', oauth2: true })).seed;
    expect(() => seedSecretsFromEnv(s, {})).toThrow(SeedError);
    expect(seedSecretsFromEnv(validateSeed(seed({ user: 'u', oauth2TokenEnv: 'T' })).seed, { T: 'ya29' })).toEqual({ oauth2Token: 'ya29' });
  });
});
