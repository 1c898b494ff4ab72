/**
 * A placement run's summary: how many seeds landed where, their shares and latencies.
 *
 * One module that the run (run.ts) and the history (for runs that never finished) both count with,
 * and light enough for the history to load without the run's SMTP and IMAP code.
 */
import { median } from '../../shared/median';
import type { PlacementSummary, SeedOutcome } from './types';

export function summarize(outcomes: readonly SeedOutcome[]): PlacementSummary {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.placement] = (counts[o.placement] ?? 0) + 1;
  const total = outcomes.length;
  const share = Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, total ? n / total : 0]));
  const latencies = outcomes.flatMap((o) => (o.detection ? [o.detection.latencyMs] : []));
  return {
    total,
    counts,
    share,
    medianLatencyMs: median(latencies),
    worstLatencyMs: latencies.length ? Math.max(...latencies) : null,
  };
}
