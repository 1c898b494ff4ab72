/**
 * What `check --spam` adds per message: message.check through the api as the CLI calls it, without
 * the spam filters, then with the lab's spamd, with its rspamd, and with both (asked side by side),
 * on the bench's realistic marketing messages (test/helpers/bench-messages.ts). The filters run with
 * network tests off (the mail lab's configuration), so this is their local rule work plus loopback.
 */
import { createApi } from '../../electron/api/handlers';
import type { MessageAnalysis } from '../../electron/core/message/types';
import type { BenchMessage } from '../helpers/bench-messages';
import { labFilters, readMailLab } from '../lab/mail-lab/lab-info';
import type { BenchRow } from './row';

const ROUNDS = 15;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

export async function runSpamBench(all: BenchMessage[], dnsPort: number): Promise<{ rows: BenchRow[]; verdicts: string[] }> {
  const filters = labFilters(readMailLab());
  const spamd = `${filters.spamd.host}:${filters.spamd.port}`;
  const messages = all.filter((m) => !m.name.includes('/') && !m.name.endsWith('.eml'));
  const api = createApi({ dbPath: null, resolverDefault: `127.0.0.1:${dnsPort}`, transport: 'cli', version: '0', emit: () => {} });
  const modes = [
    { name: 'check', extra: {} },
    { name: 'check --spam (spamd)', extra: { spam: true, spamd, rspamd: '' } },
    { name: 'check --spam (rspamd)', extra: { spam: true, spamd: '', rspamd: filters.rspamd.url } },
    { name: 'check --spam (both)', extra: { spam: true, spamd, rspamd: filters.rspamd.url } },
  ];
  const once = async (m: BenchMessage, extra: Record<string, unknown>) => {
    const a = (await api.dispatch('message.check', { raw: m.raw.toString('base64'), encoding: 'base64', ip: m.ip, helo: m.helo, ...(m.sender ? { mailFrom: m.sender } : {}), ...extra })) as MessageAnalysis;
    const failed = (a.spam ?? []).find((r) => r.verdict === 'error');
    if (failed && failed.verdict === 'error') throw new Error(`${failed.filter}: ${failed.error}`);
  };
  try {
    // Warm up every path (the DNS cache, the filters' first scans) before timing.
    for (const mode of modes) for (const m of messages) await once(m, mode.extra);
    const samples = new Map<string, number[]>(modes.map((mode) => [mode.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // The order rotates each round, so background load on a shared machine hits every mode alike.
      for (let i = 0; i < modes.length; i++) {
        const mode = modes[(round + i) % modes.length] as (typeof modes)[number];
        for (const m of messages) {
          const t = performance.now();
          await once(m, mode.extra);
          samples.get(mode.name)?.push(performance.now() - t);
        }
      }
    }
    const base = median(samples.get('check') ?? []);
    const rows: BenchRow[] = modes.map((mode) => {
      const xs = samples.get(mode.name) ?? [];
      const sorted = [...xs].sort((a, b) => a - b);
      const m = median(xs);
      return {
        name: `${mode.name}, per message`,
        runs: xs.length,
        median: m,
        p95: sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] as number,
        perSecond: 1000 / m,
        note: mode.name === 'check' ? `${messages.length} marketing messages` : `+${(m - base).toFixed(1)} ms over check`,
      };
    });
    const verdicts = rows.slice(1).map((r) => `${r.name.replace(', per message', '')}: adds ${(r.median - base).toFixed(1)} ms per message (median ${r.median.toFixed(1)} ms against ${base.toFixed(1)} ms for check alone; spamd ${filters.spamd.version}, rspamd ${filters.rspamd.version}, network tests off)`);
    return { rows, verdicts };
  } finally {
    api.close();
  }
}
