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
  const days = /^(\d{1,5})d$/.exec(text.trim());
  if (days) return (today - Math.max(1, Number(days[1])) + 1) * DAY;
  return parseDay(text);
}

/** The words every refusal of a range uses. */
export const SINCE_WORDS = 'a number of days (30d) or a date (2024-05-01)';

/** A time range in whole UTC days: from the start of the first to the end of the last. */
export function rangeOf(input: RangeInput, now: Date): Range & { sinceText: string; untilText: string } {
  const since = parseSince(input.since ?? '30d', now);
  const untilDay = input.until === undefined ? Math.floor(now.getTime() / 1000 / DAY) * DAY : parseDay(input.until);
  if (since === null) throw new RangeError(`"${input.since}" is not a time range: use ${SINCE_WORDS}`);
  if (untilDay === null) throw new RangeError(`"${input.until}" is not a date (2024-05-31)`);
  const until = untilDay + DAY - 1;
  return { domain: input.domain, since, until, sinceText: new Date(since * 1000).toISOString(), untilText: new Date(until * 1000).toISOString() };
}
