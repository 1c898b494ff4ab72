/**
 * Monitoring through the built CLI: clients, watch add|list|remove|run, alerts list|ack, their
 * --json shapes and exit codes; two schedulers (two processes) on one database checking each watch
 * once; a scheduler killed with kill -9 mid-check, restarted, raising nothing twice; Ctrl-C leaving
 * nothing half-written; and records from DNS that carry control characters printed as escapes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../lab/cli';
import { parseZone, startDnsServer, type DnsServer, type Zone } from '../lab/dns-server';
import { tempDbPaths } from '../helpers/temp-db';
import { until } from '../helpers/until';

const tmp = tempDbPaths('cli-watch');
const SKIP = ['--skip', 'smtp,http,dnsbl'];

let zone: Zone;
let dns: DnsServer;
let resolver: string;

function publish(name: string, ...lines: string[]): void {
  zone.records.delete(name);
  zone.behaviour.delete(name);
  if (lines.length) parseZone(lines.map((l) => `${name}. ${l}`).join('\n'), zone);
}

/** A domain with an MX and, unless `spf` is null, an SPF and a DMARC record. */
function domain(name: string, spf: string | null = 'v=spf1 ip4:192.0.2.1 -all'): void {
  publish(name, `MX 10 mx.${name}.`, ...(spf === null ? [] : [`TXT "${spf}"`]));
  publish(`mx.${name}`, 'A 127.0.0.1');
  if (spf !== null) publish(`_dmarc.${name}`, 'TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"');
}

/** Every watch due now: the time a schedule would have brought. */
function makeDue(db: string): void {
  const conn = new Database(db);
  conn.prepare('UPDATE watches SET next_at = ?').run('2000-01-01T00:00:00.000Z');
  conn.close();
}

function sql<T>(db: string, query: string): T[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare(query).all() as T[];
  } finally {
    conn.close();
  }
}

const cli = (args: string[], db: string) => runCli([...args, '--db', db], { timeoutMs: 60_000 });

interface Once {
  checked: number;
  alerts: { id: number; rule: string; target: string; title: string; detail: string; before?: string; after?: string; fix?: string }[];
}

/** A CLI process whose output is watched as it comes. */
function start(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; printed: (re: RegExp) => Promise<void>; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (!w.re.test(out) && !w.re.test(err)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout?.on('data', (d) => ((out += d), check()));
  child.stderr?.on('data', (d) => ((err += d), check()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const printed = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      waiters.push({ re, resolve });
      check();
      exit.then(() => reject(new Error(`the CLI ended before printing ${re}\n${out}\n${err}`)));
    });
  return { child, stdout: () => out, stderr: () => err, printed, exit };
}

beforeAll(async () => {
  zone = parseZone('');
  domain('good.cli.test');
  domain('bad.cli.test', null);
  domain('evil.cli.test');
  for (let i = 0; i < 12; i++) domain(`d${i}.two.cli.test`, null);
  domain('fast.kill.test', null);
  domain('slow.kill.test', null);
  dns = await startDnsServer({ zone });
  resolver = `127.0.0.1:${dns.port}`;
});

afterAll(async () => {
  await dns?.close();
});

describe('deliverlab clients, watch and alerts', () => {
  it('adds, lists and removes clients, watches and alerts, in words and as JSON', async () => {
    const db = tmp();
    let run = await cli(['clients', 'add', 'Acme Ltd', '--domain', 'good.cli.test', '--ip', '192.0.2.7', '--tag', 'gold', '--notes', 'retainer'], db);
    expect(run).toMatchObject({ code: 0, stderr: '', stdout: 'Client Acme Ltd: domains good.cli.test; sending IPs 192.0.2.7.\n' });
    run = await cli(['clients', 'list', '--json'], db);
    expect(JSON.parse(run.stdout)).toMatchObject({ name: 'Acme Ltd', notes: 'retainer', tags: ['gold'], domains: ['good.cli.test'], ips: ['192.0.2.7'], watches: 0, openAlerts: 0 });

    run = await cli(['watch', 'add', 'good.cli.test', 'bad.cli.test', '192.0.2.7', '--client', 'acme ltd', '--every', '12h', '--resolver', resolver, ...SKIP], db);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 3)).toEqual([
      'Watching domain good.cli.test (#1), every 12h, client Acme Ltd.',
      'Watching domain bad.cli.test (#2), every 12h, client Acme Ltd.',
      'Watching sending IP 192.0.2.7 (#3), every 12h, client Acme Ltd.',
    ]);
    run = await cli(['watch', 'add', 'good.cli.test', '--at', '07:00', '--json', '--resolver', resolver, ...SKIP], db);
    expect(JSON.parse(run.stdout)).toMatchObject({ added: [], updated: [1], watches: [{ id: 1, target: 'good.cli.test', schedule: { at: '07:00' }, client: { name: 'Acme Ltd' } }] });

    // The first pass: bad.cli.test's criticals are the baseline's alerts; exit 1.
    run = await cli(['watch', 'run', '--once', '--json'], db);
    expect(run.code).toBe(1);
    const once = JSON.parse(run.stdout) as Once;
    expect(Object.keys(once)).toEqual(['checked', 'alerts']);
    expect(once.checked).toBe(3);
    expect(once.alerts.map((a) => `${a.rule} ${a.target} ${a.title}`)).toEqual(['finding.new-critical bad.cli.test No SPF record', 'finding.new-critical bad.cli.test No DMARC record']);
    for (const a of once.alerts) {
      expect(Object.keys(a).filter((k) => !['id', 'rule', 'target', 'title', 'detail', 'before', 'after', 'fix'].includes(k))).toEqual([]);
      expect(a).toMatchObject({ id: expect.any(Number), detail: expect.any(String), fix: expect.any(String) });
    }
    // Nothing is due now: nothing checked, no alert, exit 0.
    run = await cli(['watch', 'run', '--once', '--json'], db);
    expect({ code: run.code, out: JSON.parse(run.stdout) }).toEqual({ code: 0, out: { checked: 0, alerts: [] } });
    run = await cli(['watch', 'run', '--once'], db);
    expect(run).toMatchObject({ code: 0, stdout: 'Checked 0 watches: no alert.\n' });

    run = await cli(['watch', 'list'], db);
    expect(run.stdout).toMatch(/^ID +TARGET +KIND +CLIENT +SCHEDULE +LAST CHECK \(UTC\) +RESULT +OPEN ALERTS +NEXT \(UTC\)\n/);
    expect(run.stdout).toMatch(/\n1 +good\.cli\.test +domain +Acme Ltd +daily at 07:00 \(.+\) +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\d+ \([A-F]\) +0 /);
    expect(run.stdout).toMatch(/\n2 +bad\.cli\.test +domain +Acme Ltd +every 12h .* 2 +/);
    run = await cli(['watch', 'list', '--json'], db);
    const watches = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { target: string; openAlerts: number; scores: unknown[]; last: unknown });
    expect(watches.map((w) => [w.target, w.openAlerts, w.scores.length > 0])).toEqual(
      expect.arrayContaining([
        ['good.cli.test', 0, true],
        ['bad.cli.test', 2, true],
        ['192.0.2.7', 0, false],
      ]),
    );

    run = await cli(['alerts', 'list', '--open'], db);
    expect(run.stdout).toMatch(/^ID +RAISED \(UTC\) +TARGET +RULE +STATE +TITLE\n/);
    expect(run.stdout.trim().split('\n')).toHaveLength(3);
    const [first] = once.alerts;
    run = await cli(['alerts', 'ack', String(first?.id)], db);
    expect(run).toMatchObject({ code: 0, stdout: `Alert #${first?.id} acknowledged.\n` });
    run = await cli(['alerts', 'list', '--open', '--json'], db);
    expect(run.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([once.alerts[1]?.id]);
    run = await cli(['alerts', 'list', '--json'], db);
    expect(run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { open: boolean; ackedAt: string | null })).toMatchObject([{ open: true, ackedAt: null }, { open: false, ackedAt: expect.any(String) }]);
    expect(await cli(['alerts', 'ack', '999'], db)).toMatchObject({ code: 2, stderr: 'deliverlab: There is no alert #999. deliverlab alerts list shows them.\n' });

    run = await cli(['watch', 'remove', 'bad.cli.test', '3'], db);
    expect(run).toMatchObject({ code: 0, stdout: 'Stopped watching bad.cli.test, 3 (2 watches removed, with their checks and alerts).\n' });
    expect((await cli(['alerts', 'list', '--json'], db)).stdout).toBe('');
    run = await cli(['clients', 'remove', 'ACME LTD'], db);
    expect(run).toMatchObject({ code: 0, stdout: 'Removed the client ACME LTD; its watches stay, with no client.\n' });
    expect(JSON.parse((await cli(['watch', 'list', '--json'], db)).stdout)).toMatchObject({ target: 'good.cli.test', client: null });
  });

  it('refuses what is not a watch, an interval or a time, saying which (exit 2)', async () => {
    const db = tmp();
    expect(await cli(['watch', 'add', 'nope'], db)).toMatchObject({ code: 2, stderr: 'deliverlab: "nope" is not a domain or an IP address: a domain name needs at least two labels, like example.com.\n' });
    expect(await cli(['watch', 'add', 'a.example', '--every', '5m'], db)).toMatchObject({ code: 2, stderr: 'deliverlab: --every: Every 5m is too often: the shortest interval is 15m.\n' });
    expect(await cli(['watch', 'add', 'a.example', '--at', '7pm'], db)).toMatchObject({ code: 2, stderr: expect.stringContaining('--at: "7pm" is not a time of day') });
    expect(await cli(['watch', 'add', 'a.example', '--every', '6h', '--at', '07:00'], db)).toMatchObject({ code: 2, stderr: expect.stringContaining('--every and --at cannot be used together') });
    expect(await cli(['watch', 'remove', 'a.example'], db)).toMatchObject({ code: 2, stderr: 'deliverlab: a.example is not watched. deliverlab watch list shows what is.\n' });
    expect(await cli(['watch', 'run', '--once', '--no-history'], db)).toMatchObject({ code: 2 });
  });

  it('prints what changed in a record from DNS with its control characters as escapes, never raw', async () => {
    const db = tmp();
    expect((await cli(['watch', 'add', 'evil.cli.test', '--resolver', resolver, ...SKIP], db)).code).toBe(0);
    expect((await cli(['watch', 'run', '--once'], db)).code).toBe(0);
    publish('evil.cli.test', 'MX 10 mx.evil.cli.test.', 'TXT "v=spf1 ip4:192.0.2.1 \x1b]0;owned\x07\x1b[2J -all"');
    makeDue(db);
    const run = await cli(['watch', 'run', '--once'], db);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('after:  v=spf1 ip4:192.0.2.1 \\x1b]0;owned\\x07\\x1b[2J -all');
    expect(run.stdout + run.stderr).not.toContain('\u001b');
    expect(run.stdout + run.stderr).not.toContain('\u0007');
    const alerts = (await cli(['alerts', 'list'], db)).stdout;
    expect(alerts).toContain('record.changed');
    expect(alerts).not.toContain('\u001b');
  });
});

describe('schedulers sharing one database', () => {
  it('two schedulers started together check each watch once between them', async () => {
    const db = tmp();
    const targets = Array.from({ length: 12 }, (_, i) => `d${i}.two.cli.test`);
    expect((await cli(['watch', 'add', ...targets, '--resolver', resolver, ...SKIP], db)).code).toBe(0);
    const [a, b] = await Promise.all([cli(['watch', 'run', '--once', '--json', '--concurrency', '3'], db), cli(['watch', 'run', '--once', '--json', '--concurrency', '3'], db)]);
    const passes = [a, b].map((r) => JSON.parse(r.stdout) as Once);
    expect(passes[0]!.checked + passes[1]!.checked).toBe(12);
    const ids = passes.flatMap((p) => p.alerts.map((x) => x.id));
    expect(ids).toHaveLength(24);
    expect(new Set(ids).size).toBe(24);
    expect(sql<{ watch_id: number; n: number }>(db, 'SELECT watch_id, COUNT(*) AS n FROM watch_checks GROUP BY watch_id').map((r) => r.n)).toEqual(Array(12).fill(1));
    expect(sql<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM leases')).toEqual([{ n: 0 }]);
  });

  it('a scheduler killed with kill -9 mid-check is followed by one that checks that watch again and raises nothing twice', async () => {
    const db = tmp();
    expect((await cli(['watch', 'add', 'fast.kill.test', 'slow.kill.test', '--resolver', resolver, ...SKIP], db)).code).toBe(0);
    // Answers for the slow domain's MX take far longer than the test waits: its check stays in flight.
    zone.behaviour.set('slow.kill.test', { delayMs: 60_000 });
    const scheduler = start(['watch', 'run', '--json', '--db', db]);
    // The fast domain's check is recorded (its alerts printed as raised) while the slow one waits on DNS.
    await scheduler.printed(/"target":"fast\.kill\.test".*\n.*"target":"fast\.kill\.test"/);
    await until(() => dns.queries.includes('MX slow.kill.test'), 'the slow check to ask for its MX');
    scheduler.child.kill('SIGKILL');
    expect(await scheduler.exit).toEqual({ code: null, signal: 'SIGKILL' });
    const killedSaw = scheduler.stdout().trim().split('\n').map((l) => JSON.parse(l) as { target: string });
    expect(killedSaw.map((x) => x.target)).toEqual(['fast.kill.test', 'fast.kill.test']);
    // Nothing of the slow check was written: no audit, no check, no alert; its lease is the dead process's.
    expect(sql(db, "SELECT a.id FROM audits a JOIN domains d ON d.id = a.domain_id WHERE d.name = 'slow.kill.test'")).toEqual([]);
    expect(sql<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM leases')).toEqual([{ n: 1 }]);

    zone.behaviour.delete('slow.kill.test');
    const again = await cli(['watch', 'run', '--once', '--json'], db);
    expect(again.code).toBe(1);
    const once = JSON.parse(again.stdout) as Once;
    expect(once.checked).toBe(1);
    expect(once.alerts.map((x) => `${x.target} ${x.title}`)).toEqual(['slow.kill.test No SPF record', 'slow.kill.test No DMARC record']);
    const all = sql<{ target: string; title: string }>(db, 'SELECT target, title FROM alerts ORDER BY id');
    expect(all.map((x) => `${x.target} ${x.title}`)).toEqual(['fast.kill.test No SPF record', 'fast.kill.test No DMARC record', 'slow.kill.test No SPF record', 'slow.kill.test No DMARC record']);
    expect(sql<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM watch_checks')).toEqual([{ n: 2 }]);
  });

  it('stops at Ctrl-C at once, leaving the check in flight unwritten, for the next run to make', async () => {
    const db = tmp();
    expect((await cli(['watch', 'add', 'slow.kill.test', '--resolver', resolver, ...SKIP], db)).code).toBe(0);
    zone.behaviour.set('slow.kill.test', { delayMs: 60_000 });
    const scheduler = start(['watch', 'run', '--db', db]);
    await scheduler.printed(/watching; Ctrl-C stops/);
    const before = dns.queries.filter((q) => q === 'MX slow.kill.test').length;
    await until(() => dns.queries.filter((q) => q === 'MX slow.kill.test').length > before, 'the check to ask for the MX');
    scheduler.child.kill('SIGINT');
    expect((await scheduler.exit).code).toBe(130);
    expect(scheduler.stderr()).toContain('deliverlab: stopped by SIGINT: no check left half-written.');
    expect(sql(db, 'SELECT id FROM watch_checks')).toEqual([]);
    expect(sql<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM leases')).toEqual([{ n: 0 }]);
    zone.behaviour.delete('slow.kill.test');
    expect(JSON.parse((await cli(['watch', 'run', '--once', '--json'], db)).stdout)).toMatchObject({ checked: 1 });
  });
});
