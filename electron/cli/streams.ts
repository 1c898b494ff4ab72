/**
 * Output that reaches its reader whole, and work that a stop can walk away from.
 *
 * Light on purpose (no api, no core): the entry and send use it too.
 */

/**
 * Writes `text` and a newline as one chunk, then waits while the reader is behind.
 *
 * Waiting keeps a batch printed to a slow pipe within memory, and means that when the process is
 * stopped little is queued, all of it whole lines. Resolves early when `signal` aborts or the
 * stream fails (its reader went away).
 */
export function emit(stream: NodeJS.WritableStream, text: string, signal?: AbortSignal): Promise<void> {
  // A stream already failed (its reader gone) emits neither 'drain' nor 'close' again: nothing to wait for.
  if (stream.write(`${text}\n`) || (stream as { destroyed?: boolean }).destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.removeListener('drain', done);
      stream.removeListener('close', done);
      stream.removeListener('error', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
    stream.once('error', done);
    if (signal?.aborted) done();
    else signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * `work`, or the stop's reason as soon as `signal` aborts.
 *
 * For work the core cannot cancel (an audit, a message analysis): the command stops waiting and
 * the process ends without it; nothing of it has been written yet, so nothing is half-written.
 */
export function untilStopped<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Resolves once everything written to `stream` so far has been handed to the operating system.
 *
 * process.exit() drops what a pipe has not taken yet (all but the first 64 KB of a big answer):
 * the entry waits for this first. Resolves too when the stream has failed or closed.
 */
export function flushed(stream: NodeJS.WritableStream): Promise<void> {
  const writable = stream as NodeJS.WritableStream & { writableLength?: number; destroyed?: boolean };
  if (writable.destroyed || !writable.writableLength) return Promise.resolve();
  // Writes complete in order: the callback of an empty one comes after every earlier chunk's.
  return new Promise((resolve) => {
    stream.write('', () => resolve());
  });
}

/** How often a stopped process looks whether its readers are still taking output. */
const WATCH_MS = 50;

/**
 * Resolves once the readers of `streams` have taken nothing for `idleMs`: the wait for them to
 * take the rest of the output ends there, and not while they are taking it, however slowly.
 *
 * Progress is a change in the bytes queued in the stream (whole chunks) or in the handle under it
 * (the part of a chunk the pipe has not accepted yet: a 1 MB line moves through it bit by bit).
 */
export function readersStalled(streams: NodeJS.WritableStream[], idleMs: number): Promise<void> {
  type Watched = { writableLength?: number; _handle?: { writeQueueSize?: number } | null };
  const queued = () => streams.map((s) => `${(s as Watched).writableLength ?? 0}/${(s as Watched)._handle?.writeQueueSize ?? 0}`).join(' ');
  return new Promise((resolve) => {
    let last = queued();
    let idle = 0;
    const timer = setInterval(() => {
      const now = queued();
      if (now === last) idle += WATCH_MS;
      else idle = 0;
      last = now;
      if (idle < idleMs) return;
      clearInterval(timer);
      resolve();
    }, WATCH_MS);
    // Only a stopped process watches, and it exits when the output is taken: never hold it open.
    timer.unref();
  });
}
