/**
 * The preload: exposes `window.deliverlab`, the typed client, and nothing else.
 *
 * Runs sandboxed and is emitted as CommonJS (out/preload/index.cjs). It bundles only zod-free
 * modules; validation happens in main. No ipcRenderer, no generic invoke(channel): the renderer can
 * reach exactly the operations in OPERATION_NAMES and the events in EVENT_NAMES.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildClient } from '../api/client';
import { EVENT_NAMES, IPC_EVENT_CHANNEL, OPERATION_NAMES, ipcChannel, type EventName } from '../api/names';
import type { DeliverlabClient } from '../api/operations';
import { unwrapReply } from './ipc-reply';

function subscribe(event: EventName, listener: (payload: unknown) => void): () => void {
  if (!EVENT_NAMES.includes(event)) throw new Error(`Unknown event: ${String(event)}`);
  // The IpcRendererEvent is never passed on: its `sender` is ipcRenderer itself.
  const onMessage = (_event: IpcRendererEvent, message: unknown) => {
    if (typeof message === 'object' && message !== null && 'event' in message && message.event === event) {
      listener((message as { payload?: unknown }).payload);
    }
  };
  ipcRenderer.on(IPC_EVENT_CHANNEL, onMessage);
  return () => {
    ipcRenderer.removeListener(IPC_EVENT_CHANNEL, onMessage);
  };
}

const client = buildClient(
  OPERATION_NAMES,
  (name, input) => ipcRenderer.invoke(ipcChannel(name), input).then(unwrapReply),
  subscribe,
) satisfies DeliverlabClient;

contextBridge.exposeInMainWorld('deliverlab', client);
