/**
 * Reports from the app in serve: the branding kept in Settings, the PDF export, the batch's
 * portfolio report, and the result page as it prints.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pdfText } from '../helpers/pdf-text';
import { auditDomain, expectNoAxeViolations, expectVisible, useLab, waitForResult, type LabPage } from './harness';
import { fullResult, storeResults } from './stored-results';

const t = useLab();

const HOSTILE_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10" onload="window.pwned=1"><script>window.pwned=2</script>' +
  '<rect width="40" height="10" fill="#0b7285"/><text x="2" y="8" font-size="7" fill="#fff">ACME</text></svg>';

/** Chooses a format and clicks Export report; the downloaded file's name and bytes. */
async function exportAs(page: LabPage, format: string): Promise<{ name: string; bytes: Buffer }> {
  await page.getByLabel('Report format').selectOption(format);
  const button = page.getByRole('button', { name: 'Export report' });
  await expectVisible(button, 'the Export report button');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), button.click()]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}

async function openSettings(): Promise<LabPage> {
  const page = await t.open('#/settings');
  await expectVisible(page.getByRole('region', { name: 'Report branding' }), 'the Report branding section');
  return page;
}

describe('Report branding in Settings', () => {
  it('is kept across a reload with its logo sanitised, and every export carries it', async () => {
    const page = await openSettings();
    const branding = page.getByRole('region', { name: 'Report branding' });
    await branding.getByLabel('Report title').fill('Quarterly mail review');
    await branding.getByLabel('Prepared by').fill('Acme Consulting');
    await branding.getByLabel('Accent colour').fill('#0b7285');
    await branding.getByLabel('Footer text').fill('Confidential to Example Ltd');
    await branding.getByLabel('Logo').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(HOSTILE_SVG) });
    await expectVisible(branding.getByRole('img', { name: 'Logo preview' }), 'the logo preview');
    await branding.getByRole('button', { name: 'Save branding' }).click();
    await expectVisible(branding.getByText('Branding saved.'), 'the saved confirmation');
    await expectNoAxeViolations(page, 'the Settings page with its report branding');

    await page.reload();
    await expectVisible(branding.getByLabel('Report title'), 'the branding after reload');
    expect(await branding.getByLabel('Report title').inputValue()).toBe('Quarterly mail review');
    expect(await branding.getByLabel('Prepared by').inputValue()).toBe('Acme Consulting');
    expect(await branding.getByLabel('Accent colour').inputValue()).toBe('#0b7285');
    expect(await branding.getByLabel('Footer text').inputValue()).toBe('Confidential to Example Ltd');
    const src = (await branding.getByRole('img', { name: 'Logo preview' }).getAttribute('src')) ?? '';
    expect(src).toMatch(/^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(src.split(',')[1] ?? '', 'base64').toString('utf8');
    expect(svg).toContain('ACME');
    expect(svg).not.toMatch(/script|onload|pwned/);

    const audit = fullResult();
    const [id] = storeResults(t.lab, [audit]);
    const item = await t.open(`#/history/${id}`);
    await waitForResult(item, 'full.test');
    const html = (await exportAs(item, 'html')).bytes.toString('utf8');
    expect(html).toContain('Quarterly mail review');
    expect(html).toContain('Prepared by Acme Consulting');
    expect(html).toContain('Confidential to Example Ltd');
    expect(html).toContain('data:image/svg+xml;base64,');
  });

  it('refuses a colour that is not one, beside its field', async () => {
    const page = await openSettings();
    const branding = page.getByRole('region', { name: 'Report branding' });
    await branding.getByLabel('Accent colour').fill('blue');
    await branding.getByRole('button', { name: 'Save branding' }).click();
    await expectVisible(branding.getByText('A colour written as # and 3 or 6 hex digits, like #1a6fd4'), 'the accent colour problem');
    expect(await branding.getByLabel('Accent colour').getAttribute('aria-invalid')).toBe('true');
    expect(await branding.getByText('Branding saved.').count()).toBe(0);
  });
});

describe('PDF and batch exports', () => {
  it('exports a stored audit as a PDF holding the domain and its findings', async () => {
    const audit = fullResult();
    const [id] = storeResults(t.lab, [audit]);
    const page = await t.open(`#/history/${id}`);
    await waitForResult(page, 'full.test');
    const { name, bytes } = await exportAs(page, 'pdf');
    expect(name).toBe(`deliverlab-audit-${id}.pdf`);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const file = join(t.lab.dataDir, 'export.pdf');
    await writeFile(file, bytes);
    const text = pdfText(file);
    expect(text).toContain('full.test');
    expect(text).toContain(audit.findings[0]?.code);
  });

  it('exports a finished batch as one portfolio report with every domain', async () => {
    const page = await t.open('#/batch');
    await expectVisible(page.getByRole('heading', { name: 'Batch audits' }), 'the batch page');
    await page.getByRole('checkbox', { name: 'SMTP probe' }).setChecked(false);
    await page.getByLabel('Domains').fill('good.test\nbad.test\nmonitor.test\n');
    await page.getByRole('button', { name: 'Run batch' }).click();
    await expectVisible(page.getByTestId('batch-progress').getByText(/^Batch finished: 3 audited\.$/), 'the finished batch', 30_000);
    const { name, bytes } = await exportAs(page, 'md');
    expect(name).toBe('deliverlab-portfolio-3-domains.md');
    const md = bytes.toString('utf8');
    for (const domain of ['good.test', 'bad.test', 'monitor.test']) expect(md).toContain(domain);
    const html = (await exportAs(page, 'html')).bytes.toString('utf8');
    for (const domain of ['good.test', 'bad.test', 'monitor.test']) expect(html).toContain(`>${domain}</h2>`);
  });
});

describe('the result page in print', () => {
  it('shows the audit result alone: no sidebar, form or buttons, every item to fix, and no "Copy fix" in its PDF', async () => {
    const page = await t.open('#/audit');
    await auditDomain(page, 'bad.test');
    const result = await waitForResult(page, 'bad.test');
    const items = result.getByTestId('fix-first-item');
    await expectVisible(items.first(), 'the first item to fix');
    const total = await items.count();
    expect(total).toBeGreaterThan(5);
    expect(await page.locator('[data-testid="fix-first-item"]:visible').count()).toBe(5);
    await expectVisible(page.getByRole('button', { name: 'Print' }), 'the Print action');
    await expectVisible(page.getByRole('button', { name: 'Copy fix' }).first(), 'a Copy fix button on screen');

    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    expect(await page.getByText('Copy fix').first().isVisible()).toBe(false);
    expect(await page.locator('button:visible').count()).toBe(0);
    expect(await page.locator('[data-testid="fix-first-item"]:visible').count()).toBe(total);

    const file = join(t.lab.dataDir, 'result-page.pdf');
    await writeFile(file, await page.pdf({ format: 'A4', printBackground: true }));
    const text = pdfText(file);
    expect(text).toContain('bad.test');
    expect(text).not.toContain('Copy fix');
    expect(text).not.toContain('Run audit');
    expect(text).not.toContain('email deliverability workbench');
  });
});
