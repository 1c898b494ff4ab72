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

/** A day's growth factor over the day before, from `fromDay` on (until the next step). */
export interface WarmupGrowthStep {
  fromDay: number;
  factor: number;
}

/** How a template warms one mailbox provider up: its largest first day and its growth. */
export interface WarmupProviderTemplate {
  provider: WarmupProvider;
  label: string;
  firstDayCap: number;
  growth: WarmupGrowthStep[];
}

/** A template as the app shows it: its name, words, each provider's schedule and the guides it draws on. */
export interface WarmupTemplateInfo {
  name: WarmupTemplateName;
  title: string;
  description: string;
  holdDays: number;
  firstDayLimit: number;
  providers: WarmupProviderTemplate[];
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
  /** The providers' volumes added up. */
  volume: number;
  /** Each provider's volume that day, by its own schedule. */
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

/** One provider's part of a plan: where it starts, where it ends, and when it gets there. */
export interface WarmupProviderSchedule {
  provider: WarmupProvider;
  /** Its share of the daily target, by the mix: the volume it grows to and is held at. */
  share: number;
  /** Its volume on day 1: its share of the starting volume, at most the template's cap for it. */
  firstDay: number;
  firstDayCap: number;
  /** Whether the cap made its day 1 lower than its share of the starting volume. */
  capped: boolean;
  /** The first day it sends its whole share (day 1 for a provider with no share). */
  targetDay: number;
}

export interface WarmupPlan {
  template: WarmupTemplateName;
  daily: number;
  start: number;
  startDate: string;
  /** The mix used, as given or the default, in percent (adding up to 100 within rounding). */
  mix: ProviderMix;
  /** The first day whose volume is the daily target: the day the slowest provider reaches its share. */
  targetDay: number;
  /** Each provider's schedule, in the order of WARMUP_PROVIDERS. */
  providers: WarmupProviderSchedule[];
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

/**
 * One day of sending to one recipient provider (electron/core/history/health.ts
 * `dailyVolumeByProvider`): `provider` is the health import's, whose 'unknown' (no MX looked up)
 * counts in the totals only.
 */
export interface DailyProviderVolumeRow extends DailyVolumeRow {
  provider: string;
}

export type DailyProviderVolumeSource = (query: DailyVolumeQuery) => DailyProviderVolumeRow[];

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

/** One provider's days against its own schedule, and its whole so far. */
export interface WarmupProviderProgress {
  provider: WarmupProvider;
  days: WarmupDayProgress[];
  sent: number;
  planned: number;
  status: WarmupStatus;
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
  /**
   * Each provider against its schedule, when the imported data says which provider its recipients
   * are at; null when it does not (no MX was looked up for any of them).
   */
  providers: WarmupProviderProgress[] | null;
  /** Messages sent from day 1 to `through` to recipients whose provider is not known: in the totals only. */
  unknownProvider: number;
  warnings: WarmupRateWarning[];
}

/** A plan to keep: what it is for and how it was made (the days are computed again when read). */
export interface NewWarmupPlan {
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
}

/** A plan kept in history. */
export interface StoredWarmupPlan extends NewWarmupPlan {
  id: number;
  createdAt: string;
}
