import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/core/history/store';
import type { MessageAnalysis } from '../../electron/core/message/types';
import { readEmbedded } from '../../electron/core/report/page';
import { SECRET, b64, placementRun } from '../helpers/report-kinds';
import { runCli } from '../lab/cli';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
let dir: string;
let db: string;
let analysis: MessageAnalysis;
let placementId: number;

const MESSAGE = readFileSync(join(__dirname, '../fixtures/messages/received-chain.eml'), 'utf8').replace('Subject: Weekly news', 'Subject: Weekly </script><script>alert(1)</script> news');

beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-report-kinds-'));
  db = join(dir, 'history.sqlite');
  const file = join(dir, 'message.eml');
  writeFileSync(file, MESSAGE);
  const check = await runCli(['check', file, '--json', '--db', db, '--no-link-check', '--resolver', `127.0.0.1:${server.port}`]);
  expect(check.stderr).toBe('');
  analysis = JSON.parse(check.stdout) as MessageAnalysis;
  const store = HistoryStore.open(db);
  try {
    const run = placementRun();
    placementId = store.startPlacement({ ...run, status: 'running' });
    store.finishPlacement(placementId, run);
  } finally {
    store.close();
  }
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deliverlab report --message / --placement', () => {
  it('--message ID writes the stored analysis: its codes, the verdicts and the hostile Subject as text', async () => {
    expect(typeof analysis.id).toBe('number');
    const out = join(dir, 'message.html');
    const run = await runCli(['report', '--message', String(analysis.id), '--out', out, '--db', db]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`report of message #${analysis.id}`);
    const html = readFileSync(out, 'utf8');
    expect(analysis.findings.length).toBeGreaterThan(0);
    for (const f of analysis.findings) expect(html).toContain(f.code);
    expect(html).toContain('&#60;/script&#62;&#60;script&#62;alert(1)');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('mx.receiver.example');
    expect((readEmbedded(html) as MessageAnalysis).sha256).toBe(analysis.sha256);
  });

  it('--placement ID writes the stored run, each seed and why, with no credential', async () => {
    const out = join(dir, 'placement.csv');
    const run = await runCli(['report', '--placement', String(placementId), '--out', out, '--db', db]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = readFileSync(out, 'utf8').split('\r\n');
    for (const seed of ['inbox-seed,', 'spam-seed,', 'bounced-seed,', 'missing-seed,', 'failed-seed,']) expect(rows.some((r) => r.startsWith(seed))).toBe(true);
    expect(rows.find((r) => r.startsWith('bounced-seed,'))).toContain('Status 5.1.1 (failed)');
    for (const form of [SECRET, b64(SECRET), 'SEED_PASSWORD']) expect(rows.join('\n')).not.toContain(form);
  });

  it('an id not in history exits 2 and says so; an id that is no number is a usage error', async () => {
    const missing = await runCli(['report', '--placement', '9999', '--out', join(dir, 'x.html'), '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('There is no placement run #9999 in history.');
    const bad = await runCli(['report', '--message', 'abc', '--out', join(dir, 'x.html'), '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--message takes the id of a stored message analysis');
    const two = await runCli(['report', '--message', '1', '--placement', '1', '--out', join(dir, 'x.html'), '--db', db]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('one of them');
  });
});
