/**
 * The reports page's "From a mailbox": without a seed mailbox it says so and links to the Seeds page;
 * with one, it imports the reports mailed to a folder, says how many messages were new, and a second
 * import finds none. Driven in Chromium against `deliverlab serve` with the mail lab behind it; seed
 * used: seed14, whose messages for this file are delivered into a folder of its own (deleted after).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregateXml, gzip, knownRecords, reportEmail, tlsJson } from '../helpers/dmarc-reports';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { deleteFolders, deliverReports } from '../lab/mail-lab/lab-reports';
import { expectNoAxeViolations, expectNoInternals, expectVisible, screenshot, serveCall, useLab } from './harness';

const lab = readMailLab();
const user = lab.seeds[13] as MailLabUser;
const run = randomUUID().slice(0, 8);
const folder = `DL-e2e-${run}`;
const done = `DL-e2e-done-${run}`;
const DAY = Date.UTC(2024, 5, 3) / 1000;

// Read by serve when it starts (useLab's beforeAll spawns it with this process's environment).
process.env.NODE_EXTRA_CA_CERTS = lab.caPath;
process.env.DELIVERLAB_RM_SEED14 = user.password;

const t = useLab();
afterAll(async () => {
  await deleteFolders(user, [folder, done]);
});

const call = (op: string, input: unknown) => serveCall(t.lab, op, input);

const message = (n: number, subject: string, attachment: { name: string; type: string; data: Uint8Array | string }) => ({
  subject,
  raw: reportEmail([attachment], subject).replace('Message-ID: <report-0001@reporter.example>', `Message-ID: <e2e-${run}-${n}@reporter.example>`),
});

describe('reports from a mailbox', () => {
  it('says there is no seed mailbox yet, with the way to add one', async () => {
    const page = await t.open('#/reports');
    const section = page.getByRole('region', { name: 'From a mailbox' });
    await expectVisible(section, 'the mailbox import');
    await expectVisible(section.getByText(/No seed mailboxes yet/), 'the empty state');
    expect(await section.getByRole('link', { name: 'Add the mailbox your reports arrive in' }).getAttribute('href')).toBe('#/seeds');
    await expectNoAxeViolations(page, 'reports page, no seed mailbox');
  });

  it('imports the reports mailed to a folder, moves them, and finds nothing new the second time', async () => {
    await call('seeds.save', {
      seed: { name: 'reports', address: user.user, provider: 'other', host: lab.host, port: lab.ports.imaps, security: 'tls', auth: { user: user.user, passwordEnv: 'DELIVERLAB_RM_SEED14' } },
    });
    await deliverReports(
      user,
      [
        message(1, `Report gzip e2e ${run}`, { name: 'e2e.xml.gz', type: 'application/gzip', data: gzip(aggregateXml({ org: 'e2e-reporter.example', reportId: `e2e-${run}`, domain: 'brand.test', begin: DAY, records: knownRecords(1) })) }),
        message(2, `Report tls e2e ${run}`, {
          name: 'e2e.json.gz',
          type: 'application/tlsrpt+gzip',
          data: gzip(tlsJson({ org: 'e2e-reporter.example', reportId: `e2e-tls-${run}`, begin: DAY, policies: [{ type: 'sts', domain: 'brand.test', successes: 10, failures: 0 }] })),
        }),
        message(3, `Not a report e2e ${run}`, { name: 'notes.txt', type: 'application/octet-stream', data: 'just notes' }),
      ],
      folder,
    );

    const page = await t.open('#/reports');
    const section = page.getByRole('region', { name: 'From a mailbox' });
    await expectVisible(section.getByRole('button', { name: 'Import from the mailbox' }), 'the mailbox form');
    await section.getByRole('textbox', { name: 'Folder' }).fill(folder);
    await section.getByLabel('Received since').fill('2000-01-01');
    await section.getByRole('textbox', { name: 'Move imported messages to' }).fill(done);
    await section.getByRole('button', { name: 'Import from the mailbox' }).click();

    const summary = section.getByTestId('import-summary');
    await expectVisible(summary, 'the import summary', 30_000);
    const text = (await summary.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('2 imported, 0 already imported, 1 refused;');
    expect(text).toContain(`3 new messages in ${folder} since 2000-01-01; 2 moved to ${done}.`);
    expect(await summary.getByRole('list', { name: 'Refused messages' }).innerText()).toMatch(new RegExp(`^${folder} UID \\d+: Not a report e2e ${run}: the message carries no DMARC aggregate report or TLS report$`));
    await expectNoInternals(page, 'after a mailbox import');
    await expectNoAxeViolations(page, 'reports page, after a mailbox import');
    await screenshot(page, 'reports-mailbox-light');

    await section.getByRole('button', { name: 'Import from the mailbox' }).click();
    await expectVisible(summary.getByText(`0 new messages in ${folder} since 2000-01-01; 0 moved to ${done}.`), 'nothing new the second time');
    expect((await summary.innerText()).replace(/\s+/g, ' ')).toContain('0 imported, 0 already imported, 0 refused;');
  });
});
