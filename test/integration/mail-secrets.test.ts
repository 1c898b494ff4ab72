/**
 * Secrets through the API as the desktop app has them: a keychain (a real AES-GCM cipher standing in
 * for Electron's safeStorage) behind smtp.save, seeds.save and dkim.save-key, then used for real logins
 * against the mail lab and the Gmail peer. Seeds 19 and 20 belong to this file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ImapFlow } from 'imapflow';
import { dkimVerify } from 'mailauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../electron/api/handlers';
import type { SendRecord, StoredProfile, StoredSeed } from '../../electron/api/operations';
import { placementCommand } from '../../electron/cli/placement';
import { generateDkimKey } from '../../electron/core/dkim/keygen';
import type { SeedTestResult } from '../../electron/core/placement/types';
import { startGmailPeer } from '../lab/gmail-imap-peer';
import { waitForArrival } from '../lab/mail-lab/lab-imap';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { labProfile } from '../lab/mail-lab/lab-profile';
import { aesCipher } from '../lab/test-cipher';

const lab = readMailLab();
const ca = [lab.caPem];
const u19 = lab.seeds[18] as MailLabUser;
const dir = mkdtempSync(join(tmpdir(), 'deliverlab-secrets-'));
const dbPath = join(dir, 'history.sqlite');
let api: Api;

beforeAll(() => {
  api = createApi({ dbPath, transport: 'ipc', version: 'test', cipher: aesCipher(), ca, networkTimeoutMs: 5_000, env: {}, emit: () => undefined });
});
afterAll(() => {
  api.close();
  rmSync(dir, { recursive: true, force: true });
});

const profile = labProfile({ from: `Lab <${lab.sender.user}>` });

describe('secrets in the app (a keychain behind the API)', () => {
  it('keeps an SMTP password in the keychain, never returns it, and logs in with it', async () => {
    expect(await api.dispatch('secrets.status', {})).toMatchObject({ available: true, backend: 'gnome_libsecret' });
    const saved = (await api.dispatch('smtp.save', { profile, secret: lab.sender.password })) as StoredProfile;
    expect(saved.secret).toBe('stored');
    expect(JSON.stringify(await api.dispatch('smtp.list', {}))).not.toContain(lab.sender.password);
    expect(await api.dispatch('smtp.test', { name: 'lab' })).toMatchObject({ ok: true });
    // A wrong password replaces the stored one, and the login is refused in words.
    await api.dispatch('smtp.save', { profile, secret: 'not-the-password' });
    const refused = (await api.dispatch('smtp.test', { name: 'lab' })) as { ok: boolean; error?: { kind: string } };
    expect(refused).toMatchObject({ ok: false, error: { kind: 'auth' } });
    await api.dispatch('smtp.save', { profile, secret: lab.sender.password });
  });

  it('keeps a seed password in the keychain and tests the seed with it', async () => {
    const seed = { name: 'seed19', address: u19.user, provider: 'other', host: lab.host, port: lab.ports.imap, security: 'starttls', auth: { user: u19.user } };
    const saved = (await api.dispatch('seeds.save', { seed, secret: u19.password })) as StoredSeed;
    expect(saved.secret).toBe('stored');
    const tested = (await api.dispatch('seeds.test', { name: 'seed19' })) as SeedTestResult;
    expect(tested).toMatchObject({ ok: true, idle: true, roles: { junk: 'Junk' } });
    // Deleting the seed deletes its secret: saved again without one, it has none.
    expect(await api.dispatch('seeds.delete', { name: 'seed19' })).toEqual({ deleted: true });
    const again = (await api.dispatch('seeds.save', { seed })) as StoredSeed;
    expect(again.secret).toBe('missing');
    await expect(api.dispatch('seeds.test', { name: 'seed19' })).rejects.toThrow(/no password is saved for seed19@lab\.test/);
    await api.dispatch('seeds.save', { seed, secret: u19.password });
  });

  it('keeps an OAuth2 access token in the keychain and logs in to Gmail with XOAUTH2', async () => {
    const peer = await startGmailPeer({ users: [{ user: 'probe@gmail.test', accessToken: 'ya29.test-token' }] });
    try {
      const seed = { name: 'gmail-1', address: 'probe@gmail.test', provider: 'gmail', host: peer.host, port: peer.port, security: 'none', auth: { user: 'probe@gmail.test', oauth2: true } };
      const saved = (await api.dispatch('seeds.save', { seed, secret: 'ya29.test-token' })) as StoredSeed;
      expect(saved).toMatchObject({ secret: 'stored', seed: { auth: { oauth2: true } } });
      const tested = (await api.dispatch('seeds.test', { name: 'gmail-1' })) as SeedTestResult;
      expect(tested).toMatchObject({ ok: true, gmail: true, roles: { junk: '[Gmail]/Spam' } });
      expect(peer.transcript().join('\n')).toMatch(/AUTHENTICATE XOAUTH2/);
      expect(peer.transcript().join('\n')).not.toContain('ya29.test-token');
      await api.dispatch('seeds.save', { seed, secret: 'ya29.expired' });
      const refused = (await api.dispatch('seeds.test', { name: 'gmail-1' })) as SeedTestResult;
      expect(refused).toMatchObject({ ok: false, error: { kind: 'auth' } });
    } finally {
      await peer.close();
      await api.dispatch('seeds.delete', { name: 'gmail-1' });
    }
  });

  it('signs a test send with a DKIM key kept in the keychain', async () => {
    const key = await generateDkimKey({ domain: 'lab.test', selector: 'app2026', type: 'ed25519' });
    await expect(api.dispatch('dkim.save-key', { domain: 'lab.test', selector: 'app2026', privateKey: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' })).rejects.toThrow(/key/i);
    expect(await api.dispatch('dkim.save-key', { domain: 'lab.test', selector: 'app2026', privateKey: key.privateKeyPem })).toEqual({ saved: true, key: 'app2026._domainkey.lab.test' });
    const token = `keychain-dkim-${Date.now()}`;
    const sent = (await api.dispatch('send.run', { profile: 'lab', to: [u19.user], subject: token, html: '<p>signed</p>', dkim: { domain: 'lab.test', selector: 'app2026' } })) as SendRecord;
    expect(sent).toMatchObject({ ok: true, dkim: { domain: 'lab.test', selector: 'app2026' } });
    expect(sent.id).toBeGreaterThan(0);
    expect(await api.dispatch('send.get', { id: sent.id })).toMatchObject({ subject: token, ok: true });

    // The delivered bytes verify against the key's published record.
    const client = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user: u19.user, pass: u19.password }, tls: { ca, servername: lab.hostname }, logger: false });
    await client.connect();
    try {
      const uid = await waitForArrival(client, 'INBOX', { subject: token });
      expect(await client.search({ subject: token }, { uid: true })).toEqual([uid]);
      const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
            const verified = (await dkimVerify(msg && msg.source ? msg.source : Buffer.alloc(0), {
        strict: true,
        resolver: async (name: string, type: string) => {
          if (type === 'TXT' && name === 'app2026._domainkey.lab.test') return [[key.record]];
          throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        },
      })) as { results: { status: { result: string } }[] };
      expect(verified.results[0]?.status.result).toBe('pass');
      await client.mailboxOpen('INBOX');
      await client.messageDelete([uid], { uid: true });
    } finally {
      await client.logout().catch(() => undefined);
    }
  });
});

describe('what a stored secret is bound to', () => {
  const u20 = lab.seeds[19] as MailLabUser;
  const seed = { name: 'seed20', address: u20.user, provider: 'other', host: lab.host, port: lab.ports.imap, security: 'starttls', auth: { user: u20.user } };

  it('never sends a stored password to a changed server, and keeps the old seed when a save is refused', async () => {
    await api.dispatch('seeds.save', { seed, secret: u20.password });
    // A new port without the password again is refused, and nothing changes.
    await expect(api.dispatch('seeds.save', { seed: { ...seed, port: lab.ports.imaps, security: 'tls' } })).rejects.toThrow(/the port \(\d+ → \d+\), the security \(starttls → tls\) changed, so type the password again/);
    // A password for a seed that reads a variable is refused before anything is written.
    await expect(api.dispatch('seeds.save', { seed: { ...seed, auth: { user: u20.user, passwordEnv: 'DELIVERLAB_X' } }, secret: 'x' })).rejects.toThrow(/reads its secret from an environment variable/);
    expect(await api.dispatch('seeds.list', {})).toMatchObject({ seeds: expect.arrayContaining([expect.objectContaining({ seed: expect.objectContaining({ name: 'seed20', port: lab.ports.imap }), secret: 'stored' })]) });
    expect(await api.dispatch('seeds.test', { name: 'seed20' })).toMatchObject({ ok: true });
    // With the password typed again, the move is fine.
    await api.dispatch('seeds.save', { seed: { ...seed, port: lab.ports.imaps, security: 'tls' }, secret: u20.password });
    expect(await api.dispatch('seeds.test', { name: 'seed20' })).toMatchObject({ ok: true });
  });

  it('reads only DELIVERLAB_ variables, and drops a stored secret the seed no longer uses', async () => {
    await expect(api.dispatch('seeds.save', { seed: { ...seed, auth: { user: u20.user, passwordEnv: 'HOME' } } })).rejects.toThrow(/secret variables must start with DELIVERLAB_ .*so \$HOME is not read/);
    await api.dispatch('seeds.save', { seed, secret: u20.password });
    const moved = (await api.dispatch('seeds.save', { seed: { ...seed, auth: { user: u20.user, passwordEnv: 'DELIVERLAB_SEED20' } } })) as StoredSeed;
    expect(moved.secret).toBe('missing');
    // Back to the keychain: the old password is gone, so it must be typed again.
    expect(((await api.dispatch('seeds.save', { seed })) as StoredSeed).secret).toBe('missing');
  });

  it('refuses a seed listed twice, and a second run while one is going on; cancel ends the first', async () => {
    await api.dispatch('seeds.save', { seed, secret: u20.password });
    await expect(api.dispatch('placement.run', { profile: 'lab', seeds: ['seed20', 'seed20'], subject: 's', html: '<p>x</p>' })).rejects.toThrow(/A seed is listed twice/);
    const events: string[] = [];
    const first = api.dispatch('placement.run', { profile: 'lab', seeds: ['seed20'], subject: 'Cancelled probe', html: '<p>x</p>', deadlineMs: 60_000, cleanup: true });
    await expect(api.dispatch('placement.run', { profile: 'lab', seeds: ['seed20'], subject: 's', html: '<p>x</p>' })).rejects.toThrow(/already going on/);
    const list = (await api.dispatch('placement.list', {})) as { items: { token: string; status: string }[] };
    const running = list.items.find((r) => r.status === 'running');
    expect(running).toBeDefined();
    events.push('cancel');
    expect(await api.dispatch('placement.cancel', { token: running?.token })).toEqual({ cancelled: true });
    const run = (await first) as { status: string; seeds: { placement: string; error?: { code: string } }[] };
    // Cancelled before or after the copy was seen: either way the run says cancelled and ends at once.
    expect(run.status).toBe('cancelled');
    expect(['inbox', 'error']).toContain(run.seeds[0]?.placement);
  });
});

describe('a token kept in the app is not available to the CLI', () => {
  it('says where the token lives and which field to use instead', async () => {
    writeFileSync(join(dir, 'smtp.json'), JSON.stringify({ ...profile, auth: { user: lab.sender.user, passwordEnv: 'P' } }));
    writeFileSync(join(dir, 'seeds.json'), JSON.stringify({ name: 'g', address: 'probe@gmail.test', provider: 'gmail', auth: { user: 'probe@gmail.test', oauth2: true } }));
    writeFileSync(join(dir, 'm.html'), '<p>x</p>');
    let err = '';
    const stderr = new Writable({ write: (c, _e, done) => ((err += String(c)), done()) });
    const stdout = new Writable({ write: (_c, _e, done) => done() });
    const code = await placementCommand(['--profile', join(dir, 'smtp.json'), '--seeds', join(dir, 'seeds.json'), '--subject', 's', '--html', join(dir, 'm.html'), '--no-history'], { stdout, stderr }, { P: 'x' });
    expect(code).toBe(2);
    expect(err).toMatch(/kept in the desktop app's secret store.*auth\.oauth2TokenEnv/);
  });
});
