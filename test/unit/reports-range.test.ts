/**
 * Ranges of whole UTC days, as the reports and sending health views take them: a number of days back
 * from the last day, or dates; a range that ends before it begins, or of 0 days, is refused beside its
 * field, never answered with an empty period.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../electron/api/handlers';
import { isSinceText, rangeOf, RangeInputError } from '../../electron/core/reports/range';
import { tempDbPaths } from '../helpers/temp-db';

const now = new Date('2026-06-15T12:00:00Z');
const day = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10);

describe('rangeOf', () => {
  it('counts 30d back from today, and from the last day when one is given', () => {
    const today = rangeOf({ domain: 'a.example', since: '30d' }, now);
    expect([day(today.since), day(today.until)]).toEqual(['2026-05-17', '2026-06-15']);
    const may = rangeOf({ domain: 'a.example', since: '30d', until: '2024-05-31' }, now);
    expect([day(may.since), day(may.until)]).toEqual(['2024-05-02', '2024-05-31']);
    const one = rangeOf({ domain: 'a.example', since: '1d' }, now);
    expect([day(one.since), day(one.until)]).toEqual(['2026-06-15', '2026-06-15']);
  });

  it('refuses 0d and a range that ends before it begins, naming the field', () => {
    expect(isSinceText('0d')).toBe(false);
    expect(isSinceText('7d')).toBe(true);
    expect(isSinceText('2024-02-30')).toBe(false);
    expect(() => rangeOf({ domain: 'a.example', since: '0d' }, now)).toThrow(RangeInputError);
    let caught: unknown;
    try {
      rangeOf({ domain: 'a.example', since: '2020-01-01', until: '2010-01-01' }, now);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RangeInputError);
    expect(caught).toMatchObject({ field: 'until', message: 'The range ends (2010-01-01) before it begins (2020-01-01): give an end on or after the start' });
  });
});

describe('the api refuses an impossible range beside its field', () => {
  const tmp = tempDbPaths('reports-range');
  let api: Api | undefined;
  afterEach(() => {
    api?.close();
    api = undefined;
  });

  it('in the DMARC reports and in sending health', async () => {
    api = createApi({ dbPath: tmp(), transport: 'ipc', version: 'test', emit: () => {} });
    const reversed = { since: '2020-01-01', until: '2010-01-01' };
    await expect(api.dispatch('reports.summary', { domain: 'a.example', ...reversed })).rejects.toMatchObject({ code: 'invalid-input', fields: [{ field: 'until' }] });
    await expect(api.dispatch('health.summary', reversed)).rejects.toMatchObject({ code: 'invalid-input', fields: [{ field: 'until' }] });
    await expect(api.dispatch('reports.summary', { domain: 'a.example', since: '0d' })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
