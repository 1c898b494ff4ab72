/**
 * IMAP connections to seed mailboxes (imapflow), with deadlines, and "test connection".
 *
 * Every step has a deadline: imapflow's own connect/greeting/socket timeouts, and an overall one
 * around connect + login, because a server that accepts TCP and then never answers LOGIN would
 * otherwise hold a seed for minutes. Errors come back as an ImapErrorInfo in words, never thrown.
 */
import { isOAuth2 } from '../../shared/mail-login';
import { ImapFlow, type ImapFlowOptions, type ListResponse } from 'imapflow';
import { connect } from 'node:net';
import { withTimeout } from '../net/deadline';
import { assertHostAllowed } from '../net/guard';
import { explainTlsFailure, tlsFailureCause, tlsFailureDetail, type TlsWords } from '../net/tls-failure';
import { detectFolderRoles, otherFolders } from './folders';
import type { ImapErrorInfo, Seed, SeedSecrets, SeedTestResult } from './types';

export interface ImapConnectOptions {
  /** Deadline for each step (connect, greeting, a command), in ms. */
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM), e.g. a test lab's. */
  ca?: string[];
  /** The TLS server name, when `seed.host` is an IP address or differs from the certificate's name. */
  servername?: string;
  /** Caps on what the server may send. */
  limits?: ReadLimits;
}

export interface ClientTuning {
  /** Ms of quiet before imapflow enters IDLE by itself. */
  autoIdleDelay?: number;
  disableAutoIdle?: boolean;
  /** Bytes the server may send over this connection (shared by a session's connections), see ByteBudget. */
  budget?: ByteBudget;
  /** Told when the server's first line arrives: the server is alive, whatever it says next. */
  onGreeting?: () => void;
}

/**
 * Default cap on what a session reads from a server between two poll rounds (and during connect
 * and the first pass): probes are a few KB, a SELECT a few hundred bytes, so 32 MB is generous.
 */
export const DEFAULT_BYTE_BUDGET = 32 * 1024 * 1024;
/**
 * Default cap on lines in the same window. Bytes alone do not bound memory: a LIST line of 50
 * bytes becomes an object of ~800 bytes, so 32 MB of LIST costs over 500 MB of heap. A real
 * mailbox lists a few thousand folders at most.
 */
export const DEFAULT_LINE_BUDGET = 50_000;
/** Default cap on one response (line, literal or whole answer): a probe's header block is a few KB. */
export const DEFAULT_MAX_RESPONSE = 4 * 1024 * 1024;
/** Default cap on the tokens of one response: a LIST entry is ~6 tokens, a FETCH of a header ~10. */
export const DEFAULT_MAX_TOKENS = 200_000;

/** Limits on what a server may send (tests pass small ones, so a hostile peer stays cheap). */
export interface ReadLimits {
  /** Bytes per session (all its connections together) between poll rounds, default DEFAULT_BYTE_BUDGET. */
  maxSessionBytes?: number;
  /** Lines in the same window, default DEFAULT_LINE_BUDGET. */
  maxSessionLines?: number;
  /** Bytes per response (each line, literal, and a whole response), default DEFAULT_MAX_RESPONSE. */
  maxResponseBytes?: number;
}

/**
 * Counts the bytes a server sends over one or more connections and closes them past a limit.
 *
 * imapflow bounds one response (maxLiteralSize and friends) but not a stream of small ones: a LIST
 * that never ends grows its result array until the process runs out of memory. The count is taken
 * where imapflow reads the socket, synchronously, so a flood cannot outrun a timer.
 */
export class ByteBudget {
  used = 0;
  lines = 0;
  /** The error raised once the limit was passed (code ETOOMUCHDATA), for explainImapError. */
  exceeded: (Error & { code: string }) | undefined;
  private readonly clients = new Set<ImapFlow>();
  constructor(
    readonly limit: number,
    private readonly onExceeded?: (err: Error & { code: string }) => void,
    readonly lineLimit = DEFAULT_LINE_BUDGET,
  ) {}

  /** A budget from the caller's limits. */
  static of(limits: ReadLimits | undefined, onExceeded?: (err: Error & { code: string }) => void): ByteBudget {
    return new ByteBudget(Math.max(1024, limits?.maxSessionBytes ?? DEFAULT_BYTE_BUDGET), onExceeded, Math.max(100, limits?.maxSessionLines ?? DEFAULT_LINE_BUDGET));
  }

  /** Starts a new window: a watch that lasts hours reads far more than one window in total. */
  reset(): void {
    this.used = 0;
    this.lines = 0;
  }

  private fail(what: string): void {
    this.exceeded = Object.assign(new Error(`the server sent more than ${what} in one exchange (${this.used} bytes, ${this.lines} lines read)`), { code: 'ETOOMUCHDATA' });
    this.onExceeded?.(this.exceeded);
    // Closing from inside the reader: the bytes beyond the limit are never parsed.
    for (const c of this.clients) c.close();
  }

  /** Hooks the client's reader; call before connect. */
  attach(client: ImapFlow): void {
    this.clients.add(client);
    const streamer = (client as unknown as { streamer?: { _transform?: (chunk: Buffer | string, enc: BufferEncoding, next: (err?: Error | null) => void) => void } }).streamer;
    const transform = streamer?._transform;
    if (!streamer || typeof transform !== 'function') return;
    const original = transform.bind(streamer);
    streamer._transform = (chunk, enc, next) => {
      if (this.exceeded) return next();
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, enc) : chunk;
      this.used += buf.length;
      for (let at = buf.indexOf(10); at >= 0; at = buf.indexOf(10, at + 1)) this.lines++;
      if (this.used > this.limit) this.fail(`${this.limit} bytes`);
      else if (this.lines > this.lineLimit) this.fail(`${this.lineLimit} lines`);
      if (this.exceeded) return next();
      original(buf, enc, next);
    };
  }
}

export function imapOptions(seed: Seed, secrets: SeedSecrets, opts: ImapConnectOptions, tuning: ClientTuning = {}): ImapFlowOptions {
  const oauth = isOAuth2(seed.auth);
  const maxResponse = Math.max(1024, opts.limits?.maxResponseBytes ?? DEFAULT_MAX_RESPONSE);
  return {
    host: seed.host,
    port: seed.port,
    secure: seed.security === 'tls',
    // 'starttls' must never fall back to clear text when the server does not offer STARTTLS.
    doSTARTTLS: seed.security === 'starttls' ? true : seed.security === 'none' ? false : undefined,
    ...(opts.servername ? { servername: opts.servername } : {}),
    auth: oauth ? { user: seed.auth.user, accessToken: secrets.oauth2Token ?? '' } : { user: seed.auth.user, pass: secrets.password ?? '' },
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(opts.ca?.length ? { ca: opts.ca } : {}), ...(opts.servername ? { servername: opts.servername } : {}) },
    logger: false,
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    // Longer than the greeting timeout, so a port that never greets (implicit TLS spoken to a
    // STARTTLS client) is reported as such and not as a generic socket timeout.
    socketTimeout: Math.round(opts.timeoutMs * 1.5),
    // Probes are small; COMPRESS only costs CPU with forty connections open.
    disableCompression: true,
    // imapflow's defaults allow a 1 GB literal and 2 GB responses: a hostile server could make the
    // watcher hold gigabytes. A probe's header block is a few KB. The response cap sits above the
    // literal cap, as imapflow asks (the response also carries the literal's framing).
    maxLiteralSize: maxResponse,
    maxLineLength: maxResponse,
    maxResponseSize: maxResponse + 64 * 1024,
    maxResponseTokens: DEFAULT_MAX_TOKENS,
    ...(tuning.autoIdleDelay !== undefined ? { autoIdleDelay: tuning.autoIdleDelay } : {}),
    ...(tuning.disableAutoIdle ? { disableAutoIdle: true } : {}),
  };
}

/**
 * Connects and logs in, within 2 × timeoutMs overall; closes the client on any failure.
 *
 * Throws the raw error (give it to explainImapError); `onClient` sees the client before connect so a
 * caller that is stopped meanwhile can close it.
 */
export async function connectImap(seed: Seed, secrets: SeedSecrets, opts: ImapConnectOptions, tuning: ClientTuning = {}, onClient?: (c: ImapFlow) => void): Promise<ImapFlow> {
  await assertHostAllowed(seed.host, opts.timeoutMs);
  if (!secrets.password && !secrets.oauth2Token) throw Object.assign(new Error('no password or token was supplied'), { code: 'ENOAUTH' });
  const client = new ImapFlow(imapOptions(seed, secrets, opts, tuning));
  // imapflow emits 'error' for socket failures after connect; without a listener Node would throw.
  client.on('error', () => undefined);
  const budget = tuning.budget ?? ByteBudget.of(opts.limits);
  budget.attach(client);
  let wrongPort: Error | undefined;
  watchGreeting(client, (line) => {
    // RFC 5321 §4.2: an SMTP server greets with 220. imapflow would wait for "* OK" until its
    // greeting timeout and then blame the TLS mode; say what the port really speaks, at once.
    if (/^220[ -]/.test(line)) {
      wrongPort = smtpPortError(seed, line);
      client.close();
      return;
    }
    tuning.onGreeting?.();
  });
  onClient?.(client);
  try {
    await withTimeout(client.connect(), opts.timeoutMs * 2, `connecting to ${seed.host}:${seed.port}`);
    return client;
  } catch (err) {
    client.close();
    // The budget's error when it was passed: the close it caused is not the story.
    if (budget.exceeded) throw budget.exceeded;
    if (wrongPort) throw wrongPort;
    // TLS spoken to a clear-text port fails on the server's first bytes; when those are an SMTP
    // greeting, that is the news, not the TLS mode.
    if (seed.security === 'tls' && NOT_TLS.test((err as Error)?.message ?? '')) {
      const banner = await readBanner(seed.host, seed.port, Math.min(opts.timeoutMs, BANNER_PROBE_MS));
      if (banner !== undefined && /^220[ -]/.test(banner)) throw smtpPortError(seed, banner);
    }
    throw err;
  }
}

/** What a TLS client says when the server's first bytes are not a TLS record. */
const NOT_TLS = /wrong version number|packet length too long|unknown protocol|record layer failure|http request|ssl3_get_record/i;
/** The deadline of the clear-text look at a port that did not speak TLS. */
const BANNER_PROBE_MS = 3_000;

function smtpPortError(seed: Pick<Seed, 'host' | 'port'>, line: string): Error & { code: string } {
  const said = line.replace(/[\r\n]+$/, '').slice(0, 160);
  return Object.assign(new Error(`${seed.host}:${seed.port} greeted with "${said}"`), { code: 'ESMTPPORT', greeting: said });
}

/** Calls `onLine` once with the server's first line (at most 1 KB), as imapflow reads it. */
function watchGreeting(client: ImapFlow, onLine: (line: string) => void): void {
  const streamer = (client as unknown as { streamer?: { _transform?: (chunk: Buffer | string, enc: BufferEncoding, next: (err?: Error | null) => void) => void } }).streamer;
  const transform = streamer?._transform;
  if (!streamer || typeof transform !== 'function') return;
  const original = transform.bind(streamer);
  let seen = '';
  let done = false;
  streamer._transform = (chunk, enc, next) => {
    if (!done) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, enc) : chunk;
      seen += buf.toString('latin1');
      const lf = seen.indexOf('\n');
      if (lf >= 0 || seen.length >= 1024) {
        done = true;
        onLine(lf >= 0 ? seen.slice(0, lf) : seen);
        if (client.isClosed) return next();
      }
    }
    original(chunk, enc, next);
  };
}

/** The first line a clear-text server sends on connect, or undefined (nothing within the deadline). */
function readBanner(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect({ host, port });
    const end = (value: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => end(text || undefined), timeoutMs);
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const lf = text.indexOf('\n');
      if (lf >= 0 || text.length >= 1024) end(lf >= 0 ? text.slice(0, lf) : text);
    });
    socket.on('error', () => end(undefined));
    socket.on('close', () => end(text || undefined));
  });
}

const IMAP_TLS_WORDS: TlsWords = {
  starttlsMode: 'plain IMAP with STARTTLS (use "starttls", usually port 143)',
  implicitMode: 'implicit TLS (use "tls", usually port 993)',
  caHint: '',
  owner: 'seed',
  noStarttlsAdvice: ' Use "tls" on port 993, if the server offers it.',
};

const CERT_ERROR = /certificate|self[- ]signed|UNABLE_TO_VERIFY|CERT_|ERR_TLS|altnames|Hostname\/IP does not match|wrong version number|packet length too long|unknown protocol|handshake|SSL routines|STARTTLS/i;

interface RawImapError {
  code?: string;
  message?: string;
  authenticationFailed?: boolean;
  serverResponseCode?: string;
  responseText?: string;
  response?: string;
  errno?: string;
  cause?: unknown;
}

/**
 * Every form a secret could take in a server's echo: itself, IMAP-quoted (RFC 3501 §4.3), and the
 * base64 of the AUTHENTICATE PLAIN (RFC 4616) and XOAUTH2 payloads.
 */
export function secretForms(user: string, secrets: SeedSecrets | undefined): string[] {
  const out: string[] = [];
  for (const s of [secrets?.password, secrets?.oauth2Token]) {
    if (!s) continue;
    out.push(s, s.replace(/[\\"]/g, '\\$&'), Buffer.from(s).toString('base64'));
    out.push(Buffer.from(`\0${user}\0${s}`).toString('base64'), Buffer.from(`${user}\0${user}\0${s}`).toString('base64'));
    out.push(Buffer.from(`user=${user}\x01auth=Bearer ${s}\x01\x01`).toString('base64'));
  }
  // Longest first, so a form that contains another is replaced whole.
  return [...new Set(out)].filter((f) => f.length >= 3).sort((a, b) => b.length - a.length);
}

function scrub(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) out = out.split(f).join('/* secret */');
  return out;
}

/**
 * Turns an error from imapflow (or the socket below it) into a kind, a code and words.
 *
 * With `secrets`, the words and the code never carry them: a server may echo the LOGIN line.
 */
export function explainImapError(err: unknown, seed: Pick<Seed, 'host' | 'port' | 'security' | 'provider' | 'auth'>, secrets?: SeedSecrets): ImapErrorInfo {
  const info = explainRaw(err, seed);
  const forms = secretForms(seed.auth.user, secrets);
  if (forms.length === 0) return info;
  return { ...info, code: scrub(info.code, forms), explanation: scrub(info.explanation, forms) };
}

function explainRaw(err: unknown, seed: Pick<Seed, 'host' | 'port' | 'security' | 'provider' | 'auth'>): ImapErrorInfo {
  const e = (err ?? {}) as RawImapError;
  const cause = (e.cause ?? {}) as RawImapError;
  const message = e.message ?? String(err);
  const code = e.code ?? cause.code ?? 'EUNKNOWN';
  const where = `${seed.host}:${seed.port}`;
  const said = e.responseText ?? e.response ?? '';
  const oauth = isOAuth2(seed.auth);
  if (code === 'EBLOCKED') return { kind: 'blocked', code, explanation: message };
  if (code === 'ETOOMUCHDATA' || code === 'LiteralTooLarge' || code === 'LineTooLarge' || code === 'ResponseTooLarge' || code === 'TooManyTokens') {
    return { kind: 'protocol', code, explanation: `${where} sent more than the watcher accepts (${message}); the connection was closed. A mailbox server sends a few KB for a probe: this one is broken or hostile. Check the seed's host and port.` };
  }
  if (code === 'EUNRELIABLESEARCH') return { kind: 'protocol', code, explanation: message };
  if (code === 'ESMTPPORT') {
    const greeting = (e as { greeting?: string }).greeting ?? '';
    return { kind: 'protocol', code, explanation: `${where} greeted with "${greeting}": this port answers SMTP, not IMAP: use the IMAP port (993 for TLS, 143 for STARTTLS).` };
  }
  if (code === 'ENOAUTH') return { kind: 'auth', code, explanation: `No ${oauth ? 'OAuth2 token' : 'password'} was supplied for ${seed.auth.user}; set the environment variable the seed names (or store the secret in the app).` };
  if (e.authenticationFailed || /AUTHENTICATIONFAILED|AUTHORIZATIONFAILED|LOGIN failed|Invalid credentials|authentication failed/i.test(`${e.serverResponseCode ?? ''} ${said} ${message}`)) {
    const serverCode = e.serverResponseCode ?? 'AUTHENTICATIONFAILED';
    const reply = said ? ` (the server said: ${said})` : '';
    let explanation: string;
    if (oauth) {
      explanation = `The server refused the OAuth2 token for ${seed.auth.user}${reply}: access tokens expire after about an hour. Get a fresh token (and check it was issued for IMAP, e.g. the https://mail.google.com/ scope for Gmail).`;
    } else if (seed.provider === 'gmail' || seed.provider === 'outlook' || seed.provider === 'yahoo' || seed.provider === 'icloud') {
      explanation = `${seed.provider} refused the login for ${seed.auth.user}${reply}. ${seed.provider} accepts IMAP logins only with an app password (with two-step verification on) or an OAuth2 token, not the account password; also check that IMAP access is enabled in the mailbox settings.`;
    } else {
      explanation = `The server refused the login for ${seed.auth.user}${reply}: the user name or password is wrong, or IMAP access is disabled for this account.`;
    }
    return { kind: 'auth', code: serverCode, explanation };
  }
  if (code === 'EDNS' || /ENOTFOUND|EAI_AGAIN/.test(`${code} ${message}`)) {
    return { kind: 'dns', code: 'EDNS', explanation: `The host name "${seed.host}" could not be resolved (${message}). Check the seed's host.` };
  }
  if (/ECONNREFUSED/.test(`${code} ${message} ${e.errno ?? ''}`)) {
    return { kind: 'refused', code: 'ECONNREFUSED', explanation: `Nothing accepts connections on ${where}: the server is down, the port is wrong, or a firewall rejects it (${message}).` };
  }
  if (code === 'GREETING_TIMEOUT' && seed.security !== 'tls') {
    return { kind: 'tls', code, explanation: `${where} accepted the connection but sent no IMAP greeting: the port probably speaks implicit TLS (use "tls", usually port 993) rather than "${seed.security}".` };
  }
  if (CERT_ERROR.test(message) || CERT_ERROR.test(code) || code === 'ClosedAfterConnectTLS') {
    const untrusted = tlsFailureCause(message) === 'untrusted' ? { reason: 'tls-untrusted' as const, params: { detail: tlsFailureDetail(message) } } : {};
    return { kind: 'tls', code: 'ETLS', explanation: explainTlsFailure(message, seed, IMAP_TLS_WORDS), ...untrusted };
  }
  if (/TIMEOUT|ETIMEDOUT/.test(code) || /timed? ?out/i.test(message)) {
    return { kind: 'timeout', code: code === 'EUNKNOWN' ? 'ETIMEDOUT' : code, explanation: `${where} stopped answering (${message}). The server may be overloaded or a firewall drops the connection; the watcher gives up on this seed after its retries.` };
  }
  if (code === 'NoConnection' || code === 'EConnectionClosed' || code === 'ClosedAfterConnectText' || /ECONNRESET|EPIPE|closed|socket hang up/i.test(`${code} ${message}`)) {
    return { kind: 'dropped', code, explanation: `${where} closed the connection (${message}${said ? `; ${said}` : ''}). The server may be restarting, or it limits connections per user or per address.` };
  }
  if (code.startsWith('ParserError') || code === 'InvalidResponse' || code === 'UnexpectedTag' || code === 'MissingTag') {
    return { kind: 'protocol', code, explanation: `${where} answered something that is not valid IMAP (${message}). Check that the port is an IMAP port.` };
  }
  return { kind: 'other', code, explanation: `${message}${said ? ` (the server said: ${said})` : ''}` };
}

/** LIST → the shape detectFolderRoles reads: SPECIAL-USE only when the server said so, never imapflow's own name guess. */
export function listedFolders(list: readonly ListResponse[]) {
  return list.map((f) => ({
    path: f.path,
    flags: [...f.flags],
    delimiter: f.delimiter,
    ...(f.specialUse && f.specialUseSource === 'extension' ? { specialUse: f.specialUse } : {}),
  }));
}

/** "Test connection": login, CAPABILITY, LIST and the folder roles, then log out. Never throws. */
export async function testSeed(seed: Seed, secrets: SeedSecrets, opts: ImapConnectOptions): Promise<SeedTestResult> {
  const t0 = Date.now();
  const base = { seed: seed.name, capabilities: [] as string[], idle: false, gmail: false, folders: [], roles: {}, warnings: [] as string[] };
  let client: ImapFlow | undefined;
  const budget = ByteBudget.of(opts.limits);
  try {
    client = await connectImap(seed, secrets, opts, { disableAutoIdle: true, budget });
    const capabilities = [...client.capabilities.keys()].sort();
    const idle = client.capabilities.has('IDLE');
    const gmail = client.capabilities.has('X-GM-EXT-1');
    const list = await withTimeout(client.list(), opts.timeoutMs, 'LIST');
    const { folders, roles, warnings } = detectFolderRoles(listedFolders(list), seed.folders);
    if (!roles.junk) {
      warnings.push(`no Junk folder was found (no \\Junk SPECIAL-USE flag and no usual name such as Junk, Spam or Bulk Mail): copies filed as spam would show as "folder:<name>" or "missing". Set the seed's junk folder by hand (folders.junk).`);
    }
    if (!idle) warnings.push(`the server does not offer IDLE (RFC 2177): the watcher polls INBOX every few seconds instead, so latencies are coarser.`);
    if (seed.provider === 'gmail' && !gmail) warnings.push(`the seed says provider "gmail" but the server does not offer X-GM-EXT-1: Gmail tabs (Promotions, Social...) cannot be told apart.`);
    if (seed.security === 'none') warnings.push('the connection is not encrypted: the password crossed the network in clear text.');
    const watched = otherFolders(folders);
    if (watched.length > 50) warnings.push(`${watched.length} other folders are searched every poll; a seed mailbox with fewer folders gives faster, lighter runs.`);
    await withTimeout(client.logout(), opts.timeoutMs, 'LOGOUT').catch(() => undefined);
    return { ...base, ok: true, ms: Date.now() - t0, capabilities, idle, gmail, folders, roles, warnings };
  } catch (err) {
    return { ...base, ok: false, ms: Date.now() - t0, error: explainImapError(budget.exceeded ?? err, seed, secrets) };
  } finally {
    client?.close();
  }
}
