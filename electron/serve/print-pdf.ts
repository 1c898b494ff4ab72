/**
 * serve's PDF report: the HTML report printed by a Chrome, Chromium or Edge found on the machine
 * (core/report/pdf.ts, as the CLI prints), its refusals worded for the app rather than for --browser.
 */
import { ApiError } from '../api/errors';
import { findBrowser, PdfError, printPdf, wellKnownBrowsers } from '../core/report/pdf';

const APP_WORDS: Record<PdfError['reason'], string> = {
  'none-found': 'A PDF is printed by Chrome, Chromium or Edge, and none was found on this computer. Export the report as HTML instead and print it from a browser.',
  'not-runnable': 'The browser that prints PDFs could not be run. Export the report as HTML instead and print it from a browser.',
  'launch-failed': 'The browser that prints PDFs did not start. Export the report as HTML instead and print it from a browser.',
};

/** The api's printPdf hook, looking for a browser among `candidates` (where browsers install by default). */
export function browserPdfPrinter(candidates: readonly string[] = wellKnownBrowsers()) {
  return async (html: string): Promise<Uint8Array> => {
    try {
      return await printPdf(html, findBrowser(undefined, candidates));
    } catch (err) {
      if (err instanceof PdfError) throw new ApiError('invalid-input', APP_WORDS[err.reason], undefined, { reason: 'pdf-unavailable' });
      throw err;
    }
  };
}
