/**
 * A PDF report: the HTML report printed by a Chromium engine already on the machine (Chrome,
 * Chromium or Edge), driven over the DevTools protocol by playwright-core. `deliverlab report` and
 * serve print so; the desktop app prints the same HTML through Electron's webContents.printToPDF.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

/** Why no PDF could be printed; `reason` lets each caller word it (the CLI names --browser, the app its setting). */
export class PdfError extends Error {
  constructor(
    readonly reason: 'not-runnable' | 'none-found' | 'launch-failed',
    message: string,
  ) {
    super(message);
  }
}

/** Where Chrome, Chromium and Edge install themselves, per platform, in the order tried. */
export function wellKnownBrowsers(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string[] {
  if (platform === 'darwin') {
    return [
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    ];
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => Boolean(r));
    return roots.flatMap((root) => [join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'), join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe'), join(root, 'Chromium', 'Application', 'chrome.exe')]);
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/usr/bin/microsoft-edge', '/usr/bin/microsoft-edge-stable', '/snap/bin/chromium'];
}

function runnable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The browser named with --browser, or the first one found where browsers install; exit 2 naming --browser when none. */
export function findBrowser(named: string | undefined, candidates: readonly string[] = wellKnownBrowsers()): string {
  if (named !== undefined) {
    if (!runnable(named)) throw new PdfError('not-runnable', `--browser: ${named} is not a program that can be run; name the path of Chrome, Chromium or Edge.`);
    return named;
  }
  const found = candidates.find(runnable);
  if (!found) throw new PdfError('none-found', 'A PDF report needs Chrome, Chromium or Edge, and none was found where they install: name one with --browser PATH.');
  return found;
}

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-extensions'];
const DEADLINE_MS = 60_000;

/**
 * The report's HTML as an A4 PDF. Every request is refused (the report needs none: its images are
 * data URIs) and scripts are off, so printing it cannot reach the network whatever its records hold.
 */
export async function printPdf(html: string, browserPath: string): Promise<Buffer> {
  // Loaded only for a PDF: every other command starts without it.
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    browser = await chromium.launch({ executablePath: browserPath, args: ARGS, timeout: DEADLINE_MS });
  } catch (err) {
    throw new PdfError('launch-failed', `--browser: could not start ${browserPath}: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    page.setDefaultTimeout(DEADLINE_MS);
    await page.setContent(html, { waitUntil: 'load', timeout: DEADLINE_MS });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '14mm', right: '14mm' } });
  } finally {
    await browser.close();
  }
}
