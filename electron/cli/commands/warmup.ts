/**
 * `deliverlab warmup plan|progress|list`: the warm-up planner for a new or cold IP or domain.
 *
 * plan exits 0 for a plan, 1 when it starts above its template's first-day limit (the plan is still
 * made), 2 on bad input; progress exits 1 when the last days' complaint or bounce rate is over its
 * limit before a planned day.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ApiError } from '../../api/errors';
import type { WarmupPlanItem, WarmupPlanResult, WarmupProgressResult } from '../../api/operations';
import { cappedWords, PROVIDER_LABELS } from '../../core/health/warmup-plan';
import type { WarmupPlan, WarmupProgress } from '../../core/health/warmup-types';
import { dbPathFrom, emit, openApi, parse, write, type CliIo } from '../common';
import { jsonText, neutralise } from '../terminal-text';
import { UsageError } from '../usage-error';

export const WARMUP_HELP = `deliverlab warmup: plan and watch the warm-up of a new or cold IP or domain

  deliverlab warmup plan --daily N --start N [--template standard|conservative] [--start-date YYYY-MM-DD]
                   [--ip IP | --domain D] [--name NAME] [--out plan.csv|plan.ics] [--json]
  deliverlab warmup list [--json] [--db PATH]
  deliverlab warmup progress ID [--json] [--db PATH]

plan      Each day's volume from --start (day 1) to --daily, per mailbox provider (Gmail, Microsoft,
          Yahoo, Apple, other), each by its own growth: in the standard template Gmail, Apple and other
          double in the first week, then grow by half, then by a quarter a day, while Microsoft and
          Yahoo start lower and grow by half, then by 30 %, then by a fifth; the conservative template
          is slower for all. A day's volume is the providers' sum; the plan ends when every provider
          has held its share of --daily for the hold days. With whom to send to (the most recently
          engaged first). Without --out, a table; --out writes CSV or an
          iCalendar file (one all-day event a day) by its extension; --ip or --domain names it in the
          calendar. Day 1 is today (UTC) unless --start-date says. Exit 0 a plan, 1 a plan whose start
          is above the template's first-day limit, 2 bad input.
list      The plans kept in history (saved in the app's Warm-up planner).
progress  A kept plan against the sending data imported for its IP or domain: each day ahead (over
          110 %), on track or behind (under 90 %), in all and per provider when the import knows the
          recipients' providers, and a warning before a planned day when the last
          5 days' complaints reach 0.1 % of delivered mail or bounces 2 % of sent mail. Exit 1 on a warning.`;

export async function warmupCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return write(io.stdout, WARMUP_HELP), 0;
  if (sub === 'plan') return plan(rest, io);
  if (sub === 'list') return list(rest, io);
  if (sub === 'progress') return progress(rest, io);
  throw new UsageError(sub ? `Unknown warmup command "${sub}": use deliverlab warmup plan, list or progress.` : 'Use: deliverlab warmup plan --daily N --start N, warmup list, or warmup progress ID');
}

const FLAGS: Record<string, string> = { daily: '--daily', start: '--start', template: '--template', startDate: '--start-date', ip: '--ip', domain: '--domain', name: '--name' };

/** The api's refusal, said with the CLI's flags. */
function refused(err: unknown): never {
  if (err instanceof ApiError && err.code === 'invalid-input') {
    const issue = err.fields?.[0];
    const flag = FLAGS[issue?.field.split('.')[0] ?? ''];
    throw new UsageError(flag && issue ? `${flag}: ${issue.message}` : err.message);
  }
  throw err;
}

/** A whole number as typed: digits, with , or _ between thousands allowed. */
function volumeOf(flag: string, value: string | undefined): number {
  if (value === undefined) throw new UsageError(`Give ${flag} N: ${flag === '--daily' ? 'the daily volume the warm-up ends at' : "day 1's volume"}.`);
  const text = value.trim().replace(/[,_](?=\d{3}(\D|$))/g, '');
  if (!/^\d{1,15}$/.test(text)) throw new UsageError(`${flag} takes a whole number of messages a day, such as 50000 (not "${neutralise(value)}").`);
  return Number(text);
}

const count = (n: number) => n.toLocaleString('en-US');

/** Columns right-aligned but the last, which is text. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatPlan(p: WarmupPlan, title: string): string {
  const dayOne = p.days[0]?.volume ?? p.start;
  const capped = cappedWords(p);
  const head = [
    `${title} warm-up from ${count(dayOne)} to ${count(p.daily)} a day, starting ${p.startDate}: the target is reached on day ${p.targetDay} (${p.days[p.targetDay - 1]?.date}), held to day ${p.days.length}.`,
    ...(capped ? [`Day 1 is ${count(dayOne)} rather than ${count(p.start)}: ${capped}.`] : []),
    `By provider: ${p.providers
      .filter((s) => s.share > 0)
      .map((s) => `${PROVIDER_LABELS[s.provider]} ${count(s.firstDay)} to ${count(s.share)} (day ${s.targetDay})`)
      .join(', ')}.`,
  ].join('\n');
  const rows = p.days.map((d) => [
    String(d.day),
    d.date,
    count(d.volume),
    count(d.providers.gmail),
    count(d.providers.microsoft),
    count(d.providers.yahoo),
    count(d.providers.apple),
    count(d.providers.other),
    count(d.cumulative),
    d.segment.engagedWithinDays === null ? 'the whole list' : `engaged in ${d.segment.engagedWithinDays} days`,
  ]);
  return `${head}\n\n${table(['Day', 'Date', 'Volume', 'Gmail', 'Microsoft', 'Yahoo', 'Apple', 'Other', 'Cumulative', 'Send to'], rows)}`;
}

function formatProgress(p: WarmupProgress): string {
  const rows = p.days.map((d) => [String(d.day), d.date, count(d.planned), count(d.sent), `${Math.round(d.ratio * 100)} %`, d.status.replace('-', ' ')]);
  const lines = [`Through ${p.through}: ${count(p.sent)} sent of ${count(p.planned)} planned, ${(p.status ?? '').replace('-', ' ')}.`, '', table(['Day', 'Date', 'Planned', 'Sent', 'Of plan', 'Status'], rows)];
  if (p.providers) {
    const ratio = (sent: number, planned: number) => (planned > 0 ? `${Math.round((sent / planned) * 100)} %` : '');
    const byProvider = p.providers.map((x) => [PROVIDER_LABELS[x.provider], count(x.planned), count(x.sent), ratio(x.sent, x.planned), x.status.replace('-', ' ')]);
    // Left-aligned names read better: the table right-aligns all but the last column, so the name goes last.
    lines.push('', 'By provider:', table(['Planned', 'Sent', 'Of plan', 'Status', 'Provider'], byProvider.map(([name, ...rest]) => [...rest, name] as string[])));
    if (p.unknownProvider > 0) lines.push(`${count(p.unknownProvider)} sent to recipients whose provider is not known count in the total only.`);
  }
  for (const w of p.warnings) lines.push('', `Warning: ${w.message}`);
  return lines.join('\n');
}

async function plan(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    daily: { type: 'string' },
    start: { type: 'string' },
    template: { type: 'string' },
    'start-date': { type: 'string' },
    ip: { type: 'string' },
    domain: { type: 'string' },
    name: { type: 'string' },
    out: { type: 'string', short: 'o' },
  });
  if (values.help) return write(io.stdout, WARMUP_HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${neutralise(positionals[0] as string)}": give the volumes as --daily N --start N.`);
  const daily = volumeOf('--daily', values.daily);
  const start = volumeOf('--start', values.start);
  let format: 'csv' | 'ics' | undefined;
  if (values.out !== undefined) {
    const ext = extname(values.out).toLowerCase();
    if (ext !== '.csv' && ext !== '.ics') throw new UsageError(`--out names a .csv or an .ics file (not "${neutralise(values.out)}").`);
    format = ext === '.csv' ? 'csv' : 'ics';
  }
  const api = openApi(null);
  let result: WarmupPlanResult;
  try {
    result = (await api.dispatch('warmup.plan', {
      daily,
      start,
      ...(values.template !== undefined ? { template: values.template } : {}),
      ...(values['start-date'] !== undefined ? { startDate: values['start-date'] } : {}),
      ...(values.ip !== undefined ? { ip: values.ip } : {}),
      ...(values.domain !== undefined ? { domain: values.domain } : {}),
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(format ? { format } : {}),
    })) as WarmupPlanResult;
  } catch (err) {
    return refused(err);
  } finally {
    api.close();
  }
  const { plan: p, file } = result;
  if (values.out !== undefined && file) {
    // Written beside the target and renamed over it: a stop half-way never leaves half a file.
    const partial = `${values.out}.partial-${process.pid}`;
    try {
      writeFileSync(partial, file.text);
      renameSync(partial, values.out);
    } catch (err) {
      throw new UsageError(`Cannot write ${neutralise(values.out)}: ${(err as Error).message}`);
    }
  }
  if (values.json) await emit(io.stdout, jsonText(values.out !== undefined ? { out: values.out, format, plan: p } : p), io.signal);
  else if (values.out !== undefined) write(io.stdout, neutralise(`Wrote ${values.out}: ${p.days.length} days, ${count(p.days[0]?.volume ?? p.start)} to ${count(p.daily)} a day, the target on day ${p.targetDay}.`));
  else await emit(io.stdout, formatPlan(p, result.template.title), io.signal);
  for (const w of p.warnings) write(io.stderr, `Warning: ${w.message}`);
  return p.warnings.length > 0 ? 1 : 0;
}

async function list(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return write(io.stdout, WARMUP_HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${neutralise(positionals[0] as string)}".`);
  if (values['no-history']) throw new UsageError('--no-history has no warm-up plans to list.');
  const api = openApi(dbPathFrom(values));
  try {
    const { items } = (await api.dispatch('warmup.list', {})) as { items: WarmupPlanItem[] };
    if (values.json) {
      for (const item of items) await emit(io.stdout, jsonText(item), io.signal);
    } else if (items.length === 0) write(io.stdout, 'No warm-up plans kept yet: save one in the app\'s Warm-up planner.');
    else {
      const rows = items.map((i) => [String(i.id), i.startDate, i.endDate, count(i.start), count(i.daily), i.template, neutralise(`${i.name} (${i.target})`)]);
      await emit(io.stdout, table(['ID', 'From', 'To', 'Start', 'Daily', 'Template', 'Plan'], rows), io.signal);
    }
  } finally {
    api.close();
  }
  return 0;
}

async function progress(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return write(io.stdout, WARMUP_HELP), 0;
  if (values['no-history']) throw new UsageError('--no-history has no warm-up plans.');
  const id = Number(positionals[0]);
  if (positionals.length !== 1 || !Number.isInteger(id) || id < 1) throw new UsageError('Name one kept plan by its id: deliverlab warmup progress ID (deliverlab warmup list shows them).');
  const api = openApi(dbPathFrom(values));
  let result: WarmupProgressResult;
  try {
    result = (await api.dispatch('warmup.progress', { id })) as WarmupProgressResult;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'not-found') throw new UsageError(`${err.message} deliverlab warmup list shows the kept plans.`);
    throw err;
  } finally {
    api.close();
  }
  if (values.json) await emit(io.stdout, jsonText(result), io.signal);
  else if (!result.progress) await emit(io.stdout, neutralise(`${result.item.name} (${result.item.target}): no sending data imported yet.\n\n${formatPlan(result.plan, result.plan.template === 'standard' ? 'Standard' : 'Conservative')}`), io.signal);
  else await emit(io.stdout, `${neutralise(`${result.item.name} (${result.item.target})`)}\n${formatProgress(result.progress)}`, io.signal);
  return (result.progress?.warnings.length ?? 0) > 0 ? 1 : 0;
}
