/**
 * The operations for monitoring: clients, watches, alerts; and the watch service that runs the
 * scheduler and the alert deliveries (the app's main process, `deliverlab watch run`).
 *
 * Checks go through the same audit as audit.run (the settings' resolver, timeouts, selectors and
 * blocklist key), each DNS query through a per-resolver rate limit. Where alerts go comes from the
 * settings, or from the environment in a container (DELIVERLAB_WEBHOOK_URL and friends); the
 * webhook's signing secret comes from the secret store or an environment variable, never from the
 * settings.
 */
import { diffAudits } from '../core/audit/diff';
import type { NetworkOptions, SkipArea } from '../core/audit/context';
import type { AuditResult } from '../core/audit/types';
import { parseResolverSpec } from '../core/dns/servers';
import type { Channel, HistoryStore, WatchRecord } from '../core/history/store';
import { secretKey, SecretStoreError, type SecretStore } from '../core/secrets';
import type { SettingsService } from '../core/settings';
import { Deliverer, type DelivererOptions, type EmailSender, type WebhookTarget } from '../core/watch/delivery';
import { checkIp } from '../core/watch/ip-check';
import { RateLimiter } from '../core/watch/rate-limit';
import { scheduleOf, ScheduleError } from '../core/watch/schedule';
import { WatchScheduler, type SchedulerOptions } from '../core/watch/scheduler';
import type { AlertRuleSettings, WebhookFormat } from '../core/watch/types';
import { ApiError } from './errors';
import type { EventName } from './names';
import type { EventPayload, OpParsed, OpResult, WatchPass } from './operations';

/** How audit.run audits: the one audit the app, the CLI and the watches share (handlers.ts). */
export interface AuditCall {
  resolver?: string;
  skip?: readonly SkipArea[];
  selectors?: readonly string[];
  network?: NetworkOptions;
  /** The DNS session's gate: the rate limit. */
  gate?: () => Promise<void>;
}

export interface WatchContext {
  store: HistoryStore | null;
  settings: SettingsService;
  secrets: SecretStore;
  env: NodeJS.ProcessEnv;
  audit: (domain: string, call: AuditCall) => Promise<AuditResult>;
  /** An email sender through a saved SMTP profile (handlers-mail.ts). */
  mailer: (profile: string, to: readonly string[]) => EmailSender;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
}

export type WatchOperation =
  | 'clients.list'
  | 'clients.get'
  | 'clients.save'
  | 'clients.delete'
  | 'watch.list'
  | 'watch.add'
  | 'watch.remove'
  | 'watch.mute'
  | 'watch.check'
  | 'alerts.list'
  | 'alerts.ack'
  | 'alerts.snooze'
  | 'alerts.save-webhook-secret';

type WatchHandlers = { [N in WatchOperation]: (input: OpParsed<N>) => Promise<OpResult<N>> | OpResult<N> };

/** What `deliverlab watch run` may change for its own run: the audit's flags. */
export interface WatchRunOverrides {
  resolver?: string;
  skip?: SkipArea[];
  selectors?: string[];
  network?: NetworkOptions;
}

/** Stand-ins for time and the network, for tests (and the bench's concurrency). */
export type WatchServiceHooks = Partial<Pick<SchedulerOptions, 'clock' | 'random' | 'sleep' | 'concurrency' | 'leaseMs'>> &
  Partial<Pick<DelivererOptions, 'backoff' | 'post' | 'onDelivered' | 'onFailed' | 'maxAttempts' | 'ca'>>;

export interface WatchService {
  readonly scheduler: WatchScheduler;
  readonly deliverer: Deliverer;
  /** One pass over the due watches (or `only`), then one attempt at each delivery owed. */
  runOnce(options?: { signal?: AbortSignal; only?: readonly number[] }): Promise<WatchPass>;
  /** Checks and delivers until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}

/** The variables a container sets instead of the settings; each wins over its setting when set. */
export const WATCH_ENV = {
  webhookUrl: 'DELIVERLAB_WEBHOOK_URL',
  webhookFormat: 'DELIVERLAB_WEBHOOK_FORMAT',
  webhookSecret: 'DELIVERLAB_WEBHOOK_SECRET',
  emailProfile: 'DELIVERLAB_ALERT_EMAIL_PROFILE',
  emailTo: 'DELIVERLAB_ALERT_EMAIL_TO',
} as const;

const WEBHOOK_SECRET_KEY = secretKey.webhook();

export function createWatchHandlers(ctx: WatchContext): WatchHandlers & { service(overrides?: WatchRunOverrides, hooks?: WatchServiceHooks): WatchService; close(): void } {
  const needStore = (): HistoryStore => {
    if (!ctx.store) throw new ApiError('invalid-input', 'History is off (--no-history), so nothing can be watched: watches and alerts are kept in it.', undefined, { reason: 'history-off' });
    return ctx.store;
  };
  const clientNamed = (name: string) => {
    const client = ctx.store?.clientNamed(name);
    if (!client) throw new ApiError('not-found', `There is no client named "${name}".`);
    return client;
  };

  const rules = (): AlertRuleSettings => ctx.settings.get().alertRules;

  const webhook = (): WebhookTarget | null => {
    const setting = ctx.settings.get().alertWebhook;
    const url = ctx.env[WATCH_ENV.webhookUrl] || setting.url;
    if (!url) return null;
    const envFormat = ctx.env[WATCH_ENV.webhookFormat];
    const format: WebhookFormat = envFormat === 'slack' || envFormat === 'teams' || envFormat === 'json' ? envFormat : setting.format;
    let secret: string | null;
    if (setting.secretEnv) {
      secret = ctx.env[setting.secretEnv] ?? null;
      // Asked to sign: an unset variable must fail the delivery, not send it unsigned.
      if (!secret) throw new Error(`the webhook's signing secret is read from $${setting.secretEnv}, which is not set for this process`);
    } else {
      secret = readStoredSecret() ?? ctx.env[WATCH_ENV.webhookSecret] ?? null;
    }
    return { url, format, secret };
  };
  const readStoredSecret = (): string | null => {
    try {
      return ctx.secrets.get(WEBHOOK_SECRET_KEY) ?? null;
    } catch (err) {
      if (err instanceof SecretStoreError) throw new Error(`the webhook's signing secret cannot be read: ${err.message}`, { cause: err });
      throw err;
    }
  };
  const email = (): { profile: string; to: string[] } | null => {
    const setting = ctx.settings.get().alertEmail;
    const profile = ctx.env[WATCH_ENV.emailProfile] || setting.profile;
    const envTo = ctx.env[WATCH_ENV.emailTo];
    const to = envTo ? envTo.split(',').map((a) => a.trim()).filter(Boolean) : setting.to;
    return profile && to.length > 0 ? { profile, to } : null;
  };
  /** Where an alert raised now is to be delivered: a webhook once its address is set, whatever its secret. */
  const channels = (): Channel[] => [...(ctx.env[WATCH_ENV.webhookUrl] || ctx.settings.get().alertWebhook.url ? (['webhook'] as const) : []), ...(email() ? (['email'] as const) : [])];

  const services: WatchService[] = [];
  const stops: AbortController[] = [];

  function service(overrides: WatchRunOverrides = {}, hooks: WatchServiceHooks = {}): WatchService {
    const store = needStore();
    const limiter = new RateLimiter(ctx.settings.get().watchDnsRate);
    const gateFor = (resolver: string) => limiter.gate(resolver);
    const resolverOf = (watch: WatchRecord) => overrides.resolver ?? watch.options.resolver ?? ctx.settings.get().resolver;
    const scheduler = new WatchScheduler({
      store,
      checks: {
        audit: async (watch) => {
          const resolver = resolverOf(watch);
          const skip = overrides.skip ?? watch.options.skip;
          const selectors = [...new Set([...(watch.options.selectors ?? []), ...(overrides.selectors ?? [])])];
          const result = await ctx.audit(watch.target, {
            resolver,
            ...(skip ? { skip } : {}),
            selectors,
            ...(overrides.network ? { network: overrides.network } : {}),
            gate: gateFor(resolver),
          });
          const previous = store.latestAudit(watch.target);
          if (previous) result.diff = diffAudits(previous, result);
          return result;
        },
        ip: (watch) => {
          const current = ctx.settings.get();
          const resolver = resolverOf(watch);
          return checkIp(watch.target, {
            dns: {
              servers: parseResolverSpec(resolver),
              timeoutMs: current.dnsTimeoutMs,
              ...(current.spamhausDqsKey ? { redact: [current.spamhausDqsKey] } : {}),
              ...(overrides.network?.ca ? { ca: overrides.network.ca } : {}),
              gate: gateFor(resolver),
            },
            ...(current.spamhausDqsKey ? { spamhausDqsKey: current.spamhausDqsKey } : {}),
          });
        },
      },
      rules,
      channels,
      ...pick(hooks, ['clock', 'random', 'sleep', 'concurrency', 'leaseMs']),
      onAlert: (alert) => ctx.emit('alert.raised', alert),
      onChecked: (event) => {
        ctx.emit('watch.checked', event);
        if (event.alerts.length > 0) deliverer.wake();
      },
    });
    const deliverer = new Deliverer({
      store,
      webhook,
      email: () => {
        const set = email();
        return set ? ctx.mailer(set.profile, set.to) : null;
      },
      ...pick(hooks, ['clock', 'sleep', 'backoff', 'post', 'onDelivered', 'onFailed', 'maxAttempts', 'leaseMs']),
      ...((hooks.ca ?? overrides.network?.ca) ? { ca: hooks.ca ?? overrides.network?.ca } : {}),
    });
    const made: WatchService = {
      scheduler,
      deliverer,
      async runOnce(options = {}) {
        const pass = await scheduler.runPass(options);
        await deliverer.flushOnce(options.signal);
        return pass;
      },
      async run(signal) {
        await Promise.all([scheduler.run(signal), deliverer.run(signal)]);
      },
    };
    services.push(made);
    return made;
  }

  let shared: WatchService | null = null;
  const sharedService = () => (shared ??= service());

  return {
    service,
    close() {
      for (const stop of stops) stop.abort();
    },
    'clients.list': () => ({ clients: ctx.store?.listClients() ?? [] }),
    'clients.get': ({ name }) => clientNamed(name),
    'clients.save': (input) => needStore().saveClient(input),
    'clients.delete': ({ name }) => ({ deleted: ctx.store?.deleteClient(name) ?? false }),
    'watch.list': ({ client }) => ({ items: ctx.store?.listWatches(client === undefined ? {} : { clientId: clientNamed(client).id }) ?? [] }),
    'watch.add': ({ targets, client, every, at, skip, selectors, resolver }) => {
      const store = needStore();
      let schedule;
      try {
        schedule = scheduleOf({ every, at });
      } catch (err) {
        if (err instanceof ScheduleError) throw new ApiError('invalid-input', err.message, [{ path: at !== undefined ? 'at' : 'every', message: err.message }], { fields: [{ field: at !== undefined ? 'at' : 'every', message: err.message }] });
        throw err;
      }
      const owner = client === undefined ? null : (store.clientNamed(client) ?? store.saveClient({ name: client }));
      const options = { ...(skip?.length ? { skip } : {}), ...(selectors?.length ? { selectors } : {}), ...(resolver ? { resolver } : {}) };
      const added: number[] = [];
      const updated: number[] = [];
      const watches = targets.map(({ kind, target }) => {
        // Sending IPs are checked by blocklists and reverse DNS only: the audit's options do not apply.
        const made = store.addWatch({ kind, target, clientId: owner?.id ?? null, schedule, options: kind === 'ip' ? (resolver ? { resolver } : {}) : options }, owner ? { clientId: owner.id } : undefined);
        (made.added ? added : updated).push(made.watch.id);
        return made.watch;
      });
      for (const s of services) s.scheduler.wake();
      return { watches, added, updated };
    },
    'watch.remove': ({ ids = [], targets = [] }) => {
      const store = needStore();
      const wanted = new Set(ids);
      for (const { target } of targets) {
        const found = store.watchByTarget(target);
        if (!found) throw new ApiError('not-found', `${target} is not watched.`);
        wanted.add(found.id);
      }
      let removed = 0;
      for (const id of wanted) if (store.removeWatch(id)) removed++;
      return { removed };
    },
    'watch.mute': ({ id, rule, muted }) => {
      const watch = needStore().setWatchMuted(id, rule, muted);
      if (!watch) throw new ApiError('not-found', `There is no watch #${id}.`);
      return watch;
    },
    'watch.check': async ({ ids }) => {
      const store = needStore();
      for (const id of ids ?? []) if (!store.getWatch(id)) throw new ApiError('not-found', `There is no watch #${id}.`);
      const stop = new AbortController();
      stops.push(stop);
      try {
        const svc = sharedService();
        const pass = await svc.scheduler.runPass({ signal: stop.signal, ...(ids ? { only: ids } : {}) });
        // Delivered after the answer, never in its way; a failure stays in the outbox for the next time.
        svc.deliverer.flushOnce(stop.signal).catch(() => {});
        return pass;
      } finally {
        stops.splice(stops.indexOf(stop), 1);
      }
    },
    'alerts.list': ({ open, watch, client, limit, offset }) =>
      ctx.store?.listAlerts({ ...(open ? { open } : {}), ...(watch !== undefined ? { watchId: watch } : {}), ...(client !== undefined ? { clientId: clientNamed(client).id } : {}), limit, offset }) ?? { items: [], total: 0 },
    'alerts.ack': ({ id }) => {
      const store = needStore();
      if (!store.ackAlert(id)) throw new ApiError('not-found', `There is no alert #${id}.`);
      return store.getAlert(id) as NonNullable<ReturnType<HistoryStore['getAlert']>>;
    },
    'alerts.snooze': ({ id, until }) => {
      const store = needStore();
      if (!store.snoozeAlert(id, until === null ? null : new Date(until).toISOString())) throw new ApiError('not-found', `There is no alert #${id}.`);
      return store.getAlert(id) as NonNullable<ReturnType<HistoryStore['getAlert']>>;
    },
    'alerts.save-webhook-secret': ({ secret }) => {
      try {
        if (secret === '') ctx.secrets.delete(WEBHOOK_SECRET_KEY);
        else ctx.secrets.set(WEBHOOK_SECRET_KEY, secret);
      } catch (err) {
        if (err instanceof SecretStoreError) throw new ApiError('invalid-input', `The secret was not saved: ${err.message}`);
        throw err;
      }
      return { saved: secret !== '' };
    },
  };
}

/** The hooks named, those given. */
function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}
