/**
 * `deliverlab report`: the latest stored audit of each domain, or one audit, or a report's own
 * embedded result, written as an html, md, csv or json file.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { ApiError } from '../../api/errors';
import { MAX_REPORT_AUDITS, type HistoryList, type OpInput, type ReportOutput } from '../../api/operations';
import type { AuditResult } from '../../core/audit/types';
import type { Client } from '../../core/watch/types';
import { BrandError, checkBrand, logoDataUri, type ReportBrand } from '../../core/report/brand';
import { clientRefusal, type AuditReport } from '../../core/report/audit-report';
import { readEmbeddedReport, ReportReadError } from '../../core/report/html';
import { REPORT_FORMATS, type ReportFormat } from '../../core/report/model';
import { domainRefusal, parseDomainInput } from '../../shared/domain-name';
import { runPool } from '../../shared/pool';
import { checkResolver, dbPathFrom, openApi, parse, untilStopped, write, type CliIo } from '../common';
import { HELP } from '../help';
import { neutralise } from '../terminal-text';
import { findBrowser as findPdfBrowser, PdfError, printPdf as printPdfReport } from '../../core/report/pdf';
import { AUDIT_RUN_FLAGS, auditOptions, concurrencyOf, readDomainList, readListFile } from './audit';
import { UsageError } from '../usage-error';

/** The audits a report is made of: stored ids, or results that were not stored. */
type AuditRefs = NonNullable<OpInput<'report.render'>['audits']>;

/** What the CLI writes: the api's formats, and pdf printed from the html one. */
type CliFormat = ReportFormat | 'pdf';
const CLI_FORMATS: readonly CliFormat[] = ['html', 'pdf', ...REPORT_FORMATS.filter((f) => f !== 'html')];

const BY_EXTENSION: Record<string, CliFormat> = { '.html': 'html', '.htm': 'html', '.pdf': 'pdf', '.md': 'md', '.markdown': 'md', '.csv': 'csv', '.json': 'json' };

function formatOf(value: string | undefined, out: string): CliFormat {
  if (value !== undefined) {
    if (!(CLI_FORMATS as readonly string[]).includes(value)) throw new UsageError(`--format takes ${CLI_FORMATS.join(', ')}, not "${value}".`);
    return value as CliFormat;
  }
  const format = BY_EXTENSION[extname(out).toLowerCase()];
  if (!format) throw new UsageError(`Cannot tell the format from "${out}": name it with --format ${CLI_FORMATS.join('|')}.`);
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
function writeAtomically(path: string, content: string | Uint8Array): void {
  const partial = `${path}.partial-${process.pid}`;
  writeFileSync(partial, content);
  renameSync(partial, path);
}

export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    ...AUDIT_RUN_FLAGS,
    out: { type: 'string', short: 'o' },
    format: { type: 'string' },
    audit: { type: 'string' },
    from: { type: 'string' },
    message: { type: 'string' },
    placement: { type: 'string' },
    fresh: { type: 'boolean' },
    brand: { type: 'string' },
    browser: { type: 'string' },
    client: { type: 'string' },
    diff: { type: 'string' },
  });
  if (values.help) return write(io.stdout, HELP), 0;
  if (values.json) throw new UsageError('report writes its format to --out: use --format json for JSON.');
  if (!values.out) throw new UsageError('Name the file to write with --out PATH.');
  const format = formatOf(values.format, values.out);
  const named = positionals.length > 0 || values.file !== undefined;
  const otherSource = values.audit !== undefined || values.from !== undefined || values.message !== undefined || values.placement !== undefined;
  // --client NAME alone: the domains of the stored client of that name (its name on the cover, as ever).
  const ofClient = !named && !otherSource && values.client !== undefined;
  const byDomain = named || ofClient;
  const sources = [byDomain, values.audit !== undefined, values.from !== undefined, values.message !== undefined, values.placement !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new UsageError('Name the domains to report on (or --file LIST, or --client NAME of a stored client), or --audit ID, --message ID, --placement ID or --from REPORT.html (one of them).');
  const stored = storedItem(values.message, values.placement);
  if (stored && (values.client !== undefined || values.diff !== undefined)) throw new UsageError(`--${values.client !== undefined ? 'client' : 'diff'} goes with a report of audits, not --${stored.kind}.`);
  if (values.diff !== undefined && (format === 'csv' || format === 'json')) throw new UsageError(`--diff adds "What changed" to an html, pdf or md report; ${format} carries the results only.`);
  const clientProblem = values.client === undefined ? null : clientRefusal(values.client);
  if (clientProblem) throw new UsageError(`--client: ${clientProblem}.`);
  const auditFlags = (Object.keys(AUDIT_RUN_FLAGS) as (keyof typeof AUDIT_RUN_FLAGS)[]).filter((flag) => flag !== 'file' && values[flag] !== undefined);
  if (!values.fresh && auditFlags.length > 0) throw new UsageError(`--${auditFlags[0]} says how to audit: add --fresh to audit the domains now.`);
  if (values.fresh && !byDomain) throw new UsageError('--fresh audits the domains named (or listed with --file): it does not go with --audit or --from.');
  // Checked before any file is read or any domain audited.
  const concurrency = concurrencyOf(values.concurrency);
  const resolver = checkResolver(values.resolver);
  const options = values.fresh ? auditOptions(values) : {};
  let exit = 0;
  const brand = values.brand === undefined ? undefined : readBrandFile(values.brand);
  // The other report is read and checked before any audit runs: a changed file is told at once.
  const compare = values.diff === undefined ? undefined : readReportFile(values.diff, '--diff').audits.map((a) => a.result);
  if (values.browser !== undefined && format !== 'pdf') throw new UsageError('--browser prints a PDF: it goes with --format pdf (or an --out ending in .pdf).');
  // Found before any audit runs: a missing browser is told at once.
  const browser = format === 'pdf' ? findBrowser(values.browser) : undefined;

  let audits: AuditRefs;
  const api = openApi(values.from ? null : dbPathFrom(values));
  try {
    if (stored) {
      const report = (await api.dispatch('report.render', { [stored.kind]: stored.id, format: format === 'pdf' ? 'html' : format, ...(brand ? { brand } : {}) })) as ReportOutput;
      writeAtomically(values.out, browser ? await untilStopped(printPdf(report.text, browser), io.signal) : report.text);
      write(io.stdout, `Wrote the ${format} report of ${stored.kind} #${stored.id} to ${values.out}.`);
      return 0;
    }
    let client = values.client;
    if (values.from) {
      // As it was made: with its trend, its changes and its client (unless --client names another).
      const report = readReportFile(values.from);
      tooMany(report.audits.length);
      audits = report.audits.map((a) => (a.trend || a.compared ? a : a.result)) as unknown as AuditRefs;
      client ??= report.client;
    } else if (values.audit !== undefined) {
      const id = Number(values.audit);
      if (!Number.isInteger(id) || id < 1) throw new UsageError('--audit takes the id of a stored audit (deliverlab history list shows them).');
      audits = [id];
    } else {
      const owner = ofClient ? await storedClient(api, values.client as string) : null;
      // The client's name as it was stored, whatever case it was typed in.
      if (owner) client = owner.name;
      const domains: string[] = owner ? [...owner.domains] : [];
      for (const input of positionals) {
        const parsed = parseDomainInput(input);
        if (!parsed.ok) throw new UsageError(`${input}: ${domainRefusal(parsed.reason)}`);
        if (!domains.includes(parsed.domain)) domains.push(parsed.domain);
      }
      if (values.file !== undefined) {
        // The rule `audit --file` and the Batch page read lists by; refused lines are told and make the exit 2.
        const list = readDomainList(await readListFile(values.file, io));
        for (const line of [...list.problems, ...list.notes]) write(io.stderr, `deliverlab: --file ${neutralise(line)}`);
        if (list.problems.length > 0) exit = 2;
        domains.push(...list.domains.filter((d) => !domains.includes(d)));
      }
      if (domains.length === 0) throw new UsageError(ofClient ? `The client ${neutralise(values.client as string)} has no domains: add them with deliverlab clients add "${neutralise(values.client as string)}" --domain example.com.` : 'No domain to report on: the --file list holds none.');
      tooMany(domains.length);
      audits = values.fresh ? await auditNow(api, domains, { ...options, ...(resolver ? { resolver } : {}) }, concurrency, io) : [];
      if (!values.fresh) {
        for (const domain of domains) {
          const list = (await api.dispatch('history.list', { domain, limit: 1 })) as HistoryList;
          const latest = list.items[0];
          if (!latest) throw new UsageError(`There is no stored audit of ${domain}: add --fresh to audit it now, or run deliverlab audit ${domain} first.`);
          audits.push(latest.id);
        }
      }
    }
    const input = { audits, format: format === 'pdf' ? 'html' : format, ...(brand ? { brand } : {}), ...(client ? { client } : {}), ...(compare ? { compare } : {}) };
    const report = (await api.dispatch('report.render', input)) as ReportOutput;
    const bytes = browser ? await untilStopped(printPdf(report.text, browser), io.signal) : report.text;
    writeAtomically(values.out, bytes);
    write(io.stdout, `Wrote the ${format} report of ${report.domains.length > 3 ? `${report.domains.length} domains` : report.domains.join(', ')} to ${values.out}.`);
  } finally {
    api.close();
  }
  return exit;
}

/**
 * `--fresh`: audits every domain first, through the same bounded pool as `deliverlab audit`; each
 * result goes in history as usual. A domain that cannot be audited stops the report: a portfolio
 * silently missing a client's domain would mislead.
 */
async function auditNow(api: ReturnType<typeof openApi>, domains: string[], options: Record<string, unknown>, concurrency: number, io: CliIo): Promise<AuditRefs> {
  const failures: string[] = [];
  const run = runPool(
    domains,
    concurrency,
    async (domain): Promise<AuditResult | null> => {
      try {
        return (await api.dispatch('audit.run', { domain, ...options })) as AuditResult;
      } catch (err) {
        if (!(err instanceof ApiError) || err.code === 'internal') throw err;
        failures.push(`${domain}: ${err.message}`);
        return null;
      }
    },
    () => io.signal?.aborted === true,
  );
  // After a stop nobody waits for the audits still running: a late failure must not surface as unhandled.
  run.catch(() => {});
  const { results } = await untilStopped(run, io.signal);
  if (failures.length > 0) throw new UsageError(`no report written: ${failures.map(neutralise).join('; ')}`);
  // A stored audit goes by its id; one not saved (--no-history, or history failing) goes whole.
  return results.map((result) => {
    const r = result as AuditResult;
    return typeof r.id === 'number' ? r.id : (r as unknown as AuditRefs[number]);
  });
}

/** A Deliverlab HTML report's embedded audits, checked against its SHA-256; `flag` names the option that gave the file. */
function readReportFile(file: string, flag?: string): AuditReport {
  const where = flag ? `${flag} ${file}` : file;
  let html: string;
  try {
    html = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read ${where}: ${(err as Error).message}`);
  }
  try {
    return readEmbeddedReport(html);
  } catch (err) {
    if (err instanceof ReportReadError) throw new UsageError(`${where}: ${err.message}`);
    throw err;
  }
}

const BRAND_KEYS = ['title', 'name', 'logo', 'accent', 'footer'];

/**
 * --brand FILE: JSON with title, name, logo (a PNG, JPEG or SVG file; a relative path is read from
 * the JSON file's folder), accent (#rrggbb) and footer, checked before any audit runs.
 */
export function readBrandFile(file: string): ReportBrand {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--brand: cannot read ${file}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`--brand: ${file} must hold a JSON object (${BRAND_KEYS.join(', ')}).`);
  const given = parsed as Record<string, unknown>;
  const unknown = Object.keys(given).filter((key) => !BRAND_KEYS.includes(key));
  if (unknown.length > 0) throw new UsageError(`--brand: ${file}: unknown field "${unknown[0]}"; the fields are ${BRAND_KEYS.join(', ')}.`);
  try {
    let logo: string | undefined;
    if (given.logo !== undefined) {
      if (typeof given.logo !== 'string' || given.logo === '') throw new BrandError('logo must be the path of a PNG, JPEG or SVG file.');
      const path = resolve(dirname(file), given.logo);
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (err) {
        throw new BrandError(`cannot read the logo ${path}: ${(err as Error).message}`);
      }
      logo = logoDataUri(bytes);
    }
    return checkBrand({ ...(given as ReportBrand), ...(logo ? { logo } : {}) });
  } catch (err) {
    if (err instanceof BrandError) throw new UsageError(`--brand: ${file}: ${err.message}`);
    throw err;
  }
}

/** The core's PDF refusals are usage errors here: they name --browser, and exit 2. */
function asUsage<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof PdfError) throw new UsageError(err.message);
    throw err;
  }
}

const findBrowser = (named: string | undefined): string => asUsage(() => findPdfBrowser(named));

async function printPdf(html: string, browser: string): Promise<Buffer> {
  try {
    return await printPdfReport(html, browser);
  } catch (err) {
    if (err instanceof PdfError) throw new UsageError(err.message);
    throw err;
  }
}

/** Told before any audit runs, in words rather than as the api's refusal. */
function tooMany(count: number): void {
  if (count > MAX_REPORT_AUDITS) throw new UsageError(`A report covers at most ${MAX_REPORT_AUDITS} domains, and ${count} were named: split the list into several reports.`);
}

/** The stored client named `name`, for a report of its domains (`--client NAME` alone). */
async function storedClient(api: ReturnType<typeof openApi>, name: string): Promise<Client> {
  try {
    return (await api.dispatch('clients.get', { name })) as Client;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'not-found') {
      throw new UsageError(`There is no client named "${name}": name the domains to report on (--client then only goes on the cover), or add the client with deliverlab clients add.`);
    }
    throw err;
  }
}
