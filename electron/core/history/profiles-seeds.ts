/**
 * Saved SMTP profiles and seed mailboxes: validated on the way in and on the way out, and never
 * with a secret in their JSON (secrets go to the secret store, or stay in an environment variable).
 */
import { validateSeed, SeedError } from '../placement/seeds';
import type { Seed } from '../placement/types';
import { ProfileError, validateProfile } from '../send/profile';
import type { SmtpProfile } from '../send/types';
import { secretKey } from '../secrets';
import { parseStored, type HistoryDb } from './db';
import { HistoryError } from './errors';
import { deleteSecret } from './secrets';

// Secret-looking keys anywhere in a profile or seed object. The validators refuse the usual ones at
// the top level and in auth; this also catches them nested deeper or under another spelling, so
// nothing that looks like a secret is ever written as JSON. Names of environment variables
// (passwordEnv, oauth2TokenEnv, privateKeyEnv) are what belongs there instead, and pass.
const SECRET_LIKE = /^(pass|passwd|password|app_?password|secret|client_?secret|token|access_?token|refresh_?token|oauth2?_?token|private_?key|pem|key)$/i;

function secretKeyPath(value: unknown, path: string, depth: number): string | null {
  if (depth > 6 || typeof value !== 'object' || value === null) return null;
  for (const [k, v] of Object.entries(value)) {
    const here = path ? `${path}.${k}` : k;
    if (SECRET_LIKE.test(k)) return here;
    const inner = secretKeyPath(v, here, depth + 1);
    if (inner) return inner;
  }
  return null;
}

/**
 * How messages name a profile or seed about to be saved; refuses one whose JSON carries a secret.
 *
 * Secrets go to the secret store or stay in an environment variable, never into the history file.
 */
function withoutSecrets(input: unknown, noun: 'profile' | 'seed', Refusal: new (message: string) => Error): string {
  const where = typeof (input as { name?: unknown })?.name === 'string' ? `${noun} "${(input as { name: string }).name}"` : noun;
  const found = secretKeyPath(input, '', 0);
  if (found) {
    throw new Refusal(`${where}: "${found}" looks like a secret and is not stored with the ${noun}; save the password or token in the secret store, or name an environment variable in auth.passwordEnv or auth.oauth2TokenEnv`);
  }
  return where;
}

interface StoredJsonRow {
  name: string;
  json: string;
}

/** Saved items read back through their validator: one that no longer passes says which it is and what to do. */
function readStored<T>(rows: readonly StoredJsonRow[], noun: string, validate: (json: unknown) => T): T[] {
  return rows.map((r) => {
    try {
      return validate(parseStored<unknown>(r.json, `${noun} "${r.name}"`));
    } catch (err) {
      if (err instanceof HistoryError) throw err;
      throw new HistoryError(`${noun} "${r.name}" in the history database is not valid any more (${(err as Error).message}); delete it and save it again.`, { cause: err });
    }
  });
}

/** Validates and stores (creating or replacing) a profile; the JSON never holds a secret. */
export function saveProfile(db: HistoryDb, input: unknown): { profile: SmtpProfile; warnings: string[] } {
  const checked = validateProfile(input, withoutSecrets(input, 'profile', ProfileError));
  db.sql(
    `INSERT INTO smtp_profiles (name, profile_json, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET profile_json = excluded.profile_json, updated_at = excluded.updated_at`,
  ).run(checked.profile.name, JSON.stringify(checked.profile), new Date().toISOString());
  return checked;
}

export function listProfiles(db: HistoryDb): SmtpProfile[] {
  const rows = db.sql('SELECT name, profile_json AS json FROM smtp_profiles ORDER BY name').all() as StoredJsonRow[];
  return readStored(rows, 'SMTP profile', (json) => validateProfile(json).profile);
}

/** Deletes a profile and the secret stored for it, in one transaction: no orphaned password stays behind. */
export function deleteProfile(db: HistoryDb, name: string): boolean {
  return db.tx(() => {
    deleteSecret(db, secretKey.smtp(name));
    return db.sql('DELETE FROM smtp_profiles WHERE name = ?').run(name).changes > 0;
  });
}

/** Validates and stores (creating or replacing) a seed mailbox; the JSON never holds a secret. */
export function saveSeed(db: HistoryDb, input: unknown): { seed: Seed; warnings: string[] } {
  const checked = validateSeed(input, withoutSecrets(input, 'seed', SeedError));
  db.sql(
    `INSERT INTO seeds (name, seed_json, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET seed_json = excluded.seed_json, updated_at = excluded.updated_at`,
  ).run(checked.seed.name, JSON.stringify(checked.seed), new Date().toISOString());
  return checked;
}

export function listSeeds(db: HistoryDb): Seed[] {
  const rows = db.sql('SELECT name, seed_json AS json FROM seeds ORDER BY name').all() as StoredJsonRow[];
  return readStored(rows, 'Seed', (json) => validateSeed(json).seed);
}

/** Deletes a seed and the secret stored for it, in one transaction. */
export function deleteSeed(db: HistoryDb, name: string): boolean {
  return db.tx(() => {
    deleteSecret(db, secretKey.seed(name));
    return db.sql('DELETE FROM seeds WHERE name = ?').run(name).changes > 0;
  });
}
