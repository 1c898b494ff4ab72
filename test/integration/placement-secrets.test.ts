/**
 * Placement runs through the API, as the app and serve run them, when a seed's secret is missing:
 * that seed ends as its own error, the others run, and the run is kept in history. Also the rule
 * on secret variables (DELIVERLAB_ names only) said in the refusal, and warnings about duplicate
 * addresses among the seeds picked only. Seeds used: seed19 and seed20 (each copy carries the run's
 * token and is deleted afterwards).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../electron/api/handlers';
import type { PlacementRun } from '../../electron/core/placement/types';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { labProfile, labSeed } from '../lab/mail-lab/lab-profile';
import { aesCipher } from '../lab/test-cipher';

const lab = readMailLab();
const ca = [lab.caPem];
const u19 = lab.seeds[18] as MailLabUser;
const u20 = lab.seeds[19] as MailLabUser;
const apis: Api[] = [];
afterAll(() => {
  for (const api of apis) api.close();
});

function api(options: { keychain: boolean; env: NodeJS.ProcessEnv }): Api {
  const made = createApi({ dbPath: ':memory:', transport: options.keychain ? 'ipc' : 'http', version: 'test', ca, networkTimeoutMs: 10_000, env: options.env, emit: () => undefined, ...(options.keychain ? { cipher: aesCipher() } : {}) });
  apis.push(made);
  return made;
}

const run = (a: Api, input: Record<string, unknown>) => a.dispatch('placement.run', { profile: 'lab', subject: 'Secrets probe', html: '<p>secrets</p>', deadlineMs: 20_000, cleanup: true, ...input }) as Promise<PlacementRun>;

describe('a seed without its secret', () => {
  it('in serve (variables only): ends as that seed\'s error naming the variable; the others run; the run is kept', async () => {
    const a = api({ keychain: false, env: { DELIVERLAB_T_SMTP: lab.sender.password, DELIVERLAB_T_SEED19: u19.password } });
    await a.dispatch('smtp.save', { profile: { ...labProfile(), auth: { user: lab.sender.user, passwordEnv: 'DELIVERLAB_T_SMTP' } } });
    await a.dispatch('seeds.save', { seed: { ...labSeed(u19), auth: { user: u19.user, passwordEnv: 'DELIVERLAB_T_SEED19' } } });
    await a.dispatch('seeds.save', { seed: { ...labSeed(u20), auth: { user: u20.user, passwordEnv: 'DELIVERLAB_T_SEED20' } } });
    const done = await run(a, {});
    expect(done.status).toBe('done');
    expect(done.seeds.find((s) => s.seed === 'seed19')).toMatchObject({ placement: 'inbox', state: 'found' });
    const missing = done.seeds.find((s) => s.seed === 'seed20');
    expect(missing).toMatchObject({ placement: 'error', state: 'error', error: { kind: 'auth', code: 'ENOSECRET' } });
    expect(missing?.error?.explanation).toBe('The password for seed seed20 is read from $DELIVERLAB_T_SEED20, which is not set for Deliverlab: set it and start Deliverlab again.');
    // Only the seed that could be watched was sent the copy.
    expect(done.send?.recipients.map((r) => r.address)).toEqual([u19.user]);
    expect(await a.dispatch('placement.list', {})).toMatchObject({ total: 1, items: [{ id: done.id, counts: { inbox: 1, error: 1 } }] });
    expect(await a.dispatch('placement.get', { id: done.id as number })).toMatchObject({ status: 'done', seeds: expect.arrayContaining([expect.objectContaining({ seed: 'seed20', placement: 'error' })]) });
  });

  it('in the app (a keychain): "no password stored for seed X: open Seeds and enter it"', async () => {
    const a = api({ keychain: true, env: {} });
    await a.dispatch('smtp.save', { profile: labProfile(), secret: lab.sender.password });
    await a.dispatch('seeds.save', { seed: labSeed(u19), secret: u19.password });
    // Saved without its password (say, the keychain was reset since).
    await a.dispatch('seeds.save', { seed: labSeed(u20) });
    expect(await a.dispatch('seeds.list', {})).toMatchObject({ seeds: expect.arrayContaining([expect.objectContaining({ seed: expect.objectContaining({ name: 'seed20' }), secret: 'missing' })]) });
    const done = await run(a, { seeds: ['seed20', 'seed19'] });
    expect(done.seeds.find((s) => s.seed === 'seed19')).toMatchObject({ placement: 'inbox' });
    expect(done.seeds.find((s) => s.seed === 'seed20')?.error?.explanation).toBe('No password stored for seed seed20: open Seeds and enter it.');
    expect(done.id).toBeGreaterThan(0);
  });
});

describe('secret variables', () => {
  it('refuses a name without DELIVERLAB_, saying the rule and the name to use', async () => {
    const a = api({ keychain: false, env: { SMTP_PASSWORD: 'x' } });
    await expect(a.dispatch('smtp.save', { profile: { ...labProfile(), auth: { user: lab.sender.user, passwordEnv: 'SMTP_PASSWORD' } } })).rejects.toThrow(
      'profile "lab": secret variables must start with DELIVERLAB_ (a shared profile or seed must not make Deliverlab send another program\'s secret), so $SMTP_PASSWORD is not read. Name it DELIVERLAB_SMTP_PASSWORD and start Deliverlab with it set: DELIVERLAB_SMTP_PASSWORD=… npx deliverlab serve.',
    );
    // The name the banner suggests is accepted.
    await expect(a.dispatch('smtp.save', { profile: { ...labProfile(), auth: { user: lab.sender.user, passwordEnv: 'DELIVERLAB_SMTP_PASSWORD' } } })).resolves.toMatchObject({ secret: 'missing' });
  });
});

describe('warnings about the seeds picked', () => {
  it('warns about two seeds on one address only when both are picked', async () => {
    const a = api({ keychain: false, env: { DELIVERLAB_T_SMTP: lab.sender.password, DELIVERLAB_T_SEED19: u19.password } });
    await a.dispatch('smtp.save', { profile: { ...labProfile(), auth: { user: lab.sender.user, passwordEnv: 'DELIVERLAB_T_SMTP' } } });
    await a.dispatch('seeds.save', { seed: { ...labSeed(u19), auth: { user: u19.user, passwordEnv: 'DELIVERLAB_T_SEED19' } } });
    await a.dispatch('seeds.save', { seed: { ...labSeed(u19, { name: 'twin' }), auth: { user: u19.user, passwordEnv: 'DELIVERLAB_T_SEED19' } } });
    const one = await run(a, { seeds: ['seed19'] });
    expect(one.warnings.filter((w) => /same address/.test(w))).toEqual([]);
    const both = await run(a, { seeds: ['seed19', 'twin'] });
    expect(both.warnings.filter((w) => /same address/.test(w))).toEqual([`seeds "seed19" and "twin" have the same address ${u19.user}: both watch the same mailbox`]);
  });
});
