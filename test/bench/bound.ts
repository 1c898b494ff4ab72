/**
 * Speed bounds judged by `npm run bench`: a scenario timed a few times, its worst run against a limit.
 *
 * These limits were once assertions inside the tests, where a loaded machine failed them while the
 * code was fine. The tests now prove the behaviour (the refusal, the timeout error, the result);
 * how fast it comes is measured here, where a slow figure is a finding to read, not a red build.
 */
import type { BenchRow } from './row';

export interface Bounded {
  rows: BenchRow[];
  verdicts: string[];
}

/** Times `fn` `runs` times (after `warmup` untimed runs) and judges the worst run against `limitMs`. */
export async function bound(out: Bounded, name: string, limitMs: number, runs: number, fn: () => unknown, options: { warmup?: number; note?: string } = {}): Promise<void> {
  for (let i = 0; i < (options.warmup ?? 0); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  judge(out, name, limitMs, samples, options.note);
}

/** Judges samples measured elsewhere (a latency a run reports, a per-message time). */
export function judge(out: Bounded, name: string, limitMs: number, samples: number[], note = ''): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) : NaN);
  const worst = sorted.length ? (sorted[sorted.length - 1] as number) : NaN;
  const total = samples.reduce((a, b) => a + b, 0);
  out.rows.push({ name, runs: samples.length, median: at(0.5), p95: at(0.95), perSecond: total > 0 ? (samples.length / total) * 1000 : NaN, note: `bound ${limitMs} ms${note ? `, ${note}` : ''}` });
  out.verdicts.push(`${name}: worst ${worst.toFixed(worst < 10 ? 2 : 0)} ms against ${limitMs} ms: ${worst < limitMs ? 'within' : 'OVER'}`);
}
