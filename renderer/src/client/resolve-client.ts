/**
 * Picks the transport: the preload's window.deliverlab inside Electron, serve's HTTP API elsewhere.
 */
import type { DeliverlabClient } from '../../../electron/api/operations';
import { addressWithoutToken, createHttpClient, readToken } from './http';

export type ClientResolution =
  | { ok: true; client: DeliverlabClient; transport: 'ipc' | 'http' }
  | { ok: false; problem: string };

function sessionStorageOrNull(win: Window): Storage | null {
  try {
    return win.sessionStorage;
  } catch {
    return null;
  }
}

export function resolveClient(win: Window): ClientResolution {
  // Not declared on Window globally: the preload owns that declaration.
  const exposed = (win as Window & { deliverlab?: DeliverlabClient }).deliverlab;
  if (exposed) return { ok: true, client: exposed, transport: 'ipc' };

  // sessionStorage, not the address, carries the token from here on: a reload of this tab still
  // works, and the token is in no history entry, bookmark or Referer.
  const token = readToken(win.location.search, sessionStorageOrNull(win));
  const cleaned = addressWithoutToken(win.location.href);
  if (cleaned !== null) win.history.replaceState(win.history.state, '', cleaned);
  if (!token) {
    return {
      ok: false,
      problem:
        'This page needs the address that "deliverlab serve" printed, including its ?token= part. ' +
        'Open that address, or restart "deliverlab serve" for a new one.',
    };
  }
  return { ok: true, client: createHttpClient({ token, baseUrl: win.location.origin }), transport: 'http' };
}
