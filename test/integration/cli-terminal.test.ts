/**
 * Untrusted text reaches the terminal as text: escape sequences in DNS records, message headers,
 * server replies and quoted input are shown as visible escapes (\x1b), never obeyed, while our own
 * colours stay and --json keeps every character exactly.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../lab/cli';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';
import { startSmtpSink, type SmtpSink } from '../lab/smtp-sink';

const ESC = '\x1b';
const BEL = '\x07';
const CLEAR = `${ESC}[2J`;
const TITLE = `${ESC}]0;pwned${BEL}`;
/** OSC 8: a link whose text says one thing and whose target is another, ended by ST (ESC \). */
const LINK = `${ESC}]8;;https://evil.example/${ESC}\\click here${ESC}]8;;${ESC}\\`;

/** Control characters left in `text` other than newline, and other than SGR colour sequences when allowed. */
function controls(text: string, { colours }: { colours: boolean }): string[] {
  // eslint-disable-next-line no-control-regex -- an SGR colour sequence starts with ESC: this is what the test looks for.
  const stripped = colours ? text.replace(/\x1b\[[0-9;]*m/g, '') : text;
  const isControl = (code: number) => (code < 0x20 && code !== 0x0a && code !== 0x09) || (code >= 0x7f && code <= 0x9f);
  return [...stripped].filter((c) => isControl(c.charCodeAt(0))).map((c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

const SPF = `v=spf1 ip4:192.0.2.1 ${CLEAR}${TITLE} -all`;
const DMARC = `v=DMARC1; p=reject; rua=mailto:${LINK}@evil.term.test`;

let dns: DnsServer;
let resolver: string;
let dir: string;
beforeAll(async () => {
  // Zone text unescapes \\ to \ inside quotes: the ST's backslash is written doubled.
  const zone = parseZone(
    [`evil.term.test. MX 10 mx.evil.term.test.`, `mx.evil.term.test. A 192.0.2.1`, `evil.term.test. TXT "${SPF}"`, `_dmarc.evil.term.test. TXT "${DMARC.replaceAll('\\', '\\\\')}"`].join('\n'),
    loadZoneFixtures(),
  );
  dns = await startDnsServer({ zone });
  resolver = `127.0.0.1:${dns.port}`;
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-terminal-'));
});
afterAll(async () => {
  await dns?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('DNS records', () => {
  const args = () => ['audit', 'evil.term.test', '--resolver', resolver, '--no-history', '--skip', 'smtp,http,dnsbl'];

  it('the summary shows the escape sequences of a TXT record as text, with our colours intact', async () => {
    const plain = await runCli(args());
    expect(plain.stderr).toBe('');
    expect(controls(plain.stdout, { colours: false })).toEqual([]);
    expect(plain.stdout).toContain('v=spf1 ip4:192.0.2.1 \\x1b[2J\\x1b]0;pwned\\x07 -all');
    expect(plain.stdout).toContain('\\x1b]8;;https://evil.example/\\x1b\\click here\\x1b]8;;\\x1b\\');

    const coloured = await runCli(args(), { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    // eslint-disable-next-line no-control-regex -- our own colours must still be there.
    expect(coloured.stdout).toMatch(/\x1b\[\d+m/);
    expect(controls(coloured.stdout, { colours: true })).toEqual([]);
    expect(coloured.stdout).toContain('\\x1b[2J');
  });

  it('--json keeps the records exactly', async () => {
    const run = await runCli([...args(), '--json']);
    const result = JSON.parse(run.stdout);
    expect(result.checks.spf.record).toBe(SPF);
    expect(result.checks.dmarc.record).toBe(DMARC);
    expect(run.stdout.trim()).toBe(JSON.stringify(result));
  });
});

describe('messages', () => {
  // The Subject carries raw control characters; the From's display name hides them in an RFC 2047 encoded word.
  const subject = `Invoice ${CLEAR}${TITLE}`;
  const name = `Billing ${ESC}]8;;https://evil.example/${ESC}\\Bank${ESC}]8;;${ESC}\\`;
  const message = [
    `From: =?utf-8?b?${Buffer.from(name).toString('base64')}?= <billing@good.test>`,
    'To: customer@example.test',
    `Subject: ${subject}`,
    'Date: Thu, 26 Nov 2026 10:00:00 +0000',
    'Message-ID: <esc-1@good.test>',
    '',
    'Hello.',
    '',
  ].join('\r\n');

  it('check shows Subject and From as text; --json keeps them exactly', async () => {
    const file = join(dir, 'escape.eml');
    writeFileSync(file, message);
    const flags = ['--resolver', resolver, '--no-history', '--no-link-check', '--ip', '198.51.100.7'];
    const text = await runCli(['check', file, ...flags]);
    expect(controls(text.stdout, { colours: false })).toEqual([]);
    // The summary quotes the display name as RFC 5322 does (a backslash doubled); the ESCs are text.
    expect(text.stdout.split('\n')[0]).toMatch(/^Invoice \\x1b\[2J\\x1b\]0;pwned\\x07 {2}from "Billing \\x1b\]8;;https:\/\/evil\.example\/\\x1b\\\\Bank/);

    const json = JSON.parse((await runCli(['check', file, ...flags, '--json'])).stdout);
    expect(json.summary.subject).toBe(subject);
    expect(json.summary.from).toBe(`"${name.replaceAll('\\', '\\\\')}" <billing@good.test>`);
  });

  it('an error message that quotes its input shows the input as text', async () => {
    const run = await runCli(['check', join(dir, `${CLEAR}missing.eml`), '--no-history']);
    expect(run.code).toBe(2);
    expect(controls(run.stderr, { colours: false })).toEqual([]);
    expect(run.stderr).toContain('\\x1b[2Jmissing.eml: no such file.');
    const domain = await runCli(['audit', `evil${TITLE}.test`, '--no-history']);
    expect(domain.code).toBe(2);
    expect(domain.stderr).toBe('deliverlab: "evil\\x1b]0;pwned\\x07.test" is not a valid domain name: it contains a control character (U+001B).\n');
  });
});

describe('server replies', () => {
  let sink: SmtpSink;
  let profile: string;
  let html: string;
  beforeAll(async () => {
    sink = await startSmtpSink({ greeting: `sink.test ${TITLE}ready`, rcptReply: () => `2.1.5 Ok ${CLEAR}`, dataReply: `2.0.0 Ok: queued as ${LINK}` });
    profile = join(dir, 'sink.json');
    writeFileSync(profile, JSON.stringify({ name: 'sink', host: '127.0.0.1', port: sink.port, security: 'none', from: 'a@good.test' }));
    html = join(dir, 'mail.html');
    writeFileSync(html, '<p>Hello</p>');
  });
  afterAll(() => sink?.close());

  it('send shows the replies and the transcript as text; --json keeps them exactly', async () => {
    const args = ['send', '--profile', profile, '--to', 'b@good.test', '--subject', 'Hi', '--html', html, '--no-history'];
    const text = await runCli([...args, '--transcript']);
    expect(text.code).toBe(0);
    expect(controls(text.stdout, { colours: false })).toEqual([]);
    expect(controls(text.stderr, { colours: false })).toEqual([]);
    expect(text.stdout).toContain('accepted  b@good.test  250 2.1.5 Ok \\x1b[2J');
    expect(text.stdout).toContain('220 sink.test \\x1b]0;pwned\\x07ready');

    const json = JSON.parse((await runCli([...args, '--json', '--transcript'])).stdout);
    expect(json.recipients[0].reply).toBe(`250 2.1.5 Ok ${CLEAR}`);
    expect(json.transcript.map((l: { text: string }) => l.text)).toContain(`220 sink.test ${TITLE}ready`);
  });
});
