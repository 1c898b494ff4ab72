/**
 * The app's PDF report: the HTML report printed by Electron's own Chromium (webContents.printToPDF)
 * in a hidden window under print-pdf-policy.ts. No browser is needed on the machine, nor the CLI's
 * browser driver, which the desktop package leaves out (a unit test keeps main's imports clear of it).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, session } from 'electron';
import { ApiError } from '../api/errors';
import { allowPrintRequest, PDF_OPTIONS, PRINT_DEADLINE_MS, PRINT_PARTITION, printWindowOptions } from './print-pdf-policy';

/** The report files being printed now; the print session's requests are checked against them. */
const printing = new Set<string>();
let sessionReady = false;

function preparePrintSession(): void {
  if (sessionReady) return;
  sessionReady = true;
  const printSession = session.fromPartition(PRINT_PARTITION);
  printSession.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !allowPrintRequest(details.url, printing) }));
  printSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

export async function printReportPdf(html: string): Promise<Uint8Array> {
  preparePrintSession();
  // A file rather than a data: URL: a report with a large logo passes Chromium's URL length limit.
  const dir = await mkdtemp(join(tmpdir(), `deliverlab-print-${randomUUID()}-`));
  const file = join(dir, 'report.html');
  await writeFile(file, html, 'utf8');
  const url = pathToFileURL(file).href;
  printing.add(url);
  const window = new BrowserWindow(printWindowOptions());
  const contents = window.webContents;
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new ApiError('internal', `The PDF was not printed within ${PRINT_DEADLINE_MS / 1000} seconds: export the report as HTML and print it from a browser.`)), PRINT_DEADLINE_MS);
    });
    const printed = (async () => {
      await window.loadURL(url);
      return contents.printToPDF(PDF_OPTIONS);
    })();
    const bytes = await Promise.race([printed, deadline]);
    return new Uint8Array(bytes);
  } finally {
    clearTimeout(timer);
    printing.delete(url);
    if (!window.isDestroyed()) window.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
