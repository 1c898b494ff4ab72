/**
 * `deliverlab send`: a test message through the user's own SMTP server, from a profile file.
 *
 * Secrets come only from the environment variable the profile names, never from the file or a
 * flag (flags end up in shell history). Exit codes: 0 every recipient accepted, 1 any refused,
 * 2 a usage or operational error (auth refused, TLS failure, connection refused, missing variable).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseProfileFile, ProfileError, secretsFromEnv } from '../core/send/profile';
import { sendTest, testConnection, type ConnectionResult, type SendResult, type TranscriptLine } from '../core/send/send';

/** The part of the CLI's io this command uses (structurally the same as index.ts's CliIo). */
export interface SendIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const SEND_HELP = `Usage:
  deliverlab send --profile profile.json [--profile-name N] --to ADDRESS [--to ...] --subject S
                  --html file.html [--text file.txt] [--header 'Name: value']... [--ca-file PEM]...
                  [--timeout MS] [--transcript] [--json]
  deliverlab send --profile profile.json [--profile-name N] --test-connection [--ca-file PEM] [--json]

The profile file (JSON, one profile or a list) holds host, port, security (starttls | tls | none),
auth { user, passwordEnv } or { user, oauth2TokenEnv }, from and envelopeFrom. The password is read
from the variable passwordEnv names, DELIVERLAB_SMTP_PASSWORD by default; never put it in the file.
Without --text a plain-text part is generated from the HTML.

Exit codes: 0 every recipient accepted, 1 a recipient refused, 2 a usage or operational error.`;

class SendUsageError extends Error {}

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
    const secrets = secretsFromEnv(profile, env);
    const ca = (v['ca-file'] ?? []).map((f) => readText('ca-file', f));
    const timeoutMs = v.timeout === undefined ? 15_000 : Number(v.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000) throw new SendUsageError('--timeout takes milliseconds from 100 to 120000.');
    const conn = { timeoutMs, warnings, ...(ca.length ? { ca } : {}) };

    if (v['test-connection']) {
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
    const r = await sendTest({ profile, secrets, to, subject: v.subject, html, ...(text !== undefined ? { text } : {}), headers, ...conn });
    if (v.json) line(io.stdout, JSON.stringify(r));
    else printSend(io, r, Boolean(v.transcript));
    if (r.error && r.error.kind !== 'rejected' && r.error.kind !== 'message') return 2;
    return r.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof SendUsageError || err instanceof ProfileError) {
      line(io.stderr, `deliverlab send: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
