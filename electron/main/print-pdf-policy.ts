/**
 * How the app prints a report to PDF, as plain data and predicates (no Electron here, so tests load it).
 *
 * The report is a file the app wrote itself, but its records came from DNS: the window that prints it
 * runs no script, loads nothing but that file and the data: images inside it, and cannot navigate or
 * open windows. print-pdf.ts applies these to a hidden window.
 */
import type { BrowserWindowConstructorOptions, PrintToPDFOptions } from 'electron';

/** A report of 500 domains prints in seconds; a minute means the printer is stuck. */
export const PRINT_DEADLINE_MS = 60_000;

/** One in-memory session for printing (no "persist:" prefix): no cookies or cache survive it. */
export const PRINT_PARTITION = 'deliverlab-print';

/** The hidden window: sandboxed, isolated, no Node, JavaScript off; A4 wide at 96 dpi. */
export function printWindowOptions(): BrowserWindowConstructorOptions {
  return {
    show: false,
    width: 794,
    height: 1123,
    webPreferences: {
      partition: PRINT_PARTITION,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      javascript: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** A4 with the backgrounds (severity colours, the accent) and the margins the CLI's PDF has (15 mm, 14 mm). */
export const PDF_OPTIONS: PrintToPDFOptions = {
  pageSize: 'A4',
  printBackground: true,
  margins: { top: 15 / 25.4, bottom: 15 / 25.4, left: 14 / 25.4, right: 14 / 25.4 },
};

/**
 * Whether the print window may make a request: only for a report file being printed (by its exact
 * file: URL) and for data: URLs, which read nothing from anywhere. Everything else is refused.
 */
export function allowPrintRequest(url: string, documents: ReadonlySet<string>): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'data:') return true;
  return parsed.protocol === 'file:' && parsed.search === '' && parsed.hash === '' && documents.has(parsed.href);
}
