/**
 * The scheduler's per-resolver rate limit: a burst of one second's queries, then one query per
 * 1/rate seconds, in order, each resolver on its own. Time is vitest's fake clock: nothing waits.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../../electron/core/watch/rate-limit';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the per-resolver rate limit', () => {
  it('lets a second of queries through at once, then one per 1/rate seconds, in order, per resolver', async () => {
    const limiter = new RateLimiter(10, () => Date.now());
    const started: string[] = [];
    const take = (key: string, label: string) => limiter.take(key).then(() => started.push(label));
    const burst = Array.from({ length: 10 }, (_, i) => take('a', `a${i}`));
    const waiting = [take('a', 'late1'), take('a', 'late2')];
    const other = take('b', 'b0');
    await Promise.all([...burst, other]);
    expect(started).toEqual([...Array.from({ length: 10 }, (_, i) => `a${i}`), 'b0']);
    await vi.advanceTimersByTimeAsync(99);
    expect(started).not.toContain('late1');
    await vi.advanceTimersByTimeAsync(1);
    expect(started.at(-1)).toBe('late1');
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(waiting);
    expect(started.slice(-2)).toEqual(['late1', 'late2']);
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => new RateLimiter(0)).toThrow(/positive number/);
  });
});
