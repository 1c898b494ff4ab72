/**
 * The DMARC reports page: files imported from the browser and what became of each, the summary,
 * sources filtered by class and drilled down to their records, enforcement readiness, a chart's
 * values read as a table, the TLS reports, and axe in both schemes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregateXml, gzip, KNOWN_DOMAIN, KNOWN_SOURCES, knownRecords, tlsJson } from '../helpers/dmarc-reports';
import { expectGone, expectNoAxeViolations, expectNoInternals, expectVisible, useLab, type LabPage } from './harness';

const t = useLab();

/** The start of the UTC day `n` days before today: inside every range the page offers. */
function dayAgo(n: number): number {
  const today = Math.floor(Date.now() / 86_400_000) * 86_400;
  return today - n * 86_400;
}

const dmarcFile = (reportId: string, daysAgo: number) => ({
  name: `google.com!${KNOWN_DOMAIN}!${reportId}.xml.gz`,
  mimeType: 'application/gzip',
  buffer: gzip(aggregateXml({ org: 'google.com', reportId, domain: KNOWN_DOMAIN, begin: dayAgo(daysAgo), records: knownRecords(), p: 'none' })),
});

const tlsFile = {
  name: 'microsoft.com!brand.test.json',
  mimeType: 'application/json',
  buffer: Buffer.from(
    tlsJson({
      org: 'Microsoft Corporation',
      reportId: 'tls-e2e-1',
      begin: dayAgo(2),
      policies: [
        {
          type: 'sts',
          domain: KNOWN_DOMAIN,
          successes: 90,
          failures: 4,
          failureDetails: [
            { resultType: 'certificate-expired', sendingMtaIp: '192.0.2.45', receivingMx: `mx.${KNOWN_DOMAIN}`, sessions: 2 },
            { resultType: 'sts-policy-fetch-error', sendingMtaIp: '192.0.2.46', sessions: 1 },
            { resultType: 'x-reporter-handshake-oddity', sendingMtaIp: '192.0.2.47', sessions: 1 },
          ],
        },
      ],
    }),
  ),
};

const notReport = { name: 'notes.xml', mimeType: 'text/xml', buffer: Buffer.from('just some notes, not XML at all') };

async function importFiles(page: LabPage, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<string> {
  await page.locator('input[type=file]').setInputFiles(files);
  const summary = page.getByTestId('import-summary');
  await expectVisible(summary, 'the import summary');
  return (await summary.innerText()).replace(/\s+/g, ' ');
}

/** The page with the known sources' reports imported (once per lab: the second import only finds them again). */
async function seeded(): Promise<LabPage> {
  const page = await t.open('#/reports');
  await expectVisible(page.getByRole('heading', { level: 1, name: 'DMARC reports' }), 'the DMARC reports page');
  await importFiles(page, [dmarcFile('e2e-a', 2), dmarcFile('e2e-b', 3), tlsFile]);
  await expectVisible(page.getByTestId('report-summary'), 'the summary');
  return page;
}

describe('DMARC reports page', () => {
  it('imports files, says what became of each, and sums up the domain', async () => {
    const page = await t.open('#/reports');
    await expectVisible(page.getByText(/No reports yet/), 'the empty page');
    const first = await importFiles(page, [dmarcFile('e2e-a', 2), notReport, tlsFile]);
    expect(first).toContain('2 imported, 0 already imported, 1 refused; 9 records added.');
    expect(first).toMatch(/notes\.xml: .+/);

    const summary = page.getByTestId('report-summary');
    await expectVisible(summary, 'the summary');
    expect(await page.getByLabel('Domain').inputValue()).toBe(KNOWN_DOMAIN);
    const text = (await summary.innerText()).replace(/\s+/g, ' ');
    // 930 messages a day; Google Workspace, the forwarder and Amazon SES pass (740).
    expect(text).toContain('Messages 930');
    expect(text).toContain('DMARC pass rate 79.6%');
    const reporter = summary.getByRole('table', { name: 'By reporter' }).getByRole('row', { name: /google\.com/ });
    expect((await reporter.innerText()).replace(/\s+/g, ' ')).toMatch(/google\.com 1 930 79\.6%/);

    // The same file again adds nothing, and says so.
    const again = await importFiles(page, [dmarcFile('e2e-a', 2)]);
    expect(again).toContain('0 imported, 1 already imported, 0 refused; 0 records added.');

    const tls = page.getByTestId('tls-reports');
    await expectVisible(tls, 'the TLS reports');
    // RFC 8460 result types in words, the reporter's code beneath; a type of the reporter's own is said to be one.
    const failureTypes = await tls.getByRole('table', { name: 'Failure types' }).innerText();
    expect(failureTypes).toContain('The certificate has expired');
    expect(failureTypes).toContain('The MTA-STS policy could not be fetched');
    expect(failureTypes).toContain("Other failure (the reporter's own type)");
    expect(failureTypes).toContain('x-reporter-handshake-oddity');
    const mtas = await tls.getByRole('table', { name: 'Sending servers that reported failures' }).getByRole('row', { name: /192\.0\.2\.46/ }).innerText();
    expect(mtas).toContain('The MTA-STS policy could not be fetched');
    expect(await tls.getByRole('table', { name: 'Sending servers that reported failures' }).innerText()).toContain('192.0.2.45');
    await expectVisible(tls.getByText('MTA-STS sessions per day'), 'the MTA-STS chart');
  });

  it('filters the sources by class and drills down from one to its records', async () => {
    const page = await seeded();
    const table = page.getByTestId('sources-table');
    await expectVisible(table.getByRole('rowheader', { name: /SendGrid/ }), 'SendGrid among the sources');
    await page.getByLabel('Show sources').selectOption('unknown');
    await expectGone(table.getByRole('rowheader', { name: /SendGrid/ }), 'SendGrid under unknown sources');
    const rows = table.locator('tbody tr');
    expect((await rows.allInnerTexts()).map((r) => r.split(/\s/)[0])).toEqual([KNOWN_SOURCES.spoofer.ip, KNOWN_SOURCES.broken.ip]);

    // The export holds what the filter shows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export sources (CSV)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^deliverlab-dmarc-sources-brand\.test-unknown-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('Organisation,Class,Addresses,Messages,DMARC pass,SPF aligned pass,DKIM aligned pass,Fix');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      `${KNOWN_SOURCES.spoofer.ip},Unknown,${KNOWN_SOURCES.spoofer.ip},60`,
      `${KNOWN_SOURCES.broken.ip},Unknown,${KNOWN_SOURCES.broken.ip},10`,
    ]);

    await page.getByLabel('Show sources').selectOption('misconfigured');
    const sendgrid = table.getByRole('row', { name: /SendGrid/ });
    expect(await sendgrid.textContent()).toMatch(/Misconfigured/);
    await sendgrid.getByRole('button', { name: 'Show records of SendGrid' }).click();
    const drill = page.getByTestId('source-records');
    await expectVisible(drill.getByRole('heading', { name: 'Records from SendGrid' }), 'the records of SendGrid');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Records from SendGrid');
    const records = drill.getByRole('table', { name: 'Records from SendGrid' }).locator('tbody tr');
    await expectVisible(records.first(), 'a record');
    const recordLines = (await records.allInnerTexts()).map((r) => r.replace(/\s+/g, ' '));
    // Two reports, one row each from SendGrid's address.
    expect(recordLines).toHaveLength(2);
    for (const line of recordLines) expect(line).toContain(`google.com`);
    for (const line of recordLines) expect(line).toContain(`${KNOWN_SOURCES.sendgrid.ip} 120 delivered fail fail sendgrid.info (pass)`);
  });

  it('shows whether the policy can be made stronger, and the legitimate sources it would hurt', async () => {
    const page = await seeded();
    const panel = page.getByTestId('readiness');
    await expectVisible(panel, 'the readiness panel');
    const text = (await panel.innerText()).replace(/\s+/g, ' ');
    expect(text).toMatch(/Legitimate mail that would pass \d+(\.\d)?%/);
    expect(text).toContain('Receivers saw the policy none');
    const hurt = panel.getByRole('table', { name: 'Sources enforcement would hurt' });
    expect(await hurt.innerText()).toContain('SendGrid');
    expect(text).toMatch(/The next step/);
  });

  it('reads a chart\'s values as a table', async () => {
    const page = await seeded();
    const figure = page.getByRole('figure', { name: 'Messages per day by source class' });
    await expectVisible(figure, 'the volume chart');
    await figure.getByText(/as a table/).click();
    const values = figure.getByRole('table', { name: 'Messages per day by source class' });
    await expectVisible(values, 'the chart values');
    const day = (d: number) => new Date(dayAgo(d) * 1000).toISOString().slice(0, 10);
    const rows = (await values.locator('tbody tr').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    // Per day: compliant (Google, SES) 700, forwarded 50, misconfigured 145, unknown 35.
    expect(rows).toEqual([`${day(3)} 700 50 145 35`, `${day(2)} 700 50 145 35`]);
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`passes axe with reports shown, ${scheme} scheme`, async () => {
      const page = await t.open('#/reports', { colorScheme: scheme });
      await importFiles(page, [dmarcFile('e2e-a', 2), notReport, tlsFile]);
      await expectVisible(page.getByTestId('readiness'), 'the readiness panel');
      await expectVisible(page.getByTestId('tls-reports'), 'the TLS reports');
      await page.getByRole('button', { name: 'Show records of SendGrid' }).click();
      await expectVisible(page.getByRole('table', { name: 'Records from SendGrid' }), 'the records of SendGrid');
      await page.getByRole('figure', { name: 'Messages per day by source class' }).getByText(/as a table/).click();
      await expectNoAxeViolations(page, `the DMARC reports page (${scheme})`);
      await expectNoInternals(page, `the DMARC reports page (${scheme})`);
    });
  }
});
