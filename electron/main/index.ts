/**
 * The Electron main process: one instance, one window, the API over IPC.
 *
 * Glue only. What the window may load or open is decided in security.ts; what the API does, in
 * electron/api and electron/core, which run the same way under `deliverlab serve` and the CLI.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, Menu, nativeImage, Notification, Tray } from 'electron';
import { createApi, type Api } from '../api/handlers';
import type { EventName } from '../api/names';
import { askOpenPathWith, askSavePathWith } from './draft-dialogs';
import { registerIpc, sendEvent } from './ipc';
import { menuTemplate } from './menu';
import { openExternal } from './open-external';
import { registerSecurity } from './register-security';
import { printReportPdf } from './print-pdf';
import { saveReportWith } from './save-report';
import { safeStorageCipher } from './secret-store';
import { parseDevServerUrl, type TrustedRenderer } from './security';
import { alertNotice, startWatchRunner, staysOpenWithoutWindows, type WatchRunner } from './watch-runner';
import type { Settings } from '../api/types';
import type { Alert } from '../api/types';

// out/main/index.js -> out/preload/index.cjs, out/renderer/index.html (electron.vite.config.ts).
const here = import.meta.dirname;
const preloadFile = join(here, '../preload/index.cjs');
const rendererFile = join(here, '../renderer/index.html');

// electron-vite sets ELECTRON_RENDERER_URL in development; a packaged app never loads a server.
const devServer = app.isPackaged ? null : parseDevServerUrl(process.env.ELECTRON_RENDERER_URL);
if (!app.isPackaged && process.env.ELECTRON_RENDERER_URL && !devServer) {
  console.warn('[deliverlab] ignoring ELECTRON_RENDERER_URL: not a loopback http(s) URL');
}
const renderer: TrustedRenderer = { rendererFile, devServerUrl: devServer?.href };

let mainWindow: BrowserWindow | null = null;
let api: Api | null = null;
let watching: WatchRunner | null = null;
let tray: Tray | null = null;

/** The setting read when the last window closes: off (quit) when it cannot be read. */
async function keepWatchingInBackground(): Promise<boolean> {
  try {
    return Boolean(((await api?.dispatch('settings.get', {})) as Settings | undefined)?.keepWatchingInBackground);
  } catch {
    return false;
  }
}

/** The tray icon of background mode: it opens the window again, or quits. */
function showTray(): void {
  if (tray) return;
  const image = nativeImage.createFromPath(join(here, '../../resources/icon.png'));
  tray = new Tray(image.isEmpty() ? image : image.resize({ width: 16, height: 16 }));
  tray.setToolTip('Deliverlab: checking watched domains and IPs');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Deliverlab', click: showMainWindow },
      { type: 'separator' },
      { label: 'Quit Deliverlab', click: () => app.quit() },
    ]),
  );
  tray.on('click', showMainWindow);
}

/** A desktop notification for a raised alert; a click brings the window to the front. */
function notifyAlert(alert: Alert): void {
  if (!Notification.isSupported()) return;
  const notice = new Notification(alertNotice(alert));
  notice.on('click', showMainWindow);
  notice.show();
}

function openApi(): Api {
  const dbPath = join(app.getPath('userData'), 'history.sqlite');
  const base = {
    transport: 'ipc' as const,
    version: app.getVersion(),
    emit: (event: EventName, payload: unknown) => {
      sendEvent(mainWindow, event, payload);
      if (event === 'alert.raised') notifyAlert(payload as Alert);
    },
    saveReport: saveReportWith(() => mainWindow),
    printPdf: printReportPdf,
    askOpenPath: askOpenPathWith(() => mainWindow),
    askSavePath: askSavePathWith(() => mainWindow),
  };
  try {
    return createApi({ ...base, dbPath, cipher: safeStorageCipher() });
  } catch (err) {
    // The app is still useful without history; say so rather than refuse to start.
    dialog.showErrorBox(
      'History is unavailable',
      `Deliverlab could not open its history database at\n${dbPath}\n\n${(err as Error).message}\n\n` +
        'Audits will run, but nothing will be saved until this is fixed.',
    );
    return createApi({ ...base, dbPath: null });
  }
}

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 880,
    minHeight: 600,
    show: false,
    title: 'Deliverlab',
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      navigateOnDragDrop: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
    api?.releaseWatches();
  });
  // A reload (or any new document) is a new page: the drafts the old one watched are let go.
  window.webContents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) api?.releaseWatches();
  });
  window.webContents.on('render-process-gone', () => api?.releaseWatches());
  const loaded = devServer ? window.loadURL(devServer.href) : window.loadFile(rendererFile);
  loaded.catch((err: unknown) => {
    console.error(`[deliverlab] could not load the interface: ${(err as Error).message}`);
  });
  return window;
}

function showMainWindow(): void {
  // macOS can send 'activate' before 'ready'; the ready handler opens the window then.
  if (!app.isReady() || !api) return;
  if (!mainWindow) {
    mainWindow = createMainWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

// Every renderer sandboxed, whatever a later BrowserWindow's options say.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another Deliverlab is running; it gets focus through 'second-instance'.
  app.quit();
} else {
  registerSecurity(app, renderer);
  if (process.platform === 'win32') app.setAppUserModelId('dev.deliverlab.app');

  app.on('second-instance', showMainWindow);
  app.on('activate', showMainWindow);
  app.on('window-all-closed', () => {
    void keepWatchingInBackground().then((keep) => {
      if (!staysOpenWithoutWindows(process.platform, keep)) app.quit();
      else if (keep) showTray();
    });
  });
  app.on('will-quit', (event) => {
    tray?.destroy();
    tray = null;
    if (watching) {
      // The check under way ends (its lease and its record) before the database closes.
      event.preventDefault();
      const stopping = watching;
      watching = null;
      void stopping.stop().finally(() => app.quit());
      return;
    }
    api?.close();
    api = null;
  });

  app
    .whenReady()
    .then(() => {
      api = openApi();
      registerIpc(api, () => mainWindow, renderer);
      // Watches are checked while the app is open (with history off, the service refuses: logged once).
      const opened = api;
      watching = startWatchRunner((signal) => opened.watchService().run(signal), (err) => console.error(`[deliverlab] the watch scheduler stopped: ${err.message}`));
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          menuTemplate({ appName: app.name, platform: process.platform, isDev: !app.isPackaged, openExternal }),
        ),
      );
      showMainWindow();
    })
    .catch((err: unknown) => {
      dialog.showErrorBox('Deliverlab could not start', (err as Error).stack ?? String(err));
      app.exit(1);
    });
}
