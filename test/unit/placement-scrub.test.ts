import { describe, expect, it } from 'vitest';
import { explainImapError, secretForms } from '../../electron/core/placement/imap';
import type { Seed } from '../../electron/core/placement/types';

const seed: Pick<Seed, 'host' | 'port' | 'security' | 'provider' | 'auth'> = { host: 'imap.example.test', port: 993, security: 'tls', provider: 'other', auth: { user: 'u@example.test' } };
const PASS = 'pa"ss\\word-42';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('explainImapError scrubs secrets a server echoed', () => {
  it.each([
    ['the password itself', PASS],
    ['the IMAP-quoted password', 'pa\\"ss\\\\word-42'],
    ['AUTHENTICATE PLAIN', b64(`\0u@example.test\0${PASS}`)],
    ['AUTHENTICATE PLAIN with an authzid', b64(`u@example.test\0u@example.test\0${PASS}`)],
    ['the bare base64 password', b64(PASS)],
  ])('%s', (_, echoed) => {
    const err = Object.assign(new Error('Command failed'), { authenticationFailed: true, serverResponseCode: `AUTHENTICATIONFAILED ${echoed}`, responseText: `you sent: 1 LOGIN u ${echoed}` });
    const info = explainImapError(err, seed, { password: PASS });
    expect(info.kind).toBe('auth');
    expect(info.explanation).toContain('/* secret */');
    expect(`${info.code} ${info.explanation}`).not.toContain(echoed);
    expect(`${info.code} ${info.explanation}`).not.toContain('word-42');
  });

  it('the XOAUTH2 blob and the token', () => {
    const token = 'ya29.a0AfH6SMBx-secret';
    const blob = b64(`user=u@example.test\x01auth=Bearer ${token}\x01\x01`);
    const err = Object.assign(new Error(`weird failure ${blob} / ${token}`), { code: 'EWEIRD' });
    const info = explainImapError(err, { ...seed, auth: { user: 'u@example.test', oauth2TokenEnv: 'T' } }, { oauth2Token: token });
    expect(info.explanation).toBe('weird failure /* secret */ / /* secret */');
  });

  it('negative: without secrets, or with text that holds none, the words are unchanged', () => {
    const err = Object.assign(new Error('Command failed'), { authenticationFailed: true, responseText: 'Invalid credentials' });
    expect(explainImapError(err, seed, { password: PASS })).toEqual(explainImapError(err, seed));
    expect(explainImapError(err, seed).explanation).not.toContain('secret');
    expect(secretForms('u', {})).toEqual([]);
  });
});

describe('explainImapError: limits passed', () => {
  it.each(['LiteralTooLarge', 'LineTooLarge', 'ResponseTooLarge', 'TooManyTokens', 'ETOOMUCHDATA'])('%s is a protocol error in words', (code) => {
    const info = explainImapError(Object.assign(new Error('Literal size 943718400 exceeds maximum allowed size of 4194304 bytes'), { code }), seed);
    expect(info).toMatchObject({ kind: 'protocol', code });
    expect(info.explanation).toMatch(/imap\.example\.test:993 sent more than the watcher accepts/);
  });
  it('EUNRELIABLESEARCH keeps its own words', () => {
    const info = explainImapError(Object.assign(new Error("The server's SEARCH matched 300 messages"), { code: 'EUNRELIABLESEARCH' }), seed);
    expect(info).toEqual({ kind: 'protocol', code: 'EUNRELIABLESEARCH', explanation: "The server's SEARCH matched 300 messages" });
  });
});
