/**
 * The warm-up planner in the browser: reached from its link on the Sending health page, the schedule as a table and a chart for
 * the numbers typed, the template's description and sources, a refused start beside its field, the
 * plan downloaded as CSV and as a calendar, saved with its IP and shown with no sending data yet,
 * deleted; axe in both schemes.
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

async function download(page: LabPage, button: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

describe('Warm-up planner', () => {
  it('shows the schedule day by day for the numbers typed, and each template with its sources', async () => {
    const page = await openPlanner();
    expect(await page.getByLabel('Daily target').inputValue()).toBe('50000');
    expect(await text(page, 'warmup-summary')).toBe('1,000 on 2025-03-01, reaching 50,000 a day on day 7 (2025-03-07), held to day 10 (2025-03-10): 263,000 messages in all.');
    const table = page.getByRole('table', { name: 'Warm-up schedule' });
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(10);
    expect((await rows.nth(0).innerText()).split('\t').map((c) => c.trim())).toEqual(['1', '2025-03-01', '1,000', '400', '200', '100', '100', '200', '1,000', 'Engaged in the last 30 days']);
    expect((await rows.nth(6).innerText()).split('\t').map((c) => c.trim()).slice(0, 3)).toEqual(['7', '2025-03-07', '50,000']);
    await expectVisible(page.getByRole('figure', { name: 'Messages a day by provider' }), 'the chart');
    expect(await text(page, 'template-description')).toMatch(/^For a list that is opted in and mailed regularly/);

    await page.getByText('Conservative', { exact: true }).click();
    await expectVisible(page.getByTestId('warmup-summary').getByText(/on day 11 \(2025-03-11\), held to day 18/), 'the conservative plan');
    expect(await text(page, 'template-description')).toMatch(/^For a list with older or less engaged recipients/);
    await expectVisible(page.getByRole('link', { name: /SparkPost: IP Warm-up Overview/ }), 'a source of the templates');

    await page.getByLabel('Daily target').fill('20,000');
    await expectVisible(page.getByTestId('warmup-summary').getByText(/reaching 20,000 a day on day 9/), 'the plan to 20,000');
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
    await expectNoAxeViolations(page, 'the planner with a warning');
  });

  it('downloads the plan as CSV and as a calendar, one event a day', async () => {
    const page = await openPlanner();
    const csv = await download(page, 'Download CSV');
    expect(csv.name).toBe('deliverlab-warmup-standard-2025-03-01.csv');
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('day,date,volume,gmail,microsoft,yahoo,apple,other,cumulative,engaged_within_days,segment_advice');
    expect(lines.slice(1, -1).map((l) => l.split(',')[2])).toEqual(['1000', '2000', '4000', '8000', '16000', '32000', '50000', '50000', '50000', '50000']);
    const ics = await download(page, 'Download calendar');
    expect(ics.name).toBe('deliverlab-warmup-standard-2025-03-01.ics');
    const cal = readIcs(ics.text);
    expect(cal.events.map((e) => e.get('DTSTART')?.raw)).toEqual(Array.from({ length: 10 }, (_, i) => `202503${String(i + 1).padStart(2, '0')}`));
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
    expect((await saved.innerText()).replace(/\s+/g, ' ')).toContain('192.0.2.10 · Standard · 1,000 to 50,000 a day, 2025-03-01 to 2025-03-10');
    await expectNoInternals(page, 'the planner with a saved plan');
    await expectNoAxeViolations(page, 'the planner with a saved plan, dark');

    await page.reload();
    await expectVisible(page.getByRole('region', { name: 'New IP in Frankfurt' }), 'the saved plan after a reload');
    await page.getByRole('button', { name: 'Delete the plan New IP in Frankfurt' }).click();
    await confirmDelete(page, /New IP in Frankfurt/);
    await expectVisible(page.getByText('No saved plans yet.'), 'no saved plans');
  });
});
