/**
 * The main process start-up: single instance, sandbox everywhere, one locked-down window.
 *
 * electron and the API are replaced by fakes (vi.mock), so neither Electron nor SQLite is loaded.
 */
import { EventEmitter } from 'node:events';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';

const calls: string[] = [];
const windows: FakeWindow[] = [];
const apiContexts: { dbPath: string | null; transport: string }[] = [];
let resolveReady: () => void = () => {};
const ready = new Promise<void>((resolve) => (resolveReady = resolve));

class FakeWindow extends EventEmitter {
  loaded: string[] = [];
  webContents = Object.assign(new EventEmitter(), { id: 1, isDestroyed: () => false, send: () => {} });
  constructor(readonly options: { webPreferences: Record<string, unknown> }) {
    super();
    windows.push(this);
  }
  loadFile(file: string) {
    this.loaded.push(`file:${file}`);
    return Promise.resolve();
  }
  loadURL(url: string) {
    this.loaded.push(`url:${url}`);
    return Promise.resolve();
  }
  isDestroyed = () => false;
  isMinimized = () => false;
  focus = () => calls.push('focus');
  restore = () => {};
  show = () => {};
}

const app = Object.assign(new EventEmitter(), {
  isPackaged: true,
  name: 'Deliverlab',
  enableSandbox: () => calls.push('enableSandbox'),
  requestSingleInstanceLock: () => {
    calls.push('lock');
    return true;
  },
  quit: () => calls.push('quit'),
  exit: () => calls.push('exit'),
  isReady: () => true,
  whenReady: () => ready,
  getPath: (name: string) => `/home/user/.config/Deliverlab${name === 'userData' ? '' : `/${name}`}`,
  getVersion: () => '0.1.0',
  setAppUserModelId: () => {},
});

vi.mock('electron', () => ({
  app,
  BrowserWindow: FakeWindow,
  Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => calls.push('menu') },
  dialog: { showErrorBox: (title: string) => calls.push(`dialog:${title}`) },
  ipcMain: { handle: () => {}, removeHandler: () => {} },
  shell: { openExternal: async () => {} },
}));

vi.mock('../../electron/api/handlers', () => ({
  createApi: (ctx: { dbPath: string | null; transport: string }) => {
    apiContexts.push(ctx);
    return { dispatch: async () => null, releaseWatches: () => calls.push('api.releaseWatches'), close: () => calls.push('api.close') };
  },
}));

describe('the main process', () => {
  beforeAll(async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'https://evil.example/');
    await import('../../electron/main/index');
    resolveReady();
    await ready;
    await new Promise((resolve) => setTimeout(resolve, 0));
    vi.unstubAllEnvs();
  });

  it('takes the single-instance lock and sandboxes every renderer before anything else', () => {
    expect(calls.slice(0, 2)).toEqual(['enableSandbox', 'lock']);
    expect(app.listenerCount('web-contents-created')).toBe(1);
    expect(app.listenerCount('second-instance')).toBe(1);
  });

  it('opens one window with isolation, sandbox and no Node', () => {
    expect(windows).toHaveLength(1);
    expect(windows[0]!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('loads the built renderer from the file next to main, and the CommonJS preload', () => {
    const mainDir = join(import.meta.dirname, '../../electron/main');
    const [loaded] = windows[0]!.loaded;
    // A packaged app never loads ELECTRON_RENDERER_URL, whatever the environment says.
    expect(loaded).toMatch(/^file:/);
    expect(relative(mainDir, loaded!.slice('file:'.length))).toBe(join('..', 'renderer', 'index.html'));
    expect(relative(mainDir, windows[0]!.options.webPreferences.preload as string)).toBe(join('..', 'preload', 'index.cjs'));
  });

  it('keeps history in userData/history.sqlite, over IPC', () => {
    expect(apiContexts).toEqual([
      expect.objectContaining({ dbPath: join('/home/user/.config/Deliverlab', 'history.sqlite'), transport: 'ipc' }),
    ]);
  });

  it('lets go of the drafts the page watched when it reloads, not when its route changes', () => {
    const released = () => calls.filter((c) => c === 'api.releaseWatches').length;
    const before = released();
    windows[0]!.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    windows[0]!.webContents.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    expect(released()).toBe(before);
    windows[0]!.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    expect(released()).toBe(before + 1);
    windows[0]!.webContents.emit('render-process-gone');
    expect(released()).toBe(before + 2);
  });

  it('focuses the existing window for a second instance instead of opening another', () => {
    app.emit('second-instance');
    expect(windows).toHaveLength(1);
    expect(calls).toContain('focus');
  });

  it('stops the watch scheduler before quitting, then closes the API', async () => {
    const quits = () => calls.filter((c) => c === 'quit').length;
    const before = quits();
    let prevented = 0;
    const quitEvent = { preventDefault: () => void prevented++ };
    // The first will-quit waits for the check under way (here none: the fake api has no scheduler).
    app.emit('will-quit', quitEvent);
    expect(prevented).toBe(1);
    expect(calls).not.toContain('api.close');
    // Once the scheduler has stopped, main quits again (a turn of the event loop, no timer).
    await new Promise((resolve) => setImmediate(resolve));
    expect(quits()).toBe(before + 1);
    app.emit('will-quit', quitEvent);
    expect(prevented).toBe(1);
    expect(calls).toContain('api.close');
  });
});
