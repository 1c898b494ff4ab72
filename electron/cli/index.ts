/**
 * `deliverlab`: the command line over the same core and operations as the app.
 *
 * Exit codes: 0 no critical finding, 1 at least one, 2 a usage or operational error.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DomainSchema, ResolverSchema } from '../api/operations';
import { ApiError } from '../api/errors';
import { createApi, type Api } from '../api/handlers';
import type { AuditResult } from '../core/audit/types';
import type { HistoryList } from '../api/operations';
import { defaultDbPath } from '../core/paths';
import { startServer } from '../serve/server';
import { formatAudit, formatHistory, painter } from './format';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Resolves when the process is asked to stop (serve waits on it). */
  stopSignal?: Promise<void>;
}

export class UsageError extends Error {}

const here = dirname(fileURLToPath(import.meta.url));
// out/cli/index.js and electron/cli/index.ts both sit two folders below the package root.
const packageRoot = join(here, '..', '..');

export function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

const HELP = `Deliverlab: email deliverability workbench

Usage:
  deliverlab audit <domain...> [--resolver IP[:PORT],...] [--json] [--db PATH | --no-history]
  deliverlab history list [--domain D] [--limit N] [--json] [--db PATH]
  deliverlab serve [--port N] [--resolver IP[:PORT],...] [--db PATH | --no-history]
  deliverlab --version

audit     MX, SPF and DMARC of each domain; --json prints one JSON object per domain per line.
history   Past audits from the local history.
serve     The app in your browser, on 127.0.0.1 only; open the URL it prints.

Exit codes: 0 no critical finding, 1 a critical finding, 2 a usage or operational error.
History lives in ${defaultDbPath()} unless --db is given.`;

const COMMON = {
  db: { type: 'string' },
  'no-history': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function parse<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
}

function dbPathFrom(values: { db?: string | undefined; 'no-history'?: boolean | undefined }): string | null {
  if (values.db && values['no-history']) throw new UsageError('--db and --no-history cannot be used together.');
  if (values['no-history']) return null;
  return values.db ?? defaultDbPath();
}

function checkResolver(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = ResolverSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--resolver: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

function openApi(dbPath: string | null, resolverDefault?: string): Api {
  return createApi({
    dbPath,
    ...(resolverDefault ? { resolverDefault } : {}),
    transport: 'cli',
    version: version(),
    emit: () => {},
  });
}

const write = (stream: NodeJS.WritableStream, text: string) => stream.write(`${text}\n`);

async function auditCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { resolver: { type: 'string' } });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length === 0) throw new UsageError('Name at least one domain: deliverlab audit example.com');
  const domains = positionals.map((raw) => {
    const parsed = DomainSchema.safeParse(raw);
    if (!parsed.success) throw new UsageError(`"${raw}" is not a valid domain name.`);
    return parsed.data;
  });
  const resolver = checkResolver(values.resolver);
  const api = openApi(dbPathFrom(values));
  const paint = painter(io.stdout);
  let exit = 0;
  try {
    for (const domain of domains) {
      try {
        const result = (await api.dispatch('audit.run', { domain, ...(resolver ? { resolver } : {}) })) as AuditResult;
        if (values.json) write(io.stdout, JSON.stringify(result));
        else write(io.stdout, `${formatAudit(result, paint)}\n`);
        if (exit === 0 && result.findings.some((f) => f.severity === 'critical')) exit = 1;
        if (result.historyError) {
          write(io.stderr, `deliverlab: ${domain}: not saved to history: ${result.historyError}`);
          exit = 2;
        }
      } catch (err) {
        if (!(err instanceof ApiError) || err.code === 'internal') throw err;
        write(io.stderr, `deliverlab: ${domain}: ${err.message}`);
        exit = 2;
      }
    }
  } finally {
    api.close();
  }
  return exit;
}

async function historyCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return write(io.stdout, HELP), 0;
  if (sub !== 'list') throw new UsageError(sub ? `Unknown history command "${sub}": use deliverlab history list.` : 'Use: deliverlab history list');
  const { values, positionals } = parse(rest, { domain: { type: 'string' }, limit: { type: 'string' } });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  if (values['no-history']) throw new UsageError('--no-history has no history to list.');
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit takes a whole number from 1 to 500.');
  const api = openApi(dbPathFrom(values));
  try {
    const list = (await api.dispatch('history.list', { limit, ...(values.domain ? { domain: values.domain } : {}) })) as HistoryList;
    if (values.json) for (const item of list.items) write(io.stdout, JSON.stringify(item));
    else write(io.stdout, formatHistory(list.items, list.total, painter(io.stdout)));
  } finally {
    api.close();
  }
  return 0;
}

async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { port: { type: 'string' }, resolver: { type: 'string' } });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes a number from 0 to 65535 (0 picks a free one).');
  const resolver = checkResolver(values.resolver);
  let running;
  try {
    running = await startServer({
      port,
      dbPath: dbPathFrom(values),
      ...(resolver ? { resolverDefault: resolver } : {}),
      rendererDir: join(packageRoot, 'out', 'renderer'),
      version: version(),
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new UsageError(`Port ${port} is already in use: pick another with --port, or --port 0.`);
    throw err;
  }
  write(io.stdout, `Deliverlab is running at ${running.url}`);
  write(io.stdout, 'Open that address in your browser. Press Ctrl+C to stop.');
  await (io.stopSignal ?? new Promise<void>(() => {}));
  await running.close();
  return 0;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'audit':
        return await auditCommand(args, io);
      case 'history':
        return await historyCommand(args, io);
      case 'serve':
        return await serveCommand(args, io);
      case '--version':
      case '-v':
        write(io.stdout, version());
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        write(io.stdout, HELP);
        return 0;
      default:
        throw new UsageError(`Unknown command "${command}". Run deliverlab --help for the list.`);
    }
  } catch (err) {
    write(io.stderr, `deliverlab: ${(err as Error).message}`);
    if (!(err instanceof UsageError) && !(err instanceof ApiError) && process.env.DELIVERLAB_DEBUG) {
      write(io.stderr, String((err as Error).stack));
    }
    return 2;
  }
}
