/**
 * The warm-up planner's shapes: a plan day by day, its progress against sending data, a stored plan.
 */

export const WARMUP_TEMPLATES = ['standard', 'conservative'] as const;
export type WarmupTemplateName = (typeof WARMUP_TEMPLATES)[number];

export const WARMUP_PROVIDERS = ['gmail', 'microsoft', 'yahoo', 'apple', 'other'] as const;
export type WarmupProvider = (typeof WARMUP_PROVIDERS)[number];

/** Shares of the list by mailbox provider, in any unit (percent, counts): only their ratios count. */
export type ProviderMix = Record<WarmupProvider, number>;

export interface WarmupSource {
  publisher: string;
  title: string;
  url: string;
  /** YYYY-MM-DD */
  retrieved: string;
}

/** A template as the app shows it: its name, words and the guides it draws on. */
export interface WarmupTemplateInfo {
  name: WarmupTemplateName;
  title: string;
  description: string;
  holdDays: number;
  firstDayLimit: number;
  sources: WarmupSource[];
}

export interface WarmupPlanInput {
  /** The daily volume the warm-up ends at. */
  daily: number;
  /** Day 1's volume. */
  start: number;
  template: WarmupTemplateName;
  /** Day 1, YYYY-MM-DD. */
  startDate: string;
  /** The list's shares by provider; the template file's default mix when absent. */
  mix?: Partial<ProviderMix>;
}

/** Whom to send to on a day: recipients engaged within so many days, or the whole list (null). */
export interface SegmentAdvice {
  engagedWithinDays: number | null;
  advice: string;
}

export interface WarmupDay {
  /** 1 for the first day. */
  day: number;
  /** YYYY-MM-DD */
  date: string;
  volume: number;
  /** The day's volume split by the mix; the shares add up to `volume` exactly. */
  providers: Record<WarmupProvider, number>;
  /** Messages sent from day 1 to this day, this day included. */
  cumulative: number;
  segment: SegmentAdvice;
}

/** What a plan is warned about, without refusing it: its first day is above the template's limit. */
export interface WarmupPlanWarning {
  code: 'warmup.start-above-limit';
  message: string;
  params: { start: number; limit: number };
}

export interface WarmupPlan {
  template: WarmupTemplateName;
  daily: number;
  start: number;
  startDate: string;
  /** The mix used, as given or the default, in percent (adding up to 100 within rounding). */
  mix: ProviderMix;
  /** The first day whose volume is the daily target. */
  targetDay: number;
  days: WarmupDay[];
  warnings: WarmupPlanWarning[];
}

/**
 * One day of sending as the health import rolls it up (electron/core/history/health.ts
 * `dailyVolume`): the same fields, so its rows are passed in as they come.
 */
export interface DailyVolumeRow {
  /** YYYY-MM-DD */
  day: string;
  sent: number;
  delivered: number;
  bounced: number;
  complaints: number;
}

/** The query dailyVolume answers: one IP's or one domain's days from `since` to `until` (YYYY-MM-DD, inclusive). */
export interface DailyVolumeQuery {
  ip?: string;
  domain?: string;
  since: string;
  until: string;
}

export type DailyVolumeSource = (query: DailyVolumeQuery) => DailyVolumeRow[];

/** A day compared: ahead (over 110 % of the plan), on track, behind (under 90 %). */
export type WarmupStatus = 'ahead' | 'on-track' | 'behind';

export interface WarmupDayProgress {
  day: number;
  date: string;
  planned: number;
  /** Sent that day by the imported data (0 for a day with no row). */
  sent: number;
  /** sent / planned */
  ratio: number;
  status: WarmupStatus;
}

/** A warning before a planned day: the last days' rates do not justify growing. */
export interface WarmupRateWarning {
  code: 'warmup.complaint-rate' | 'warmup.bounce-rate';
  /** The planned day the warning is about (the next one that grows past the last volume sent). */
  day: number;
  date: string;
  planned: number;
  /** The volume to hold at instead: the most sent in one day over the last days. */
  holdAt: number;
  /** complaints / delivered, or bounced / sent, over the last days. */
  rate: number;
  threshold: number;
  /** The days the rate covers (YYYY-MM-DD, first and last). */
  since: string;
  until: string;
  message: string;
}

export interface WarmupProgress {
  /** The last day with data, or null when there is none. */
  through: string | null;
  days: WarmupDayProgress[];
  /** Messages sent against planned from day 1 to `through`. */
  sent: number;
  planned: number;
  /** The whole so far, by the same ratios as a day; null with no data. */
  status: WarmupStatus | null;
  warnings: WarmupRateWarning[];
}

/** A plan kept in history: what it is for and how it was made (the days are computed again). */
export interface StoredWarmupPlan {
  id: number;
  name: string;
  kind: 'ip' | 'domain';
  /** The IP address or domain warmed up. */
  target: string;
  template: WarmupTemplateName;
  startDate: string;
  daily: number;
  start: number;
  /** The mix it was made with; null for the default. */
  mix: ProviderMix | null;
  createdAt: string;
}

export interface NewWarmupPlan {
  name: string;
  kind: 'ip' | 'domain';
  target: string;
  template: WarmupTemplateName;
  startDate: string;
  daily: number;
  start: number;
  mix: ProviderMix | null;
}
