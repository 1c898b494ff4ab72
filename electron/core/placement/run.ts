/**
 * A placement run: one token, one test message to every seed, every seed watched at once.
 *
 * The watchers start before the send, so each seed is already logged in and idling on INBOX when
 * the copy arrives; the latency of a copy runs from the SMTP server's acceptance of the message to
 * the moment its watcher saw it. A seed whose server does not answer does not hold the send back
 * for long (the ready window): it searches back for its copy once it comes up. A delivery status
 * notification (RFC 3464) naming the run, in any mailbox the run watches, ends its seed as bounced
 * at once. Every change is reported through `onEvent` as it happens (the API writes it to history
 * there), so a crash loses nothing already seen.
 */
import type { QaSummary } from '../qa/types';
import { randomBytes } from 'node:crypto';
import { runPool } from '../../shared/pool';
import { sendTest, type SendRequest } from '../send/send';
import type { SmtpSecrets } from '../send/profile';
import type { SendResult, SmtpProfile } from '../send/types';
import { dsnMatchesRun, type DsnReport } from './dsn';
import { summarize } from './summary';
import type { Bounce, Detection, ImapErrorInfo, PlacementEvent, PlacementRun, SearchReport, Seed, SeedOutcome, SeedSecrets } from './types';
import { TOKEN_HEADER } from './types';
import { deleteProbes, watchSeed, type SeedWatcher, type WatchResult, type WatchSearch } from './watch';

/** The default wait for a copy before its seed counts as missing: ten minutes, as the issue sets. */
export const DEFAULT_DEADLINE_MS = 600_000;

/** Seeds logging in at once; the rest wait their turn (each login takes a round trip or three). */
export const MAX_CONNECTING = 16;

/**
 * How long the send waits for every seed to be watching. After it, the send waits only for seeds
 * whose server has answered (they are logging in), never for one that has said nothing: a server
 * that hangs must not hold back the others. A seed that comes up later searches back for its copy.
 */
export const DEFAULT_READY_WINDOW_MS = 3_000;

/** One seed of a run, with its secret; `unavailable` ends it as an error before anything connects (no secret). */
export interface PlacementSeed {
  seed: Seed;
  secrets: SeedSecrets;
  unavailable?: ImapErrorInfo;
}

export interface PlacementRequest {
  profile: SmtpProfile;
  smtpSecrets: SmtpSecrets;
  seeds: PlacementSeed[];
  /**
   * A mailbox watched only for bounces: the envelope sender's, where delivery status notifications
   * go (RFC 3464 §2; RFC 5321 §4.5.5). It gets no copy and is not reported as a seed.
   */
  bounceMailbox?: { seed: Seed; secrets: SeedSecrets };
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
  /** Interval of the searches of every folder but INBOX (INBOX and Junk are also watched by IDLE push). */
  pollMs?: number;
  /** See DEFAULT_READY_WINDOW_MS (never longer than timeoutMs). */
  readyWindowMs?: number;
  /** Extra trusted CA certificates (PEM) for SMTP and IMAP, e.g. a test lab's. */
  ca?: string[];
  warnings?: string[];
  signal?: AbortSignal;
  onEvent?: (event: PlacementEvent) => void;
  /** Fixed token, for tests; a fresh random one when absent. */
  token?: string;
  /** The last design QA of this HTML, kept with the run in history. */
  qa?: QaSummary;
}

/** A run token: short enough for a subject line, long enough never to match another run's copies. */
export function newToken(): string {
  return `dl-${randomBytes(8).toString('hex')}`;
}

/** The subject the seeds receive: the user's subject with the token, so a person can find the copy too. */
export function probeSubject(subject: string, token: string): string {
  return `${subject} [${token}]`;
}

const sendFailedError = (explanation: string, code: string): ImapErrorInfo => ({ kind: 'other', code, explanation });

/** A seed the send never reached: the send's own error says why, once, so it is not repeated per seed. */
const notSentError = (): ImapErrorInfo => ({
  kind: 'other',
  code: 'ENOTSENT',
  explanation: 'The test message was not sent, so no copy could arrive (the send error says why).',
});

function abortError(): ImapErrorInfo {
  return { kind: 'other', code: 'CANCELLED', explanation: 'The run was cancelled before this seed reported.' };
}

const seconds = (ms: number) => (ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

/** What a missing seed's watcher searched, how, how often and until when, as data and in one sentence. */
export function searchReport(search: WatchSearch, token: string, until: Date, deadlineMs: number, bouncesWatchedIn: string[]): SearchReport {
  const others = search.folders.filter((f) => f !== 'INBOX' && f !== search.junk);
  const parts = [
    `INBOX ${search.inbox === 'idle' ? 'by IDLE push (RFC 2177), searched at each new message' : `by a search every ${seconds(search.pollMs)} (the server has no IDLE)`}${search.gmail ? ', its tab read with X-GM-RAW "category:"' : ''}`,
    ...(search.junk ? [`${search.junk} (spam) ${search.junkPush ? `by IDLE push between searches, and a search every ${seconds(search.pollMs)}` : `by a search every ${seconds(search.pollMs)}`}`] : ['no Junk folder was found']),
    ...(others.length ? [`${others.join(', ')} by a search every ${seconds(search.pollMs)}`] : []),
  ];
  const bounces = bouncesWatchedIn.length ? `No bounce (delivery status notification) naming the run arrived in ${bouncesWatchedIn.join(' or ')}.` : '';
  const explanation =
    `No copy carrying the token ${token} (UID SEARCH HEADER ${TOKEN_HEADER}) was found from ${search.from} until the deadline, ${until.toISOString()} ` +
    `(${seconds(deadlineMs)} after the SMTP server accepted the message). Searched: ${parts.join('; ')}; ${search.rounds} search round${search.rounds === 1 ? '' : 's'}. ${bounces}`.trim();
  return { ...search, until: until.toISOString(), bouncesWatchedIn, explanation };
}

/**
 * Runs one placement test to the end and returns it; never throws for a network or server problem
 * (those end up in `send.error` or in a seed's `error`).
 */
export async function runPlacement(req: PlacementRequest): Promise<PlacementRun> {
  const token = req.token ?? newToken();
  const deadlineMs = req.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const timeoutMs = req.timeoutMs ?? 15_000;
  const readyWindowMs = Math.max(0, Math.min(req.readyWindowMs ?? DEFAULT_READY_WINDOW_MS, timeoutMs));
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
    ...(req.bounceMailbox ? { bounceMailbox: req.bounceMailbox.seed.name } : {}),
    warnings: [...(req.warnings ?? [])],
    ...(req.qa ? { qa: req.qa } : {}),
  };
  emit({ type: 'started', token, seeds: outcomes.map((o) => ({ ...o })), run: { ...run, seeds: outcomes.map((o) => ({ ...o })) } });

  let acceptedAt: number | undefined;
  let messageId: string | undefined;
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
  const isSettled = (i: number) => ['found', 'missing', 'bounced', 'error'].includes((outcomes[i] as SeedOutcome).state);

  // Seeds that cannot be watched at all (no secret) end now; the run goes on for the others.
  const watched: number[] = [];
  for (const [i, entry] of req.seeds.entries()) {
    if (entry.unavailable) settle(i, { placement: 'error', state: 'error', error: entry.unavailable, reconnects: 0 });
    else watched.push(i);
  }

  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (req.signal?.aborted) controller.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });

  const watchers: (SeedWatcher | undefined)[] = new Array<SeedWatcher | undefined>(req.seeds.length);
  const created = req.seeds.map(() => {
    let resolve!: (w: SeedWatcher | undefined) => void;
    const promise = new Promise<SeedWatcher | undefined>((r) => (resolve = r));
    return { promise, resolve };
  });
  // Per seed: logged in and watching (or ended); and whether its server has said anything yet.
  const upOrEnded: Promise<void>[] = created.map((c) => c.promise.then((w) => (w ? Promise.race([w.ready, w.done]).then(() => undefined, () => undefined) : undefined)));
  const greeted = new Array<boolean>(req.seeds.length).fill(false);
  const up = new Array<boolean>(req.seeds.length).fill(false);
  for (const [i, p] of upOrEnded.entries()) void p.then(() => (up[i] = true));
  let stopping = false;

  // Bounces: a report names recipients; each address maps to the seeds the copy went to.
  const bounces: (Omit<Bounce, 'latencyMs'> | undefined)[] = new Array<Omit<Bounce, 'latencyMs'> | undefined>(req.seeds.length);
  const seedsByAddress = new Map<string, number[]>();
  for (const i of watched) {
    const key = (req.seeds[i] as PlacementSeed).seed.address.toLowerCase();
    seedsByAddress.set(key, [...(seedsByAddress.get(key) ?? []), i]);
  }
  const onBounce = (mailbox: string) => (report: DsnReport, where: { folder: string; detectedAt: number }) => {
    const matchedBy = dsnMatchesRun(report, token, messageId);
    if (!matchedBy) return;
    for (const r of report.recipients) {
      // RFC 3464 §2.3.3: only "failed" is final; "delayed" means the server is still trying.
      if (r.action !== 'failed') continue;
      const targets = new Set([...(seedsByAddress.get(r.finalRecipient) ?? []), ...(r.originalRecipient ? (seedsByAddress.get(r.originalRecipient) ?? []) : [])]);
      for (const i of targets) {
        if (bounces[i] || isSettled(i)) continue;
        bounces[i] = {
          status: r.status,
          ...(r.diagnostic ? { diagnostic: r.diagnostic } : {}),
          action: r.action,
          finalRecipient: r.finalRecipient,
          ...(report.reportingMta ? { reportingMta: report.reportingMta } : {}),
          ...(r.remoteMta ? { remoteMta: r.remoteMta } : {}),
          matchedBy,
          mailbox,
          folder: where.folder,
          detectedAt: new Date(where.detectedAt).toISOString(),
        };
        // Its copy will not come: the seed ends now (a watcher not started yet is never started).
        watchers[i]?.stop();
      }
    }
  };
  const bouncesSince = startedAtMs;
  const watchOptions = (mailbox: string) => ({
    token,
    // A backstop only: the run stops each watcher at acceptance + deadlineMs (below). Until the
    // send returns the acceptance is unknown, and the start, the send and its guard may take
    // several step deadlines.
    deadlineAt: startedAtMs + deadlineMs + timeoutMs * 8,
    acceptedAt: () => acceptedAt,
    signal: controller.signal,
    timeoutMs,
    onBounce: onBounce(mailbox),
    bouncesSince,
    ...(req.pollMs ? { pollMs: req.pollMs } : {}),
    ...(req.ca ? { ca: req.ca } : {}),
  });

  // The envelope sender's mailbox, watched for bounces from the start (it searches back anyway).
  const bounceWatcher = req.bounceMailbox ? watchSeed(req.bounceMailbox.seed, req.bounceMailbox.secrets, { ...watchOptions(req.bounceMailbox.seed.name), lookFor: 'bounces' }) : undefined;

  const startWatcher = (i: number): SeedWatcher => {
    const { seed, secrets } = req.seeds[i] as PlacementSeed;
    return watchSeed(seed, secrets, {
      ...watchOptions(seed.name),
      onGreeting: () => (greeted[i] = true),
      onState: (state, error) => {
        if (isSettled(i) || bounces[i]) return;
        const o = outcomes[i] as SeedOutcome;
        settle(i, { placement: 'pending', state, reconnects: o.reconnects + (state === 'reconnecting' ? 1 : 0), ...(error ? { error } : {}) });
      },
    });
  };
  // Watchers start through a few lanes, so a run with many seeds never opens hundreds of logins at
  // once (a server's login processes and the machine's sockets are finite).
  // Once the run is ending (stopped, cancelled), the seeds not yet started are left.
  const lanes = runPool(
    watched,
    MAX_CONNECTING,
    async (i) => {
      if (bounces[i]) return;
      const w = startWatcher(i);
      watchers[i] = w;
      created[i]?.resolve(w);
      // done settles even when ready never does (the watcher was stopped first).
      await Promise.race([w.ready, w.done]).catch(() => undefined);
    },
    () => stopping || controller.signal.aborted,
  );
  const allStarted = lanes.then(() => {
    // Seeds never started (unavailable, bounced early, or the run was cancelled or stopped first) have no watcher.
    for (const [i, c] of created.entries()) if (!watchers[i]) c.resolve(undefined);
  });

  // Send once every seed is watching, so the copies arrive to an IDLE connection, which is what the
  // latency measures. After the ready window, wait only for the seeds whose server has answered (and
  // never past one step deadline): a silent server must not hold the others back.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      controller.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  const allUp = Promise.all(watched.map((i) => upOrEnded[i]));
  await Promise.race([allUp, sleep(readyWindowMs)]);
  if (!watched.every((i) => up[i]) && !controller.signal.aborted) {
    const answering = watched.filter((i) => greeted[i] && !up[i]);
    await Promise.race([Promise.all(answering.map((i) => upOrEnded[i])), sleep(Math.max(0, timeoutMs - readyWindowMs))]);
  }

  let sendSettled!: () => void;
  const sendDone = new Promise<void>((resolve) => (sendSettled = resolve));

  const latencyOf = (at: string) => (acceptedAt === undefined ? 0 : Math.max(0, Date.parse(at) - acceptedAt));
  const stopAtHolder: { at?: number } = {};
  const bouncesWatchedIn = (i: number) => [(req.seeds[i] as PlacementSeed).seed.name, ...(req.bounceMailbox ? [req.bounceMailbox.seed.name] : [])];

  const finished = watched.map(async (i) => {
    const watcher = await (created[i] as { promise: Promise<SeedWatcher | undefined> }).promise;
    const r: WatchResult = watcher ? await watcher.done : { reconnects: 0 };
    // Latency runs from the acceptance: wait for the send to know it.
    await sendDone;
    if (isSettled(i)) return; // already settled (the SMTP server refused this recipient)
    const reconnects = Math.max(r.reconnects, (outcomes[i] as SeedOutcome).reconnects);
    const bounce = bounces[i];
    if (r.detection) {
      const detection: Detection = acceptedAt === undefined ? r.detection : { ...r.detection, latencyMs: Math.max(0, Date.parse(r.detection.detectedAt) - acceptedAt) };
      settle(i, { placement: detection.placement, state: 'found', detection, reconnects });
    } else if (bounce) {
      settle(i, { placement: 'bounced', state: 'bounced', bounce: { ...bounce, latencyMs: latencyOf(bounce.detectedAt) }, reconnects });
    } else if (r.error) {
      settle(i, { placement: 'error', state: 'error', error: r.error, reconnects });
    } else if (controller.signal.aborted || !watcher) {
      settle(i, { placement: 'error', state: 'error', error: abortError(), reconnects });
    } else {
      const until = new Date(stopAtHolder.at ?? Date.now());
      const search = watcher.searched();
      settle(i, { placement: 'missing', state: 'missing', reconnects, ...(search ? { searched: searchReport(search, token, until, deadlineMs, bouncesWatchedIn(i)) } : {}) });
    }
  });

  let send: SendResult | undefined;
  if (!controller.signal.aborted && watched.length > 0) {
    send = await sendTest({
      profile: req.profile,
      secrets: req.smtpSecrets,
      to: watched.map((i) => (req.seeds[i] as PlacementSeed).seed.address),
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
    messageId = send.messageId;
    // acceptedMs is there only when the server took the message (for some recipients at least).
    if (send.timings.acceptedMs !== undefined) acceptedAt = Date.parse(send.timings.startedAt) + send.timings.acceptedMs;
    emit({ type: 'sent', token, send });
  }

  const accepted = new Set((send?.recipients ?? []).filter((r) => r.status === 'accepted').map((r) => r.address.toLowerCase()));
  if (watched.length === 0) {
    // Nothing could be watched: nothing was sent, and every seed already says why.
    stopping = true;
    controller.abort();
  } else if (controller.signal.aborted || !send || accepted.size === 0) {
    run.status = controller.signal.aborted ? 'cancelled' : 'send-failed';
    for (const i of watched) {
      if (isSettled(i)) continue;
      const { seed } = req.seeds[i] as PlacementSeed;
      const rcpt = send?.recipients.find((r) => r.address.toLowerCase() === seed.address.toLowerCase());
      let error: ImapErrorInfo;
      if (controller.signal.aborted || !send) error = abortError();
      else if (rcpt?.status === 'rejected' && rcpt.reply) error = sendFailedError(`The SMTP server refused this recipient: ${rcpt.reply}.`, 'ERCPT');
      else error = notSentError();
      settle(i, { placement: 'error', state: 'error', error, reconnects: (outcomes[i] as SeedOutcome).reconnects });
    }
    stopping = true;
    controller.abort();
  } else {
    for (const i of watched) {
      const { seed } = req.seeds[i] as PlacementSeed;
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
  stopAtHolder.at = stopAt;
  const stopTimer = setTimeout(() => {
    stopping = true;
    for (const w of watchers) w?.stop();
    bounceWatcher?.stop();
  }, Math.max(0, stopAt - Date.now()));
  let bounceResult: WatchResult | undefined;
  try {
    await allStarted;
    // A watcher started after the deadline passed must not wait out a deadline of its own.
    if (stopping) for (const w of watchers) w?.stop();
    await Promise.all(finished);
    // Every seed has its verdict: no bounce can change one any more.
    bounceWatcher?.stop();
    bounceResult = await bounceWatcher?.done;
  } finally {
    clearTimeout(stopTimer);
    req.signal?.removeEventListener('abort', onAbort);
  }
  if (bounceResult?.error && req.bounceMailbox) run.warnings.push(`The bounce mailbox ${req.bounceMailbox.seed.name} could not be watched: ${bounceResult.error.explanation}`);

  if (run.status === 'running') run.status = controller.signal.aborted && watched.length > 0 ? 'cancelled' : 'done';

  if (req.cleanup && run.status !== 'send-failed' && send) {
    const results: ('deleted' | 'failed' | 'not-found')[] = [];
    // Clean-up through the same few lanes: one login per seed, never all at once.
    await runPool(req.seeds, MAX_CONNECTING, async ({ seed, secrets }, i) => {
      const o = outcomes[i] as SeedOutcome;
      if ((o.placement === 'error' || o.placement === 'bounced') && !o.detection) {
        results[i] = 'not-found';
        return;
      }
      try {
        const onError = (e: ImapErrorInfo) => run.warnings.push(`Clean-up of ${seed.name}: ${e.explanation}`);
        results[i] = await deleteProbes(seed, secrets, token, { timeoutMs, onError, ...(req.ca ? { ca: req.ca } : {}) });
      } catch {
        results[i] = 'failed';
      }
    });
    run.cleanup = Object.fromEntries(req.seeds.map(({ seed }, i) => [seed.name, results[i] ?? 'failed']));
  }

  run.seeds = outcomes.map((o) => ({ ...o }));
  run.summary = summarize(run.seeds);
  run.finishedAt = new Date().toISOString();
  emit({ type: 'done', token, run });
  return run;
}
