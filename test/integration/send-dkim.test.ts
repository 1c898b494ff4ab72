import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { dkimVerify, type DKIMResult } from 'mailauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendCommand } from '../../electron/cli/send';
import { generateDkimKey } from '../../electron/core/dkim/keygen';
import type { DkimKey } from '../../electron/core/dkim/types';
import { dkimKeyFromEnv, ProfileError, validateProfile } from '../../electron/core/send/profile';
import { checkDkim, sendTest, summarizeSignature, type DkimRequest } from '../../electron/core/send/send';
import { sink } from '../helpers/text-sink';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { deleteByToken, labImap, waitForToken } from '../lab/mail-lab/lab-imap';
import { labProfile } from '../lab/mail-lab/lab-profile';

// The mail lab must be up (the integration global setup starts it when it can): missing lab = failure.
const lab = readMailLab();
// This file's seed: seed10 only (seeds are shared between test files).
const seed = lab.seeds[9] as MailLabUser;
const run = randomUUID().slice(0, 8);
const ca = [lab.caPem];
const sent: string[] = [];
const TIMEOUT = 15_000;
const UNSUB = { 'List-Unsubscribe': '<https://example.test/u/9>, <mailto:unsub@lab.test?subject=u9>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };

const profile = labProfile;
const secrets = { password: lab.sender.password };

let rsa: DkimKey;
let ed: DkimKey;
let other: DkimKey;
/** The DNS the verifier sees: TXT records by name, as the keygen's character-strings. */
const zone = new Map<string, string[]>();
const resolver = async (name: string, rrtype: string): Promise<string[][]> => {
  const txt = rrtype === 'TXT' ? zone.get(name.toLowerCase().replace(/\.$/, '')) : undefined;
  if (!txt) throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' });
  return [txt];
};

beforeAll(async () => {
  [rsa, ed, other] = await Promise.all([
    generateDkimKey({ domain: 'lab.test', selector: `rsa-${run}` }),
    generateDkimKey({ domain: 'lab.test', selector: `ed-${run}`, type: 'ed25519' }),
    generateDkimKey({ domain: 'other.test', selector: `o-${run}` }),
  ]);
  for (const k of [rsa, ed, other]) zone.set(k.recordName, k.txtStrings);
});

/** The delivered message's raw bytes, once the token shows in the seed's INBOX. */
const waitFor = async (token: string): Promise<Buffer> => (await waitForToken(seed, token)).source;

/** How many messages in INBOX and Junk carry the token. */
async function countWith(token: string): Promise<number> {
  const client = labImap(seed);
  await client.connect();
  try {
    let n = 0;
    for (const folder of ['INBOX', 'Junk']) {
      await client.mailboxOpen(folder, { readOnly: true });
      n += ((await client.search({ subject: token })) || []).length;
    }
    return n;
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/** The one DKIM result of a delivered message, verified with mailauth against the test zone. */
async function verify(source: Buffer): Promise<DKIMResult> {
  const out = await dkimVerify(source, { resolver, strict: true });
  const ours = out.results.filter((r) => r.signature);
  expect(ours).toHaveLength(1);
  return ours[0] as DKIMResult;
}

const signedFields = (r: DKIMResult) => (r.signingHeaders?.keys ?? '').split(':').map((h) => h.trim().toLowerCase());

afterAll(() => deleteByToken(seed, sent));

describe('DKIM request checks (pure)', () => {
  const from = `Lab Sender <${lab.sender.user}>`;
  const req = (over: Partial<DkimRequest> = {}): DkimRequest => ({ domain: 'lab.test', selector: 's1', privateKey: rsa.privateKeyPem, ...over });
  const explain = (over: Partial<DkimRequest>) => {
    const c = checkDkim(req(over), from);
    expect('error' in c).toBe(true);
    if (!('error' in c)) return '';
    expect(c.error).toMatchObject({ code: 'EDKIM', kind: 'message' });
    return c.error.explanation;
  };

  it('accepts RSA 2048 and Ed25519 keys aligned with From, with no warning', () => {
    const a = checkDkim(req(), from);
    expect(a).toMatchObject({ plan: { domain: 'lab.test', selector: 's1', algorithm: 'rsa-sha256', keyBits: 2048, warnings: [] } });
    const b = checkDkim(req({ privateKey: ed.privateKeyPem, domain: 'LAB.test.' }), from);
    expect(b).toMatchObject({ plan: { domain: 'lab.test', algorithm: 'ed25519-sha256', keyBits: 256, warnings: [] } });
    // A PKCS#1 ("BEGIN RSA PRIVATE KEY") file, as older tools write them, is read too.
    const pkcs1 = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(checkDkim(req({ privateKey: pkcs1 }), from)).toMatchObject({ plan: { algorithm: 'rsa-sha256' } });
  });

  it('refuses keys that cannot sign, in words', () => {
    expect(explain({ privateKey: '' })).toMatch(/empty/);
    expect(explain({ privateKey: 'not a key at all' })).toMatch(/not PEM text.*BEGIN PRIVATE KEY/);
    expect(explain({ privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' })).toMatch(/could not be read .*damaged or incomplete/);
    const pub = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(explain({ privateKey: pub })).toMatch(/public key .*not a private key/);
    const small = generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(explain({ privateKey: small })).toMatch(/RSA with 512 bits.*under 1024 bits \(RFC 8301 §3\.2\)/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(explain({ privateKey: ec })).toMatch(/type ec: DKIM has no ECDSA algorithm/);
    const enc = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }).toString();
    expect(explain({ privateKey: enc })).toMatch(/encrypted with a passphrase/);
    expect(explain({ privateKey: 'x'.repeat(70_000) })).toMatch(/70000 characters long/);
    expect(explain({ domain: 'not a domain' })).toMatch(/"not a domain" is not a domain name/);
    expect(explain({ selector: 'bad_selector!' })).toMatch(/selector "bad_selector!" is not valid/);
    expect(explain({ headerFieldNames: ['From', 'Bad Name'] })).toMatch(/"Bad Name" is not a header field name/);
    expect(explain({ headerFieldNames: 'From:DKIM-Signature' })).toMatch(/its own DKIM-Signature/);
  });

  it('warns on a short RSA key and on a d= that does not align with From, not on a relaxed-aligned one', () => {
    const k1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const short = checkDkim(req({ privateKey: k1024 }), from);
    expect('plan' in short && short.plan.warnings).toEqual([expect.stringMatching(/RSA with 1024 bits: RFC 8301 §3\.2 asks for at least 2048/)]);
    const mis = checkDkim(req({ domain: 'other.test' }), from);
    expect('plan' in mis && mis.plan.warnings).toEqual([expect.stringMatching(/d=other\.test does not align with the From domain lab\.test: .*cannot make DMARC pass.*Sign with d=lab\.test/)]);
    // Same organizational domain: relaxed alignment (DMARC's default) holds.
    const sub = checkDkim(req({ domain: 'mail.example.com' }), 'news@example.com');
    expect('plan' in sub && sub.plan.warnings).toEqual([]);
  });

  it('always signs From and the List-Unsubscribe pair when present, even with a custom list', () => {
    const c = checkDkim(req({ headerFieldNames: 'Subject:To' }), from, { 'list-unsubscribe': '<https://x.test/u>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect('plan' in c && c.plan.headerList).toEqual(['From', 'Subject', 'To', 'List-Unsubscribe', 'List-Unsubscribe-Post']);
    const none = checkDkim(req({ headerFieldNames: ['Subject'] }), from);
    expect('plan' in none && none.plan.headerList).toEqual(['From', 'Subject']);
  });

  it('reads what a signature covers back from its header', () => {
    expect(summarizeSignature('DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=lab.test;\r\n h=From:Subject:\r\n List-Unsubscribe; s=ed1; b=abc')).toEqual({
      domain: 'lab.test',
      selector: 'ed1',
      algorithm: 'ed25519-sha256',
      headers: ['From', 'Subject', 'List-Unsubscribe'],
    });
  });

  it('validates a profile dkim block and reads the key from its variable', () => {
    const base = { ...profile() };
    const ok = validateProfile({ ...base, dkim: { domain: 'Lab.Test', selector: 'S1', privateKeyEnv: 'MY_DKIM_KEY' } });
    expect(ok.profile.dkim).toEqual({ domain: 'lab.test', selector: 's1', privateKeyEnv: 'MY_DKIM_KEY' });
    expect(() => validateProfile({ ...base, dkim: { domain: 'lab.test', selector: 's1', privateKey: rsa.privateKeyPem } })).toThrow(/dkim\."privateKey" is not allowed in a profile file/);
    expect(() => validateProfile({ ...base, dkim: { domain: 'lab', selector: 's1', privateKeyEnv: 'K' } })).toThrow(/"domain" must be a domain name/);
    expect(() => validateProfile({ ...base, dkim: { domain: 'lab.test', selector: 's 1', privateKeyEnv: 'K' } })).toThrow(/"selector" must be letters/);
    expect(() => validateProfile({ ...base, dkim: { domain: 'lab.test', selector: 's1' } })).toThrow(/"privateKeyEnv" must name the environment variable/);
    expect(() => validateProfile({ ...base, dkim: { domain: 'lab.test', selector: 's1', privateKeyEnv: 'not-a-var' } })).toThrow(/must name an environment variable/);
    expect(() => validateProfile({ ...base, dkim: 'yes' })).toThrow(/"dkim" must be an object/);
    expect(() => dkimKeyFromEnv('MY_DKIM_KEY', {})).toThrow(ProfileError);
    expect(() => dkimKeyFromEnv('MY_DKIM_KEY', {})).toThrow(/\$MY_DKIM_KEY, which is not set/);
    // One-line PEM with literal \n, as .env files hold it.
    expect(dkimKeyFromEnv('K', { K: rsa.privateKeyPem.replace(/\n/g, '\\n') })).toBe(rsa.privateKeyPem);
  });
});

describe('signed sends through the mail lab, verified on the delivered copy', () => {
  it('signs with an RSA key: the delivered copy verifies, and covers List-Unsubscribe and List-Unsubscribe-Post', async () => {
    const token = `dkim-rsa-${run}`;
    sent.push(token);
    const dkim = { domain: 'lab.test', selector: `rsa-${run}`, privateKey: rsa.privateKeyPem };
    const r = await sendTest({ profile: profile(), secrets, to: [seed.user], subject: `Lab ${token}`, html: '<p>Signed with RSA</p>', headers: UNSUB, dkim, timeoutMs: TIMEOUT, ca });
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(r.dkim).toMatchObject({ domain: 'lab.test', selector: `rsa-${run}`, algorithm: 'rsa-sha256' });
    expect(r.dkim?.headers.map((h) => h.toLowerCase())).toEqual(expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']));
    // The key never lands in the result.
    expect(JSON.stringify(r)).not.toContain(rsa.privateKeyPem.split('\n')[1]);

    const source = await waitFor(token);
    expect(source.toString('latin1')).toContain(`Message-ID: ${r.messageId}`);
    const v = await verify(source);
    expect(v.status.result).toBe('pass');
    expect(v).toMatchObject({ signingDomain: 'lab.test', selector: `rsa-${run}`, algo: 'rsa-sha256' });
    expect(signedFields(v)).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post']));

    // The same bytes against a different published key: a real verification fails.
    zone.set(rsa.recordName, other.txtStrings);
    try {
      expect((await verify(source)).status.result).toBe('fail');
    } finally {
      zone.set(rsa.recordName, rsa.txtStrings);
    }
  });

  it('signs with an Ed25519 key (RFC 8463): the delivered copy verifies', async () => {
    const token = `dkim-ed-${run}`;
    sent.push(token);
    const dkim = { domain: 'lab.test', selector: `ed-${run}`, privateKey: ed.privateKeyPem };
    const r = await sendTest({ profile: profile(), secrets, to: [seed.user], subject: `Lab ${token}`, html: '<p>Signed with Ed25519</p>', headers: UNSUB, dkim, timeoutMs: TIMEOUT, ca });
    expect(r.ok).toBe(true);
    expect(r.dkim).toMatchObject({ domain: 'lab.test', selector: `ed-${run}`, algorithm: 'ed25519-sha256' });
    const v = await verify(await waitFor(token));
    expect(v.status.result).toBe('pass');
    expect(v.algo).toBe('ed25519-sha256');
    expect(signedFields(v)).toEqual(expect.arrayContaining(['from', 'list-unsubscribe', 'list-unsubscribe-post']));
  });

  it('sends with a misaligned d= but says DMARC will not pass on it', async () => {
    const token = `dkim-mis-${run}`;
    sent.push(token);
    const dkim = { domain: 'other.test', selector: `o-${run}`, privateKey: other.privateKeyPem };
    const r = await sendTest({ profile: profile(), secrets, to: [seed.user], subject: `Lab ${token}`, html: '<p>x</p>', dkim, timeoutMs: TIMEOUT, ca });
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([expect.stringMatching(/d=other\.test does not align with the From domain lab\.test/)]);
    const v = await verify(await waitFor(token));
    expect(v.status.result).toBe('pass');
    expect(v.signingDomain).toBe('other.test');
    // No List-Unsubscribe in the message: nothing of the kind in h=.
    expect(signedFields(v)).not.toContain('list-unsubscribe');
  });

  it('refuses a bad key with EDKIM before connecting: nothing is sent', async () => {
    const token = `dkim-bad-${run}`;
    const r = await sendTest({
      profile: profile(),
      secrets,
      to: [seed.user],
      subject: `Lab ${token}`,
      html: '<p>x</p>',
      dkim: { domain: 'lab.test', selector: 's1', privateKey: rsa.publicKeyBase64 },
      timeoutMs: TIMEOUT,
      ca,
    });
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: 'EDKIM', kind: 'message', explanation: expect.stringMatching(/not PEM text/) });
    expect(r.transcript).toEqual([]);
    expect(r.recipients).toEqual([{ address: seed.user, status: 'not-sent' }]);
    expect(r.dkim).toBeUndefined();
    // A stray copy would have been submitted before this marker: once the marker is in, so would it be.
    const marker = `dkim-bad-marker-${run}`;
    sent.push(marker);
    expect((await sendTest({ profile: profile(), secrets, to: [seed.user], subject: `Lab ${marker}`, html: '<p>marker</p>', timeoutMs: TIMEOUT, ca })).ok).toBe(true);
    await waitFor(marker);
    expect(await countWith(token)).toBe(0);
  });
});

describe('deliverlab send with DKIM flags, profile dkim and the password prompt', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'deliverlab-dkim-'));
    writeFileSync(join(dir, 'p.json'), JSON.stringify([profile(), profile({ name: 'signed', dkim: { domain: 'lab.test', selector: `ed-${run}`, privateKeyEnv: 'LAB_DKIM' } })]));
    writeFileSync(join(dir, 'm.html'), '<p>cli</p>');
    writeFileSync(join(dir, 'ca.pem'), lab.caPem);
    writeFileSync(join(dir, 'rsa.pem'), rsa.privateKeyPem, { mode: 0o600 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const args = (token: string, name = 'lab') => ['--profile', join(dir, 'p.json'), '--profile-name', name, '--ca-file', join(dir, 'ca.pem'), '--to', seed.user, '--subject', `Lab ${token}`, '--html', join(dir, 'm.html')];
  const pw = { DELIVERLAB_SMTP_PASSWORD: lab.sender.password };

  it('signs from --dkim-key-file and from --dkim-key-env; the delivered copies verify', async () => {
    const t1 = `dkim-cli-file-${run}`;
    const t2 = `dkim-cli-env-${run}`;
    sent.push(t1, t2);
    const out = sink();
    const code = await sendCommand(
      [...args(t1), '--header', `List-Unsubscribe: ${UNSUB['List-Unsubscribe']}`, '--header', `List-Unsubscribe-Post: ${UNSUB['List-Unsubscribe-Post']}`, '--dkim-domain', 'lab.test', '--dkim-selector', `rsa-${run}`, '--dkim-key-file', join(dir, 'rsa.pem')],
      { stdout: out.stream, stderr: sink().stream },
      pw,
    );
    expect(code).toBe(0);
    expect(out.read()).toMatch(new RegExp(`^dkim {7}d=lab\\.test s=rsa-${run} a=rsa-sha256 h=(?=.*\\bFrom\\b)(?=.*List-Unsubscribe-Post)(?=.*List-Unsubscribe(:|$))`, 'm'));
    const v1 = await verify(await waitFor(t1));
    expect(v1.status.result).toBe('pass');
    expect(signedFields(v1)).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post']));

    const out2 = sink();
    expect(await sendCommand([...args(t2), '--dkim-domain', 'lab.test', '--dkim-selector', `ed-${run}`, '--dkim-key-env', 'ED_KEY', '--json'], { stdout: out2.stream, stderr: sink().stream }, { ...pw, ED_KEY: ed.privateKeyPem })).toBe(0);
    expect(JSON.parse(out2.read())).toMatchObject({ ok: true, dkim: { algorithm: 'ed25519-sha256', selector: `ed-${run}` } });
    expect((await verify(await waitFor(t2))).status.result).toBe('pass');
  });

  it("signs with the profile's dkim block; --no-dkim sends unsigned", async () => {
    const t1 = `dkim-cli-prof-${run}`;
    const t2 = `dkim-cli-none-${run}`;
    sent.push(t1, t2);
    const out = sink();
    expect(await sendCommand([...args(t1, 'signed'), '--json'], { stdout: out.stream, stderr: sink().stream }, { ...pw, LAB_DKIM: ed.privateKeyPem })).toBe(0);
    expect(JSON.parse(out.read())).toMatchObject({ dkim: { domain: 'lab.test', algorithm: 'ed25519-sha256' } });
    expect((await verify(await waitFor(t1))).status.result).toBe('pass');
    const out2 = sink();
    expect(await sendCommand([...args(t2, 'signed'), '--no-dkim', '--json'], { stdout: out2.stream, stderr: sink().stream }, pw)).toBe(0);
    expect(JSON.parse(out2.read())).not.toHaveProperty('dkim');
    expect((await dkimVerify(await waitFor(t2), { resolver })).results.filter((r) => r.signature)).toEqual([]);
  });

  it('exits 2 with words for a missing key variable, a bad key, conflicting or incomplete flags', async () => {
    const run2 = async (extra: string[], env: NodeJS.ProcessEnv, name = 'lab') => {
      const err = sink();
      const out = sink();
      const code = await sendCommand([...args(`dkim-cli-err-${run}`, name), ...extra], { stdout: out.stream, stderr: err.stream }, env);
      return { code, err: err.read(), out: out.read() };
    };
    const missing = await run2([], pw, 'signed');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/DKIM private key is read from \$LAB_DKIM, which is not set/);
    const bad = await run2(['--dkim-domain', 'lab.test', '--dkim-selector', 's1', '--dkim-key-env', 'K'], { ...pw, K: 'garbage' });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/error EDKIM: The DKIM private key is not PEM text/);
    expect(bad.out).not.toMatch(/queue id/);
    const both = await run2(['--dkim-domain', 'lab.test', '--dkim-selector', 's1', '--dkim-key-env', 'K', '--dkim-key-file', join(dir, 'rsa.pem')], { ...pw, K: rsa.privateKeyPem });
    expect(both).toMatchObject({ code: 2, err: expect.stringMatching(/--dkim-key-env VAR or --dkim-key-file PEM, not both/) });
    const noSel = await run2(['--dkim-domain', 'lab.test', '--dkim-key-file', join(dir, 'rsa.pem')], pw);
    expect(noSel).toMatchObject({ code: 2, err: expect.stringMatching(/--dkim-selector S is required/) });
    const noKey = await run2(['--dkim-domain', 'lab.test', '--dkim-selector', 's1'], pw);
    expect(noKey).toMatchObject({ code: 2, err: expect.stringMatching(/give the DKIM private key/) });
    const noFile = await run2(['--dkim-domain', 'lab.test', '--dkim-selector', 's1', '--dkim-key-file', join(dir, 'nope.pem')], pw);
    expect(noFile).toMatchObject({ code: 2, err: expect.stringMatching(/--dkim-key-file: cannot read .*nope\.pem/) });
    const conflict = await run2(['--no-dkim', '--dkim-domain', 'lab.test'], pw);
    expect(conflict).toMatchObject({ code: 2, err: expect.stringMatching(/--no-dkim cannot be used with --dkim-domain/) });
    expect(await countWith(`dkim-cli-err-${run}`)).toBe(0);
  });

  it('asks for the missing password on a terminal and sends with it; without a terminal names the variable', async () => {
    const token = `dkim-cli-prompt-${run}`;
    sent.push(token);
    const stdin = Object.assign(new PassThrough(), { isTTY: true, modes: [] as boolean[], setRawMode(this: { modes: boolean[] }, b: boolean) { this.modes.push(b); } });
    const err = sink();
    const out = sink();
    const pending = sendCommand(args(token), { stdout: out.stream, stderr: err.stream, stdin }, {});
    expect(await err.written('is not set): ')).toBe(`Password for ${lab.sender.user} (DELIVERLAB_SMTP_PASSWORD is not set): `);
    stdin.write(`${lab.sender.password}\r`);
    expect(await pending).toBe(0);
    expect(stdin.modes).toEqual([true, false]);
    expect(err.read()).not.toContain(lab.sender.password);
    expect(out.read()).toMatch(/^accepted {2}seed10@lab\.test/m);
    await waitFor(token);

    const notTty = sink();
    expect(await sendCommand(args(token), { stdout: sink().stream, stderr: notTty.stream, stdin: new PassThrough() }, {})).toBe(2);
    expect(notTty.read()).toMatch(/password for sender@lab\.test is read from \$DELIVERLAB_SMTP_PASSWORD, which is not set/);

    const cancelled = Object.assign(new PassThrough(), { isTTY: true, setRawMode() {} });
    const e3 = sink();
    const p3 = sendCommand(args(token), { stdout: sink().stream, stderr: e3.stream, stdin: cancelled }, {});
    cancelled.write('lab-\x03');
    expect(await p3).toBe(2);
    expect(e3.read()).toMatch(/deliverlab send: cancelled \(Ctrl-C\)/);
  });

  it('asks on a real pseudo-terminal without echo; Ctrl-C exits 2', async () => {
    // util-linux script(1) gives the command a pty; what it prints is what the person would see.
    const root = resolve(import.meta.dirname, '..', '..');
    const token = `dkim-pty-${run}`;
    sent.push(token);
    const code = `const { sendCommand } = await import(${JSON.stringify(join(root, 'electron/cli/send.ts'))});
process.exitCode = await sendCommand(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });`;
    const env = { ...process.env };
    delete env.DELIVERLAB_SMTP_PASSWORD;
    const ptyRun = (extra: string[], typed: string) =>
      new Promise<{ output: string; exit: number | null }>((done, fail) => {
        const quoted = ['node', '--import', 'tsx', '--input-type=module', '-e', code, '--', ...args(token), ...extra].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
        const child = spawn('script', ['-qec', `${quoted}; echo "EXIT=$?"`, '/dev/null'], { cwd: root, env, stdio: ['pipe', 'pipe', 'inherit'] });
        let output = '';
        let sentKeys = false;
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.stdout.on('data', (b: Buffer) => {
          output += b.toString();
          if (!sentKeys && output.includes('is not set): ')) {
            sentKeys = true;
            child.stdin.write(typed);
          }
        });
        child.on('error', fail);
        child.on('close', () => {
          clearTimeout(timer);
          child.stdin.destroy();
          done({ output, exit: Number(/EXIT=(\d+)/.exec(output)?.[1] ?? NaN) });
        });
      });
    const ok = await ptyRun([], `${lab.sender.password}\r`);
    expect(ok.output).toContain(`Password for ${lab.sender.user} (DELIVERLAB_SMTP_PASSWORD is not set): `);
    expect(ok.output).not.toContain(lab.sender.password);
    expect(ok.output).toMatch(/accepted {2}seed10@lab\.test/);
    expect(ok.exit).toBe(0);
    const cancelled = await ptyRun([], 'lab-pa\x03');
    expect(cancelled.output).toMatch(/deliverlab send: cancelled \(Ctrl-C\)/);
    expect(cancelled.output).not.toContain('lab-pa');
    expect(cancelled.exit).toBe(2);
  });
});
