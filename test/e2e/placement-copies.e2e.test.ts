/**
 * "Analyse this copy" and the readiness view, in Chromium against `deliverlab serve` with the mail
 * lab behind it. The placement run itself is made here, through core, into serve's history (its
 * copies carry this file's own token); the page analyses them from the board.
 *
 * Seeds used: seed16 and seed17; only this run's copies are read or deleted.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/core/history/store';
import { placementRecorder } from '../../electron/core/placement/record';
import { runPlacement } from '../../electron/core/placement/run';
import { deleteProbes } from '../../electron/core/placement/watch';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { labProfile, labSeed } from '../lab/mail-lab/lab-profile';
import { expectNoAxeViolations, expectNoInternals, expectVisible, screenshot, useLab } from './harness';

const lab = readMailLab();
const u16 = lab.seeds[15] as MailLabUser;
const u17 = lab.seeds[16] as MailLabUser;
const ca = [lab.caPem];

// Read by serve when it starts: the lab's CA for IMAP, and the seeds' passwords.
process.env.NODE_EXTRA_CA_CERTS = lab.caPath;
process.env.DELIVERLAB_E2E_COPY_SEED16 = u16.password;
process.env.DELIVERLAB_E2E_COPY_SEED17 = u17.password;

const t = useLab();

/** A run to seed16 and seed17 recorded in serve's history, with the seeds saved there as the app saves them. */
async function storedRun(): Promise<{ id: number; token: string }> {
  const store = HistoryStore.open(join(t.lab.dataDir, 'history.sqlite'));
  try {
    store.saveSeed({ ...labSeed(u16), auth: { user: u16.user, passwordEnv: 'DELIVERLAB_E2E_COPY_SEED16' } });
    store.saveSeed({ ...labSeed(u17), auth: { user: u17.user, passwordEnv: 'DELIVERLAB_E2E_COPY_SEED17' } });
    const record = placementRecorder(store);
    const run = await runPlacement({
      profile: labProfile(),
      smtpSecrets: { password: lab.sender.password },
      seeds: [
        { seed: labSeed(u16), secrets: { password: u16.password } },
        { seed: labSeed(u17), secrets: { password: u17.password } },
      ],
      subject: `Copy analysis e2e ${process.pid}`,
      html: '<p>Hello from the copy analysis in the browser. <a href="https://clean-e2e.example/">Read more</a></p>',
      headers: { 'X-Spam-Status': 'No, score=0.4 required=5.0 tests=HTML_MESSAGE autolearn=no version=3.4.6' },
      deadlineMs: 30_000,
      timeoutMs: 10_000,
      pollMs: 500,
      ca,
      onEvent: record,
    });
    expect(run.seeds.map((s) => s.placement)).toEqual(['inbox', 'inbox']);
    return { id: record.id() as number, token: run.token };
  } finally {
    store.close();
  }
}

describe('placement copies in the app', () => {
  it('analyses a found copy from the board, shows what the receiving server recorded and the readiness, and says when a copy is gone', async () => {
    const { id, token } = await storedRun();
    try {
      const page = await t.open(`#/placement/${id}`);
      await expectVisible(page.getByRole('heading', { name: `Placement run #${id}` }), 'the run');
      await page.getByRole('button', { name: 'Analyse this copy (seed16)' }).click();

      const copy = page.getByRole('region', { name: 'The copy in seed16' });
      await expectVisible(copy, 'the copy analysis');
      const recorded = copy.getByRole('region', { name: 'What the receiving server recorded' });
      await expectVisible(recorded.getByText(/^The receiving server recorded no authentication/), 'no authentication recorded by the lab');
      const verdicts = recorded.getByRole('table', { name: 'Spam filter verdicts the copy carries' });
      await expectVisible(verdicts.getByRole('row').filter({ hasText: 'SpamAssassin' }).filter({ hasText: 'Not spam' }), 'the SpamAssassin verdict');
      await expectVisible(verdicts.getByText('0.4 of 5'), 'its score of its threshold');
      // The message analysis view of the copy, with the lab's path.
      await expectVisible(copy.getByTestId('verdict-strip'), 'the verdicts');
      await expectNoAxeViolations(page, 'the copy analysis');
      await expectNoInternals(page, 'the copy analysis');

      await copy.getByRole('tab', { name: 'Readiness' }).click();
      const readiness = copy.getByTestId('readiness');
      await expectVisible(readiness.getByRole('heading', { name: 'Readiness' }), 'the readiness summary');
      expect(await readiness.getByTestId('readiness-score').textContent()).toMatch(/^\d+(\.\d+)? \/ 10$/);
      const items = readiness.getByRole('table', { name: 'Readiness items' });
      await expectVisible(items.getByRole('row').filter({ hasText: 'Spam filters' }).filter({ hasText: 'Not run' }), 'the spam filters, not run');
      await expectVisible(items.getByRole('row').filter({ hasText: 'Link domains' }).filter({ hasText: 'Pass' }), 'the link domain, on no list');
      await expectVisible(readiness.getByText(/points were not checked/), 'the points not checked');
      await expectNoAxeViolations(page, 'the readiness view');
      await expectNoInternals(page, 'the readiness view');
      await screenshot(page, 'placement-copy-analysis');

      // The run lists the analysed copy: opened again from history without fetching it.
      await expectVisible(page.getByRole('button', { name: 'Open the analysis (seed16)' }), 'the stored analysis');

      // seed17's copy is deleted before it is analysed: the board says so, in words.
      expect(await deleteProbes(labSeed(u17), { password: u17.password }, token, { timeoutMs: 10_000, ca })).toBe('deleted');
      await page.getByRole('button', { name: 'Analyse this copy (seed17)' }).click();
      const problem = page.getByRole('alert').filter({ hasText: 'The copy in seed17 could not be analysed' });
      await expectVisible(problem, 'the error');
      await expectVisible(problem.getByText(/The copy is no longer in seed17: no message carrying the run's token/), 'why');
      await expectNoAxeViolations(page, 'a copy that is gone');
    } finally {
      await deleteProbes(labSeed(u16), { password: u16.password }, token, { timeoutMs: 10_000, ca });
    }
  });
});
