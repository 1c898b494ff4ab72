/**
 * The placement run being followed, kept outside the pages.
 *
 * A run lasts up to its deadline (ten minutes by default): the user may look at other pages
 * meanwhile, and coming back must show the board as it is now, not an empty form. One run at a time
 * per window, like the audit.
 */
import type { QueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import type { DeliverlabClient, OpInput } from '../../../electron/api/operations';
import { errorMessage } from '../format';
import { applyPlacementEvent, finishLiveRun, newLiveRun, type LiveRun } from './placement-view';
import { newRunId } from '../client/run-id';

export type PlacementRunState =
  | { status: 'idle' }
  | { status: 'running'; live: LiveRun; cancelling: boolean }
  | { status: 'done'; live: LiveRun }
  | { status: 'error'; live: LiveRun; message: string };

let state: PlacementRunState = { status: 'idle' };
const listeners = new Set<() => void>();

function set(next: PlacementRunState): void {
  state = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function usePlacementRun(): PlacementRunState {
  return useSyncExternalStore(subscribe, () => state);
}


/** Starts a run and follows its placement.progress events until placement.run returns. */
export async function startPlacement(client: DeliverlabClient, queryClient: QueryClient, input: Omit<OpInput<'placement.run'>, 'runId'>): Promise<void> {
  if (state.status === 'running') return;
  const runId = newRunId();
  set({ status: 'running', live: newLiveRun(runId), cancelling: false });
  const unsubscribe = client.on('placement.progress', (event) => {
    if (event.runId !== runId || state.status !== 'running' || state.live.runId !== runId) return;
    set({ ...state, live: applyPlacementEvent(state.live, event) });
  });
  try {
    const run = await client.placement.run({ ...input, runId });
    const live = state.status !== 'idle' && state.live.runId === runId ? state.live : newLiveRun(runId);
    set({ status: 'done', live: finishLiveRun(live, run) });
  } catch (err) {
    // The api's field paths ("to.1: ...") are not words a user sees: errorMessage gives the messages.
    const message = errorMessage(err);
    const live = state.status !== 'idle' && state.live.runId === runId ? state.live : newLiveRun(runId);
    set({ status: 'error', live, message });
  } finally {
    unsubscribe();
    await queryClient.invalidateQueries({ queryKey: ['placement'] });
  }
}

/** Asks the backend to stop the run; seeds not yet found end as errors (cancelled). */
export async function cancelPlacement(client: DeliverlabClient): Promise<string | null> {
  if (state.status !== 'running' || !state.live.token) return null;
  set({ ...state, cancelling: true });
  try {
    const { cancelled } = await client.placement.cancel({ token: state.live.token });
    return cancelled ? null : 'The run had already finished.';
  } catch (err) {
    if (state.status === 'running') set({ ...state, cancelling: false });
    return errorMessage(err);
  }
}

/** Back to the form, once a run is over. */
export function clearPlacement(): void {
  if (state.status !== 'running') set({ status: 'idle' });
}
