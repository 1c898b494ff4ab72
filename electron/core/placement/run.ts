/**
 * A placement run: one token, one test message to every seed, every seed watched at once.
 *
 * The watchers start before the send, so each seed is already logged in and idling on INBOX when
 * the copy arrives; the latency of a copy runs from the SMTP server's acceptance of the message to
 * the moment its watcher saw it. Every change is reported through `onEvent` as it happens (the API
 * writes it to history there), so a crash loses nothing already seen.
 */
import { randomBytes } from 'node:crypto';
import { sendTest, type SendRequest, type SendResult } from '../send/send';
import type { SmtpProfile, SmtpSecrets } from '../send/profile';
import type { Detection, ImapErrorInfo, PlacementEvent, PlacementRun, PlacementSummary, Seed, SeedOutcome, SeedSecrets } from './types';
import { TOKEN_HEADER } from './types';
import { deleteProbes, watchSeed, type SeedWatcher } from './watch';

/** The default wait for a copy before its seed counts as missing: ten minutes, as the issue sets. */
export const DEFAULT_DEADLINE_MS = 600_000;

/** Seeds logging in at once; the rest wait their turn (each login takes a round trip or three). */
export const MAX_CONNECTING = 16;

export interface PlacementRequest {
  profile: SmtpProfile;
  smtpSecrets: SmtpSecrets;
  seeds: { seed: Seed; secrets: SeedSecrets }[];
  subject: string;
  html: string;
  text?: string;
  headers?: Record<string, string>;
  dkim?: SendRequest['dkim'];
  /** How long each seed is watched after the send; DEFAULT_DEADLINE_MS when absent. */
  deadlineMs?: number;
  /** Delete the probe copies from every seed afterwards. */
  cleanup?: boolean;
  /** Deadline of each network step (connect, command, SMTP reply). */
  timeoutMs?: number;
  /** Interval of the searches of Junk and the other folders. */
  pollMs?: number;
  /** Extra trusted CA certificates (PEM) for SMTP and IMAP, e.g. a test lab's. */
  ca?: string[];
  warnings?: string[];
  signal?: AbortSignal;
  onEvent?: (event: PlacementEvent) => void;
  /** Fixed token, for tests; a fresh random one when absent. */
  token?: string;
}

/** A run token: short enough for a subject line, long enough never to match another run's copies. */
export function newToken(): string {
  return `dl-${randomBytes(8).toString('hex')}`;
}

/** The subject the seeds receive: the user's subject with the token, so a person can find the copy too. */
export function probeSubject(subject: string, token: string): string {
  return `${subject} [${token}]`;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : Math.round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
}

/**
 * Runs task(0..count-1) through at most MAX_CONNECTING lanes, each index once, in order of start.
 * A task returning false stops its lane (the run is ending); the rest of the indexes are left.
 */
async function inLanes(count: number, task: (i: number) => Promise<boolean>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(MAX_CONNECTING, count) }, async () => {
      while (next < count) {
        if (!(await task(next++))) return;
      }
    }),
  );
}

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

const sendFailedError = (explanation: string, code: string): ImapErrorInfo => ({ kind: 'other', code, explanation });

function abortError(): ImapErrorInfo {
  return { kind: 'other', code: 'CANCELLED', explanation: 'The run was cancelled before this seed reported.' };
}

/**
 * Runs one placement test to the end and returns it; never throws for a network or server problem
 * (those end up in `send.error` or in a seed's `error`).
 */
export async function runPlacement(req: PlacementRequest): Promise<PlacementRun> {
  const token = req.token ?? newToken();
  const deadlineMs = req.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const timeoutMs = req.timeoutMs ?? 15_000;
  const emit = (event: PlacementEvent) => {
    try {
      req.onEvent?.(event);
    } catch {
      // A listener's failure (a full disk while writing history) must not end the run for the others;
      // the listener reports it its own way.
    }
  };
  const outcomes: SeedOutcome[] = req.seeds.map(({ seed }) => ({
    seed: seed.name,
    address: seed.address,
    provider: seed.provider,
    placement: 'pending',
    state: 'connecting',
    reconnects: 0,
  }));
  const run: PlacementRun = {
    token,
    status: 'running',
    startedAt: new Date().toISOString(),
    profile: req.profile.name,
    subject: probeSubject(req.subject, token),
    deadlineMs,
    seeds: outcomes,
    summary: summarize(outcomes),
    warnings: [...(req.warnings ?? [])],
  };
  emit({ type: 'started', token, seeds: outcomes.map((o) => ({ ...o })), run: { ...run, seeds: outcomes.map((o) => ({ ...o })) } });

  let acceptedAt: number | undefined;
  const startedAtMs = Date.now();
  const base = (i: number) => {
    const o = outcomes[i] as SeedOutcome;
    return { seed: o.seed, address: o.address, provider: o.provider };
  };
  // Each change replaces the seed's outcome whole: an error from an earlier state never lingers on
  // a seed that later settled otherwise.
  const settle = (i: number, outcome: Omit<SeedOutcome, 'seed' | 'address' | 'provider'>) => {
    const next: SeedOutcome = { ...base(i), ...outcome };
    outcomes[i] = next;
    emit({ type: 'seed', token, outcome: { ...next } });
  };
  const isSettled = (i: number) => ['found', 'missing', 'error'].includes((outcomes[i] as SeedOutcome).state);

  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (req.signal?.aborted) controller.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });

  // Watchers start through a few lanes, so a run with many seeds never opens hundreds of logins at
  // once (a server's login processes and the machine's sockets are finite).
  const watchers: (SeedWatcher | undefined)[] = new Array<SeedWatcher | undefined>(req.seeds.length);
  const created = req.seeds.map(() => {
    let resolve!: (w: SeedWatcher | undefined) => void;
    const promise = new Promise<SeedWatcher | undefined>((r) => (resolve = r));
    return { promise, resolve };
  });
  let stopping = false;
  const startWatcher = (i: number): SeedWatcher => {
    const { seed, secrets } = req.seeds[i] as { seed: Seed; secrets: SeedSecrets };
    return watchSeed(seed, secrets, {
      token,
      // A backstop only: the run stops each watcher at acceptance + deadlineMs (below). Until the
      // send returns the acceptance is unknown, and the start, the send and its guard may take
      // several step deadlines.
      deadlineAt: startedAtMs + deadlineMs + timeoutMs * 8,
      acceptedAt: () => acceptedAt,
      signal: controller.signal,
      timeoutMs,
      ...(req.pollMs ? { pollMs: req.pollMs } : {}),
      ...(req.ca ? { ca: req.ca } : {}),
      onState: (state, error) => {
        if (isSettled(i)) return;
        const o = outcomes[i] as SeedOutcome;
        settle(i, { placement: 'pending', state, reconnects: o.reconnects + (state === 'reconnecting' ? 1 : 0), ...(error ? { error } : {}) });
      },
    });
  };
  const lanes = inLanes(req.seeds.length, async (i) => {
    if (stopping || controller.signal.aborted) return false;
    const w = startWatcher(i);
    watchers[i] = w;
    created[i]?.resolve(w);
    // done settles even when ready never does (the watcher was stopped first).
    await Promise.race([w.ready, w.done]).catch(() => undefined);
    return true;
  });
  const allStarted = lanes.then(() => {
    // Seeds never started (the run was cancelled or stopped first) have no watcher.
    for (const [i, c] of created.entries()) if (!watchers[i]) c.resolve(undefined);
  });

  // Send once every seed is watching (or has failed, or the step deadline passed): then the copies
  // arrive to an IDLE connection, which is what the latency measures.
  let readyTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    allStarted,
    new Promise<void>((resolve) => {
      readyTimer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(readyTimer);

  let sendSettled!: () => void;
  const sendDone = new Promise<void>((resolve) => (sendSettled = resolve));

  const finished = req.seeds.map(async (_, i) => {
    const watcher = await (created[i] as { promise: Promise<SeedWatcher | undefined> }).promise;
    const r = watcher ? await watcher.done : { reconnects: 0 };
    // Latency runs from the acceptance: wait for the send to know it.
    await sendDone;
    if (isSettled(i)) return; // already settled (the SMTP server refused this recipient)
    const reconnects = Math.max(r.reconnects, (outcomes[i] as SeedOutcome).reconnects);
    if (r.detection) {
      const detection: Detection = acceptedAt === undefined ? r.detection : { ...r.detection, latencyMs: Math.max(0, Date.parse(r.detection.detectedAt) - acceptedAt) };
      settle(i, { placement: detection.placement, state: 'found', detection, reconnects });
    } else if (r.error) {
      settle(i, { placement: 'error', state: 'error', error: r.error, reconnects });
    } else if (controller.signal.aborted || !watcher) {
      settle(i, { placement: 'error', state: 'error', error: abortError(), reconnects });
    } else {
      settle(i, { placement: 'missing', state: 'missing', reconnects });
    }
  });

  let send: SendResult | undefined;
  if (!controller.signal.aborted) {
    send = await sendTest({
      profile: req.profile,
      secrets: req.smtpSecrets,
      to: req.seeds.map(({ seed }) => seed.address),
      subject: run.subject,
      html: req.html,
      ...(req.text !== undefined ? { text: req.text } : {}),
      headers: { ...(req.headers ?? {}), [TOKEN_HEADER]: token },
      ...(req.dkim ? { dkim: req.dkim } : {}),
      timeoutMs,
      ...(req.ca ? { ca: req.ca } : {}),
      signal: controller.signal,
    });
    run.send = send;
    emit({ type: 'sent', token, send });
    // acceptedMs is there only when the server took the message (for some recipients at least).
    if (send.timings.acceptedMs !== undefined) acceptedAt = Date.parse(send.timings.startedAt) + send.timings.acceptedMs;
  }

  const accepted = new Set((send?.recipients ?? []).filter((r) => r.status === 'accepted').map((r) => r.address.toLowerCase()));
  if (controller.signal.aborted || !send || accepted.size === 0) {
    run.status = controller.signal.aborted ? 'cancelled' : 'send-failed';
    for (const [i, { seed }] of req.seeds.entries()) {
      if (isSettled(i)) continue;
      const rcpt = send?.recipients.find((r) => r.address.toLowerCase() === seed.address.toLowerCase());
      const error = controller.signal.aborted || !send ? abortError() : sendFailedError(rcpt?.explanation ?? send.error?.explanation ?? 'The message was not sent.', send.error?.code ?? 'ENOTSENT');
      settle(i, { placement: 'error', state: 'error', error, reconnects: (outcomes[i] as SeedOutcome).reconnects });
    }
    stopping = true;
    controller.abort();
  } else {
    for (const [i, { seed }] of req.seeds.entries()) {
      if (accepted.has(seed.address.toLowerCase())) continue;
      const rcpt = send.recipients.find((r) => r.address.toLowerCase() === seed.address.toLowerCase());
      settle(i, {
        placement: 'error',
        state: 'error',
        error: sendFailedError(`The SMTP server refused this recipient: ${rcpt?.reply ?? 'no reply'}. ${rcpt?.explanation ?? ''}`.trim(), 'ERCPT'),
        reconnects: (outcomes[i] as SeedOutcome).reconnects,
      });
      watchers[i]?.stop();
    }
  }
  sendSettled();

  // Each seed still watching gets exactly deadlineMs from the acceptance, then counts as missing
  // (or as an error, when its watcher never got to watch).
  const stopAt = (acceptedAt ?? Date.now()) + deadlineMs;
  const stopTimer = setTimeout(() => {
    stopping = true;
    for (const w of watchers) w?.stop();
  }, Math.max(0, stopAt - Date.now()));
  try {
    await allStarted;
    // A watcher started after the deadline passed must not wait out a deadline of its own.
    if (stopping) for (const w of watchers) w?.stop();
    await Promise.all(finished);
  } finally {
    clearTimeout(stopTimer);
    req.signal?.removeEventListener('abort', onAbort);
  }

  if (run.status === 'running') run.status = controller.signal.aborted ? 'cancelled' : 'done';

  if (req.cleanup && run.status !== 'send-failed') {
    const results: ('deleted' | 'failed' | 'not-found')[] = [];
    // Clean-up through the same few lanes: one login per seed, never all at once.
    await inLanes(req.seeds.length, async (i) => {
      const { seed, secrets } = req.seeds[i] as { seed: Seed; secrets: SeedSecrets };
      const o = outcomes[i] as SeedOutcome;
      if (o.placement === 'error' && !o.detection) {
        results[i] = 'not-found';
        return true;
      }
      try {
        const onError = (e: ImapErrorInfo) => run.warnings.push(`Clean-up of ${seed.name}: ${e.explanation}`);
        results[i] = await deleteProbes(seed, secrets, token, { timeoutMs, onError, ...(req.ca ? { ca: req.ca } : {}) });
      } catch {
        results[i] = 'failed';
      }
      return true;
    });
    run.cleanup = Object.fromEntries(req.seeds.map(({ seed }, i) => [seed.name, results[i] ?? 'failed']));
  }

  run.seeds = outcomes.map((o) => ({ ...o }));
  run.summary = summarize(run.seeds);
  run.finishedAt = new Date().toISOString();
  emit({ type: 'done', token, run });
  return run;
}
