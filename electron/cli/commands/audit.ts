/**
 * `deliverlab audit`: every check of one domain or a batch, through the same audit.run as the app.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { text } from 'node:stream/consumers';
import { type ParseArgsConfig } from 'node:util';
import { DomainSchema } from '../../api/operations';
import { ApiError } from '../../api/errors';
import type { AuditResult } from '../../core/audit/types';
import { parseDomainList, type ListProblem } from '../../shared/domain-list';
import { runPool } from '../../shared/pool';
import { checkResolver, dbPathFrom, emit, listOf, openApi, parse, portOf, readCaFiles, untilStopped, write, type CliIo } from '../common';
import { formatAudit, formatDiff, painter } from '../format';
import { HELP } from '../help';
import { jsonText, neutralise } from '../terminal-text';
import { UsageError } from '../usage-error';

/** The audit.run options the flags ask for, checked by the same schema as every other caller's (also `report --fresh`). */
export function auditOptions(values: Record<string, string | boolean | string[] | undefined>): Record<string, unknown> {
  const skip = listOf(values.skip as string[] | undefined);
  for (const area of skip) {
    if (!['smtp', 'http', 'dnsbl'].includes(area)) throw new UsageError(`--skip takes smtp, http and dnsbl, not "${area}".`);
  }
  const selectors = listOf(values.selectors as string[] | undefined);
  const sendingIps = listOf(values['sending-ip'] as string[] | undefined);
  for (const ip of sendingIps) if (isIP(ip) === 0) throw new UsageError(`--sending-ip: "${ip}" is not an IPv4 or IPv6 address.`);
  const ca = readCaFiles(values['ca-file'] as string[] | undefined);
  const smtpPort = portOf('smtp-port', values['smtp-port'] as string | undefined);
  const timeoutText = values['network-timeout'] as string | undefined;
  const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000)) {
    throw new UsageError('--network-timeout takes milliseconds from 100 to 60000.');
  }
  const httpsPort = portOf('https-port', values['https-port'] as string | undefined);
  const network = { ...(smtpPort ? { smtpPort } : {}), ...(httpsPort ? { httpsPort } : {}), ...(ca.length ? { ca } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
  return {
    ...(skip.length ? { skip } : {}),
    ...(selectors.length ? { selectors } : {}),
    ...(sendingIps.length ? { sendingIps } : {}),
    ...(Object.keys(network).length ? { network } : {}),
  };
}

/** The flags that say how to audit, shared with `deliverlab report --fresh`. */
export const AUDIT_RUN_FLAGS = {
  resolver: { type: 'string' },
  skip: { type: 'string', multiple: true },
  selectors: { type: 'string', multiple: true },
  'sending-ip': { type: 'string', multiple: true },
  'smtp-port': { type: 'string' },
  'https-port': { type: 'string' },
  'ca-file': { type: 'string', multiple: true },
  'network-timeout': { type: 'string' },
  file: { type: 'string' },
  concurrency: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const AUDIT_FLAGS = { ...AUDIT_RUN_FLAGS, diff: { type: 'boolean' } } as const satisfies ParseArgsConfig['options'];

/** --concurrency: how many domains are audited at once. */
export function concurrencyOf(value: string | undefined): number {
  const concurrency = value === undefined ? 8 : Number(value);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 50) throw new UsageError('--concurrency takes a number from 1 to 50.');
  return concurrency;
}

/**
 * Reads a batch list by the rule the Batch page uses too (electron/shared/domain-list.ts).
 *
 * `problems` are lines refused: the rest is still audited, and the exit code says some were not.
 * `notes` are domains listed again: each is audited once, and nothing was refused.
 */
export function readDomainList(text: string): { domains: string[]; problems: string[]; notes: string[] } {
  const list = parseDomainList(text);
  const say = (p: ListProblem) => `line ${p.line}: "${p.text}": ${p.reason}`;
  return {
    domains: list.domains,
    problems: list.problems.filter((p) => p.kind !== 'repeated').map(say),
    notes: list.problems.filter((p) => p.kind === 'repeated').map(say),
  };
}

export async function auditCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, AUDIT_FLAGS);
  if (values.help) return write(io.stdout, HELP), 0;
  const domains = positionals.map((raw) => {
    const parsed = DomainSchema.safeParse(raw);
    // The reason comes from the one domain rule; a control character in raw is escaped where errors are printed.
    if (!parsed.success) {
      const reason = (parsed.error.issues[0]?.message ?? '').replace(/^Not a valid domain name: /, '');
      throw new UsageError(`"${raw}" is not a valid domain name${reason ? `: ${reason}` : ''}.`);
    }
    return parsed.data;
  });
  let problems: string[] = [];
  let notes: string[] = [];
  if (values.file !== undefined) {
    const list = readDomainList(await readListFile(values.file, io));
    domains.push(...list.domains.filter((d) => !domains.includes(d)));
    ({ problems, notes } = list);
  }
  if (domains.length === 0) {
    throw new UsageError(problems.length ? `No domain to audit: ${problems.join('; ')}` : 'Name at least one domain: deliverlab audit example.com, or --file domains.txt');
  }
  const concurrency = concurrencyOf(values.concurrency);
  const resolver = checkResolver(values.resolver);
  const options = auditOptions(values);
  for (const line of [...problems, ...notes]) write(io.stderr, `deliverlab: --file ${neutralise(line)}`);
  const api = openApi(dbPathFrom(values));
  const paint = painter(io.stdout);
  let exit = problems.length > 0 ? 2 : 0;
  const showProgress = domains.length > 1 && (io.stderr as NodeJS.WriteStream).isTTY === true;

  const signal = io.signal;
  const out = (text: string) => emit(io.stdout, text, signal);

  /** Audits one domain; resolves to what prints its result (in the given order, later). */
  const auditOne = async (domain: string): Promise<() => Promise<void>> => {
    try {
      const result = (await api.dispatch('audit.run', { domain, ...options, ...(resolver ? { resolver } : {}) })) as AuditResult;
      return async () => {
        if (exit === 0 && result.findings.some((f) => f.severity === 'critical')) exit = 1;
        if (result.historyError) exit = 2;
        if (values.json) await out(jsonText(result));
        else await out(`${formatAudit(result, paint)}${values.diff ? `\n${formatDiff(result, paint)}` : ''}\n`);
        if (result.historyError) write(io.stderr, `deliverlab: ${domain}: not saved to history: ${neutralise(result.historyError)}`);
      };
    } catch (err) {
      if (!(err instanceof ApiError) || err.code === 'internal') throw err;
      return async () => {
        write(io.stderr, `deliverlab: ${domain}: ${neutralise(err.message)}`);
        exit = 2;
      };
    }
  };

  try {
    // A bounded pool; results are printed in the order the domains were given, as soon as they can be.
    const slots = domains.map(() => Promise.withResolvers<() => Promise<void>>());
    // Once stopped, nobody may wait for an audit still running: its failure must not surface as unhandled.
    for (const slot of slots) slot.promise.catch(() => {});
    const finished: (() => Promise<void>)[] = [];
    let started = 0;
    // A stop starts no new domain; the ones running are left to the process's end.
    const pool = runPool(
      domains,
      concurrency,
      async (domain, index) => {
        started++;
        const slot = slots[index] as PromiseWithResolvers<() => Promise<void>>;
        await auditOne(domain).then((print) => {
          finished[index] = print;
          slot.resolve(print);
        }, slot.reject);
      },
      () => signal?.aborted === true,
    );
    let printed = 0;
    while (printed < domains.length && !signal?.aborted) {
      let print: () => Promise<void>;
      try {
        print = await untilStopped((slots[printed] as PromiseWithResolvers<() => Promise<void>>).promise, signal);
      } catch (err) {
        if (signal?.aborted) break;
        throw err;
      }
      await print();
      printed++;
      if (showProgress) io.stderr.write(`\r[${printed}/${domains.length}] ${domains[printed - 1]}\u001b[K${printed === domains.length ? '\n' : ''}`);
    }
    if (signal?.aborted) {
      if (showProgress) io.stderr.write('\n');
      // Audits that finished out of order are in history already: show them too, each whole.
      let shown = printed;
      for (let index = printed; index < domains.length; index++) {
        const print = finished[index];
        if (!print) continue;
        await print();
        shown++;
      }
      const notStarted = domains.length - started;
      write(io.stderr, `deliverlab: ${(signal.reason as Error).message}: ${shown} of ${domains.length} domains audited${notStarted ? `, ${notStarted} not started` : ''}.`);
      return exit;
    }
    await pool;
  } finally {
    api.close();
  }
  return exit;
}

/** The --file list, from a file or (with -) standard input; read without blocking, so a stop is heard. */
export async function readListFile(file: string, io: CliIo): Promise<string> {
  try {
    return file === '-' ? await untilStopped(text(io.stdin ?? process.stdin), io.signal) : await readFile(file, 'utf8');
  } catch (err) {
    if (io.signal?.aborted) throw err;
    throw new UsageError(`--file: cannot read ${file}: ${(err as Error).message}`);
  }
}
