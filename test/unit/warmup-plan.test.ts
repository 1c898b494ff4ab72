/**
 * The warm-up plan day by day for both templates, per provider: each provider's day 1 is its share of
 * the starting volume at most its first-day cap, it grows and never falls, reaches its share of the
 * target on its own day and stays there; a day's volume is the providers' sum, reaching the target on
 * the day the slowest provider does, held for the template's hold days; and every input refused says why.
 */
import { describe, expect, it } from 'vitest';
import { checkMix, splitByMix, WarmupInputError, warmupPlan, warmupTemplates } from '../../electron/core/health/warmup-plan';
import { WARMUP_PROVIDERS, WARMUP_TEMPLATES, type WarmupPlan, type WarmupProvider } from '../../electron/core/health/warmup-types';
import templates from '../../resources/warmup-templates.json' with { type: 'json' };

const volumes = (plan: WarmupPlan) => plan.days.map((d) => d.volume);
const of = (plan: WarmupPlan, p: WarmupProvider) => plan.days.map((d) => d.providers[p]);
const schedule = (plan: WarmupPlan, p: WarmupProvider) => plan.providers.find((s) => s.provider === p)!;

/** Everything a plan promises, checked day by day against the template file and the mix. */
function checkShape(plan: WarmupPlan, mix: Record<WarmupProvider, number> = templates.defaultMix): void {
  const spec = templates.templates[plan.template];
  const shares = splitByMix(plan.daily, mix);
  const startShares = splitByMix(plan.start, mix);
  expect(plan.providers.map((s) => s.provider)).toEqual([...WARMUP_PROVIDERS]);
  for (const p of WARMUP_PROVIDERS) {
    const s = schedule(plan, p);
    const cap = spec.providers[p].firstDayCap;
    const firstDay = Math.min(startShares[p], cap, shares[p]);
    const series = of(plan, p);
    expect({ p, day1: series[0], share: s.share }).toEqual({ p, day1: firstDay, share: shares[p] });
    expect(s).toEqual({ provider: p, share: shares[p], firstDay, firstDayCap: cap, capped: firstDay < Math.min(startShares[p], shares[p]), targetDay: s.targetDay });
    for (const [i, v] of series.entries()) {
      if (i > 0 && i < s.targetDay) expect(v, `${p} day ${i + 1} grows`).toBeGreaterThan(series[i - 1]!);
      if (i < s.targetDay - 1) expect(v, `${p} day ${i + 1} is under its share`).toBeLessThan(shares[p]);
      else expect(v, `${p} day ${i + 1} is its share`).toBe(shares[p]);
    }
  }
  expect(plan.targetDay).toBe(Math.max(...plan.providers.map((s) => s.targetDay)));
  expect(plan.days).toHaveLength(plan.targetDay + spec.holdDays);
  let cumulative = 0;
  for (const [i, d] of plan.days.entries()) {
    expect(d.day).toBe(i + 1);
    expect(WARMUP_PROVIDERS.reduce((sum, p) => sum + d.providers[p], 0)).toBe(d.volume);
    if (i > 0 && i < plan.targetDay) expect(d.volume).toBeGreaterThan(plan.days[i - 1]!.volume);
    if (i < plan.targetDay - 1) expect(d.volume).toBeLessThan(plan.daily);
    else expect(d.volume).toBe(plan.daily);
    cumulative += d.volume;
    expect(d.cumulative).toBe(cumulative);
  }
}

const only = (p: WarmupProvider) => ({ gmail: 0, microsoft: 0, yahoo: 0, apple: 0, other: 0, [p]: 1 });

describe('the standard template, per provider', () => {
  const plan = warmupPlan({ daily: 50_000, start: 1000, template: 'standard', startDate: '2025-03-01' });

  it('gives each provider its own ramp: Gmail, Apple and other double to day 7, Microsoft and Yahoo reach theirs on day 13', () => {
    expect(of(plan, 'gmail')).toEqual([400, 800, 1600, 3200, 6400, 12_800, ...Array(10).fill(20_000)]);
    expect(of(plan, 'apple')).toEqual([100, 200, 400, 800, 1600, 3200, ...Array(10).fill(5000)]);
    expect(of(plan, 'other')).toEqual([200, 400, 800, 1600, 3200, 6400, ...Array(10).fill(10_000)]);
    // ×1.5 to day 7, then ×1.3: 200 × 1.5^6 = 2,278.1; × 1.3 = 2,961.6 …
    expect(of(plan, 'microsoft')).toEqual([200, 300, 450, 675, 1013, 1519, 2278, 2962, 3850, 5005, 6507, 8459, ...Array(4).fill(10_000)]);
    expect(of(plan, 'yahoo')).toEqual([100, 150, 225, 338, 506, 759, 1139, 1481, 1925, 2503, 3253, 4229, ...Array(4).fill(5000)]);
    expect(plan.providers.map((s) => [s.provider, s.targetDay])).toEqual([['gmail', 7], ['microsoft', 13], ['yahoo', 13], ['apple', 7], ['other', 7]]);
  });

  it('sums the providers into each day, reaching 50,000 on day 13 and holding it 3 days', () => {
    expect(volumes(plan)).toEqual([1000, 1850, 3475, 6613, 12_719, 24_678, 38_417, 39_443, 40_775, 42_508, 44_760, 47_688, 50_000, 50_000, 50_000, 50_000]);
    expect(plan.targetDay).toBe(13);
    expect(plan.days.at(-1)?.date).toBe('2025-03-16');
    expect(plan.days.at(-1)?.cumulative).toBe(volumes(plan).reduce((a, b) => a + b, 0));
    expect(plan.warnings).toEqual([]);
    checkShape(plan);
  });

  it('grows one provider by half a day in the second week and by a quarter after it', () => {
    const gmail = warmupPlan({ daily: 100_000, start: 10, template: 'standard', startDate: '2025-01-30', mix: { gmail: 1 } });
    expect(volumes(gmail).slice(0, 24)).toEqual([
      10, 20, 40, 80, 160, 320, 640, // ×2 to day 7
      960, 1440, 2160, 3240, 4860, 7290, 10_935, // ×1.5 to day 14
      13_669, 17_086, 21_357, 26_697, 33_371, 41_714, 52_142, 65_178, 81_472, 100_000, // ×1.25
    ]);
    expect(gmail.targetDay).toBe(24);
    expect(gmail.days).toHaveLength(27);
    // Across the end of January and of February (2025 is not a leap year).
    expect(gmail.days[2]?.date).toBe('2025-02-01');
    expect(gmail.days[26]?.date).toBe('2025-02-25');
    checkShape(gmail, only('gmail'));
  });

  it('sends to the most recently engaged first, widening by day ranges', () => {
    const long = warmupPlan({ daily: 100_000, start: 10, template: 'standard', startDate: '2025-01-01' });
    const engaged = long.days.map((d) => d.segment.engagedWithinDays);
    expect(engaged.slice(0, 4)).toEqual([30, 30, 30, 30]);
    expect(engaged.slice(4, 9)).toEqual([60, 60, 60, 60, 60]);
    expect(engaged[9]).toBe(90);
    expect(engaged[14]).toBe(180);
    expect(engaged[21]).toBeNull();
    expect(long.days[0]?.segment.advice).toMatch(/opened or clicked in the last 30 days/);
    checkShape(long);
  });
});

describe('the conservative template, per provider', () => {
  const plan = warmupPlan({ daily: 20_000, start: 1000, template: 'conservative', startDate: '2024-02-27' });

  it('holds Microsoft to its first-day cap of 100 and ramps it and Yahoo by 30 % a day, the others by half', () => {
    expect(schedule(plan, 'microsoft')).toMatchObject({ share: 4000, firstDay: 100, firstDayCap: 100, capped: true, targetDay: 16 });
    expect(of(plan, 'microsoft').slice(0, 16)).toEqual([100, 130, 169, 220, 286, 371, 483, 627, 816, 1060, 1379, 1792, 2330, 3029, 3483, 4000]);
    expect(of(plan, 'yahoo').slice(0, 13)).toEqual([100, 130, 169, 220, 286, 371, 483, 627, 816, 1060, 1379, 1792, 2000]);
    expect(of(plan, 'gmail').slice(0, 9)).toEqual([400, 600, 900, 1350, 2025, 3038, 4556, 6834, 8000]);
    expect(of(plan, 'apple').slice(0, 9)).toEqual([100, 150, 225, 338, 506, 759, 1139, 1709, 2000]);
    expect(of(plan, 'other').slice(0, 9)).toEqual([200, 300, 450, 675, 1013, 1519, 2278, 3417, 4000]);
    expect(plan.providers.filter((s) => s.capped).map((s) => s.provider)).toEqual(['microsoft']);
  });

  it('starts at 900 (the cap), reaches 20,000 on day 16 with Microsoft, and holds it 7 days', () => {
    expect(volumes(plan).slice(0, 16)).toEqual([900, 1310, 1913, 2803, 4116, 6058, 8939, 13_214, 15_632, 16_120, 16_758, 17_584, 18_330, 19_029, 19_483, 20_000]);
    expect(plan.targetDay).toBe(16);
    expect(plan.days).toHaveLength(23);
    // 2024 is a leap year.
    expect(plan.days.slice(0, 4).map((d) => d.date)).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    checkShape(plan);
  });

  it('grows one provider by a fifth a day from day 15', () => {
    const other = warmupPlan({ daily: 60_000, start: 100, template: 'conservative', startDate: '2025-06-01', mix: { other: 1 } });
    // 100 × 1.5^13 = 19,461.9 on day 14; then ×1.2.
    expect(other.days[13]?.volume).toBe(19_462);
    expect(other.days[14]?.volume).toBe(23_354);
    expect(other.days[15]?.volume).toBe(28_025);
    expect(other.targetDay).toBe(21);
    expect(other.days).toHaveLength(28);
    checkShape(other, only('other'));
  });

  it('is slower than the standard template to the same target, for every provider', () => {
    const input = { daily: 250_000, start: 500, startDate: '2025-06-01' };
    const standard = warmupPlan({ ...input, template: 'standard' });
    const conservative = warmupPlan({ ...input, template: 'conservative' });
    expect(conservative.targetDay).toBeGreaterThan(standard.targetDay);
    for (const p of WARMUP_PROVIDERS) {
      expect(schedule(conservative, p).targetDay).toBeGreaterThan(schedule(standard, p).targetDay);
      for (const [i, v] of of(conservative, p).entries()) expect(v).toBeLessThanOrEqual(of(standard, p)[i] ?? schedule(standard, p).share);
    }
    checkShape(standard);
    checkShape(conservative);
  });
});

describe('Microsoft and Yahoo against Gmail', () => {
  for (const name of WARMUP_TEMPLATES) {
    it(`start lower and ramp slower in the ${name} template; other follows its general schedule`, () => {
      const t = warmupTemplates().find((x) => x.name === name)!;
      const by = Object.fromEntries(t.providers.map((p) => [p.provider, p]));
      for (const slow of ['microsoft', 'yahoo']) {
        expect(by[slow]!.firstDayCap).toBeLessThan(by.gmail!.firstDayCap);
        for (const step of by[slow]!.growth) {
          const gmailFactor = by.gmail!.growth.filter((g) => g.fromDay <= step.fromDay).at(-1)!.factor;
          expect(step.factor).toBeLessThan(gmailFactor);
        }
      }
      expect(by.other!.growth).toEqual(by.gmail!.growth);
      // The caps add up to the template's first-day limit.
      expect(t.providers.reduce((sum, p) => sum + p.firstDayCap, 0)).toBe(t.firstDayLimit);
      // With the same share of the list, Microsoft reaches it later than Gmail.
      const plan = warmupPlan({ daily: 40_000, start: 400, template: name, startDate: '2025-01-01', mix: { gmail: 1, microsoft: 1 } });
      expect(schedule(plan, 'microsoft').targetDay).toBeGreaterThan(schedule(plan, 'gmail').targetDay);
      checkShape(plan, { ...only('gmail'), microsoft: 1 });
    });
  }
});

describe('small and equal volumes', () => {
  it('grows by at least one message a day while growth rounds to nothing', () => {
    const plan = warmupPlan({ daily: 10, start: 1, template: 'conservative', startDate: '2025-01-01', mix: { gmail: 1 } });
    expect(volumes(plan).slice(0, plan.targetDay)).toEqual([1, 2, 3, 4, 5, 8, 10]);
    checkShape(plan, only('gmail'));
  });

  it('starts a provider with nothing on day 1 at one message on day 2', () => {
    // 3 split 40/20/10/10/20: Gmail 1, Microsoft 1, Other 1; Yahoo and Apple none on day 1.
    const plan = warmupPlan({ daily: 1000, start: 3, template: 'standard', startDate: '2025-01-01' });
    expect(plan.days[0]?.providers).toEqual({ gmail: 1, microsoft: 1, yahoo: 0, apple: 0, other: 1 });
    expect(of(plan, 'yahoo').slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(of(plan, 'apple').slice(0, 5)).toEqual([0, 1, 2, 4, 8]);
    checkShape(plan);
  });

  it('a start at the target is the target from day 1, held for the hold days', () => {
    const plan = warmupPlan({ daily: 500, start: 500, template: 'standard', startDate: '2025-01-01' });
    expect(plan.targetDay).toBe(1);
    expect(volumes(plan)).toEqual([500, 500, 500, 500]);
    checkShape(plan);
  });
});

describe('the provider split', () => {
  it('splits the start and the target by the default mix', () => {
    const plan = warmupPlan({ daily: 50_000, start: 1000, template: 'standard', startDate: '2025-03-01' });
    expect(plan.mix).toEqual({ gmail: 40, microsoft: 20, yahoo: 10, apple: 10, other: 20 });
    expect(plan.days[0]?.providers).toEqual({ gmail: 400, microsoft: 200, yahoo: 100, apple: 100, other: 200 });
    expect(plan.days.at(-1)?.providers).toEqual({ gmail: 20_000, microsoft: 10_000, yahoo: 5000, apple: 5000, other: 10_000 });
  });

  it('takes a mix in any unit, a provider left out having no share', () => {
    const plan = warmupPlan({ daily: 1000, start: 7, template: 'standard', startDate: '2025-03-01', mix: { gmail: 1, microsoft: 1, yahoo: 1 } });
    expect(plan.mix).toEqual({ gmail: 33.3, microsoft: 33.3, yahoo: 33.3, apple: 0, other: 0 });
    // 7 split three ways: 2 each, and the one left to the first of the tie.
    expect(plan.days[0]?.providers).toEqual({ gmail: 3, microsoft: 2, yahoo: 2, apple: 0, other: 0 });
    expect(of(plan, 'apple').every((v) => v === 0)).toBe(true);
    expect(schedule(plan, 'apple')).toMatchObject({ share: 0, firstDay: 0, targetDay: 1 });
    checkShape(plan, { gmail: 1, microsoft: 1, yahoo: 1, apple: 0, other: 0 });
  });

  it('gives what is left over to the largest remainders', () => {
    expect(splitByMix(10, { gmail: 45, microsoft: 25, yahoo: 15, apple: 10, other: 5 })).toEqual({ gmail: 5, microsoft: 3, yahoo: 1, apple: 1, other: 0 });
    expect(splitByMix(0, { gmail: 1, microsoft: 0, yahoo: 0, apple: 0, other: 0 })).toEqual({ gmail: 0, microsoft: 0, yahoo: 0, apple: 0, other: 0 });
  });
});

describe('limits', () => {
  it('holds each provider to its first-day cap: a high start makes a lower day 1', () => {
    const plan = warmupPlan({ daily: 50_000, start: 6000, template: 'standard', startDate: '2025-03-01' });
    expect(plan.providers.map((s) => [s.provider, s.firstDay, s.capped])).toEqual([
      ['gmail', 2000, true],
      ['microsoft', 500, true],
      ['yahoo', 500, true],
      ['apple', 600, false],
      ['other', 1000, true],
    ]);
    expect(plan.days[0]?.volume).toBe(4600);
    checkShape(plan);
  });

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
  it('gives each template its own sources, with a title, an address and the date they were read, and says the numbers are its own', () => {
    expect(templates.$comment).toMatch(/Deliverlab's synthesis/);
    expect(templates.$comment).toMatch(/not copied/);
    expect(warmupTemplates().map((t) => t.title)).toEqual(['Standard', 'Conservative']);
    const sources = Object.fromEntries(warmupTemplates().map((t) => [t.name, t.sources]));
    for (const name of ['SendGrid', 'SparkPost', 'Google', 'Yahoo', 'Microsoft']) expect(sources.standard!.some((s) => s.publisher.includes(name))).toBe(true);
    for (const name of ['Amazon', 'Google', 'Yahoo', 'Microsoft']) expect(sources.conservative!.some((s) => s.publisher.includes(name))).toBe(true);
    expect(sources.standard!.map((s) => s.url)).not.toEqual(sources.conservative!.map((s) => s.url));
    for (const s of [...sources.standard!, ...sources.conservative!]) {
      expect(s.url).toMatch(/^https:\/\//);
      expect(s.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(s.title.length).toBeGreaterThan(5);
    }
  });
});
