/**
 * `deliverlab health`: ESP exports imported into daily counts, and the sending health they show.
 *
 *   health import FILE... [--format ses|sendgrid|mailgun|postmark|mailchimp|csv] [--json]
 *   health summary [--domain D] [--since 30d] [--until DATE] [--json]
 */
import type { HealthImportResult, HealthSummary } from '../../api/types';
import { HEALTH_FORMATS } from '../../core/health/types';
import { callApi, checkRangeFlags, checkResolver, dbPathFrom, emit, openApi, parse, write, type CliIo } from '../common';
import { painter } from '../format';
import { formatHealthImport, formatHealthSummary } from '../health-format';
import { jsonText, neutralise } from '../terminal-text';
import { UsageError } from '../usage-error';

export const HEALTH_HELP = `Usage:
  deliverlab health import FILE... [--format ses|sendgrid|mailgun|postmark|mailchimp|csv] [--resolver R] [--json] [--db PATH]
  deliverlab health summary [--domain D] [--since 30d|YYYY-MM-DD] [--until YYYY-MM-DD] [--json] [--db PATH]

import   ESP exports into daily counts per sending domain, sending IP (or pool) and recipient
         provider (Gmail, Microsoft, Yahoo, Apple, other; by the recipient domain's MX through the
         resolver, cached; unknown when the lookup fails). Formats: Amazon SES event publishing
         (JSON lines), SendGrid event webhook (JSON), Mailgun events (JSON), Postmark webhooks
         (JSON), Mailchimp campaign reports (CSV), and the generic CSV (date, ip or pool,
         recipient_domain, sent, delivered, bounced_hard, bounced_soft, complaints, opens, clicks,
         unsubscribes; optional sending_domain and unknown_users). Without --format the format is
         told from each file's content, and said. Files are streamed, never read whole. A row that
         cannot be read is refused with its line; the rest imports. Unknown columns and event
         types are reported, not counted. Importing the same events again adds nothing (event ids).
         CSV rows are totals that later exports repeat: a row whose key (day, sending domain, IP,
         recipient domain; for Mailchimp the campaign: send date, title, from) was imported before
         adds nothing with the same counts, and replaces its old counts with new ones ("updated").
         --json prints { files: [{ file, format, detected, read, added, duplicates, updated,
         ignored, refusedRows, refusals: [{ line, reason }], unknown, alreadyImported, error? }],
         read, added, duplicates, updated, refusedRows, failedFiles, domains, ips, notLookedUp }.
         Exit 0 everything read, 1 a row or file refused, 2 an error.
summary  Rates per provider, sending domain and IP over the period (30d by default): delivery,
         hard and soft bounces, unknown users, complaints, unsubscribes, opens (unreliable where
         Apple Mail Privacy Protection opens every image) and clicks, against the thresholds
         (complaints 0.1 % target and 0.3 % limit for Gmail and Yahoo; bounces 2 % and 5 %), and
         the findings (health.*). --json prints { domain, since, until, limitExceeded, thresholds,
         totals, days, providers, domains, ips, opensUnreliable, appleShare, findings }, each total
         its counts and rates (fractions: 0.003 is 0.3 %). Exit 0 within the limits, 1 a limit is
         exceeded (complaints over 0.3 %, bounces over 5 %), 2 an error.`;

function dbFor(values: { db?: string | undefined; 'no-history'?: boolean | undefined }): string {
  if (values['no-history']) throw new UsageError('--no-history: sending health is imported into history and read from it.');
  return dbPathFrom(values) as string;
}

async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string' }, resolver: { type: 'string' } });
  if (values.help) return write(io.stdout, HEALTH_HELP), 0;
  if (positionals.length === 0) throw new UsageError('Name the export files to import: deliverlab health import events.jsonl');
  if (values.format !== undefined && !(HEALTH_FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format: use one of ${HEALTH_FORMATS.join(', ')}.`);
  const resolver = checkResolver(values.resolver);
  const api = openApi(dbFor(values), undefined, { signal: io.signal });
  try {
    const result = await callApi<HealthImportResult>(api, 'health.import', { paths: positionals, ...(values.format ? { format: values.format } : {}), ...(resolver ? { resolver } : {}) });
    if (values.json) await emit(io.stdout, jsonText(result));
    else await emit(io.stdout, formatHealthImport(result, painter(io.stdout)));
    if (result.stopped) {
      write(io.stderr, `deliverlab: ${neutralise(result.stopped)}`);
      return 2;
    }
    return result.refusedRows > 0 || result.failedFiles > 0 ? 1 : 0;
  } finally {
    api.close();
  }
}

async function summaryCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { domain: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' } });
  if (values.help) return write(io.stdout, HEALTH_HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}": name a sending domain with --domain.`);
  checkRangeFlags(values);
  const api = openApi(dbFor(values));
  try {
    const input = { ...(values.domain ? { domain: values.domain } : {}), ...(values.since ? { since: values.since } : {}), ...(values.until ? { until: values.until } : {}) };
    const summary = await callApi<HealthSummary>(api, 'health.summary', input);
    if (values.json) {
      const providers = summary.providers.map(({ days: _days, ...p }) => p);
      await emit(io.stdout, jsonText({ ...summary, providers }));
    } else await emit(io.stdout, formatHealthSummary(summary, painter(io.stdout)));
    return summary.limitExceeded ? 1 : 0;
  } finally {
    api.close();
  }
}

const SUBCOMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = { import: importCommand, summary: summaryCommand };

export async function healthCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') return write(io.stdout, HEALTH_HELP), 0;
  const run = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!run) throw new UsageError(`Unknown health command "${sub}": use import or summary.`);
  return run(rest, io);
}
