/**
 * Where a report is saved in the app: the user picks the file in the system's save dialog. The
 * renderer only names the stored item; the path never comes from it.
 */
import { writeFile } from 'node:fs/promises';
import { dialog, type BrowserWindow } from 'electron';
import type { ExportFormat } from '../api/operations';

const FILTERS: Record<ExportFormat, Electron.FileFilter> = {
  html: { name: 'HTML report', extensions: ['html'] },
  pdf: { name: 'PDF report', extensions: ['pdf'] },
  md: { name: 'Markdown', extensions: ['md'] },
  csv: { name: 'CSV', extensions: ['csv'] },
  json: { name: 'JSON', extensions: ['json'] },
};

export function saveReportWith(getWindow: () => BrowserWindow | null) {
  return async (suggestedName: string, format: ExportFormat, content: string | Uint8Array): Promise<string | null> => {
    const options: Electron.SaveDialogOptions = { title: 'Export report', defaultPath: `${suggestedName}.${format}`, filters: [FILTERS[format]] };
    const window = getWindow();
    const choice = window && !window.isDestroyed() ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return null;
    await (typeof content === 'string' ? writeFile(choice.filePath, content, 'utf8') : writeFile(choice.filePath, content));
    return choice.filePath;
  };
}
