/**
 * Electron's safeStorage as the secret store's cipher.
 *
 * A thin adapter: whether the keychain is good enough to use is decided in electron/core/secrets.ts,
 * which is unit-tested without Electron.
 */
import { safeStorage } from 'electron';
import type { SecretCipher } from '../core/secrets';

/** macOS and Windows have one keychain each; only Linux chooses among backends. */
function backendName(): string {
  if (process.platform === 'linux') return safeStorage.getSelectedStorageBackend();
  if (process.platform === 'darwin') return 'keychain';
  if (process.platform === 'win32') return 'dpapi';
  return 'unknown';
}

export function safeStorageCipher(): SecretCipher {
  // The synchronous calls (deprecated in favour of the async ones in Electron 45) keep the core's
  // SecretStore synchronous, like the rest of the history store.
  return {
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    encryptString: (plain) => safeStorage.encryptString(plain),
    decryptString: (cipher) => safeStorage.decryptString(cipher),
    backend: backendName,
  };
}
