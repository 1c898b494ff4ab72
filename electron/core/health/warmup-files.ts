/**
 * A warm-up plan as files: CSV for a spreadsheet (RFC 4180) and a calendar (RFC 5545) with one
 * all-day event per day, to import into any calendar app.
 */
import { createHash } from 'node:crypto';
import { csv } from '../reports/csv';
import { PROVIDER_LABELS, WARMUP_THRESHOLDS } from './warmup-plan';
import { WARMUP_PROVIDERS, type WarmupDay, type WarmupPlan } from './warmup-types';

/** The CSV's header, as the README documents it. */
export const WARMUP_CSV_HEADER = ['day', 'date', 'volume', ...WARMUP_PROVIDERS, 'cumulative', 'engaged_within_days', 'segment_advice'] as const;

export function warmupCsv(plan: WarmupPlan): string {
  return csv(
    WARMUP_CSV_HEADER,
    plan.days.map((d) => [d.day, d.date, d.volume, ...WARMUP_PROVIDERS.map((p) => d.providers[p]), d.cumulative, d.segment.engagedWithinDays ?? '', d.segment.advice]),
  );
}

/** What the calendar is about besides the plan: the IP or domain warmed up, and the plan's name. */
export interface CalendarOptions {
  target?: string;
  name?: string;
  /** When the calendar is written: every event's DTSTAMP (RFC 5545 §3.8.7.2). */
  stamp: Date;
}

/**
 * The plan's identity, for UIDs that stay the same each time it is written: the same plan for the same
 * target gives the same events, so importing it again updates them instead of adding copies.
 */
export function planKey(plan: WarmupPlan, target?: string): string {
  const identity = JSON.stringify([plan.template, plan.daily, plan.start, plan.startDate, WARMUP_PROVIDERS.map((p) => plan.mix[p]), target ?? '']);
  return createHash('sha256').update(identity).digest('hex').slice(0, 24);
}

/** RFC 5545 §3.3.11: backslash, semicolon and comma escaped, a line break as \n; no other control character. */
export function icsText(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/g, '')
      .replace(/\\/g, '\\\\')
      .replace(/;/g, '\\;')
      .replace(/,/g, '\\,')
      .replace(/\r\n|\r|\n/g, '\\n')
  );
}

const encoder = new TextEncoder();

/**
 * RFC 5545 §3.1: a content line longer than 75 octets is folded, CRLF and one space before each
 * continuation, never inside a UTF-8 character.
 */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  // The first line holds 75 octets; each continuation 74 after its leading space.
  let room = 75;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > room) {
      parts.push(current);
      current = '';
      octets = 0;
      room = 74;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** A UTC time as RFC 5545 writes it (§3.3.5, form 2). */
const utcStamp = (at: Date) => at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
const compactDate = (date: string) => date.replace(/-/g, '');
const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const count = (n: number) => n.toLocaleString('en-US');
const percent = (rate: number) => `${Math.round(rate * 10_000) / 100} %`;

function describe(plan: WarmupPlan, d: WarmupDay): string {
  const split = WARMUP_PROVIDERS.filter((p) => d.providers[p] > 0)
    .map((p) => `${PROVIDER_LABELS[p]} ${count(d.providers[p])}`)
    .join(', ');
  const phase = d.day < plan.targetDay ? `Growing towards ${count(plan.daily)} a day (reached on day ${plan.targetDay}).` : `At the daily target: hold ${count(plan.daily)} a day.`;
  return [
    `Send ${count(d.volume)} messages${split ? ` (${split})` : ''}.`,
    `Send to: ${d.segment.advice}`,
    phase,
    `Sent so far, with this day: ${count(d.cumulative)}.`,
    `Before growing, check that complaints stay under ${percent(WARMUP_THRESHOLDS.complaintRate)} and bounces under ${percent(WARMUP_THRESHOLDS.bounceRate)}; hold the volume if not.`,
  ].join('\n');
}

/** The plan as an iCalendar file: one all-day event per day, lines folded, CRLF line ends. */
export function warmupIcs(plan: WarmupPlan, options: CalendarOptions): string {
  const key = planKey(plan, options.target);
  const stamp = utcStamp(options.stamp);
  const about = options.target ? ` ${options.target}` : '';
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Deliverlab//Warm-up planner//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'];
  lines.push(`X-WR-CALNAME:${icsText(options.name ?? `Warm-up${about}`)}`);
  for (const d of plan.days) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:warmup-${key}-day-${d.day}@deliverlab.dev`,
      `DTSTAMP:${stamp}`,
      // RFC 5545 §3.6.1: an all-day event is a DATE start, and its DTEND the next day (exclusive).
      `DTSTART;VALUE=DATE:${compactDate(d.date)}`,
      `DTEND;VALUE=DATE:${compactDate(nextDate(d.date))}`,
      `SUMMARY:${icsText(`Warm-up${about} day ${d.day} of ${plan.days.length}: send ${count(d.volume)}`)}`,
      `DESCRIPTION:${icsText(describe(plan, d))}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** A file name for the plan, without its extension. */
export function planFileName(plan: WarmupPlan, target?: string): string {
  const safe = (target ?? '').replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
  return `deliverlab-warmup-${safe ? `${safe}-` : ''}${plan.template}-${plan.startDate}`;
}
