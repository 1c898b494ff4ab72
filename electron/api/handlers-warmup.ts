/**
 * The warm-up planner's operations: a plan computed (and its CSV or calendar), plans kept in history,
 * and a kept plan against the sending data imported for its IP or domain.
 */
import { planFileName, warmupCsv, warmupIcs } from '../core/health/warmup-files';
import { WarmupInputError, warmupPlan, warmupTemplates } from '../core/health/warmup-plan';
import { compareWarmup } from '../core/health/warmup-progress';
import type { DailyProviderVolumeSource, DailyVolumeSource, StoredWarmupPlan, WarmupPlan, WarmupPlanInput } from '../core/health/warmup-types';
import type { HistoryStore } from '../core/history/store';
import { ApiError, invalidField } from './errors';
import type { OpParsed, OpResult, WarmupPlanItem } from './operations';

export interface WarmupContext {
  store: HistoryStore | null;
  /**
   * Each day's sending for an IP or a domain, from the imported ESP exports (core/history/health.ts
   * dailyVolume over the store). Absent without a history: progress then says there is no data.
   */
  dailyVolume?: DailyVolumeSource;
  /** The same per recipient provider (dailyVolumeByProvider), for each provider's progress. */
  dailyVolumeByProvider?: DailyProviderVolumeSource;
  now?: () => Date;
}

export type WarmupOperation = 'warmup.templates' | 'warmup.plan' | 'warmup.save' | 'warmup.list' | 'warmup.delete' | 'warmup.progress';

type WarmupHandlers = { [N in WarmupOperation]: (input: OpParsed<N>) => Promise<OpResult<N>> | OpResult<N> };

/** The plan, or the core's refusal as a refused field (its message is the same for the app and the CLI). */
function planOf(input: WarmupPlanInput): WarmupPlan {
  try {
    return warmupPlan(input);
  } catch (err) {
    if (err instanceof WarmupInputError) throw invalidField(err.field, err.message, err.message);
    throw err;
  }
}

const templateInfo = (name: WarmupPlan['template']) => warmupTemplates().find((t) => t.name === name)!;

export function createWarmupHandlers(ctx: WarmupContext): WarmupHandlers {
  const now = ctx.now ?? (() => new Date());
  const today = () => now().toISOString().slice(0, 10);
  const needStore = (): HistoryStore => {
    if (!ctx.store) throw new ApiError('invalid-input', 'History is off (--no-history): warm-up plans are kept in history.', undefined, { reason: 'history-off' });
    return ctx.store;
  };
  const inputOf = (v: { daily: number; start: number; template: WarmupPlan['template']; startDate?: string | undefined; mix?: WarmupPlanInput['mix'] | undefined }): WarmupPlanInput => ({
    daily: v.daily,
    start: v.start,
    template: v.template,
    startDate: v.startDate ?? today(),
    ...(v.mix ? { mix: v.mix } : {}),
  });
  const storedPlan = (stored: StoredWarmupPlan): WarmupPlan =>
    planOf({ daily: stored.daily, start: stored.start, template: stored.template, startDate: stored.startDate, ...(stored.mix ? { mix: stored.mix } : {}) });
  const itemOf = (stored: StoredWarmupPlan): WarmupPlanItem => {
    const plan = storedPlan(stored);
    return { ...stored, targetDay: plan.targetDay, days: plan.days.length, endDate: plan.days.at(-1)?.date ?? stored.startDate };
  };
  const found = (id: number): StoredWarmupPlan => {
    const stored = needStore().getWarmupPlan(id);
    if (!stored) throw new ApiError('not-found', `There is no warm-up plan #${id}.`);
    return stored;
  };

  return {
    'warmup.templates': () => ({ templates: warmupTemplates() }),
    'warmup.plan': ({ ip, domain, name, format, ...fields }) => {
      const plan = planOf(inputOf(fields));
      const target = ip ?? domain;
      const template = templateInfo(plan.template);
      if (!format) return { plan, template };
      const text = format === 'csv' ? warmupCsv(plan) : warmupIcs(plan, { ...(target ? { target } : {}), ...(name ? { name } : {}), stamp: now() });
      return { plan, template, file: { name: `${planFileName(plan, target)}.${format}`, format, text } };
    },
    'warmup.save': ({ name, ip, domain, ...fields }) => {
      const store = needStore();
      const plan = planOf(inputOf(fields));
      // The mix as given (its own units); the default one is not stored, so it follows the template file.
      const stored = store.saveWarmupPlan({
        name,
        kind: ip ? 'ip' : 'domain',
        target: (ip ?? domain) as string,
        template: plan.template,
        startDate: plan.startDate,
        daily: plan.daily,
        start: plan.start,
        mix: fields.mix ? { gmail: 0, microsoft: 0, yahoo: 0, apple: 0, other: 0, ...fields.mix } : null,
      });
      return itemOf(stored);
    },
    'warmup.list': () => ({ items: ctx.store ? ctx.store.listWarmupPlans().map(itemOf) : [] }),
    'warmup.delete': ({ id }) => ({ deleted: ctx.store ? ctx.store.deleteWarmupPlan(id) : false }),
    'warmup.progress': ({ id }) => {
      const stored = found(id);
      const item = itemOf(stored);
      const plan = storedPlan(stored);
      const query = { ...(stored.kind === 'ip' ? { ip: stored.target } : { domain: stored.target }), since: plan.startDate, until: item.endDate };
      const rows = ctx.dailyVolume ? ctx.dailyVolume(query) : [];
      const progress = compareWarmup(plan, rows, ctx.dailyVolumeByProvider ? ctx.dailyVolumeByProvider(query) : []);
      if (progress.through === null) return { item, plan, progress: null, noData: 'no sending data imported yet' };
      return { item, plan, progress };
    },
  };
}
