/**
 * What `deliverlab placement` prints when the send fails: the explanation once (counted), and a
 * refused connection never called REJECTED (no server refused a recipient). A missing copy's line says what was searched.
 * Also: warnings about the seeds concern only the seeds picked, and --poll is documented. Seeds used:
 * seed19 and seed20 (the copies that are delivered carry this file's tokens and are deleted after).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLACEMENT_HELP, placementCommand } from '../../electron/cli/placement';
import type { PlacementRun } from '../../electron/core/placement/types';
import { closedPort } from '../helpers/loopback';
import { occurrences } from '../helpers/occurrences';
import { sink } from '../helpers/text-sink';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { deleteByToken } from '../lab/mail-lab/lab-imap';
import { labProfile, labSeed } from '../lab/mail-lab/lab-profile';

const lab = readMailLab();
const u19 = lab.seeds[18] as MailLabUser;
const u20 = lab.seeds[19] as MailLabUser;
const dir = mkdtempSync(join(tmpdir(), 'deliverlab-output-'));
const tokens: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await deleteByToken(u20, tokens);
});

const env = { LAB_SMTP_PASS: lab.sender.password, LAB_SEED19_PASS: u19.password, LAB_SEED20_PASS: u20.password };

async function files(smtpPort: number, seeds: object[]): Promise<string[]> {
  writeFileSync(join(dir, 'smtp.json'), JSON.stringify({ ...labProfile({ port: smtpPort }), auth: { user: lab.sender.user, passwordEnv: 'LAB_SMTP_PASS' } }));
  writeFileSync(join(dir, 'seeds.json'), JSON.stringify(seeds));
  writeFileSync(join(dir, 'm.html'), '<p>Output probe</p>');
  writeFileSync(join(dir, 'ca.pem'), lab.caPem);
  return ['--profile', join(dir, 'smtp.json'), '--seeds', join(dir, 'seeds.json'), '--html', join(dir, 'm.html'), '--ca-file', join(dir, 'ca.pem'), '--deadline', '20s', '--no-history'];
}

const seed19 = { ...labSeed(u19), auth: { user: u19.user, passwordEnv: 'LAB_SEED19_PASS' } };
const seed20 = { ...labSeed(u20), auth: { user: u20.user, passwordEnv: 'LAB_SEED20_PASS' } };

describe('a placement whose send fails', () => {
  it('says why once, in the human output and in --json, and calls nobody REJECTED', async () => {
    const port = await closedPort();
    const args = await files(port, [seed19, seed20]);

    const jsonOut = sink();
    const jsonErr = sink();
    expect(await placementCommand([...args, '--subject', 'Send fails json', '--json'], { stdout: jsonOut.stream, stderr: jsonErr.stream }, env)).toBe(2);
    const run = JSON.parse(jsonOut.read()) as PlacementRun;
    expect(run.status).toBe('send-failed');
    const why = run.send?.error?.explanation ?? '';
    expect(why).toMatch(new RegExp(`^Could not connect to 127\\.0\\.0\\.1:${port}: connection refused`));
    expect(occurrences(jsonOut.read() + jsonErr.read(), why)).toBe(1);
    expect(run.send?.recipients.map((r) => r.status)).toEqual(['not-sent', 'not-sent']);
    expect(run.seeds.map((s) => [s.placement, s.error?.code])).toEqual([
      ['error', 'ENOTSENT'],
      ['error', 'ENOTSENT'],
    ]);

    const out = sink();
    const err = sink();
    expect(await placementCommand([...args, '--subject', 'Send fails'], { stdout: out.stream, stderr: err.stream }, env)).toBe(2);
    const all = out.read() + err.read();
    expect(occurrences(all, why)).toBe(1);
    expect(all).not.toMatch(/REJECTED/i);
    expect(out.read()).toMatch(/^ {2}error +seed19 +seed19@lab\.test +other: The test message was not sent/m);
  });
});

describe('warnings about seeds', () => {
  it('warn about a duplicate address only among the seeds picked with --seed', async () => {
    const port = await closedPort();
    const twin = { ...seed20, name: 'twin19', address: u19.user };
    const args = await files(port, [seed19, twin, seed20]);
    const picked = sink();
    await placementCommand([...args, '--subject', 'Warnings', '--seed', 'seed19,seed20'], { stdout: sink().stream, stderr: picked.stream }, env);
    expect(picked.read()).not.toMatch(/same address/);
    const both = sink();
    await placementCommand([...args, '--subject', 'Warnings', '--seed', 'seed19', '--seed', 'twin19'], { stdout: sink().stream, stderr: both.stream }, env);
    expect(occurrences(both.read(), `seeds "seed19" and "twin19" have the same address ${u19.user}`)).toBe(1);
  });
});

describe('a copy that never comes', () => {
  it('is missing, and its line (and --json) says which folders were searched, how, how often and until when', async () => {
    // Logged in as seed19, addressed to seed20: the copy lands where this seed cannot see it.
    const elsewhere = { ...seed19, name: 'elsewhere', address: u20.user };
    const args = (await files(lab.ports.submission, [elsewhere])).map((a) => (a === '20s' ? '2s' : a));
    const out = sink();
    expect(await placementCommand([...args, '--subject', 'Missing probe'], { stdout: out.stream, stderr: sink().stream }, env)).toBe(1);
    tokens.push(/Placement (dl-[0-9a-f]+)/.exec(out.read())?.[1] ?? '');
    const lines = out.read().split('\n');
    const at = lines.findIndex((l) => /^ {2}missing +elsewhere +seed20@lab\.test$/.test(l));
    expect(at).toBeGreaterThan(-1);
    const why = lines[at + 1] ?? '';
    expect(why).toMatch(/^ {6}No copy carrying the token dl-[0-9a-f]+ \(UID SEARCH HEADER X-Deliverlab-Token\) was found from \S+ until the deadline, \d{4}-\d\d-\d\dT\S+Z \(2 s after the SMTP server accepted the message\)/);
    expect(why).toMatch(/INBOX by IDLE push \(RFC 2177\), searched at each new message/);
    expect(why).toMatch(/Junk \(spam\) by IDLE push between searches, and a search every 2 s/);
    expect(why).toMatch(/Archive by a search every 2 s/);
    expect(why).toMatch(/No bounce \(delivery status notification\) naming the run arrived in elsewhere\./);

    const json = sink();
    expect(await placementCommand([...args, '--subject', 'Missing probe json', '--poll', '500', '--json'], { stdout: json.stream, stderr: sink().stream }, env)).toBe(1);
    const run = JSON.parse(json.read()) as PlacementRun;
    tokens.push(run.token);
    const searched = run.seeds[0]?.searched;
    expect(run.seeds[0]).toMatchObject({ placement: 'missing', state: 'missing' });
    expect(searched).toMatchObject({ inbox: 'idle', junk: 'Junk', junkPush: true, gmail: false, pollMs: 500, bouncesWatchedIn: ['elsewhere'] });
    expect(searched?.folders).toEqual(expect.arrayContaining(['INBOX', 'Junk', 'Archive']));
    expect(searched?.folders).not.toContain('Trash');
    expect(searched?.rounds).toBeGreaterThan(0);
    // Until the deadline: the acceptance plus the 2 s asked for.
    const accepted = Date.parse(run.send?.timings.startedAt ?? '') + (run.send?.timings.acceptedMs ?? NaN);
    expect(Date.parse(searched?.until ?? '')).toBe(accepted + 2_000);
  });
});

describe('placement --help', () => {
  it('documents --poll', async () => {
    const out = sink();
    expect(await placementCommand(['--help'], { stdout: out.stream, stderr: sink().stream }, {})).toBe(0);
    expect(out.read()).toContain('--poll MS');
    expect(PLACEMENT_HELP).toMatch(/--poll MS +how often every folder but INBOX is searched for the copy/);
  });
});
