/**
 * The median latency shown on the placement board, in the run's summary and in the history's trends.
 */
import { describe, expect, it } from 'vitest';
import { median } from '../../electron/shared/median';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([7])).toBe(7);
    expect(median([900, 100, 300])).toBe(300);
  });

  it('takes the mean of the two middle values of an even count, rounded to whole milliseconds', () => {
    expect(median([100, 301])).toBe(201);
    expect(median([4000, 10, 20, 30])).toBe(25);
    expect(median([1, 2])).toBe(2);
  });

  it('has none for no values, and leaves its input as it was', () => {
    expect(median([])).toBeNull();
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});
