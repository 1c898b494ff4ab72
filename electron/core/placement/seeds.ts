/**
 * Seed files: the IMAP mailboxes a placement run sends to and watches.
 *
 * Like SMTP profiles, a seed file holds no secret: each seed names the environment variable that
 * holds its password or OAuth2 token, so a seed list can be shared or committed without leaking
 * credentials. There is no per-seed default variable (one name cannot hold twenty passwords):
 * a seed without `passwordEnv` reads DELIVERLAB_IMAP_PASSWORD, which only suits a single seed or
 * seeds that share one password (a test lab).
 */
import { fieldReaders, isObject, secretsFromEnvFor } from '../profile-seed-fields';
import { FOLDER_ROLES, SEED_PROVIDERS, type FolderRole, type ImapSecurity, type Seed, type SeedAuth, type SeedProvider, type SeedSecrets } from './types';

export const DEFAULT_IMAP_PASSWORD_ENV = 'DELIVERLAB_IMAP_PASSWORD';

export class SeedError extends Error {
  override name = 'SeedError';
}

export interface SeedCheck {
  seed: Seed;
  warnings: string[];
}

// Secrets must not sit in the file: refuse the keys people would naturally use for them.
const SECRET_KEYS = ['password', 'pass', 'token', 'accessToken', 'oauth2Token', 'secret', 'appPassword'];
const SECRET_HINT = 'put the secret in an environment variable and name it in auth.passwordEnv or auth.oauth2TokenEnv';

// The usual IMAP servers, so a seed can leave out host and port for the big providers.
const PROVIDER_HOSTS: Partial<Record<SeedProvider, string>> = {
  gmail: 'imap.gmail.com',
  outlook: 'outlook.office365.com',
  yahoo: 'imap.mail.yahoo.com',
  icloud: 'imap.mail.me.com',
};

const { text, mailAuth } = fieldReaders(SeedError);

/** Checks one seed object; throws SeedError saying which field is wrong. */
export function validateSeed(input: unknown, where = 'seed'): SeedCheck {
  if (!isObject(input)) throw new SeedError(`${where}: expected an object`);
  const name = text(input, 'name', where, true);
  where = `seed "${name}"`;
  const address = text(input, 'address', where, true);
  if (!/^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/.test(address)) throw new SeedError(`${where}: "address" must be a bare address (name@domain), got "${address}"`);
  const provider = input.provider ?? 'other';
  if (typeof provider !== 'string' || !SEED_PROVIDERS.includes(provider as SeedProvider)) {
    throw new SeedError(`${where}: "provider" must be one of ${SEED_PROVIDERS.map((p) => `"${p}"`).join(', ')}, got ${JSON.stringify(provider)}`);
  }
  const hostDefault = PROVIDER_HOSTS[provider as SeedProvider];
  const host = input.host === undefined && hostDefault ? hostDefault : text(input, 'host', where, true);
  if (/\s|[/@]/.test(host)) throw new SeedError(`${where}: "host" must be a host name or IP address, not "${host}"`);
  const security = input.security ?? 'tls';
  if (security !== 'tls' && security !== 'starttls' && security !== 'none') {
    throw new SeedError(`${where}: "security" must be "tls", "starttls" or "none", got ${JSON.stringify(security)}`);
  }
  const port = input.port ?? (security === 'tls' ? 993 : 143);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SeedError(`${where}: "port" must be a whole number from 1 to 65535 (993 for implicit TLS, 143 for STARTTLS), got ${JSON.stringify(port)}`);
  }
  for (const key of SECRET_KEYS) {
    if (key in input) throw new SeedError(`${where}: "${key}" is not allowed in a seed file; ${SECRET_HINT}`);
  }
  if (!isObject(input.auth)) throw new SeedError(`${where}: "auth" must be an object { user, passwordEnv? } or { user, oauth2TokenEnv }`);
  for (const key of SECRET_KEYS) {
    if (key in input.auth) throw new SeedError(`${where}: auth."${key}" is not allowed in a seed file; ${SECRET_HINT}`);
  }
  const auth: SeedAuth = mailAuth(input.auth, where);

  let folders: Partial<Record<FolderRole, string>> | undefined;
  if (input.folders !== undefined) {
    if (!isObject(input.folders)) throw new SeedError(`${where}: "folders" must be an object of role → folder path, e.g. { "junk": "Bulk Mail" }`);
    folders = {};
    for (const [role, path] of Object.entries(input.folders)) {
      if (!FOLDER_ROLES.includes(role as FolderRole)) {
        throw new SeedError(`${where}: folders."${role}" is not a folder role; use one of ${FOLDER_ROLES.map((r) => `"${r}"`).join(', ')}`);
      }
      if (typeof path !== 'string' || path.trim() === '') throw new SeedError(`${where}: folders."${role}" must be a folder path (a non-empty string)`);
      folders[role as FolderRole] = path.trim();
    }
  }

  const warnings: string[] = [];
  if (security === 'none') {
    warnings.push(`seed "${name}" uses no encryption: the password and the mailbox contents cross the network in clear text. Use "tls" (port 993) or "starttls" (port 143).`);
  }
  if ((security === 'tls' && port === 143) || (security === 'starttls' && port === 993)) {
    warnings.push(`seed "${name}": port ${port} usually speaks ${port === 993 ? 'implicit TLS ("tls")' : 'STARTTLS ("starttls")'}, not "${security}"; the connection may hang or fail.`);
  }
  const seed: Seed = { name, address, provider: provider as SeedProvider, host, port, security: security as ImapSecurity, auth, ...(folders ? { folders } : {}) };
  return { seed, warnings };
}

/** Parses a seed file's JSON: one seed, a list, or { seeds: [...] }; names must be unique. */
export function parseSeedFile(json: string): { seeds: Seed[]; warnings: string[] } {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new SeedError(`the seed file is not valid JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.seeds) ? data.seeds : [data];
  if (list.length === 0) throw new SeedError('the seed file holds an empty list');
  const checked = list.map((s, i) => validateSeed(s, `seed #${i + 1}`));
  const seen = new Set<string>();
  for (const { seed } of checked) {
    if (seen.has(seed.name)) throw new SeedError(`two seeds are named "${seed.name}"; names must be unique (the run reports per seed name)`);
    seen.add(seed.name);
  }
  const seeds = checked.map((c) => c.seed);
  return { seeds, warnings: seedSetWarnings(seeds) };
}

/**
 * Warnings about the seeds a run uses: each seed's own (no encryption, an unusual port), two seeds
 * on one address, several seeds reading one default variable.
 *
 * Give it the seeds a run picks, not the whole file: a seed left out cannot clash with anything.
 */
export function seedSetWarnings(seeds: readonly Seed[]): string[] {
  const warnings = [...seeds.flatMap((seed) => validateSeed(seed).warnings), ...duplicateAddressWarnings(seeds)];
  const sharedDefault = seeds.filter((seed) => !('passwordEnv' in seed.auth) && !('oauth2TokenEnv' in seed.auth) && !('oauth2' in seed.auth));
  if (sharedDefault.length > 1) {
    warnings.push(`${sharedDefault.length} seeds (${sharedDefault.map((seed) => seed.name).join(', ')}) have no auth.passwordEnv and all read $${DEFAULT_IMAP_PASSWORD_ENV}; give each seed its own variable unless they really share one password`);
  }
  return warnings;
}

/** Two seeds of one run on the same address watch the same mailbox: each copy counts twice. */
export function duplicateAddressWarnings(seeds: readonly Seed[]): string[] {
  const warnings: string[] = [];
  const addresses = new Map<string, string>();
  for (const seed of seeds) {
    const key = seed.address.toLowerCase();
    const other = addresses.get(key);
    if (other) warnings.push(`seeds "${other}" and "${seed.name}" have the same address ${seed.address}: both watch the same mailbox`);
    else addresses.set(key, seed.name);
  }
  return warnings;
}

/** Reads the seed's secret from the environment; throws naming the variable when it is unset. */
export function seedSecretsFromEnv(seed: Seed, env: NodeJS.ProcessEnv = process.env): SeedSecrets {
  return secretsFromEnvFor(seed.auth, `seed "${seed.name}"`, DEFAULT_IMAP_PASSWORD_ENV, env, SeedError);
}
