/**
 * `npm run bench -- watch`: monitoring's two speed bounds (issue 15).
 *
 * One pass of the scheduler over 1,000 watched domains, each a full audit (no part left out), the
 * DNS fixture server answering every query after 20 ms in a process of its own (on two cores its
 * work must not count as Deliverlab's), with the default settings: 8 checks at once and the
 * per-resolver rate limit. Target: under 60 s.
 *
 * history.list (the operation, through dispatch: input checked, answer bounded) over 100,000 stored
 * audits of 1,000 domains: newest first, one domain's, one client's. Target: under 50 ms each.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApi } from '../../electron/api/handlers';
import { DEFAULT_SETTINGS } from '../../electron/core/settings';
import { HistoryStore } from '../../electron/core/history/store';
import type { Bounded } from './bound';
import { judge } from './bound';
import { serveInChild } from './dns-child';

const DOMAINS = 1000;
const PASS_LIMIT_MS = 60_000;
const AUDITS = 100_000;
const LIST_LIMIT_MS = 50;

const domain = (i: number) => `d${i}.watch.bench`;

async function passBench(out: Bounded, dir: string): Promise<void> {
  const lines: string[] = ['_spf.watch.bench. TXT "v=spf1 ip4:198.51.100.0/24 -all"'];
  for (let i = 0; i < DOMAINS; i++) {
    const d = domain(i);
    lines.push(`${d}. MX 10 mx.${d}.`, `mx.${d}. A 192.0.2.${i % 250}`, `${d}. TXT "v=spf1 mx include:_spf.watch.bench -all"`, `_dmarc.${d}. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@${d}"`, `s1._domainkey.${d}. TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="`);
  }
  const zoneFile = join(dir, 'watch.zone');
  writeFileSync(zoneFile, lines.join('\n'));
  const server = await serveInChild(['--delay', '20', '--zone', zoneFile]);
  const api = createApi({ dbPath: join(dir, 'pass.sqlite'), transport: 'cli', version: 'bench', resolverDefault: `127.0.0.1:${server.port}`, emit: () => {} });
  try {
    await api.dispatch('watch.add', { targets: Array.from({ length: DOMAINS }, (_, i) => domain(i)), selectors: ['s1'] });
    const started = performance.now();
    const pass = await api.watchService().runOnce();
    const ms = performance.now() - started;
    judge(out, `watch: one pass over ${DOMAINS} domains, 20 ms per DNS answer`, PASS_LIMIT_MS, [ms], `${pass.checked} checked, ${pass.errors.length} failed, ${pass.alerts.length} alerts; ${DEFAULT_SETTINGS.watchDnsRate} queries/s per resolver, 8 at once`);
    if (pass.checked !== DOMAINS || pass.errors.length > 0) out.verdicts.push(`watch pass: ${pass.checked} of ${DOMAINS} checked, ${pass.errors.length} failed: WRONG`);
  } finally {
    api.close();
    server.close();
  }
}

async function listBench(out: Bounded, dir: string): Promise<void> {
  const path = join(dir, 'list.sqlite');
  const store = HistoryStore.open(path);
  // 100 audits a domain over 1,000 domains, as a year of monitoring would leave; small results, as the list never reads them.
  store.transaction((db) => {
    const addDomain = db.prepare('INSERT INTO domains (name, first_seen) VALUES (?, ?)');
    const addAudit = db.prepare(
      'INSERT INTO audits (domain_id, started_at, duration_ms, score, grade, critical_count, warning_count, resolver, result_json) VALUES (?, ?, 100, ?, ?, 0, 1, ?, ?)',
    );
    for (let d = 0; d < 1000; d++) addDomain.run(domain(d), '2025-01-01T00:00:00.000Z');
    const base = Date.parse('2025-01-01T00:00:00.000Z');
    for (let i = 0; i < AUDITS; i++) {
      const score = 60 + (i % 41);
      addAudit.run((i % 1000) + 1, new Date(base + i * 300_000).toISOString(), score, score >= 90 ? 'A' : 'B', 'system', '{}');
    }
  });
  store.saveClient({ name: 'Bench client', domains: Array.from({ length: 20 }, (_, i) => domain(i * 7)) });
  store.close();
  const api = createApi({ dbPath: path, transport: 'cli', version: 'bench', emit: () => {} });
  try {
    const cases: [string, Record<string, unknown>][] = [
      ['newest 100', { limit: 100 }],
      ['page 50 of 100', { limit: 100, offset: 4900 }],
      ['one domain', { domain: domain(500), limit: 100 }],
      ['one client (20 domains)', { client: 'Bench client', limit: 100 }],
    ];
    for (const [label, input] of cases) {
      for (let i = 0; i < 20; i++) await api.dispatch('history.list', input); // warm up
      const samples: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        await api.dispatch('history.list', input);
        samples.push(performance.now() - t);
      }
      judge(out, `history.list over ${AUDITS.toLocaleString('en')} audits: ${label}`, LIST_LIMIT_MS, samples);
    }
  } finally {
    api.close();
  }
}

export async function runWatchBench(): Promise<Bounded> {
  const out: Bounded = { rows: [], verdicts: [] };
  const dir = mkdtempSync(join(tmpdir(), 'deliverlab-watch-bench-'));
  try {
    await listBench(out, dir);
    await passBench(out, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
