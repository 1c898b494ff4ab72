/**
 * Report import from an IMAP mailbox, against the mail lab: reports mailed as attachments over the
 * lab's submission port, read from a folder of this run's own (so other tests' mail in the same
 * seed never changes the counts), incrementally, moved when asked, and a connection dropped in the
 * middle of a run. Seed used: seed13; the run's folders are deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../electron/api/handlers';
import { HistoryStore } from '../../electron/core/history/store';
import { importFromImap, mailboxAccount, type ImapImportResult } from '../../electron/core/reports/imap-import';
import { aggregateXml, gzip, knownRecords, reportEmail, tlsJson, zip } from '../helpers/dmarc-reports';
import { tempDbPaths } from '../helpers/temp-db';
import { runCli } from '../lab/cli';
import { labImap } from '../lab/mail-lab/lab-imap';
import { deleteFolders, deliverReports } from '../lab/mail-lab/lab-reports';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { labSeed } from '../lab/mail-lab/lab-profile';
import { startTcpProxy } from '../lab/tcp-proxy';

const lab = readMailLab();
const user = lab.seeds[12] as MailLabUser;
const run = randomUUID().slice(0, 8);
const dir = mkdtempSync(join(tmpdir(), 'deliverlab-reports-imap-'));
const dbPath = tempDbPaths('reports-imap');
const DAY = Date.UTC(2024, 5, 3) / 1000;
/** The folders this run creates (and deletes afterwards): nothing else is ever in them. */
const folders: string[] = [];
const folderFor = (what: string) => {
  const path = `DL-${what}-${run}`;
  folders.push(path);
  return path;
};

/** One report message: a subject carrying the run's token, a Message-ID of its own. */
function message(n: string, attachment: { name: string; type: string; data: Uint8Array | string }, subject: string): string {
  return reportEmail([attachment], subject).replace('Message-ID: <report-0001@reporter.example>', `Message-ID: <report-${run}-${n}@reporter.example>`);
}

const aggregate = (id: string) =>
  aggregateXml({
    org: 'lab-reporter.example',
    reportId: `${id}-${run}`,
    domain: 'brand.test',
    begin: DAY,
    records: knownRecords(1),
  });
const tls = (id: string) =>
  tlsJson({
    org: 'lab-reporter.example',
    reportId: `${id}-${run}`,
    begin: DAY,
    policies: [{ type: 'sts', domain: 'brand.test', successes: 90, failures: 2 }],
  });

/** The messages of one batch: three reports (.xml.gz, .zip, TLS .json.gz) and one broken attachment. */
function batch(tag: string): { subject: string; raw: string }[] {
  const subject = (what: string) => `Report ${what} ${tag} ${run}`;
  const broken = gzip(aggregate(`${tag}-broken`)).subarray(0, 120);
  return [
    {
      subject: subject('gzip'),
      raw: message(
        `${tag}-1`,
        {
          name: 'lab.xml.gz',
          type: 'application/gzip',
          data: gzip(aggregate(`${tag}-gz`)),
        },
        subject('gzip'),
      ),
    },
    {
      subject: subject('zip'),
      raw: message(
        `${tag}-2`,
        {
          name: 'lab.zip',
          type: 'application/zip',
          data: zip({ 'lab.xml': aggregate(`${tag}-zip`) }),
        },
        subject('zip'),
      ),
    },
    {
      subject: subject('tls'),
      raw: message(
        `${tag}-3`,
        {
          name: 'lab.json.gz',
          type: 'application/tlsrpt+gzip',
          data: gzip(tls(`${tag}-tls`)),
        },
        subject('tls'),
      ),
    },
    {
      subject: subject('broken'),
      raw: message(`${tag}-4`, { name: 'broken.xml.gz', type: 'application/gzip', data: broken }, subject('broken')),
    },
  ];
}

/** The subjects in a folder of this run. */
async function subjectsIn(folder: string): Promise<string[]> {
  const client = labImap(user);
  await client.connect();
  try {
    await client.mailboxOpen(folder, { readOnly: true });
    const out: string[] = [];
    for await (const m of client.fetch('1:*', { envelope: true })) out.push(m.envelope?.subject ?? '');
    return out.sort();
  } catch (err) {
    if (/NONEXISTENT|doesn't exist/i.test(`${(err as { responseText?: string }).responseText ?? ''} ${(err as Error).message}`)) return [];
    throw err;
  } finally {
    await client.logout().catch(() => undefined);
  }
}

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await deleteFolders(user, folders);
});

const seed = labSeed(user, {
  name: 'reports',
  auth: { user: user.user, passwordEnv: 'LAB_REPORTS_PASS' },
});
const env = { LAB_REPORTS_PASS: user.password };

describe('deliverlab reports import --imap', () => {
  const folder = folderFor('in');
  const done = folderFor('done');
  const messages = batch('cli');
  let account: string;
  let ca: string;
  beforeAll(async () => {
    account = join(dir, 'account.json');
    ca = join(dir, 'ca.pem');
    writeFileSync(account, JSON.stringify(seed));
    writeFileSync(ca, lab.caPem);
    await deliverReports(user, messages, folder);
  });

  it('imports the reports mailed to the folder, refuses the broken one by its UID, moves the others; a second run finds nothing new', async () => {
    const db = dbPath();
    const args = ['reports', 'import', '--imap', account, '--folder', folder, '--ca-file', ca, '--db', db];
    const first = await runCli([...args, '--move-to', done, '--json'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(1);
    const out = JSON.parse(first.stdout) as {
      imported: number;
      duplicates: number;
      refused: { file: string; reason: string }[];
      records: number;
    };
    expect(out).toMatchObject({
      imported: 3,
      duplicates: 0,
      records: knownRecords(1).length * 2 + 1,
    });
    expect(out.refused).toHaveLength(1);
    expect(out.refused[0]?.file).toMatch(new RegExp(`^${folder} UID \\d+: Report broken cli ${run} › broken\\.xml\\.gz$`));
    expect(out.refused[0]?.reason).toMatch(/gzip/);

    // The three that carried a report are in the target folder; the refused one stayed.
    expect(await subjectsIn(done)).toEqual(
      messages
        .slice(0, 3)
        .map((m) => m.subject)
        .sort(),
    );
    expect(await subjectsIn(folder)).toEqual([messages[3]?.subject]);

    const second = await runCli(args, { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Imported 0 reports');
    expect(second.stdout).toContain(`${folder}: 0 new messages.`);
    const json = await runCli([...args, '--json'], { env });
    expect(JSON.parse(json.stdout)).toEqual({
      imported: 0,
      duplicates: 0,
      refused: [],
      records: 0,
    });
  });

  it('refuses a missing folder and a missing password in words, exit 2', async () => {
    const db = dbPath();
    const missing = await runCli(['reports', 'import', '--imap', account, '--folder', `Nowhere-${run}`, '--ca-file', ca, '--db', db], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`deliverlab: The mailbox has no folder "Nowhere-${run}": check its name (INBOX, or a folder such as "DMARC").\n`);
    const noSecret = await runCli(['reports', 'import', '--imap', account, '--folder', folder, '--ca-file', ca, '--db', db], { env: { LAB_REPORTS_PASS: '' } });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toMatch(/the password for .* is read from \$LAB_REPORTS_PASS, which is not set/);
  });
});

describe('a connection lost in the middle of an import', () => {
  const folder = folderFor('drop');
  let uids: number[] = [];
  beforeAll(async () => {
    uids = await deliverReports(user, batch('drop'), folder);
  });

  it('keeps what was imported, remembers only the messages done, and the next run takes the rest', async () => {
    const store = HistoryStore.open(dbPath());
    const proxy = await startTcpProxy({
      target: { host: lab.host, port: lab.ports.imap },
    });
    try {
      const connection = { timeoutMs: 5_000, ca: [lab.caPem] };
      const cut = await importFromImap({
        store,
        seed: { ...seed, host: proxy.host, port: proxy.port },
        secrets: { password: user.password },
        folder,
        connection,
        // The server goes away as soon as the first message is done.
        onProgress: (p) => {
          if (p.done === 1) proxy.dropAll();
        },
      });
      expect(cut.imported).toBe(1);
      expect(cut.mailbox).toMatchObject({ newMessages: 4, done: 1 });
      expect(cut.stopped).toMatch(
        new RegExp(`closed the connection.*The import stopped after 1 of 4 messages: what they held is kept, and the next import from ${folder} starts after UID ${cut.mailbox.lastUid}\\.$`),
      );
      // The proxy's account is not the lab's: the state it left is read back under its own key.
      const left = store.reportMailbox(mailboxAccount({ ...seed, host: proxy.host, port: proxy.port }), folder);
      expect(left?.lastUid).toBe(cut.mailbox.lastUid);
      expect(left?.lastUid).toBeLessThan(Math.max(...uids));

      const rest = await importFromImap({
        store,
        seed: { ...seed, host: proxy.host, port: proxy.port },
        secrets: { password: user.password },
        folder,
        connection,
      });
      expect(rest.stopped).toBeUndefined();
      expect(rest.mailbox).toMatchObject({
        newMessages: 3,
        done: 3,
        restarted: false,
      });
      expect(rest.imported).toBe(2);
      expect(rest.refused.map((r) => r.file)).toEqual([expect.stringMatching(/ UID \d+: Report broken drop /)]);
      expect(store.listReports({ limit: 10, offset: 0 }).total).toBe(3);
    } finally {
      await proxy.close();
      store.close();
    }
  });

  it('stops when asked, after the message in hand, remembering only what was done', async () => {
    const store = HistoryStore.open(dbPath());
    try {
      const stop = new AbortController();
      const result = await importFromImap({
        store,
        seed,
        secrets: { password: user.password },
        folder,
        connection: { timeoutMs: 5_000, ca: [lab.caPem] },
        signal: stop.signal,
        onProgress: (p) => {
          if (p.done === 2) stop.abort(new Error('Cancel was pressed'));
        },
      });
      expect(result.stopped).toBe('stopped: Cancel was pressed after 2 of 4 messages.');
      expect(result.imported).toBe(2);
      expect(store.reportMailbox(mailboxAccount(seed), folder)?.lastUid).toBe(uids.slice().sort((a, b) => a - b)[1]);
    } finally {
      store.close();
    }
  });

  it('refuses a message over the size cap by its UID, unread, and goes on', async () => {
    const store = HistoryStore.open(dbPath());
    try {
      const result = await importFromImap({ store, seed, secrets: { password: user.password }, folder, connection: { timeoutMs: 5_000, ca: [lab.caPem] }, maxMessageBytes: 100 });
      expect(result.imported).toBe(0);
      expect(result.mailbox).toMatchObject({ newMessages: 4, done: 4 });
      expect(result.refused).toHaveLength(4);
      expect(result.refused[0]?.reason).toBe('the message is larger than 100 bytes, the largest read from a mailbox: not read');
      expect(result.refused.map((r) => r.file)).toEqual(uids.slice().sort((a, b) => a - b).map((uid) => expect.stringMatching(new RegExp(`^${folder} UID ${uid}: Report \\w+ drop ${run}$`))));
    } finally {
      store.close();
    }
  });
});

describe('reports.cancel during a mailbox import', () => {
  const folder = folderFor('cancel');
  let uids: number[] = [];
  beforeAll(async () => {
    uids = await deliverReports(user, batch('cancel'), folder);
  });

  it('stops after the message in hand, keeps it and remembers only it; a second cancel is harmless; the next import takes the rest', async () => {
    const store = HistoryStore.open(dbPath());
    const answers: Promise<unknown>[] = [];
    const api: Api = createApi({
      dbPath: null,
      store,
      transport: 'http',
      version: 'test',
      ca: [lab.caPem],
      emit: (event, payload) => {
        const p = payload as { runId?: string; done: number };
        if (event === 'reports.progress' && p.runId === 'imap-1' && p.done === 1 && answers.length === 0) answers.push(api.dispatch('reports.cancel', { runId: 'imap-1' }, 'stream:imap-page-1'));
      },
    });
    try {
      const input = { account: seed, secret: user.password, folder };
      const stopped = (await api.dispatch('reports.import-imap', { ...input, runId: 'imap-1' }, 'stream:imap-page-1')) as ImapImportResult;
      expect(await Promise.all(answers)).toEqual([{ cancelled: true }]);
      expect(stopped.stopped).toBe('stopped: the import was cancelled after 1 of 4 messages.');
      expect(stopped.imported).toBe(1);
      expect(stopped.mailbox).toMatchObject({ newMessages: 4, done: 1 });
      expect(store.reportMailbox(mailboxAccount(seed), folder)?.lastUid).toBe(Math.min(...uids));
      expect(await api.dispatch('reports.cancel', { runId: 'imap-1' }, 'stream:imap-page-1')).toEqual({ cancelled: false });

      const rest = (await api.dispatch('reports.import-imap', { ...input, runId: 'imap-2' }, 'stream:imap-page-1')) as ImapImportResult;
      expect(rest.stopped).toBeUndefined();
      expect(rest.mailbox).toMatchObject({ newMessages: 3, done: 3 });
      expect(store.listReports({ limit: 10, offset: 0 }).total).toBe(3);
    } finally {
      api.close();
      store.close();
    }
  });
});
