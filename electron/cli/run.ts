/**
 * The CLI entry: wires the process's streams and signals to main(), and ends the process.
 *
 * The process ends only after stdout and stderr have been taken by their readers: exiting earlier
 * drops whatever a pipe has not read yet. SIGINT and SIGTERM stop the command (nothing new is
 * started, what is finished is kept and printed whole) and the process exits 130 or 143, as a
 * shell reports a command killed by them (128 + the signal's number).
 */
import { main } from './index';
import { flushed, readersStalled } from './streams';

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
/** A reader that closed our stdout (`deliverlab ... | head`): 128 + SIGPIPE, as a shell reports it. */
const READER_GONE_EXIT = 141;
/** How long a stopped command may take to print what it has finished before the process ends anyway. */
const STOP_GRACE_MS = 400;
/** Once stopped, how long a reader may take nothing before the rest of the output is given up. */
const STOP_FLUSH_MS = 500;

const stop = new AbortController();
let stopExit: number | undefined;

function stopWith(exit: number, reason: string): void {
  stopExit ??= exit;
  if (!stop.signal.aborted) stop.abort(new Error(reason));
}

for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.on(name, () => {
    // Asked twice: the person means it; nothing more is waited for.
    if (stop.signal.aborted) process.exit(stopExit ?? SIGNAL_EXIT[name]);
    stopWith(SIGNAL_EXIT[name], `stopped by ${name}`);
  });
}
// An error on stdout is its reader going away (EPIPE): nothing more can be shown, so stop the work.
// The listener also keeps the error from ending the process with a stack trace.
process.stdout.on('error', () => stopWith(READER_GONE_EXIT, 'standard output was closed'));
process.stderr.on('error', () => {});

const stopSignal = new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
const afterStop = (ms: number) => stopSignal.then(() => new Promise<void>((resolve) => setTimeout(resolve, ms)));

let stdinUsed = false;
const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  // Made on first use: most commands never read it, and opening a terminal's costs start-up time.
  get stdin() {
    stdinUsed = true;
    return process.stdin;
  },
  stopSignal,
  signal: stop.signal,
};
const finished = main(process.argv.slice(2), io);
const code = await Promise.race([finished, afterStop(STOP_GRACE_MS).then(() => 2)]);

const drained = Promise.all([flushed(process.stdout), flushed(process.stderr)]);
// Once stopped, what is left to take is little (commands wait for their reader as they write), and
// a reader still taking it gets it all, whole lines; one that takes nothing more is not waited for.
await Promise.race([drained, stopSignal.then(() => readersStalled([process.stdout, process.stderr], STOP_FLUSH_MS))]);
// A signal while waiting for the reader counts too: the person asked to stop.
process.exitCode = stopExit ?? code;

// A secret prompt stopped by SIGTERM must not leave the terminal without echo.
if (stdinUsed && process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
// Work a stop abandoned (an audit in flight, its DNS sockets) must not hold the process open.
// Otherwise every command has closed what it opened, and the process ends by itself.
if (stop.signal.aborted) process.exit();
