/**
 * Where a report is saved in the app: the user picks the file in the system's save dialog. The
 * renderer only names the stored item; the path never comes from it.
 */
import { writeFile } from 'node:fs/promises';
import { dialog, type BrowserWindow } from 'electron';
import type { ReportFormat } from '../core/report/model';

const FILTERS: Record<ReportFormat, Electron.FileFilter> = {
  html: { name: 'HTML report', extensions: ['html'] },
  md: { name: 'Markdown', extensions: ['md'] },
  csv: { name: 'CSV', extensions: ['csv'] },
  json: { name: 'JSON', extensions: ['json'] },
};

export function saveReportWith(getWindow: () => BrowserWindow | null) {
  return async (suggestedName: string, format: ReportFormat, text: string): Promise<string | null> => {
    const options: Electron.SaveDialogOptions = { title: 'Export report', defaultPath: `${suggestedName}.${format}`, filters: [FILTERS[format]] };
    const window = getWindow();
    const choice = window && !window.isDestroyed() ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return null;
    await writeFile(choice.filePath, text, 'utf8');
    return choice.filePath;
  };
}
