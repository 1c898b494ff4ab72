/**
 * Spam filter verdicts against the mail lab's spamd and rspamd (network tests off), and against
 * filters that are down, hang or answer garbage: through the api and through the built CLI.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../electron/api/handlers';
import type { DraftCheck, MessageAnalysis, MessageReadiness } from '../../electron/core/message/types';
import type { SpamFilterResult, SpamStatus, SpamVerdict } from '../../electron/core/spam/types';
import { closedPort } from '../helpers/loopback';
import { runCli } from '../lab/cli';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';
import { labFilters, readMailLab, type MailLabFilters } from '../lab/mail-lab/lab-info';
import { aesCipher } from '../lab/test-cipher';
import type { DkimKey } from '../../electron/core/dkim/types';
import type { SpamDraftResult } from '../../electron/core/spam/types';

const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const run = `${process.pid}-${Date.now()}`;

let dns: DnsServer;
let filters: MailLabFilters;
let spamd: string;
let rspamd: string;
const servers: Server[] = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  filters = labFilters(readMailLab());
  spamd = `${filters.spamd.host}:${filters.spamd.port}`;
  rspamd = filters.rspamd.url;
  dns = await startDnsServer({ zone: loadZoneFixtures() });
});
afterAll(async () => {
  dns?.close();
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/** A loopback server that does `onConnection` with each client; closed after the suite. */
async function fakeFilter(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

/** Answers once the request has arrived (a first chunk is enough for these tests). */
const answerWith = (text: string | Buffer) => (socket: Socket) => socket.once('data', () => socket.end(text));

function message(subject: string, lines: string[], body: string[]): Buffer {
  return Buffer.from([`From: Ann Example <ann@lab.test>`, 'To: Bob Example <seed1@lab.test>', `Subject: ${subject}`, ...lines, '', ...body, ''].join('\r\n'));
}

const date = () => new Date().toUTCString().replace('GMT', '+0000');

/** A plain, well-formed personal message. */
const cleanMessage = () =>
  message(
    `Notes from Tuesday ${run}`,
    [`Date: ${date()}`, `Message-ID: <clean-${run}@lab.test>`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 7bit'],
    ['Hi Bob,', '', 'Here are the notes from our meeting on Tuesday. We agreed to move the review to next week,', 'and Carol will send the updated figures before Friday.', '', 'Thanks,', 'Ann'],
  );

const gtubeMessage = () => message(`GTUBE ${run}`, [`Date: ${date()}`, `Message-ID: <gtube-${run}@lab.test>`, 'MIME-Version: 1.0', 'Content-Type: text/plain'], [GTUBE]);

/** Built to fire known rules: no Date, no Message-ID, HTML only with an image and a shortened link. */
const sloppyMessage = () =>
  message(`Offer ${run}`, ['Content-Type: text/html'], ['<html><body><img src="http://bit.ly/x.png"><a href="http://bit.ly/abc">click</a></body></html>']);

const newApi = (): Api => createApi({ dbPath: ':memory:', resolverDefault: `127.0.0.1:${dns.port}`, transport: 'http', version: '0', emit: () => {} });

const check = (api: Api, raw: Buffer, extra: Record<string, unknown> = {}) =>
  api.dispatch('message.check', { raw: raw.toString('base64'), encoding: 'base64', checkLinkDomains: false, spam: true, ...extra }) as Promise<MessageAnalysis>;

const verdictOf = (results: SpamFilterResult[] | undefined, filter: 'spamassassin' | 'rspamd'): SpamVerdict => {
  const found = results?.find((r) => r.filter === filter);
  if (!found || found.verdict === 'error') throw new Error(`no verdict from ${filter}: ${JSON.stringify(found)}`);
  return found;
};

describe('the lab\'s filters through message.check', () => {
  it('call a clean message ham, with their versions, scores and thresholds', async () => {
    const api = newApi();
    try {
      const analysis = await check(api, cleanMessage(), { spamd, rspamd, mailFrom: 'ann@lab.test' });
      const sa = verdictOf(analysis.spam, 'spamassassin');
      const rs = verdictOf(analysis.spam, 'rspamd');
      expect(sa).toMatchObject({ verdict: 'ham', version: filters.spamd.version, threshold: 5 });
      expect(sa.score).toBeLessThan(sa.threshold);
      expect(rs).toMatchObject({ verdict: 'ham', version: filters.rspamd.version, action: 'no action' });
      expect(rs.score).toBeLessThan(rs.threshold);
    } finally {
      api.close();
    }
  });

  it('both flag GTUBE as spam, and history keeps the original message with the verdicts', async () => {
    const api = newApi();
    try {
      const raw = gtubeMessage();
      const analysis = await check(api, raw, { spamd, rspamd });
      expect(verdictOf(analysis.spam, 'spamassassin')).toMatchObject({ verdict: 'spam' });
      expect(verdictOf(analysis.spam, 'spamassassin').rules[0]).toMatchObject({ name: 'GTUBE', score: 1000, group: 'content' });
      expect(verdictOf(analysis.spam, 'rspamd')).toMatchObject({ verdict: 'spam', action: 'reject' });
      expect(verdictOf(analysis.spam, 'rspamd').rules.map((r) => r.name)).toContain('GTUBE');
      const stored = (await api.dispatch('message.get', { id: analysis.id })) as MessageAnalysis;
      expect(stored.spam).toEqual(analysis.spam);
      const kept = (await api.dispatch('message.raw', { id: analysis.id })) as { raw: string };
      expect(Buffer.from(kept.raw, 'base64').equals(raw)).toBe(true);
    } finally {
      api.close();
    }
  });

  it('fire the rules a careless message earns, linked to the findings about the same thing', async () => {
    const api = newApi();
    try {
      const analysis = await check(api, sloppyMessage(), { spamd, rspamd });
      const codes = analysis.findings.map((f) => f.code);
      expect(codes).toEqual(expect.arrayContaining(['header.no-date', 'header.no-message-id']));
      for (const filter of ['spamassassin', 'rspamd'] as const) {
        const rules = verdictOf(analysis.spam, filter).rules;
        expect(rules.find((r) => r.name === 'MISSING_DATE'), filter).toMatchObject({ group: 'headers', finding: 'header.no-date' });
        expect(rules.find((r) => r.name === 'MISSING_MID'), filter).toMatchObject({ group: 'headers', finding: 'header.no-message-id' });
        expect(rules.find((r) => r.name === 'MIME_HTML_ONLY'), filter).toMatchObject({ group: 'content', finding: 'content.no-text-part' });
      }
      expect(verdictOf(analysis.spam, 'spamassassin').rules.find((r) => r.name === 'HTML_IMAGE_ONLY_04')).toMatchObject({ finding: 'content.image-heavy' });
    } finally {
      api.close();
    }
  });

  it('uses the filters saved in Settings, and none configured is an empty list, not an error', async () => {
    const api = newApi();
    try {
      const none = await check(api, cleanMessage());
      expect(none.spam).toEqual([]);
      await api.dispatch('settings.set', { spamd, rspamd: '' });
      const saved = await check(api, gtubeMessage());
      expect(saved.spam?.map((r) => [r.filter, r.verdict])).toEqual([['spamassassin', 'spam']]);
      const status = (await api.dispatch('spam.status', {})) as SpamStatus;
      expect(status.filters).toEqual([
        expect.objectContaining({ filter: 'spamassassin', configured: true, reachable: true, version: filters.spamd.version }),
        expect.objectContaining({ filter: 'rspamd', configured: false, reachable: false, install: expect.objectContaining({ debian: expect.arrayContaining(['sudo apt-get install rspamd']) }) }),
      ]);
      await expect(api.dispatch('settings.set', { spamd: 'not a host:1' })).rejects.toThrow(/not a host name/);
    } finally {
      api.close();
    }
  });
});

describe('filters that fail give an error result, never a pass', () => {
  it('a filter that is down', async () => {
    const api = newApi();
    try {
      const [a, b] = [await closedPort(), await closedPort()];
      const analysis = await check(api, cleanMessage(), { spamd: `127.0.0.1:${a}`, rspamd: `http://127.0.0.1:${b}` });
      expect(analysis.spam).toEqual([
        { filter: 'spamassassin', verdict: 'error', error: `SpamAssassin (spamd) at 127.0.0.1:${a} refused the connection: is it running, and listening there?` },
        { filter: 'rspamd', verdict: 'error', error: `rspamd at http://127.0.0.1:${b} refused the connection: is it running, and listening there?` },
      ]);
      // The analysis itself is done and kept.
      expect(analysis.id).toBeGreaterThan(0);
      const status = (await api.dispatch('spam.status', { spamd: `127.0.0.1:${a}` })) as SpamStatus;
      expect(status.filters[0]).toMatchObject({ configured: true, reachable: false, error: expect.stringMatching(/refused the connection/) });
    } finally {
      api.close();
    }
  });

  it('a filter that never answers, stopped by the deadline', async () => {
    const hang = await fakeFilter(() => {});
    const api = newApi();
    try {
      const analysis = await check(api, cleanMessage(), { spamd: `127.0.0.1:${hang}`, rspamd: `http://127.0.0.1:${hang}`, spamTimeoutMs: 300 });
      expect(analysis.spam).toEqual([
        { filter: 'spamassassin', verdict: 'error', error: `SpamAssassin (spamd) at 127.0.0.1:${hang} gave no answer within 0.3 s.` },
        { filter: 'rspamd', verdict: 'error', error: `rspamd at http://127.0.0.1:${hang} gave no answer within 0.3 s.` },
      ]);
    } finally {
      api.close();
    }
  });

  it('a filter that answers garbage, or far too much', async () => {
    const garbage = await fakeFilter(answerWith('HTTP/1.1 200 OK\r\nServer: rspamd/3.4\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot json!'));
    const flood = await fakeFilter((socket) => socket.once('data', () => socket.end(Buffer.alloc(2 * 1024 * 1024, 'A'))));
    const spamdNoScore = await fakeFilter(answerWith('SPAMD/1.1 0 EX_OK\r\nContent-length: 2\r\n\r\nhi'));
    const api = newApi();
    try {
      const first = await check(api, cleanMessage(), { spamd: `127.0.0.1:${garbage}`, rspamd: `http://127.0.0.1:${garbage}` });
      expect(first.spam).toEqual([
        { filter: 'spamassassin', verdict: 'error', error: expect.stringContaining('SpamAssassin (spamd) answered something that is not the SPAMC protocol: "HTTP/1.1 200 OK??Server: rspamd/3.4') },
        { filter: 'rspamd', verdict: 'error', error: 'rspamd answered something that is not JSON: "not json!".' },
      ]);
      const second = await check(api, cleanMessage(), { spamd: `127.0.0.1:${flood}`, rspamd: `http://127.0.0.1:${spamdNoScore}` });
      expect(second.spam?.[0]).toMatchObject({ verdict: 'error', error: expect.stringMatching(/answered more than 1024 KB/) });
      expect(second.spam?.[1]).toMatchObject({ verdict: 'error', error: expect.stringMatching(/could not be reached|Parse Error|closed the connection/) });
      const third = await check(api, cleanMessage(), { spamd: `127.0.0.1:${spamdNoScore}` });
      expect(third.spam).toEqual([expect.objectContaining({ verdict: 'error', error: expect.stringMatching(/without a score/) })]);
    } finally {
      api.close();
    }
  });
});

describe('a draft scored before it is sent (spam.draft)', () => {
  it('scores the message exactly as the test send would submit it, DKIM signature included', async () => {
    // A spamd stand-in that keeps what it was given, and answers as spamd does.
    const received: Buffer[] = [];
    const recorder = await fakeFilter((socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => {
        const request = Buffer.concat(chunks);
        const body = request.subarray(request.indexOf('\r\n\r\n') + 4);
        if (request.toString('latin1').startsWith('HEADERS')) {
          const headers = 'X-Spam-Status: No, score=0.0 required=5.0 tests=none version=4.0.1\r\n';
          socket.end(`SPAMD/1.1 0 EX_OK\r\nContent-length: ${headers.length}\r\nSpam: False ; 0.0 / 5.0\r\n\r\n${headers}`);
          return;
        }
        received.push(body);
        const report = 'Content analysis details:   (0.1 points, 5.0 required)\n\n pts rule name              description\n---- ---------------------- ---------\n 0.1 HTML_MESSAGE           BODY: HTML included in message\n';
        socket.end(`SPAMD/1.1 0 EX_OK\r\nContent-length: ${Buffer.byteLength(report)}\r\nSpam: False ; 0.1 / 5.0\r\n\r\n${report}`);
      });
    });
    const api = createApi({ dbPath: ':memory:', resolverDefault: `127.0.0.1:${dns.port}`, transport: 'http', version: '0', emit: () => {}, cipher: aesCipher() });
    try {
      await api.dispatch('smtp.save', { profile: { name: 'draft-profile', host: '127.0.0.1', port: 2525, security: 'none', from: 'Ann <ann@lab.test>' } });
      const key = (await api.dispatch('dkim.generate', { domain: 'lab.test', selector: 'draft1', type: 'ed25519' })) as DkimKey;
      await api.dispatch('dkim.save-key', { domain: 'lab.test', selector: 'draft1', privateKey: key.privateKeyPem });
      const result = (await api.dispatch('spam.draft', {
        profile: 'draft-profile',
        subject: `Draft ${run}`,
        html: '<p>Hello from the workshop.</p>',
        headers: { 'List-Unsubscribe': '<https://lab.test/u>' },
        dkim: { domain: 'lab.test', selector: 'draft1' },
        spamd: `127.0.0.1:${recorder}`,
      })) as SpamDraftResult;
      expect(result.spam).toEqual([expect.objectContaining({ filter: 'spamassassin', verdict: 'ham', score: 0.1, version: '4.0.1' })]);
      expect(result.dkim).toEqual({ domain: 'lab.test', selector: 'draft1' });
      const scored = received[0] as Buffer;
      expect(scored.length).toBe(result.bytes);
      const text = scored.toString('latin1');
      // Signed first, as the send submits it; composed with the profile's From, a Date and the Message-ID returned.
      expect(text).toMatch(/^DKIM-Signature: [^]*?d=lab\.test;[^]*?s=draft1;/);
      expect(text).toMatch(/\r\nFrom: Ann <ann@lab\.test>\r\n/);
      expect(text).toMatch(/\r\nDate: /);
      expect(text).toContain(`Message-ID: ${result.messageId}`);
      expect(text).toContain('List-Unsubscribe: <https://lab.test/u>');
    } finally {
      api.close();
    }
  });

  it('scores a message file as it is with the lab\'s filters, and refuses a request that names neither', async () => {
    const api = newApi();
    try {
      const raw = gtubeMessage();
      const result = (await api.dispatch('spam.draft', { raw: raw.toString('base64'), encoding: 'base64', spamd, rspamd })) as SpamDraftResult;
      expect(result.bytes).toBe(raw.length);
      expect(result.spam.map((r) => [r.filter, r.verdict])).toEqual([['spamassassin', 'spam'], ['rspamd', 'spam']]);
      await expect(api.dispatch('spam.draft', { subject: 'x', html: '<p>x</p>' })).rejects.toThrow(/Give either a message or a sending profile/);
    } finally {
      api.close();
    }
  });
});

describe('deliverlab check --spam and deliverlab spam status', () => {
  it('prints the issue\'s JSON shape, and exits 1 when a filter calls the message spam', async () => {
    const out = await runCli(['check', '-', '--no-history', '--json', '--no-link-check', '--resolver', `127.0.0.1:${dns.port}`, '--spam', '--spamd', spamd, '--rspamd', rspamd], { input: gtubeMessage().toString() });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(1);
    const json = JSON.parse(out.stdout) as MessageAnalysis;
    expect(json.spam?.map((r) => r.filter)).toEqual(['spamassassin', 'rspamd']);
    for (const r of json.spam ?? []) {
      expect(r).toMatchObject({ verdict: 'spam', version: expect.any(String), score: expect.any(Number), threshold: expect.any(Number) });
      for (const rule of (r as SpamVerdict).rules) expect(rule).toMatchObject({ name: expect.any(String), score: expect.any(Number), description: expect.any(String), group: expect.any(String) });
    }
  });

  it('groups the rules in text, and a filter that is down is an error (exit 2), not a pass', async () => {
    const down = await closedPort();
    const out = await runCli(['check', '-', '--no-history', '--no-link-check', '--resolver', `127.0.0.1:${dns.port}`, '--spam', '--spamd', spamd, '--rspamd', `http://127.0.0.1:${down}`], { input: sloppyMessage().toString() });
    expect(out.code).toBe(2);
    expect(out.stdout).toMatch(/Spam filters\n {2}✗ spam {2}SpamAssassin [0-9.]+: score [0-9.]+ of 5\n {4}Content\n/);
    expect(out.stdout).toMatch(/\n {4}Headers\n {8}\+2\.7 {2}MISSING_DATE: /);
    expect(out.stdout).toMatch(/MISSING_DATE: The message has no Date header.*\(see header\.no-date\)/);
    expect(out.stdout).toContain(`? rspamd: no verdict: rspamd at http://127.0.0.1:${down} refused the connection`);
    expect(out.stderr).toContain(`deliverlab: rspamd: rspamd at http://127.0.0.1:${down} refused the connection`);
  });

  it('says when no filter is configured, and how to install one', async () => {
    const out = await runCli(['spam', 'status', '--no-history']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('- SpamAssassin: not configured');
    expect(out.stdout).toContain('sudo apt-get install spamassassin spamd');
    expect(out.stdout).toContain('docker run -d --name rspamd -p 127.0.0.1:11333:11333 rspamd/rspamd');
    const up = await runCli(['spam', 'status', '--no-history', '--json', '--spamd', spamd, '--rspamd', rspamd]);
    expect(up.code).toBe(0);
    expect((JSON.parse(up.stdout) as SpamStatus).filters.map((f) => [f.filter, f.reachable, f.version])).toEqual([
      ['spamassassin', true, filters.spamd.version],
      ['rspamd', true, filters.rspamd.version],
    ]);
    const bad = await runCli(['check', '-', '--no-history', '--spamd', spamd]);
    expect(bad).toMatchObject({ code: 2, stderr: 'deliverlab: --spamd, --rspamd and --spam-timeout go with --spam.\n' });
  });
});

describe('the readiness of a draft (spam.draft with readiness)', () => {
  it('an HTML draft through a lab profile, DKIM signed: both filters\' items, DKIM verified, SPF and the sending IP wait for the send', async () => {
    const lab = readMailLab();
    const selector = `ready${process.pid}`;
    // Its own DNS server: lab.test publishes the draft's DKIM key and a DMARC record here only.
    const zone = loadZoneFixtures();
    const own = await startDnsServer({ zone });
    const api = createApi({ dbPath: ':memory:', resolverDefault: `127.0.0.1:${own.port}`, transport: 'http', version: '0', emit: () => {}, cipher: aesCipher() });
    try {
      const key = (await api.dispatch('dkim.generate', { domain: 'lab.test', selector, type: 'ed25519' })) as DkimKey;
      parseZone([`${key.recordName}. TXT ${key.txtStrings.map((s) => `"${s}"`).join(' ')}`, '_dmarc.lab.test. TXT "v=DMARC1; p=quarantine"'].join('\n'), zone);
      await api.dispatch('smtp.save', { profile: { name: 'lab-profile', host: lab.host, port: lab.ports.smtp, security: 'none', from: `Ann <${lab.sender.user}>` } });
      await api.dispatch('dkim.save-key', { domain: 'lab.test', selector, privateKey: key.privateKeyPem });
      await api.dispatch('settings.set', { spamd, rspamd });
      const result = (await api.dispatch('spam.draft', {
        profile: 'lab-profile',
        subject: `Readiness draft ${run}`,
        html: '<html lang="en"><body><p>Hello Bob, the workshop notes are on <a href="https://notes.lab.test/tuesday">the notes page</a>.</p></body></html>',
        dkim: { domain: 'lab.test', selector },
        readiness: true,
      })) as DraftCheck;
      expect(result.spam.map((r) => r.filter)).toEqual(['spamassassin', 'rspamd']);
      const readiness = result.readiness as MessageReadiness;
      expect(readiness.outOf).toBe(10);
      const byLabel = new Map(readiness.items.map((i) => [i.label, i]));
      // Each filter's verdict is an item of its own, scored as the filter said.
      for (const [label, filter] of [['SpamAssassin', 'spamassassin'], ['rspamd', 'rspamd']] as const) {
        const verdict = verdictOf(result.spam, filter);
        expect(byLabel.get(label)).toMatchObject({ area: 'spam-filters', weight: 1 });
        expect(byLabel.get(label)?.detail).toContain(`${verdict.score} of ${verdict.threshold}`);
      }
      expect(byLabel.get('DKIM')).toMatchObject({ status: 'pass' });
      expect(byLabel.get('DKIM')?.detail).toContain(`d=lab.test s=${selector}`);
      expect(byLabel.get('DMARC')).toMatchObject({ status: 'pass' });
      expect(byLabel.get('DMARC')?.detail).toMatch(/on the aligned DKIM signature alone/);
      expect(byLabel.get('SPF')).toMatchObject({ status: 'not-run', deduction: 0 });
      expect(byLabel.get('SPF')?.detail).toMatch(/^Checked once sent/);
      expect(byLabel.get('Sending IP')).toMatchObject({ status: 'not-run', deduction: 0 });
      expect(byLabel.get('Sending IP')?.detail).toContain('the sending IP is known once it is sent');
      // The link domains are looked up all the same.
      expect(byLabel.get('Link domains')?.status).not.toBe('not-run');
      expect(byLabel.get('Link domains')?.detail).toContain('The link domain (lab.test)');
      expect(readiness.explanation).toMatch(/SPF: not run, .*Sending IP: not run/);
    } finally {
      api.close();
      await own.close();
    }
  });

  it('without an aligned DKIM signature DMARC waits for SPF, and a draft never reads as sent', async () => {
    const zone = parseZone('_dmarc.lab.test. TXT "v=DMARC1; p=reject"', loadZoneFixtures());
    const own = await startDnsServer({ zone });
    const api = createApi({ dbPath: ':memory:', resolverDefault: `127.0.0.1:${own.port}`, transport: 'http', version: '0', emit: () => {} });
    try {
      const result = (await api.dispatch('spam.draft', { raw: cleanMessage().toString('base64'), encoding: 'base64', readiness: true })) as DraftCheck;
      const byLabel = new Map(result.readiness?.items.map((i) => [i.label, i]));
      expect(byLabel.get('DKIM')).toMatchObject({ status: 'fail', detail: 'The message carries no DKIM signature.' });
      expect(byLabel.get('DMARC')).toMatchObject({ status: 'not-run' });
      expect(byLabel.get('DMARC')?.detail).toMatch(/rests on SPF, and the sending IP is known once it is sent/);
      // No filter set up: said as not run, never a pass.
      expect(byLabel.get('Spam filters')).toMatchObject({ status: 'not-run' });
    } finally {
      api.close();
      await own.close();
    }
  });
});
