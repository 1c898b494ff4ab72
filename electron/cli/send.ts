/**
 * `deliverlab send`: a test message through the user's own SMTP server, from a profile file.
 *
 * Secrets come from the environment variable the profile names, or, when it is unset and stdin is a
 * terminal, from a prompt without echo; never from the file or a flag (flags end up in shell
 * history). A DKIM key comes from a variable (--dkim-key-env, or the profile's dkim.privateKeyEnv) or
 * from the user's own key file (--dkim-key-file); we read it, never write it.
 * Exit codes: 0 every recipient accepted, 1 any refused, 2 a usage or operational error (auth
 * refused, TLS failure, connection refused, missing variable, bad DKIM key, prompt cancelled).
 */
import { HistoryError, HistoryStore } from '../core/history/store';
import { defaultDbPath } from '../core/paths';
import { isOAuth2, secretVariable } from '../core/mail-auth';
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_PASSWORD_ENV, dkimKeyFromEnv, parseProfileFile, ProfileError, secretsFromEnv, type SmtpProfile, type SmtpSecrets } from '../core/send/profile';
import { sendTest, testConnection, type ConnectionResult, type DkimRequest, type SendResult, type TranscriptLine } from '../core/send/send';
import { PromptAbortedError, secretOrPrompt, type PromptIo } from './prompt';

/** The part of the CLI's io this command uses (structurally the same as index.ts's CliIo). */
export interface SendIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Where a missing password is asked for, when it is a terminal. Without it nothing is asked. */
  stdin?: PromptIo['stdin'];
}

export const SEND_HELP = `Usage:
  deliverlab send --profile profile.json [--profile-name N] --to ADDRESS [--to ...] --subject S
                  --html file.html [--text file.txt] [--header 'Name: value']... [--ca-file PEM]...
                  [--dkim-domain D --dkim-selector S (--dkim-key-env VAR | --dkim-key-file PEM)]
                  [--no-dkim] [--timeout MS] [--transcript] [--json] [--db PATH | --no-history]
  deliverlab send --profile profile.json [--profile-name N] --test-connection [--ca-file PEM] [--json]

The profile file (JSON, one profile or a list) holds host, port, security (starttls | tls | none),
auth { user, passwordEnv } or { user, oauth2TokenEnv }, from, envelopeFrom and optionally
dkim { domain, selector, privateKeyEnv }. The password is read from the variable passwordEnv names,
DELIVERLAB_SMTP_PASSWORD by default; when it is unset and you are at a terminal, you are asked for it
(nothing is echoed). Never put a secret in the file.
Without --text a plain-text part is generated from the HTML.

DKIM: --dkim-domain and --dkim-selector give d= and s=; the private key (PEM, RSA of 2048 bits or
Ed25519, e.g. from deliverlab dkim-keygen) is read from the variable --dkim-key-env names or from
--dkim-key-file. Flags override the profile's dkim; --no-dkim sends unsigned. List-Unsubscribe and
List-Unsubscribe-Post are signed when present (RFC 8058). A bad key stops the send before connecting.

Exit codes: 0 every recipient accepted, 1 a recipient refused, 2 a usage or operational error.`;

export class SendUsageError extends Error {}

const line = (stream: NodeJS.WritableStream, text: string) => stream.write(`${text}\n`);

function readText(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new SendUsageError(`--${flag}: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** "Name: value" into a header pair; refuses names RFC 5322 §2.2 forbids and line breaks (header injection). */
export function parseHeaderFlag(value: string): [string, string] {
  const at = value.indexOf(':');
  const name = at > 0 ? value.slice(0, at).trim() : '';
  const body = at > 0 ? value.slice(at + 1).trim() : '';
  if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) throw new SendUsageError(`--header takes 'Name: value', got "${value}"`);
  if (/[\r\n]/.test(body)) throw new SendUsageError(`--header "${name}": the value may not contain line breaks`);
  return [name, body];
}

function formatTranscript(lines: TranscriptLine[]): string {
  return lines.map((l) => `  ${String(l.ms).padStart(5)} ms ${l.dir}: ${l.text.replace(/\r?\n/g, '\n' + ' '.repeat(14))}`).join('\n');
}

function printSend(io: SendIo, r: SendResult, transcript: boolean): void {
  for (const w of r.warnings) line(io.stderr, `warning: ${w}`);
  for (const rcpt of r.recipients) {
    line(io.stdout, `${rcpt.status === 'accepted' ? 'accepted' : 'REJECTED'}  ${rcpt.address}${rcpt.reply ? `  ${rcpt.reply}` : ''}`);
    if (rcpt.status === 'rejected' && rcpt.explanation) line(io.stdout, `          ${rcpt.explanation}`);
  }
  if (r.messageId) line(io.stdout, `Message-ID ${r.messageId}`);
  if (r.queueId) line(io.stdout, `queue id   ${r.queueId}`);
  if (r.response) line(io.stdout, `server     ${r.response}`);
  if (r.dkim) line(io.stdout, `dkim       d=${r.dkim.domain} s=${r.dkim.selector} a=${r.dkim.algorithm} h=${r.dkim.headers.join(':')}`);
  line(io.stdout, `time       ${r.timings.totalMs} ms`);
  if (r.error) line(io.stderr, `error ${r.error.code}: ${r.error.explanation}`);
  if (transcript) line(io.stdout, `transcript:\n${formatTranscript(r.transcript)}`);
}

function printConnection(io: SendIo, r: ConnectionResult): void {
  for (const w of r.warnings) line(io.stderr, `warning: ${w}`);
  line(io.stdout, r.ok ? `connection ok (${r.timings.totalMs} ms)` : `connection FAILED (${r.timings.totalMs} ms)`);
  if (r.error) line(io.stderr, `error ${r.error.code}: ${r.error.explanation}`);
  line(io.stdout, `transcript:\n${formatTranscript(r.transcript)}`);
}

/** The profile's password or token: from its variable, else asked for on a terminal. */
export async function resolveSecrets(profile: SmtpProfile, env: NodeJS.ProcessEnv, io: SendIo): Promise<SmtpSecrets> {
  const auth = profile.auth;
  if (!auth) return {};
  const oauth = isOAuth2(auth);
  const variable = secretVariable(auth) ?? (oauth ? 'auth.oauth2TokenEnv' : DEFAULT_PASSWORD_ENV);
  const value = await secretOrPrompt(
    () => {
      const found = secretsFromEnv(profile, env);
      return (oauth ? found.oauth2Token : found.password) as string;
    },
    `${oauth ? 'OAuth2 access token' : 'Password'} for ${auth.user} (${variable} is not set): `,
    io,
  );
  return oauth ? { oauth2Token: value } : { password: value };
}

const MAX_KEY_FILE = 64 * 1024;

/** The DKIM request the flags and the profile ask for, or undefined for an unsigned send. */
export function dkimRequest(
  v: { 'dkim-domain'?: string | undefined; 'dkim-selector'?: string | undefined; 'dkim-key-env'?: string | undefined; 'dkim-key-file'?: string | undefined; 'no-dkim'?: boolean | undefined },
  profile: SmtpProfile,
  env: NodeJS.ProcessEnv,
): DkimRequest | undefined {
  const flags = ['dkim-domain', 'dkim-selector', 'dkim-key-env', 'dkim-key-file'] as const;
  const given = flags.filter((f) => v[f] !== undefined);
  if (v['no-dkim']) {
    if (given.length) throw new SendUsageError(`--no-dkim cannot be used with --${given[0]}.`);
    return undefined;
  }
  if (given.length === 0 && !profile.dkim) return undefined;
  if (v['dkim-key-env'] !== undefined && v['dkim-key-file'] !== undefined) throw new SendUsageError('give the DKIM key once: --dkim-key-env VAR or --dkim-key-file PEM, not both.');
  const domain = v['dkim-domain'] ?? profile.dkim?.domain;
  const selector = v['dkim-selector'] ?? profile.dkim?.selector;
  if (!domain) throw new SendUsageError('--dkim-domain D is required to sign (or set dkim.domain in the profile).');
  if (!selector) throw new SendUsageError('--dkim-selector S is required to sign (or set dkim.selector in the profile).');
  let privateKey: string;
  const file = v['dkim-key-file'];
  if (file !== undefined) {
    let size: number;
    try {
      size = statSync(file).size;
    } catch (err) {
      throw new SendUsageError(`--dkim-key-file: cannot read ${file}: ${(err as Error).message}`);
    }
    if (size > MAX_KEY_FILE) throw new SendUsageError(`--dkim-key-file: ${file} is ${size} bytes; a PEM private key is a few kilobytes. Is it the right file?`);
    privateKey = readText('dkim-key-file', file);
  } else {
    const variable = v['dkim-key-env'] ?? profile.dkim?.privateKeyEnv;
    if (!variable) throw new SendUsageError('give the DKIM private key: --dkim-key-env VAR (the variable holding the PEM) or --dkim-key-file PEM.');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new SendUsageError(`--dkim-key-env takes the name of an environment variable, not "${variable}".`);
    privateKey = dkimKeyFromEnv(variable, env);
  }
  return { domain, selector, privateKey };
}

export async function sendCommand(args: string[], io: SendIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        strict: true,
        allowPositionals: false,
        options: {
          profile: { type: 'string' },
          'profile-name': { type: 'string' },
          to: { type: 'string', multiple: true },
          subject: { type: 'string' },
          html: { type: 'string' },
          text: { type: 'string' },
          header: { type: 'string', multiple: true },
          'ca-file': { type: 'string', multiple: true },
          timeout: { type: 'string' },
          transcript: { type: 'boolean' },
          json: { type: 'boolean' },
          'test-connection': { type: 'boolean' },
          'dkim-domain': { type: 'string' },
          'dkim-selector': { type: 'string' },
          'dkim-key-env': { type: 'string' },
          'dkim-key-file': { type: 'string' },
          'no-dkim': { type: 'boolean' },
          db: { type: 'string' },
          'no-history': { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (err) {
      throw new SendUsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
    }
    const v = parsed.values;
    if (v.help) {
      line(io.stdout, SEND_HELP);
      return 0;
    }
    if (!v.profile) throw new SendUsageError('--profile profile.json is required.');
    const { profile, warnings } = parseProfileFile(readText('profile', v.profile), v['profile-name']);
    const ca = (v['ca-file'] ?? []).map((f) => readText('ca-file', f));
    const timeoutMs = v.timeout === undefined ? 15_000 : Number(v.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000) throw new SendUsageError('--timeout takes milliseconds from 100 to 120000.');
    const conn = { timeoutMs, warnings, ...(ca.length ? { ca } : {}) };

    if (v['test-connection']) {
      const secrets = await resolveSecrets(profile, env, io);
      const r = await testConnection(profile, secrets, conn);
      if (v.json) line(io.stdout, JSON.stringify(r));
      else printConnection(io, r);
      return r.ok ? 0 : 2;
    }

    const to = (v.to ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
    if (to.length === 0) throw new SendUsageError('--to ADDRESS is required (repeat it for more recipients).');
    for (const t of to) if (!/^[^@\s<>]+@[^@\s<>]+$/.test(t)) throw new SendUsageError(`--to: "${t}" is not an address (name@domain).`);
    if (!v.subject) throw new SendUsageError('--subject is required.');
    if (!v.html) throw new SendUsageError('--html file.html is required.');
    const html = readText('html', v.html);
    const text = v.text ? readText('text', v.text) : undefined;
    const headers = Object.fromEntries((v.header ?? []).map(parseHeaderFlag));
    // The key is read before the password is asked for: a missing key should not cost typing a password.
    const dkim = dkimRequest(v, profile, env);
    const secrets = await resolveSecrets(profile, env, io);
    if (v.db && v['no-history']) throw new SendUsageError('--db and --no-history cannot be used together.');
    const r = await sendTest({ profile, secrets, to, subject: v.subject, html, ...(text !== undefined ? { text } : {}), headers, ...(dkim ? { dkim } : {}), ...conn });
    // Kept in history like an audit or a check (the app lists it under Test send); --no-history writes nothing.
    let stored: { id?: number; historyError?: string } = {};
    if (!v['no-history'] && !(r.error?.code === 'EDKIM')) {
      let store: HistoryStore | null = null;
      try {
        store = HistoryStore.open(v.db ?? defaultDbPath());
        stored = { id: store.saveSend(r, v.subject) };
      } catch (err) {
        if (!(err instanceof HistoryError)) throw err;
        stored = { historyError: err.message };
      } finally {
        store?.close();
      }
    }
    if (v.json) line(io.stdout, JSON.stringify({ ...r, subject: v.subject, id: stored.id ?? null, ...(stored.historyError ? { historyError: stored.historyError } : {}) }));
    else {
      printSend(io, r, Boolean(v.transcript));
      if (stored.id) line(io.stdout, `stored     test send #${stored.id} in history`);
    }
    if (stored.historyError) line(io.stderr, `warning: not kept in history: ${stored.historyError}`);
    // EDKIM: nothing was sent, because of our side (the key or the DKIM settings): an operational error, not a refusal.
    if (r.error && ((r.error.kind !== 'rejected' && r.error.kind !== 'message') || r.error.code === 'EDKIM')) return 2;
    return r.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof SendUsageError || err instanceof ProfileError || err instanceof PromptAbortedError) {
      line(io.stderr, `deliverlab send: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
