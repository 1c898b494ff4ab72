/**
 * An rspamd client: its HTTP /checkv2 API, on the normal worker's URL.
 *
 * The message is the request body; the envelope goes in headers (IP, Helo, From, Rcpt) when known,
 * as an MTA's milter would pass it. The answer is JSON: score, required_score, action and the
 * symbols with their scores and descriptions. The version is the Server header (rspamd/3.4).
 * /checkv2 returns the headers rspamd would add (milter) but never the message itself changed, so the
 * original is what Deliverlab keeps.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { firstControl } from '../../shared/domain-name';
import { assertHostAllowed } from '../net/guard';
import { explainRule, points, sortRules } from './catalogue';
import { networkFailure, SpamFilterFailure } from './errors';
import type { SpamEnvelope, SpamVerdict } from './types';

/** A /checkv2 answer with every symbol's options and URLs stays well under this. */
export const RSPAMD_MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export interface RspamdOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  maxAnswerBytes?: number;
  envelope?: SpamEnvelope;
}

const WHAT = 'rspamd';

/** The actions after which rspamd's caller treats the message as spam (rspamd's own action names). */
const SPAM_ACTIONS = new Set(['reject', 'add header', 'rewrite subject']);

function preview(text: string): string {
  return JSON.stringify(text.slice(0, 80).replace(/[^\x20-\x7e]/g, '?'));
}

/** What one header value may carry: no control characters, which no HTTP header can hold. */
const headerSafe = (value: string) => firstControl(value) === undefined && value.length <= 1000;

/** One HTTP exchange with rspamd, the answer read whole within the byte cap and the deadline. */
export async function rspamdExchange(
  base: string,
  path: '/checkv2' | '/ping',
  body: Buffer | null,
  headers: Record<string, string>,
  options: RspamdOptions,
): Promise<{ status: number; server: string | undefined; body: string }> {
  const url = new URL(`${base}${path}`);
  const max = options.maxAnswerBytes ?? RSPAMD_MAX_ANSWER_BYTES;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  try {
    await assertHostAllowed(host, options.timeoutMs);
  } catch (err) {
    throw networkFailure(WHAT, base, err as NodeJS.ErrnoException);
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: body === null ? 'GET' : 'POST',
      headers: { ...headers, ...(body === null ? {} : { 'Content-Length': String(body.length) }), Connection: 'close' },
    });
    const finish = (err: Error | null, value?: { status: number; server: string | undefined; body: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (err) {
        request.destroy();
        reject(err);
      } else resolve(value as { status: number; server: string | undefined; body: string });
    };
    const timer = setTimeout(
      () => finish(new SpamFilterFailure('timeout', `${WHAT} at ${base} gave no answer within ${Math.round(options.timeoutMs / 100) / 10} s.`)),
      options.timeoutMs,
    );
    const onAbort = () => finish(new SpamFilterFailure('network', `${WHAT}: stopped before it answered.`));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    request.on('error', (err) => finish(networkFailure(WHAT, base, err)));
    request.on('response', (response: IncomingMessage) => {
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > max) {
        finish(new SpamFilterFailure('too-large', `${WHAT} at ${base} announced an answer of ${declared} bytes, more than the ${Math.round(max / 1024)} KB a scan result can be.`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) finish(new SpamFilterFailure('too-large', `${WHAT} at ${base} answered more than ${Math.round(max / 1024)} KB, more than a scan result can be.`));
        else chunks.push(chunk);
      });
      response.on('end', () => finish(null, { status: response.statusCode ?? 0, server: [response.headers.server].flat()[0], body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (err) => finish(networkFailure(WHAT, base, err)));
    });
    request.end(body ?? undefined);
  });
}

/** The version in rspamd's Server header (rspamd/3.4). */
export function versionFromServer(server: string | undefined): string {
  return /^rspamd\/(\S+)/i.exec(server ?? '')?.[1] ?? 'unknown';
}

interface RawSymbol {
  name?: unknown;
  score?: unknown;
  description?: unknown;
}

/** Parses a /checkv2 answer; throws a SpamFilterFailure (garbled) on anything that is not one. */
export function parseCheckV2(text: string, version: string): SpamVerdict {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SpamFilterFailure('garbled', `${WHAT} answered something that is not JSON: ${preview(text)}.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new SpamFilterFailure('garbled', `${WHAT} answered JSON that is not a scan result: ${preview(text)}.`);
  const answer = json as Record<string, unknown>;
  if (typeof answer.error === 'string') throw new SpamFilterFailure('refused-by-filter', `${WHAT} could not scan the message: ${answer.error.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}.`);
  const { score, required_score: threshold, action, symbols } = answer;
  if (typeof score !== 'number' || typeof threshold !== 'number' || typeof action !== 'string' || typeof symbols !== 'object' || symbols === null) {
    throw new SpamFilterFailure('garbled', `${WHAT} answered JSON without a score, required_score, action and symbols: ${preview(text)}.`);
  }
  const rules = Object.entries(symbols as Record<string, RawSymbol>).map(([key, symbol]) => {
    const name = typeof symbol?.name === 'string' ? symbol.name : key;
    const points = typeof symbol?.score === 'number' && Number.isFinite(symbol.score) ? symbol.score : 0;
    return explainRule('rspamd', name, points, typeof symbol?.description === 'string' ? symbol.description : undefined);
  });
  const spam = SPAM_ACTIONS.has(action) || score >= threshold;
  return { filter: 'rspamd', version, score: points(score), threshold, verdict: spam ? 'spam' : 'ham', action, rules: sortRules(rules) };
}

/** The envelope as rspamd's request headers (only what is known, and only what a header can carry). */
export function envelopeHeaders(envelope: SpamEnvelope | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (envelope?.ip && headerSafe(envelope.ip)) headers.IP = envelope.ip;
  if (envelope?.helo && headerSafe(envelope.helo)) headers.Helo = envelope.helo;
  if (envelope?.mailFrom && headerSafe(envelope.mailFrom)) headers.From = envelope.mailFrom;
  const rcpt = (envelope?.rcpt ?? []).filter(headerSafe);
  if (rcpt.length > 0) headers.Rcpt = rcpt.join(',');
  return headers;
}

/** One message scored by rspamd. */
export async function scanWithRspamd(message: Buffer, base: string, options: RspamdOptions): Promise<SpamVerdict> {
  const answer = await rspamdExchange(base, '/checkv2', message, envelopeHeaders(options.envelope), options);
  if (answer.status !== 200) {
    let said = '';
    try {
      const error = (JSON.parse(answer.body) as { error?: unknown }).error;
      if (typeof error === 'string') said = `: ${error.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}`;
    } catch {
      // Not JSON: the status says enough.
    }
    if (answer.status === 404) throw new SpamFilterFailure('garbled', `${base} has no /checkv2 (HTTP 404): is it rspamd's normal worker (usually port 11333)?`);
    throw new SpamFilterFailure('refused-by-filter', `${WHAT} at ${base} answered HTTP ${answer.status}${said}.`);
  }
  return parseCheckV2(answer.body, versionFromServer(answer.server));
}

/** rspamd's version, from a /ping (which answers "pong" with its Server header). */
export async function rspamdVersion(base: string, options: RspamdOptions): Promise<string> {
  const answer = await rspamdExchange(base, '/ping', null, {}, options);
  if (answer.status !== 200 || !/^pong/.test(answer.body.trim())) {
    throw new SpamFilterFailure('garbled', `${base} does not answer /ping as rspamd does (HTTP ${answer.status}, ${preview(answer.body)}).`);
  }
  return versionFromServer(answer.server);
}
