/**
 * A warm-up plan for a new or cold IP or domain: the volume to send each day, from a starting volume
 * to a daily target, by a template's growth schedule; split by mailbox provider, with whom to send to.
 *
 * The templates are data (resources/warmup-templates.json, with the guides they draw on). Each day's
 * volume is the starting volume times the growth factors so far, rounded, one more than the day
 * before at least, and never over the target; once the target is reached it is held for the
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
  type WarmupSource,
  type WarmupTemplateInfo,
  type WarmupTemplateName,
} from './warmup-types';

interface TemplateSpec {
  title: string;
  description: string;
  growth: { fromDay: number; factor: number }[];
  holdDays: number;
  firstDayLimit: number;
  segments: { fromDay: number; engagedWithinDays: number | null; advice: string }[];
}

interface TemplatesFile {
  providerLabels: Record<WarmupProvider, string>;
  defaultMix: ProviderMix;
  maxDays: number;
  thresholds: WarmupThresholds;
  templates: Record<WarmupTemplateName, TemplateSpec>;
  sources: WarmupSource[];
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
    return { name, title: t.title, description: t.description, holdDays: t.holdDays, firstDayLimit: t.firstDayLimit, sources: FILE.sources };
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

const growthOn = (spec: TemplateSpec, day: number): number => spec.growth.filter((g) => g.fromDay <= day).at(-1)?.factor ?? 1;

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

  const volumes = [input.start];
  let exact = input.start;
  while ((volumes.at(-1) as number) < input.daily) {
    const day = volumes.length + 1;
    if (day > MAX_PLAN_DAYS) {
      throw new WarmupInputError('start', `From ${count(input.start)} a day, the ${spec.title.toLowerCase()} template takes more than ${MAX_PLAN_DAYS} days to reach ${count(input.daily)}: start with more.`);
    }
    exact *= growthOn(spec, day);
    volumes.push(Math.min(input.daily, Math.max((volumes.at(-1) as number) + 1, Math.round(exact))));
  }
  const targetDay = volumes.length;
  for (let i = 0; i < spec.holdDays; i++) volumes.push(input.daily);

  let cumulative = 0;
  const days: WarmupDay[] = volumes.map((volume, i) => {
    cumulative += volume;
    return { day: i + 1, date: dateOf(first + i), volume, providers: splitByMix(volume, mix), cumulative, segment: segmentOn(spec, i + 1) };
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
  return { template: input.template, daily: input.daily, start: input.start, startDate: dateOf(first), mix: percent, targetDay, days, warnings };
}
