/**
 * Issue 18's bounds: importing 1,000,000 SES-like events (JSON lines, one recipient each) at
 * 100,000 events/s or more, with the peak memory, and a summary over 90 days well under 200 ms.
 * Beside them, without a bound: a 100,000-row generic CSV imported, then a later export of the same
 * rows with a tenth of them changed, each row compared with what its key added before.
 *
 * The events are written to a temporary file first; the import streams it as the CLI does. Recipient
 * domains outside the known consumer ones are looked up through the loopback DNS fixture server.
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DnsSession } from '../../electron/core/dns/session';
import { importHealth } from '../../electron/core/health/import';
import { healthSummary } from '../../electron/core/health/summary';
import { HistoryStore } from '../../electron/core/history/store';
import { judge, type Bounded } from './bound';
import type { BenchRow } from './row';

const EVENTS = 1_000_000;
const DAYS = 90;
const IMPORT_TARGET = 100_000;
const SUMMARY_BOUND_MS = 200;
const FIRST_DAY = Date.UTC(2026, 0, 1);
const IPS = ['192.0.2.10', '192.0.2.11', '198.51.100.20', '198.51.100.21'];
const DOMAINS = ['news.bench.test', 'shop.bench.test'];
const RECIPIENT_DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'hotmail.com', ...Array.from({ length: 40 }, (_, i) => `corp-${i}.bench.test`)];

/** One event line: mostly sends and deliveries, some bounces, complaints, opens and clicks. */
function eventLine(i: number): string {
  const message = i >> 1;
  const day = message % DAYS;
  const ip = IPS[message % IPS.length] as string;
  const domain = DOMAINS[message % DOMAINS.length] as string;
  const to = `user${message % 50_000}@${RECIPIENT_DOMAINS[message % RECIPIENT_DOMAINS.length]}`;
  const timestamp = new Date(FIRST_DAY + day * 86_400_000 + (message % 86_400) * 1000).toISOString();
  const mail = { timestamp, source: `news@${domain}`, messageId: `bench-${message}`, destination: [to], tags: { 'ses:from-domain': [domain], 'ses:outgoing-ip': [ip] } };
  if (i % 2 === 0) return JSON.stringify({ eventType: 'Send', mail, send: {} });
  const kind = message % 100;
  if (kind < 2) return JSON.stringify({ eventType: 'Bounce', mail, bounce: { bounceType: 'Permanent', bounceSubType: kind === 0 ? 'NoEmail' : 'General', bouncedRecipients: [{ emailAddress: to, status: '5.1.1' }], timestamp } });
  if (kind === 2) return JSON.stringify({ eventType: 'Complaint', mail, complaint: { complainedRecipients: [{ emailAddress: to }], timestamp } });
  if (kind < 30) return JSON.stringify({ eventType: 'Open', mail, open: { timestamp, userAgent: 'Mozilla/5.0', ipAddress: '203.0.113.9' } });
  return JSON.stringify({ eventType: 'Delivery', mail, delivery: { timestamp, recipients: [to], smtpResponse: '250 2.0.0 OK' } });
}

async function writeEvents(path: string): Promise<void> {
  const out = createWriteStream(path);
  let chunk: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    chunk.push(eventLine(i));
    if (chunk.length === 5000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  out.end(chunk.length ? `${chunk.join('\n')}\n` : '');
  await once(out, 'finish');
}

export async function runHealthBench(dnsPort: number): Promise<Bounded> {
  const out: Bounded = { rows: [], verdicts: [] };
  const dir = mkdtempSync(join(tmpdir(), 'deliverlab-bench-health-'));
  try {
    const file = join(dir, 'ses-events.jsonl');
    await writeEvents(file);
    const size = statSync(file).size;
    const store = HistoryStore.open(join(dir, 'health.sqlite'));
    const dns = new DnsSession({ servers: [{ address: '127.0.0.1', port: dnsPort }], timeoutMs: 2000 });
    try {
      let peak = process.memoryUsage().rss;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const cpu = process.cpuUsage();
      const t = performance.now();
      const result = await importHealth({ paths: [file] }, { store, dns });
      const ms = performance.now() - t;
      clearInterval(timer);
      const used = process.cpuUsage(cpu);
      if (result.added !== EVENTS) throw new Error(`the import counted ${result.added} events, not ${EVENTS}`);
      const rate = (EVENTS / ms) * 1000;
      out.rows.push({
        name: `health import, ${EVENTS.toLocaleString('en-US')} SES events (JSON lines)`,
        runs: 1,
        median: ms,
        p95: NaN,
        perSecond: rate,
        note: `${(size / 2 ** 20).toFixed(0)} MiB, ${(((used.user + used.system) / 1000) * 1000 / EVENTS).toFixed(1)} µs CPU per event, peak ${(Math.max(peak, process.memoryUsage().rss) / 2 ** 20).toFixed(0)} MiB`,
      });
      out.verdicts.push(`health import: ${Math.round(rate).toLocaleString('en-US')} events/s against ${IMPORT_TARGET.toLocaleString('en-US')}: ${rate >= IMPORT_TARGET ? 'within' : 'UNDER'} (peak memory ${(peak / 2 ** 20).toFixed(0)} MiB)`);

      // The same file again: every event id is found, nothing is added.
      const t2 = performance.now();
      const again = await importHealth({ paths: [file] }, { store, dns });
      const againMs = performance.now() - t2;
      if (again.added !== 0) throw new Error(`the second import added ${again.added} events`);
      out.rows.push({ name: 'health import again (all duplicates)', runs: 1, median: againMs, p95: NaN, perSecond: (EVENTS / againMs) * 1000, note: 'nothing added' });

      const now = new Date(FIRST_DAY + (DAYS - 1) * 86_400_000 + 3_600_000);
      const input = { since: `${DAYS}d` };
      const first = healthSummary(store, input, now);
      if (first.days.length !== DAYS) throw new Error(`the summary has ${first.days.length} days, not ${DAYS}`);
      const samples: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t3 = performance.now();
        healthSummary(store, input, now);
        samples.push(performance.now() - t3);
      }
      judge(out, `health summary over ${DAYS} days (all domains)`, SUMMARY_BOUND_MS, samples, `${first.providers.length} providers, ${first.ips.length} IPs, ${first.findings.length} findings`);
      const domainSamples: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t4 = performance.now();
        healthSummary(store, { ...input, domain: DOMAINS[0] as string }, now);
        domainSamples.push(performance.now() - t4);
      }
      judge(out, `health summary over ${DAYS} days (one domain)`, SUMMARY_BOUND_MS, domainSamples);
      out.rows.push(await csvTwice(dir, dns));
    } finally {
      dns.cancel();
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const CSV_ROWS = 100_000;
const CSV_HEADER = 'date,sending_domain,ip,recipient_domain,sent,delivered,bounced_hard,bounced_soft,unknown_users,complaints,opens,clicks,unsubscribes';

/** A generic CSV of CSV_ROWS rows, each its own key (500 days, 4 IPs, 2 domains, 25 recipient domains); `later` rows have more opens. */
function csvText(later: (i: number) => boolean): string {
  const lines = [CSV_HEADER];
  for (let i = 0; i < CSV_ROWS; i++) {
    const day = new Date(FIRST_DAY + Math.floor(i / 200) * 86_400_000).toISOString().slice(0, 10);
    const recipient = RECIPIENT_DOMAINS[i % 25] as string;
    const ip = IPS[Math.floor(i / 25) % IPS.length] as string;
    const domain = DOMAINS[Math.floor(i / 100) % DOMAINS.length] as string;
    lines.push(`${day},${domain},${ip},${recipient},1000,980,10,10,4,1,${later(i) ? 360 : 300},40,2`);
  }
  return `${lines.join('\n')}\n`;
}

/** The CSV imported, then a later export of it: 90 % of its rows imported before, 10 % updated. */
async function csvTwice(dir: string, dns: DnsSession): Promise<BenchRow> {
  const first = join(dir, 'rows-first.csv');
  const later = join(dir, 'rows-later.csv');
  writeFileSync(first, csvText(() => false));
  writeFileSync(later, csvText((i) => i % 10 === 0));
  const store = HistoryStore.open(join(dir, 'health-csv.sqlite'));
  try {
    const t = performance.now();
    const a = await importHealth({ paths: [first] }, { store, dns });
    const firstMs = performance.now() - t;
    if (a.added !== CSV_ROWS) throw new Error(`the first CSV import added ${a.added} rows, not ${CSV_ROWS}`);
    const t2 = performance.now();
    const b = await importHealth({ paths: [later] }, { store, dns });
    const laterMs = performance.now() - t2;
    if (b.updated !== CSV_ROWS / 10 || b.duplicates !== CSV_ROWS - CSV_ROWS / 10) throw new Error(`the later CSV updated ${b.updated} rows and found ${b.duplicates} imported before`);
    return {
      name: `health import, ${CSV_ROWS.toLocaleString('en-US')}-row CSV imported twice (the second a later export)`,
      runs: 1,
      median: laterMs,
      p95: NaN,
      perSecond: (CSV_ROWS / laterMs) * 1000,
      note: `first import ${firstMs.toFixed(0)} ms (${Math.round((CSV_ROWS / firstMs) * 1000).toLocaleString('en-US')} rows/s, all added); second: ${b.duplicates.toLocaleString('en-US')} imported before, ${b.updated.toLocaleString('en-US')} updated`,
    };
  } finally {
    store.close();
  }
}
