/**
 * `npm run bench -- links`: the link check over 200 links on 20 loopback hosts (127.0.0.1 to
 * 127.0.0.20, 10 links each), with the default bounds (2 requests per host, 16 overall).
 *
 * Two rows: servers that answer at once (the check's own cost per link: connect, HEAD, close) and
 * servers that take 20 ms per answer, where the bounds decide the total (200 × 20 ms / 16 at once ≈
 * 250 ms at best). Each row notes the most requests the servers saw at once, per host and overall;
 * the verdicts hold them to the bounds. The servers run in this process: their work counts.
 */
import { checkLinks, DEFAULT_CONCURRENCY, DEFAULT_PER_HOST, type LinkRef } from '../../electron/core/qa/links';
import { startLinkLab, type LabRoute } from '../lab/link-lab';
import type { Bounded } from './bound';

const HOSTS = Array.from({ length: 20 }, (_, i) => `127.0.0.${i + 1}`);
const PER_HOST_LINKS = 10;
const RUNS = 5;

const now: LabRoute = (_req, res) => void res.writeHead(200, { 'content-length': '0' }).end();
const after20ms: LabRoute = (_req, res) => {
  const timer = setTimeout(() => res.writeHead(200, { 'content-length': '0' }).end(), 20);
  res.on('close', () => clearTimeout(timer));
};

export async function runLinksBench(): Promise<Bounded> {
  const out: Bounded = { rows: [], verdicts: [] };
  const lab = await startLinkLab({ addresses: HOSTS, routes: { '/now': now, '/slow': after20ms } });
  try {
    for (const [path, label] of [
      ['/now', 'answers at once'],
      ['/slow', '20 ms per answer'],
    ] as const) {
      const links: LinkRef[] = HOSTS.flatMap((host) => Array.from({ length: PER_HOST_LINKS }, (_, i) => ({ url: lab.http(host, `${path}?n=${i}`), kind: 'link' as const })));
      await checkLinks(links, { allowPrivate: true }); // warm up
      const samples: number[] = [];
      let perHost = 0;
      let overall = 0;
      let failed = 0;
      for (let r = 0; r < RUNS; r++) {
        lab.reset();
        const started = performance.now();
        const checks = await checkLinks(links, { allowPrivate: true });
        samples.push(performance.now() - started);
        failed += checks.filter((c) => c.status !== 200).length;
        perHost = Math.max(perHost, ...lab.maxActive.values());
        overall = Math.max(overall, lab.maxTotal);
      }
      const sorted = [...samples].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
      const name = `links: ${links.length} on ${HOSTS.length} loopback hosts, ${label}`;
      out.rows.push({
        name,
        runs: RUNS,
        median: at(0.5),
        p95: at(0.95),
        perSecond: (links.length * 1000) / at(0.5),
        note: `links per second; most at once ${perHost} per host, ${overall} overall${failed ? `; ${failed} FAILED` : ''}`,
      });
      out.verdicts.push(
        `${name}: total ${at(0.5).toFixed(0)} ms (median of ${RUNS}), at most ${perHost} requests at once per host against ${DEFAULT_PER_HOST} and ${overall} overall against ${DEFAULT_CONCURRENCY}: ${perHost <= DEFAULT_PER_HOST && overall <= DEFAULT_CONCURRENCY && failed === 0 ? 'within' : 'OVER'}`,
      );
    }
  } finally {
    await lab.close();
  }
  return out;
}
