/**
 * How placements read on the board: labels, colours, the live summary, and the run's state as events arrive.
 *
 * Pure functions, so the board's behaviour is unit-tested without a browser. Type imports only:
 * the core's run.ts pulls in node:crypto and cannot be bundled into the renderer.
 */
import type { StoredSeed } from '../../../electron/api/operations';
import type { PlacementEvent, PlacementRun, SeedOutcome, SeedState, SendResult } from '../../../electron/api/types';
import { median } from '../../../electron/shared/median';

export type PlacementValue = SeedOutcome['placement'];

/** The issue's own words: inbox, category:promotions, spam, folder:Name, missing, bounced; plus error and pending. */
export function placementLabel(placement: PlacementValue): string {
  return placement === 'pending' ? 'waiting' : placement;
}

export interface BadgeLook {
  color: string;
  variant: 'filled' | 'light' | 'outline';
}

/** inbox green, category:* teal, spam red, folder:* yellow, missing grey, bounced dark orange, error red outline. */
export function placementLook(placement: PlacementValue): BadgeLook {
  if (placement === 'inbox') return { color: 'green', variant: 'filled' };
  if (placement.startsWith('category:')) return { color: 'teal', variant: 'filled' };
  if (placement === 'spam') return { color: 'red', variant: 'filled' };
  if (placement.startsWith('folder:')) return { color: 'yellow', variant: 'filled' };
  if (placement === 'error') return { color: 'red', variant: 'outline' };
  if (placement === 'missing') return { color: 'gray', variant: 'filled' };
  if (placement === 'bounced') return { color: 'orange', variant: 'filled' };
  return { color: 'gray', variant: 'light' };
}

export const STATE_LABEL: Record<SeedState, string> = {
  connecting: 'connecting',
  watching: 'watching',
  reconnecting: 'reconnecting',
  found: 'found',
  missing: 'missing',
  bounced: 'bounced',
  error: 'error',
};

export const STATE_COLOR: Record<SeedState, string> = {
  connecting: 'blue',
  watching: 'blue',
  reconnecting: 'orange',
  found: 'green',
  missing: 'gray',
  bounced: 'orange',
  error: 'red',
};

/** Still waiting for this seed's verdict. */
export const isOpenState = (state: SeedState): boolean => state === 'connecting' || state === 'watching' || state === 'reconnecting';

/** Which placements count as reaching the inbox: the inbox itself or a Gmail tab. */
export const reachedInbox = (placement: string): boolean => placement === 'inbox' || placement.startsWith('category:');

export interface ShareEntry {
  placement: string;
  count: number;
  share: number;
}

export interface LiveSummary {
  total: number;
  /** Seeds with a verdict (found, missing, bounced or error). */
  settled: number;
  /** One entry per placement seen, in a fixed order (inbox first, waiting last). */
  shares: ShareEntry[];
  medianLatencyMs: number | null;
}

function placementRank(placement: string): number {
  if (placement === 'inbox') return 0;
  if (placement.startsWith('category:')) return 1;
  if (placement.startsWith('folder:')) return 2;
  if (placement === 'spam') return 3;
  if (placement === 'missing') return 4;
  if (placement === 'bounced') return 5;
  if (placement === 'error') return 6;
  return 7;
}

/** Share per placement and median latency, from the seed rows as they are now. */
export function summarizeSeeds(seeds: readonly SeedOutcome[]): LiveSummary {
  const counts = new Map<string, number>();
  for (const seed of seeds) counts.set(seed.placement, (counts.get(seed.placement) ?? 0) + 1);
  const total = seeds.length;
  const shares = [...counts.entries()]
    .map(([placement, count]) => ({ placement, count, share: total ? count / total : 0 }))
    .sort((a, b) => placementRank(a.placement) - placementRank(b.placement) || a.placement.localeCompare(b.placement));
  return {
    total,
    settled: seeds.filter((s) => !isOpenState(s.state)).length,
    shares,
    medianLatencyMs: median(seeds.flatMap((s) => (s.detection ? [s.detection.latencyMs] : []))),
  };
}

export function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** A run followed live: the seed rows and the send as the events report them. */
export interface LiveRun {
  runId: string;
  token: string | null;
  seeds: SeedOutcome[];
  send: SendResult | null;
  /** The whole run, once done arrived (or the call returned). */
  run: PlacementRun | null;
}

export function newLiveRun(runId: string): LiveRun {
  return { runId, token: null, seeds: [], send: null, run: null };
}

/**
 * The run after one event.
 *
 * A seed event replaces that seed's row (or adds it, should it come before started); the done
 * event's run is the final word on every row.
 */
export function applyPlacementEvent(live: LiveRun, event: PlacementEvent): LiveRun {
  if (live.token !== null && event.token !== live.token) return live;
  switch (event.type) {
    case 'started':
      return { ...live, token: event.token, seeds: event.seeds.map((s) => live.seeds.find((l) => l.seed === s.seed) ?? s) };
    case 'sent':
      return { ...live, token: event.token, send: event.send };
    case 'seed': {
      const at = live.seeds.findIndex((s) => s.seed === event.outcome.seed);
      const seeds = at === -1 ? [...live.seeds, event.outcome] : live.seeds.map((s, i) => (i === at ? event.outcome : s));
      return { ...live, token: event.token, seeds };
    }
    case 'done':
      return finishLiveRun({ ...live, token: event.token }, event.run);
  }
}

/** The run as placement.run returned it (the same as done's, if that event was missed). */
export function finishLiveRun(live: LiveRun, run: PlacementRun): LiveRun {
  return { ...live, token: run.token, run, seeds: run.seeds, send: run.send ?? live.send };
}

const RUN_STATUS_WORDS: Record<string, string> = {
  running: 'running',
  done: 'finished',
  cancelled: 'cancelled',
  'send-failed': 'send failed',
  interrupted: 'interrupted',
};

/** A run's status in words; history may hold statuses a live run never has (interrupted). */
export function runStatusLabel(status: string): string {
  return RUN_STATUS_WORDS[status] ?? status;
}

/** A run that ended without a verdict for every seed: it stopped while running (app closed, backend gone). */
export const runDidNotFinish = (status: string): boolean => status === 'running' || status === 'interrupted';

/**
 * Whether a saved seed can be watched now, in words for the seed picker: its secret is stored, its
 * variable is set, or what is missing and where to fix it. A seed that is not ready ends as an error
 * of its own when the run starts; the others run.
 */
export function seedReadiness(stored: Pick<StoredSeed, 'seed' | 'secret'>): { ready: boolean; words: string } {
  const auth = stored.seed.auth;
  const oauth = 'oauth2TokenEnv' in auth || 'oauth2' in auth;
  const what = oauth ? 'token' : 'password';
  const variable = 'oauth2TokenEnv' in auth ? auth.oauth2TokenEnv : 'passwordEnv' in auth ? auth.passwordEnv : undefined;
  switch (stored.secret) {
    case 'stored':
      return { ready: true, words: `ready: ${what} stored` };
    case 'env':
      return { ready: true, words: `ready: ${what} from $${variable ?? '?'}` };
    case 'none':
      return { ready: true, words: 'ready' };
    case 'missing':
      return variable
        ? { ready: false, words: `not ready: $${variable} is not set for Deliverlab` }
        : { ready: false, words: `not ready: no ${what} stored (open Seeds and enter it)` };
  }
}

/** The address mail bounces to for a profile: its envelope sender, else the address in From (lower-case). */
export function envelopeSender(profile: { from: string; envelopeFrom?: string }): string | undefined {
  const from = profile.envelopeFrom ?? /<?([^<>\s]+@[^<>\s]+)>?\s*$/.exec(profile.from)?.[1];
  return from?.toLowerCase();
}
