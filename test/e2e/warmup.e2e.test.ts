/**
 * The warm-up planner in the browser: reached from its link on the Sending health page, the schedule
 * per provider as tables and a chart (a series per provider) for the numbers typed, each template's
 * providers, description and own sources, a refused start beside its field, a high start held to the
 * providers' first-day caps, the plan downloaded as CSV and as a calendar, saved with its IP and shown
 * with no sending data yet, then against imported data per provider; deleted; axe in both schemes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readIcs } from '../helpers/ics-check';
import { confirmDelete, expectGone, expectNoAxeViolations, expectNoInternals, expectVisible, fieldError, screenshot, useLab, type LabPage } from './harness';

const t = useLab();

async function openPlanner(colorScheme: 'light' | 'dark' = 'light'): Promise<LabPage> {
  const page = await t.open('#/home', { colorScheme });
  await page.getByRole('link', { name: 'Sending health' }).click();
  await page.getByRole('link', { name: 'Warm-up planner' }).click();
  await expectVisible(page.getByRole('heading', { level: 1, name: 'Warm-up planner' }), 'the warm-up planner');
  await page.getByLabel('Start date').fill('2025-03-01');
  await expectVisible(page.getByTestId('warmup-summary').getByText(/on 2025-03-01/), 'the plan from 2025-03-01');
  return page;
}

const text = async (page: LabPage, testId: string) => (await page.getByTestId(testId).innerText()).replace(/\s+/g, ' ');
/** A table row's cells as written (a badge's text, not its upper-cased rendering). */
const cells = async (row: ReturnType<LabPage['locator']>) => (await row.locator('th, td').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim());

async function download(page: LabPage, button: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

describe('Warm-up planner', () => {
  it('shows the schedule day by day for the numbers typed, and each template with its sources', async () => {
    const page = await openPlanner();
    expect(await page.getByLabel('Daily target').inputValue()).toBe('50000');
    expect(await text(page, 'warmup-summary')).toBe('1,000 on 2025-03-01, reaching 50,000 a day on day 13 (2025-03-13), held to day 16 (2025-03-16): 503,926 messages in all.');
    const table = page.getByRole('table', { name: 'Warm-up schedule' });
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(16);
    expect(await cells(rows.nth(0))).toEqual(['1', '2025-03-01', '1,000', '400', '200', '100', '100', '200', '1,000', 'Engaged in the last 30 days']);
    // Gmail, Apple and Other at their shares on day 7; Microsoft and Yahoo still growing.
    expect((await cells(rows.nth(6))).slice(0, 8)).toEqual(['7', '2025-03-07', '38,417', '20,000', '2,278', '1,139', '5,000', '10,000']);
    expect((await cells(rows.nth(12))).slice(0, 8)).toEqual(['13', '2025-03-13', '50,000', '20,000', '10,000', '5,000', '5,000', '10,000']);

    const each = page.getByRole('table', { name: "Each provider's warm-up" }).locator('tbody tr');
    expect(await Promise.all([0, 1, 2, 3, 4].map((i) => cells(each.nth(i))))).toEqual([
      ['Gmail', '40 %', '400', '20,000', 'Day 7 (2025-03-07)'],
      ['Microsoft', '20 %', '200', '10,000', 'Day 13 (2025-03-13)'],
      ['Yahoo', '10 %', '100', '5,000', 'Day 13 (2025-03-13)'],
      ['Apple', '10 %', '100', '5,000', 'Day 7 (2025-03-07)'],
      ['Other', '20 %', '200', '10,000', 'Day 7 (2025-03-07)'],
    ]);
    const chart = page.getByRole('figure', { name: 'Messages a day by provider' });
    await expectVisible(chart, 'the chart');
    await expectVisible(chart.locator('.recharts-line'), 'a line per provider');
    expect(await chart.locator('.recharts-line').count()).toBe(5);
    await chart.getByText('Values of “Messages a day by provider” as a table').click();
    const values = chart.getByRole('table', { name: 'Messages a day by provider' });
    expect(await cells(values.locator('thead tr'))).toEqual(['Date', 'Gmail', 'Microsoft', 'Yahoo', 'Apple', 'Other', 'Total']);
    expect(await cells(values.locator('tbody tr').nth(1))).toEqual(['2025-03-02', '800', '300', '150', '200', '400', '1,850']);

    expect(await text(page, 'template-description')).toMatch(/^For a list that is opted in and mailed regularly/);
    const standardProviders = page.getByRole('table', { name: 'The standard template by provider' }).locator('tbody tr');
    expect(await cells(standardProviders.nth(1))).toEqual(['Microsoft', '500', '×1.5 on days 2–7, ×1.3 on days 8–14, ×1.2 from day 15']);
    expect(await cells(standardProviders.nth(0))).toEqual(['Gmail', '2,000', '×2 on days 2–7, ×1.5 on days 8–14, ×1.25 from day 15']);
    await expectVisible(page.getByRole('link', { name: /Twilio SendGrid: Warming Up An IP Address/ }), "the standard template's sources");

    await page.getByText('Conservative', { exact: true }).click();
    await expectVisible(page.getByTestId('warmup-summary').getByText(/^900 on 2025-03-01, reaching 50,000 a day on day 23 \(2025-03-23\), held to day 30/), 'the conservative plan');
    expect(await text(page, 'warmup-capped')).toBe('Day 1 sends 900 rather than the 1,000 asked for: the template starts Microsoft at 100 at most.');
    expect(await text(page, 'template-description')).toMatch(/^For a list with older or less engaged recipients/);
    const conservativeProviders = page.getByRole('table', { name: 'The conservative template by provider' }).locator('tbody tr');
    expect(await cells(conservativeProviders.nth(2))).toEqual(['Yahoo', '100', '×1.3 on days 2–14, ×1.15 from day 15']);
    // Each template lists its own sources.
    await expectVisible(page.getByRole('link', { name: /Amazon Web Services: Amazon SES Developer Guide/ }), "the conservative template's sources");
    await expectGone(page.getByRole('link', { name: /Twilio SendGrid/ }), "the standard template's own source");

    await page.getByLabel('Daily target').fill('20,000');
    await expectVisible(page.getByTestId('warmup-summary').getByText(/reaching 20,000 a day on day 16/), 'the plan to 20,000');
    await expectNoInternals(page, 'the warm-up planner');
    await expectNoAxeViolations(page, 'the warm-up planner with a plan');
    await screenshot(page, 'warmup-planner');
  });

  it('says beside the field what is wrong with a start above the target, and warns of a high start', async () => {
    const page = await openPlanner();
    const start = page.getByLabel('Starting volume');
    await start.fill('60000');
    expect(await fieldError(start, 'Starting volume')).toBe('The starting volume (60,000) is more than the daily target (50,000): start lower, or raise the target.');
    await expectGone(page.getByTestId('warmup-plan'), 'the schedule of a refused plan');
    await start.fill('6000');
    await expectVisible(page.getByRole('alert').getByText(/above the standard template's first-day limit of 5,000/), 'the warning of a high start');
    expect(await text(page, 'warmup-capped')).toBe('Day 1 sends 4,600 rather than the 6,000 asked for: the template starts Gmail at 2,000, Microsoft at 500, Yahoo at 500 and Other at 1,000 at most.');
    const apple = page.getByRole('table', { name: "Each provider's warm-up" }).getByRole('row', { name: /^Apple/ });
    expect(await cells(apple)).toEqual(['Apple', '10 %', '600', '5,000', 'Day 5 (2025-03-05)']);
    const microsoft = page.getByRole('table', { name: "Each provider's warm-up" }).getByRole('row', { name: /^Microsoft/ });
    expect((await cells(microsoft))[2]).toBe('500 (its first-day cap)');
    await expectNoAxeViolations(page, 'the planner with a warning');
  });

  it('downloads the plan as CSV and as a calendar, one event a day', async () => {
    const page = await openPlanner();
    const csv = await download(page, 'Download CSV');
    expect(csv.name).toBe('deliverlab-warmup-standard-2025-03-01.csv');
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('day,date,volume,gmail,microsoft,yahoo,apple,other,cumulative,engaged_within_days,segment_advice');
    expect(lines.slice(1, -1).map((l) => l.split(',')[2])).toEqual(['1000', '1850', '3475', '6613', '12719', '24678', '38417', '39443', '40775', '42508', '44760', '47688', '50000', '50000', '50000', '50000']);
    // The Microsoft column, by its own slower schedule.
    expect(lines.slice(1, -1).map((l) => Number(l.split(',')[4]))).toEqual([200, 300, 450, 675, 1013, 1519, 2278, 2962, 3850, 5005, 6507, 8459, 10_000, 10_000, 10_000, 10_000]);
    const ics = await download(page, 'Download calendar');
    expect(ics.name).toBe('deliverlab-warmup-standard-2025-03-01.ics');
    const cal = readIcs(ics.text);
    expect(cal.events.map((e) => e.get('DTSTART')?.raw)).toEqual(Array.from({ length: 16 }, (_, i) => `202503${String(i + 1).padStart(2, '0')}`));
  });

  it('saves a plan for an IP, shows it has no sending data yet, and deletes it', async () => {
    const page = await openPlanner('dark');
    await page.getByRole('button', { name: 'Save plan' }).click();
    expect(await fieldError(page.getByLabel('Plan name'), 'Plan name')).toBe('Name the plan');
    await page.getByLabel('Plan name').fill('New IP in Frankfurt');
    await page.getByLabel('IP address or domain').fill('192.0.2.10');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await expectVisible(page.getByRole('status').getByText('Saved “New IP in Frankfurt” for 192.0.2.10.'), 'the saved message');
    const saved = page.getByRole('region', { name: 'New IP in Frankfurt' });
    await expectVisible(saved.getByText(/No sending data imported yet/), 'the saved plan with no data');
    expect((await saved.innerText()).replace(/\s+/g, ' ')).toContain('192.0.2.10 · Standard · 1,000 to 50,000 a day, 2025-03-01 to 2025-03-16');
    await expectNoInternals(page, 'the planner with a saved plan');
    await expectNoAxeViolations(page, 'the planner with a saved plan, dark');

    await page.reload();
    await expectVisible(page.getByRole('region', { name: 'New IP in Frankfurt' }), 'the saved plan after a reload');
    await page.getByRole('button', { name: 'Delete the plan New IP in Frankfurt' }).click();
    await confirmDelete(page, /New IP in Frankfurt/);
    await expectVisible(page.getByText('No saved plans yet.'), 'no saved plans');
  });

  it('shows a saved plan against the imported sending data, in all and per provider', async () => {
    const page = await t.open('#/health');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Sending health' }), 'the sending health page');
    // Gmail on its plan (400, 800), Yahoo over it (300 and 150 against 100 and 150), nothing to the others.
    const csv = [
      'date,sending_domain,ip,recipient_domain,sent,delivered,bounced_hard,bounced_soft,complaints,opens,clicks,unsubscribes',
      '2025-03-01,warmup-e2e.example,192.0.2.31,gmail.com,400,400,0,0,0,0,0,0',
      '2025-03-01,warmup-e2e.example,192.0.2.31,yahoo.com,300,300,0,0,0,0,0,0',
      '2025-03-02,warmup-e2e.example,192.0.2.31,gmail.com,800,800,0,0,0,0,0,0',
      '2025-03-02,warmup-e2e.example,192.0.2.31,yahoo.com,150,150,0,0,0,0,0,0',
    ].join('\n');
    await page.locator('input[type=file]').setInputFiles([{ name: 'warmup-e2e.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\n`) }]);
    await expectVisible(page.getByTestId('health-import-summary'), 'the import summary');
    await page.getByRole('link', { name: 'Warm-up planner' }).click();
    await page.getByLabel('Start date').fill('2025-03-01');
    await expectVisible(page.getByTestId('warmup-summary').getByText(/on 2025-03-01/), 'the plan from 2025-03-01');
    await page.getByLabel('Plan name').fill('Second IP');
    await page.getByLabel('IP address or domain').fill('192.0.2.31');
    await page.getByRole('button', { name: 'Save plan' }).click();
    const saved = page.getByRole('region', { name: 'Second IP' });
    await expectVisible(saved.getByText('Through 2025-03-02: 1,650 sent of 2,850 planned.'), 'the progress in all');
    await expectVisible(saved.getByText('Behind', { exact: true }).first(), 'behind in all');
    const by = saved.getByRole('table', { name: 'Second IP by provider' }).locator('tbody tr');
    expect(await Promise.all([0, 1, 2, 3, 4].map((i) => cells(by.nth(i))))).toEqual([
      ['Gmail', '1,200', '1,200', 'On track'],
      ['Microsoft', '500', '0', 'Behind'],
      ['Yahoo', '250', '450', 'Ahead'],
      ['Apple', '300', '0', 'Behind'],
      ['Other', '600', '0', 'Behind'],
    ]);
    await expectNoInternals(page, 'a saved plan with its progress');
    await expectNoAxeViolations(page, 'a saved plan with its progress per provider');
    await screenshot(page, 'warmup-progress-providers');
  });
});
