/**
 * The watch scheduler: checks each watch when it is due, compares with what it remembered, and
 * records the check with its alerts.
 *
 * One scheduler runs in the app while it is open and in `deliverlab watch run`; several may share
 * one database. A due watch is taken by its lease (history/leases.ts), so no two schedulers check it
 * at once, and a check is recorded all or nothing while the lease is held (history/watches.ts), so
 * a scheduler stopped or killed mid-check leaves nothing half-written and raises nothing twice.
 *
 * Time, sleep and chance come in as parameters, so tests drive the schedule with no real waiting.
 */
import { randomUUID } from 'node:crypto';
import type { AuditResult } from '../audit/types';
import { leaseHolder, watchLease, type Channel, type HistoryStore, type LeaseHolder, type WatchRecord } from '../history/store';
import { evaluateRules } from './rules';
import { nextRun } from './schedule';
import { auditState, ipState } from './state';
import type { Alert, AlertRuleSettings, IpCheckResult, PassResult, WatchState } from './types';

/** What a check of one watch needs from the app: its audit or IP check, as the settings say. */
export interface WatchChecks {
  /** A domain's full audit, with the watch's options and the settings; not yet stored. */
  audit(watch: WatchRecord): Promise<AuditResult>;
  ip(watch: WatchRecord): Promise<IpCheckResult>;
}

export interface CheckedEvent {
  watchId: number;
  target: string;
  alerts: Alert[];
  auditId: number | null;
  error?: string;
}

export interface SchedulerOptions {
  store: HistoryStore;
  checks: WatchChecks;
  /** The rules' settings, read at each check (the user may change them while it runs). */
  rules: () => AlertRuleSettings;
  /** Where each alert is delivered, read at each check. */
  channels: () => Channel[];
  /** How many watches are checked at once. */
  concurrency?: number;
  /** How long a lease holds without renewal; renewed every third of it while a check runs. */
  leaseMs?: number;
  clock?: () => Date;
  random?: () => number;
  /** Waits `ms`, or less when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onAlert?: (alert: Alert) => void;
  onChecked?: (event: CheckedEvent) => void;
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_LEASE_MS = 120_000;
/** The longest an idle scheduler sleeps: it notices watches added elsewhere, and a machine that slept. */
const MAX_IDLE_MS = 60_000;
/** A check that failed (the resolver did not answer) is tried again this much later, not a whole interval. */
const RETRY_AFTER_ERROR_MS = 15 * 60_000;

export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `work`, or undefined as soon as `signal` aborts (the work goes on unobserved; nothing of it is kept). */
function unlessStopped<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return work;
  work.catch(() => {});
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const stop = () => resolve(undefined);
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

export class WatchScheduler {
  readonly holder: LeaseHolder;
  private readonly clock: () => Date;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private wakers = new Set<() => void>();

  constructor(private readonly options: SchedulerOptions) {
    this.holder = leaseHolder(randomUUID());
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? realSleep;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  /** Ends the idle waits now: a watch was added, or the user asked for a check. */
  wake(): void {
    for (const wake of this.wakers) wake();
  }

  /**
   * One pass: every watch due now (or each of `only`, due or not) that no other scheduler holds is
   * checked once. Resolves with what was checked and raised; a stop leaves the checks in flight
   * unrecorded.
   */
  async runPass(options: { signal?: AbortSignal; only?: readonly number[] } = {}): Promise<PassResult> {
    const result: PassResult = { checked: 0, alerts: [], errors: [] };
    const taken: number[] = [];
    const worker = async () => {
      while (!options.signal?.aborted) {
        const record = this.claim({ ...(options.only ? { only: options.only } : {}), exclude: taken });
        if (!record) return;
        taken.push(record.id);
        const outcome = await this.check(record, options.signal);
        if (!outcome) continue;
        result.checked++;
        result.alerts.push(...outcome.alerts);
        if (outcome.error) result.errors.push({ target: record.target, error: outcome.error });
      }
    };
    try {
      await Promise.all(Array.from({ length: this.concurrency }, worker));
    } finally {
      if (options.signal?.aborted) this.releaseAll();
    }
    result.alerts.sort((a, b) => a.id - b.id);
    return result;
  }

  /** Checks watches as they fall due until `signal` aborts; then lets its leases go. */
  async run(signal: AbortSignal): Promise<void> {
    const worker = async () => {
      while (!signal.aborted) {
        const record = this.claim({});
        // A check that could not be recorded leaves its watch due: wait before taking it again.
        if (record && (await this.check(record, signal))?.stored !== false) continue;
        await this.idle(signal);
      }
    };
    try {
      await Promise.all(Array.from({ length: this.concurrency }, worker));
    } finally {
      this.releaseAll();
    }
  }

  private release(id: number): void {
    try {
      this.options.store.releaseLease(watchLease(id), this.holder);
    } catch {
      // As below: the lease ends with its expiry.
    }
  }

  private releaseAll(): void {
    try {
      this.options.store.releaseLeases(this.holder);
    } catch {
      // The database is closed already: its leases end with their expiry, or with this process.
    }
  }

  /** Sleeps until the next watch is due (at most a minute), or until woken or stopped. */
  private async idle(signal: AbortSignal): Promise<void> {
    const next = this.options.store.nextDueAt();
    const now = this.clock().getTime();
    const wait = next === null ? MAX_IDLE_MS : Math.min(MAX_IDLE_MS, Math.max(0, Date.parse(next) - now));
    const woken = new AbortController();
    const onStop = () => woken.abort();
    signal.addEventListener('abort', onStop, { once: true });
    const wake = () => woken.abort();
    this.wakers.add(wake);
    try {
      // A watch due in the past (the machine slept through it) is taken at once, once.
      await this.sleep(Math.max(wait, 1), woken.signal);
    } finally {
      this.wakers.delete(wake);
      signal.removeEventListener('abort', onStop);
    }
  }

  private claim(pick: { only?: readonly number[]; exclude?: readonly number[] }): WatchRecord | null {
    const now = this.clock();
    return this.options.store.claimWatch(this.holder, now.toISOString(), new Date(now.getTime() + this.leaseMs).toISOString(), pick);
  }

  /** Checks one watch whose lease is held, and records it; null when stopped or the lease was lost. */
  private async check(record: WatchRecord, signal: AbortSignal | undefined): Promise<{ alerts: Alert[]; error?: string; stored: boolean } | null> {
    const { store } = this.options;
    const started = this.clock();
    const renew = setInterval(() => {
      try {
        store.renewLeases([watchLease(record.id)], this.holder, new Date(this.clock().getTime() + this.leaseMs).toISOString());
      } catch {
        // A lease that cannot be renewed expires, and the check is then not recorded: never twice.
      }
    }, Math.max(1000, Math.floor(this.leaseMs / 3)));
    renew.unref();
    try {
      let audit: AuditResult | undefined;
      let ip: IpCheckResult | undefined;
      let error: string | undefined;
      try {
        const work = record.kind === 'domain' ? this.options.checks.audit(record) : this.options.checks.ip(record);
        const done = await unlessStopped<AuditResult | IpCheckResult>(work, signal);
        if (done === undefined || signal?.aborted) return null;
        if (record.kind === 'domain') audit = done as AuditResult;
        else ip = done as IpCheckResult;
      } catch (err) {
        if (signal?.aborted) return null;
        error = (err as Error).message;
      }
      const finished = this.clock();
      const settings = this.options.rules();
      let state: WatchState | null = null;
      let drafts: ReturnType<typeof evaluateRules> = [];
      if (!error) {
        state = audit ? auditState(audit, record.state, finished, settings.certDays) : ipState(ip as IpCheckResult, record.state);
        drafts = evaluateRules(record.state, state, { kind: record.kind, target: record.target, settings, muted: record.muted, now: finished, ...(audit ? { audit } : {}) });
      }
      const nextAt = error
        ? new Date(finished.getTime() + Math.min(RETRY_AFTER_ERROR_MS, 'every' in record.schedule ? record.schedule.every : RETRY_AFTER_ERROR_MS)).toISOString()
        : nextRun(record.schedule, finished, this.random).toISOString();
      let done: ReturnType<HistoryStore['finishCheck']>;
      try {
        done = store.finishCheck(this.holder, {
        watchId: record.id,
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        ...(audit ? { audit } : {}),
        ...(ip ? { ip } : {}),
        ...(error ? { error } : {}),
        drafts,
        state,
        nextAt,
        channels: drafts.length ? this.options.channels() : [],
        });
      } catch (err) {
        // The history could not be written (a full disk): nothing of the check is kept, and the
        // watch stays due. The lease goes, so that this or another scheduler can try again.
        this.release(record.id);
        const message = (err as Error).message;
        this.options.onChecked?.({ watchId: record.id, target: record.target, alerts: [], auditId: null, error: message });
        return { alerts: [], error: message, stored: false };
      }
      if (!done) return null;
      for (const alert of done.alerts) this.options.onAlert?.(alert);
      this.options.onChecked?.({ watchId: record.id, target: record.target, alerts: done.alerts, auditId: done.auditId, ...(error ? { error } : {}) });
      return { alerts: done.alerts, ...(error ? { error } : {}), stored: true };
    } finally {
      clearInterval(renew);
    }
  }
}
