/**
 * The one bounded pool: blocklist lookups, placement watchers, the CLI's batch audit, the Batch page.
 */
import { describe, expect, it } from 'vitest';
import { runPool } from '../../electron/shared/pool';

describe('pool', () => {
  // A turn of the event loop, so the other workers run: a yield, not a wait for time to pass.
  const tick = () => new Promise((r) => setImmediate(r));

  it('runs every item with at most `limit` at once, starting in list order', async () => {
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const { started: count } = await runPool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      started.push(n);
      active++;
      peak = Math.max(peak, active);
      await tick();
      active--;
    });
    expect(count).toBe(7);
    expect(peak).toBe(3);
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('gives the results in list order, whatever order they finish in', async () => {
    const { results } = await runPool([3, 1, 2, 0], 4, async (n, index) => {
      for (let i = 0; i < n; i++) await tick();
      return `${index}:${n}`;
    });
    expect(results).toEqual(['0:3', '1:1', '2:2', '3:0']);
  });

  it('starts nothing new once stopped, and lets the running ones finish', async () => {
    let stop = false;
    const finished: number[] = [];
    const { started, results } = await runPool(
      [1, 2, 3, 4, 5, 6],
      2,
      async (n) => {
        if (n === 2) stop = true;
        await tick();
        finished.push(n);
        return n * 10;
      },
      () => stop,
    );
    expect(started).toBe(2);
    expect(finished.sort()).toEqual([1, 2]);
    expect(results).toEqual([10, 20]);
  });

  it('keeps going after a worker throws, then rejects with the first failure', async () => {
    const seen: number[] = [];
    const run = runPool([1, 2, 3, 4], 1, async (n) => {
      seen.push(n);
      if (n === 1) throw new Error('boom');
      if (n === 3) throw new Error('later');
    });
    await expect(run).rejects.toThrow(/^boom$/);
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('rejects only once the items in flight have settled', async () => {
    const finished: number[] = [];
    const run = runPool([1, 2], 2, async (n) => {
      if (n === 1) throw new Error('boom');
      for (let i = 0; i < 3; i++) await tick();
      finished.push(n);
    });
    await expect(run).rejects.toThrow('boom');
    expect(finished).toEqual([2]);
  });

  it('handles an empty list and odd limits', async () => {
    expect(await runPool([], 5, async () => {})).toEqual({ started: 0, results: [] });
    for (const limit of [0, -3, Number.NaN, 0.5]) {
      const one: number[] = [];
      await runPool([1, 2], limit, async (n) => void one.push(n));
      expect(one).toEqual([1, 2]);
    }
    let peak = 0;
    let active = 0;
    await runPool([1, 2, 3], Number.POSITIVE_INFINITY, async () => {
      peak = Math.max(peak, ++active);
      await tick();
      active--;
    });
    expect(peak).toBe(3);
  });
});
