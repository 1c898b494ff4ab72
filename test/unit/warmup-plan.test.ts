/**
 * The warm-up plan day by day for both templates: day 1 is the starting volume, volumes grow and
 * never fall, the target is reached on the day the template's growth gives and held after it, the
 * providers' shares add up to each day's volume; and every input refused says why.
 */
import { describe, expect, it } from 'vitest';
import { checkMix, splitByMix, WarmupInputError, warmupPlan, warmupTemplates } from '../../electron/core/health/warmup-plan';
import { WARMUP_PROVIDERS, type WarmupPlan } from '../../electron/core/health/warmup-types';
import templates from '../../resources/warmup-templates.json' with { type: 'json' };

const volumes = (plan: WarmupPlan) => plan.days.map((d) => d.volume);

function checkShape(plan: WarmupPlan): void {
  expect(plan.days[0]?.volume).toBe(plan.start);
  let cumulative = 0;
  for (const [i, d] of plan.days.entries()) {
    expect(d.day).toBe(i + 1);
    if (i > 0) expect(d.volume).toBeGreaterThanOrEqual(plan.days[i - 1]!.volume);
    if (i > 0 && i < plan.targetDay) expect(d.volume).toBeGreaterThan(plan.days[i - 1]!.volume);
    expect(WARMUP_PROVIDERS.reduce((sum, p) => sum + d.providers[p], 0)).toBe(d.volume);
    for (const p of WARMUP_PROVIDERS) expect(d.providers[p]).toBeGreaterThanOrEqual(0);
    cumulative += d.volume;
    expect(d.cumulative).toBe(cumulative);
  }
  expect(plan.days[plan.targetDay - 1]?.volume).toBe(plan.daily);
  expect(plan.days[plan.targetDay - 2]?.volume ?? 0).toBeLessThan(plan.daily);
  for (const d of plan.days.slice(plan.targetDay - 1)) expect(d.volume).toBe(plan.daily);
}

describe('the standard template', () => {
  it('doubles each day in the first week and reaches 50,000 on day 7, then holds it 3 days', () => {
    const plan = warmupPlan({ daily: 50_000, start: 1000, template: 'standard', startDate: '2025-03-01' });
    expect(volumes(plan)).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 50_000, 50_000, 50_000, 50_000]);
    expect(plan.targetDay).toBe(7);
    expect(plan.days.map((d) => d.date)).toEqual(['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07', '2025-03-08', '2025-03-09', '2025-03-10']);
    expect(plan.days.at(-1)?.cumulative).toBe(1000 + 2000 + 4000 + 8000 + 16_000 + 32_000 + 4 * 50_000);
    checkShape(plan);
  });

  it('grows by half a day in the second week and by a quarter after it', () => {
    const plan = warmupPlan({ daily: 100_000, start: 10, template: 'standard', startDate: '2025-01-30' });
    expect(volumes(plan).slice(0, 24)).toEqual([
      10, 20, 40, 80, 160, 320, 640, // ×2 to day 7
      960, 1440, 2160, 3240, 4860, 7290, 10_935, // ×1.5 to day 14
      13_669, 17_086, 21_357, 26_697, 33_371, 41_714, 52_142, 65_178, 81_472, 100_000, // ×1.25
    ]);
    expect(plan.targetDay).toBe(24);
    expect(plan.days).toHaveLength(27);
    // Across the end of January and of February (2025 is not a leap year).
    expect(plan.days[1]?.date).toBe('2025-01-31');
    expect(plan.days[2]?.date).toBe('2025-02-01');
    expect(plan.days[26]?.date).toBe('2025-02-25');
    checkShape(plan);
  });

  it('sends to the most recently engaged first, widening by day ranges', () => {
    const plan = warmupPlan({ daily: 100_000, start: 10, template: 'standard', startDate: '2025-01-01' });
    const engaged = plan.days.map((d) => d.segment.engagedWithinDays);
    expect(engaged.slice(0, 4)).toEqual([30, 30, 30, 30]);
    expect(engaged.slice(4, 9)).toEqual([60, 60, 60, 60, 60]);
    expect(engaged[9]).toBe(90);
    expect(engaged[14]).toBe(180);
    expect(engaged[21]).toBeNull();
    expect(plan.days[0]?.segment.advice).toMatch(/opened or clicked in the last 30 days/);
  });
});

describe('the conservative template', () => {
  it('grows by half a day and reaches 20,000 on day 9, then holds it 7 days', () => {
    const plan = warmupPlan({ daily: 20_000, start: 1000, template: 'conservative', startDate: '2024-02-27' });
    expect(volumes(plan)).toEqual([1000, 1500, 2250, 3375, 5063, 7594, 11_391, 17_086, ...Array(8).fill(20_000)]);
    expect(plan.targetDay).toBe(9);
    // 2024 is a leap year.
    expect(plan.days.slice(0, 4).map((d) => d.date)).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    checkShape(plan);
  });

  it('grows by a fifth a day from day 15', () => {
    const plan = warmupPlan({ daily: 60_000, start: 100, template: 'conservative', startDate: '2025-06-01' });
    // 100 × 1.5^13 = 19,461.9 on day 14; then ×1.2.
    expect(plan.days[13]?.volume).toBe(19_462);
    expect(plan.days[14]?.volume).toBe(23_354);
    expect(plan.days[15]?.volume).toBe(28_025);
    expect(plan.targetDay).toBe(21);
    expect(plan.days).toHaveLength(28);
    checkShape(plan);
  });

  it('is slower than the standard template to the same target', () => {
    const input = { daily: 250_000, start: 500, startDate: '2025-06-01' };
    const standard = warmupPlan({ ...input, template: 'standard' });
    const conservative = warmupPlan({ ...input, template: 'conservative' });
    expect(conservative.targetDay).toBeGreaterThan(standard.targetDay);
    for (const [i, d] of conservative.days.entries()) expect(d.volume).toBeLessThanOrEqual(standard.days[i]?.volume ?? 250_000);
    checkShape(standard);
    checkShape(conservative);
  });
});

describe('small and equal volumes', () => {
  it('grows by at least one message a day while growth rounds to nothing', () => {
    const plan = warmupPlan({ daily: 10, start: 1, template: 'conservative', startDate: '2025-01-01' });
    expect(volumes(plan).slice(0, plan.targetDay)).toEqual([1, 2, 3, 4, 5, 8, 10]);
    checkShape(plan);
  });

  it('a start at the target is the target from day 1, held for the hold days', () => {
    const plan = warmupPlan({ daily: 500, start: 500, template: 'standard', startDate: '2025-01-01' });
    expect(plan.targetDay).toBe(1);
    expect(volumes(plan)).toEqual([500, 500, 500, 500]);
  });
});

describe('the provider split', () => {
  it('splits by the default mix, adding up exactly', () => {
    const plan = warmupPlan({ daily: 50_000, start: 1000, template: 'standard', startDate: '2025-03-01' });
    expect(plan.mix).toEqual({ gmail: 40, microsoft: 20, yahoo: 10, apple: 10, other: 20 });
    expect(plan.days[0]?.providers).toEqual({ gmail: 400, microsoft: 200, yahoo: 100, apple: 100, other: 200 });
  });

  it('takes a mix in any unit, a provider left out having no share', () => {
    const plan = warmupPlan({ daily: 1000, start: 7, template: 'standard', startDate: '2025-03-01', mix: { gmail: 1, microsoft: 1, yahoo: 1 } });
    expect(plan.mix).toEqual({ gmail: 33.3, microsoft: 33.3, yahoo: 33.3, apple: 0, other: 0 });
    // 7 split three ways: 2 each, and the one left to the first of the tie.
    expect(plan.days[0]?.providers).toEqual({ gmail: 3, microsoft: 2, yahoo: 2, apple: 0, other: 0 });
    checkShape(plan);
  });

  it('gives what is left over to the largest remainders', () => {
    expect(splitByMix(10, { gmail: 45, microsoft: 25, yahoo: 15, apple: 10, other: 5 })).toEqual({ gmail: 5, microsoft: 3, yahoo: 1, apple: 1, other: 0 });
    expect(splitByMix(0, { gmail: 1, microsoft: 0, yahoo: 0, apple: 0, other: 0 })).toEqual({ gmail: 0, microsoft: 0, yahoo: 0, apple: 0, other: 0 });
  });
});

describe('limits', () => {
  it('warns, without refusing, a start above the template\'s first-day limit', () => {
    expect(warmupPlan({ daily: 50_000, start: 5000, template: 'standard', startDate: '2025-03-01' }).warnings).toEqual([]);
    const plan = warmupPlan({ daily: 50_000, start: 5001, template: 'standard', startDate: '2025-03-01' });
    expect(plan.warnings).toEqual([expect.objectContaining({ code: 'warmup.start-above-limit', params: { start: 5001, limit: 5000 } })]);
    expect(warmupPlan({ daily: 50_000, start: 1001, template: 'conservative', startDate: '2025-03-01' }).warnings[0]?.message).toMatch(/above the conservative template's first-day limit of 1,000/);
  });
});

describe('refused input', () => {
  const base = { daily: 50_000, start: 1000, template: 'standard' as const, startDate: '2025-03-01' };
  const refusal = (patch: Record<string, unknown>) => {
    try {
      warmupPlan({ ...base, ...patch } as typeof base);
    } catch (err) {
      expect(err).toBeInstanceOf(WarmupInputError);
      return { field: (err as WarmupInputError).field, message: (err as Error).message };
    }
    throw new Error('the plan was made');
  };

  it('says which field is wrong and why', () => {
    expect(refusal({ start: 60_000 })).toEqual({ field: 'start', message: 'The starting volume (60,000) is more than the daily target (50,000): start lower, or raise the target.' });
    expect(refusal({ daily: 0 })).toEqual({ field: 'daily', message: 'The daily target is at least 1 message a day.' });
    expect(refusal({ start: 0 })).toEqual({ field: 'start', message: 'The starting volume is at least 1 message a day.' });
    expect(refusal({ start: -5 }).field).toBe('start');
    expect(refusal({ daily: 2.5 })).toEqual({ field: 'daily', message: 'The daily target is a whole number of messages a day.' });
    expect(refusal({ daily: Number.NaN }).field).toBe('daily');
    expect(refusal({ daily: 10_000_001 })).toEqual({ field: 'daily', message: 'The daily target is at most 10,000,000 messages a day.' });
    expect(refusal({ template: 'aggressive' })).toEqual({ field: 'template', message: '"aggressive" is not a template: use standard or conservative.' });
    expect(refusal({ startDate: '2025-02-30' })).toEqual({ field: 'startDate', message: '"2025-02-30" is not a date: give it as YYYY-MM-DD, such as 2025-03-01.' });
    expect(refusal({ startDate: '1/3/2025' }).field).toBe('startDate');
    expect(refusal({ startDate: '1999-12-31' }).message).toBe('The start date is between 2000-01-01 and 2099-12-31.');
    expect(refusal({ mix: { hotmail: 10 } }).message).toBe('"hotmail" is not a provider of the mix: use gmail, microsoft, yahoo, apple, other.');
    expect(refusal({ mix: { gmail: 0 } }).message).toBe('Give at least one provider a share of the list.');
    expect(refusal({ mix: { gmail: -1 } }).field).toBe('mix');
  });

  it('checks a mix on its own', () => {
    expect(checkMix(undefined)).toEqual(templates.defaultMix);
  });
});

describe('the templates file', () => {
  it('names its sources with a title, an address and the date they were read, and says the numbers are its own', () => {
    expect(templates.$comment).toMatch(/Deliverlab's synthesis/);
    expect(templates.$comment).toMatch(/not copied/);
    const publishers = templates.sources.map((s) => s.publisher);
    for (const name of ['SendGrid', 'Mailgun', 'SparkPost', 'Amazon']) expect(publishers.some((p) => p.includes(name))).toBe(true);
    for (const s of templates.sources) {
      expect(s.url).toMatch(/^https:\/\//);
      expect(s.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(s.title.length).toBeGreaterThan(5);
    }
    expect(warmupTemplates().map((t) => t.title)).toEqual(['Standard', 'Conservative']);
  });
});
