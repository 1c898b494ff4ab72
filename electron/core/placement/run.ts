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
  // Until the send is accepted no watcher may give up: its deadline starts at the acceptance.
  const startedAtMs = Date.now();
  const update = (i: number, patch: Partial<SeedOutcome>) => {
    const next = { ...(outcomes[i] as SeedOutcome), ...patch };
    outcomes[i] = next;
    emit({ type: 'seed', token, outcome: { ...next } });
  };

  const controller = new AbortController();
  const onAbort = () => controller.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });

  const watchers: SeedWatcher[] = req.seeds.map(({ seed, secrets }, i) =>
    watchSeed(seed, secrets, {
      token,
      // A backstop only: the run stops each watcher at acceptance + deadlineMs (below), and the
      // acceptance time is not known yet.
      deadlineAt: startedAtMs + deadlineMs + timeoutMs * 4,
      acceptedAt: () => acceptedAt,
      signal: controller.signal,
      timeoutMs,
      ...(req.pollMs ? { pollMs: req.pollMs } : {}),
      ...(req.ca ? { ca: req.ca } : {}),
      onState: (state, error) => {
        const o = outcomes[i] as SeedOutcome;
        if (o.state === 'found' || o.state === 'missing' || o.state === 'error') return;
        update(i, { state, ...(state === 'reconnecting' ? { reconnects: o.reconnects + 1 } : {}), ...(error ? { error } : {}) });
      },
    }),
  );

  // Send once every seed is watching (or has failed, or the step deadline passed): then the copies
  // arrive to an IDLE connection, which is what the latency measures.
  let readyTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(watchers.map((w) => w.ready)),
    new Promise<void>((resolve) => {
      readyTimer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(readyTimer);

  const finished = req.seeds.map(async (_, i) => {
    const r = await (watchers[i] as SeedWatcher).done;
    const current = outcomes[i] as SeedOutcome;
    if (current.state === 'error' && current.placement === 'error') return; // already settled (send refused it)
    const reconnects = Math.max(r.reconnects, current.reconnects);
    if (r.detection) {
      const detection: Detection = acceptedAt === undefined ? r.detection : { ...r.detection, latencyMs: Math.max(0, Date.parse(r.detection.detectedAt) - acceptedAt) };
      const { error: _drop, ...rest } = current;
      void _drop;
      update(i, { ...rest, placement: detection.placement, state: 'found', detection, reconnects });
    } else if (r.error) {
      update(i, { placement: 'error', state: 'error', error: r.error, reconnects });
    } else if (controller.signal.aborted) {
      update(i, { placement: 'error', state: 'error', error: abortError(), reconnects });
    } else {
      const { error: _drop, ...rest } = current;
      void _drop;
      update(i, { ...rest, placement: 'missing', state: 'missing', reconnects });
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
    });
    run.send = send;
    emit({ type: 'sent', token, send });
    if (send.timings.acceptedMs !== undefined) acceptedAt = Date.parse(send.timings.startedAt) + send.timings.acceptedMs;
  }

  const accepted = new Set((send?.recipients ?? []).filter((r) => r.status === 'accepted').map((r) => r.address.toLowerCase()));
  if (!send || accepted.size === 0) {
    run.status = send ? 'send-failed' : 'cancelled';
    for (const [i, { seed }] of req.seeds.entries()) {
      const rcpt = send?.recipients.find((r) => r.address.toLowerCase() === seed.address.toLowerCase());
      update(i, {
        placement: 'error',
        state: 'error',
        error: send ? sendFailedError(rcpt?.explanation ?? send.error?.explanation ?? 'The message was not sent.', send.error?.code ?? 'ENOTSENT') : abortError(),
      });
    }
    controller.abort();
  } else {
    for (const [i, { seed }] of req.seeds.entries()) {
      if (accepted.has(seed.address.toLowerCase())) continue;
      const rcpt = send.recipients.find((r) => r.address.toLowerCase() === seed.address.toLowerCase());
      update(i, { placement: 'error', state: 'error', error: sendFailedError(`The SMTP server refused this recipient: ${rcpt?.reply ?? 'no reply'}. ${rcpt?.explanation ?? ''}`.trim(), 'ERCPT') });
      (watchers[i] as SeedWatcher).stop();
    }
  }

  // Each seed still watching gets exactly deadlineMs from the acceptance, then counts as missing.
  const stopAt = (acceptedAt ?? Date.now()) + deadlineMs;
  const stopTimer = setTimeout(() => {
    for (const w of watchers) w.stop();
  }, Math.max(0, stopAt - Date.now()));
  try {
    await Promise.all(finished);
  } finally {
    clearTimeout(stopTimer);
    req.signal?.removeEventListener('abort', onAbort);
  }

  if (run.status === 'running') run.status = req.signal?.aborted ? 'cancelled' : 'done';

  if (req.cleanup && run.status !== 'send-failed') {
    const results = await Promise.all(
      req.seeds.map(async ({ seed, secrets }, i) => {
        if ((outcomes[i] as SeedOutcome).placement === 'error' && !(outcomes[i] as SeedOutcome).detection) return [seed.name, 'not-found'] as const;
        try {
          return [seed.name, await deleteProbes(seed, secrets, token, { timeoutMs, ...(req.ca ? { ca: req.ca } : {}) })] as const;
        } catch {
          return [seed.name, 'failed'] as const;
        }
      }),
    );
    run.cleanup = Object.fromEntries(results);
  }

  run.seeds = outcomes.map((o) => ({ ...o }));
  run.summary = summarize(run.seeds);
  run.finishedAt = new Date().toISOString();
  emit({ type: 'done', token, run });
  return run;
}
