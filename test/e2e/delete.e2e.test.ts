/**
 * Delete asks first, the same way on every page that deletes: a dialog naming the item; Cancel
 * (or Escape) keeps it, and only the dialog's Delete removes it.
 */
import { describe, expect, it } from 'vitest';
import { confirmDelete, expectGone, expectVisible, useLab, waitForResult, type LabPage } from './harness';
import { fullResult, storeResults } from './stored-results';

const t = useLab({ serveEnv: { DELIVERLAB_DELETE_TEST: 'unused' } });

const MESSAGE = ['From: News <news@good.test>', 'To: a@receiver.example', 'Subject: Keep me please', 'Date: Mon, 7 Dec 2026 10:00:00 +0000', 'Message-ID: <keep@good.test>', '', 'Hello.', ''].join('\r\n');

/** Opens the dialog with the page's Delete button, cancels it one way or the other, and checks nothing went. */
async function cancelDelete(page: LabPage, button: string, title: string, how: 'button' | 'escape'): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: title });
  await expectVisible(dialog, `the dialog "${title}"`);
  // Cancel has the focus: Enter in a dialog just opened must not delete.
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
  if (how === 'button') await dialog.getByRole('button', { name: 'Cancel' }).click();
  else await page.keyboard.press('Escape');
  await expectGone(dialog, 'the dialog');
}

describe('delete asks first', () => {
  it('on a stored audit: Cancel keeps it, Delete removes it', async () => {
    const [id] = storeResults(t.lab, [fullResult()]);
    const page = await t.open(`#/history/${id}`);
    await waitForResult(page, 'full.test');
    await cancelDelete(page, 'Delete', 'Delete the audit of full.test?', 'button');
    await cancelDelete(page, 'Delete', 'Delete the audit of full.test?', 'escape');
    await page.reload();
    await waitForResult(page, 'full.test');

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirmDelete(page, 'Delete the audit of full.test?');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'History' }), 'the history list');
    expect(await page.getByRole('link', { name: 'full.test', exact: true }).count()).toBe(0);
  });

  it('on a message analysis', async () => {
    const page = await t.open('#/messages');
    await page.getByLabel('Paste a message or its headers').fill(MESSAGE);
    await page.getByRole('button', { name: 'Analyse' }).click();
    await expectVisible(page.getByTestId('message-result'), 'the analysis');
    await cancelDelete(page, 'Delete', 'Delete the analysis of “Keep me please”?', 'button');
    await page.reload();
    await expectVisible(page.getByRole('heading', { name: 'Keep me please' }), 'the analysis, still there');
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirmDelete(page, 'Delete the analysis of “Keep me please”?');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Analyse a message' }), 'the Messages page');
    expect(await page.getByRole('link', { name: 'Keep me please' }).count()).toBe(0);
  });

  for (const kind of ['profile', 'seed'] as const) {
    it(`on a saved ${kind}, which also says its stored secret goes with it`, async () => {
      const page = await t.open(kind === 'profile' ? '#/profiles' : '#/seeds');
      await page.getByRole('button', { name: `New ${kind}` }).click();
      const form = page.getByRole('region', { name: `New ${kind}` });
      if (kind === 'profile') {
        await form.getByLabel('Profile name').fill('keep-me');
        await form.getByLabel('From', { exact: true }).fill('a@good.test');
        await form.getByLabel('Host', { exact: true }).fill('smtp.good.test');
        await form.getByLabel('User', { exact: true }).fill('a@good.test');
      } else {
        await form.getByLabel('Seed name').fill('keep-me');
        await form.getByLabel('Address', { exact: true }).fill('seed@good.test');
        await form.getByLabel('IMAP host').fill('imap.good.test');
      }
      await form.getByLabel('Environment variable').fill('DELIVERLAB_DELETE_TEST');
      await form.getByRole('button', { name: `Save ${kind}` }).click();
      const table = page.getByRole('table', { name: kind === 'profile' ? 'SMTP profiles' : 'Seed mailboxes' });
      const row = table.getByRole('row').filter({ has: page.getByRole('cell', { name: 'keep-me', exact: true }) });
      await expectVisible(row, 'the saved row');

      await cancelDelete(page, 'Delete keep-me', `Delete ${kind} keep-me?`, 'button');
      await expectVisible(row, 'the row after cancelling');
      await page.reload();
      await expectVisible(row, 'the row after a reload');

      await page.getByRole('button', { name: 'Delete keep-me' }).click();
      await expectVisible(page.getByRole('dialog').getByText(/password or token stored for it/), 'what goes with it');
      await confirmDelete(page, `Delete ${kind} keep-me?`);
      await expectGone(row, 'the deleted row');
    });
  }
});
