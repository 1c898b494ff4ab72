import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../lab/cli';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
let dir: string;
let resolver: string;
beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
  resolver = `127.0.0.1:${server.port}`;
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-'));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deliverlab audit', () => {
  it('prints one JSON object per domain per line, exit 1 when any is critical', async () => {
    const db = join(dir, 'json.sqlite');
    const run = await runCli(['audit', 'good.test', 'bad.test', '--resolver', resolver, '--json', '--db', db]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.domain)).toEqual(['good.test', 'bad.test']);
    for (const l of lines) expect(Object.keys(l)).toEqual(expect.arrayContaining(['domain', 'startedAt', 'durationMs', 'score', 'checks', 'findings', 'dns']));
    expect(lines[1].findings.map((f: { code: string }) => f.code).sort()).toEqual(['dmarc.missing', 'spf.missing']);
    expect(lines[0].checks.dmarc.policy).toBe('reject');
    expect(lines[1].dns.length).toBeGreaterThan(0);
  });

  it('exits 0 when nothing is critical and prints a readable summary', async () => {
    const run = await runCli(['audit', 'monitor.test', '--resolver', resolver, '--no-history']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/monitor\.test\s+score 92\/100 \(A\)/);
    expect(run.stdout).toMatch(/warning\s+dmarc\.policy-none\s+DMARC policy is none/);
    expect(run.stdout).toMatch(/Fix: /);
  });

  it('colours the summary only when asked', async () => {
    const plain = await runCli(['audit', 'bad.test', '--resolver', resolver, '--no-history']);
    expect(plain.stdout).not.toContain('\u001b[');
    const coloured = await runCli(['audit', 'bad.test', '--resolver', resolver, '--no-history'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\u001b[31m');
  });

  it.each([
    [['audit', 'not a domain', '--no-history'], /"not a domain" is not a valid domain name/],
    [['audit', 'good.test', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['audit', '--no-history'], /Name at least one domain/],
    [['audit', 'good.test', '--resolver', 'dns.example'], /--resolver: "dns.example" is not a DNS server/],
    [['audit', 'good.test', '--db', 'x.sqlite', '--no-history'], /cannot be used together/],
    [['frobnicate'], /Unknown command "frobnicate"/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('exits 2 when the resolver does not answer', async () => {
    const run = await runCli(['audit', 'good.test', '--resolver', '127.0.0.1:9', '--no-history', '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/The DNS resolver 127\.0\.0\.1:9 did not answer/);
  });

  it('writes nothing with --no-history, and into the platform data folder by default', async () => {
    const home = join(dir, 'xdg');
    const env = { XDG_DATA_HOME: home };
    const off = await runCli(['audit', 'good.test', '--resolver', resolver, '--no-history'], { env });
    expect(off.code).toBe(0);
    expect(existsSync(join(home, 'deliverlab'))).toBe(false);
    const on = await runCli(['audit', 'good.test', '--resolver', resolver], { env });
    expect(on.code).toBe(0);
    expect(existsSync(join(home, 'deliverlab', 'history.sqlite'))).toBe(true);
    const list = await runCli(['history', 'list', '--json'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n').map((l) => JSON.parse(l).domain)).toEqual(['good.test']);
  });
});

describe('deliverlab history list', () => {
  it('lists past audits newest first, as a table or JSON lines', async () => {
    const db = join(dir, 'history.sqlite');
    await runCli(['audit', 'good.test', '--resolver', resolver, '--db', db]);
    await runCli(['audit', 'bad.test', '--resolver', resolver, '--db', db]);
    const table = await runCli(['history', 'list', '--db', db]);
    expect(table.code).toBe(0);
    const rows = table.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^ID\s+DATE \(UTC\)\s+DOMAIN\s+SCORE\s+CRITICAL\s+WARNING$/);
    expect(rows[1]).toMatch(/bad\.test\s+50 \(D\)\s+2\s+0$/);
    expect(rows[2]).toMatch(/good\.test\s+100 \(A\)\s+0\s+0$/);
    const json = await runCli(['history', 'list', '--db', db, '--json', '--domain', 'bad.test']);
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ domain: 'bad.test', score: 50, critical: 2, warning: 0 }),
    ]);
  });

  it('says so when history is empty', async () => {
    const run = await runCli(['history', 'list', '--db', join(dir, 'empty.sqlite')]);
    expect(run.stdout).toMatch(/No audits in history yet/);
  });
});
