/**
 * When a watch is next due: every N minutes, hours or days, or every day at a time of day.
 *
 * Daily times go through croner, which knows time zones and daylight saving (a 02:30 that a spring
 * night skips runs at the first time after it). Every due time gets a little jitter, so that
 * hundreds of watches added together do not all fire in the same second again and again. A missed
 * time (the machine asleep) is not made up slot by slot: the watch is due, it is checked once, and
 * the next time is counted from then.
 */
import { Cron } from 'croner';
import type { WatchSchedule } from './types';

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The shortest interval: a check is a full audit, and resolvers and blocklists count queries. */
export const MIN_EVERY_MS = 15 * MINUTE;
export const MAX_EVERY_MS = 31 * DAY;
export const DEFAULT_SCHEDULE: WatchSchedule = { every: 6 * HOUR };

/** At most this much later than an interval's due time: a tenth of the interval, up to 15 minutes. */
const MAX_EVERY_JITTER_MS = 15 * MINUTE;
/** A daily time fires within this many minutes after it. */
const AT_JITTER_MS = 5 * MINUTE;

const UNITS: Record<string, number> = { m: MINUTE, min: MINUTE, h: HOUR, d: DAY };

/** "6h", "90m", "1d" as milliseconds; refuses what is not one, or is shorter than 15 minutes. */
export function parseEvery(text: string): number {
  const m = /^\s*(\d{1,4})\s*(m|min|h|d)\s*$/i.exec(text);
  if (!m) throw new ScheduleError(`"${text}" is not an interval: write a number and m, h or d, like 6h, 90m or 1d.`);
  const ms = Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] as number);
  if (ms < MIN_EVERY_MS) throw new ScheduleError(`Every ${text.trim()} is too often: the shortest interval is 15m.`);
  if (ms > MAX_EVERY_MS) throw new ScheduleError(`Every ${text.trim()} is too long: the longest interval is 31d.`);
  return ms;
}

/** "07:00" or "7:00" as HH:MM, 24-hour. */
export function parseAt(text: string): string {
  const m = /^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$/.exec(text);
  if (!m) throw new ScheduleError(`"${text}" is not a time of day: write it as HH:MM, 24-hour, like 07:00.`);
  return `${(m[1] as string).padStart(2, '0')}:${m[2]}`;
}

/** The machine's time zone, which a daily time is read in. */
export const localTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** A schedule from what the user typed: an interval or a daily time (not both); every 6 hours when neither. */
export function scheduleOf(input: { every?: string | undefined; at?: string | undefined }, timezone = localTimeZone()): WatchSchedule {
  if (input.every !== undefined && input.at !== undefined) throw new ScheduleError('Give either an interval (every) or a daily time (at), not both.');
  if (input.at !== undefined) return { at: parseAt(input.at), timezone };
  if (input.every !== undefined) return { every: parseEvery(input.every) };
  return DEFAULT_SCHEDULE;
}

function everyWords(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  return `${ms / MINUTE}m`;
}

/** "every 6h", "daily at 07:00 (Europe/Paris)". */
export function describeSchedule(schedule: WatchSchedule): string {
  return 'every' in schedule ? `every ${everyWords(schedule.every)}` : `daily at ${schedule.at} (${schedule.timezone})`;
}

/** How much later than its due time a watch may fire, at most. */
export function maxJitterMs(schedule: WatchSchedule): number {
  return 'every' in schedule ? Math.min(schedule.every / 10, MAX_EVERY_JITTER_MS) : AT_JITTER_MS;
}

/**
 * The next due time after a check that ended at `after`: the interval later, or the daily time's
 * next occurrence, plus jitter drawn from `random` (0 to 1).
 */
export function nextRun(schedule: WatchSchedule, after: Date, random: () => number = Math.random): Date {
  const jitter = Math.floor(random() * maxJitterMs(schedule));
  if ('every' in schedule) return new Date(after.getTime() + schedule.every + jitter);
  const [hours, minutes] = schedule.at.split(':').map(Number);
  // No function given: croner only computes times, and starts no timer.
  const next = new Cron(`${minutes} ${hours} * * *`, { timezone: schedule.timezone, paused: true }).nextRun(after);
  if (!next) throw new ScheduleError(`No next time for daily at ${schedule.at} in ${schedule.timezone}.`);
  return new Date(next.getTime() + jitter);
}
