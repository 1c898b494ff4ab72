/**
 * The API over IPC: one handler per operation, every one behind the same sender guard.
 *
 * The guard runs before anything else (GitHub Desktop's safeListener): only the top frame of our
 * main window, showing our own page, may call. Input validation is the API's job (zod, in
 * dispatch), so nothing here trusts the shape of `input`.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { toErrorBody } from '../api/errors';
import { IPC_EVENT_CHANNEL, OPERATION_NAMES, ipcChannel, type EventName } from '../api/names';
import type { IpcReply } from '../api/errors';
import { isTrustedIpcSender, type TrustedRenderer } from './security';

export interface Dispatcher {
  dispatch(name: string, input: unknown): Promise<unknown>;
}

function isTrustedEvent(event: IpcMainInvokeEvent, window: BrowserWindow | null, renderer: TrustedRenderer): boolean {
  const live = window !== null && !window.isDestroyed();
  const frame = event.senderFrame;
  return isTrustedIpcSender(
    {
      senderId: event.sender.id,
      mainWindowId: live ? window.webContents.id : null,
      frameUrl: frame ? frame.url : null,
      isMainFrame: frame !== null && frame.parent === null,
    },
    renderer,
  );
}

/** Registers a handler for every operation; returns a function that removes them all. */
export function registerIpc(api: Dispatcher, getMainWindow: () => BrowserWindow | null, renderer: TrustedRenderer): () => void {
  for (const name of OPERATION_NAMES) {
    ipcMain.handle(ipcChannel(name), async (event, input: unknown): Promise<IpcReply> => {
      if (!isTrustedEvent(event, getMainWindow(), renderer)) {
        console.warn(`[deliverlab] refused ${name} from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
        throw new Error('Refused: this page may not use the Deliverlab API');
      }
      try {
        return { ok: true, result: await api.dispatch(name, input) };
      } catch (err) {
        return { ok: false, error: toErrorBody(err) };
      }
    });
  }
  return () => {
    for (const name of OPERATION_NAMES) ipcMain.removeHandler(ipcChannel(name));
  };
}

/** Sends an API event to the main window, if it is still there; events for nobody are dropped. */
export function sendEvent(window: BrowserWindow | null, event: EventName, payload: unknown): void {
  if (window === null || window.isDestroyed() || window.webContents.isDestroyed()) return;
  window.webContents.send(IPC_EVENT_CHANNEL, { event, payload });
}
