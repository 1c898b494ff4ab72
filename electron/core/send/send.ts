/**
 * Test sends through the user's own SMTP server, with nodemailer, recorded step by step.
 *
 * Every send returns a result (never throws for a network or server problem): per recipient the
 * server's RCPT reply, the Message-ID, the queue id, timings and the SMTP transcript with
 * credentials redacted, and on failure a code and an explanation a consultant can act on.
 *
 * DKIM signing is done here with mailauth, not with nodemailer's `dkim` option: nodemailer 10 signs
 * only rsa-sha256 and, given an Ed25519 key, sends the message unsigned without an error. The
 * message is composed by nodemailer, signed, checked, and only then submitted byte for byte.
 */
import { isOAuth2 } from '../../shared/mail-login';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { format } from 'node:util';
import { dkimSign } from 'mailauth';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { getDomain } from 'tldts';
import { withDeadline } from '../net/deadline';
import { assertHostAllowed } from '../net/guard';
import { explainTlsFailure, tlsFailureCause, tlsFailureDetail, type TlsWords } from '../net/tls-failure';
import { htmlToText } from './html-text';
import { normalizeDomain, normalizeSelector, type SmtpSecrets } from './profile';
import type { ConnectionResult, DkimSummary, RecipientResult, SendError, SendErrorReason, SendResult, SmtpProfile, TranscriptLine } from './types';

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
  /** Sign the message with DKIM before it is submitted. */
  dkim?: DkimRequest;
  /** Abandons the send (the connection is closed at once): a cancelled placement run. */
  signal?: AbortSignal;
}

export interface DkimRequest {
  /** The signing domain (d=). */
  domain: string;
  selector: string;
  /** The private key as PEM (PKCS#8 or PKCS#1): RSA of at least 1024 bits, or Ed25519. */
  privateKey: string;
  /**
   * The header fields to sign, as names or one colon-separated string; DEFAULT_DKIM_HEADERS when
   * absent. From, and List-Unsubscribe and List-Unsubscribe-Post when the message has them, are
   * always added.
   */
  headerFieldNames?: string[] | string;
}

/**
 * The header fields signed unless the caller lists others.
 *
 * RFC 6376 §5.4.1's recommended set, plus List-Unsubscribe-Post: RFC 8058 §4 makes one-click
 * unsubscribe count only when a DKIM signature covers both List-Unsubscribe and List-Unsubscribe-Post.
 * Fields the message does not have are left out of h=.
 */
export const DEFAULT_DKIM_HEADERS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type',
  'Content-Transfer-Encoding', 'Content-ID', 'Content-Description', 'Resent-Date', 'Resent-From', 'Resent-Sender',
  'Resent-To', 'Resent-Cc', 'Resent-Message-ID', 'In-Reply-To', 'References', 'List-Id', 'List-Help',
  'List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Subscribe', 'List-Post', 'List-Owner', 'List-Archive',
] as const;

/** A PEM key is a few kilobytes; anything far larger is the wrong file. */
const MAX_KEY_PEM = 64 * 1024;
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/** A checked DKIM request, ready to sign with. */
export interface DkimPlan {
  domain: string;
  selector: string;
  algorithm: 'rsa-sha256' | 'ed25519-sha256';
  /** RSA modulus bits, or 256 for Ed25519. */
  keyBits: number;
  headerList: string[];
  privateKey: KeyObject;
  warnings: string[];
}

const dkimError = (explanation: string, reason?: SendErrorReason, params?: Record<string, string>): SendError => ({
  code: 'EDKIM',
  kind: 'message',
  explanation,
  ...(reason ? { reason } : {}),
  ...(params ? { params } : {}),
});

/** The domain of the header From address ("Name <a@b.example>" or "a@b.example"), lower-cased. */
function fromDomainOf(from: string): string | undefined {
  const m = /@([^@\s<>]+)>?\s*$/.exec(from);
  return m?.[1] ? m[1].toLowerCase().replace(/\.$/, '') : undefined;
}

/** Reads the private key, saying in words what is wrong with one that will not do. */
function readDkimKey(pem: string): { key: KeyObject; algorithm: DkimPlan['algorithm']; bits: number; warnings: string[] } | { error: SendError } {
  const text = pem.trim();
  if (text === '') return { error: dkimError('The DKIM private key is empty.') };
  if (text.length > MAX_KEY_PEM) return { error: dkimError(`The DKIM private key is ${text.length} characters long; a PEM key is a few kilobytes. Check that the right file or variable was given.`) };
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(text) || /-----BEGIN CERTIFICATE-----/.test(text)) {
    return { error: dkimError('This is a public key or certificate, not a private key: signing needs the private half (-----BEGIN PRIVATE KEY-----); the public half is what goes in the DNS record.') };
  }
  if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) {
    return { error: dkimError('The DKIM private key is not PEM text: it should start with -----BEGIN PRIVATE KEY----- (or -----BEGIN RSA PRIVATE KEY-----). deliverlab dkim-keygen makes one.', 'dkim-key-not-pem') };
  }
  if (/ENCRYPTED/.test(text)) {
    return { error: dkimError('The DKIM private key is encrypted with a passphrase, which is not supported: give the unencrypted key (keep it in the secret store or an environment variable, not in a plain file).') };
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem' });
  } catch (err) {
    return { error: dkimError(`The DKIM private key could not be read (${(err as Error).message}): the PEM text is damaged or incomplete. Copy the whole key, BEGIN and END lines included.`) };
  }
  if (key.asymmetricKeyType === 'ed25519') return { key, algorithm: 'ed25519-sha256', bits: 256, warnings: [] };
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    // RFC 8301 §3.2: verifiers MUST NOT accept RSA keys under 1024 bits; signers SHOULD use at least 2048.
    if (bits < 1024) return { error: dkimError(`The DKIM key is RSA with ${bits} bits: receivers reject signatures made with keys under 1024 bits (RFC 8301 §3.2). Generate a 2048-bit key (deliverlab dkim-keygen) and publish its record.`, 'dkim-key-short', { bits: String(bits) }) };
    const warnings = bits < 2048 ? [`the DKIM key is RSA with ${bits} bits: RFC 8301 §3.2 asks for at least 2048, and some receivers treat shorter keys as weak. Move to a 2048-bit key.`] : [];
    return { key, algorithm: 'rsa-sha256', bits, warnings };
  }
  const type = key.asymmetricKeyType ?? 'unknown';
  const why =
    type === 'ec'
      ? 'DKIM has no ECDSA algorithm; RFC 8463 adds only Ed25519'
      : type === 'rsa-pss'
        ? 'DKIM signs with RSASSA-PKCS1-v1_5 (RFC 6376 §3.3.1), which an RSA-PSS key cannot do'
        : 'DKIM signs with RSA (RFC 6376 §3.3) or Ed25519 (RFC 8463)';
  return { error: dkimError(`The DKIM key is of type ${type}: ${why}. Use an RSA (2048 bits) or Ed25519 key.`) };
}

/**
 * Checks a DKIM request before anything is sent: the key, d=, s=, the header list, and alignment with From.
 *
 * Returns the plan to sign with, or a SendError (code EDKIM, kind 'message') in words.
 */
export function checkDkim(dkim: DkimRequest, from: string, headers: Record<string, string> = {}): { plan: DkimPlan } | { error: SendError } {
  const domain = normalizeDomain(dkim.domain);
  if (!domain) return { error: dkimError(`The DKIM signing domain "${dkim.domain}" is not a domain name (d= must be a domain you publish the key under, e.g. example.com).`) };
  const selector = normalizeSelector(dkim.selector);
  if (!selector) return { error: dkimError(`The DKIM selector "${dkim.selector}" is not valid: use letters, digits and hyphens, with dots between labels (RFC 6376 §3.1).`) };
  const key = readDkimKey(dkim.privateKey);
  if ('error' in key) return key;

  const requested = typeof dkim.headerFieldNames === 'string' ? dkim.headerFieldNames.split(':') : (dkim.headerFieldNames ?? [...DEFAULT_DKIM_HEADERS]);
  const headerList: string[] = [];
  const has = (name: string) => headerList.some((h) => h.toLowerCase() === name.toLowerCase());
  for (const raw of requested) {
    const name = raw.trim();
    if (name === '') continue;
    if (!FIELD_NAME.test(name)) return { error: dkimError(`"${name}" is not a header field name, so it cannot be signed.`) };
    if (/^dkim-signature$/i.test(name)) return { error: dkimError('A DKIM signature cannot cover its own DKIM-Signature field (RFC 6376 §3.5, h=).') };
    if (!has(name)) headerList.push(name);
  }
  // RFC 6376 §5.4: From MUST be signed.
  if (!has('From')) headerList.unshift('From');
  // RFC 8058 §4: one-click unsubscribe requires both fields under a valid DKIM signature.
  for (const name of ['List-Unsubscribe', 'List-Unsubscribe-Post']) {
    if (Object.keys(headers).some((h) => h.toLowerCase() === name.toLowerCase()) && !has(name)) headerList.push(name);
  }

  const warnings = [...key.warnings];
  const fromDomain = fromDomainOf(from);
  if (fromDomain && fromDomain !== domain) {
    const orgFrom = getDomain(fromDomain);
    const orgD = getDomain(domain);
    // RFC 7489 §3.1.1: relaxed alignment (the default) needs the same organizational domain.
    if (!orgFrom || !orgD || orgFrom !== orgD) {
      warnings.push(
        `the DKIM signing domain d=${domain} does not align with the From domain ${fromDomain}: DMARC passes on DKIM only when d= is the From domain or shares its organizational domain (RFC 7489 §3.1.1), so this signature cannot make DMARC pass. Sign with d=${orgFrom ?? fromDomain}, or send From an address at ${domain}.`,
      );
    }
  }
  return { plan: { domain, selector, algorithm: key.algorithm, keyBits: key.bits, headerList, privateKey: key.key, warnings } };
}

/** Reads d=, s=, a= and h= back from a DKIM-Signature header (RFC 6376 §3.5). */
export function summarizeSignature(header: string): DkimSummary {
  const value = header.replace(/\r?\n[ \t]+/g, ' ').replace(/^DKIM-Signature:\s*/i, '');
  const tags = new Map<string, string>();
  for (const part of value.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) tags.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return {
    domain: tags.get('d') ?? '',
    selector: tags.get('s') ?? '',
    algorithm: tags.get('a') ?? '',
    headers: (tags.get('h') ?? '').split(':').map((h) => h.trim()).filter(Boolean),
  };
}

/** Composes the message as nodemailer would send it, then signs it; the raw bytes and what the signature covers. */
async function composeSigned(mail: Mail.Options, plan: DkimPlan): Promise<{ raw: Buffer; messageId: string; summary: DkimSummary } | { error: SendError }> {
  const node = new MailComposer(mail).compile();
  const raw = await node.build();
  const messageId = node.messageId();
  const key = {
    signingDomain: plan.domain,
    selector: plan.selector,
    privateKey: plan.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    algorithm: plan.algorithm,
    // relaxed/relaxed survives the re-folding and whitespace changes relays make (RFC 6376 §3.4).
    canonicalization: 'relaxed/relaxed',
  };
  // mailauth signs one signature per signatureData entry (the top-level key fields alone sign nothing).
  // strict: refuse anything a verifier might not accept, rather than send a signature that fails.
  const signed = await dkimSign(raw, { ...key, headerList: plan.headerList, strict: true, signatureData: [key] });
  const failure = signed.errors[0];
  if (failure || !signed.signatures) {
    return { error: dkimError(`The message could not be DKIM-signed (${failure ? `${failure.err.code ?? 'error'}: ${failure.err.message}` : 'no signature was produced'}); nothing was sent.`) };
  }
  return { raw: Buffer.concat([Buffer.from(signed.signatures, 'latin1'), raw]), messageId, summary: summarizeSignature(signed.signatures) };
}

/** Extracts Postfix's (or a look-alike's) queue id from the final DATA reply. */
export function parseQueueId(response: string | undefined): string | undefined {
  const m = /queued as ([A-Za-z0-9._-]+)/i.exec(response ?? '');
  return m?.[1];
}

const CERT_ERROR = /certificate|self[- ]signed|UNABLE_TO_VERIFY|CERT_|ERR_TLS|altnames|Hostname\/IP does not match|wrong version number|handshake|SSL routines/i;

const SMTP_TLS_WORDS: TlsWords = {
  starttlsMode: 'plain SMTP with STARTTLS (use "starttls")',
  implicitMode: 'implicit TLS (use "tls")',
  caHint: ' (--ca-file)',
  owner: 'profile',
  noStarttlsAdvice: '',
};

/** Turns an error from nodemailer (or the socket below it) into a code and words. */
export function explainError(err: unknown, profile: Pick<SmtpProfile, 'host' | 'port' | 'security'>): SendError {
  const e = (err ?? {}) as { code?: string; message?: string; response?: string; responseCode?: number; command?: string; reason?: string };
  const message = e.message ?? String(err);
  const code = e.code ?? 'EUNKNOWN';
  const where = `${profile.host}:${profile.port}`;
  const base = { code, ...(e.response ? { response: e.response } : {}), ...(e.responseCode ? { responseCode: e.responseCode } : {}), ...(e.command ? { command: e.command } : {}) };
  if (code === 'EBLOCKED') return { ...base, kind: 'blocked', explanation: message };
  if (code === 'ECANCELLED') return { ...base, kind: 'other', explanation: 'The send was cancelled before the server accepted the message; the connection was closed, so nothing was sent.' };
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
    const why = explainTlsFailure(message, profile, SMTP_TLS_WORDS);
    const untrusted = tlsFailureCause(message) === 'untrusted' ? { reason: 'tls-untrusted' as const, params: { detail: tlsFailureDetail(message) } } : {};
    return { ...base, code: code === 'ESOCKET' || code === 'ECONNECTION' ? 'ETLS' : code, kind: 'tls', explanation: why, ...untrusted };
  }
  if (/ECONNREFUSED/.test(message) || (e as { errno?: string }).errno === 'ECONNREFUSED') {
    return { ...base, code: 'ECONNECTION', kind: 'refused', explanation: `Could not connect to ${where}: connection refused. Nothing accepts connections on ${where}: the server is down, the port is wrong, or a firewall rejects it.` };
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

function transportOptions(profile: SmtpProfile, secrets: SmtpSecrets, opts: ConnectionOptions, logger: TranscriptLogger): SMTPTransport.Options {
  const auth = profile.auth
    ? isOAuth2(profile.auth)
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
async function sendDeadline<T>(transport: { close(): void }, timeoutMs: number, work: Promise<T>, signal?: AbortSignal): Promise<T> {
  const overall = timeoutMs * 4;
  const timedOut = () => Object.assign(new Error(`no result after ${overall} ms`), { code: 'ETIMEDOUT' });
  const cancelled = () => Object.assign(new Error('the send was cancelled'), { code: 'ECANCELLED' });
  try {
    return await withDeadline(work, overall, timedOut, signal ? { signal, error: cancelled } : undefined);
  } finally {
    // Closing mid-dialogue abandons the transaction: a message not yet accepted is never sent.
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

/** What a send composes, and what a draft's spam score is taken on: the headers and parts of the message. */
function mailOptions(req: Pick<SendRequest, 'profile' | 'to' | 'subject' | 'html' | 'text' | 'headers'>): Mail.Options {
  return {
    from: req.profile.from,
    to: req.to,
    subject: req.subject,
    html: req.html,
    text: req.text ?? htmlToText(req.html),
    headers: req.headers ?? {},
  };
}

/**
 * The message exactly as sendTest would submit it: composed by nodemailer as a send composes it, and
 * DKIM-signed as a send signs it. Its Date and Message-ID are new on each call, as on each send.
 */
export async function composeOutgoing(
  req: Pick<SendRequest, 'profile' | 'to' | 'subject' | 'html' | 'text' | 'headers' | 'dkim'>,
): Promise<{ raw: Buffer; messageId: string; dkim?: DkimSummary } | { error: SendError }> {
  const mail = mailOptions(req);
  if (!req.dkim) {
    const node = new MailComposer(mail).compile();
    return { raw: await node.build(), messageId: node.messageId() };
  }
  const checked = checkDkim(req.dkim, req.profile.from, req.headers ?? {});
  if ('error' in checked) return checked;
  const signed = await composeSigned(mail, checked.plan);
  if ('error' in signed) return signed;
  return { raw: signed.raw, messageId: signed.messageId, dkim: signed.summary };
}

export async function sendTest(req: SendRequest): Promise<SendResult> {
  const t0 = Date.now();
  const startedAt = new Date(t0).toISOString();
  const logger = new TranscriptLogger(t0, secretForms(req.profile, req.secrets));
  const warnings = [...(req.warnings ?? [])];
  const base = { profile: req.profile.name, warnings, transcript: logger.lines };
  const fail = (error: SendError): SendResult => ({
    ...base,
    ok: false,
    // The error explains once, for every recipient: repeating it per recipient would say it N times.
    recipients: req.to.map((address) => ({ address, status: 'not-sent' as const })),
    timings: { startedAt, totalMs: Date.now() - t0 },
    error,
  });
  if (req.to.length === 0) return fail({ code: 'EENVELOPE', kind: 'rejected', explanation: 'No recipients were given.' });
  const envelopeFrom = req.profile.envelopeFrom ?? /<?([^<>\s]+@[^<>\s]+)>?\s*$/.exec(req.profile.from)?.[1] ?? req.profile.from;
  const envelope = { from: envelopeFrom, to: req.to };
  const mail = mailOptions(req);
  // DKIM is checked and applied before any connection: a bad key must not cost a half-made send.
  let outgoing: Mail.Options = { ...mail, envelope };
  let signedId: string | undefined;
  let dkim: DkimSummary | undefined;
  if (req.dkim) {
    const checked = checkDkim(req.dkim, req.profile.from, req.headers ?? {});
    if ('error' in checked) return fail(checked.error);
    warnings.push(...checked.plan.warnings);
    let signed: Awaited<ReturnType<typeof composeSigned>>;
    try {
      signed = await composeSigned(mail, checked.plan);
    } catch (err) {
      return fail(dkimError(`The message could not be composed and signed (${(err as Error).message}); nothing was sent.`));
    }
    if ('error' in signed) return fail(signed.error);
    outgoing = { envelope, raw: signed.raw };
    signedId = signed.messageId;
    dkim = signed.summary;
  }
  try {
    await assertHostAllowed(req.profile.host, req.timeoutMs);
  } catch (err) {
    return fail(explainError(err, req.profile));
  }
  const transport = nodemailer.createTransport(transportOptions(req.profile, req.secrets, req, logger));
  try {
    const info = await sendDeadline(transport, req.timeoutMs, transport.sendMail(outgoing), req.signal);
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
      // For a raw (signed) message nodemailer reports an id of its own making, not the one in the message.
      messageId: signedId ?? info.messageId,
      ...(queueId ? { queueId } : {}),
      response: info.response,
      recipients,
      timings: { startedAt, totalMs, acceptedMs: totalMs },
      ...(dkim ? { dkim } : {}),
    };
  } catch (err) {
    const error = explainError(err, req.profile);
    const result = fail(error);
    if (dkim) result.dkim = dkim;
    if (error.kind === 'rejected' || error.kind === 'message') {
      // Every recipient refused (nodemailer throws), or the message refused after DATA: say per
      // recipient what the server said. A recipient refused at RCPT gets its own explanation, and the
      // send's error then only says that none was left; a message refused after DATA is explained once, by the error.
      const replies = rcptReplies(logger.lines);
      result.recipients = req.to.map((address): RecipientResult => {
        const rcptReply = replies.get(address.toLowerCase());
        // Refused before any RCPT (MAIL FROM): no server answered for this address.
        if (error.kind === 'rejected' && !rcptReply) return { address, status: 'not-sent' };
        const reply = rcptReply ?? error.response;
        const responseCode = codeOf(reply);
        const own = error.kind === 'rejected' && rcptReply ? explainError({ code: 'EENVELOPE', response: rcptReply, responseCode, command: 'RCPT TO' }, req.profile).explanation : undefined;
        return { address, status: 'rejected', ...(reply ? { reply } : {}), ...(responseCode ? { responseCode } : {}), ...(own ? { explanation: own } : {}) };
      });
      if (error.kind === 'rejected' && result.recipients.every((r) => r.status === 'rejected' && r.explanation)) {
        result.error = { ...error, explanation: `The server refused every recipient, so nothing was sent.` };
      }
    }
    return result;
  }
}

/** "Test connection": EHLO, STARTTLS and AUTH (nodemailer's verify()), without sending anything. */
export async function testConnection(profile: SmtpProfile, secrets: SmtpSecrets, opts: ConnectionOptions): Promise<ConnectionResult> {
  const t0 = Date.now();
  const logger = new TranscriptLogger(t0, secretForms(profile, secrets));
  const base = { profile: profile.name, transcript: logger.lines, warnings: [...(opts.warnings ?? [])] };
  try {
    await assertHostAllowed(profile.host, opts.timeoutMs);
    const transport = nodemailer.createTransport(transportOptions(profile, secrets, opts, logger));
    await sendDeadline(transport, opts.timeoutMs, transport.verify());
    return { ...base, ok: true, timings: { startedAt: new Date(t0).toISOString(), totalMs: Date.now() - t0 } };
  } catch (err) {
    return { ...base, ok: false, timings: { startedAt: new Date(t0).toISOString(), totalMs: Date.now() - t0 }, error: explainError(err, profile) };
  }
}
