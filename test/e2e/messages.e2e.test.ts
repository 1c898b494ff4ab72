/**
 * Analysing received messages in the browser against `deliverlab serve`, as a user does: paste,
 * open or drop a message, read the verdict and the tabs, preview it safely, and manage the history.
 */
import { describe, expect, it } from 'vitest';
import { dkimSigned, runDkimKey } from '../helpers/run-dkim-key';
import { confirmDelete, expectGone, expectVisible, screenshot, useLab, type LabPage } from './harness';

/** signed.msgapi.test's SPF and DMARC come from msgapi.zone; the DKIM key is made for this run. */
const SIGNED = 'signed.msgapi.test';
const SELECTOR = 'e2eui1';
const KEY = runDkimKey(SIGNED, SELECTOR);

const t = useLab({
  extraRecords: KEY.zoneLine,
  chromiumArgs: [
    // Chromium runs sandboxed frames in a process of their own, whose requests Playwright neither
    // sees nor intercepts; in one process, page.on('request') and page.route cover the preview too.
    // The frame's sandbox and CSP are the same either way.
    '--disable-features=IsolateSandboxedIframes',
    // No name resolves outside loopback: should an interception be missed, nothing leaves the machine.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ],
});

/** A 1×1 PNG, served for the remote image once the user allows it (nothing leaves the machine). */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

const HEADERS = [
  'Received: from mail.good.test (mail.good.test [198.51.100.7]) by mx.receiver.test with ESMTPS id r2; Thu, 26 Nov 2026 10:00:05 +0000',
  'Received: from app.good.test (app.good.test [198.51.100.9]) by mail.good.test with ESMTP id r1; Thu, 26 Nov 2026 10:00:01 +0000',
  'Authentication-Results: mx.receiver.test; spf=pass smtp.mailfrom=good.test; dkim=none; dmarc=pass header.from=good.test',
  'Return-Path: <bounces@good.test>',
  'From: Good News <news@good.test>',
  'To: user@receiver.test',
  'Subject: Autumn sale',
  'Date: Thu, 26 Nov 2026 10:00:00 +0000',
  'Message-ID: <sale-1@good.test>',
  'MIME-Version: 1.0',
];

/** A plain marketing message with a remote image, a link and a script the preview must drop. */
function message(subject = 'Autumn sale'): string {
  return [
    ...HEADERS.map((h) => (h.startsWith('Subject:') ? `Subject: ${subject}` : h)),
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello! The sale is on: https://shop.good.test/sale',
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><body><h1>Autumn sale</h1><p>Everything must go.</p>',
    '<img src="https://images.example/x.png" alt="Sale banner" width="600" height="200">',
    '<p><a href="https://shop.good.test/sale">Shop the sale</a></p>',
    '<script>document.title = "pwned"</script></body></html>',
    '--b1--',
    '',
  ].join('\r\n');
}

/** A message from signed.msgapi.test, DKIM-signed with this run's key; `tamper` adds a footer after signing. */
async function signedMessage(subject: string, tamper = false): Promise<Buffer> {
  const message = Buffer.from(
    [
      `Received: from mx.${SIGNED} (mx.${SIGNED} [192.0.2.50]) by mx.receiver.test with ESMTPS id s1; Thu, 26 Nov 2026 10:00:02 +0000`,
      `Return-Path: <bounce@${SIGNED}>`,
      `From: Billing <billing@${SIGNED}>`,
      'To: customer@receiver.test',
      `Subject: ${subject}`,
      'Date: Thu, 26 Nov 2026 10:00:00 +0000',
      `Message-ID: <${subject.replace(/\W/g, '')}@${SIGNED}>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Your invoice is attached.',
      '',
    ].join('\r\n'),
  );
  const footer = tamper ? Buffer.from('--\r\nSent through the Example list server\r\n') : Buffer.alloc(0);
  return Buffer.concat([await dkimSigned(message, KEY), footer]);
}

async function openFile(page: LabPage, name: string, buffer: Buffer): Promise<void> {
  await page.getByRole('checkbox', { name: 'Check link domains against blocklists' }).setChecked(false);
  await page.locator('input[type="file"]').setInputFiles({ name, mimeType: 'message/rfc822', buffer });
}

/**
 * Every request the page lets out towards a non-loopback address, as URLs: the route is where a
 * request would leave for the network. The remote image is answered locally; anything else is aborted.
 */
async function watchOutbound(page: LabPage): Promise<{ outbound: string[]; refused: string[]; refusal: Promise<void>; reported: Promise<void> }> {
  const outbound: string[] = [];
  const refused: string[] = [];
  let onRefusal: () => void = () => undefined;
  let onReport: () => void = () => undefined;
  // Resolved by the events themselves, so a test waits for the refusal rather than for time to pass.
  const refusal = new Promise<void>((resolve) => (onRefusal = resolve));
  const reported = new Promise<void>((resolve) => (onReport = resolve));
  await page.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => {
      outbound.push(route.request().url());
      return /^https:\/\/images\.example\//.test(route.request().url())
        ? route.fulfill({ body: PIXEL, contentType: 'image/png' })
        : route.abort();
    },
  );
  // Chromium reports a load the CSP refused as a request that failed before it was sent.
  page.on('requestfailed', (request) => {
    if (!request.url().includes('images.example')) return;
    refused.push(request.failure()?.errorText ?? '');
    onRefusal();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/.test(message.text()) && /images\.example/.test(message.text())) onReport();
  });
  return { outbound, refused, refusal, reported };
}

/**
 * Takes the preview frame's CSP refusals of remote images out of the page's problems.
 *
 * They are the preview working as meant (Chromium logs each refusal as a console error); any other
 * error still fails the test.
 */
function takeBlockedImageReports(page: LabPage): string[] {
  const blocked = page.problems.filter((p) => /Content Security Policy/.test(p) && /images\.example/.test(p));
  for (const report of blocked) page.problems.splice(page.problems.indexOf(report), 1);
  return blocked;
}

async function paste(page: LabPage, text: string): Promise<void> {
  await page.getByRole('checkbox', { name: 'Check link domains against blocklists' }).setChecked(false);
  await page.getByLabel('Paste a message or its headers').fill(text);
  await page.getByRole('button', { name: 'Analyse' }).click();
}

async function waitForAnalysis(page: LabPage, subject: string) {
  const result = page.getByTestId('message-result').filter({ has: page.getByRole('heading', { level: 2, name: subject, exact: true }) });
  await expectVisible(result, `the analysis of "${subject}"`, 20_000);
  return result;
}

describe('messages page', () => {
  it('analyses a pasted message: verdict strip, tabs, and a preview that loads nothing until allowed', async () => {
    const page = await t.open('#/messages');
    const { outbound, refused, refusal, reported } = await watchOutbound(page);

    await paste(page, message());
    const result = await waitForAnalysis(page, 'Autumn sale');
    expect(page.url()).toMatch(/#\/messages\/[1-9][0-9]*$/);

    // The verdict strip, in mailauth's words.
    const strip = result.getByTestId('verdict-strip');
    for (const label of ['SPF', 'DKIM', 'DMARC', 'ARC', 'BIMI']) {
      const badge = strip.getByTestId(`verdict-${label.toLowerCase()}`);
      await expectVisible(badge, `the ${label} verdict`);
      expect(await badge.getAttribute('data-result')).toMatch(/^(pass|fail|softfail|neutral|none|temperror|permerror|policy|unaligned)$/);
    }
    expect(await strip.getByTestId('verdict-dkim').getAttribute('data-result')).toBe('none');
    await expectVisible(result.getByTestId('message-envelope').getByText(/198\.51\.100\.7/), 'the connecting IP read from the trusted hop');

    // Authentication: the receiver's words beside ours.
    await expectVisible(result.getByRole('table', { name: 'Receiver and our results' }), 'the receiver comparison');
    await expectVisible(result.getByText('The message carries no DKIM-Signature header.'), 'the missing DKIM signature');

    // Headers: lint and the raw block, wrapped monospace.
    await result.getByRole('tab', { name: /^Headers/ }).click();
    const headers = result.getByTestId('raw-headers');
    await expectVisible(headers, 'the raw header block');
    expect(await headers.textContent()).toContain('Message-ID: <sale-1@good.test>');

    // Hops: oldest first, the trusted hop marked.
    await result.getByRole('tab', { name: 'Hops' }).click();
    const hops = result.getByRole('table', { name: 'Hops' });
    await expectVisible(hops, 'the hop timeline');
    await expectVisible(hops.locator('tr[data-trusted]').getByText('mx.receiver.test'), 'the trusted hop, by mx.receiver.test');
    expect(await result.getByTestId('transit').textContent()).toMatch(/2 hops, 4 s in transit/);

    await result.getByRole('tab', { name: 'Provider rules' }).click();
    expect(await result.getByTestId('provider-scorecard').count()).toBeGreaterThan(0);

    // Content: links as text only, and the sandboxed preview.
    await result.getByRole('tab', { name: /^Content/ }).click();
    const links = result.getByRole('table', { name: 'Links' });
    await expectVisible(links.getByText('https://shop.good.test/sale', { exact: true }), 'the link address as text');
    expect(await page.locator('a[href*="shop.good.test"]').count()).toBe(0);

    const frame = result.getByTestId('message-preview');
    await expectVisible(frame, 'the preview frame');
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await frame.getAttribute('referrerpolicy')).toBe('no-referrer');
    const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
    expect(srcdoc).toMatch(/^<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/);
    expect(srcdoc).not.toContain('<script');
    const inside = page.frameLocator('[data-testid="message-preview"]');
    await expectVisible(inside.getByText('Shop the sale'), 'the message text inside the preview');
    expect(await inside.locator('a[href]').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');

    // The frame tried the image and the CSP stopped it before any request left.
    await refusal;
    await reported;
    expect(outbound).toEqual([]);
    expect(refused).toContain('csp');
    expect(takeBlockedImageReports(page).length).toBeGreaterThan(0);

    // Consent for this message only: the frame's policy now allows remote images, and the image is requested.
    const imageLoaded = page.waitForResponse((r) => r.url() === 'https://images.example/x.png', { timeout: 10_000 });
    await result.getByRole('button', { name: 'Show remote images for this message' }).click();
    await imageLoaded;
    expect(outbound).toEqual(['https://images.example/x.png']);
    expect(await result.getByTestId('message-preview').getAttribute('srcdoc')).toContain(
      `content="default-src 'none'; style-src 'unsafe-inline'; img-src data: https: http:"`,
    );
    await expectVisible(result.getByText('Remote images shown for this message'), 'the remote-images notice');

    // The text view of the text part.
    await result.locator('label').filter({ hasText: /^Text$/ }).click();
    await expectVisible(result.getByTestId('message-text').getByText(/The sale is on/), 'the text part');
  });

  it('opens an .eml with the file button and by dropping it on the drop zone', async () => {
    const page = await t.open('#/messages');
    await page.getByRole('checkbox', { name: 'Check link domains against blocklists' }).setChecked(false);
    await page.locator('input[type="file"]').setInputFiles({
      name: 'opened.eml',
      mimeType: 'message/rfc822',
      buffer: Buffer.from(message('Opened from a file')),
    });
    await waitForAnalysis(page, 'Opened from a file');

    await page.getByRole('link', { name: '← Messages' }).click();
    await page.getByRole('checkbox', { name: 'Check link domains against blocklists' }).setChecked(false);
    const dataTransfer = await page.evaluateHandle((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'dropped.eml', { type: 'message/rfc822' }));
      return transfer;
    }, message('Dropped on the zone'));
    const zone = page.getByTestId('message-drop-zone');
    await zone.dispatchEvent('dragover', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
    await waitForAnalysis(page, 'Dropped on the zone');
  });

  it('says what cannot be checked when only headers are pasted', async () => {
    const page = await t.open('#/messages');
    await paste(page, [...HEADERS.map((h) => (h.startsWith('Subject:') ? 'Subject: Headers only' : h)), ''].join('\n'));
    const result = await waitForAnalysis(page, 'Headers only');
    const note = result.getByTestId('headers-only');
    await expectVisible(note, 'the headers-only notice');
    expect(await note.textContent()).toMatch(/DKIM|body/i);
    await result.getByRole('tab', { name: /^Content/ }).click();
    await expectVisible(result.getByText(/need the whole message/), 'why there is no preview');
    expect(await result.getByTestId('message-preview').count()).toBe(0);
  });

  it('shows the api error for something that is not a message', async () => {
    const page = await t.open('#/messages');
    await paste(page, 'this is just a sentence, not an email at all');
    const error = page.getByTestId('message-error');
    await expectVisible(error, 'the error alert');
    const text = (await error.textContent()) ?? '';
    expect(text).toMatch(/The message could not be analysed/);
    // The api's own words follow the title.
    expect(text.replace('The message could not be analysed', '').trim().length).toBeGreaterThan(10);
    expect(page.url()).toMatch(/#\/messages$/);

    // A binary file opened by mistake: the api says what it is.
    await openFile(page, 'photo.eml', PIXEL);
    await expectVisible(error.getByText(/This is a PNG image, not an e-mail message/), 'the binary-file error');
    for (const report of page.problems.filter((p) => /status of 400/.test(p))) page.problems.splice(page.problems.indexOf(report), 1);
  });

  it('shows every DKIM signature, and explains a body-hash failure', async () => {
    const page = await t.open('#/messages');
    await openFile(page, 'signed.eml', await signedMessage('Signed invoice'));
    let result = await waitForAnalysis(page, 'Signed invoice');
    expect(await result.getByTestId('verdict-dkim').getAttribute('data-result')).toBe('pass');
    expect(await result.getByTestId('verdict-dkim').textContent()).toBe('DKIM pass');
    let card = result.getByTestId('dkim-signature');
    await expectVisible(card.getByText(`d=${SIGNED} s=${SELECTOR}`), 'the signature card');
    const text = (await card.textContent()) ?? '';
    expect(text).toMatch(/Aligned with FromYes/);
    expect(text).toContain('2048 bits');
    expect(text).toContain('relaxed/relaxed');
    expect(text).toMatch(/Body hash computed.*match/);
    expect(await card.getByTestId('dkim-explanation').count()).toBe(0);

    await page.getByRole('link', { name: '← Messages' }).click();
    await openFile(page, 'footer.eml', await signedMessage('Footer added', true));
    result = await waitForAnalysis(page, 'Footer added');
    // A body that no longer matches its hash fails (RFC 6376 §6.1.3); lenient receivers say neutral.
    expect(await result.getByTestId('verdict-dkim').getAttribute('data-result')).toBe('fail');
    card = result.getByTestId('dkim-signature');
    await expectVisible(card.getByText('mismatch', { exact: true }), 'the body hash mismatch');
    await expectVisible(card.getByTestId('lenient-note').getByText('neutral', { exact: true }), 'what lenient receivers report');
    await expectVisible(card.getByTestId('dkim-explanation'), 'why the signature failed');
  });

  it('shows the raw headers from the stored copy, or says the copy was not kept', async () => {
    const page = await t.open('#/messages');
    await paste(page, message('Stored copy'));
    await waitForAnalysis(page, 'Stored copy');
    // A reload forgets this tab's memory of the input: the headers now come from message.raw.
    await page.reload();
    let result = await waitForAnalysis(page, 'Stored copy');
    await result.getByRole('tab', { name: /^Headers/ }).click();
    await expectVisible(result.getByTestId('raw-headers').getByText(/Subject: Stored copy/), 'the stored header block');

    await page.getByRole('link', { name: '← Messages' }).click();
    await page.getByRole('checkbox', { name: 'Keep the raw message in history' }).setChecked(false);
    await paste(page, message('Not kept'));
    await waitForAnalysis(page, 'Not kept');
    await page.reload();
    result = await waitForAnalysis(page, 'Not kept');
    await result.getByRole('tab', { name: /^Headers/ }).click();
    await expectVisible(result.getByText(/raw message was not kept/), 'why only the Received headers are shown');
    expect(await result.getByTestId('raw-headers').textContent()).toContain('by mx.receiver.test');
    // message.raw answered not-found, which Chromium logs as a failed load.
    for (const report of page.problems.filter((p) => /status of 404/.test(p))) page.problems.splice(page.problems.indexOf(report), 1);
  });

  it('lists past analyses, opens one and deletes it', async () => {
    const page = await t.open('#/messages');
    await paste(page, message('Kept in history'));
    await waitForAnalysis(page, 'Kept in history');
    await page.getByRole('link', { name: 'Messages', exact: true }).click();

    const table = page.getByRole('table', { name: 'Past message analyses' });
    const row = table.getByRole('row').filter({ hasText: 'Kept in history' });
    await expectVisible(row, 'the analysis in the history table');
    expect(await row.textContent()).toContain('news@good.test');
    const before = await table.getByRole('row').count();

    await row.getByRole('link', { name: 'Kept in history' }).click();
    const result = await waitForAnalysis(page, 'Kept in history');
    await result.getByRole('button', { name: 'Delete' }).click();
    await confirmDelete(page, /^Delete the analysis of/);
    await expectVisible(page.getByRole('heading', { name: 'Analyse a message' }), 'the Messages page again');
    await expectGone(table.getByRole('row').filter({ hasText: 'Kept in history' }), 'the deleted analysis');
    expect(await table.getByRole('row').count()).toBe(before - 1);
  });
});

describe('messages screenshots', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`captures the Messages screens in the ${scheme} scheme`, async () => {
      const page = await t.open('#/messages', { colorScheme: scheme });
      await watchOutbound(page);
      await paste(page, message(`Screenshot ${scheme}`));
      const result = await waitForAnalysis(page, `Screenshot ${scheme}`);
      await screenshot(page, `message-auth-${scheme}`);
      await result.getByRole('tab', { name: /^Content/ }).click();
      await expectVisible(page.frameLocator('[data-testid="message-preview"]').getByText('Shop the sale'), 'the preview');
      await screenshot(page, `message-content-${scheme}`);
      await result.getByRole('tab', { name: 'Hops' }).click();
      await screenshot(page, `message-hops-${scheme}`);
      await result.getByRole('tab', { name: /^Headers/ }).click();
      await screenshot(page, `message-headers-${scheme}`);
      await page.getByRole('link', { name: '← Messages' }).click();
      await expectVisible(page.getByRole('table', { name: 'Past message analyses' }), 'the history table');
      await screenshot(page, `messages-${scheme}`);
      await openFile(page, 'footer.eml', await signedMessage(`DKIM broken ${scheme}`, true));
      await waitForAnalysis(page, `DKIM broken ${scheme}`);
      await screenshot(page, `message-dkim-${scheme}`);
      takeBlockedImageReports(page);
    }, 60_000);
  }
});
