/**
 * A watch's schedule: the intervals and daily times a user types, when the watch is next due (in its
 * time zone, across daylight saving), and the jitter that spreads watches added together.
 */
import { describe, expect, it } from 'vitest';
import { describeSchedule, maxJitterMs, nextRun, parseAt, parseEvery, scheduleOf } from '../../electron/core/watch/schedule';

const HOUR = 3_600_000;

describe('watch schedules', () => {
  it('reads intervals and daily times as typed, and refuses what is not one', () => {
    expect(parseEvery('6h')).toBe(6 * HOUR);
    expect(parseEvery(' 90m ')).toBe(90 * 60_000);
    expect(parseEvery('1D')).toBe(24 * HOUR);
    expect(() => parseEvery('5m')).toThrow(/too often: the shortest interval is 15m/);
    expect(() => parseEvery('6 hours')).toThrow(/not an interval: write a number and m, h or d/);
    expect(() => parseEvery('40d')).toThrow(/too long/);
    expect(parseAt('7:00')).toBe('07:00');
    expect(() => parseAt('25:00')).toThrow(/not a time of day/);
    expect(scheduleOf({})).toEqual({ every: 6 * HOUR });
    expect(scheduleOf({ at: '07:00' }, 'Europe/Paris')).toEqual({ at: '07:00', timezone: 'Europe/Paris' });
    expect(() => scheduleOf({ every: '6h', at: '07:00' })).toThrow(/not both/);
    expect(describeSchedule({ every: 90 * 60_000 })).toBe('every 90m');
    expect(describeSchedule({ at: '07:00', timezone: 'UTC' })).toBe('daily at 07:00 (UTC)');
  });

  it('puts the next check an interval after the last, plus at most a tenth of it (15 minutes at most)', () => {
    const after = new Date('2026-03-01T10:00:00.000Z');
    expect(nextRun({ every: 6 * HOUR }, after, () => 0).toISOString()).toBe('2026-03-01T16:00:00.000Z');
    expect(maxJitterMs({ every: 6 * HOUR })).toBe(15 * 60_000);
    expect(maxJitterMs({ every: HOUR })).toBe(6 * 60_000);
    const latest = nextRun({ every: 6 * HOUR }, after, () => 0.999_999).getTime();
    expect(latest).toBeGreaterThan(Date.parse('2026-03-01T16:14:59.000Z'));
    expect(latest).toBeLessThan(Date.parse('2026-03-01T16:15:00.000Z'));
  });

  it('puts a daily time at its next occurrence in its own time zone, after a missed one only once', () => {
    expect(nextRun({ at: '07:00', timezone: 'UTC' }, new Date('2026-03-01T06:59:00Z'), () => 0).toISOString()).toBe('2026-03-01T07:00:00.000Z');
    // The machine slept through 07:00 for three days: the next time is tomorrow's, not three.
    expect(nextRun({ at: '07:00', timezone: 'UTC' }, new Date('2026-03-04T09:00:00Z'), () => 0).toISOString()).toBe('2026-03-05T07:00:00.000Z');
    expect(nextRun({ at: '07:00', timezone: 'America/New_York' }, new Date('2026-03-01T08:00:00Z'), () => 0.5).toISOString()).toBe('2026-03-01T12:02:30.000Z');
    // 02:30 does not exist in Paris on the night clocks go forward: the first time after the gap.
    expect(nextRun({ at: '02:30', timezone: 'Europe/Paris' }, new Date('2026-03-28T12:00:00Z'), () => 0).toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });
});
