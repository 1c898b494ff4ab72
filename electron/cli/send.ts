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
import { HistoryStore } from '../core/history/store';
import { defaultDbPath } from '../core/paths';
import { parseProfileFile, ProfileError } from '../core/send/profile';
import { sendAndRecord } from '../core/send/record';
import { testConnection } from '../core/send/send';
import type { ConnectionResult, SendResult, TranscriptLine } from '../core/send/types';
import { checkHistoryFlags, COMPOSE_OPTIONS, connectionFlags, dkimRequest, line, messageFlags, parseCommandArgs, readText, resolveSecrets, UsageError } from './compose-options';
import { PromptAbortedError, type PromptIo } from './prompt';
import { untilStopped } from './streams';
import { jsonText, neutralise, neutraliseAll } from './terminal-text';

/** The part of the CLI's io this command uses (structurally the same as index.ts's CliIo). */
export interface SendIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Where a missing password is asked for, when it is a terminal. Without it nothing is asked. */
  stdin?: PromptIo['stdin'];
  /** Aborted on SIGINT/SIGTERM: a send in flight is abandoned (nothing is sent that was not accepted yet). */
  signal?: AbortSignal;
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

function formatTranscript(lines: TranscriptLine[]): string {
  return lines.map((l) => `  ${String(l.ms).padStart(5)} ms ${l.dir}: ${l.text.replace(/\r?\n/g, '\n' + ' '.repeat(14))}`).join('\n');
}

const RECIPIENT_WORD: Record<SendResult['recipients'][number]['status'], string> = { accepted: 'accepted', rejected: 'REJECTED', 'not-sent': 'not sent' };

/** Results on stdout; the send's error on stderr, once (a recipient the server refused is a result, with its reply). */
function printSend(io: SendIo, r: SendResult, transcript: boolean): void {
  for (const w of r.warnings) line(io.stderr, `warning: ${w}`);
  for (const rcpt of r.recipients) {
    line(io.stdout, `${RECIPIENT_WORD[rcpt.status]}  ${rcpt.address}${rcpt.reply ? `  ${rcpt.reply}` : ''}`);
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

export async function sendCommand(args: string[], io: SendIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const v = parseCommandArgs(args, {
      ...COMPOSE_OPTIONS,
      to: { type: 'string', multiple: true },
      transcript: { type: 'boolean' },
      'test-connection': { type: 'boolean' },
    }).values;
    if (v.help) {
      line(io.stdout, SEND_HELP);
      return 0;
    }
    if (!v.profile) throw new UsageError('--profile profile.json is required.');
    const { profile, warnings } = parseProfileFile(readText('profile', v.profile), v['profile-name']);
    const { timeoutMs, ca } = connectionFlags(v);
    const conn = { timeoutMs, warnings, ...(ca.length ? { ca } : {}) };

    if (v['test-connection']) {
      const secrets = await resolveSecrets(profile, env, io);
      const r = await untilStopped(testConnection(profile, secrets, conn), io.signal);
      if (v.json) line(io.stdout, jsonText(r));
      else printConnection(io, neutraliseAll(r));
      return r.ok ? 0 : 2;
    }

    const to = (v.to ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
    if (to.length === 0) throw new UsageError('--to ADDRESS is required (repeat it for more recipients).');
    for (const t of to) if (!/^[^@\s<>]+@[^@\s<>]+$/.test(t)) throw new UsageError(`--to: "${t}" is not an address (name@domain).`);
    if (!v.subject) throw new UsageError('--subject is required.');
    const { html, text, headers } = messageFlags(v);
    // The key is read before the password is asked for: a missing key should not cost typing a password.
    const dkim = dkimRequest(v, profile, env);
    const secrets = await resolveSecrets(profile, env, io);
    checkHistoryFlags(v);
    const r = await sendAndRecord(
      { profile, secrets, to, subject: v.subject, html, ...(text !== undefined ? { text } : {}), headers, ...(dkim ? { dkim } : {}), ...conn, ...(io.signal ? { signal: io.signal } : {}) },
      // Kept in history like an audit or a check (the app lists it under Test send); --no-history writes nothing.
      { store: v['no-history'] ? null : () => HistoryStore.open(v.db ?? defaultDbPath()), keepDkimRefusal: false },
    );
    if (v.json) line(io.stdout, jsonText(r));
    else {
      // Server replies and the transcript are the server's words: shown, never obeyed by the terminal.
      printSend(io, neutraliseAll(r), Boolean(v.transcript));
      if (r.id) line(io.stdout, `stored     test send #${r.id} in history`);
    }
    if (r.historyError) line(io.stderr, `warning: not kept in history: ${neutralise(r.historyError)}`);
    // EDKIM: nothing was sent, because of our side (the key or the DKIM settings): an operational error, not a refusal.
    if (r.error && ((r.error.kind !== 'rejected' && r.error.kind !== 'message') || r.error.code === 'EDKIM')) return 2;
    return r.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof UsageError || err instanceof ProfileError || err instanceof PromptAbortedError) {
      line(io.stderr, `deliverlab send: ${neutralise(err.message)}`);
      return 2;
    }
    throw err;
  }
}
