/**
 * `deliverlab reports`: DMARC aggregate and TLS reports imported into history, and what they say.
 *
 *   reports import PATH... [--json]                       exit 0, 1 when a file was refused, 2 on error
 *   reports import --imap ACCOUNT.json --folder F [--since DATE] [--move-to FOLDER] [--json]
 *   reports summary --domain D [--since 30d] [--json]
 *   reports sources --domain D [--since 30d] [--class C] [--resolver R] [--json]
 *   reports tls --domain D [--since 30d] [--json]
 */
import { readFileSync, statSync } from 'node:fs';
import { SOURCE_CLASSES } from '../../api/operations';
import type { ImapImportResult, ImportResult, Readiness, ReportSummary, SourcesResult, TlsSummary } from '../../api/types';
import { SeedError, seedSecretsFromEnv, validateSeed } from '../../core/placement/seeds';
import type { Seed, SeedSecrets } from '../../core/placement/types';
import { parseDay } from '../../core/reports/range';
import { callApi, checkRangeFlags, checkResolver, dbPathFrom, emit, openApi, parse, readCaFiles, write, type CliIo } from '../common';
import { loginSecret } from '../compose-options';
import { painter, type Paint } from '../format';
import { formatImapImport, formatImport, formatSources, formatSummary, formatTls } from '../reports-format';
import { jsonText, neutralise } from '../terminal-text';
import { UsageError } from '../usage-error';

export const REPORTS_HELP = `Usage:
  deliverlab reports import PATH... [--json] [--db PATH]
  deliverlab reports import --imap ACCOUNT.json --folder FOLDER [--since YYYY-MM-DD] [--move-to FOLDER]
                            [--ca-file PEM]... [--timeout MS] [--json] [--db PATH]
  deliverlab reports summary --domain D [--since 30d|YYYY-MM-DD] [--until YYYY-MM-DD] [--json] [--db PATH]
  deliverlab reports sources --domain D [--since 30d] [--until DATE] [--class compliant|forwarded|misconfigured|unknown]
                             [--resolver RESOLVER] [--json] [--db PATH]
  deliverlab reports tls --domain D [--since 30d] [--until DATE] [--json] [--db PATH]

import   DMARC aggregate reports (.xml, .xml.gz, .zip, and .eml/.mbox messages carrying them as
         attachments) and TLS reports (RFC 8460: .json, .json.gz, and in messages) into history.
         A folder is searched (sub-folders too) for .xml .gz .zip .json .eml and .mbox files;
         a file named on its own is read whatever its name. What a file is comes from its content.
         Each file is accepted or refused on its own, with the reason; the rest go on. A report
         already in history (same organisation and report id) adds nothing and counts as a duplicate.
         Bounds: 256 MiB a file, 128 MiB decompressed per file (a zip bomb stops there), 100,000
         records a report; DOCTYPE and entity declarations are refused unread.
         --json prints { imported, duplicates, refused: [{ file, reason }], records }.
         Exit 0 every file imported, 1 some refused, 2 an error.
         --imap reads the reports mailed to a folder instead: ACCOUNT.json is one seed as a seed
         file holds it (host, port, security, auth { user, passwordEnv }; name and address may be
         left out), its password read from the variable it names (else DELIVERLAB_IMAP_PASSWORD,
         else asked for on a terminal). Only messages new since the last import of that folder are
         read (the last UID is remembered per account and folder; if the folder's UIDVALIDITY
         changed, all of them again), received on or after --since when given. Each message is
         accepted or refused on its own, named "FOLDER UID n: subject". --move-to moves the
         messages that carried a report to that folder (created if missing); refused ones stay.
         --ca-file trusts an extra CA, --timeout is each IMAP step's deadline (default 15000 ms).
summary  Messages over the period (not records): DMARC pass, SPF and DKIM aligned pass,
         dispositions, by reporter. --json prints { domain, since, until, reports, messages,
         dmarcPass, spfAlignedPass, dkimAlignedPass, disposition: { none, quarantine, reject },
         reporters: [{ org, reports, messages, dmarcPass }] }.
sources  Who sends as the domain: sources grouped by organisation (reverse DNS through the
         resolver, cached; DKIM and SPF domains; known senders), each compliant, forwarded,
         misconfigured (with the fix) or unknown, then whether p=quarantine or p=reject is safe
         and the next step. --json prints [{ organization, class, ips, messages, dmarcPass,
         spfAlignedPass, dkimAlignedPass, fix? }].
tls      TLS reports: successes and failures per policy type, failure types, the sending MTAs
         that reported them.

--since takes a number of days (30d, the default: the last day and the 29 before) or a date;
--until the last day (today when absent). Days are UTC. Exit codes: 0 done, 2 a usage or operational error (import: 1 when a file was refused).`;

const RANGE_OPTIONS = { domain: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' } } as const;

function rangeFrom(values: { domain?: string | undefined; since?: string | undefined; until?: string | undefined }): { domain: string; since?: string; until?: string } {
  if (!values.domain) throw new UsageError('Name the domain: --domain example.com');
  checkRangeFlags(values);
  return { domain: values.domain, ...(values.since ? { since: values.since } : {}), ...(values.until ? { until: values.until } : {}) };
}

function dbFor(values: { db?: string | undefined; 'no-history'?: boolean | undefined }): string {
  if (values['no-history']) throw new UsageError('--no-history: reports are imported into history and read from it.');
  return dbPathFrom(values) as string;
}

const MAX_ACCOUNT_FILE = 1024 * 1024;

/**
 * The account file of --imap: a seed as a seed file holds it (host, port, security, auth with the
 * variable that holds its secret), read by the seed reader; name and address may be left out.
 */
function readAccount(file: string): Seed {
  let data: unknown;
  try {
    if (statSync(file).size > MAX_ACCOUNT_FILE) throw new UsageError(`--imap: ${file} is larger than 1 MB: it is not an account file.`);
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--imap: cannot read ${file}: ${(err as Error).message}`);
  }
  const list = Array.isArray(data) ? data : typeof data === 'object' && data !== null && Array.isArray((data as { seeds?: unknown }).seeds) ? (data as { seeds: unknown[] }).seeds : [data];
  if (list.length !== 1) throw new UsageError(`--imap: ${file} holds ${list.length} accounts; give a file with one.`);
  const account: unknown = list[0];
  if (typeof account !== 'object' || account === null || typeof (account as { host?: unknown }).host !== 'string') {
    throw new UsageError(`--imap: ${file} is not an IMAP account (a JSON object with host, port, security and auth, as a seed mailbox is saved).`);
  }
  const user = (account as { auth?: { user?: unknown } }).auth?.user;
  const filled = { name: 'account', ...(typeof user === 'string' && user.includes('@') ? { address: user } : {}), ...account };
  try {
    return validateSeed(filled, `--imap ${file}`).seed;
  } catch (err) {
    if (err instanceof SeedError) throw new UsageError(err.message);
    throw err;
  }
}

const parseImport = (args: string[]) =>
  parse(args, { imap: { type: 'string' }, folder: { type: 'string' }, since: { type: 'string' }, 'move-to': { type: 'string' }, 'ca-file': { type: 'string', multiple: true }, timeout: { type: 'string' } });

type ImportValues = ReturnType<typeof parseImport>['values'];

/** The import's output, as a file import prints it, and its exit code: 2 stopped, 1 something refused, else 0. */
async function printImport(result: ImportResult | ImapImportResult, values: ImportValues, io: CliIo): Promise<number> {
  if (values.json) {
    const { imported, duplicates, refused, records } = result;
    await emit(io.stdout, jsonText({ imported, duplicates, refused: refused.map(({ file, reason }) => ({ file, reason })), records }));
  } else await emit(io.stdout, 'mailbox' in result ? formatImapImport(result, painter(io.stdout)) : formatImport(result, painter(io.stdout)));
  if (result.stopped) {
    write(io.stderr, `deliverlab: ${neutralise(result.stopped)}`);
    return 2;
  }
  return result.refused.length > 0 ? 1 : 0;
}

/** --imap ACCOUNT.json --folder F [--since DATE] [--move-to FOLDER]: the reports mailed to a folder. */
async function importImap(values: ImportValues, paths: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  if (paths.length > 0) throw new UsageError('--imap imports from a mailbox: name no files with it.');
  if (!values.folder) throw new UsageError('--imap needs --folder: the mailbox folder the reports arrive in (INBOX, or a folder like "DMARC").');
  if (values.since !== undefined && parseDay(values.since) === null) throw new UsageError(`--since: "${values.since}" is not a date (2024-05-01).`);
  if (values['move-to'] !== undefined && values['move-to'] === values.folder) throw new UsageError('--move-to: name another folder than --folder.');
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000)) throw new UsageError('--timeout takes milliseconds from 100 to 120000.');
  const seed = readAccount(values.imap as string);
  const ca = readCaFiles(values['ca-file']);
  const dbPath = dbFor(values);
  // The secret as placement reads a seed's: its variable, else asked for on a terminal.
  let secrets: SeedSecrets;
  try {
    secrets = await loginSecret(seed.auth, () => seedSecretsFromEnv(seed, env), `${seed.auth.user}: `, { stderr: io.stderr, ...(io.stdin ? { stdin: io.stdin } : {}) });
  } catch (err) {
    if (err instanceof SeedError) throw new UsageError(err.message.replace(/^seed "account": /, ''));
    throw err;
  }
  const secret = secrets.password ?? secrets.oauth2Token;
  const api = openApi(dbPath, undefined, { signal: io.signal, ca, ...(timeoutMs ? { networkTimeoutMs: timeoutMs } : {}) });
  try {
    const input = { account: seed, ...(secret ? { secret } : {}), folder: values.folder, ...(values.since ? { since: values.since } : {}), ...(values['move-to'] ? { moveTo: values['move-to'] } : {}) };
    return await printImport(await callApi<ImapImportResult>(api, 'reports.import-imap', input), values, io);
  } finally {
    api.close();
  }
}

async function importCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseImport(args);
  if (values.help) return write(io.stdout, REPORTS_HELP), 0;
  if (values.imap !== undefined) return importImap(values, positionals, io, env);
  if (values.folder !== undefined || values.since !== undefined || values['move-to'] !== undefined) throw new UsageError('--folder, --since and --move-to belong to an IMAP import (--imap ACCOUNT.json).');
  if (values['ca-file'] !== undefined || values.timeout !== undefined) throw new UsageError('--ca-file and --timeout belong to an IMAP import (--imap ACCOUNT.json).');
  if (positionals.length === 0) throw new UsageError('Name the report files or folders to import: deliverlab reports import reports/');
  const api = openApi(dbFor(values), undefined, { signal: io.signal });
  try {
    return await printImport(await callApi<ImportResult>(api, 'reports.import', { paths: positionals }), values, io);
  } finally {
    api.close();
  }
}

/** A read of one domain over a range (summary, tls): its JSON contract, or its text. */
async function rangeCommand<T>(args: string[], io: CliIo, op: string, json: (result: T) => unknown, text: (result: T, paint: Paint) => string): Promise<number> {
  const { values, positionals } = parse(args, RANGE_OPTIONS);
  if (values.help) return write(io.stdout, REPORTS_HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}": name the domain with --domain.`);
  const range = rangeFrom(values);
  const api = openApi(dbFor(values));
  try {
    const result = await callApi<T>(api, op, range);
    await emit(io.stdout, values.json ? jsonText(json(result)) : text(result, painter(io.stdout)));
    return 0;
  } finally {
    api.close();
  }
}

const summaryCommand = (args: string[], io: CliIo) =>
  rangeCommand<ReportSummary>(args, io, 'reports.summary', ({ days: _days, ...contract }) => contract, formatSummary);

async function sourcesCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { ...RANGE_OPTIONS, class: { type: 'string' }, resolver: { type: 'string' } });
  if (values.help) return write(io.stdout, REPORTS_HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}": name the domain with --domain.`);
  const range = rangeFrom(values);
  if (values.class !== undefined && !(SOURCE_CLASSES as readonly string[]).includes(values.class)) throw new UsageError(`--class: use one of ${SOURCE_CLASSES.join(', ')}.`);
  const resolver = checkResolver(values.resolver);
  const api = openApi(dbFor(values));
  try {
    const input = { ...range, ...(values.class ? { class: values.class } : {}), ...(resolver ? { resolver } : {}) };
    const result = await callApi<SourcesResult>(api, 'reports.sources', input);
    if (values.json) {
      const sources = result.sources.map((s) => ({
        organization: s.organization,
        class: s.class,
        ips: s.ips,
        messages: s.messages,
        dmarcPass: s.dmarcPass,
        spfAlignedPass: s.spfAlignedPass,
        dkimAlignedPass: s.dkimAlignedPass,
        ...(s.fix ? { fix: s.fix } : {}),
      }));
      await emit(io.stdout, jsonText(sources));
    } else {
      // The reverse DNS answers are cached now: the readiness reads them back without asking again.
      const readiness = values.class ? null : await callApi<Readiness>(api, 'reports.readiness', { ...range, ...(resolver ? { resolver } : {}) });
      await emit(io.stdout, formatSources(result, readiness, painter(io.stdout)));
    }
    if (result.lookupFailures > 0 && values.json) write(io.stderr, `deliverlab: reverse DNS failed for ${result.lookupFailures} source address(es): each stands alone, named by its address.`);
    return 0;
  } finally {
    api.close();
  }
}

const tlsCommand = (args: string[], io: CliIo) => rangeCommand<TlsSummary>(args, io, 'reports.tls', (tls) => tls, formatTls);

const SUBCOMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  import: importCommand,
  summary: summaryCommand,
  sources: sourcesCommand,
  tls: tlsCommand,
};

export async function reportsCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') return write(io.stdout, REPORTS_HELP), 0;
  const run = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!run) throw new UsageError(`Unknown reports command "${sub}": use import, summary, sources or tls.`);
  return run(rest, io);
}
