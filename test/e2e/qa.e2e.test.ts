/**
 * Design QA in Chromium against `deliverlab serve`: a draft opened by its path and watched, its
 * findings, the preview at the widths picked, in dark mode and its simulations, with images off and
 * remote images loaded only on request, Gmail's clipping line, MJML errors beside the source, the
 * hand-off to a test send (its QA kept with the send), and axe in both schemes.
 *
 * Drafts live in a temporary folder; remote images come from a loopback server that counts what it
 * is asked for; the test send goes to a loopback SMTP sink.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../lab/smtp-sink';
import { expectGone, expectNoAxeViolations, expectNoInternals, expectVisible, finding, screenshot, useLab, UI_TIMEOUT_MS, type LabPage } from './harness';

const t = useLab();
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'qa');

let dir: string;
let images: Server;
let imagePort = 0;
/** Paths the image server was asked for, in order. */
const imageRequests: string[] = [];
const imageWaiters: (() => void)[] = [];
let sink: SmtpSink;

/** A 1×1 PNG, built here (signature, IHDR, IDAT, IEND with their CRCs). */
function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))), chunk('IEND', Buffer.alloc(0))]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-e2e-qa-'));
  const png = tinyPng();
  images = createServer((req, res) => {
    imageRequests.push(req.url ?? '');
    for (const wake of imageWaiters.splice(0)) wake();
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': png.length });
    res.end(png);
  });
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
  imagePort = (images.address() as { port: number }).port;
  sink = await startSmtpSink();
});

afterAll(async () => {
  await new Promise<void>((resolve) => images.close(() => resolve()));
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves at the image server's next request. */
const nextImageRequest = () => new Promise<void>((resolve) => imageWaiters.push(resolve));

const html = (body: string, head = '') => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Autumn news</title>${head}</head><body>${body}</body></html>`;

async function openQa(hash = '#/qa', colorScheme: 'light' | 'dark' = 'light'): Promise<LabPage> {
  const page = await t.open(hash, { colorScheme });
  await expectVisible(page.getByRole('heading', { level: 1, name: 'Design QA' }), 'the Design QA page');
  return page;
}

async function openByPath(page: Page, path: string): Promise<void> {
  await page.getByLabel('Path on this machine').fill(path);
  await page.getByRole('button', { name: 'Open and watch' }).click();
  await expectVisible(page.getByTestId('draft-status').filter({ hasText: 'is watched at' }), `${path} watched`);
}

async function paste(page: Page, text: string): Promise<void> {
  await page.getByLabel('Or paste the HTML').fill(text);
}

/** The first preview frame, once it shows. */
async function firstFrame(page: Page): Promise<FrameLocator> {
  await expectVisible(page.getByTestId('qa-frame'), 'a preview frame');
  return page.frameLocator('[data-testid="qa-frame"]').first();
}

/** A computed style inside the first preview frame, read where the frame runs no script of its own. */
async function frameStyle(page: Page, selector: string, property: 'color' | 'backgroundColor'): Promise<string> {
  const handle = await page.getByTestId('qa-frame').first().elementHandle();
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('no preview frame');
  return frame.evaluate(({ selector, property }) => getComputedStyle(document.querySelector(selector) as Element)[property], { selector, property });
}

/** Waits until a computed style in the first frame is `expected` (the frame's document is rebuilt when the view changes). */
async function expectFrameStyle(page: Page, selector: string, property: 'color' | 'backgroundColor', expected: string): Promise<void> {
  await expect.poll(() => frameStyle(page, selector, property).catch(() => ''), { timeout: UI_TIMEOUT_MS, message: `${selector} ${property}` }).toBe(expected);
}

/**
 * Closes the page, then takes out of its problems the reports of remote images its frames' policy
 * blocked from `host` (Chromium logs each as an error): blocking them is the point. Closed first, so
 * that no report arrives after the count.
 */
async function closeWithBlockedImages(page: LabPage, host: RegExp): Promise<void> {
  await page.context().close();
  for (const report of page.problems.filter((p) => /Content Security Policy/.test(p) && host.test(p))) page.problems.splice(page.problems.indexOf(report), 1);
}

/**
 * Clicks a control that has to be scrolled to past the preview frames. The frames are sandboxed, so
 * Chromium renders them in a process of their own, and a click sent at once after the scroll can be
 * routed by where the frames were before it; two animation frames later the page is hit-tested as
 * it now is (as it always is for a person, who does not click within a millisecond of scrolling).
 */
async function clickBelowFrames(page: Page, target: Locator): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await target.click();
}

const group = (page: Page, name: string): Locator => page.getByRole('region', { name, exact: true });

describe('Design QA', () => {
  it('opens a draft by its path, lists its findings by kind with their lines, and keeps it across a reload', async () => {
    const path = join(dir, 'compat.html');
    writeFileSync(path, readFileSync(join(FIXTURES, 'compat-problems.html')));
    const page = await openQa();
    await openByPath(page, path);
    const compat = group(page, 'Client compatibility');
    await expectVisible(finding(compat, 'compat.unsupported'), 'a compatibility finding');
    // The compatibility list: one finding per feature, naming its clients and its lines.
    const flex = compat.getByRole('listitem').filter({ hasText: 'display:flex' });
    await expectVisible(flex, 'the display:flex finding');
    expect(await flex.textContent()).toMatch(/Outlook/);
    expect(await flex.getByTestId('finding-lines').textContent()).toMatch(/^Lines? \d/);
    expect(await compat.getByText(/Checked for Gmail, Outlook, Apple Mail, Yahoo Mail, Samsung Email, Thunderbird/).count()).toBe(1);
    // Narrowed to one family, the list follows the clients setting.
    await page.getByRole('group', { name: 'Mail clients to check' }).getByText('Apple Mail', { exact: true }).click();
    await expectVisible(compat.getByText('Checked for Apple Mail, from the caniemail.com data', { exact: false }), 'the narrowed list');
    await expectNoInternals(page, 'the Design QA page');
    await screenshot(page, 'qa-findings');
    // Back to every family (none picked), for the reload and the tests after this one.
    await page.getByRole('group', { name: 'Mail clients to check' }).getByText('Apple Mail', { exact: true }).click();
    await expectVisible(compat.getByText(/Checked for Gmail, Outlook/), 'every family again');

    await page.reload();
    await expectVisible(page.getByTestId('draft-status').filter({ hasText: 'compat.html is watched at' }), 'the draft after a reload');
    await expectVisible(finding(group(page, 'Client compatibility'), 'compat.unsupported'), 'the findings after a reload');
    await closeWithBlockedImages(page, /cdn\.example\.com/);
  });

  it('watches the file: a save on disk refreshes the preview and the findings', async () => {
    const path = join(dir, 'watched.html');
    writeFileSync(path, `<!DOCTYPE html><html><head><title>Watched</title></head><body><p style="font-size:16px">Version one of the draft.</p></body></html>`);
    const page = await openQa();
    await openByPath(page, path);
    const frame = await firstFrame(page);
    await expectVisible(frame.getByText('Version one of the draft.'), 'the first version in the preview');
    await expectVisible(finding(group(page, 'Accessibility'), 'a11y.missing-lang'), 'the missing lang finding');

    writeFileSync(path, html('<p style="font-size:16px">Version two, saved in the editor.</p>'));
    await expectVisible(frame.getByText('Version two, saved in the editor.'), 'the saved version in the preview');
    await expectGone(finding(group(page, 'Accessibility'), 'a11y.missing-lang'), 'the fixed finding');
  });

  it('shows MJML errors with their lines beside the source', async () => {
    const page = await openQa();
    await paste(page, readFileSync(join(FIXTURES, 'broken.mjml'), 'utf8'));
    const errors = page.getByRole('region', { name: 'Errors in the draft' });
    await expectVisible(errors, 'the MJML errors');
    const list = errors.getByRole('list', { name: 'Errors by line' });
    expect(await list.getByRole('listitem').allTextContents()).toEqual(['Line 6: Attribute colour is illegal (<mj-text>)', "Line 8: Element mj-bogus doesn't exist or is not registered (<mj-bogus>)"]);
    expect(await errors.locator('[data-error="true"]').evaluateAll((lines) => lines.map((l) => l.getAttribute('data-line')))).toEqual(['6', '8']);
    await expectNoAxeViolations(page, 'Design QA with MJML errors');
  });

  it('shows one frame per width picked, each as wide as its width', async () => {
    const page = await openQa();
    await paste(page, html('<p style="font-size:16px">Widths</p>'));
    await firstFrame(page);
    const chips = page.getByRole('group', { name: 'Widths' });
    // The defaults are 375, 600 and full; pick 320, 414 and 800, drop 375.
    for (const label of ['320 px', '414 px', '800 px', '375 px']) await chips.getByText(label, { exact: true }).click();
    await expect.poll(() => page.getByTestId('qa-frame').evaluateAll((frames) => frames.map((f) => f.getAttribute('data-width'))), { timeout: UI_TIMEOUT_MS }).toEqual(['320', '414', '600', '800', 'full']);
    for (const width of [320, 414, 600, 800]) {
      const handle = await page.locator(`[data-testid="qa-frame"][data-width="${width}"]`).elementHandle();
      const inner = await (await handle?.contentFrame())?.evaluate(() => window.innerWidth);
      expect(inner, `the ${width} px frame`).toBe(width);
    }
    const full = await page.locator('[data-testid="qa-frame"][data-width="full"]').boundingBox();
    const frames = await page.getByTestId('qa-frames').boundingBox();
    expect(Math.round(full?.width ?? 0)).toBe(Math.round(frames?.width ?? -1));
  });

  it('turns the email\'s own dark styles on and off, and simulates the two inversions, whatever the app\'s scheme', async () => {
    const styles = `<style>
      body { background: #ffffff; color: #222222 }
      .button { background: #0b57d0; color: #ffffff }
      @media (prefers-color-scheme: dark) { body { background: #111111; color: #eeeeee } }
    </style>`;
    // The app in dark mode: the preview still shows what the scheme control says.
    const page = await openQa('#/qa', 'dark');
    await paste(page, html('<p>Dark or light?</p><table role="presentation"><tr><td class="button">Read more about the sale</td></tr></table>', styles));
    await firstFrame(page);
    const scheme = page.getByRole('radiogroup', { name: 'Colour scheme' });
    await expectFrameStyle(page, 'body', 'backgroundColor', 'rgb(255, 255, 255)');

    await scheme.getByText('Dark: the email’s own styles').click();
    await expectFrameStyle(page, 'body', 'backgroundColor', 'rgb(17, 17, 17)');
    await expectFrameStyle(page, 'body', 'color', 'rgb(238, 238, 238)');

    await scheme.getByText('Light', { exact: true }).click();
    await expectFrameStyle(page, 'body', 'backgroundColor', 'rgb(255, 255, 255)');

    // Full inversion: the white page and the blue button both turn over.
    await scheme.getByText('Full inversion (simulation)').click();
    await expectFrameStyle(page, 'body', 'backgroundColor', 'rgb(0, 0, 0)');
    await expectFrameStyle(page, 'body', 'color', 'rgb(221, 221, 221)');
    await expectFrameStyle(page, '.button', 'backgroundColor', 'rgb(47, 123, 244)');
    await expectVisible(page.getByText(/A simulation of the full inversion the Gmail and Outlook apps apply/), 'the simulation label');

    // Partial inversion: the white page turns dark, the dark button stays.
    await scheme.getByText('Partial inversion (simulation)').click();
    await expectFrameStyle(page, '.button', 'backgroundColor', 'rgb(11, 87, 208)');
    await expectFrameStyle(page, 'body', 'backgroundColor', 'rgb(0, 0, 0)');
    await expectVisible(page.getByText(/A simulation of the partial inversion Outlook\.com applies/), 'the simulation label');
    await scheme.getByText('Light', { exact: true }).click();
  });

  it('shows alt text with images off, and requests a remote image only after the click, for this draft', async () => {
    const page = await openQa();
    await paste(page, html(`<p style="font-size:16px">Images</p><img src="http://127.0.0.1:${imagePort}/hero.png" alt="Autumn sale banner" width="600" height="200">`));
    const frame = await firstFrame(page);
    const images = page.getByRole('radiogroup', { name: 'Images' });

    await images.getByText('Off: alt text').click();
    await expectVisible(frame.locator('[data-deliverlab-alt]').filter({ hasText: 'Autumn sale banner' }), 'the alt text in the image\'s place');
    expect(await frame.locator('img').count()).toBe(0);

    await images.getByText('On', { exact: true }).click();
    // The image is in the frame, and its load is over: refused by the frame's policy, nothing asked for.
    await expectVisible(frame.locator('img[alt="Autumn sale banner"]'), 'the image element');
    const handle = await page.getByTestId('qa-frame').first().elementHandle();
    const inFrame = await handle?.contentFrame();
    await inFrame?.waitForFunction(() => (document.querySelector('img') as HTMLImageElement).complete, undefined, { timeout: UI_TIMEOUT_MS });
    expect(await inFrame?.evaluate(() => (document.querySelector('img') as HTMLImageElement).naturalWidth)).toBe(0);
    expect(imageRequests).toEqual([]);

    const requested = nextImageRequest();
    await page.getByRole('button', { name: 'Load remote images for this draft' }).click();
    await requested;
    expect(imageRequests[0]).toBe('/hero.png');
    await expectVisible(page.getByText('Remote images loaded for this draft'), 'the consent note');
    await closeWithBlockedImages(page, new RegExp(`127\\.0\\.0\\.1:${imagePort}/hero\\.png`));
  });

  it('draws the line where Gmail clips a draft over 102 KB', async () => {
    const rows = Array.from({ length: 900 }, (_, i) => `<tr><td style="font-size:16px">Row ${i + 1}: a line of the long newsletter, written to pass Gmail's limit.</td></tr>`).join('\n');
    const page = await openQa();
    await paste(page, html(`<table role="presentation">\n${rows}\n</table>`));
    await expectVisible(page.getByTestId('clip-note'), 'the clipping note');
    expect(await page.getByTestId('clip-note').textContent()).toMatch(/line \d+ of the HTML/);
    const frame = await firstFrame(page);
    const marker = frame.locator('[data-deliverlab-clip]');
    await expectVisible(marker, 'the clipping line');
    expect(await marker.count()).toBe(1);
    expect(await marker.evaluate((el) => getComputedStyle(el, '::before').content)).toMatch(/Gmail clips here/);
    // The line falls in the table, after the rows Gmail shows.
    expect(await marker.textContent()).toMatch(/^Row \d{3}:/);
    await expectVisible(finding(group(page, 'Size'), 'content.gmail-clipping'), 'the clipping finding under Size');
  });

  it('opens the draft in Test send with its HTML, subject and text part, and keeps the QA with the send', async () => {
    // A profile for the loopback SMTP sink, saved as the Profiles page would.
    const saved = await fetch(`${t.lab.origin}/api/smtp.save`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Deliverlab-Token': new URL(t.lab.url).searchParams.get('token') ?? '' },
      body: JSON.stringify({ profile: { name: 'qa-sink', host: '127.0.0.1', port: sink.port, security: 'none', from: 'News <news@good.test>' } }),
      signal: AbortSignal.timeout(UI_TIMEOUT_MS),
    });
    expect(saved.status).toBe(200);
    const page = await openQa();
    await paste(page, html('<h1>Autumn news</h1><p style="font-size:16px">Hello from the workshop.</p><img src="https://img.example/x.png">'));
    await expectVisible(finding(group(page, 'Accessibility'), 'a11y.img-no-alt'), 'the findings');
    await clickBelowFrames(page, page.getByRole('button', { name: 'Open in Test send' }));
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Test send' }), 'the Test send page');
    expect(await page.getByLabel('Subject').inputValue()).toBe('Autumn news');
    expect(await page.getByLabel('HTML', { exact: true }).inputValue()).toContain('<p style="font-size:16px">Hello from the workshop.</p>');
    expect(await page.getByLabel('Plain text (optional)').inputValue()).toContain('Hello from the workshop.');
    await expectVisible(page.getByTestId('compose-qa').filter({ hasText: 'kept with the send in history' }), 'the QA note');
    await expect.poll(() => page.getByLabel('SMTP profile').inputValue(), { timeout: UI_TIMEOUT_MS }).toBe('qa-sink');
    await page.getByLabel('Recipients').fill('reader@good.test');
    await page.getByRole('button', { name: 'Send test' }).click();
    const result = page.getByTestId('send-result');
    await expectVisible(result.getByText('accepted', { exact: true }), 'the accepted send');
    const note = result.getByTestId('qa-summary');
    await expectVisible(note, 'the QA kept with the send');
    expect(await note.textContent()).toMatch(/\d+ warnings?/);
    expect(await note.getByText('a11y.img-no-alt', { exact: true }).count()).toBe(1);

    // Opened again from history, the stored send shows it too.
    await page.getByRole('region', { name: 'Past test sends' }).getByRole('row').nth(1).getByRole('button').click();
    await expectVisible(page.getByTestId('send-result').getByText(/Test send #\d+/), 'the stored send');
    await expectVisible(page.getByTestId('send-result').getByTestId('qa-summary').getByText('a11y.img-no-alt', { exact: true }), 'the QA of the stored send');
    await closeWithBlockedImages(page, /img\.example/);
  });

  it('passes axe in the light and the dark scheme with a draft open', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await openQa('#/qa', scheme);
      await paste(page, readFileSync(join(FIXTURES, 'a11y-problems.html'), 'utf8'));
      await expectVisible(finding(group(page, 'Accessibility'), 'a11y.low-contrast'), 'the findings');
      await firstFrame(page);
      await expectNoAxeViolations(page, `Design QA (${scheme})`);
      await screenshot(page, `qa-${scheme}`);
      await closeWithBlockedImages(page, /cdn\.example\.com/);
      expect(page.problems).toEqual([]);
    }
  });
});
