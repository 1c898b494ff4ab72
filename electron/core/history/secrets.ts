/**
 * The `secrets` table: ciphertexts only, each under its key (core/secrets.ts names the keys,
 * encrypts and decrypts). Every statement on the table is here, the deletes that go with a
 * profile or a seed included.
 */
import type { StoredSecret } from '../secrets';
import type { HistoryDb } from './db';

export function readSecret(db: HistoryDb, key: string): StoredSecret | undefined {
  return db.sql('SELECT ciphertext, backend FROM secrets WHERE key = ?').get(key) as StoredSecret | undefined;
}

/** Stores (creating or replacing) the ciphertext under `key`. */
export function writeSecret(db: HistoryDb, key: string, secret: StoredSecret): void {
  db.sql(
    `INSERT INTO secrets (key, ciphertext, backend, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET ciphertext = excluded.ciphertext, backend = excluded.backend, updated_at = excluded.updated_at`,
  ).run(key, secret.ciphertext, secret.backend, new Date().toISOString());
}

export function deleteSecret(db: HistoryDb, key: string): void {
  db.sql('DELETE FROM secrets WHERE key = ?').run(key);
}
