/**
 * Sending health: ESP exports read into daily counts, and what those counts say.
 *
 * Shapes only: the readers (formats.ts), the import (import.ts), the history module
 * (history/health.ts) and the summary (summary.ts) share them, and the api re-exports the result types.
 */

/** The export formats read; `csv` is Deliverlab's documented generic CSV. */
export const HEALTH_FORMATS = ['ses', 'sendgrid', 'mailgun', 'postmark', 'mailchimp', 'csv'] as const;
export type HealthFormat = (typeof HEALTH_FORMATS)[number];

/** The recipient's mailbox provider, by the recipient domain's MX; `unknown` when that could not be told. */
export const RECIPIENT_PROVIDERS = ['gmail', 'microsoft', 'yahoo', 'apple', 'other', 'unknown'] as const;
export type RecipientProvider = (typeof RECIPIENT_PROVIDERS)[number];

/** What is counted per day, sending domain, IP and provider. */
export interface HealthCounts {
  sent: number;
  delivered: number;
  hardBounced: number;
  softBounced: number;
  /** Hard bounces that say the mailbox does not exist (5.1.1, "user unknown"): a list hygiene signal. */
  unknownUsers: number;
  complaints: number;
  opens: number;
  clicks: number;
  unsubscribes: number;
}

export const COUNT_FIELDS = ['sent', 'delivered', 'hardBounced', 'softBounced', 'unknownUsers', 'complaints', 'opens', 'clicks', 'unsubscribes'] as const satisfies readonly (keyof HealthCounts)[];

export const zeroCounts = (): HealthCounts => ({ sent: 0, delivered: 0, hardBounced: 0, softBounced: 0, unknownUsers: 0, complaints: 0, opens: 0, clicks: 0, unsubscribes: 0 });

export function addCounts(into: HealthCounts, from: HealthCounts): void {
  for (const f of COUNT_FIELDS) into[f] += from[f];
}

/** One stored daily aggregate. `domain` and `ip` are '' when the export does not name them. */
export interface HealthDayRow extends HealthCounts {
  /** YYYY-MM-DD, UTC. */
  day: string;
  domain: string;
  /** The sending IP, or the pool's name when the export gives a pool. */
  ip: string;
  provider: RecipientProvider;
}

/** Actual daily volume, as the warm-up planner reads it. */
export interface DailyVolume {
  day: string;
  sent: number;
  delivered: number;
  bounced: number;
  complaints: number;
}
