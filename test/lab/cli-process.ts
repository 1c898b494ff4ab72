/**
 * The built CLI as a process the test can watch and stop: read through a slow pipe, signalled
 * mid-run, its lines seen as they come.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from './cli';

export interface Finished {
  code: number | null;
  /** The signal that killed it, when it did not exit by itself (null for every run that ends well). */
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/**
 * A reader that takes its standard input a few hundred bytes at a time, one piece per timer turn,
 * and passes it on: far slower than the CLI writes, so the CLI's output queues behind the pipe.
 * It reads with plain read(2) calls, so it holds no more than it has asked for.
 */
const SLOW_READER = `
const { readSync } = require('node:fs');
const piece = Buffer.alloc(Number(process.argv[1]));
const step = () => {
  const n = readSync(0, piece, 0, piece.length, null);
  if (n === 0) return;
  process.stdout.write(Buffer.from(piece.subarray(0, n)));
  setTimeout(step, 1);
};
step();
`;

function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

export interface Running {
  /** The CLI's process. */
  child: ChildProcess;
  /** Resolves with the first complete line of its output (as the reader passes it on, when piped). */
  firstLine: Promise<string>;
  /** Resolves when the CLI has ended and all its output has been read, with everything it printed. */
  finished: Promise<Finished>;
}

/** Watches `out` for its first line and collects all of it. */
function watch(out: NodeJS.ReadableStream, what: string) {
  const chunks: Buffer[] = [];
  let seen = '';
  const firstLine = Promise.withResolvers<string>();
  firstLine.promise.catch(() => {});
  out.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    if (seen.includes('\n')) return;
    seen += chunk.toString();
    const nl = seen.indexOf('\n');
    if (nl >= 0) firstLine.resolve(seen.slice(0, nl));
  });
  const all = new Promise<Buffer>((resolve, reject) => {
    const ended = () => {
      firstLine.reject(new Error(`${what} ended before printing a line`));
      resolve(Buffer.concat(chunks));
    };
    out.once('end', ended);
    // A test that closes its end of the pipe (a reader going away) gets 'close' without 'end'.
    out.once('close', ended);
    out.once('error', reject);
  });
  return { firstLine: firstLine.promise, all };
}

function finish(cli: ChildProcess, stdout: Promise<Buffer>, timer: NodeJS.Timeout, what: string): Promise<Finished> {
  const stderr = collect(cli.stderr as NodeJS.ReadableStream).then(String);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => cli.once('exit', (code, signal) => resolve({ code, signal })));
  return Promise.all([exit, stdout, stderr]).then(([{ code, signal }, out, err]) => {
    clearTimeout(timer);
    if (signal === 'SIGKILL') throw new Error(`${what} did not finish in time\n${err}`);
    return { code, signal, stdout: out, stderr: err };
  });
}

/**
 * Starts `deliverlab ...args` with its stdout piped into SLOW_READER, a process of its own, through
 * a named pipe: a pipe as a shell makes for `deliverlab ... | slow-consumer` (64 KB of room), where
 * the pipes Node makes for a child are sockets with far more. What comes out of the reader is the output.
 */
export async function startThroughSlowReader(args: string[], options: { env?: NodeJS.ProcessEnv; piece?: number; timeoutMs?: number } = {}): Promise<Running> {
  const what = `deliverlab ${args.slice(0, 4).join(' ')}`;
  const folder = mkdtempSync(join(tmpdir(), 'deliverlab-pipe-'));
  const fifo = join(folder, 'stdout');
  execFileSync('mkfifo', [fifo]);
  const reader = spawn('/bin/sh', ['-c', 'exec "$0" -e "$1" "$2" < "$3"', process.execPath, SLOW_READER, String(options.piece ?? 256), fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  // Opening the writing end succeeds once the reader has opened its end (ENXIO until then).
  let fd = -1;
  await until(() => {
    try {
      fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENXIO') throw err;
      return false;
    }
  }, 'the slow reader to open the pipe');
  const cli = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', fd, 'pipe'] });
  closeSync(fd);
  const timer = setTimeout(() => {
    cli.kill('SIGKILL');
    reader.kill('SIGKILL');
  }, options.timeoutMs ?? 50_000);
  const { firstLine, all } = watch(reader.stdout, what);
  const finished = finish(cli, all, timer, what).finally(() => rmSync(folder, { recursive: true, force: true }));
  return { child: cli, firstLine, finished };
}

/** Runs `deliverlab ...args` through SLOW_READER to its end. */
export async function throughSlowReader(args: string[], options: { env?: NodeJS.ProcessEnv; piece?: number; timeoutMs?: number } = {}): Promise<Finished> {
  return (await startThroughSlowReader(args, options)).finished;
}

/** Starts `deliverlab ...args`, its output collected as it comes; killed with SIGKILL after timeoutMs. */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Running {
  const what = `deliverlab ${args.slice(0, 4).join(' ')}`;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 50_000);
  const { firstLine, all } = watch(child.stdout, what);
  return { child, firstLine, finished: finish(child, all, timer, what) };
}

/** Waits for `condition` to hold, checking as often as the event loop turns (bounded by timeoutMs). */
export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The lines of an output, the last one required to end with a newline (no half-written line). */
export function wholeLines(out: Buffer | string): string[] {
  const text = out.toString();
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error(`the output ends mid-line: …${JSON.stringify(text.slice(-120))}`);
  return text.slice(0, -1).split('\n');
}
