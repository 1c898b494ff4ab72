/**
 * Delivering alerts from the outbox: the webhook and the email, each in the order the alerts were
 * raised, retried with backoff, never in the way of the next check.
 *
 * The checks write deliveries into the outbox in the transaction that records their alerts; this
 * sends them. A delivery that fails is tried again later (5 s, 10 s, 20 s... up to 30 minutes
 * apart), and the ones after it wait for it, so a receiver sees alerts in order. Only the scheduler
 * holding a channel's lease sends on it, so two schedulers on one database do not both post.
 * Whatever is not sent when the process stops is sent by the next one: nothing is lost.
 */
import { randomUUID } from 'node:crypto';
import { leaseHolder, type Channel, type HistoryStore, type LeaseHolder } from '../history/store';
import { realSleep } from './scheduler';
import type { AlertPayload, Delivery, WebhookFormat } from './types';
import { DELIVERY_HEADER, SIGNATURE_HEADER, postJson, signBody, webhookBody } from './webhook';

export interface WebhookTarget {
  url: string;
  format: WebhookFormat;
  /** The signing secret; null sends no signature. */
  secret: string | null;
}

/** Sends one alert by email; rejects saying why it was not accepted. */
export type EmailSender = (payload: AlertPayload) => Promise<void>;

export interface DelivererOptions {
  store: HistoryStore;
  /** The webhook as the settings say now; null when there is none. */
  webhook: () => WebhookTarget | null;
  /** The email sender as the settings say now; null when there is none. */
  email: () => EmailSender | null;
  /** Posts a body; resolves with the HTTP status (postJson unless a test stands in). */
  post?: (url: string, body: string, headers: Record<string, string>) => Promise<number>;
  /** Extra trusted CAs for an https webhook in a lab. */
  ca?: readonly string[];
  timeoutMs?: number;
  /** How long to wait after the attempt-th failure. */
  backoff?: (attempt: number) => number;
  /** After this many failed attempts a delivery is given up (and says so in the outbox). */
  maxAttempts?: number;
  clock?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  leaseMs?: number;
  onDelivered?: (delivery: Delivery) => void;
  onFailed?: (delivery: Delivery, error: string, willRetry: boolean) => void;
}

const CHANNELS: readonly Channel[] = ['webhook', 'email'];

/** 5 s doubling to at most 30 minutes. */
export const defaultBackoff = (attempt: number): number => Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 30 * 60_000);
const MAX_ATTEMPTS = 60;
const IDLE_MS = 60_000;

export class Deliverer {
  readonly holder: LeaseHolder;
  private readonly clock: () => Date;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly leaseMs: number;
  private readonly wakers = new Set<() => void>();

  constructor(private readonly options: DelivererOptions) {
    this.holder = leaseHolder(randomUUID());
    this.clock = options.clock ?? (() => new Date());
    this.sleep = options.sleep ?? realSleep;
    this.leaseMs = options.leaseMs ?? 120_000;
  }

  /** New deliveries were written: stop waiting for the idle timer. */
  wake(): void {
    for (const wake of this.wakers) wake();
  }

  /**
   * One attempt at each delivery owed, in order, on every channel, stopping at a channel's first
   * failure (the ones after it wait for it). What `watch run --once` does before it exits.
   */
  async flushOnce(signal?: AbortSignal): Promise<void> {
    for (const channel of CHANNELS) {
      while (!signal?.aborted) {
        const head = this.head(channel);
        if (!head || !(await this.attempt(head, signal))) break;
      }
      this.release(channel);
    }
  }

  /** Delivers as deliveries come, until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    try {
      await Promise.all(CHANNELS.map((channel) => this.runChannel(channel, signal)));
    } finally {
      for (const channel of CHANNELS) this.release(channel);
    }
  }

  private async runChannel(channel: Channel, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const head = this.head(channel);
      if (!head) {
        await this.idle(IDLE_MS, signal);
        continue;
      }
      const wait = Date.parse(head.nextAttemptAt) - this.clock().getTime();
      if (wait > 0) {
        await this.idle(wait, signal);
        continue;
      }
      await this.attempt(head, signal);
    }
  }

  /** The channel's oldest delivery owed, when this deliverer holds (or can take) the channel. */
  private head(channel: Channel): Delivery | null {
    const { store } = this.options;
    const head = store.outboxHead(channel);
    if (!head) return null;
    const now = this.clock();
    if (!store.takeLease(`outbox:${channel}`, this.holder, now.toISOString(), new Date(now.getTime() + this.leaseMs).toISOString())) return null;
    return head;
  }

  private release(channel: Channel): void {
    try {
      this.options.store.releaseLease(`outbox:${channel}`, this.holder);
    } catch {
      // The database is closed already: the lease ends with its expiry, or with this process.
    }
  }

  private async idle(ms: number, signal: AbortSignal): Promise<void> {
    const woken = new AbortController();
    const stop = () => woken.abort();
    signal.addEventListener('abort', stop, { once: true });
    this.wakers.add(stop);
    try {
      await this.sleep(Math.max(1, ms), woken.signal);
    } finally {
      this.wakers.delete(stop);
      signal.removeEventListener('abort', stop);
    }
  }

  /**
   * Sends one delivery once; true when it was delivered (or is no longer owed). A stop while it is
   * being sent records nothing: the next deliverer sends it again, with the same delivery id.
   */
  private async attempt(delivery: Delivery, signal?: AbortSignal): Promise<boolean> {
    const { store } = this.options;
    let error: string | null = null;
    const stop = Promise.withResolvers<'stopped'>();
    const onStop = () => stop.resolve('stopped');
    if (signal?.aborted) onStop();
    signal?.addEventListener('abort', onStop, { once: true });
    const send = async (): Promise<void> => {
      if (delivery.channel === 'webhook') {
        const target = this.options.webhook();
        if (!target) error = 'no webhook is set up';
        else {
          const body = JSON.stringify(webhookBody(delivery.payload, target.format, delivery.id));
          const headers: Record<string, string> = { [DELIVERY_HEADER]: String(delivery.id), 'X-Deliverlab-Event': 'alert' };
          if (target.secret) headers[SIGNATURE_HEADER] = signBody(body, target.secret);
          const post = this.options.post ?? ((url, text, h) => postJson(url, text, { headers: h, timeoutMs: this.options.timeoutMs ?? 10_000, ...(this.options.ca ? { ca: this.options.ca } : {}) }));
          const status = await post(target.url, body, headers);
          if (status < 200 || status >= 300) error = `the webhook answered HTTP ${status}`;
        }
      } else {
        const mail = this.options.email();
        if (!mail) error = 'no alert email is set up';
        else await mail(delivery.payload);
      }
    };
    try {
      const sent = send();
      sent.catch(() => {});
      if ((await Promise.race([sent.then(() => 'sent' as const), stop.promise])) === 'stopped') return false;
    } catch (err) {
      error = (err as Error).message;
    } finally {
      signal?.removeEventListener('abort', onStop);
    }
    const now = this.clock();
    if (error === null) {
      store.markDelivered(delivery.id, now.toISOString());
      this.options.onDelivered?.({ ...delivery, attempts: delivery.attempts + 1, deliveredAt: now.toISOString() });
      return true;
    }
    const attempts = delivery.attempts + 1;
    const giveUp = attempts >= (this.options.maxAttempts ?? MAX_ATTEMPTS);
    const next = new Date(now.getTime() + (this.options.backoff ?? defaultBackoff)(attempts)).toISOString();
    store.markAttemptFailed(delivery.id, error, next, giveUp, now.toISOString());
    this.options.onFailed?.({ ...delivery, attempts, lastError: error, nextAttemptAt: next }, error, !giveUp);
    return giveUp;
  }
}
