/**
 * npm run bench: the audit's speed on this machine, printed as a table.
 *
 * Everything runs against the loopback DNS fixture server, so the figures measure Deliverlab's own
 * work plus loopback round trips, not the internet.
 */
import { cpus, totalmem } from 'node:os';
import { runAudit } from '../../electron/core/audit/run';
import { parseSpfRecord } from '../../electron/core/audit/spf-parse';
import { parseDmarcRecord } from '../../electron/core/audit/dmarc-parse';
import { HistoryStore } from '../../electron/core/history/store';
import { loadZoneFixtures, startDnsServer } from '../lab/dns-server';

interface Row {
  name: string;
  runs: number;
  median: number;
  p95: number;
  perSecond: number;
  note: string;
}

function stats(name: string, samples: number[], note: string): Row {
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

const server = await startDnsServer({ zone: loadZoneFixtures() });
const dns = { servers: [{ address: '127.0.0.1', port: server.port }], timeoutMs: 2000 };
const rows: Row[] = [];
try {
  for (let i = 0; i < 20; i++) await runAudit('good.test', { dns }); // warm up the JIT
  const queries: number[] = [];
  rows.push(
    stats(
      'audit good.test (MX+SPF+DMARC)',
      await time(300, async () => {
        queries.push((await runAudit('good.test', { dns })).dns.length);
      }),
      `${queries[0]} DNS queries each`,
    ),
  );
  rows.push(stats('audit deep subdomain (8-step walk)', await time(200, () => runAudit('deep.a.b.c.d.e.f.g.laxparent.test', { dns })), 'RFC 9989 tree walk'));
  const batch = ['good.test', 'bad.test', 'monitor.test', 'shop.inherit.test', 'nullmx.test', 'twospf.test', 'broken.test', 'split.test'];
  rows.push(stats('batch of 8 domains, in parallel', await time(50, () => Promise.all(batch.map((d) => runAudit(d, { dns })))), 'per batch'));

  const spf = 'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.google.com include:%{d}._spf.example.com a:mail.example.com/24 mx -all';
  rows.push(stats('parse SPF record', await time(20_000, () => parseSpfRecord(spf)), '8 terms'));
  const dmarc = 'v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; aspf=r; rua=mailto:a@example.com,mailto:b@example.net!10m; fo=1';
  rows.push(stats('parse DMARC record', await time(20_000, () => parseDmarcRecord(dmarc)), '8 tags'));

  const result = await runAudit('good.test', { dns });
  const store = HistoryStore.open(':memory:');
  rows.push(stats('history: save one audit', await time(2000, () => store.saveAudit(result)), 'SQLite, WAL, one transaction'));
  rows.push(stats('history: list 100 newest', await time(500, () => store.listAudits({ limit: 100 })), 'of 2,000 rows'));
  store.close();
} finally {
  await server.close();
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`Deliverlab benchmarks — ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${new Date().toISOString()}`);
console.log('');
const head = ['benchmark', 'runs', 'median ms', 'p95 ms', 'per second', 'note'];
const body = rows.map((r) => [r.name, String(r.runs), r.median.toFixed(3), r.p95.toFixed(3), r.perSecond.toFixed(0), r.note]);
const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ')} |`;
console.log(line(head));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const b of body) console.log(line(b));
