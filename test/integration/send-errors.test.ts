/**
 * What `deliverlab send` prints when the send fails: the error once, on stderr (stdout keeps the
 * results), and a refused connection is about the connection, never REJECTED (no server refused a
 * recipient: the send never got that far). Nothing is delivered: the SMTP port here is closed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sendCommand } from '../../electron/cli/send';
import type { SendResult } from '../../electron/core/send/types';
import { closedPort } from '../helpers/loopback';
import { occurrences } from '../helpers/occurrences';
import { sink } from '../helpers/text-sink';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { labProfile } from '../lab/mail-lab/lab-profile';

const lab = readMailLab();
const u19 = lab.seeds[18] as MailLabUser;
const dir = mkdtempSync(join(tmpdir(), 'deliverlab-send-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { LAB_SMTP_PASS: lab.sender.password };

describe('deliverlab send whose connection is refused', () => {
  it('prints the error once, on stderr; stdout keeps the results, and says "not sent", not REJECTED', async () => {
    const port = await closedPort();
    writeFileSync(join(dir, 'smtp.json'), JSON.stringify({ ...labProfile({ port }), auth: { user: lab.sender.user, passwordEnv: 'LAB_SMTP_PASS' } }));
    writeFileSync(join(dir, 'm.html'), '<p>never</p>');
    writeFileSync(join(dir, 'ca.pem'), lab.caPem);
    const sendArgs = ['--profile', join(dir, 'smtp.json'), '--to', u19.user, '--subject', 'never', '--html', join(dir, 'm.html'), '--ca-file', join(dir, 'ca.pem'), '--no-history'];
    const out = sink();
    const err = sink();
    expect(await sendCommand(sendArgs, { stdout: out.stream, stderr: err.stream }, env)).toBe(2);
    const why = `Could not connect to 127.0.0.1:${port}: connection refused`;
    expect(occurrences(err.read(), why)).toBe(1);
    expect(out.read()).not.toContain(why);
    expect(out.read()).toMatch(new RegExp(`^not sent {2}${u19.user.replace('.', '\\.')}$`, 'm'));
    expect(out.read() + err.read()).not.toMatch(/REJECTED/);

    const json = sink();
    expect(await sendCommand([...sendArgs, '--json'], { stdout: json.stream, stderr: sink().stream }, env)).toBe(2);
    const r = JSON.parse(json.read()) as SendResult;
    expect(r.recipients).toEqual([{ address: u19.user, status: 'not-sent' }]);
    expect(occurrences(json.read(), why)).toBe(1);
  });
});
