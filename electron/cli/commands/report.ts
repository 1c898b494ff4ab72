/**
 * `deliverlab report`: the latest stored audit of each domain, or one audit, or a report's own
 * embedded result, written as an html, md, csv or json file.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { HistoryList, OpInput, ReportOutput } from '../../api/operations';
import { readEmbeddedResults, ReportReadError } from '../../core/report/html';
import { REPORT_FORMATS, type ReportFormat } from '../../core/report/model';
import { domainRefusal, parseDomainInput } from '../../shared/domain-name';
import { dbPathFrom, openApi, parse, write, type CliIo } from '../common';
import { HELP } from '../help';
import { UsageError } from '../usage-error';

const BY_EXTENSION: Record<string, ReportFormat> = { '.html': 'html', '.htm': 'html', '.md': 'md', '.markdown': 'md', '.csv': 'csv', '.json': 'json' };

function formatOf(value: string | undefined, out: string): ReportFormat {
  if (value !== undefined) {
    if (!(REPORT_FORMATS as readonly string[]).includes(value)) throw new UsageError(`--format takes ${REPORT_FORMATS.join(', ')}, not "${value}".`);
    return value as ReportFormat;
  }
  const format = BY_EXTENSION[extname(out).toLowerCase()];
  if (!format) throw new UsageError(`Cannot tell the format from "${out}": name it with --format ${REPORT_FORMATS.join('|')}.`);
  return format;
}

/** --message ID or --placement ID: one stored message analysis or placement run. */
function storedItem(message: string | undefined, placement: string | undefined): { kind: 'message' | 'placement'; id: number } | null {
  const [kind, value] = message !== undefined ? (['message', message] as const) : placement !== undefined ? (['placement', placement] as const) : [null, undefined];
  if (!kind) return null;
  const id = Number(value);
  const what = kind === 'message' ? 'message analysis (deliverlab check --json prints it as "id")' : 'placement run (deliverlab placement --json prints it as "id")';
  if (!Number.isInteger(id) || id < 1) throw new UsageError(`--${kind} takes the id of a stored ${what}.`);
  return { kind, id };
}

/** Written beside the target and renamed over it: a stop half-way never leaves half a report. */
function writeAtomically(path: string, text: string): void {
  const partial = `${path}.partial-${process.pid}`;
  writeFileSync(partial, text, 'utf8');
  renameSync(partial, path);
}

export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string', short: 'o' },
    format: { type: 'string' },
    audit: { type: 'string' },
    from: { type: 'string' },
    message: { type: 'string' },
    placement: { type: 'string' },
  });
  if (values.help) return write(io.stdout, HELP), 0;
  if (values.json) throw new UsageError('report writes its format to --out: use --format json for JSON.');
  if (!values.out) throw new UsageError('Name the file to write with --out PATH.');
  const format = formatOf(values.format, values.out);
  const sources = [positionals.length > 0, values.audit !== undefined, values.from !== undefined, values.message !== undefined, values.placement !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new UsageError('Name the domains to report on, or --audit ID, --message ID, --placement ID or --from REPORT.html (one of them).');
  const stored = storedItem(values.message, values.placement);

  let audits: OpInput<'report.render'>['audits'];
  const api = openApi(values.from ? null : dbPathFrom(values));
  try {
    if (stored) {
      const report = (await api.dispatch('report.render', { [stored.kind]: stored.id, format })) as ReportOutput;
      writeAtomically(values.out, report.text);
      write(io.stdout, `Wrote the ${format} report of ${stored.kind} #${stored.id} to ${values.out}.`);
      return 0;
    }
    if (values.from) {
      let html: string;
      try {
        html = readFileSync(values.from, 'utf8');
      } catch (err) {
        throw new UsageError(`Cannot read ${values.from}: ${(err as Error).message}`);
      }
      try {
        audits = readEmbeddedResults(html) as unknown as typeof audits;
      } catch (err) {
        if (err instanceof ReportReadError) throw new UsageError(`${values.from}: ${err.message}`);
        throw err;
      }
    } else if (values.audit !== undefined) {
      const id = Number(values.audit);
      if (!Number.isInteger(id) || id < 1) throw new UsageError('--audit takes the id of a stored audit (deliverlab history list shows them).');
      audits = [id];
    } else {
      audits = [];
      for (const input of positionals) {
        const parsed = parseDomainInput(input);
        if (!parsed.ok) throw new UsageError(`${input}: ${domainRefusal(parsed.reason)}`);
        const list = (await api.dispatch('history.list', { domain: parsed.domain, limit: 1 })) as HistoryList;
        const latest = list.items[0];
        if (!latest) throw new UsageError(`There is no stored audit of ${parsed.domain}: run deliverlab audit ${parsed.domain} first.`);
        audits.push(latest.id);
      }
    }
    const report = (await api.dispatch('report.render', { audits, format })) as ReportOutput;
    // Written beside the target and renamed over it: a stop half-way never leaves half a report.
    const partial = `${values.out}.partial-${process.pid}`;
    writeFileSync(partial, report.text, 'utf8');
    renameSync(partial, values.out);
    write(io.stdout, `Wrote the ${format} report of ${report.domains.join(', ')} to ${values.out}.`);
  } finally {
    api.close();
  }
  return 0;
}
