/**
 * Test sends through the user's own SMTP server, with nodemailer, recorded step by step.
 *
 * Every send returns a result (never throws for a network or server problem): per recipient the
 * server's RCPT reply, the Message-ID, the queue id, timings and the SMTP transcript with
 * credentials redacted, and on failure a code and an explanation a consultant can act on.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { format } from 'node:util';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { assertConnectAllowed } from '../net/guard';
import { htmlToText } from './html-text';
import type { SmtpProfile, SmtpSecrets } from './profile';

export interface TranscriptLine {
  /** C: client command, S: server reply, *: a note from the client library. */
  dir: 'C' | 'S' | '*';
  text: string;
  /** Milliseconds since the send started. */
  ms: number;
}

export type SendErrorKind = 'auth' | 'tls' | 'refused' | 'timeout' | 'dns' | 'rejected' | 'message' | 'protocol' | 'blocked' | 'other';

export interface SendError {
  /** nodemailer's code (EAUTH, ETLS, ECONNECTION, ETIMEDOUT, EENVELOPE, EMESSAGE, ...). */
  code: string;
  kind: SendErrorKind;
  explanation: string;
  response?: string;
  responseCode?: number;
  /** The SMTP command that failed, when known. */
  command?: string;
}

export interface RecipientResult {
  address: string;
  status: 'accepted' | 'rejected';
  /** The server's reply to RCPT TO (or to the message, for a rejection after DATA). */
  reply?: string;
  responseCode?: number;
  explanation?: string;
}

export interface SendResult {
  ok: boolean;
  profile: string;
  messageId?: string;
  /** Postfix's queue id, from "250 2.0.0 Ok: queued as XYZ". */
  queueId?: string;
  /** The server's final reply to the message data. */
  response?: string;
  recipients: RecipientResult[];
  timings: { startedAt: string; totalMs: number; acceptedMs?: number };
  transcript: TranscriptLine[];
  warnings: string[];
  error?: SendError;
}

export interface ConnectionOptions {
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM), e.g. a test lab's. */
  ca?: string[];
  /** Warnings from profile validation, carried into the result. */
  warnings?: string[];
}

export interface SendRequest extends ConnectionOptions {
  profile: SmtpProfile;
  secrets: SmtpSecrets;
  to: string[];
  subject: string;
  html: string;
  text?: string;
  headers?: Record<string, string>;
}

/** Extracts Postfix's (or a look-alike's) queue id from the final DATA reply. */
export function parseQueueId(response: string | undefined): string | undefined {
  const m = /queued as ([A-Za-z0-9._-]+)/i.exec(response ?? '');
  return m?.[1];
}

const CERT_ERROR = /certificate|self[- ]signed|UNABLE_TO_VERIFY|CERT_|ERR_TLS|altnames|Hostname\/IP does not match|wrong version number|handshake|SSL routines/i;

/** Turns an error from nodemailer (or the socket below it) into a code and words. */
export function explainError(err: unknown, profile: Pick<SmtpProfile, 'host' | 'port' | 'security'>): SendError {
  const e = (err ?? {}) as { code?: string; message?: string; response?: string; responseCode?: number; command?: string; reason?: string };
  const message = e.message ?? String(err);
  const code = e.code ?? 'EUNKNOWN';
  const where = `${profile.host}:${profile.port}`;
  const base = { code, ...(e.response ? { response: e.response } : {}), ...(e.responseCode ? { responseCode: e.responseCode } : {}), ...(e.command ? { command: e.command } : {}) };
  if (code === 'EBLOCKED') return { ...base, kind: 'blocked', explanation: message };
  if (code === 'EAUTH' || code === 'ENOAUTH' || code === 'EOAUTH2') {
    const explanation =
      code === 'ENOAUTH'
        ? 'The profile has a user but no password or token was supplied.'
        : e.responseCode === 535 || /535/.test(e.response ?? '')
          ? `The server refused the login (${e.response ?? '535'}): the user name or password is wrong. For Gmail, Outlook and Yahoo with two-step verification use an app password or an OAuth2 token, not the account password.`
          : /AUTH|authentication mechanism|not supported/i.test(message) && !e.responseCode
            ? `The server offers no authentication this client can use before encryption${profile.security === 'none' ? '; servers only offer AUTH after STARTTLS, so use "starttls" or "tls"' : ''} (${message}).`
            : `Authentication failed: ${e.response ?? message}.`;
    return { ...base, kind: 'auth', explanation };
  }
  if (code === 'ETLS' || code === 'EREQUIRETLS' || ((code === 'ESOCKET' || code === 'ECONNECTION') && CERT_ERROR.test(message))) {
    let why = `TLS with ${where} failed: ${message}.`;
    if (/self[- ]signed|UNABLE_TO_VERIFY|unable to verify|unable to get (local )?issuer/i.test(message)) {
      why = `The server's certificate is not signed by a certificate authority this machine trusts (${message}). If it is a private or test server, pass its CA certificate (--ca-file); otherwise the server needs a certificate from a public CA.`;
    } else if (/altnames|Hostname\/IP does not match|ERR_TLS_CERT_ALTNAME_INVALID/i.test(message)) {
      why = `The server's certificate is for a different name than "${profile.host}" (${message}). Connect using the host name the certificate names.`;
    } else if (/expired|CERT_HAS_EXPIRED/i.test(message)) {
      why = `The server's certificate has expired (${message}).`;
    } else if (/wrong version number|packet length too long|unknown protocol/i.test(message)) {
      why = `The server did not answer with TLS: port ${profile.port} probably speaks ${profile.security === 'tls' ? 'plain SMTP with STARTTLS (use "starttls")' : 'implicit TLS (use "tls")'} (${message}).`;
    } else if (/STARTTLS/i.test(message)) {
      why = `The server does not offer STARTTLS on port ${profile.port}, and the profile requires encryption (${message}).`;
    }
    return { ...base, code: code === 'ESOCKET' || code === 'ECONNECTION' ? 'ETLS' : code, kind: 'tls', explanation: why };
  }
  if (/ECONNREFUSED/.test(message) || (e as { errno?: string }).errno === 'ECONNREFUSED') {
    return { ...base, code: 'ECONNECTION', kind: 'refused', explanation: `Nothing accepts connections on ${where}: the server is down, the port is wrong, or a firewall rejects it (${message}).` };
  }
  if (code === 'ETIMEDOUT' || /timeout|timed out/i.test(message)) {
    return { ...base, code: 'ETIMEDOUT', kind: 'timeout', explanation: `${where} did not answer in time (${message}). A firewall may be dropping the connection (providers often block outgoing port 25), or the server is overloaded.` };
  }
  if (code === 'EDNS' || /ENOTFOUND|EAI_AGAIN/.test(message)) {
    return { ...base, code: 'EDNS', kind: 'dns', explanation: `The host name "${profile.host}" could not be resolved (${message}).` };
  }
  if (code === 'EENVELOPE') {
    const rc = e.responseCode;
    const explanation =
      rc && rc >= 500
        ? `The server permanently refused ${e.command?.startsWith('MAIL') ? 'the sender' : 'the recipient'} (${e.response ?? message}). ${e.command?.startsWith('MAIL') ? 'The envelope sender may not be allowed for this login.' : 'The mailbox may not exist, or the server does not relay to that domain for this login.'}`
        : rc && rc >= 400
          ? `The server temporarily refused (${e.response ?? message}); try again later (greylisting or rate limits).`
          : `The envelope was refused: ${e.response ?? message}.`;
    return { ...base, kind: 'rejected', explanation };
  }
  if (code === 'EMESSAGE') {
    return { ...base, kind: 'message', explanation: `The server refused the message after reading it (${e.response ?? message}): content filter, size limit or policy (e.g. DMARC or DKIM) rejection.` };
  }
  if (code === 'ECONNECTION' || code === 'ESOCKET') {
    return { ...base, kind: 'refused', explanation: `The connection to ${where} failed or was closed by the server (${message}).` };
  }
  if (code === 'EPROTOCOL') return { ...base, kind: 'protocol', explanation: `The server answered something this client did not expect (${e.response ?? message}).` };
  return { ...base, kind: 'other', explanation: message };
}

/** Collects nodemailer's transaction log as a transcript, hiding credentials. */
class TranscriptLogger {
  readonly lines: TranscriptLine[] = [];
  private inAuth = false;
  constructor(
    private readonly t0: number,
    private readonly secrets: string[],
  ) {}

  private add(entry: unknown, message: unknown, args: unknown[]): void {
    const tnx = (entry as { tnx?: string } | undefined)?.tnx;
    let text = typeof message === 'string' ? format(message, ...args) : format(message, ...args);
    const dir: TranscriptLine['dir'] = tnx === 'client' ? 'C' : tnx === 'server' ? 'S' : '*';
    if (dir === 'C') {
      // RFC 4954 §4: the initial response after AUTH <mech>, and every client line until the
      // server's final 235/5xx, is a credential.
      const auth = /^(AUTH\s+\S+)(\s+.*)?$/i.exec(text);
      if (auth) {
        this.inAuth = true;
        if (auth[2] && !auth[2].includes('/* secret */')) text = `${auth[1]} /* secret */`;
      } else if (this.inAuth && !text.includes('/* secret */')) {
        text = '/* secret */';
      }
    } else if (dir === 'S' && this.inAuth && !/^334/.test(text)) {
      this.inAuth = false;
    }
    for (const secret of this.secrets) if (secret) text = text.split(secret).join('/* secret */');
    this.lines.push({ dir, text, ms: Date.now() - this.t0 });
  }

  level(): void {}
  trace(): void {}
  debug(entry: unknown, message: unknown, ...args: unknown[]): void {
    // The message source itself is logged as tnx 'message': the transcript keeps only its size
    // (from info below), so a large newsletter does not bury the dialogue.
    if ((entry as { tnx?: string } | undefined)?.tnx === 'message') return;
    this.add(entry, message, args);
  }
  info(entry: unknown, message: unknown, ...args: unknown[]): void {
    const tnx = (entry as { tnx?: string } | undefined)?.tnx;
    // Keep connection notes (connected, TLS upgraded, message size), not nodemailer's set-up chatter.
    if (tnx === 'network' || tnx === 'smtp' || tnx === 'message') this.add({}, message, args);
  }
  warn(entry: unknown, message: unknown, ...args: unknown[]): void {
    this.add({}, message, args);
  }
  error(entry: unknown, message: unknown, ...args: unknown[]): void {
    this.add({}, message, args);
  }
  fatal(entry: unknown, message: unknown, ...args: unknown[]): void {
    this.add({}, message, args);
  }
}

/** Every form a secret could take in the transcript: itself and base64 of the AUTH payloads. */
function secretForms(profile: SmtpProfile, secrets: SmtpSecrets): string[] {
  const user = profile.auth?.user ?? '';
  const out: string[] = [];
  for (const s of [secrets.password, secrets.oauth2Token]) {
    if (!s) continue;
    out.push(s, Buffer.from(s).toString('base64'), Buffer.from(`\0${user}\0${s}`).toString('base64'));
    out.push(Buffer.from(`user=${user}\x01auth=Bearer ${s}\x01\x01`).toString('base64'));
  }
  return out;
}

async function guardHost(host: string, timeoutMs: number): Promise<void> {
  if (process.env.DELIVERLAB_LOOPBACK_ONLY !== '1') return;
  if (isIP(host)) return assertConnectAllowed(host);
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(Object.assign(new Error(`resolving ${host} timed out`), { code: 'EDNS' })), timeoutMs).unref());
  const addresses = await Promise.race([lookup(host, { all: true }), timer]);
  for (const a of addresses) assertConnectAllowed(a.address);
}

function transportOptions(profile: SmtpProfile, secrets: SmtpSecrets, opts: ConnectionOptions, logger: TranscriptLogger): SMTPTransport.Options {
  const auth = profile.auth
    ? 'oauth2TokenEnv' in profile.auth
      ? { type: 'OAuth2' as const, user: profile.auth.user, accessToken: secrets.oauth2Token ?? '' }
      : { user: profile.auth.user, pass: secrets.password ?? '' }
    : undefined;
  return {
    host: profile.host,
    port: profile.port,
    secure: profile.security === 'tls',
    // 'starttls' must not fall back to plain text when the server does not offer STARTTLS.
    requireTLS: profile.security === 'starttls',
    ignoreTLS: profile.security === 'none',
    ...(auth ? { auth } : {}),
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(opts.ca?.length ? { ca: opts.ca } : {}) },
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
    dnsTimeout: opts.timeoutMs,
    logger: logger as unknown as SMTPTransport.Options['logger'],
    debug: true,
    transactionLog: true,
  };
}

/** Runs `work` with an overall deadline a little beyond the per-step timeouts, closing the transport either way. */
async function withDeadline<T>(transport: { close(): void }, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const overall = timeoutMs * 4;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`no result after ${overall} ms`), { code: 'ETIMEDOUT' })), overall);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}

/** Pairs each RCPT TO command with the server's reply to it, in order (replies come back in command order, RFC 2920 §3.1). */
function rcptReplies(lines: TranscriptLine[]): Map<string, string> {
  const pending: string[] = [];
  const replies = new Map<string, string>();
  let greeted = false;
  for (const line of lines) {
    if (line.dir === 'C') pending.push(line.text);
    else if (line.dir === 'S') {
      if (!greeted && pending.length === 0) {
        greeted = true;
        continue;
      }
      const cmd = pending.shift();
      const rcpt = cmd && /^RCPT TO:\s*<([^>]*)>/i.exec(cmd);
      if (rcpt?.[1]) replies.set(rcpt[1].toLowerCase(), line.text);
    }
  }
  return replies;
}

const codeOf = (reply: string | undefined) => (reply && /^\d{3}/.test(reply) ? Number(reply.slice(0, 3)) : undefined);

export async function sendTest(req: SendRequest): Promise<SendResult> {
  const t0 = Date.now();
  const startedAt = new Date(t0).toISOString();
  const logger = new TranscriptLogger(t0, secretForms(req.profile, req.secrets));
  const warnings = [...(req.warnings ?? [])];
  const base = { profile: req.profile.name, warnings, transcript: logger.lines };
  const fail = (error: SendError): SendResult => ({
    ...base,
    ok: false,
    recipients: req.to.map((address) => ({ address, status: 'rejected' as const, explanation: 'not sent: ' + error.explanation })),
    timings: { startedAt, totalMs: Date.now() - t0 },
    error,
  });
  if (req.to.length === 0) return fail({ code: 'EENVELOPE', kind: 'rejected', explanation: 'No recipients were given.' });
  try {
    await guardHost(req.profile.host, req.timeoutMs);
  } catch (err) {
    return fail(explainError(err, req.profile));
  }
  const transport = nodemailer.createTransport(transportOptions(req.profile, req.secrets, req, logger));
  const envelopeFrom = req.profile.envelopeFrom ?? /<?([^<>\s]+@[^<>\s]+)>?\s*$/.exec(req.profile.from)?.[1] ?? req.profile.from;
  try {
    const info = await withDeadline(
      transport,
      req.timeoutMs,
      transport.sendMail({
        from: req.profile.from,
        to: req.to,
        envelope: { from: envelopeFrom, to: req.to },
        subject: req.subject,
        html: req.html,
        text: req.text ?? htmlToText(req.html),
        headers: req.headers ?? {},
      }),
    );
    const totalMs = Date.now() - t0;
    const replies = rcptReplies(logger.lines);
    const rejectedErrors = (info as { rejectedErrors?: { recipient?: string; response?: string; responseCode?: number }[] }).rejectedErrors ?? [];
    const accepted = new Set((info.accepted as (string | { address: string })[]).map((a) => (typeof a === 'string' ? a : a.address).toLowerCase()));
    const recipients: RecipientResult[] = req.to.map((address) => {
      const reply = replies.get(address.toLowerCase()) ?? rejectedErrors.find((r) => r.recipient?.toLowerCase() === address.toLowerCase())?.response;
      const responseCode = codeOf(reply);
      if (accepted.has(address.toLowerCase())) return { address, status: 'accepted', ...(reply ? { reply } : {}), ...(responseCode ? { responseCode } : {}) };
      const explanation = explainError({ code: 'EENVELOPE', response: reply, responseCode, command: 'RCPT TO' }, req.profile).explanation;
      return { address, status: 'rejected', ...(reply ? { reply } : {}), ...(responseCode ? { responseCode } : {}), explanation };
    });
    const queueId = parseQueueId(info.response);
    return {
      ...base,
      ok: recipients.every((r) => r.status === 'accepted'),
      messageId: info.messageId,
      ...(queueId ? { queueId } : {}),
      response: info.response,
      recipients,
      timings: { startedAt, totalMs, acceptedMs: totalMs },
    };
  } catch (err) {
    const error = explainError(err, req.profile);
    const result = fail(error);
    if (error.kind === 'rejected' || error.kind === 'message') {
      // Every recipient refused (nodemailer throws), or the message refused after DATA: say per recipient what the server said.
      const replies = rcptReplies(logger.lines);
      result.recipients = req.to.map((address) => {
        const reply = replies.get(address.toLowerCase()) ?? error.response;
        const responseCode = codeOf(reply);
        return { address, status: 'rejected', ...(reply ? { reply } : {}), ...(responseCode ? { responseCode } : {}), explanation: error.explanation };
      });
    }
    return result;
  }
}

export interface ConnectionResult {
  ok: boolean;
  profile: string;
  timings: { startedAt: string; totalMs: number };
  transcript: TranscriptLine[];
  warnings: string[];
  error?: SendError;
}

/** "Test connection": EHLO, STARTTLS and AUTH (nodemailer's verify()), without sending anything. */
export async function testConnection(profile: SmtpProfile, secrets: SmtpSecrets, opts: ConnectionOptions): Promise<ConnectionResult> {
  const t0 = Date.now();
  const logger = new TranscriptLogger(t0, secretForms(profile, secrets));
  const base = { profile: profile.name, transcript: logger.lines, warnings: [...(opts.warnings ?? [])] };
  try {
    await guardHost(profile.host, opts.timeoutMs);
    const transport = nodemailer.createTransport(transportOptions(profile, secrets, opts, logger));
    await withDeadline(transport, opts.timeoutMs, transport.verify());
    return { ...base, ok: true, timings: { startedAt: new Date(t0).toISOString(), totalMs: Date.now() - t0 } };
  } catch (err) {
    return { ...base, ok: false, timings: { startedAt: new Date(t0).toISOString(), totalMs: Date.now() - t0 }, error: explainError(err, profile) };
  }
}
