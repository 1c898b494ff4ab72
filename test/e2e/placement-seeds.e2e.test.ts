/**
 * The placement page's seed picker says in words which seeds are ready (their secret is there) and
 * which are not; a run with a seed that is not ready ends that seed as an error while the other
 * runs. And the secret-store banner's example names a variable the app will read (DELIVERLAB_...).
 * Driven in Chromium against `deliverlab serve` with the mail lab behind it; seeds used: seed19
 * (ready) and seed20 (its variable is not set). The profile and seeds are saved through serve's API.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { expectVisible, serveCall, useLab } from './harness';

const lab = readMailLab();
const u19 = lab.seeds[18] as MailLabUser;
const u20 = lab.seeds[19] as MailLabUser;
const run = randomUUID().slice(0, 8);

// Read by serve when it starts (useLab's beforeAll spawns it with this process's environment).
process.env.NODE_EXTRA_CA_CERTS = lab.caPath;
process.env.DELIVERLAB_PS_SMTP = lab.sender.password;
process.env.DELIVERLAB_PS_SEED19 = u19.password;
delete process.env.DELIVERLAB_PS_SEED20;

const t = useLab();

const call = (op: string, input: unknown) => serveCall(t.lab, op, input);

const seedOf = (u: MailLabUser, variable: string) => ({
  name: u.user.split('@')[0],
  address: u.user,
  provider: 'other',
  host: lab.host,
  port: lab.ports.imaps,
  security: 'tls',
  auth: { user: u.user, passwordEnv: variable },
});

let saved = false;
async function fixtures(): Promise<void> {
  if (saved) return;
  await call('smtp.save', {
    profile: { name: 'lab-ps', host: lab.host, port: lab.ports.submission, security: 'starttls', auth: { user: lab.sender.user, passwordEnv: 'DELIVERLAB_PS_SMTP' }, from: `Lab <${lab.sender.user}>` },
  });
  await call('seeds.save', { seed: seedOf(u19, 'DELIVERLAB_PS_SEED19') });
  await call('seeds.save', { seed: seedOf(u20, 'DELIVERLAB_PS_SEED20') });
  saved = true;
}

describe('the placement seed picker', () => {
  it('says which seeds are ready, in words; a seed that is not ready ends as its own error and the other runs', async () => {
    await fixtures();
    const page = await t.open('#/placement');
    const seeds = page.getByRole('group', { name: 'Seeds' });
    await expectVisible(seeds.getByLabel('seed19 (other)'), 'the seed choice');
    await expectVisible(seeds.getByText('ready: password from $DELIVERLAB_PS_SEED19'), 'seed19 said to be ready');
    await expectVisible(seeds.getByText('not ready: $DELIVERLAB_PS_SEED20 is not set for Deliverlab'), 'seed20 said not to be ready');
    await expectVisible(page.getByRole('region', { name: 'New placement run' }).getByText(/1 not ready \(it ends as an error, the others run\)/), 'what a seed that is not ready does');

    await page.getByLabel('SMTP profile').selectOption('lab-ps');
    await page.getByLabel('Subject').fill(`Deliverlab e2e ready ${run}`);
    await page.getByRole('textbox', { name: 'HTML', exact: true }).fill('<p>Readiness probe.</p>');
    await page.getByLabel('Deadline (minutes)').fill('1');
    await page.getByLabel('Delete the probe copies afterwards').check();
    await page.getByRole('button', { name: 'Start placement test' }).click();

    const board = page.getByTestId('placement-board');
    const row = (name: string) => board.getByRole('table', { name: 'Placement per seed' }).locator(`tr[data-seed="${name}"]`);
    await expectVisible(row('seed19').getByText('inbox', { exact: true }), 'seed19 in the inbox', 30_000);
    await expectVisible(row('seed20').getByText('error', { exact: true }), 'seed20 as an error');
    await expectVisible(board.getByText('finished', { exact: true }), 'the finished run', 30_000);
    await board.getByRole('button', { name: 'Details for seed20' }).click();
    await expectVisible(board.getByText('The password for seed seed20 is read from $DELIVERLAB_PS_SEED20, which is not set for Deliverlab: set it and start Deliverlab again.'), "seed20's reason");
    // Kept in history like any run.
    await expectVisible(board.getByRole('link', { name: 'Open in history' }), 'the stored run');
    const list = (await call('placement.list', {})) as { total: number };
    expect(list.total).toBe(1);
  });
});

describe('the secret store banner', () => {
  it('gives an example variable the app reads, and says the rule', async () => {
    for (const hash of ['#/profiles', '#/seeds']) {
      const page = await t.open(hash);
      const notice = page.getByTestId('secret-store-notice');
      await expectVisible(notice.getByText('DELIVERLAB_SMTP_PASSWORD=… npx deliverlab serve'), `the example on ${hash}`);
      await expectVisible(notice.getByText(/Only variables whose names start with/), `the rule on ${hash}`);
      expect(await notice.innerText()).not.toMatch(/(^|[^_])SMTP_PASSWORD=/);
      await page.context().close();
    }
  });
});
