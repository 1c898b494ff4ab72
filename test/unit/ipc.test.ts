/**
 * The IPC wiring: every operation registered, every call guarded, errors turned into bodies.
 *
 * electron is replaced by a fake ipcMain (vi.mock), so the real package is never loaded.
 */
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../electron/api/errors';
import { IPC_EVENT_CHANNEL, OPERATION_NAMES, ipcChannel } from '../../electron/api/names';

type Handler = (event: unknown, input: unknown) => Promise<unknown>;
const handlers = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { registerIpc, sendEvent } = await import('../../electron/main/ipc');

const rendererFile = '/opt/Deliverlab/resources/app.asar/out/renderer/index.html';
const appUrl = pathToFileURL(rendererFile).href;

function fakeWindow(id: number, { destroyed = false } = {}) {
  const sent: unknown[][] = [];
  return {
    sent,
    isDestroyed: () => destroyed,
    webContents: { id, isDestroyed: () => destroyed, send: (...args: unknown[]) => sent.push(args) },
  };
}

function invokeEvent(senderId: number, url: string | null, { subframe = false } = {}) {
  return {
    sender: { id: senderId },
    senderFrame: url === null ? null : { url, parent: subframe ? {} : null },
  };
}

describe('registerIpc', () => {
  const dispatch = vi.fn<(name: string, input: unknown) => Promise<unknown>>();
  let window = fakeWindow(7);
  let unregister: () => void;
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});

  beforeEach(() => {
    warn.mockClear();
    handlers.clear();
    dispatch.mockReset();
    window = fakeWindow(7);
    unregister = registerIpc({ dispatch }, () => window as never, { rendererFile });
  });

  it('registers one handler per operation, and removes them all', () => {
    expect([...handlers.keys()].sort()).toEqual(OPERATION_NAMES.map(ipcChannel).sort());
    unregister();
    expect(handlers.size).toBe(0);
  });

  it('dispatches a trusted call and wraps the result', async () => {
    dispatch.mockResolvedValue({ items: [], total: 0 });
    const reply = await handlers.get(ipcChannel('history.list'))!(invokeEvent(7, `${appUrl}#/history`), { limit: 5 });
    expect(dispatch).toHaveBeenCalledWith('history.list', { limit: 5 });
    expect(reply).toEqual({ ok: true, result: { items: [], total: 0 } });
  });

  it('turns a thrown ApiError into an error body, keeping code and issues', async () => {
    dispatch.mockRejectedValue(new ApiError('invalid-input', 'domain: Enter a domain', [{ path: 'domain', message: 'Enter a domain' }]));
    const reply = await handlers.get(ipcChannel('audit.run'))!(invokeEvent(7, appUrl), { domain: '' });
    expect(reply).toEqual({
      ok: false,
      error: { code: 'invalid-input', message: 'domain: Enter a domain', issues: [{ path: 'domain', message: 'Enter a domain' }] },
    });
  });

  it('turns any other failure into an internal error body', async () => {
    dispatch.mockRejectedValue(new Error('disk full'));
    const reply = await handlers.get(ipcChannel('settings.set'))!(invokeEvent(7, appUrl), {});
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: 'disk full' } });
  });

  it.each([
    ['another webContents', invokeEvent(8, appUrl)],
    ['a foreign page in our window', invokeEvent(7, 'https://evil.example/')],
    ['a page naming the app in its query', invokeEvent(7, `https://evil.example/?next=${appUrl}`)],
    ['a subframe of our page', invokeEvent(7, appUrl, { subframe: true })],
    ['a destroyed frame', invokeEvent(7, null)],
  ])('refuses %s before dispatching', async (_label, event) => {
    await expect(handlers.get(ipcChannel('history.delete'))!(event, { id: 1 })).rejects.toThrow(/Refused/);
    expect(dispatch).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('refused history.delete'));
  });

  it('refuses every call once the main window is gone', async () => {
    window = fakeWindow(7, { destroyed: true });
    await expect(handlers.get(ipcChannel('app.info'))!(invokeEvent(7, appUrl), {})).rejects.toThrow(/Refused/);
    expect(dispatch).not.toHaveBeenCalled();
  });
});

describe('sendEvent', () => {
  it('sends { event, payload } on the event channel', () => {
    const window = fakeWindow(3);
    sendEvent(window as never, 'audit.progress', { step: 'spf', runId: 'r1' });
    expect(window.sent).toEqual([[IPC_EVENT_CHANNEL, { event: 'audit.progress', payload: { step: 'spf', runId: 'r1' } }]]);
  });

  it('drops events when there is no live window', () => {
    const gone = fakeWindow(3, { destroyed: true });
    expect(() => sendEvent(null, 'audit.progress', {})).not.toThrow();
    sendEvent(gone as never, 'audit.progress', {});
    expect(gone.sent).toEqual([]);
  });
});
