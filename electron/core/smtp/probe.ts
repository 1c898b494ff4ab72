/**
 * The SMTP probe: connect to one MX address, read the banner, EHLO, STARTTLS, EHLO again, QUIT.
 *
 * It never sends MAIL, RCPT or DATA: it learns what a sending server would see before the first
 * message, and nothing more. Every step has a deadline and the whole probe an overall bound, so a
 * server that hangs, drops the line or speaks something else ends as a probe error, never a hang.
 */
import { X509Certificate } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { withDeadline } from '../net/deadline';
import { assertConnectAllowed } from '../net/guard';
import { checkServerIdentity, connect as tlsConnect, rootCertificates, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import type { SmtpCertificate, SmtpHostProbe } from '../audit/types';

export interface ProbeOptions {
  /** The MX host name: the TLS server name and the name the certificate must carry. */
  host: string;
  address: string;
  port: number;
  /** Deadline for each step (connect, banner, EHLO, STARTTLS, handshake), in milliseconds. */
  timeoutMs?: number;
  /** The name we give in EHLO. */
  ehloName?: string;
  /** Extra trusted CAs (PEM), on top of the system roots. */
  ca?: readonly string[];
}

/** Where a probe stopped. */
export type ProbeStage = NonNullable<SmtpHostProbe['stage']>;

export interface SmtpReply {
  code: number;
  /** The text of each line, without the code and separator. */
  lines: string[];
}

/** The reply is not SMTP, the server went away, or it was too slow. */
export class ProbeError extends Error {
  constructor(
    message: string,
    readonly kind: 'garbage' | 'closed' | 'timeout' | 'network' | 'refused-step' = 'network',
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

// RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets; we allow slack but bound the buffer.
const MAX_LINE = 4096;
const MAX_LINES = 100;
const REPLY_LINE = /^(\d{3})([ -]|$)(.*)$/;

/**
 * Takes one complete reply off the front of the buffered text, or null while it is incomplete.
 *
 * RFC 5321 §4.2.1: a multi-line reply is "250-..." lines ended by "250 ..."; every line carries
 * the same code. Anything else is not SMTP and throws.
 */
export function takeReply(buffer: string): { reply: SmtpReply; rest: string } | null {
  let offset = 0;
  const lines: string[] = [];
  let code: number | null = null;
  for (;;) {
    const nl = buffer.indexOf('\n', offset);
    if (nl < 0) {
      const partial = buffer.slice(offset);
      if (partial.length > MAX_LINE) throw new ProbeError(`not an SMTP reply: a line longer than ${MAX_LINE} characters`, 'garbage');
      // A partial line that already cannot start a reply is garbage; no need to wait for its end.
      if (partial.length >= 4 && !REPLY_LINE.test(partial.slice(0, 4))) throw new ProbeError(`not an SMTP reply: "${printable(partial)}"`, 'garbage');
      return null;
    }
    const line = buffer.slice(offset, nl).replace(/\r$/, '');
    offset = nl + 1;
    const m = REPLY_LINE.exec(line);
    if (!m) throw new ProbeError(`not an SMTP reply: "${printable(line)}"`, 'garbage');
    const lineCode = Number(m[1]);
    if (code !== null && lineCode !== code) throw new ProbeError(`not an SMTP reply: code ${lineCode} inside a ${code} reply`, 'garbage');
    code = lineCode;
    lines.push(m[3] ?? '');
    if (lines.length > MAX_LINES) throw new ProbeError(`not an SMTP reply: more than ${MAX_LINES} lines`, 'garbage');
    if (m[2] !== '-') return { reply: { code: lineCode, lines }, rest: buffer.slice(offset) };
  }
}

function printable(text: string): string {
  const shown = text.slice(0, 80).replace(/[^\x20-\x7e]/g, '?');
  return text.length > 80 ? `${shown}...` : shown;
}

/** The EHLO keywords (RFC 5321 §4.1.1.1): every line after the greeting line. */
export function ehloExtensions(reply: SmtpReply): string[] {
  return reply.lines.slice(1).map((l) => l.trim()).filter(Boolean);
}

export function offersStarttls(extensions: readonly string[]): boolean {
  // RFC 3207 §4: the keyword is STARTTLS, with no parameters.
  return extensions.some((e) => e.split(/\s+/)[0]?.toUpperCase() === 'STARTTLS');
}

/** RFC 8996: TLS 1.0 and 1.1 are deprecated; RFC 7525 §3.1.1: SSLv3 and below are forbidden. */
export function isOldTls(version: string): boolean {
  return ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1'].includes(version);
}

/** Reads SMTP replies from one socket. */
class ReplyReader {
  private buffer = '';
  private failure: Error | null = null;
  private waiter: ((outcome: { reply?: SmtpReply; error?: Error }) => void) | null = null;
  private readonly onData = (chunk: Buffer) => {
    this.buffer += chunk.toString('latin1');
    this.pump();
  };
  private readonly onEnd = () => this.fail(new ProbeError('the server closed the connection', 'closed'));
  private readonly onError = (err: Error) => this.fail(new ProbeError(networkMessage(err), 'network'));

  constructor(private readonly socket: Socket | TLSSocket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  /** Stops listening (before STARTTLS hands the socket to TLS). */
  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
  }

  /** The next reply, within the deadline. */
  next(timeoutMs: number, what: string): Promise<SmtpReply> {
    const reply = new Promise<SmtpReply>((resolve, reject) => {
      this.waiter = (outcome) => {
        this.waiter = null;
        if (outcome.reply) resolve(outcome.reply);
        else reject(outcome.error ?? new ProbeError('no reply'));
      };
      this.pump();
    });
    return withDeadline(reply, timeoutMs, () => {
      // The caller gives up on this reply: one arriving later is left for the next caller.
      this.waiter = null;
      return new ProbeError(`no ${what} within ${timeoutMs} ms`, 'timeout');
    });
  }

  private pump(): void {
    if (!this.waiter) return;
    if (this.failure === null) {
      try {
        const taken = takeReply(this.buffer);
        if (taken) {
          this.buffer = taken.rest;
          this.waiter({ reply: taken.reply });
          return;
        }
      } catch (err) {
        this.failure = err as Error;
      }
    }
    if (this.failure) this.waiter({ error: this.failure });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.pump();
  }
}

function networkMessage(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset by the server',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    EPIPE: 'the server closed the connection',
  };
  return code ? `${code}: ${words[code] ?? err.message}` : err.message;
}

/** A step's deadline: "`what` took longer than `timeoutMs` ms", a ProbeError of kind timeout. */
function stepDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return withDeadline(promise, timeoutMs, () => new ProbeError(`${what} took longer than ${timeoutMs} ms`, 'timeout'));
}

const elapsed = (since: number) => Math.round((performance.now() - since) * 10) / 10;

/** Probes one address of one MX host. Never throws for anything the server does. */
export async function probeSmtp(options: ProbeOptions): Promise<SmtpHostProbe> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const result: SmtpHostProbe = { host: options.host, address: options.address, port: options.port, starttls: false, timings: {} };
  const sockets: (Socket | TLSSocket)[] = [];
  let stage: ProbeStage = 'connect';
  // Seven steps at most (connect, banner, EHLO, STARTTLS, handshake, EHLO, QUIT): the hard stop behind them.
  const overallMs = timeoutMs * 7 + 500;
  try {
    await withDeadline(converse(options, timeoutMs, result, sockets, (s) => (stage = s)), overallMs, () => new ProbeError(`the probe took longer than ${overallMs} ms`, 'timeout'));
  } catch (err) {
    if (!(err instanceof ProbeError)) throw err;
    result.error = err.message;
    result.stage = stage;
  } finally {
    for (const s of sockets) s.destroy();
  }
  return result;
}

async function converse(
  options: ProbeOptions,
  timeoutMs: number,
  result: SmtpHostProbe,
  sockets: (Socket | TLSSocket)[],
  setStage: (s: ProbeStage) => void,
): Promise<void> {
  const ehloName = options.ehloName ?? 'deliverlab.invalid';
  let t = performance.now();
  try {
    assertConnectAllowed(options.address);
  } catch (err) {
    throw new ProbeError((err as Error).message, 'network');
  }
  const socket = netConnect({ host: options.address, port: options.port });
  sockets.push(socket);
  await stepDeadline(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', (err) => reject(new ProbeError(networkMessage(err), 'network')));
    }),
    timeoutMs,
    'the TCP connection',
  );
  result.timings.connectMs = elapsed(t);

  setStage('banner');
  let reader = new ReplyReader(socket);
  t = performance.now();
  const banner = await reader.next(timeoutMs, 'banner');
  result.timings.bannerMs = elapsed(t);
  result.banner = `${banner.code} ${banner.lines.join(' | ')}`.trim();
  // RFC 5321 §3.1: 554 instead of 220 means "no SMTP service here".
  if (banner.code !== 220) throw new ProbeError(`the server greeted with ${result.banner} instead of 220`, 'refused-step');

  setStage('ehlo');
  t = performance.now();
  socket.write(`EHLO ${ehloName}\r\n`);
  const ehlo = await reader.next(timeoutMs, 'reply to EHLO');
  result.timings.ehloMs = elapsed(t);
  if (ehlo.code !== 250) throw new ProbeError(`EHLO was refused: ${ehlo.code} ${ehlo.lines.join(' ')}`, 'refused-step');
  result.ehlo = ehloExtensions(ehlo);
  result.starttls = offersStarttls(result.ehlo);

  let current: Socket | TLSSocket = socket;
  if (result.starttls) {
    setStage('starttls');
    socket.write('STARTTLS\r\n');
    const ready = await reader.next(timeoutMs, 'reply to STARTTLS');
    if (ready.code !== 220) throw new ProbeError(`STARTTLS was refused: ${ready.code} ${ready.lines.join(' ')}`, 'refused-step');
    // RFC 3207 §4.2: anything the server sent after its 220 is discarded (it could be injected).
    reader.detach();

    setStage('tls');
    t = performance.now();
    const secure = await upgrade(socket, options, timeoutMs);
    sockets.push(secure);
    result.timings.tlsMs = elapsed(t);
    result.tls = describeTls(secure, options.host);
    current = secure;

    setStage('ehlo-tls');
    reader = new ReplyReader(secure);
    // RFC 3207 §4.2: the client must forget what it knew and EHLO again.
    secure.write(`EHLO ${ehloName}\r\n`);
    const again = await reader.next(timeoutMs, 'reply to EHLO after STARTTLS');
    if (again.code !== 250) throw new ProbeError(`EHLO after STARTTLS was refused: ${again.code} ${again.lines.join(' ')}`, 'refused-step');
  }

  // A polite goodbye; its answer does not change the verdict.
  current.write('QUIT\r\n');
  await reader.next(Math.min(timeoutMs, 2000), 'reply to QUIT').catch(() => undefined);
}

function upgrade(socket: Socket, options: ProbeOptions, timeoutMs: number): Promise<TLSSocket> {
  return stepDeadline(
    new Promise<TLSSocket>((resolve, reject) => {
      const secure = tlsConnect({
        socket,
        servername: options.host,
        // We judge the certificate ourselves, so an invalid one is reported rather than refused.
        rejectUnauthorized: false,
        ...(options.ca && options.ca.length > 0 ? { ca: [...rootCertificates, ...options.ca] } : {}),
        // Accept what an old server offers, so we can tell the user it is old (RFC 8996).
        minVersion: 'TLSv1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      secure.once('secureConnect', () => resolve(secure));
      secure.once('error', (err) => {
        secure.destroy();
        reject(new ProbeError(`the TLS handshake failed: ${networkMessage(err)}`, 'network'));
      });
    }),
    timeoutMs,
    'the TLS handshake',
  );
}

function describeTls(secure: TLSSocket, host: string): NonNullable<SmtpHostProbe['tls']> {
  const peer = secure.getPeerCertificate(true);
  const version = secure.getProtocol() ?? 'unknown';
  const cipher = secure.getCipher()?.standardName ?? secure.getCipher()?.name ?? 'unknown';
  return { version, cipher, certificate: describeCertificate(peer, host, secure.authorized, secure.authorizationError) };
}

/** The presented certificate, and our verdict on it (chain against roots + lab CAs, name per RFC 6125). */
export function describeCertificate(
  // An empty object at run time when the server sent no certificate.
  peer: DetailedPeerCertificate | undefined,
  host: string,
  authorized: boolean,
  authorizationError: Error | string | null | undefined,
): SmtpCertificate {
  if (!peer?.raw) {
    return { subject: '', issuer: '', validFrom: '', validTo: '', names: [], nameMatch: false, chainValid: false, error: 'NO_CERTIFICATE' };
  }
  const x509 = new X509Certificate(peer.raw);
  const names = (x509.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((n) => n.startsWith('DNS:'))
    .map((n) => n.slice(4).toLowerCase());
  // RFC 6125 §6.4 via Node: SAN dNSName, a wildcard only as the whole left-most label.
  const nameMatch = checkServerIdentity(host, peer) === undefined;
  const code = typeof authorizationError === 'string' ? authorizationError : (authorizationError as { code?: string } | null | undefined)?.code ?? authorizationError?.message;
  // Node runs the name check only after the chain verified, so a name error means the chain was fine.
  const chainValid = authorized || code === 'ERR_TLS_CERT_ALTNAME_INVALID';
  const chainDer: string[] = [];
  const seen = new Set<string>([peer.fingerprint256]);
  let issuer = peer.issuerCertificate;
  for (let i = 0; i < 10 && issuer && issuer.raw && !seen.has(issuer.fingerprint256); i++) {
    seen.add(issuer.fingerprint256);
    chainDer.push(issuer.raw.toString('base64'));
    issuer = issuer.issuerCertificate;
  }
  const cert: SmtpCertificate = {
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    validFrom: isoDate(x509.validFrom),
    validTo: isoDate(x509.validTo),
    names,
    nameMatch,
    chainValid,
    der: peer.raw.toString('base64'),
    chainDer,
  };
  if (!chainValid && code) cert.error = code;
  return cert;
}

function isoDate(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}
