/**
 * Keeps the draft opened by path in step with its file: watched while the page shows it, let go
 * when the page goes or another draft is opened, and read again at each save (qa.changed).
 *
 * Calls to qa.watch and qa.unwatch go one after another, in the order they were made: a page that
 * closes one file and opens the next must not have the closing arrive last.
 */
import { useEffect, useState } from 'react';
import type { DeliverlabClient } from '../../../electron/api/operations';
import type { DraftFile } from '../../../electron/api/types';
import { errorMessage } from '../format';
import { currentQaDraft, setQaDraft, type QaDraft } from './qa-draft';

let chain: Promise<unknown> = Promise.resolve();

/** Runs `call` after every watch call made before it has settled. */
export function inOrder<T>(call: () => Promise<T>): Promise<T> {
  const next = chain.then(call, call);
  chain = next.catch(() => undefined);
  return next;
}

/** The draft as a file opened by path gives it. */
export function draftOf(file: DraftFile): Omit<QaDraft, 'version'> {
  return { source: file.source, encoding: 'base64', name: file.name, kind: file.kind, path: file.path };
}

export interface WatchState {
  /** The file is being watched: a save refreshes the page. */
  watching: boolean;
  /** Why it is not (any more), or what happened to it, in words. */
  problem: string | null;
}

export function useDraftWatch(client: DeliverlabClient, draft: QaDraft): WatchState {
  const path = draft.path;
  const [state, setState] = useState<WatchState>({ watching: false, problem: null });

  useEffect(() => {
    if (path === null) {
      setState({ watching: false, problem: null });
      return;
    }
    let live = true;
    // Read again and watch: the file may have changed while the page was away (or before a reload).
    inOrder(() => client.qa.watch({ path })).then(
      (file) => {
        if (!live) return;
        setState({ watching: true, problem: null });
        setQaDraftIfChanged(file);
      },
      (err: unknown) => {
        if (live) setState({ watching: false, problem: `${errorMessage(err)} The last version read is shown.` });
      },
    );
    const off = client.on('qa.changed', (change) => {
      if (!live || change.path !== path) return;
      if (change.state === 'changed') {
        setState({ watching: true, problem: null });
        setQaDraftIfChanged(change);
      } else if (change.state === 'missing') {
        setState({ watching: true, problem: `${change.problem} Still watching for it to come back.` });
      } else {
        setState({ watching: false, problem: change.problem });
      }
    });
    return () => {
      live = false;
      off();
      void inOrder(() => client.qa.unwatch({ path })).catch(() => undefined);
    };
  }, [client, path]);

  return state;
}

/** The file's bytes become the draft, unless they are what the page has already. */
function setQaDraftIfChanged(file: DraftFile): void {
  const shown = currentQaDraft();
  if (shown.path === file.path && shown.source === file.source) return;
  setQaDraft(draftOf(file));
}
