/**
 * The scheduler's loop with its time in the test's hands: a watch checked when due, the wait until
 * the next due time, a machine that slept through ten times checked once on waking, a stop in the
 * middle of a check that writes nothing, and a failed check tried again soon.
 */
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../electron/core/audit/types';
import { HistoryStore } from '../../electron/core/history/store';
import { WatchScheduler, type WatchChecks } from '../../electron/core/watch/scheduler';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('watch-scheduler');
const HOUR = 3_600_000;
const RULES = { off: [], scoreDrop: 10, certDays: 21 };

function audit(domain: string, score: number): AuditResult {
  return {
    domain,
    startedAt: new Date().toISOString(),
    durationMs: 1,
    score,
    grade: score >= 90 ? 'A' : 'C',
    resolver: 'system',
    checks: {
      mx: { status: 'pass', hosts: [], nullMx: false },
      spf: { status: 'pass', record: 'v=spf1 -all', records: ['v=spf1 -all'], terms: [], lookups: 0, all: '-' },
      dmarc: { status: 'pass', record: null, recordDomain: null, inherited: false, organizationalDomain: domain, policy: null, policySource: null, tags: {}, walk: [] },
    },
    findings: [],
    dns: [],
  };
}

function setup(checks: Partial<WatchChecks>) {
  const store = HistoryStore.open(tmp());
  store.addWatch({ kind: 'domain', target: 'a.example', clientId: null, schedule: { every: HOUR }, options: {} });
  const clock = { now: new Date(new Date().getTime() + 1000) };
  const sleeps: number[] = [];
  const stop = new AbortController();
  let onSleep: (ms: number) => void = () => {};
  const scheduler = new WatchScheduler({
    store,
    checks: { audit: async (w) => audit(w.target, 95), ip: () => Promise.reject(new Error('no IP here')), ...checks },
    rules: () => RULES,
    channels: () => [],
    concurrency: 1,
    clock: () => clock.now,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
      onSleep(ms);
    },
  });
  return { store, clock, sleeps, stop, scheduler, whenSleeping: (fn: (ms: number) => void) => (onSleep = fn) };
}

describe('the watch scheduler', () => {
  it('sleeps until the next due time (a minute at most), and after a machine slept through ten checks makes one', async () => {
    let audits = 0;
    const t = setup({ audit: async (w) => (audits++, audit(w.target, 95)) });
    t.whenSleeping(() => {
      if (t.sleeps.length === 1) t.clock.now = new Date(t.clock.now.getTime() + 10 * HOUR);
      if (t.sleeps.length === 2) t.stop.abort();
    });
    await t.scheduler.run(t.stop.signal);
    expect(audits).toBe(2);
    expect(t.sleeps).toEqual([60_000, 60_000]);
    const [watch] = t.store.listWatches();
    // Counted from the check on waking: an hour on, not the ten missed slots one after another.
    expect(Date.parse(watch?.nextAt ?? '') - t.clock.now.getTime()).toBe(HOUR);
    expect(t.store.watchCheckCounts().get(watch?.id ?? 0)).toBe(2);
    t.store.close();
  });

  it('stops in the middle of a check at once, writing nothing of it and holding no lease', async () => {
    const started = Promise.withResolvers<void>();
    const t = setup({
      audit: () => {
        started.resolve();
        return new Promise<AuditResult>(() => {});
      },
    });
    const running = t.scheduler.run(t.stop.signal);
    await started.promise;
    t.stop.abort();
    await running;
    expect(t.store.watchCheckCounts().size).toBe(0);
    expect(t.store.listAudits().total).toBe(0);
    expect(t.store.transaction((db) => db.prepare('SELECT COUNT(*) AS n FROM leases').get())).toEqual({ n: 0 });
    t.store.close();
  });

  it('records a check that could not run, raises nothing, keeps the baseline, and tries again in 15 minutes', async () => {
    const t = setup({ audit: () => Promise.reject(new Error('The DNS resolver 127.0.0.1:53 did not answer')) });
    const pass = await t.scheduler.runPass();
    expect(pass).toEqual({ checked: 1, alerts: [], errors: [{ target: 'a.example', error: 'The DNS resolver 127.0.0.1:53 did not answer' }] });
    const [watch] = t.store.listWatches();
    expect(watch).toMatchObject({ baseline: false, last: { error: 'The DNS resolver 127.0.0.1:53 did not answer', grade: null } });
    expect(Date.parse(watch?.nextAt ?? '')).toBe(t.clock.now.getTime() + 15 * 60_000);
    t.store.close();
  });
});
