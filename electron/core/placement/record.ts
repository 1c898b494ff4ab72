/**
 * Writes a placement run to history as it happens: the run when it starts, the send when it is
 * done, and each seed the moment its state changes, each in its own committed write. A crash
 * therefore loses nothing already seen.
 *
 * A failing write (a full disk) does not stop the run: the first error is kept for the caller to
 * report, and later writes are still tried (space may come back; each is independent).
 */
import { HistoryError, type HistoryStore } from '../history/store';
import { runPlacement, type PlacementRequest } from './run';
import type { PlacementEvent, PlacementRun } from './types';

export interface PlacementRecorder {
  (event: PlacementEvent): void;
  /** The run's history id, once it has been stored. */
  id(): number | null;
  /** The first history error, if any write failed. */
  error(): string | null;
}

export function placementRecorder(store: HistoryStore): PlacementRecorder {
  let id: number | null = null;
  let firstError: string | null = null;
  const attempt = (write: () => void) => {
    try {
      write();
    } catch (err) {
      if (!(err instanceof HistoryError)) throw err;
      firstError ??= err.message;
    }
  };
  const recorder = ((event: PlacementEvent) => {
    switch (event.type) {
      case 'started':
        attempt(() => {
          id = store.startPlacement(event.run);
        });
        break;
      case 'sent':
        if (id !== null) attempt(() => store.markSent(id as number, event.send));
        break;
      case 'seed':
        if (id !== null) attempt(() => store.recordSeedOutcome(id as number, event.outcome));
        break;
      case 'done':
        if (id !== null) attempt(() => store.finishPlacement(id as number, event.run));
        break;
    }
  }) as PlacementRecorder;
  recorder.id = () => id;
  recorder.error = () => firstError;
  return recorder;
}

/**
 * Runs a placement test, writing it to history as it goes: the one way the app (placement.run) and
 * `deliverlab placement` run one. Without a store (--no-history) nothing is written.
 *
 * The request's own listener (the live board, the CLI's lines) hears each event first: a history
 * write that fails or waits on a busy file must not cost the user the live view. What could not be
 * kept is said once, in the run's warnings.
 */
export async function runPlacementAndRecord(request: PlacementRequest, store: HistoryStore | null): Promise<PlacementRun> {
  const record = store ? placementRecorder(store) : null;
  let trouble: string | undefined;
  const run = await runPlacement({
    ...request,
    onEvent: (event) => {
      request.onEvent?.(event);
      try {
        record?.(event);
      } catch (err) {
        // Not a HistoryError (those the recorder keeps): a closed or busy database.
        trouble ??= (err as Error).message;
      }
    },
  });
  if (record) {
    run.id = record.id() ?? undefined;
    const problem = record.error() ?? trouble;
    if (problem) run.warnings.push(`Not fully kept in history: ${problem}`);
  }
  return run;
}
