/**
 * The end-to-end lab: the DNS fixture server, `deliverlab serve` on a fresh data dir, and Chromium.
 *
 * Every wait is bounded, and a missing Chromium or an unbuilt CLI fails loudly: these tests never skip.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startServe, type ServeProcess } from '../lab/cli';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer, type Zone } from '../lab/dns-server';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SERVE_START_MS = 15_000;
/** The longest any single UI wait may take. */
export const UI_TIMEOUT_MS = 10_000;

export interface LabPage extends Page {
  /** Page errors and console errors (CSP violations, React errors) seen so far. */
  problems: string[];
}

export interface Lab {
  /** The address serve printed, with its token. */
  url: string;
  origin: string;
  dns: DnsServer;
  /** The records the DNS server answers from: a test may change them between checks. */
  zone: Zone;
  dataDir: string;
  openPage(options?: { colorScheme?: 'light' | 'dark' }): Promise<LabPage>;
  close(): Promise<void>;
}

function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the e2e tests drive it. Install it with ` +
        '"apt-get install chromium fonts-liberation", or point CHROMIUM_PATH at a Chromium binary.',
    );
  }
}

function requireBuild(): void {
  for (const file of ['out/cli/index.js', 'out/renderer/index.html']) {
    if (!existsSync(join(ROOT, file))) {
      throw new Error(`${file} is missing: run "npm run build" before the e2e tests.`);
    }
  }
}

export interface LabOptions {
  dnsDelayMs?: number;
  /** Extra Chromium switches for this file's browser. */
  chromiumArgs?: string[];
  /** Zone-file lines served besides the fixture zones (records made at run time, such as a DKIM key). */
  extraRecords?: string;
  /** More `deliverlab serve` flags, e.g. ['--ca-file', labCa]. */
  serveArgs?: string[];
  /** Environment variables for serve (the passwords profiles and seeds name). */
  serveEnv?: NodeJS.ProcessEnv;
}

/** Everything one test file needs; call close() in afterAll. */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  requireChromium();
  requireBuild();
  const dataDir = mkdtempSync(join(tmpdir(), 'deliverlab-e2e-'));
  const zone = loadZoneFixtures();
  if (options.extraRecords) parseZone(options.extraRecords, zone);
  const dns = await startDnsServer({ zone, ...(options.dnsDelayMs ? { delayMs: options.dnsDelayMs } : {}) });
  let served: ServeProcess | undefined;
  let browser: Browser | undefined;
  try {
    served = await startServe(['--port', '0', '--resolver', `127.0.0.1:${dns.port}`, '--db', join(dataDir, 'history.sqlite'), ...(options.serveArgs ?? [])], options.serveEnv ?? {}, SERVE_START_MS);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...(options.chromiumArgs ?? [])], timeout: 20_000 });
  } catch (err) {
    if (served) await served.stop();
    await dns.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const { url } = served;
  const serve = served;
  const chrome = browser;
  return {
    url,
    origin: new URL(url).origin,
    dns,
    zone,
    dataDir,
    async openPage({ colorScheme = 'light' } = {}) {
      const context = await chrome.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
      const page = (await context.newPage()) as LabPage;
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      page.setDefaultNavigationTimeout(UI_TIMEOUT_MS);
      page.problems = [];
      page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
      page.on('console', (message) => {
        // A refused API call (an invalid domain is a 400) is logged by Chromium; the UI shows it.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
          page.problems.push(`console error: ${message.text()}`);
        }
      });
      return page;
    },
    async close() {
      await chrome.close().catch(() => {});
      await serve.stop();
      await dns.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits for a locator to be visible, failing with what the user should have seen. */
export async function expectVisible(locator: Locator, what: string, timeout = UI_TIMEOUT_MS): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch {
    throw new Error(`Expected to see ${what} within ${timeout} ms (${locator.toString()})`);
  }
}

/** Waits until a locator matches nothing (Playwright watches the page for it; no polling here). */
export async function expectGone(locator: Locator, what: string, timeout = UI_TIMEOUT_MS): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'detached', timeout });
  } catch {
    throw new Error(`Expected ${what} to disappear within ${timeout} ms (${locator.toString()})`);
  }
}

/**
 * Resolves with the page's height once it has stayed the same for 5 animation frames in a row (at
 * most 600): expand and collapse transitions have come to rest. Counted in frames, which is what
 * the page's motion advances by, not in milliseconds of a busy machine.
 */
export function settledHeight(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let last = -1;
        let same = 0;
        let seen = 0;
        const step = () => {
          const now = document.documentElement.scrollHeight;
          same = now === last ? same + 1 : 0;
          last = now;
          if (same >= 5 || ++seen >= 600) return resolve(now);
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
  );
}

/**
 * Types a domain into the Domain box and runs the audit, by button or by Enter.
 *
 * The SMTP probe stays off unless asked for: tests talk to 127.0.0.0/8 only, and most fixture MX
 * hosts have documentation addresses (192.0.2.0/24) that a probe would try to reach on port 25.
 */
export async function auditDomain(
  page: Page,
  domain: string,
  how: 'click' | 'enter' = 'click',
  { smtp = false }: { smtp?: boolean } = {},
): Promise<void> {
  await page.getByRole('checkbox', { name: 'SMTP probe' }).setChecked(smtp);
  const box = page.getByLabel('Domain', { exact: true });
  await box.fill(domain);
  if (how === 'enter') await box.press('Enter');
  else await page.getByRole('button', { name: 'Run audit' }).click();
}

/** The audit result shown for a domain (its header is a level-2 heading with the domain). */
export async function waitForResult(page: Page, domain: string, timeout = UI_TIMEOUT_MS): Promise<Locator> {
  const result = page.getByTestId('audit-result').filter({ has: page.getByRole('heading', { level: 2, name: domain, exact: true }) });
  await expectVisible(result, `the audit result for ${domain}`, timeout);
  return result;
}

/** Every check's panel title, in page order (renderer/src/checks/registry.ts). */
export const CHECK_TITLES = [
  'MX',
  'SPF',
  'DMARC',
  'DKIM',
  'MTA-STS',
  'TLS-RPT',
  'BIMI',
  'DNSSEC & DANE',
  'Reverse DNS',
  'Blocklists',
  'SMTP',
  'Mailbox providers',
] as const;

export type CheckTitle = (typeof CHECK_TITLES)[number];

/** One check's panel, found as a user would: the region named after the check. */
export function checkPanel(scope: Page | Locator, title: CheckTitle): Locator {
  return scope.getByRole('region', { name: title, exact: true });
}

/** The finding item with this code inside a panel. */
export function finding(panel: Locator, code: string): Locator {
  return panel.getByRole('listitem').filter({ has: panel.page().getByText(code, { exact: true }) });
}

/**
 * The problem shown beside a form field, as assistive technology reads it: the field is marked
 * invalid and the text is the description it points to (Mantine's `<id>-error` element).
 */
export async function fieldError(field: Locator, what: string): Promise<string> {
  const element = await field.elementHandle({ timeout: UI_TIMEOUT_MS });
  try {
    // Re-checked on every animation frame in the page: the error appears when the form re-renders.
    const text = await field.page().waitForFunction(
      (el) => {
        if (!el || el.getAttribute('aria-invalid') !== 'true') return null;
        const id = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).find((part) => part.endsWith('-error'));
        return (id && document.getElementById(id)?.textContent) || null;
      },
      element,
      { timeout: UI_TIMEOUT_MS },
    );
    return (await text.jsonValue()) as string;
  } catch {
    throw new Error(`Expected an error beside ${what} within ${UI_TIMEOUT_MS} ms`);
  } finally {
    await element.dispose();
  }
}

/** Confirms the delete dialog opened by a Delete button (it names the item), and waits for it to close. */
export async function confirmDelete(page: Page, title: string | RegExp): Promise<void> {
  const dialog = page.getByRole('dialog', { name: title });
  await expectVisible(dialog, `the dialog "${String(title)}"`);
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await expectGone(dialog, 'the delete dialog');
}

// axe-core's browser build, read once. It is run with page.evaluate, which the DevTools protocol
// executes outside the page's Content Security Policy: no bypassCSP, so the pages are checked
// under the same CSP the app ships with.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Runs axe-core's WCAG 2 A and AA rules (colour contrast included) over the page as it is now, and
 * fails listing each violation with the elements it found, in words.
 */
export async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  // A dialog fading in is read half-transparent: contrast is judged once every running transition has
  // finished (awaited as events, not a fixed pause; a cancelled one counts as settled).
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))).then(() => undefined));
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.map(String), failureSummary: n.failureSummary ?? '' })) }));
  });
  if (violations.length === 0) return;
  const text = violations
    .map((v) => `- ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n${v.nodes.map((n) => `    at ${n.target.join(' ')}\n      ${(n.failureSummary ?? '').replace(/\n\s*/g, ' ')}`).join('\n')}`)
    .join('\n');
  throw new Error(`axe found ${violations.length} WCAG violation(s) on ${state}:\n${text}`);
}

/**
 * Fails when the page's main content shows an internal: a JavaScript value printed as text
 * (undefined, NaN, [object Object]), a command-line flag (--ip) where the app has a field, or an
 * api field path naming a secret's variable (auth.passwordEnv) where the form has a label.
 * Code blocks (records, transcripts, raw headers) are left out: they show data as it is.
 */
export async function expectNoInternals(page: Page, state: string): Promise<void> {
  const text = await page.evaluate(() => {
    const main = document.querySelector('main')?.cloneNode(true) as HTMLElement | undefined;
    if (!main) return '';
    for (const code of main.querySelectorAll('pre, code, textarea, input, iframe, style, script')) code.remove();
    return main.innerText;
  });
  const found = [...text.matchAll(/\bundefined\b|\bNaN\b|\[object Object\]|(?<![\w-])--[a-z][a-z-]+|\bauth\.[a-z][A-Za-z0-9]*Env\b/g)].map((m) => {
    const at = m.index ?? 0;
    return `"${m[0]}" in "…${text.slice(Math.max(0, at - 60), at + 40).replace(/\s+/g, ' ')}…"`;
  });
  if (found.length > 0) throw new Error(`${state} shows internals:\n${found.join('\n')}`);
}

/** Writes a PNG of the whole page to test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  const viewport = page.viewportSize() ?? { width: 1280, height: 900 };
  // Grow the viewport to the content instead of fullPage: the app shell's header and navbar are
  // fixed, and a fullPage capture would paint them halfway down.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  // Wait out expand/collapse transitions: the height must stop changing.
  const height = await settledHeight(page);
  await page.setViewportSize({ width: viewport.width, height: Math.min(Math.max(height, viewport.height), 12_000) });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, animations: 'disabled', timeout: UI_TIMEOUT_MS });
  await page.setViewportSize(viewport);
  return path;
}

/**
 * One lab per test file, with its hooks: serve and Chromium start before the first test and stop
 * after the last; after each test, the page it opened must have logged no error (a CSP violation,
 * a React error), whatever the test itself looked at.
 */
/** One call to serve's API with the token serve printed, for a test's setup (seeds, profiles, settings). */
export async function serveCall(lab: Pick<Lab, 'url'>, op: string, input: unknown): Promise<unknown> {
  const url = new URL(lab.url);
  const res = await fetch(`${url.origin}/api/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-deliverlab-token': url.searchParams.get('token') ?? '' },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(UI_TIMEOUT_MS),
  });
  const body = (await res.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${op}: ${res.status} ${body.error?.message ?? ''}`);
  return body.result;
}

export function useLab(options: LabOptions = {}) {
  let lab: Lab | undefined;
  let current: LabPage | undefined;
  beforeAll(async () => {
    lab = await startLab(options);
  }, 45_000);
  afterAll(async () => {
    await lab?.close();
  }, 20_000);
  afterEach(async () => {
    const problems = current?.problems ?? [];
    await current?.context().close();
    current = undefined;
    expect(problems).toEqual([]);
  });
  const started = (): Lab => {
    if (!lab) throw new Error('the e2e lab did not start (see the beforeAll error)');
    return lab;
  };
  return {
    get lab(): Lab {
      return started();
    },
    /** Opens a new page at serve's URL (plus `hash`); it is checked and closed after the test. */
    async open(hash = '', pageOptions: { colorScheme?: 'light' | 'dark' } = {}): Promise<LabPage> {
      current = await started().openPage(pageOptions);
      await current.goto(`${started().url}${hash}`);
      return current;
    },
  };
}
