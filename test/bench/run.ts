/**
 * npm run bench: the audit's speed on this machine, printed as a table.
 *
 * Everything runs against the loopback DNS fixture server, so the figures measure Deliverlab's own
 * work plus loopback round trips, not the internet; the placement part uses the mail lab (Postfix and
 * Dovecot on loopback). `npm run bench -- messages` (or `audit`, `limits`, `placement`, `startup`, `report`, `links`, `qa`, `dmarc`, `watch`, `health`, `spam`) runs
 * one part alone; `npm run bench -- startup --compare ../main` times another checkout's CLI beside this
 * one; `spam` needs the mail lab's spam filters. Each part ends with the speed bounds the tests leave
 * to it (bound.ts): the tests prove what happens, the bench how fast.
 */
import { cpus, totalmem } from 'node:os';
import { runAudit } from '../../electron/core/audit/run';
import { parseSpfRecord } from '../../electron/core/audit/spf-parse';
import { parseDmarcRecord } from '../../electron/core/audit/dmarc-parse';
import { HistoryStore } from '../../electron/core/history/store';
import { benchMessages } from '../helpers/bench-messages';
import { loadZoneFixtures, startDnsServer } from '../lab/dns-server';
import { criticalPath } from './critical-path';
import { runMessageBench, writeZone } from './message-bench';
import { runMessageBounds } from './message-bounds';
import { runLimitBounds } from './limit-bounds';
import { runLinksBench } from './links-bench';
import { renderHtml } from '../../electron/core/report/html';
import { runPlacementBench } from './placement-bench';
import { runReportBench } from './report-bench';
import { runQaBench } from './qa-bench';
import { runPlacementBounds } from './placement-bounds';
import { runStartupBench } from './startup-bench';
import { runDmarcBench } from './dmarc-bench';
import { runWatchBench } from './watch-bench';
import { runHealthBench } from './health-bench';
import { runSpamBench } from './spam-bench';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchRow } from './row';
import { serveInChild } from './dns-child';

// Fixture MX hosts are documentation addresses: nothing here may dial them.
process.env.DELIVERLAB_LOOPBACK_ONLY = '1';

function stats(name: string, samples: number[], note: string): BenchRow {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  const total = samples.reduce((a, b) => a + b, 0);
  return { name, runs: samples.length, median: at(0.5), p95: at(0.95), perSecond: (samples.length / total) * 1000, note };
}

async function time(runs: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const { positionals, values: flags } = parseArgs({ options: { compare: { type: 'string' } }, allowPositionals: true });
const only = positionals[0];
const PARTS = ['audit', 'messages', 'limits', 'placement', 'startup', 'report', 'links', 'qa', 'dmarc', 'watch', 'health', 'spam'];
if (only !== undefined && !PARTS.includes(only)) throw new Error(`unknown part "${only}": ${PARTS.join(', ')}`);
const server = await startDnsServer({ zone: loadZoneFixtures() });
const dns = { servers: [{ address: '127.0.0.1', port: server.port }], timeoutMs: 2000 };
const rows: BenchRow[] = [];
const verdicts: string[] = [];
/** Parts with columns of their own (start-up times) print their own tables. */
const tables: string[] = [];
// The SMTP probe and HTTPS fetches need peers of their own; these figures are the DNS audit.
const skip = ['smtp', 'http'] as ('smtp' | 'http')[];
try {
  if (only === undefined || only === 'audit') await auditBench();
  if (only === undefined || only === 'messages') await messageBench();
  if (only === undefined || only === 'limits') {
    const result = await runLimitBounds();
    rows.push(...result.rows);
    verdicts.push(...result.verdicts);
  }
  // Needs the mail lab: `sudo bash test/lab/mail-lab/lab.sh start`.
  if (only === undefined || only === 'placement') {
    const result = await runPlacementBench();
    rows.push(...result.rows);
    verdicts.push(...result.verdicts);
    const bounds = await runPlacementBounds();
    rows.push(...bounds.rows);
    verdicts.push(...bounds.verdicts);
  }
  if (only === undefined || only === 'report') await reportBench();
  if (only === undefined || only === 'links') {
    const result = await runLinksBench();
    rows.push(...result.rows);
    verdicts.push(...result.verdicts);
  }
  if (only === undefined || only === 'qa') {
    const result = await runQaBench();
    rows.push(...result.rows);
    verdicts.push(...result.verdicts);
  }
  if (only === undefined || only === 'dmarc') {
    const result = await runDmarcBench(server.port);
    rows.push(...result.rows);
    verdicts.push(...result.verdicts);
  }
  if (only === undefined || only === 'watch') {
    const result = await runWatchBench();
    rows.push(...result.rows);
    verdicts.push(...result.verdicts);
  }
  // Sending health (issue 18)
  if (only === undefined || only === 'health') {
    const result = await runHealthBench(server.port);
    rows.push(...result.rows);
    verdicts.push(...result.verdicts);
  }
  // Needs the mail lab's spam filters: `sudo bash test/lab/mail-lab/lab.sh start-filters`.
  if (only === undefined || only === 'spam') await spamBench();
  if (only === undefined || only === 'startup') {
    const result = await runStartupBench(server.port, flags.compare === undefined ? undefined : resolve(flags.compare));
    tables.push(...result.tables);
    verdicts.push(...result.verdicts);
  }
} finally {
  await server.close();
}

async function auditBench(): Promise<void> {
  for (let i = 0; i < 20; i++) await runAudit('good.test', { dns }); // warm up the JIT
  const queries: number[] = [];
  rows.push(
    stats(
      'audit good.test, loopback, no delay',
      await time(200, async () => {
        queries.push((await runAudit('good.test', { dns, skip })).dns.length);
      }),
      `${queries[0]} DNS queries each`,
    ),
  );
  rows.push(stats('audit deep subdomain (8-step walk)', await time(100, () => runAudit('deep.a.b.c.d.e.f.g.laxparent.test', { dns, skip })), 'RFC 9989 tree walk'));

  // Issue 3's bound: with 50 ms added to every answer, one audit within 1.3 x the critical path + 200 ms.
  const slow = await startDnsServer({ zone: loadZoneFixtures(), delayMs: 50 });
  try {
    const slowDns = { servers: [{ address: '127.0.0.1', port: slow.port }], timeoutMs: 2000 };
    for (const domain of ['good.test', 'lookups.spf.test']) {
      let path = 0;
      let count = 0;
      const samples = await time(10, async () => {
        const r = await runAudit(domain, { dns: slowDns, skip });
        path = Math.max(path, criticalPath(r.dns, domain));
        count = r.dns.filter((q) => !q.cached).length;
      });
      const bound = 1.3 * path * 50 + 200;
      const row = stats(`audit ${domain}, 50 ms per answer`, samples, `${count} queries, critical path ${path} x 50 ms, bound ${bound.toFixed(0)} ms`);
      rows.push(row);
      verdicts.push(`${domain}: median ${row.median.toFixed(0)} ms, worst ${Math.max(...samples).toFixed(0)} ms against ${bound.toFixed(0)} ms (1.3 x ${path} x 50 + 200): ${Math.max(...samples) <= bound ? 'within' : 'OVER'}`);
    }
  } finally {
    await slow.close();
  }

  // Issue 3's bound: a batch of 500 domains at 20 ms per answer, 50 domains a second or more.
  const lines: string[] = [];
  for (let i = 0; i < 500; i++) {
    const d = `d${i}.batch.test`;
    const ip = `192.0.2.${i % 250}`;
    lines.push(`${d}. MX 10 mx.${d}.`, `mx.${d}. A ${ip}`, `${d}. TXT "v=spf1 mx include:_spf.batch.test -all"`, `_dmarc.${d}. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@${d}"`);
  }
  lines.push('_spf.batch.test. TXT "v=spf1 ip4:198.51.100.0/24 -all"');
  // The server runs in a process of its own: on two cores, its work must not count as Deliverlab's.
  const zoneFile = join(mkdtempSync(join(tmpdir(), 'deliverlab-bench-')), 'batch.zone');
  writeFileSync(zoneFile, lines.join('\n'));
  const batchServer = await serveInChild(['--delay', '20', '--zone', zoneFile]);
  try {
    const batchDns = { servers: [{ address: '127.0.0.1', port: batchServer.port }], timeoutMs: 3000 };
    const domains = Array.from({ length: 500 }, (_, i) => `d${i}.batch.test`);
    const concurrency = 25;
    const started = performance.now();
    let next = 0;
    let queriesTotal = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < domains.length) {
          const r = await runAudit(domains[next++] as string, { dns: batchDns, skip });
          queriesTotal += r.dns.filter((q) => !q.cached).length;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const rate = domains.length / seconds;
    rows.push({ name: `batch of 500 domains, 20 ms per answer`, runs: 1, median: (seconds * 1000) / domains.length, p95: NaN, perSecond: rate, note: `${concurrency} at once, ${queriesTotal} queries` });
    verdicts.push(`batch: ${rate.toFixed(1)} domains/s against 50 domains/s: ${rate >= 50 ? 'within' : 'UNDER'}`);
  } finally {
    batchServer.close();
  }

  const spf = 'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.google.com include:%{d}._spf.example.com a:mail.example.com/24 mx -all';
  rows.push(stats('parse SPF record', await time(20_000, () => parseSpfRecord(spf)), '8 terms'));
  const dmarc = 'v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; aspf=r; rua=mailto:a@example.com,mailto:b@example.net!10m; fo=1';
  rows.push(stats('parse DMARC record', await time(20_000, () => parseDmarcRecord(dmarc)), '8 tags'));

  const result = await runAudit('good.test', { dns, skip });
  const store = HistoryStore.open(':memory:');
  rows.push(stats('history: save one audit', await time(2000, () => store.saveAudit(result)), 'SQLite, WAL, one transaction'));
  rows.push(stats('history: list 100 newest', await time(500, () => store.listAudits({ limit: 100 })), 'of 2,000 rows'));
  store.close();
}

/** Issue 12: the HTML report of one full audit, well under 50 ms; a 500-domain portfolio; the PDF (report-bench.ts). */
async function reportBench(): Promise<void> {
  const result = await runAudit('good.test', { dns, skip });
  for (let i = 0; i < 20; i++) renderHtml([result]); // warm up the JIT
  const samples = await time(200, () => renderHtml([result]));
  const bytes = Buffer.byteLength(renderHtml([result]));
  const row = stats('report html, one full audit of good.test', samples, `${result.dns.length} DNS queries, ${result.findings.length} findings, ${(bytes / 1024).toFixed(0)} KiB`);
  rows.push(row);
  verdicts.push(`report html of one audit: median ${row.median.toFixed(2)} ms, worst ${Math.max(...samples).toFixed(2)} ms against 50 ms: ${Math.max(...samples) <= 50 ? 'within' : 'OVER'}`);
  const more = await runReportBench(dns, result);
  rows.push(...more.rows);
  verdicts.push(...more.verdicts);
}

/** Issue 4: check against mailauth's authenticate alone (see message-bench.ts for how it is kept fair). */
async function messageBench(): Promise<void> {
  const { zone, messages } = await benchMessages();
  // The DNS server in a process of its own: its work must not count against either side.
  const child = await serveInChild(['--zone', writeZone(zone)]);
  try {
    const result = await runMessageBench(messages, child.port);
    rows.push(...result.rows);
    verdicts.push(...result.verdicts);
  } finally {
    child.close();
  }
  const bounds = await runMessageBounds(server.port);
  rows.push(...bounds.rows);
  verdicts.push(...bounds.verdicts);
}

/** Issue 16: what --spam adds to check per message, with each filter of the mail lab. */
async function spamBench(): Promise<void> {
  const { zone, messages } = await benchMessages();
  const child = await serveInChild(['--zone', writeZone(zone)]);
  try {
    const result = await runSpamBench(messages, child.port);
    rows.push(...result.rows);
    verdicts.push(...result.verdicts);
  } finally {
    child.close();
  }
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`Deliverlab benchmarks — ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${new Date().toISOString()}`);
console.log('');
const head = ['benchmark', 'runs', 'median ms', 'p95 ms', 'per second', 'note'];
const body = rows.map((r) => [r.name, String(r.runs), r.median.toFixed(3), Number.isNaN(r.p95) ? '-' : r.p95.toFixed(3), Number.isNaN(r.perSecond) ? '-' : r.perSecond.toFixed(0), r.note]);
const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ')} |`;
if (rows.length > 0) {
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
  console.log('');
}
for (const t of tables) console.log(`${t}\n`);
for (const v of verdicts) console.log(v);
