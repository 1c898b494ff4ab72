/**
 * The options `deliverlab send` and `deliverlab placement` share, and how they are read and checked.
 *
 * Both compose one message from a profile file and the same flags (subject, bodies, headers, DKIM,
 * CA files, timeout, history); keeping the reading here means a flag behaves, and fails, the same
 * way in both commands. Each command keeps the order of its own checks.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { isOAuth2, secretVariable } from '../shared/mail-login';
import { DEFAULT_PASSWORD_ENV, dkimKeyFromEnv, secretsFromEnv, type SmtpSecrets } from '../core/send/profile';
import type { SmtpProfile } from '../core/send/types';
import type { MailAuth } from '../core/types';
import type { DkimRequest } from '../core/send/send';
import { secretOrPrompt, type PromptIo } from './prompt';
import { UsageError } from './usage-error';

// send and placement import it from here, beside the flags it is thrown for.
export { UsageError };

export const COMPOSE_OPTIONS = {
  profile: { type: 'string' },
  'profile-name': { type: 'string' },
  subject: { type: 'string' },
  html: { type: 'string' },
  text: { type: 'string' },
  header: { type: 'string', multiple: true },
  'ca-file': { type: 'string', multiple: true },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  'dkim-domain': { type: 'string' },
  'dkim-selector': { type: 'string' },
  'dkim-key-env': { type: 'string' },
  'dkim-key-file': { type: 'string' },
  'no-dkim': { type: 'boolean' },
  db: { type: 'string' },
  'no-history': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

/** The shared flags' values, as parseArgs gives them. */
export interface ComposeValues {
  'ca-file'?: string[] | undefined;
  timeout?: string | undefined;
  html?: string | undefined;
  text?: string | undefined;
  header?: string[] | undefined;
  db?: string | undefined;
  'no-history'?: boolean | undefined;
}

type DkimValues = { 'dkim-domain'?: string | undefined; 'dkim-selector'?: string | undefined; 'dkim-key-env'?: string | undefined; 'dkim-key-file'?: string | undefined; 'no-dkim'?: boolean | undefined };

/** The command line parsed strictly, node's own wording kept but for its hint about positionals (we take none). */
export function parseCommandArgs<O extends ParseArgsOptionsConfig>(args: string[], options: O) {
  try {
    return parseArgs({ args, strict: true, allowPositionals: false, options });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
}

export const line = (stream: NodeJS.WritableStream, text: string) => stream.write(`${text}\n`);

export function readText(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--${flag}: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** --timeout and --ca-file: how long each network step may take, and the extra CAs to trust. */
export function connectionFlags(v: ComposeValues): { timeoutMs: number; ca: string[] } {
  const ca = (v['ca-file'] ?? []).map((f) => readText('ca-file', f));
  const timeoutMs = v.timeout === undefined ? 15_000 : Number(v.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000) throw new UsageError('--timeout takes milliseconds from 100 to 120000.');
  return { timeoutMs, ca };
}

/** --html, --text and --header: the message's bodies and extra headers. */
export function messageFlags(v: ComposeValues): { html: string; text: string | undefined; headers: Record<string, string> } {
  if (!v.html) throw new UsageError('--html file.html is required.');
  const html = readText('html', v.html);
  const text = v.text ? readText('text', v.text) : undefined;
  const headers = Object.fromEntries((v.header ?? []).map(parseHeaderFlag));
  return { html, text, headers };
}

export function checkHistoryFlags(v: ComposeValues): void {
  if (v.db && v['no-history']) throw new UsageError('--db and --no-history cannot be used together.');
}

/** "Name: value" into a header pair; refuses names RFC 5322 §2.2 forbids and line breaks (header injection). */
export function parseHeaderFlag(value: string): [string, string] {
  const at = value.indexOf(':');
  const name = at > 0 ? value.slice(0, at).trim() : '';
  const body = at > 0 ? value.slice(at + 1).trim() : '';
  if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) throw new UsageError(`--header takes 'Name: value', got "${value}"`);
  if (/[\r\n]/.test(body)) throw new UsageError(`--header "${name}": the value may not contain line breaks`);
  return [name, body];
}

/**
 * A login's password or OAuth2 token: from the environment (`fromEnv`, which throws naming the
 * variable), else asked for on a terminal with `question`.
 */
export async function loginSecret(auth: MailAuth, fromEnv: () => { password?: string; oauth2Token?: string }, question: string, io: PromptIo): Promise<{ password?: string; oauth2Token?: string }> {
  const oauth = isOAuth2(auth);
  const value = await secretOrPrompt(
    () => {
      const found = fromEnv();
      return (oauth ? found.oauth2Token : found.password) as string;
    },
    `${oauth ? 'OAuth2 access token' : 'Password'} for ${question}`,
    io,
  );
  return oauth ? { oauth2Token: value } : { password: value };
}

/** The profile's password or token: from its variable, else asked for on a terminal. */
export async function resolveSecrets(profile: SmtpProfile, env: NodeJS.ProcessEnv, io: PromptIo): Promise<SmtpSecrets> {
  const auth = profile.auth;
  if (!auth) return {};
  const variable = secretVariable(auth) ?? (isOAuth2(auth) ? 'auth.oauth2TokenEnv' : DEFAULT_PASSWORD_ENV);
  return loginSecret(auth, () => secretsFromEnv(profile, env), `${auth.user} (${variable} is not set): `, io);
}

const MAX_KEY_FILE = 64 * 1024;

/** The DKIM request the flags and the profile ask for, or undefined for an unsigned send. */
export function dkimRequest(v: DkimValues, profile: SmtpProfile, env: NodeJS.ProcessEnv): DkimRequest | undefined {
  const flags = ['dkim-domain', 'dkim-selector', 'dkim-key-env', 'dkim-key-file'] as const;
  const given = flags.filter((f) => v[f] !== undefined);
  if (v['no-dkim']) {
    if (given.length) throw new UsageError(`--no-dkim cannot be used with --${given[0]}.`);
    return undefined;
  }
  if (given.length === 0 && !profile.dkim) return undefined;
  if (v['dkim-key-env'] !== undefined && v['dkim-key-file'] !== undefined) throw new UsageError('give the DKIM key once: --dkim-key-env VAR or --dkim-key-file PEM, not both.');
  const domain = v['dkim-domain'] ?? profile.dkim?.domain;
  const selector = v['dkim-selector'] ?? profile.dkim?.selector;
  if (!domain) throw new UsageError('--dkim-domain D is required to sign (or set dkim.domain in the profile).');
  if (!selector) throw new UsageError('--dkim-selector S is required to sign (or set dkim.selector in the profile).');
  let privateKey: string;
  const file = v['dkim-key-file'];
  if (file !== undefined) {
    let size: number;
    try {
      size = statSync(file).size;
    } catch (err) {
      throw new UsageError(`--dkim-key-file: cannot read ${file}: ${(err as Error).message}`);
    }
    if (size > MAX_KEY_FILE) throw new UsageError(`--dkim-key-file: ${file} is ${size} bytes; a PEM private key is a few kilobytes. Is it the right file?`);
    privateKey = readText('dkim-key-file', file);
  } else {
    const variable = v['dkim-key-env'] ?? profile.dkim?.privateKeyEnv;
    if (!variable) throw new UsageError('give the DKIM private key: --dkim-key-env VAR (the variable holding the PEM) or --dkim-key-file PEM.');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new UsageError(`--dkim-key-env takes the name of an environment variable, not "${variable}".`);
    privateKey = dkimKeyFromEnv(variable, env);
  }
  return { domain, selector, privateKey };
}
