/**
 * Time ranges of the report views: whole UTC days, given as a number of days back or as dates.
 */

export const DAY = 86_400;

/** A domain's reports whose period begins from `since` to `until` (Unix seconds, inclusive). */
export interface Range {
  domain: string;
  since: number;
  until: number;
}

export interface RangeInput {
  domain: string;
  /** `30d` or `YYYY-MM-DD`; the last 30 days when absent. */
  since?: string;
  /** `YYYY-MM-DD`, the last day included; today when absent. */
  until?: string;
}

/** A date `YYYY-MM-DD` as the Unix time of its start (UTC); null when it is not one. */
export function parseDay(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms);
  if (back.getUTCFullYear() !== Number(m[1]) || back.getUTCMonth() !== Number(m[2]) - 1 || back.getUTCDate() !== Number(m[3])) return null;
  return ms / 1000;
}

/** `30d` (the last 30 days, today included), or a date `YYYY-MM-DD`; null when it is neither. */
export function parseSince(text: string, now: Date): number | null {
  const today = Math.floor(now.getTime() / 1000 / DAY);
  const days = /^([1-9]\d{0,4})d$/.exec(text.trim());
  if (days) return (today - Number(days[1]) + 1) * DAY;
  return parseDay(text);
}

/** `30d` or a date as `since` takes it (0d is no range at all). */
export const isSinceText = (text: string): boolean => /^[1-9]\d{0,4}d$/.test(text.trim()) || parseDay(text) !== null;

/** A range that cannot be: the field to blame and why, in words. */
export class RangeInputError extends Error {
  constructor(
    readonly field: 'since' | 'until',
    message: string,
  ) {
    super(message);
    this.name = 'RangeInputError';
  }
}

/** The words every refusal of a range uses. */
export const SINCE_WORDS = 'a number of days (30d) or a date (2024-05-01)';

/** A time range in whole UTC days: from the start of the first to the end of the last. */
export function rangeOf(input: RangeInput, now: Date): Range & { sinceText: string; untilText: string } {
  const untilDay = input.until === undefined ? Math.floor(now.getTime() / 1000 / DAY) * DAY : parseDay(input.until);
  if (untilDay === null) throw new RangeInputError('until', `"${input.until}" is not a date (2024-05-31)`);
  // A number of days counts back from the last day: "30d until 2024-05-31" is May 2 to May 31.
  const since = parseSince(input.since ?? '30d', new Date(untilDay * 1000));
  if (since === null) throw new RangeInputError('since', `"${input.since}" is not a time range: use ${SINCE_WORDS}`);
  if (untilDay < since) throw new RangeInputError('until', `The range ends (${input.until}) before it begins (${new Date(since * 1000).toISOString().slice(0, 10)}): give an end on or after the start`);
  const until = untilDay + DAY - 1;
  return { domain: input.domain, since, until, sinceText: new Date(since * 1000).toISOString(), untilText: new Date(until * 1000).toISOString() };
}
