/**
 * The sending health page: an export dropped in from the browser and what became of each row, the
 * rates against the providers' limits, the complaint-rate finding, a chart's values as a table, the
 * IPs found ticked to watch, and axe in both schemes.
 */
import { describe, expect, it } from 'vitest';
import { expectNoAxeViolations, expectNoInternals, expectVisible, useLab, type LabPage } from './harness';

const t = useLab();

/** YYYY-MM-DD, `n` days before today (UTC): inside the page's 30-day range. */
function dayAgo(n: number): string {
  const day = new Date();
  day.setUTCDate(day.getUTCDate() - n);
  return day.toISOString().slice(0, 10);
}

/** 14 days of a generic CSV export: Gmail recipients complain at 0.5 %, over the 0.3 % limit; one row is malformed. */
function export14(): { name: string; mimeType: string; buffer: Buffer } {
  const lines = ['date,sending_domain,ip,recipient_domain,sent,delivered,bounced_hard,bounced_soft,complaints,opens,clicks,unsubscribes'];
  for (let i = 14; i >= 1; i--) {
    lines.push(`${dayAgo(i)},e2e-health.example,192.0.2.77,gmail.com,1000,990,5,5,5,200,20,1`);
    lines.push(`${dayAgo(i)},e2e-health.example,192.0.2.77,yahoo.com,500,495,3,2,0,100,10,0`);
  }
  lines.push(`${dayAgo(1)},e2e-health.example,192.0.2.77,gmail.com,many,990,5,5,5,200,20,1`);
  return { name: 'e2e-health.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) };
}

async function imported(page: LabPage): Promise<string> {
  await page.locator('input[type=file]').setInputFiles([export14()]);
  const summary = page.getByTestId('health-import-summary');
  await expectVisible(summary, 'the import summary');
  return (await summary.innerText()).replace(/\s+/g, ' ');
}

describe('Sending health page', () => {
  it('imports an export, refuses its bad row by line, and shows the complaint rate over the limit with its finding', async () => {
    const page = await t.open('#/health');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Sending health' }), 'the sending health page');
    await expectVisible(page.getByText(/No sending data yet/), 'the empty page');
    const first = await imported(page);
    expect(first).toContain('28 rows added, 0 imported before, 1 row refused.');
    expect(first).toContain("e2e-health.csv: Deliverlab's generic CSV (told from its content): 28 rows read, 28 added, 1 row refused.");
    expect(first).toContain('Line 30 refused: sent: "many" is not a count');

    const summary = page.getByTestId('health-summary');
    await expectVisible(summary, 'the summary');
    const text = (await summary.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('A limit is exceeded');
    expect(text).toMatch(/Complaint rate over the limit 0\.34%/i);
    await expectVisible(page.getByText('Complaint rate over the 0.30 % limit for e2e-health.example'), 'the complaint-rate finding');
    const gmail = page.getByRole('table', { name: 'Rates by provider' }).getByRole('row', { name: /Gmail/ });
    expect((await gmail.innerText()).replace(/\s+/g, ' ')).toMatch(/Gmail 14,000 99\.0% 0\.50% 0\.50% 0\.51% over the limit/i);

    // The chart's values, as a table.
    const figure = page.getByRole('figure', { name: 'Complaint rate per day by provider' });
    await figure.getByText(/as a table/).click();
    const rows = (await figure.locator('tbody tr').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    expect(rows[0]).toBe(`${dayAgo(14)} 0.505% 0%`);

    // The same file again adds nothing, and says so.
    const again = await imported(page);
    expect(again).toContain('0 rows added, 28 imported before');
    expect(again).toContain('imported before, nothing added');
  });

  it('watches the IPs the user ticks', async () => {
    const page = await t.open('#/health');
    await expectVisible(page.getByTestId('health-summary'), 'the summary');
    const box = page.getByRole('checkbox', { name: /192\.0\.2\.77: 21,000 sent/ });
    await expectVisible(box, 'the IP found');
    await box.check();
    await page.getByRole('button', { name: 'Watch this IP' }).click();
    await expectVisible(page.getByText('1 IP now watched. Their checks show on the home page.'), 'the IP watched');
    await expectVisible(page.getByRole('checkbox', { name: '192.0.2.77: 21,000 sent (watched)' }), 'the IP marked as watched');
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`passes axe with the health data shown, ${scheme} scheme`, async () => {
      const page = await t.open('#/health', { colorScheme: scheme });
      await expectVisible(page.getByTestId('health-summary'), 'the summary');
      await page.getByRole('figure', { name: 'Bounce rate per day' }).getByText(/as a table/).click();
      await expectNoAxeViolations(page, `the sending health page (${scheme})`);
      await expectNoInternals(page, `the sending health page (${scheme})`);
    });
  }
});
