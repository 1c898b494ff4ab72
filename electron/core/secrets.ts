/**
 * The secret store: SMTP passwords, OAuth2 tokens, seed passwords and DKIM private keys, kept only as
 * ciphertext from the operating system's keychain.
 *
 * Core side, no electron import: the app hands in a cipher built on Electron's safeStorage
 * (electron/main/secret-store.ts); serve and the CLI have none, and then nothing is stored at all:
 * they read secrets from environment variables instead. There is no home-made fallback, because a key
 * kept next to the data protects nothing.
 */
/** What the app's keychain offers: Electron's safeStorage, or a stand-in in tests. */
export interface SecretCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
  /** safeStorage.getSelectedStorageBackend() on Linux; 'keychain' (macOS) or 'dpapi' (Windows) elsewhere. */
  backend(): string;
}

/**
 * Why secrets cannot be stored, as a code: `reason` names the profile's field paths
 * (auth.passwordEnv), which the app words with the fields on its screen.
 */
export type SecretStoreCause = 'no-keychain' | 'no-history' | 'keychain-error' | 'keychain-unavailable' | 'no-keyring' | 'keyring-unknown';

/** A secret as it is kept: the keychain's ciphertext, and which keychain made it. */
export interface StoredSecret {
  ciphertext: Buffer;
  backend: string;
}

/**
 * Where the ciphertexts are kept: the history's secrets table (HistoryStore is one).
 *
 * Named here rather than imported from the history, so the history can delete a profile's secret
 * with the profile (keys named by secretKey below) without the two modules importing each other.
 */
export interface SecretTable {
  readSecret(key: string): StoredSecret | undefined;
  /** Creates or replaces; throws HistoryError (writing nothing) when the disk is full. */
  writeSecret(key: string, secret: StoredSecret): void;
  deleteSecret(key: string): void;
}

export interface SecretStoreStatus {
  available: boolean;
  backend?: string;
  /** Why secrets cannot be stored, and what to do instead. */
  reason?: string;
  cause?: SecretStoreCause;
  /** keychain-error: what the keychain answered when asked. */
  detail?: string;
}

export interface SecretStore {
  status(): SecretStoreStatus;
  /** Encrypts and stores `value` under `key`; throws SecretStoreError (writing nothing) when unavailable. */
  set(key: string, value: string): void;
  /** The stored value, or undefined when none is stored; throws SecretStoreError when one is stored but cannot be read. */
  get(key: string): string | undefined;
  has(key: string): boolean;
  /** Removes the secret; works even when the keychain is unavailable, since removing needs no key. */
  delete(key: string): void;
}

export class SecretStoreError extends Error {
  override name = 'SecretStoreError';
}

/** The key each kind of secret is stored under. */
export const secretKey = {
  smtp: (profile: string): string => `smtp:${profile}`,
  seed: (seed: string): string => `seed:${seed}`,
  // DNS names are case-insensitive (RFC 4343): one key whatever case the user typed.
  dkim: (domain: string, selector: string): string => `dkim:${selector.toLowerCase()}._domainkey.${domain.toLowerCase().replace(/\.$/, '')}`,
  /** The alert webhook's signing secret (HMAC-SHA256 of each body). */
  webhook: (): string => 'webhook:alerts',
};

export const NO_KEYCHAIN_REASON =
  'deliverlab serve has no operating-system keychain: name an environment variable in the profile (auth.passwordEnv) instead';

/** Long enough for a 4096-bit PEM private key or any OAuth2 access token; short enough to refuse a pasted file. */
const MAX_VALUE_CHARS = 64 * 1024;
const MAX_KEY_CHARS = 200;
// Control, format, unassigned and private-use characters (\p{C}) make keys that look alike but differ.
const PRINTABLE = /^[^\p{C}]+$/u;

/**
 * Linux backends under which Chromium "encrypts" with a password hard-coded in every copy of the
 * browser ('basic_text'), or has not chosen a keyring yet ('unknown', before the app is ready).
 */
const PLAIN_TEXT_BACKENDS = new Set(['basic_text', 'unknown']);

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_CHARS || !PRINTABLE.test(key) || key.trim() !== key) {
    throw new SecretStoreError(
      `A secret's key must be printable text of 1 to ${MAX_KEY_CHARS} characters without leading or trailing spaces (for example "smtp:work").`,
    );
  }
  return key;
}

function checkValue(key: string, value: unknown): string {
  // Never quote the value: error messages end up in logs and on screen.
  if (typeof value !== 'string' || value.length === 0) {
    throw new SecretStoreError(`The secret for "${key}" is empty: to remove a stored secret, delete it instead.`);
  }
  if (value.length > MAX_VALUE_CHARS) {
    throw new SecretStoreError(`The secret for "${key}" is ${value.length} characters long; at most ${MAX_VALUE_CHARS} are stored. Paste the password, token or key itself, not a whole file.`);
  }
  return value;
}

/** An error's message with every occurrence of the secret cut out, for errors thrown by the cipher. */
function scrub(err: unknown, value: string): string {
  const message = err instanceof Error ? err.message : String(err);
  return value.length >= 1 ? message.split(value).join('[secret]') : message;
}

/**
 * The secret store over the history's `secrets` table.
 *
 * Availability is asked afresh each time: on Linux safeStorage only knows its keyring once the app
 * is ready, and a keyring can be locked or unlocked while the app runs.
 */
export function createSecretStore(cipher: SecretCipher | null, db: SecretTable | null, unavailableReason?: string): SecretStore {
  const status = (): SecretStoreStatus => {
    if (!cipher) return { available: false, reason: unavailableReason ?? NO_KEYCHAIN_REASON, cause: 'no-keychain' };
    // --no-history, or a history file that could not be opened: there is nowhere to keep the ciphertext.
    if (!db) return { available: false, cause: 'no-history', reason: 'History is off or could not be opened, and secrets are kept in it (encrypted): nothing can be stored. Name an environment variable in the profile (auth.passwordEnv) instead.' };
    let backend: string;
    let available: boolean;
    try {
      backend = cipher.backend();
      available = cipher.isEncryptionAvailable();
    } catch (err) {
      return { available: false, cause: 'keychain-error', detail: (err as Error).message, reason: `The operating system's keychain could not be asked whether it works (${(err as Error).message}), so secrets are not stored. Name an environment variable in the profile (auth.passwordEnv) instead.` };
    }
    if (!available) {
      return {
        available: false,
        backend,
        cause: 'keychain-unavailable',
        reason:
          `The operating system's keychain is not available (backend "${backend}"), so secrets are not stored. ` +
          'On Linux, install and unlock a keyring such as gnome-keyring or KWallet and restart Deliverlab; on macOS, unlock the login keychain. ' +
          'Meanwhile name an environment variable in the profile (auth.passwordEnv) instead.',
      };
    }
    if (PLAIN_TEXT_BACKENDS.has(backend)) {
      return {
        available: false,
        backend,
        cause: backend === 'basic_text' ? 'no-keyring' : 'keyring-unknown',
        reason:
          backend === 'basic_text'
            ? 'No keyring was found (backend "basic_text"): Electron would "encrypt" secrets with a key built into every copy of the program, which protects them no better than a plain file, so Deliverlab refuses to store them. ' +
              'Install and unlock a keyring such as gnome-keyring or KWallet (or start Deliverlab with --password-store=gnome-libsecret) and restart; meanwhile name an environment variable in the profile (auth.passwordEnv) instead.'
            : 'The keyring is not known yet (backend "unknown": the app is not ready, or no keyring could be chosen), so secrets are not stored. ' +
              'Install and unlock a keyring such as gnome-keyring or KWallet and restart Deliverlab; meanwhile name an environment variable in the profile (auth.passwordEnv) instead.',
      };
    }
    return { available: true, backend };
  };

  const readRow = (key: string) => db?.readSecret(key);

  return {
    status,

    set(key, value) {
      checkKey(key);
      checkValue(key, value);
      const now = status();
      if (!now.available || !cipher || !db) throw new SecretStoreError(`The secret for "${key}" was not stored. ${now.reason ?? ''}`.trim());
      let ciphertext: Buffer;
      try {
        ciphertext = cipher.encryptString(value);
      } catch (err) {
        throw new SecretStoreError(`The keychain could not encrypt the secret for "${key}" (${scrub(err, value)}): nothing was stored.`);
      }
      // A cipher that hands the text back unchanged (a broken or fake keyring) must not turn the
      // history file into a password file.
      if (!Buffer.isBuffer(ciphertext) || ciphertext.length === 0 || (value.length >= 4 && ciphertext.includes(Buffer.from(value, 'utf8')))) {
        throw new SecretStoreError(`The keychain returned the secret for "${key}" unencrypted: nothing was stored. Check the keyring (gnome-keyring, KWallet, macOS Keychain).`);
      }
      db.writeSecret(key, { ciphertext, backend: now.backend ?? 'unknown' });
    },

    get(key) {
      checkKey(key);
      const row = readRow(key);
      if (!row) return undefined;
      const now = status();
      if (!now.available || !cipher) throw new SecretStoreError(`A secret for "${key}" is stored but cannot be read now. ${now.reason ?? ''}`.trim());
      try {
        return cipher.decryptString(row.ciphertext);
      } catch (err) {
        const moved = row.backend !== now.backend ? ` It was stored with the "${row.backend}" keychain and this session uses "${now.backend}".` : '';
        throw new SecretStoreError(
          `The secret for "${key}" cannot be decrypted (${(err as Error).message}).${moved} The keychain's key may have changed: enter the secret again.`,
        );
      }
    },

    has(key) {
      checkKey(key);
      return readRow(key) !== undefined;
    },

    delete(key) {
      checkKey(key);
      db?.deleteSecret(key);
    },
  };
}
