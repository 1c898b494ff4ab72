/**
 * The system dialogs of design QA in the app: the draft to open, and where the inlined copy goes.
 * The renderer only asks; the path is the user's choice here, never the page's.
 */
import { dialog, type BrowserWindow } from 'electron';

const DRAFTS: Electron.FileFilter = { name: 'Email drafts', extensions: ['html', 'htm', 'mjml', 'eml'] };
const HTML: Electron.FileFilter = { name: 'HTML', extensions: ['html', 'htm'] };

function live(getWindow: () => BrowserWindow | null): BrowserWindow | null {
  const window = getWindow();
  return window && !window.isDestroyed() ? window : null;
}

export function askOpenPathWith(getWindow: () => BrowserWindow | null) {
  return async (): Promise<string | null> => {
    const options: Electron.OpenDialogOptions = { title: 'Open an email draft', filters: [DRAFTS], properties: ['openFile'] };
    const window = live(getWindow);
    const choice = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return choice.canceled ? null : (choice.filePaths[0] ?? null);
  };
}

export function askSavePathWith(getWindow: () => BrowserWindow | null) {
  return async ({ title, defaultPath }: { title: string; defaultPath: string }): Promise<string | null> => {
    const options: Electron.SaveDialogOptions = { title, defaultPath, filters: [HTML] };
    const window = live(getWindow);
    const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    return choice.canceled || !choice.filePath ? null : choice.filePath;
  };
}
