/**
 * Batch audits in the browser: a pasted list, the live progress, sorting, the CSV export, cancelling.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectVisible, fieldError, useLab, waitForResult, type LabPage } from './harness';

const t = useLab();

/** The batch page with the SMTP probe off: the fixture MX hosts are documentation addresses. */
async function openBatch(): Promise<LabPage> {
  const page = await t.open('#/batch');
  await expectVisible(page.getByRole('heading', { name: 'Batch audits' }), 'the batch page');
  await page.getByRole('checkbox', { name: 'SMTP probe' }).setChecked(false);
  return page;
}

const table = (page: LabPage) => page.getByRole('table', { name: 'Batch results' });
const bodyRows = (page: LabPage) => table(page).locator('tbody tr');
const domainsInOrder = async (page: LabPage) => (await bodyRows(page).locator('td:first-child').allTextContents()).map((s) => s.trim());

describe('batch page', () => {
  it('audits a pasted list, sorts the results, exports them as CSV and links each row to its audit', async () => {
    const page = await openBatch();
    await page.getByLabel('Domains').fill('# clients\ngood.test\n\nbad.test\nnot a domain\nmonitor.test\n');
    const problems = page.getByTestId('batch-problems');
    await expectVisible(problems.getByText(/^Line 5:/), 'the invalid line listed as a problem');
    expect(await problems.textContent()).toMatch(/1 line skipped.*not a domain.*Not a valid domain name/);
    expect(await page.getByTestId('batch-ready').textContent()).toBe('3 domains ready');

    await page.getByRole('button', { name: 'Run batch' }).click();
    const progress = page.getByTestId('batch-progress');
    await expectVisible(progress.getByText(/^Batch finished: 3 audited\.$/), 'the finished batch', 30_000);
    expect(await page.getByTestId('batch-count').textContent()).toBe('3 of 3 done');
    expect(await bodyRows(page).count()).toBe(3);
    expect(await domainsInOrder(page)).toEqual(['good.test', 'bad.test', 'monitor.test']);
    expect(await table(page).locator('tbody tr[data-state="done"]').count()).toBe(3);

    // Sorting: score ascending puts the worst first; a second click flips it.
    const scores = async () => (await bodyRows(page).locator('td:nth-child(2)').allTextContents()).map(Number);
    await table(page).getByRole('button', { name: /^Score/ }).click();
    expect(await table(page).getByRole('columnheader', { name: /^Score/ }).getAttribute('aria-sort')).toBe('ascending');
    const ascending = await scores();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    expect((await domainsInOrder(page))[0]).toBe('bad.test');
    expect(await domainsInOrder(page)).not.toEqual(['good.test', 'bad.test', 'monitor.test']);
    await table(page).getByRole('button', { name: /^Score/ }).click();
    expect(await scores()).toEqual([...ascending].reverse());
    const shown = await domainsInOrder(page);

    // The CSV has the rows in the order shown, with bad.test's codes.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^deliverlab-batch-\d{4}-\d{2}-\d{2}-\d{4}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('domain,score,grade,critical,warning,codes,audited_at');
    expect(lines.slice(1, 4).map((l) => l.split(',')[0])).toEqual(shown);
    expect(lines[4]).toBe('');
    const bad = lines.find((l) => l.startsWith('bad.test,'))?.split(',') ?? [];
    expect(bad[3]).toBe('2');
    expect(bad[5]?.split(';')).toEqual(expect.arrayContaining(['spf.missing', 'dmarc.missing']));
    expect(bad[6]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(Number(bad[1])).toBe(ascending[0]);

    // Each domain opens its stored audit.
    await table(page).getByRole('link', { name: 'bad.test', exact: true }).click();
    await waitForResult(page, 'bad.test');
    expect(page.url()).toMatch(/#\/history\/\d+$/);
    // Back on the batch page, the finished batch is still there.
    await page.getByRole('link', { name: 'Batch', exact: true }).click();
    await expectVisible(table(page), 'the batch results after coming back');
    expect(await bodyRows(page).count()).toBe(3);
  });

  it('stops starting audits on Cancel and lets the one in flight finish', async () => {
    const page = await openBatch();
    // None of these was audited by the other tests of this file, so history shows what this batch ran.
    const others = ['inherit.test', 'shop.inherit.test', 'nullmx.test', 'nomx.test', 'twospf.test', 'broken.test', 'split.test', 'void.spf.test', 'lookups.spf.test'];
    // slow.test's records answer after 1.5 s: with one audit at a time, it holds the queue.
    await page.getByLabel('Domains').fill(['slow.test', ...others].join('\n'));
    await page.getByLabel('Parallel audits').fill('1');
    await page.getByRole('button', { name: 'Run batch' }).click();
    const progress = page.getByTestId('batch-progress');
    await expectVisible(progress.getByText('Auditing slow.test', { exact: true }), 'slow.test in flight');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expectVisible(progress.getByText(/no new audits start\. The audit already running will finish\./), 'what Cancel does');
    await expectVisible(progress.getByText(/^Batch finished: .*9 not run \(cancelled\)\.$/), 'the cancelled batch', 30_000);
    expect(await table(page).locator('tbody tr[data-state="not-run"]').count()).toBe(9);
    const slow = table(page).locator('tbody tr').filter({ hasText: 'slow.test' });
    expect(['done', 'failed']).toContain(await slow.getAttribute('data-state'));
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    // Nothing but slow.test reached history.
    await page.getByRole('link', { name: 'History', exact: true }).click();
    const past = page.getByRole('table', { name: 'Past audits' });
    await expectVisible(past, 'the history table');
    await expectVisible(past.getByRole('link', { name: 'slow.test', exact: true }), 'slow.test in history');
    for (const domain of others) expect(await past.getByRole('link', { name: domain, exact: true }).count()).toBe(0);
  });

  it('refuses an address in the list in the words the Audit page uses for it', async () => {
    // What the Audit page says beside its Domain field when the address is typed there: no audit runs.
    const audit = await t.open('#/audit');
    await audit.getByLabel('Domain', { exact: true }).fill('192.0.2.1');
    await audit.getByRole('button', { name: 'Run audit' }).click();
    expect(await fieldError(audit.getByLabel('Domain', { exact: true }), 'Domain')).toBe(
      'Not a valid domain name: it is an IPv4 address: to check an address, give it as a sending IP',
    );
    expect(await audit.getByTestId('audit-progress').count()).toBe(0);

    const page = await openBatch();
    await page.getByLabel('Domains').fill('good.test\n192.0.2.1\n');
    const problems = page.getByTestId('batch-problems');
    await expectVisible(problems.getByText(/^Line 2:/), 'the address listed as a problem');
    expect(await problems.textContent()).toMatch(/1 line skipped.*192\.0\.2\.1 — Not a valid domain name: it is an IPv4 address: to check an address, give it as a sending IP/);
    expect(await page.getByTestId('batch-ready').textContent()).toBe('1 domain ready');
  });

  it('imports a CSV file with a header row', async () => {
    const page = await openBatch();
    const csv = 'Domain,Client\ngood.test,"ACME, Inc."\n=cmd|x,evil\nbad.test,Other\n';
    await page.locator('input[type="file"]').setInputFiles({ name: 'clients.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expectVisible(page.getByText('2 domains ready'), 'the imported domains counted');
    expect(await page.getByLabel('Domains').inputValue()).toBe(csv);
    expect(await page.getByTestId('batch-problems').textContent()).toMatch(/Line 3:.*=cmd\|x/);
  });
});
