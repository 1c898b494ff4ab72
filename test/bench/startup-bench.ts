/**
 * `npm run bench -- startup`: how long the CLI takes from start to exit, beside `node -e 0`, and
 * how long it takes to stop after SIGINT or SIGTERM.
 *
 * Every figure is a whole process, spawned as a shell would, timed from spawn() to its exit.
 * `--compare DIR` adds the same rows for another checkout's build (DIR/bin/deliverlab.js), e.g. the
 * main branch, so before and after come from one run on one machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseZone, startDnsServer } from '../lab/dns-server';

const ROOT = join(import.meta.dirname, '..', '..');
const RUNS = 21;
/** Issue 10's bound: `deliverlab --version` within 2x of `node -e 0`. */
const VERSION_BOUND = 2;
/** Issue 10's bound: every command stops within a second of SIGINT or SIGTERM. */
const STOP_BOUND_MS = 1000;

interface Timing {
  name: string;
  samples: number[];
}

/** When to send the signal: after the first line of output, or once `ready()` holds (checked every 5 ms). */
type Trigger = { signal: NodeJS.Signals; ready?: () => boolean };

/** Runs `node ...args` to its end; resolves with its exit code and the milliseconds from spawn (and from the signal) to exit. */
function timed(args: string[], trigger?: Trigger): Promise<{ code: number | null; ms: number; sinceSignal?: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let signalledAt: number | undefined;
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`node ${args.join(' ')} did not end within 60 s`))), 60_000);
    const fire = () => {
      if (!trigger || signalledAt !== undefined) return;
      signalledAt = performance.now();
      child.kill(trigger.signal);
    };
    let seen = '';
    child.stdout.on('data', (d: Buffer) => {
      if (!trigger || trigger.ready) return;
      seen += d.toString();
      if (seen.includes('\n')) fire();
    });
    const poll = trigger?.ready ? setInterval(() => trigger.ready?.() && fire(), 5) : undefined;
    child.stderr.resume();
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      const now = performance.now();
      resolve({ code, ms: now - started, ...(signalledAt !== undefined ? { sinceSignal: now - signalledAt } : {}) });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

interface Case {
  name: string;
  args: string[];
  exits: number[];
}

/**
 * Runs every case RUNS times, one round of all cases after another: the machine's load drifts (other
 * work on two cores), and interleaving spreads the drift over every row instead of one.
 */
async function sampleAll(cases: Case[]): Promise<Timing[]> {
  const out = cases.map((c) => ({ name: c.name, samples: [] as number[] }));
  for (let round = 0; round < RUNS; round++) {
    for (const [i, c] of cases.entries()) {
      const { code, ms } = await timed(c.args);
      if (!c.exits.includes(code as number)) throw new Error(`${c.name}: exit ${code}, expected ${c.exits.join(' or ')}`);
      (out[i] as Timing).samples.push(ms);
    }
  }
  return out;
}

/** Starts the command, signals it when `trigger` says, and times signal to exit. */
async function stopSample(name: string, args: string[], trigger: () => Trigger, runs: number): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = trigger();
    const { code, sinceSignal } = await timed(args, t);
    const expected = t.signal === 'SIGINT' ? 130 : 143;
    if (code !== expected || sinceSignal === undefined) throw new Error(`${name}: exit ${code} after ${t.signal}, expected ${expected}`);
    samples.push(sinceSignal);
  }
  return { name, samples };
}

function table(rows: Timing[], base: number | undefined): string {
  const head = ['start to exit', 'runs', 'median ms', 'min ms', 'max ms', 'x node -e 0'];
  const body = rows.map((r) => [
    r.name,
    String(r.samples.length),
    median(r.samples).toFixed(1),
    Math.min(...r.samples).toFixed(1),
    Math.max(...r.samples).toFixed(1),
    base === undefined ? '-' : (median(r.samples) / base).toFixed(2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export async function runStartupBench(dnsPort: number, compare?: string): Promise<{ tables: string[]; verdicts: string[] }> {
  const resolver = `127.0.0.1:${dnsPort}`;
  const db = join(mkdtempSync(join(tmpdir(), 'deliverlab-bench-startup-')), 'history.sqlite');
  const builds: [string, string][] = [['this build', join(ROOT, 'bin', 'deliverlab.js')]];
  if (compare) builds.push([compare, join(compare, 'bin', 'deliverlab.js')]);

  // Warm the file cache and the bundle so the first row does not pay for the disk.
  for (const [, bin] of builds) await timed([bin, '--version']);
  const cases: Case[] = [{ name: 'node -e 0', args: ['-e', '0'], exits: [0] }];
  for (const [label, bin] of builds) {
    const suffix = builds.length > 1 ? ` (${label})` : '';
    cases.push(
      { name: `deliverlab --version${suffix}`, args: [bin, '--version'], exits: [0] },
      { name: `deliverlab --help${suffix}`, args: [bin, '--help'], exits: [0] },
      { name: `deliverlab spf good.test --ip ...${suffix}`, args: [bin, 'spf', 'good.test', '--ip', '198.51.100.7', '--resolver', resolver], exits: [0] },
      { name: `deliverlab audit good.test${suffix}`, args: [bin, 'audit', 'good.test', '--resolver', resolver, '--db', db, '--skip', 'smtp,http'], exits: [0, 1] },
    );
  }
  const rows = await sampleAll(cases);
  const base = median((rows[0] as Timing).samples);
  const verdicts: string[] = [];
  for (const row of rows.filter((r) => r.name.startsWith('deliverlab --version'))) {
    const ratio = median(row.samples) / base;
    verdicts.push(`${row.name.replace('deliverlab ', '')}: median ${median(row.samples).toFixed(1)} ms against node -e 0 ${base.toFixed(1)} ms = ${ratio.toFixed(2)}x (bound ${VERSION_BOUND}x): ${ratio <= VERSION_BOUND ? 'within' : 'OVER'}`);
  }

  // Stopping: a batch audit against answers 200 ms slow, signalled after its first domain is printed;
  // spf and check while a lookup goes unanswered (hang.bench.test never answers).
  const lines = ['_spf.batch.test. TXT "v=spf1 ip4:198.51.100.0/24 -all"', 'hang.bench.test. TIMEOUT'];
  const domains = Array.from({ length: 40 }, (_, i) => `s${i}.batch.test`);
  for (const d of domains) lines.push(`${d}. MX 10 mx.${d}.`, `mx.${d}. A 192.0.2.1`, `${d}. TXT "v=spf1 mx include:_spf.batch.test -all"`, `_dmarc.${d}. TXT "v=DMARC1; p=reject"`);
  const slow = await startDnsServer({ zone: parseZone(lines.join('\n')), delayMs: 200 });
  const message = join(tmpdir(), `deliverlab-bench-${process.pid}.eml`);
  writeFileSync(message, ['From: a@hang.bench.test', 'To: b@example.test', 'Subject: s', 'Date: Thu, 26 Nov 2026 10:00:00 +0000', '', 'Hi', ''].join('\r\n'));
  const stops: Timing[] = [];
  try {
    const bin = join(ROOT, 'bin', 'deliverlab.js');
    const slowResolver = `127.0.0.1:${slow.port}`;
    const batch = [bin, 'audit', ...domains, '--resolver', slowResolver, '--json', '--no-history', '--skip', 'smtp,http,dnsbl', '--concurrency', '4'];
    /** Signals once the server has been asked about hang.bench.test (the command is waiting on it). */
    const onHang = (signal: NodeJS.Signals) => () => {
      const from = slow.queries.length;
      return { signal, ready: () => slow.queries.slice(from).some((q) => q.includes('hang.bench.test')) };
    };
    stops.push(
      await stopSample('batch audit, SIGINT to exit', batch, () => ({ signal: 'SIGINT' }), 5),
      await stopSample('batch audit, SIGTERM to exit', batch, () => ({ signal: 'SIGTERM' }), 5),
      await stopSample('spf (lookup unanswered), SIGINT to exit', [bin, 'spf', 'hang.bench.test', '--ip', '192.0.2.1', '--resolver', slowResolver], onHang('SIGINT'), 5),
      await stopSample('check (lookup unanswered), SIGTERM to exit', [bin, 'check', message, '--ip', '192.0.2.1', '--resolver', slowResolver, '--no-history', '--no-link-check'], onHang('SIGTERM'), 5),
    );
  } finally {
    await slow.close();
    rmSync(message, { force: true });
  }
  const worst = Math.max(...stops.flatMap((s) => s.samples));
  verdicts.push(`stop: worst ${worst.toFixed(0)} ms from signal to exit (bound ${STOP_BOUND_MS} ms): ${worst <= STOP_BOUND_MS ? 'within' : 'OVER'}`);
  return { tables: [table(rows, base), table(stops, undefined).replace('start to exit', 'signal to exit')], verdicts };
}
