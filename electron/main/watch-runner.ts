/**
 * The watch scheduler in the app's main process: started with the app, stopped on quit, and the
 * desktop notification each raised alert makes.
 *
 * No Electron import here: index.ts hands in the run function and the notifier, so this is tested
 * on plain Node.
 */
import type { Alert } from '../api/types';

export interface WatchRunner {
  /** Stops the scheduler and waits for the check under way to end. */
  stop(): Promise<void>;
}

/**
 * Runs `run` until stopped; a failure is reported once, not thrown, so the app keeps working
 * without its checks.
 */
export function startWatchRunner(run: (signal: AbortSignal) => Promise<void>, onError: (err: Error) => void): WatchRunner {
  const stop = new AbortController();
  let running: Promise<void>;
  try {
    running = run(stop.signal).catch((err: unknown) => {
      if (!stop.signal.aborted) onError(err instanceof Error ? err : new Error(String(err)));
    });
  } catch (err) {
    onError(err instanceof Error ? err : new Error(String(err)));
    running = Promise.resolve();
  }
  return {
    async stop() {
      stop.abort();
      await running;
    },
  };
}

/** Control characters (C0, DEL, C1) and the bidi overrides: a DNS record's text reaches the desktop. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const clean = (text: string, max: number) => {
  const flat = text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The desktop notification of an alert: which watch, and what changed. */
export function alertNotice(alert: Pick<Alert, 'target' | 'title' | 'detail' | 'client'>): { title: string; body: string } {
  const who = alert.client ? `${alert.target} (${alert.client})` : alert.target;
  return { title: clean(`${who}: ${alert.title}`, 120), body: clean(alert.detail, 300) };
}

/**
 * Whether closing the last window leaves the app running: on macOS always (its convention, the
 * menu bar stays), elsewhere only when the user chose to keep checking watches in the background.
 */
export function staysOpenWithoutWindows(platform: NodeJS.Platform, keepWatchingInBackground: boolean): boolean {
  return platform === 'darwin' || keepWatchingInBackground;
}
