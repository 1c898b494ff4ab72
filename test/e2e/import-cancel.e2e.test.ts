/**
 * Cancel during a long import of DMARC report files: ten thousand files dropped on the page go in
 * batches; Cancel, pressed once the first files are read, stops the batch under way and the ones
 * after it, and the summary says how far the import got. What it imported stays in history.
 */
import { describe, expect, it } from 'vitest';
import { aggregateXml, KNOWN_DOMAIN, knownRecords } from '../helpers/dmarc-reports';
import { expectGone, expectNoAxeViolations, expectNoInternals, expectVisible, serveCall, useLab } from './harness';

const t = useLab();
const FILES = 10_000;

describe('cancelling an import of report files', () => {
  it('stops after the files read so far, says so, and keeps what was imported', async () => {
    const page = await t.open('#/reports');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'DMARC reports' }), 'the DMARC reports page');

    // One report per file, each with an id of its own: the page builds them and drops them on the box.
    const begin = Math.floor(Date.now() / 86_400_000) * 86_400 - 3 * 86_400;
    const template = aggregateXml({ org: 'google.com', reportId: 'cancel-ID', domain: KNOWN_DOMAIN, begin, records: knownRecords().slice(0, 1), p: 'none' });
    await page.evaluate(
      ({ template, count }) => {
        const transfer = new DataTransfer();
        for (let i = 0; i < count; i++) transfer.items.add(new File([template.replace('cancel-ID', `cancel-${i}`)], `google.com!brand.test!cancel-${i}.xml`, { type: 'text/xml' }));
        const box = [...document.querySelectorAll('p')].find((p) => p.textContent?.startsWith('Drop report files here'))?.closest('.mantine-Paper-root');
        if (!box) throw new Error('no drop box');
        box.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
      },
      { template, count: FILES },
    );

    // The first files are read (a progress event came): Cancel.
    await expectVisible(page.getByRole('status').filter({ hasText: /Importing: [1-9][\d,]* of 10,000 files read\./ }), 'the import under way');
    await page.getByRole('button', { name: 'Cancel' }).click();

    const summary = page.getByTestId('import-summary');
    await expectVisible(summary, 'the summary of the stopped import');
    const text = (await summary.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('Import stopped');
    const match = /Stopped after ([\d,]+) of 10,000 files: ([\d,]+) imported, 0 already imported, 0 refused; ([\d,]+) records added\./.exec(text);
    expect(match, text).not.toBeNull();
    const [read, imported, records] = (match as RegExpExecArray).slice(1).map((n) => Number(n.replace(/,/g, '')));
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(FILES);
    // Every file read holds one report of one record, and each was imported.
    expect(imported).toBe(read);
    expect(records).toBe(read);
    expect(text).toContain('What was imported before the stop is kept.');
    await expectGone(page.getByRole('button', { name: 'Cancel' }), 'the Cancel button');

    // Nothing is lost: history holds exactly the reports the summary counts.
    const list = (await serveCall(t.lab, 'reports.list', { limit: 1 })) as { total: number };
    expect(list.total).toBe(imported);

    await expectNoInternals(page, 'the stopped import');
    await expectNoAxeViolations(page, 'the stopped import');
  });
});
