/**
 * What the commands share: the io they are given, the common flags, the history path, the api.
 *
 * Loaded by the commands only, never by the entry: it pulls in the api and, through it, the whole core.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ResolverSchema } from '../api/operations';
import { createApi, type Api } from '../api/handlers';
import { ApiError } from '../api/errors';
import type { EventName } from '../api/names';
import { defaultDbPath } from '../core/paths';
import { isSinceText, parseDay, SINCE_WORDS } from '../core/reports/range';
import { version } from './help';
import { UsageError } from './usage-error';

export { emit, untilStopped } from './streams';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Where `check -` reads the message; process.stdin when absent. */
  stdin?: NodeJS.ReadableStream;
  /** Resolves when the process is asked to stop (serve waits on it). */
  stopSignal?: Promise<void>;
  /**
   * Aborted when the process is asked to stop (SIGINT, SIGTERM) or its reader went away: start
   * nothing new, keep what is finished. The reason is an Error saying which.
   */
  signal?: AbortSignal;
}

/** One command: its arguments after the name, the io; resolves to the exit code. */
export type Command = (args: string[], io: CliIo) => Promise<number>;

export const COMMON = {
  db: { type: 'string' },
  'no-history': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parse<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
}

export function dbPathFrom(values: { db?: string | undefined; 'no-history'?: boolean | undefined }): string | null {
  if (values.db && values['no-history']) throw new UsageError('--db and --no-history cannot be used together.');
  if (values['no-history']) return null;
  return values.db ?? defaultDbPath();
}

export function checkResolver(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = ResolverSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--resolver: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/**
 * The api over `dbPath`; `emit` receives its events (the watch scheduler's alerts), which are dropped
 * otherwise; `signal` stops long work (a report import); `ca` and `networkTimeoutMs` are for IMAP and SMTP.
 */
export function openApi(
  dbPath: string | null,
  resolverDefault?: string,
  options: { signal?: AbortSignal | undefined; emit?: (event: EventName, payload: unknown) => void; ca?: string[]; networkTimeoutMs?: number } = {},
): Api {
  return createApi({
    ...(options.ca?.length ? { ca: options.ca } : {}),
    ...(options.networkTimeoutMs ? { networkTimeoutMs: options.networkTimeoutMs } : {}),
    dbPath,
    ...(resolverDefault ? { resolverDefault } : {}),
    transport: 'cli',
    version: version(),
    emit: options.emit ?? (() => {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** The api's answer, its refusal of an input as a usage error (exit 2, the message as it is). */
export async function callApi<T>(api: Api, name: string, input: unknown): Promise<T> {
  try {
    return (await api.dispatch(name, input)) as T;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid-input') throw new UsageError(err.message);
    throw err;
  }
}

/** --since (30d or a date) and --until (a date) as the reports and sending health take them. */
export function checkRangeFlags(values: { since?: string | undefined; until?: string | undefined }): void {
  if (values.since !== undefined && !isSinceText(values.since)) throw new UsageError(`--since: "${values.since}" is not ${SINCE_WORDS}.`);
  if (values.until !== undefined && parseDay(values.until) === null) throw new UsageError(`--until: "${values.until}" is not a date (2024-05-31).`);
}

export const write = (stream: NodeJS.WritableStream, text: string) => stream.write(`${text}\n`);

/** Comma-separated and repeated flags, as one list. */
export const listOf = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

export function portOf(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--${flag} takes a port from 1 to 65535.`);
  return port;
}

/** --ca-file PEM... as the certificates' text. */
export function readCaFiles(files: string[] | undefined): string[] {
  return listOf(files).map((file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`--ca-file: cannot read ${file}: ${(err as Error).message}`);
    }
  });
}
