/**
 * Writes a placement run to history as it happens: the run when it starts, the send when it is
 * done, and each seed the moment its state changes, each in its own committed write. A crash
 * therefore loses nothing already seen.
 *
 * A failing write (a full disk) does not stop the run: the first error is kept for the caller to
 * report, and later writes are still tried (space may come back; each is independent).
 */
import { HistoryError, type HistoryStore } from '../history/store';
import type { PlacementEvent } from './types';

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
