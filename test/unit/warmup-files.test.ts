/**
 * A warm-up plan as CSV and as a calendar, checked day by day: one row and one all-day event per
 * day on consecutive dates, the volumes of the plan, UIDs unique and the same on every render,
 * lines folded at 75 octets with CRLF, text escaped (RFC 5545) and quoted (RFC 4180).
 */
import { describe, expect, it } from 'vitest';
import { foldLine, icsText, planFileName, planKey, WARMUP_CSV_HEADER, warmupCsv, warmupIcs } from '../../electron/core/health/warmup-files';
import { warmupPlan } from '../../electron/core/health/warmup-plan';
import { WARMUP_PROVIDERS } from '../../electron/core/health/warmup-types';
import { readIcs } from '../helpers/ics-check';

const standard = warmupPlan({ daily: 50_000, start: 1000, template: 'standard', startDate: '2025-12-28' });
const conservative = warmupPlan({ daily: 20_000, start: 1000, template: 'conservative', startDate: '2024-02-27' });

/** RFC 4180 rows: quoted cells may hold commas, quotes ("") and line breaks. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else if (c === '\n' || c === '\r') throw new Error('a bare line break outside quotes');
    else cell += c;
  }
  expect(cell).toBe('');
  return rows;
}

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

describe('the CSV', () => {
  for (const plan of [standard, conservative]) {
    it(`has the documented header and one row per day of the ${plan.template} plan`, () => {
      const text = warmupCsv(plan);
      expect(text.endsWith('\r\n')).toBe(true);
      const [header, ...rows] = readCsv(text);
      expect(header).toEqual(['day', 'date', 'volume', 'gmail', 'microsoft', 'yahoo', 'apple', 'other', 'cumulative', 'engaged_within_days', 'segment_advice']);
      expect(header).toEqual([...WARMUP_CSV_HEADER]);
      expect(rows).toHaveLength(plan.days.length);
      let cumulative = 0;
      for (const [i, row] of rows.entries()) {
        const d = plan.days[i]!;
        expect(row[0]).toBe(String(i + 1));
        if (i > 0) expect(row[1]).toBe(nextDay(rows[i - 1]![1]!));
        expect(Number(row[2])).toBe(d.volume);
        expect(row.slice(3, 8).map(Number)).toEqual(WARMUP_PROVIDERS.map((p) => d.providers[p]));
        expect(row.slice(3, 8).reduce((sum, c) => sum + Number(c), 0)).toBe(d.volume);
        cumulative += Number(row[2]);
        expect(Number(row[8])).toBe(cumulative);
        expect(row[9]).toBe(d.segment.engagedWithinDays === null ? '' : String(d.segment.engagedWithinDays));
        expect(row[10]).toBe(d.segment.advice);
      }
      expect(rows[0]![1]).toBe(plan.startDate);
    });
  }

  it('quotes advice that holds commas', () => {
    const text = warmupCsv(standard);
    // "Recipients engaged in the last 90 days; add older ones in chunks ..." has no comma, the day-5 advice has one.
    expect(text).toContain('"Recipients who opened or clicked in the last 60 days, the most recent first."');
  });
});

describe('the calendar', () => {
  const stamp = new Date('2025-12-01T09:30:00.250Z');

  for (const plan of [standard, conservative]) {
    it(`has one all-day event per day of the ${plan.template} plan, on consecutive dates`, () => {
      const text = warmupIcs(plan, { target: '192.0.2.10', stamp });
      const cal = readIcs(text);
      const props = Object.fromEntries(cal.properties.map((p) => [p.name, p.raw]));
      expect(props).toMatchObject({ VERSION: '2.0', PRODID: '-//Deliverlab//Warm-up planner//EN', CALSCALE: 'GREGORIAN', METHOD: 'PUBLISH' });
      expect(cal.events).toHaveLength(plan.days.length);
      for (const [i, event] of cal.events.entries()) {
        const d = plan.days[i]!;
        const start = event.get('DTSTART')!;
        const end = event.get('DTEND')!;
        expect(start.params).toEqual({ VALUE: 'DATE' });
        expect(start.raw).toBe(d.date.replace(/-/g, ''));
        expect(end.raw).toBe(nextDay(d.date).replace(/-/g, ''));
        if (i > 0) expect(start.raw).toBe(cal.events[i - 1]!.get('DTEND')!.raw);
        expect(event.get('DTSTAMP')?.raw).toBe('20251201T093000Z');
        expect(event.get('SUMMARY')?.text).toBe(`Warm-up 192.0.2.10 day ${d.day} of ${plan.days.length}: send ${d.volume.toLocaleString('en-US')}`);
        const description = event.get('DESCRIPTION')!.text.split('\n');
        expect(description[0]).toMatch(new RegExp(`^Send ${d.volume.toLocaleString('en-US')} messages \\(Gmail `));
        expect(description[1]).toBe(`Send to: ${d.segment.advice}`);
      }
      const uids = cal.events.map((e) => e.get('UID')!.raw);
      expect(new Set(uids).size).toBe(uids.length);
    });
  }

  it('crosses a year end with consecutive dates', () => {
    const cal = readIcs(warmupIcs(standard, { stamp }));
    expect(cal.events.slice(2, 6).map((e) => e.get('DTSTART')!.raw)).toEqual(['20251230', '20251231', '20260101', '20260102']);
  });

  it('keeps its UIDs across renders, and changes them with the plan or its target', () => {
    const uids = (text: string) => readIcs(text).events.map((e) => e.get('UID')!.raw);
    const first = uids(warmupIcs(standard, { target: 'news.example', stamp }));
    const again = uids(warmupIcs(warmupPlan({ daily: 50_000, start: 1000, template: 'standard', startDate: '2025-12-28' }), { target: 'news.example', stamp: new Date('2026-01-05T00:00:00Z') }));
    expect(again).toEqual(first);
    expect(first[0]).toMatch(/^warmup-[0-9a-f]{24}-day-1@deliverlab\.dev$/);
    const otherTarget = uids(warmupIcs(standard, { target: 'mail.example', stamp }));
    const otherPlan = uids(warmupIcs(warmupPlan({ daily: 50_000, start: 1000, template: 'standard', startDate: '2025-12-29' }), { target: 'news.example', stamp }));
    for (const other of [otherTarget, otherPlan]) expect(other.filter((u) => first.includes(u))).toEqual([]);
    expect(planKey(standard, 'a')).not.toBe(planKey(standard, 'b'));
  });

  it('folds long lines at 75 octets with CRLF and a space, never inside a character', () => {
    const text = warmupIcs(standard, { target: 'news.example', name: 'Warm-up of the new IP for the newsletter of Ünïcødé Café, Zürich', stamp });
    // readIcs fails on any line over 75 octets or any bare LF; the long DESCRIPTION lines are folded.
    const cal = readIcs(text);
    expect(cal.lines.some((l) => l.startsWith(' '))).toBe(true);
    expect(cal.properties.find((p) => p.name === 'X-WR-CALNAME')?.text).toBe('Warm-up of the new IP for the newsletter of Ünïcødé Café, Zürich');

    const long = `SUMMARY:${'é'.repeat(60)}`;
    const folded = foldLine(long);
    const parts = folded.split('\r\n');
    expect(parts.length).toBe(2);
    for (const p of parts) expect(new TextEncoder().encode(p).length).toBeLessThanOrEqual(75);
    // 8 octets of name, then 33 two-octet characters fill 74 of the first line's 75.
    expect(parts[0]).toBe(`SUMMARY:${'é'.repeat(33)}`);
    expect(parts[1]).toBe(` ${'é'.repeat(27)}`);
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(long);
    expect(foldLine('A'.repeat(75))).toBe('A'.repeat(75));
    expect(foldLine('A'.repeat(76))).toBe(`${'A'.repeat(75)}\r\n A`);
  });

  it('escapes text: backslash, semicolon, comma and line breaks; control characters dropped', () => {
    expect(icsText('a\\b;c,d\ne\r\nf\u0007g')).toBe('a\\\\b\\;c\\,d\\ne\\nfg');
    const cal = readIcs(warmupIcs(standard, { target: 'x;y,z\\w', stamp }));
    expect(cal.events[0]!.get('SUMMARY')!.text).toBe('Warm-up x;y,z\\w day 1 of 16: send 1,000');
  });

  it('names the file after the target, the template and the start date', () => {
    expect(planFileName(standard, '192.0.2.10')).toBe('deliverlab-warmup-192.0.2.10-standard-2025-12-28');
    expect(planFileName(conservative)).toBe('deliverlab-warmup-conservative-2024-02-27');
    expect(planFileName(standard, '2001:db8::1')).toBe('deliverlab-warmup-2001-db8-1-standard-2025-12-28');
  });
});
