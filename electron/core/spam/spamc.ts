/**
 * A SPAMC client: SpamAssassin's spamd spoken to over TCP.
 *
 * The protocol (spamd's PROTOCOL document): the client sends `COMMAND SPAMC/1.5`, headers
 * (Content-length), a blank line and the message, then closes its side; spamd answers
 * `SPAMD/1.x CODE TEXT`, headers (Spam: True ; 15.0 / 5.0, Content-length), a blank line and a body.
 * REPORT's body is the report with one line per rule that fired and its score; HEADERS' is the
 * message's header block as spamd would rewrite it, which carries the version (X-Spam-Status's
 * version=, X-Spam-Checker-Version). Neither returns the message changed, so the original is what
 * Deliverlab keeps.
 */
import { connect } from 'node:net';
import { assertHostAllowed } from '../net/guard';
import { explainRule, points, sortRules } from './catalogue';
import { showHostPort, type HostPort } from './config';
import { networkFailure, SpamFilterFailure } from './errors';
import type { SpamVerdict } from './types';

/** A REPORT answer is a page of text: far below this. */
export const SPAMD_MAX_ANSWER_BYTES = 1024 * 1024;

export interface SpamdOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  maxAnswerBytes?: number;
}

export interface SpamdReply {
  protocol: string;
  code: number;
  text: string;
  headers: Map<string, string>;
  body: string;
}

const WHAT = 'SpamAssassin (spamd)';

/** The printable start of a garbled answer, for the error: never control characters. */
function preview(bytes: Buffer | string): string {
  const text = (typeof bytes === 'string' ? bytes : bytes.subarray(0, 200).toString('latin1')).slice(0, 80);
  return JSON.stringify(text.replace(/[^\x20-\x7e]/g, '?'));
}

/** Parses spamd's answer; throws a SpamFilterFailure (garbled) on anything that is not one. */
export function parseSpamdReply(bytes: Buffer): SpamdReply {
  const text = bytes.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const head = end < 0 ? text : text.slice(0, end);
  const lines = head.split(/\r?\n/);
  const status = /^(SPAMD\/\d+\.\d+) (\d+) (.*)$/.exec(lines[0] ?? '');
  if (!status) throw new SpamFilterFailure('garbled', `${WHAT} answered something that is not the SPAMC protocol: ${preview(bytes)}.`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SpamFilterFailure('garbled', `${WHAT} answered a header line that does not parse: ${preview(line)}.`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = end < 0 ? '' : text.slice(end).replace(/^\r?\n\r?\n/, '');
  const code = Number(status[2]);
  if (code === 0 && headers.has('content-length')) {
    const declared = Number(headers.get('content-length'));
    const bodyBytes = Buffer.byteLength(body, 'utf8');
    if (!Number.isInteger(declared) || bodyBytes < declared) throw new SpamFilterFailure('garbled', `${WHAT}'s answer was cut short (${bodyBytes} of ${headers.get('content-length')} bytes).`);
  }
  return { protocol: status[1] as string, code, text: status[3] as string, headers, body };
}

/** `Spam: True ; 15.0 / 5.0` as verdict, score and threshold. */
export function parseSpamHeader(value: string | undefined): { spam: boolean; score: number; threshold: number } {
  const m = /^(True|False|Yes|No)\s*;\s*(-?\d+(?:\.\d+)?)\s*\/\s*(-?\d+(?:\.\d+)?)\s*$/i.exec(value ?? '');
  if (!m) throw new SpamFilterFailure('garbled', `${WHAT} answered without a score (its Spam header is ${preview(value ?? 'missing')}).`);
  return { spam: /^(true|yes)$/i.test(m[1] as string), score: Number(m[2]), threshold: Number(m[3]) };
}

/**
 * The rules of a REPORT: the lines after the dashed rule under its column titles, each a score, a
 * name and a description, which may wrap onto indented lines.
 */
export function parseReportRules(report: string): { name: string; score: number; description: string }[] {
  const lines = report.split(/\r?\n/);
  const start = lines.findIndex((line) => /^\s*-{3,}\s+-{3,}/.test(line));
  if (start < 0) return [];
  const rules: { name: string; score: number; description: string }[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    const m = /^\s*(-?\d+(?:\.\d+)?)\s+([A-Za-z0-9_][A-Za-z0-9_.]*)(?:\s+(.*))?$/.exec(line);
    if (m) {
      rules.push({ score: Number(m[1]), name: m[2] as string, description: (m[3] ?? '').trim() });
      continue;
    }
    const last = rules.at(-1);
    if (last && /^\s/.test(line)) last.description = `${last.description} ${line.trim()}`.trim();
    else break;
  }
  return rules;
}

/** The SpamAssassin version in a HEADERS answer (X-Spam-Status's version=, else X-Spam-Checker-Version). */
export function versionFromHeaders(block: string): string | undefined {
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  const status = /^X-Spam-Status:.*\bversion=([0-9][0-9A-Za-z.-]*)/im.exec(unfolded);
  if (status) return status[1];
  const checker = /^X-Spam-Checker-Version:\s*SpamAssassin\s+([0-9][0-9A-Za-z.-]*)/im.exec(unfolded);
  return checker?.[1];
}

/** One SPAMC exchange: sends `command` with `message`, half-closes, reads the whole answer (bounded). */
export async function spamcExchange(address: HostPort, command: 'REPORT' | 'HEADERS' | 'PING', message: Buffer | null, options: SpamdOptions): Promise<SpamdReply> {
  const shown = showHostPort(address);
  const max = options.maxAnswerBytes ?? SPAMD_MAX_ANSWER_BYTES;
  try {
    await assertHostAllowed(address.host, options.timeoutMs);
  } catch (err) {
    throw networkFailure(WHAT, shown, err as NodeJS.ErrnoException);
  }
  const answer = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = connect({ host: address.host, port: address.port });
    const finish = (err: Error | null, value?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(value as Buffer);
    };
    const timer = setTimeout(
      () => finish(new SpamFilterFailure('timeout', `${WHAT} at ${shown} gave no answer within ${Math.round(options.timeoutMs / 100) / 10} s.`)),
      options.timeoutMs,
    );
    const onAbort = () => finish(new SpamFilterFailure('network', `${WHAT}: stopped before it answered.`));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    socket.on('connect', () => {
      const head = message === null ? `${command} SPAMC/1.5\r\n\r\n` : `${command} SPAMC/1.5\r\nContent-length: ${message.length}\r\n\r\n`;
      socket.write(head);
      if (message !== null) socket.write(message);
      // spamd reads the message to the end of the stream: close our side, keep reading.
      socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        finish(new SpamFilterFailure('too-large', `${WHAT} at ${shown} answered more than ${Math.round(max / 1024)} KB, far more than a report: it is not spamd, or something is wrong with it.`));
        return;
      }
      chunks.push(chunk);
    });
    socket.on('end', () => finish(null, Buffer.concat(chunks)));
    socket.on('error', (err) => finish(networkFailure(WHAT, shown, err)));
  });
  if (answer.length === 0) throw new SpamFilterFailure('garbled', `${WHAT} at ${shown} closed the connection without an answer.`);
  const reply = parseSpamdReply(answer);
  if (reply.code !== 0) throw new SpamFilterFailure('refused-by-filter', `${WHAT} at ${shown} refused the request: ${reply.code} ${reply.text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}.`);
  return reply;
}

/** The version spamd reports: HEADERS on a tiny message (PING says only the protocol's version). */
export async function spamdVersion(address: HostPort, options: SpamdOptions): Promise<string> {
  const probe = Buffer.from('From: probe@deliverlab.invalid\r\nTo: probe@deliverlab.invalid\r\nSubject: Deliverlab version probe\r\nMessage-ID: <version-probe@deliverlab.invalid>\r\nDate: Thu, 01 Jan 2026 00:00:00 +0000\r\n\r\nversion probe\r\n');
  const reply = await spamcExchange(address, 'HEADERS', probe, options);
  return versionFromHeaders(reply.body) ?? 'unknown';
}

/** Versions already asked, per address: spamd's version does not change between two messages. */
const versions = new Map<string, Promise<string>>();

/** spamd's version, asked once per address for the life of the process (a failed ask is forgotten). */
export function cachedSpamdVersion(address: HostPort, options: SpamdOptions, refresh = false): Promise<string> {
  const key = showHostPort(address);
  const known = versions.get(key);
  if (known && !refresh) return known;
  const asking = spamdVersion(address, options);
  versions.set(key, asking);
  asking.catch(() => versions.delete(key));
  return asking;
}

/** One message scored by spamd: score, threshold, verdict and every rule with its score, explained. */
export async function scanWithSpamd(message: Buffer, address: HostPort, options: SpamdOptions): Promise<SpamVerdict> {
  const [reply, version] = await Promise.all([spamcExchange(address, 'REPORT', message, options), cachedSpamdVersion(address, options)]);
  const { spam, score, threshold } = parseSpamHeader(reply.headers.get('spam'));
  const rules = parseReportRules(reply.body).map((r) => explainRule('spamassassin', r.name, r.score, r.description));
  return { filter: 'spamassassin', version, score: points(score), threshold, verdict: spam ? 'spam' : 'ham', rules: sortRules(rules) };
}
