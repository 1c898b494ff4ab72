/**
 * The HTTP transport of `deliverlab serve`: the same typed client, over loopback HTTP and SSE.
 *
 * serve prints a URL carrying a per-run token; every call must present it (in a header), so the
 * page reads it from its own address, keeps it for the tab's lifetime, and takes it out of the
 * address bar and the browser's history.
 */
import { buildClient } from '../../../electron/api/client';
import { ApiError, fromErrorBody, isErrorBody } from '../../../electron/api/errors';
import { EVENT_NAMES, OPERATION_NAMES, type EventName, type OperationName } from '../../../electron/api/names';
import type { DeliverlabClient } from '../../../electron/api/operations';

const TOKEN_KEY = 'deliverlab.token';
export const TOKEN_HEADER = 'X-Deliverlab-Token';
/** Names this page's event stream on every call: what the page watches stops when its stream closes. */
export const STREAM_HEADER = 'X-Deliverlab-Stream';

/**
 * The serve token: from `?token=` when present, else the one this tab saw before.
 *
 * sessionStorage keeps it when a navigation drops the query, and forgets it with the tab.
 */
export function readToken(search: string, storage: Pick<Storage, 'getItem' | 'setItem'> | null): string | null {
  const fromUrl = new URLSearchParams(search).get('token');
  if (fromUrl) {
    try {
      storage?.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // Storage can be disabled; the URL still carries the token.
    }
    return fromUrl;
  }
  try {
    return storage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

/**
 * The page's address without `?token=` (path, other query parameters and the #route kept), or null
 * when it carries none.
 *
 * What the address bar shows is copied into bookmarks, history, screenshots and chats.
 */
export function addressWithoutToken(href: string): string | null {
  const url = new URL(href);
  if (!url.searchParams.has('token')) return null;
  url.searchParams.delete('token');
  return `${url.pathname}${url.search}${url.hash}`;
}

export interface HttpClientOptions {
  token: string;
  /** Where serve listens; the page's own origin by default. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Absent in environments without SSE: calls still work, progress events never arrive. */
  EventSource?: typeof EventSource;
  /** This page's stream id; a random one when absent. */
  streamId?: string;
}

export function createHttpClient(options: HttpClientOptions): DeliverlabClient {
  const baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const Source = options.EventSource ?? globalThis.EventSource;
  // Only a page with a stream names one: without it, nothing would ever tell serve the page is gone.
  const streamId = Source ? (options.streamId ?? crypto.randomUUID()) : undefined;

  async function call(name: OperationName, input: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}/api/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: options.token, ...(streamId ? { [STREAM_HEADER]: streamId } : {}) },
        body: JSON.stringify(input ?? {}),
      });
    } catch (err) {
      throw new ApiError(
        'internal',
        `Cannot reach Deliverlab (${(err as Error).message}). Is "deliverlab serve" still running?`,
      );
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new ApiError('internal', `Deliverlab answered HTTP ${response.status} without a JSON body.`);
    }
    const envelope = body as { ok?: unknown; result?: unknown; error?: unknown };
    if (response.ok && envelope.ok === true) return envelope.result;
    if (isErrorBody(envelope.error)) throw fromErrorBody(envelope.error);
    throw new ApiError('internal', `Deliverlab answered HTTP ${response.status} with an unexpected body.`);
  }

  // Opened at once, not on first subscribe: a fast audit's first events would otherwise be sent
  // before the stream is connected.
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  if (Source && streamId) {
    const source = new Source(`${baseUrl}/api/events?token=${encodeURIComponent(options.token)}&stream=${encodeURIComponent(streamId)}`);
    for (const event of EVENT_NAMES) {
      source.addEventListener(event, (message: MessageEvent<string>) => {
        let payload: unknown;
        try {
          payload = JSON.parse(message.data);
        } catch {
          return;
        }
        for (const listener of listeners.get(event) ?? []) listener(payload);
      });
    }
  }

  function subscribe(event: EventName, listener: (payload: unknown) => void): () => void {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  return buildClient(OPERATION_NAMES, call, subscribe);
}
