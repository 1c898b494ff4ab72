/**
 * A real cipher standing in for the operating system's keychain in tests: Electron's safeStorage
 * cannot run here, and the secret store must still be proven to keep only ciphertext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretCipher } from '../../electron/core/secrets';

export /** AES-256-GCM with a key that lives only in memory: what the keyring gives safeStorage. */
function aesCipher(opts: { backend?: string; available?: boolean; key?: Buffer } = {}): SecretCipher & { encryptCalls: number } {
  const key = opts.key ?? randomBytes(32);
  const cipher = {
    encryptCalls: 0,
    isEncryptionAvailable: () => opts.available ?? true,
    backend: () => opts.backend ?? 'gnome_libsecret',
    encryptString(plain: string): Buffer {
      cipher.encryptCalls++;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(data: Buffer): string {
      const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
  return cipher;
}
