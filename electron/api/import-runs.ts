/**
 * The imports under way, each under its caller and run id: what reports.cancel and health.cancel stop.
 *
 * A run is keyed by who started it as well as by its id, so a page can stop its own imports and no
 * other page's (serve names each page by its event stream; the app and the CLI are one caller). A
 * browser import is many calls under one run id (the files go in batches): each call in flight is
 * one entry, and a cancel stops all of them; the page itself sends no batch after it.
 */

/** The reason a cancelled import's `stopped` gives. */
export const CANCELLED = 'the import was cancelled';

export interface ImportRuns {
  /**
   * Runs `work` with a signal that aborts on a cancel of (caller, runId), or when `outer` does (the
   * CLI's Ctrl-C). Without a run id nothing can cancel it but `outer`.
   */
  run<T>(caller: string, runId: string | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Stops the caller's calls under runId; false when none is in flight (unknown, or already over). */
  cancel(caller: string, runId: string): boolean;
  /** Stops every run (the api is closing). */
  cancelAll(): void;
}

export function importRuns(outer?: AbortSignal): ImportRuns {
  const running = new Map<string, Set<AbortController>>();
  // The separator cannot occur in a stream id (serve's guard) nor matter in a run id: it only joins.
  const keyOf = (caller: string, runId: string) => `${caller}\u0000${runId}`;
  return {
    async run(caller, runId, work) {
      const controller = new AbortController();
      const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
      if (runId === undefined) return work(signal);
      const key = keyOf(caller, runId);
      const calls = running.get(key) ?? new Set<AbortController>();
      calls.add(controller);
      running.set(key, calls);
      try {
        return await work(signal);
      } finally {
        calls.delete(controller);
        if (calls.size === 0 && running.get(key) === calls) running.delete(key);
      }
    },
    cancel(caller, runId) {
      const calls = running.get(keyOf(caller, runId));
      if (!calls) return false;
      for (const controller of calls) controller.abort(new Error(CANCELLED));
      return true;
    },
    cancelAll() {
      for (const calls of running.values()) for (const controller of calls) controller.abort(new Error(CANCELLED));
    },
  };
}
