/**
 * Alert webhooks: the bodies (Deliverlab's JSON, Slack's and Teams' shapes), the signature, and one
 * POST with a deadline.
 *
 * The signature is GitHub's kind: `X-Deliverlab-Signature: sha256=<hex>`, the HMAC-SHA256 of the
 * exact body bytes with the shared secret, so a receiver checks it before trusting the body. Each
 * post carries its delivery's id (`X-Deliverlab-Delivery`): a delivery sent again after a restart
 * (the receiver answered, the process died before writing that down) is told apart by it.
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import * as tls from 'node:tls';
import { assertHostAllowed } from '../net/guard';
import type { AlertPayload, WebhookFormat } from './types';

export const SIGNATURE_HEADER = 'X-Deliverlab-Signature';
export const DELIVERY_HEADER = 'X-Deliverlab-Delivery';

/** Slack refuses a section over 3000 characters; Teams cards are best kept short too. */
const MAX_FIELD = 2900;

const clip = (text: string, max = MAX_FIELD) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Slack's mrkdwn treats &, < and > as markup: record text from DNS must stay text. */
const slackText = (text: string) => clip(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function watchWords(p: AlertPayload): string {
  return `${p.watch.kind === 'ip' ? 'sending IP' : 'domain'} ${p.target}${p.watch.client ? ` (client ${p.watch.client})` : ''}`;
}

/** The body posted for an alert, in the format the webhook setting names. */
export function webhookBody(payload: AlertPayload, format: WebhookFormat, delivery: number): unknown {
  if (format === 'slack') {
    const fields = [
      ...(payload.before !== undefined ? [{ type: 'mrkdwn', text: `*Before*\n${slackText(payload.before)}` }] : []),
      ...(payload.after !== undefined ? [{ type: 'mrkdwn', text: `*After*\n${slackText(payload.after)}` }] : []),
    ];
    return {
      text: slackText(`${payload.title} (${watchWords(payload)})`),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: clip(payload.title, 150) } },
        { type: 'section', text: { type: 'mrkdwn', text: slackText(payload.detail) } },
        ...(fields.length ? [{ type: 'section', fields }] : []),
        ...(payload.fix ? [{ type: 'section', text: { type: 'mrkdwn', text: `*Fix*\n${slackText(payload.fix)}` } }] : []),
        { type: 'context', elements: [{ type: 'mrkdwn', text: slackText(`${payload.rule} · ${watchWords(payload)} · alert ${payload.id}`) }] },
      ],
    };
  }
  if (format === 'teams') {
    // A message with an Adaptive Card, as Teams' workflow webhooks ("post to a channel when a webhook request is received") take it.
    const facts = [
      { title: 'Rule', value: payload.rule },
      { title: 'Watch', value: watchWords(payload) },
      ...(payload.before !== undefined ? [{ title: 'Before', value: clip(payload.before, 1000) }] : []),
      ...(payload.after !== undefined ? [{ title: 'After', value: clip(payload.after, 1000) }] : []),
      { title: 'Raised', value: payload.raisedAt },
    ];
    return {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              { type: 'TextBlock', text: clip(payload.title, 300), weight: 'Bolder', size: 'Medium', wrap: true },
              { type: 'TextBlock', text: clip(payload.detail), wrap: true },
              { type: 'FactSet', facts },
              ...(payload.fix ? [{ type: 'TextBlock', text: `Fix: ${clip(payload.fix)}`, wrap: true }] : []),
            ],
          },
        },
      ],
    };
  }
  return { type: 'deliverlab.alert', delivery, alert: payload };
}

/** sha256=<hex>: the HMAC-SHA256 of the body with the secret. */
export function signBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** Extra trusted CAs (PEM) for an https webhook in a lab. */
  ca?: readonly string[];
}

/** Posts `body` to `url`; resolves with the HTTP status, or rejects saying why no answer came. */
export function postJson(url: string, body: string, options: PostOptions): Promise<number> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new Error(`the webhook address is not a URL: ${url}`));
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return Promise.reject(new Error(`the webhook address must be http:// or https://, not ${parsed.protocol}`));
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const request = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
  const ca = options.ca && options.ca.length ? [...(tls.getCACertificates?.('default') ?? tls.rootCertificates), ...options.ca] : undefined;
  return assertHostAllowed(host, options.timeoutMs).then(
    () =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          parsed,
          {
            method: 'POST',
            agent: false,
            timeout: options.timeoutMs,
            headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Deliverlab', ...options.headers },
            ...(ca ? { ca } : {}),
          },
          (res) => {
            // The answer's body says nothing we act on: read it away so the socket can close.
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
            res.on('error', reject);
          },
        );
        const deadline = setTimeout(() => req.destroy(new Error(`no answer from ${host} within ${options.timeoutMs} ms`)), options.timeoutMs);
        req.on('timeout', () => req.destroy(new Error(`no answer from ${host} within ${options.timeoutMs} ms`)));
        req.on('error', (err) => reject(err));
        req.on('close', () => clearTimeout(deadline));
        req.end(body);
      }),
  );
}
