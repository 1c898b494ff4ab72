/**
 * The preload: one object on window, calls on their channels, events filtered and unsubscribable.
 *
 * electron is replaced by a fake contextBridge and ipcRenderer (vi.mock), so the real package is
 * never loaded.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, OPERATION_NAMES, ipcChannel } from '../../electron/api/names';
import type { DeliverlabClient } from '../../electron/api/operations';

const exposed = new Map<string, unknown>();
const invocations: [string, unknown][] = [];
let nextReply: unknown = { ok: true, result: null };
const renderer = Object.assign(new EventEmitter(), {
  invoke: async (channel: string, input: unknown) => {
    invocations.push([channel, input]);
    return nextReply;
  },
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: renderer,
}));

await import('../../electron/preload/index');
const client = exposed.get('deliverlab') as DeliverlabClient;

describe('the preload', () => {
  it('exposes one object, window.deliverlab, with exactly the contract’s operations and on()', () => {
    expect([...exposed.keys()]).toEqual(['deliverlab']);
    const shape = Object.entries(client as unknown as Record<string, unknown>).flatMap(([area, value]) =>
      typeof value === 'function' ? [area] : Object.keys(value as object).map((verb) => `${area}.${verb}`),
    );
    expect(shape.sort()).toEqual([...OPERATION_NAMES, 'on'].sort());
    // No raw IPC escapes: the only function at the top is on(); every area (send.* included) is an
    // object of operations, and no name hints at ipcRenderer's own methods.
    const topFunctions = Object.entries(client as unknown as Record<string, unknown>).filter(([, v]) => typeof v === 'function').map(([k]) => k);
    expect(topFunctions).toEqual(['on']);
    expect(Object.keys(client).filter((k) => /invoke|sendSync|ipc|postMessage/i.test(k))).toEqual([]);
  });

  it('invokes an operation on its own channel and returns the result', async () => {
    nextReply = { ok: true, result: { id: 4 } };
    await expect(client.history.get({ id: 4 })).resolves.toEqual({ id: 4 });
    expect(invocations.at(-1)).toEqual([ipcChannel('history.get'), { id: 4 }]);
  });

  it('sends {} when an operation is called without input', async () => {
    nextReply = { ok: true, result: [] };
    await client.settings.get();
    expect(invocations.at(-1)).toEqual([ipcChannel('settings.get'), {}]);
  });

  it('rejects with the error body of a failed operation', async () => {
    nextReply = { ok: false, error: { code: 'not-found', message: 'There is no audit #9 in history.' } };
    await expect(client.history.get({ id: 9 })).rejects.toMatchObject({
      name: 'ApiError',
      code: 'not-found',
      message: 'There is no audit #9 in history.',
    });
  });

  it('delivers only the subscribed event’s payload, never the IPC event, until unsubscribed', () => {
    const received: unknown[][] = [];
    const unsubscribe = client.on('audit.progress', (...args: unknown[]) => received.push(args));
    const ipcEvent = { sender: renderer };
    renderer.emit(IPC_EVENT_CHANNEL, ipcEvent, { event: 'audit.progress', payload: { step: 'mx' } });
    renderer.emit(IPC_EVENT_CHANNEL, ipcEvent, { event: 'something.else', payload: { step: 'x' } });
    renderer.emit(IPC_EVENT_CHANNEL, ipcEvent, 'garbage');
    expect(received).toEqual([[{ step: 'mx' }]]);

    unsubscribe();
    expect(renderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(0);
    renderer.emit(IPC_EVENT_CHANNEL, ipcEvent, { event: 'audit.progress', payload: { step: 'spf' } });
    expect(received).toHaveLength(1);
  });

  it('refuses to subscribe to an event the contract does not list', () => {
    expect(() => client.on('nope' as 'audit.progress', () => {})).toThrow(/Unknown event/);
  });
});
