/**
 * Every kind of history by domain and by client, through the built CLI (history list --kind,
 * --domain, --client; report --client NAME alone), and the operations the app's history and home
 * page read: compare any two audits, recent activity across kinds, a client's portfolio report.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../electron/api/handlers';
import type { ReportOutput } from '../../electron/api/operations';
import type { AuditChanges } from '../../electron/core/report/changes';
import type { ActivityItem } from '../../electron/core/watch/types';
import { runCli } from '../lab/cli';
import { parseZone, startDnsServer, type DnsServer, type Zone } from '../lab/dns-server';
import { startSmtpSink, type SmtpSink } from '../lab/smtp-sink';

const ACME = 'acme.kinds.test';
const OTHER = 'other.kinds.test';
const SKIP = ['--skip', 'smtp,http,dnsbl'];

let zone: Zone;
let dns: DnsServer;
let sink: SmtpSink;
let dir: string;
let db: string;
let resolver: string;
const ids: number[] = [];

const file = (name: string) => join(dir, name);
const cli = (args: string[]) => runCli([...args, '--db', db], { timeoutMs: 60_000 });

function spf(record: string): void {
  zone.records.delete(ACME);
  parseZone(`${ACME}. MX 10 mx.${ACME}.\n${ACME}. TXT "${record}"`, zone);
}

async function audit(domain: string): Promise<void> {
  const run = await cli(['audit', domain, '--resolver', resolver, '--json', ...SKIP]);
  ids.push((JSON.parse(run.stdout) as { id: number }).id);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-history-kinds-'));
  db = file('history.sqlite');
  zone = parseZone([`mx.${ACME}. A 127.0.0.1`, `_dmarc.${ACME}. TXT "v=DMARC1; p=reject"`, `${OTHER}. MX 10 mx.${ACME}.`].join('\n'));
  spf('v=spf1 ip4:192.0.2.1 -all');
  dns = await startDnsServer({ zone });
  resolver = `127.0.0.1:${dns.port}`;
  sink = await startSmtpSink();
  await audit(ACME);
  await audit(OTHER);
  spf('v=spf1 ip4:192.0.2.2 -all');
  await audit(ACME);
  writeFileSync(file('news.eml'), `From: News <news@mail.${ACME}>\r\nTo: you@example.com\r\nSubject: Spring offers\r\nMessage-ID: <1@mail.${ACME}>\r\nDate: Mon, 02 Mar 2026 10:00:00 +0000\r\n\r\nHello\r\n`);
  expect((await cli(['check', file('news.eml'), '--resolver', resolver, '--no-link-check', '--json'])).stdout).toContain('"sha256"');
  writeFileSync(file('profile.json'), JSON.stringify({ name: 'acme-file', host: '127.0.0.1', port: sink.port, security: 'none', from: `Acme <news@${ACME}>` }));
  writeFileSync(file('mail.html'), '<p>Hello</p>');
  expect((await cli(['send', '--profile', file('profile.json'), '--to', 'reader@example.com', '--subject', 'Acme test', '--html', file('mail.html')])).code).toBe(0);
  expect((await cli(['clients', 'add', 'Acme', '--domain', ACME])).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await dns?.close();
  await sink?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deliverlab history list --kind, --domain, --client', () => {
  it('lists audits as it always has, by default or with --kind audits, and by client', async () => {
    const plain = await cli(['history', 'list']);
    expect(plain.stdout).toMatch(/^ID +DATE \(UTC\) +DOMAIN +SCORE +CRITICAL +WARNING\n/);
    expect(plain.stdout.trim().split('\n')).toHaveLength(4);
    expect((await cli(['history', 'list', '--kind', 'audits'])).stdout).toBe(plain.stdout);
    const acme = (await cli(['history', 'list', '--client', 'acme', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; domain: string });
    expect(acme.map((a) => [a.id, a.domain])).toEqual([
      [ids[2], ACME],
      [ids[0], ACME],
    ]);
  });

  it('lists message analyses, test sends and placement runs by domain and by client', async () => {
    const messages = await cli(['history', 'list', '--kind', 'messages', '--client', 'Acme']);
    expect(messages.stdout).toMatch(/^ID +DATE \(UTC\) +FROM DOMAIN +SPF +DKIM +DMARC +CRITICAL +SUBJECT\n1 .* mail\.acme\.kinds\.test .* Spring offers\n$/);
    expect((await cli(['history', 'list', '--kind', 'messages', '--domain', OTHER])).stdout).toBe('No message analyses in history yet. Run: deliverlab check message.eml\n');
    const sends = (await cli(['history', 'list', '--kind', 'sends', '--client', 'Acme', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { profile: string; subject: string; ok: boolean });
    expect(sends).toMatchObject([{ profile: 'acme-file', subject: 'Acme test', ok: true }]);
    expect((await cli(['history', 'list', '--kind', 'sends', '--domain', OTHER, '--json'])).stdout).toBe('');
    expect((await cli(['history', 'list', '--kind', 'placements'])).stdout).toBe('No placement runs in history yet.\n');
    expect(await cli(['history', 'list', '--kind', 'alerts'])).toMatchObject({ code: 2, stderr: 'deliverlab: --kind takes audits, messages, sends, placements, not "alerts".\n' });
    expect(await cli(['history', 'list', '--client', 'Nobody'])).toMatchObject({ code: 2, stderr: 'deliverlab: --client: There is no client named "Nobody". deliverlab clients list shows them.\n' });
  });

  it('reports every domain of a stored client with --client NAME alone, its name on the cover', async () => {
    const run = await cli(['report', '--client', 'ACME', '--out', file('acme.md')]);
    expect(run).toMatchObject({ code: 0, stderr: '', stdout: `Wrote the md report of ${ACME} to ${file('acme.md')}.\n` });
    const md = readFileSync(file('acme.md'), 'utf8');
    expect(md).toContain('- Client: Acme');
    expect(md).not.toContain(OTHER);
    expect(await cli(['report', '--client', 'Nobody', '--out', file('x.md')])).toMatchObject({ code: 2, stderr: expect.stringContaining('There is no client named "Nobody"') });
    // With domains named, --client only goes on the cover, as before.
    expect((await cli(['report', OTHER, '--client', 'Someone Else', '--out', file('other.md')])).code).toBe(0);
    expect(readFileSync(file('other.md'), 'utf8')).toContain('- Client: Someone Else');
  });
});

describe('the history operations the app reads', () => {
  it('compares any two stored audits, lists recent activity across kinds, and renders a client\'s portfolio', async () => {
    const api = createApi({ dbPath: db, transport: 'http', version: 'test', emit: () => {} });
    try {
      const changes = (await api.dispatch('history.compare', { a: ids[0], b: ids[2] })) as AuditChanges;
      expect(changes.records).toEqual([{ check: 'spf', title: 'SPF', removed: ['v=spf1 ip4:192.0.2.1 -all'], added: ['v=spf1 ip4:192.0.2.2 -all'] }]);
      await expect(api.dispatch('history.compare', { a: ids[0], b: 9999 })).rejects.toThrow(/There is no audit #9999 in history/);

      const recent = ((await api.dispatch('history.recent', { client: 'Acme' })) as { items: ActivityItem[] }).items;
      expect(recent.map((r) => r.kind)).toEqual(['send', 'message', 'audit', 'audit']);
      expect(((await api.dispatch('history.recent', { limit: 2 })) as { items: ActivityItem[] }).items).toHaveLength(2);

      const clients = (await api.dispatch('clients.list', {})) as { clients: { id: number }[] };
      const report = (await api.dispatch('report.render', { clientId: clients.clients[0]?.id, format: 'md' })) as ReportOutput;
      expect(report.domains).toEqual([ACME]);
      expect(report.text).toContain('- Client: Acme');
    } finally {
      api.close();
    }
  });
});
