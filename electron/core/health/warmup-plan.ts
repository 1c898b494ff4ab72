/**
 * A warm-up plan for a new or cold IP or domain: the volume to send each day to each mailbox provider,
 * from a starting volume to a daily target, by a template's growth schedule for that provider; with
 * whom to send to.
 *
 * The templates are data (resources/warmup-templates.json, each with the guides it draws on). The mix
 * splits the starting volume and the target between the providers. Each provider starts at its share
 * of the starting volume, at most the template's first-day cap for it, and grows by its own factors:
 * its first-day volume times the factors so far, rounded, one more than the day before at least, and
 * never over its share of the target, which it reaches on a day of its own. A day's volume is the
 * providers' sum; once the slowest provider has reached its share, every share is held for the
 * template's hold days.
 */
import templatesJson from '../../../resources/warmup-templates.json' with { type: 'json' };
import {
  WARMUP_PROVIDERS,
  WARMUP_TEMPLATES,
  type ProviderMix,
  type SegmentAdvice,
  type WarmupDay,
  type WarmupPlan,
  type WarmupPlanInput,
  type WarmupPlanWarning,
  type WarmupProvider,
  type WarmupProviderSchedule,
  type WarmupSource,
  type WarmupTemplateInfo,
  type WarmupTemplateName,
} from './warmup-types';

interface ProviderSpec {
  firstDayCap: number;
  growth: { fromDay: number; factor: number }[];
}

interface TemplateSpec {
  title: string;
  description: string;
  holdDays: number;
  firstDayLimit: number;
  providers: Record<WarmupProvider, ProviderSpec>;
  segments: { fromDay: number; engagedWithinDays: number | null; advice: string }[];
  sources: WarmupSource[];
}

interface TemplatesFile {
  providerLabels: Record<WarmupProvider, string>;
  defaultMix: ProviderMix;
  maxDays: number;
  thresholds: WarmupThresholds;
  templates: Record<WarmupTemplateName, TemplateSpec>;
}

/** The rates and ratios the progress check compares against (the template file's `thresholds`). */
export interface WarmupThresholds {
  /** complaints / delivered at or above which volume is held (0.001 is 0.1 %). */
  complaintRate: number;
  /** bounced / sent at or above which volume is held (0.02 is 2 %). */
  bounceRate: number;
  /** How many of the last days the rates are taken over. */
  lookbackDays: number;
  /** sent / planned over which a day is ahead. */
  aheadRatio: number;
  /** sent / planned under which a day is behind. */
  behindRatio: number;
}

const FILE = templatesJson as unknown as TemplatesFile;

export const WARMUP_THRESHOLDS: Readonly<WarmupThresholds> = FILE.thresholds;
export const PROVIDER_LABELS: Readonly<Record<WarmupProvider, string>> = FILE.providerLabels;
export const DEFAULT_MIX: Readonly<ProviderMix> = FILE.defaultMix;

/** The largest daily target a plan takes: ten million messages a day is beyond any one IP's warm-up. */
export const MAX_DAILY = 10_000_000;
/** The longest plan: a schedule that needs longer starts too low for its target. */
export const MAX_PLAN_DAYS = FILE.maxDays;

/** A plan's input refused, with the field it is about and the reason in words. */
export class WarmupInputError extends Error {
  override name = 'WarmupInputError';
  constructor(
    readonly field: 'daily' | 'start' | 'template' | 'startDate' | 'mix',
    message: string,
  ) {
    super(message);
  }
}

/** Each template as the app and the CLI describe it. */
export function warmupTemplates(): WarmupTemplateInfo[] {
  return WARMUP_TEMPLATES.map((name) => {
    const t = FILE.templates[name];
    return {
      name,
      title: t.title,
      description: t.description,
      holdDays: t.holdDays,
      firstDayLimit: t.firstDayLimit,
      providers: WARMUP_PROVIDERS.map((p) => ({ provider: p, label: PROVIDER_LABELS[p], firstDayCap: t.providers[p].firstDayCap, growth: t.providers[p].growth.map((g) => ({ ...g })) })),
      sources: t.sources.map((s) => ({ ...s })),
    };
  });
}

/** A calendar date `YYYY-MM-DD` as days since 1970-01-01; null when it is not a real date. */
export function dayNumber(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / 86_400_000;
}

/** Days since 1970-01-01 as `YYYY-MM-DD`. */
export const dateOf = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

const count = (n: number) => n.toLocaleString('en-US');

function checkVolume(field: 'daily' | 'start', value: number, label: string): void {
  if (!Number.isFinite(value) || !Number.isInteger(value)) throw new WarmupInputError(field, `The ${label} is a whole number of messages a day.`);
  if (value <= 0) throw new WarmupInputError(field, `The ${label} is at least 1 message a day.`);
  if (value > MAX_DAILY) throw new WarmupInputError(field, `The ${label} is at most ${count(MAX_DAILY)} messages a day.`);
}

/** The mix checked, with every provider present (one not given has no share). */
export function checkMix(mix: Partial<Record<string, number>> | undefined): ProviderMix {
  if (mix === undefined) return { ...DEFAULT_MIX };
  const unknown = Object.keys(mix).find((k) => !(WARMUP_PROVIDERS as readonly string[]).includes(k));
  if (unknown !== undefined) throw new WarmupInputError('mix', `"${unknown}" is not a provider of the mix: use ${WARMUP_PROVIDERS.join(', ')}.`);
  const out = {} as ProviderMix;
  for (const p of WARMUP_PROVIDERS) {
    const share = mix[p] ?? 0;
    if (!Number.isFinite(share) || share < 0 || share > 1_000_000_000) throw new WarmupInputError('mix', `${PROVIDER_LABELS[p]}'s share is a number from 0 up.`);
    out[p] = share;
  }
  if (WARMUP_PROVIDERS.every((p) => out[p] === 0)) throw new WarmupInputError('mix', 'Give at least one provider a share of the list.');
  return out;
}

/**
 * `total` split by the mix's ratios into whole messages that add up to it exactly: each provider its
 * share rounded down, and the messages left over to the largest remainders (in provider order on a tie).
 */
export function splitByMix(total: number, mix: ProviderMix): Record<WarmupProvider, number> {
  const weight = WARMUP_PROVIDERS.reduce((sum, p) => sum + mix[p], 0);
  const quotas = WARMUP_PROVIDERS.map((p, i) => {
    const exact = (total * mix[p]) / weight;
    return { p, i, floor: Math.floor(exact), rest: exact - Math.floor(exact) };
  });
  let left = total - quotas.reduce((sum, q) => sum + q.floor, 0);
  const out = Object.fromEntries(quotas.map((q) => [q.p, q.floor])) as Record<WarmupProvider, number>;
  for (const q of [...quotas].sort((a, b) => b.rest - a.rest || a.i - b.i)) {
    if (left <= 0) break;
    out[q.p] += 1;
    left -= 1;
  }
  return out;
}

const growthOn = (spec: ProviderSpec, day: number): number => spec.growth.filter((g) => g.fromDay <= day).at(-1)?.factor ?? 1;

/** Names joined as a sentence says them: "Microsoft, Yahoo and Other". */
export const listed = (names: readonly string[]): string => (names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/**
 * What a plan's day 1 owes to the first-day caps, in words; null when no provider was held below its
 * share of the starting volume.
 */
export function cappedWords(plan: Pick<WarmupPlan, 'providers'>): string | null {
  const capped = plan.providers.filter((p) => p.capped);
  if (capped.length === 0) return null;
  const caps = listed(capped.map((p) => `${PROVIDER_LABELS[p.provider]} at ${count(p.firstDayCap)}`));
  return `the template's first-day cap${capped.length > 1 ? 's' : ''} hold${capped.length > 1 ? '' : 's'} ${caps}`;
}

/**
 * One provider's volumes from its first day until it reaches its share (that day included). A
 * provider with nothing on day 1 but a share to reach starts at 1 on day 2 and grows from there.
 */
function ramp(spec: ProviderSpec, firstDay: number, share: number, onTooLong: () => never): number[] {
  const volumes = [firstDay];
  let exact = firstDay;
  while ((volumes.at(-1) as number) < share) {
    const day = volumes.length + 1;
    if (day > MAX_PLAN_DAYS) onTooLong();
    exact *= growthOn(spec, day);
    const volume = Math.min(share, Math.max((volumes.at(-1) as number) + 1, Math.round(exact)));
    if (exact === 0) exact = volume;
    volumes.push(volume);
  }
  return volumes;
}

function segmentOn(spec: TemplateSpec, day: number): SegmentAdvice {
  const s = spec.segments.filter((x) => x.fromDay <= day).at(-1) ?? spec.segments[0]!;
  return { engagedWithinDays: s.engagedWithinDays, advice: s.advice };
}

/** The earliest and latest start dates a plan takes. */
const FIRST_DAY = dayNumber('2000-01-01') as number;
const LAST_DAY = dayNumber('2099-12-31') as number;

/** The plan, day by day; a WarmupInputError says which input is wrong and why. */
export function warmupPlan(input: WarmupPlanInput): WarmupPlan {
  checkVolume('daily', input.daily, 'daily target');
  checkVolume('start', input.start, 'starting volume');
  if (input.start > input.daily) throw new WarmupInputError('start', `The starting volume (${count(input.start)}) is more than the daily target (${count(input.daily)}): start lower, or raise the target.`);
  if (!(WARMUP_TEMPLATES as readonly string[]).includes(input.template)) throw new WarmupInputError('template', `"${input.template}" is not a template: use ${WARMUP_TEMPLATES.join(' or ')}.`);
  const first = typeof input.startDate === 'string' ? dayNumber(input.startDate) : null;
  if (first === null) throw new WarmupInputError('startDate', `"${String(input.startDate)}" is not a date: give it as YYYY-MM-DD, such as 2025-03-01.`);
  if (first < FIRST_DAY || first > LAST_DAY) throw new WarmupInputError('startDate', 'The start date is between 2000-01-01 and 2099-12-31.');
  const mix = checkMix(input.mix);
  const spec = FILE.templates[input.template];

  const shares = splitByMix(input.daily, mix);
  const startShares = splitByMix(input.start, mix);
  const ramps = WARMUP_PROVIDERS.map((p) => {
    const ps = spec.providers[p];
    const firstDay = Math.min(startShares[p], ps.firstDayCap, shares[p]);
    const volumes = ramp(ps, firstDay, shares[p], () => {
      throw new WarmupInputError(
        'start',
        `From ${count(input.start)} a day, the ${spec.title.toLowerCase()} template takes ${PROVIDER_LABELS[p]} more than ${MAX_PLAN_DAYS} days to reach its ${count(shares[p])} of the ${count(input.daily)} a day: start with more.`,
      );
    });
    const schedule: WarmupProviderSchedule = { provider: p, share: shares[p], firstDay, firstDayCap: ps.firstDayCap, capped: firstDay < Math.min(startShares[p], shares[p]), targetDay: volumes.length };
    return { p, volumes, schedule };
  });
  const targetDay = Math.max(...ramps.map((r) => r.volumes.length));
  const length = targetDay + spec.holdDays;
  // After its own target day a provider stays at its share.
  const on = (r: (typeof ramps)[number], i: number) => r.volumes[i] ?? shares[r.p];

  let cumulative = 0;
  const days: WarmupDay[] = Array.from({ length }, (_, i) => {
    const providers = Object.fromEntries(ramps.map((r) => [r.p, on(r, i)])) as Record<WarmupProvider, number>;
    const volume = WARMUP_PROVIDERS.reduce((sum, p) => sum + providers[p], 0);
    cumulative += volume;
    return { day: i + 1, date: dateOf(first + i), volume, providers, cumulative, segment: segmentOn(spec, i + 1) };
  });
  const weight = WARMUP_PROVIDERS.reduce((sum, p) => sum + mix[p], 0);
  const percent = Object.fromEntries(WARMUP_PROVIDERS.map((p) => [p, Math.round((mix[p] / weight) * 1000) / 10])) as ProviderMix;
  const warnings: WarmupPlanWarning[] =
    input.start > spec.firstDayLimit
      ? [
          {
            code: 'warmup.start-above-limit',
            message: `The starting volume (${count(input.start)}) is above the ${spec.title.toLowerCase()} template's first-day limit of ${count(spec.firstDayLimit)}: a new IP or domain that starts this high is often throttled.`,
            params: { start: input.start, limit: spec.firstDayLimit },
          },
        ]
      : [];
  return { template: input.template, daily: input.daily, start: input.start, startDate: dateOf(first), mix: percent, targetDay, providers: ramps.map((r) => r.schedule), days, warnings };
}
