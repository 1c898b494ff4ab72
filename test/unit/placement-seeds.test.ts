import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAP_PASSWORD_ENV, parseSeedFile, SeedError, seedSecretsFromEnv, validateSeed } from '../../electron/core/placement/seeds';
import { explainImapError } from '../../electron/core/placement/imap';
import { parseHeaderBlock, verdictHeaders } from '../../electron/core/placement/watch';
import type { Seed } from '../../electron/core/placement/types';

const base = {
  name: 'lab-1',
  address: 'seed1@lab.test',
  provider: 'other',
  host: 'imap.lab.test',
  port: 993,
  security: 'tls',
  auth: { user: 'seed1@lab.test', passwordEnv: 'SEED1_PASSWORD' },
};

describe('validateSeed', () => {
  it('accepts a complete seed without warnings', () => {
    const { seed, warnings } = validateSeed(base);
    expect(seed).toEqual(base);
    expect(warnings).toEqual([]);
  });

  it('fills host and port for the big providers, and defaults to implicit TLS', () => {
    const { seed } = validateSeed({ name: 'g', address: 'me@gmail.com', provider: 'gmail', auth: { user: 'me@gmail.com', oauth2TokenEnv: 'GMAIL_TOKEN' } });
    expect(seed).toMatchObject({ host: 'imap.gmail.com', port: 993, security: 'tls', auth: { user: 'me@gmail.com', oauth2TokenEnv: 'GMAIL_TOKEN' } });
    expect(() => validateSeed({ ...base, host: undefined })).toThrow(/"host" must be a non-empty string/);
  });

  it.each([
    [{ ...base, name: '' }, /"name" must be a non-empty string/],
    [{ ...base, address: 'not-an-address' }, /"address" must be a bare address/],
    [{ ...base, provider: 'aol' }, /"provider" must be one of "gmail", "outlook", "yahoo", "icloud", "other"/],
    [{ ...base, port: 70000 }, /"port" must be a whole number from 1 to 65535/],
    [{ ...base, port: '993' }, /"port" must be a whole number/],
    [{ ...base, security: 'ssl' }, /"security" must be "tls", "starttls" or "none"/],
    [{ ...base, host: 'imap.lab.test/x' }, /"host" must be a host name or IP address/],
    [{ ...base, auth: 'seed1' }, /"auth" must be an object/],
    [{ ...base, auth: { passwordEnv: 'X' } }, /auth: "user" must be a non-empty string/],
    [{ ...base, auth: { user: 'u', passwordEnv: 'has space' } }, /must name an environment variable/],
    [{ ...base, auth: { user: 'u', passwordEnv: 'A', oauth2TokenEnv: 'B' } }, /either passwordEnv or oauth2TokenEnv, not both/],
    [{ ...base, folders: { spam: 'Bulk' } }, /folders."spam" is not a folder role; use one of "inbox", "junk"/],
    [{ ...base, folders: { junk: '' } }, /folders."junk" must be a folder path/],
    [{ ...base, folders: ['Junk'] }, /"folders" must be an object/],
    [[base], /expected an object/],
  ])('refuses %j', (input, message) => {
    expect(() => validateSeed(input)).toThrow(SeedError);
    expect(() => validateSeed(input)).toThrow(message);
  });

  it.each(['password', 'pass', 'token', 'accessToken', 'secret'])('refuses a secret under "%s", at the top or in auth', (key) => {
    expect(() => validateSeed({ ...base, [key]: 'x' })).toThrow(/is not allowed in a seed file; put the secret in an environment variable/);
    expect(() => validateSeed({ ...base, auth: { user: 'u', [key]: 'x' } })).toThrow(new RegExp(`auth."${key}" is not allowed in a seed file`));
  });

  it('keeps a valid folders override', () => {
    expect(validateSeed({ ...base, folders: { junk: ' Bulk Mail ', archive: 'Old' } }).seed.folders).toEqual({ junk: 'Bulk Mail', archive: 'Old' });
  });

  it('warns about clear text and a port that speaks the other TLS mode', () => {
    expect(validateSeed({ ...base, security: 'none', port: 143 }).warnings[0]).toMatch(/uses no encryption/);
    expect(validateSeed({ ...base, security: 'starttls', port: 993 }).warnings[0]).toMatch(/port 993 usually speaks implicit TLS/);
    expect(validateSeed({ ...base, security: 'tls', port: 143 }).warnings[0]).toMatch(/port 143 usually speaks STARTTLS/);
  });
});

describe('parseSeedFile', () => {
  it('reads one seed, a list, or { seeds: [...] }', () => {
    expect(parseSeedFile(JSON.stringify(base)).seeds).toHaveLength(1);
    const two = [base, { ...base, name: 'lab-2', address: 'seed2@lab.test', auth: { user: 'seed2@lab.test', passwordEnv: 'SEED2_PASSWORD' } }];
    expect(parseSeedFile(JSON.stringify(two)).seeds.map((s) => s.name)).toEqual(['lab-1', 'lab-2']);
    expect(parseSeedFile(JSON.stringify({ seeds: two })).warnings).toEqual([]);
  });

  it('refuses bad JSON, an empty list and duplicate names, saying which seed', () => {
    expect(() => parseSeedFile('{')).toThrow(/the seed file is not valid JSON/);
    expect(() => parseSeedFile('[]')).toThrow(/empty list/);
    expect(() => parseSeedFile(JSON.stringify([base, base]))).toThrow(/two seeds are named "lab-1"/);
    expect(() => parseSeedFile(JSON.stringify([base, { ...base, name: 'lab-2', port: 0 }]))).toThrow(/seed "lab-2": "port"/);
    expect(() => parseSeedFile(JSON.stringify([base, 7]))).toThrow(/seed #2: expected an object/);
  });

  it('warns about two seeds on one mailbox and about several seeds sharing the default password variable', () => {
    const { warnings } = parseSeedFile(
      JSON.stringify([
        { ...base, auth: { user: 'a' } },
        { ...base, name: 'lab-2', auth: { user: 'b' } },
      ]),
    );
    expect(warnings.some((w) => /same address seed1@lab.test/.test(w))).toBe(true);
    expect(warnings.some((w) => new RegExp(`read \\$${DEFAULT_IMAP_PASSWORD_ENV}`).test(w))).toBe(true);
  });
});

describe('seedSecretsFromEnv', () => {
  const seed = validateSeed(base).seed;
  it('reads the named variable, the default one, or the OAuth2 token variable', () => {
    expect(seedSecretsFromEnv(seed, { SEED1_PASSWORD: 'p1' })).toEqual({ password: 'p1' });
    expect(seedSecretsFromEnv({ ...seed, auth: { user: 'u' } }, { DELIVERLAB_IMAP_PASSWORD: 'shared' })).toEqual({ password: 'shared' });
    expect(seedSecretsFromEnv({ ...seed, auth: { user: 'u', oauth2TokenEnv: 'TOK' } }, { TOK: 'ya29' })).toEqual({ oauth2Token: 'ya29' });
  });
  it('names the variable that is not set', () => {
    expect(() => seedSecretsFromEnv(seed, {})).toThrow(/seed "lab-1": the password for seed1@lab.test is read from \$SEED1_PASSWORD, which is not set/);
    expect(() => seedSecretsFromEnv({ ...seed, auth: { user: 'u' } }, {})).toThrow(/\$DELIVERLAB_IMAP_PASSWORD/);
    expect(() => seedSecretsFromEnv({ ...seed, auth: { user: 'u', oauth2TokenEnv: 'TOK' } }, {})).toThrow(/OAuth2 access token for u is read from \$TOK/);
  });
});

describe('explainImapError', () => {
  const seed: Seed = { ...validateSeed(base).seed };
  const auth = Object.assign(new Error('Authentication failed.'), { authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED', responseText: 'Authentication failed.' });
  it('tells a wrong password, an app password need and an expired token apart', () => {
    expect(explainImapError(auth, seed)).toMatchObject({ kind: 'auth', code: 'AUTHENTICATIONFAILED' });
    expect(explainImapError(auth, seed).explanation).toMatch(/user name or password is wrong/);
    expect(explainImapError(auth, { ...seed, provider: 'gmail' }).explanation).toMatch(/app password/);
    expect(explainImapError(auth, { ...seed, auth: { user: 'u', oauth2TokenEnv: 'T' } }).explanation).toMatch(/OAuth2 token.*expire/);
  });
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:993' }, 'refused', /Nothing accepts connections on imap.lab.test:993/],
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND imap.lab.test' }, 'dns', /could not be resolved/],
    [{ code: 'ETIMEOUT', message: 'Socket timeout' }, 'timeout', /stopped answering/],
    [{ code: 'CONNECT_TIMEOUT', message: 'Failed to establish connection in required time' }, 'timeout', /stopped answering/],
    [{ code: 'NoConnection', message: 'Connection not available' }, 'dropped', /closed the connection/],
    [{ code: 'ECONNRESET', message: 'read ECONNRESET' }, 'dropped', /closed the connection/],
    [{ code: 'EBLOCKED', message: 'refusing to connect to 192.0.2.1' }, 'blocked', /refusing to connect/],
    [{ code: 'ParserError3', message: 'Unexpected char' }, 'protocol', /not valid IMAP/],
    [{ message: 'self-signed certificate in certificate chain' }, 'tls', /not signed by a certificate authority this machine trusts/],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" }, 'tls', /for a different name than "imap.lab.test"/],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' }, 'tls', /probably speaks plain IMAP with STARTTLS/],
    [{ message: 'something odd' }, 'other', /something odd/],
  ])('explains %j', (err, kind, words) => {
    const info = explainImapError(Object.assign(new Error(err.message), err), seed);
    expect(info.kind).toBe(kind);
    expect(info.explanation).toMatch(words);
  });
  it('explains a missing greeting on a STARTTLS seed as the wrong TLS mode', () => {
    const info = explainImapError(Object.assign(new Error('Failed to receive greeting'), { code: 'GREETING_TIMEOUT' }), { ...seed, security: 'starttls', port: 993 });
    expect(info).toMatchObject({ kind: 'tls' });
    expect(info.explanation).toMatch(/implicit TLS/);
  });
});

describe('verdict headers of a found copy', () => {
  const raw = [
    'Return-Path: <a@b.test>',
    'Authentication-Results: mx.google.com;',
    '       dkim=pass header.i=@b.test;',
    '       spf=pass smtp.mailfrom=b.test',
    'ARC-Authentication-Results: i=1; mx.google.com; dmarc=pass',
    'X-Spam-Flag: NO',
    'x-spam-score: 1.2',
    'X-MS-Exchange-Organization-SCL: 5',
    'X-Microsoft-Antispam: BCL:0;',
    'Authentication-Results: relay.test; none',
    'Subject: X-Spam-Flag: YES in a subject is not a header',
    '',
    'X-Spam-Flag: YES',
  ].join('\r\n');
  it('unfolds (RFC 5322 §2.2.3), keeps every Authentication-Results in order and spam headers by lower-case name', () => {
    expect(parseHeaderBlock(raw)[1]).toEqual(['authentication-results', 'mx.google.com; dkim=pass header.i=@b.test; spf=pass smtp.mailfrom=b.test']);
    const v = verdictHeaders(raw);
    expect(v.authenticationResults).toEqual(['mx.google.com; dkim=pass header.i=@b.test; spf=pass smtp.mailfrom=b.test', 'relay.test; none']);
    expect(v.spamHeaders).toEqual({
      'arc-authentication-results': ['i=1; mx.google.com; dmarc=pass'],
      'x-spam-flag': ['NO'],
      'x-spam-score': ['1.2'],
      'x-ms-exchange-organization-scl': ['5'],
      'x-microsoft-antispam': ['BCL:0;'],
    });
  });
  it('returns empty results for an empty or malformed block', () => {
    expect(verdictHeaders('')).toEqual({ authenticationResults: [], spamHeaders: {} });
    expect(verdictHeaders('no colon here\r\n : empty name\r\n')).toEqual({ authenticationResults: [], spamHeaders: {} });
  });
});
