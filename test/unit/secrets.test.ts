/**
 * The secret store, with a real cipher standing in for the OS keychain (Electron cannot run here):
 * AES-256-GCM from node:crypto with a random key, as safeStorage would hold in the keyring.
 */
import { randomBytes } from 'node:crypto';
import { tempDbPaths } from '../helpers/temp-db';
import { aesCipher } from '../lab/test-cipher';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { HistoryError, HistoryStore } from '../../electron/core/history/store';
import { createSecretStore, NO_KEYCHAIN_REASON, secretKey, SecretStoreError, type SecretCipher } from '../../electron/core/secrets';

const tmp = tempDbPaths('secrets');


const SECRET = 'hunter2-Ünïcödé-app-password-7c1f';

function rawSecretRows(path: string): { key: string; ciphertext: Buffer; backend: string }[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT key, ciphertext, backend FROM secrets').all() as { key: string; ciphertext: Buffer; backend: string }[];
  } finally {
    db.close();
  }
}

/** Every byte of the database on disk, WAL included: the plaintext must be nowhere in it. */
function fileBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`].filter(existsSync).map((p) => readFileSync(p)));
}

describe('secret store with a keychain', () => {
  it('stores only ciphertext, reads the secret back, replaces and deletes it', () => {
    const path = tmp();
    const store = HistoryStore.open(path);
    const secrets = createSecretStore(aesCipher(), store);
    expect(secrets.status()).toEqual({ available: true, backend: 'gnome_libsecret' });
    expect(secrets.has('smtp:work')).toBe(false);
    expect(secrets.get('smtp:work')).toBeUndefined();

    secrets.set('smtp:work', SECRET);
    expect(secrets.has('smtp:work')).toBe(true);
    expect(secrets.get('smtp:work')).toBe(SECRET);

    const rows = rawSecretRows(path);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: 'smtp:work', backend: 'gnome_libsecret' });
    expect(rows[0]?.ciphertext.includes(Buffer.from(SECRET, 'utf8'))).toBe(false);
    expect(rows[0]?.ciphertext.includes(Buffer.from('hunter2'))).toBe(false);
    // Nowhere in the file or its WAL either, in UTF-8 or UTF-16.
    const bytes = fileBytes(path);
    expect(bytes.includes(Buffer.from('hunter2', 'utf8'))).toBe(false);
    expect(bytes.includes(Buffer.from('hunter2', 'utf16le'))).toBe(false);

    secrets.set('smtp:work', 'second-value-xyz');
    expect(secrets.get('smtp:work')).toBe('second-value-xyz');
    expect(rawSecretRows(path)).toHaveLength(1);

    secrets.delete('smtp:work');
    expect(secrets.has('smtp:work')).toBe(false);
    expect(secrets.get('smtp:work')).toBeUndefined();
    expect(rawSecretRows(path)).toHaveLength(0);
    store.close();
  });

  it('keeps secrets across reopening with the same keychain key', () => {
    const path = tmp();
    const key = randomBytes(32);
    const first = HistoryStore.open(path);
    createSecretStore(aesCipher({ key }), first).set(secretKey.seed('gmail-1'), SECRET);
    first.close();
    const second = HistoryStore.open(path);
    expect(createSecretStore(aesCipher({ key }), second).get('seed:gmail-1')).toBe(SECRET);
    second.close();
  });

  it('says the secret must be entered again when the keychain key changed, naming both backends', () => {
    const store = HistoryStore.open(':memory:');
    createSecretStore(aesCipher({ backend: 'kwallet5' }), store).set('smtp:work', SECRET);
    const other = createSecretStore(aesCipher({ backend: 'gnome_libsecret' }), store);
    expect(() => other.get('smtp:work')).toThrow(SecretStoreError);
    expect(() => other.get('smtp:work')).toThrow(/cannot be decrypted.*"kwallet5".*"gnome_libsecret".*enter the secret again/s);
    // Same backend, different key: still told to enter it again, without the backend sentence.
    createSecretStore(aesCipher({ backend: 'gnome_libsecret' }), store).set('smtp:b', SECRET);
    let message = '';
    try {
      createSecretStore(aesCipher({ backend: 'gnome_libsecret' }), store).get('smtp:b');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/enter the secret again/);
    expect(message).not.toMatch(/stored with/);
    expect(message).not.toContain(SECRET);
    store.close();
  });

  it('refuses a keychain that hands the secret back unencrypted, writing nothing', () => {
    const path = tmp();
    const store = HistoryStore.open(path);
    const identity: SecretCipher = {
      isEncryptionAvailable: () => true,
      backend: () => 'keychain',
      encryptString: (plain) => Buffer.from(`v10${plain}`),
      decryptString: (data) => data.subarray(3).toString(),
    };
    const secrets = createSecretStore(identity, store);
    expect(() => secrets.set('smtp:work', SECRET)).toThrow(/returned the secret for "smtp:work" unencrypted: nothing was stored/);
    expect(rawSecretRows(path)).toHaveLength(0);
    store.close();
  });

  it('never repeats the secret in an error, even when the keychain does', () => {
    const store = HistoryStore.open(':memory:');
    const leaky: SecretCipher = { ...aesCipher(), encryptString: (plain) => { throw new Error(`cannot encrypt "${plain}"`); } };
    let message = '';
    try {
      createSecretStore(leaky, store).set('smtp:work', SECRET);
    } catch (err) {
      expect(err).toBeInstanceOf(SecretStoreError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/could not encrypt the secret for "smtp:work".*nothing was stored/);
    expect(message).toContain('[secret]');
    expect(message).not.toContain(SECRET);
    store.close();
  });

  it('validates keys and values, without quoting the value', () => {
    const store = HistoryStore.open(':memory:');
    const secrets = createSecretStore(aesCipher(), store);
    for (const bad of ['', ' smtp:x', 'smtp:x ', 'smtp:\nx', 'smtp:\u0000x', 'smtp:\u200bx', 'k'.repeat(201)]) {
      expect(() => secrets.set(bad, SECRET), JSON.stringify(bad)).toThrow(/printable text of 1 to 200 characters/);
      expect(() => secrets.get(bad)).toThrow(SecretStoreError);
    }
    secrets.set('k'.repeat(200), SECRET);
    secrets.set('smtp:My Gmail (work)', SECRET);
    expect(secrets.get('smtp:My Gmail (work)')).toBe(SECRET);
    expect(() => secrets.set('smtp:x', '')).toThrow(/is empty: to remove a stored secret, delete it instead/);
    const huge = 'A'.repeat(64 * 1024 + 1);
    let message = '';
    try {
      secrets.set('smtp:x', huge);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/65537 characters long; at most 65536/);
    expect(message).not.toContain('AAAA');
    expect(secrets.has('smtp:x')).toBe(false);
    store.close();
  });

  it('names DKIM keys by their DNS name, in lower case', () => {
    expect(secretKey.smtp('work')).toBe('smtp:work');
    expect(secretKey.seed('gmail-1')).toBe('seed:gmail-1');
    expect(secretKey.dkim('Example.COM.', 'S2026')).toBe('dkim:s2026._domainkey.example.com');
  });

  it('says the disk is full and keeps the secret stored before', () => {
    const store = HistoryStore.open(tmp());
    const secrets = createSecretStore(aesCipher(), store);
    secrets.set('smtp:kept', SECRET);
    store.transaction((db) => db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`));
    const pem = `-----BEGIN PRIVATE KEY-----\n${randomBytes(40_000).toString('base64')}\n-----END PRIVATE KEY-----`.slice(0, 60_000);
    expect(() => secrets.set('dkim:big._domainkey.example.com', pem)).toThrow(HistoryError);
    expect(() => secrets.set('dkim:big._domainkey.example.com', pem)).toThrow(/disk .* is full: nothing was written/);
    expect(secrets.get('smtp:kept')).toBe(SECRET);
    expect(secrets.has('dkim:big._domainkey.example.com')).toBe(false);
    store.close();
  });
});

describe('secret store without a usable keychain', () => {
  const cases: { name: string; cipher: () => SecretCipher | null; reason: RegExp; reasonArg?: string; noDb?: boolean }[] = [
    { name: 'serve (no cipher)', cipher: () => null, reason: /^deliverlab serve has no operating-system keychain: name an environment variable in the profile \(auth\.passwordEnv\) instead$/ },
    { name: 'the CLI (its own reason)', cipher: () => null, reasonArg: 'the command line stores no secrets: name an environment variable', reason: /^the command line stores no secrets/ },
    { name: 'encryption unavailable', cipher: () => aesCipher({ available: false }), reason: /keychain is not available.*gnome-keyring or KWallet.*auth\.passwordEnv/s },
    { name: 'Linux basic_text backend', cipher: () => aesCipher({ backend: 'basic_text' }), reason: /"basic_text".*no better than a plain file.*refuses.*gnome-keyring or KWallet/s },
    { name: 'Linux unknown backend', cipher: () => aesCipher({ backend: 'unknown' }), reason: /"unknown".*not stored.*gnome-keyring or KWallet/s },
    { name: 'a keychain that throws when asked', cipher: () => ({ ...aesCipher(), isEncryptionAvailable: () => { throw new Error('dbus gone'); } }), reason: /could not be asked whether it works \(dbus gone\)/ },
    { name: 'no history', cipher: () => aesCipher(), noDb: true, reason: /History is off or could not be opened/ },
  ];

  for (const c of cases) {
    it(`refuses to store, says why and writes nothing: ${c.name}`, () => {
      const path = tmp();
      const store = HistoryStore.open(path);
      const cipher = c.cipher();
      const secrets = createSecretStore(cipher, c.noDb ? null : store, c.reasonArg);
      const status = secrets.status();
      expect(status.available).toBe(false);
      expect(status.reason).toMatch(c.reason);
      expect(() => secrets.set('smtp:work', SECRET)).toThrow(SecretStoreError);
      let message = '';
      try {
        secrets.set('smtp:work', SECRET);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain('The secret for "smtp:work" was not stored.');
      expect(message).toContain(status.reason);
      expect(message).not.toContain(SECRET);
      expect(rawSecretRows(path)).toEqual([]);
      if (cipher && 'encryptCalls' in cipher) expect(cipher.encryptCalls).toBe(0);
      expect(secrets.has('smtp:work')).toBe(false);
      expect(secrets.get('smtp:work')).toBeUndefined();
      store.close();
    });
  }

  it('says a stored secret cannot be read now, and still lets it be deleted', () => {
    const path = tmp();
    const store = HistoryStore.open(path);
    createSecretStore(aesCipher(), store).set('seed:gmail-1', SECRET);
    const locked = createSecretStore(aesCipher({ backend: 'basic_text' }), store);
    expect(locked.has('seed:gmail-1')).toBe(true);
    expect(() => locked.get('seed:gmail-1')).toThrow(/A secret for "seed:gmail-1" is stored but cannot be read now\. No keyring was found/);
    const serve = createSecretStore(null, store);
    expect(() => serve.get('seed:gmail-1')).toThrow(NO_KEYCHAIN_REASON);
    serve.delete('seed:gmail-1');
    expect(rawSecretRows(path)).toEqual([]);
    store.close();
  });
});
