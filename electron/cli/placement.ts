/**
 * `deliverlab placement`: send a test to seed mailboxes and report where every copy landed.
 *
 * Reads an SMTP profile file and a seed file (JSON; no secrets in either: each names the environment
 * variable its password or token comes from). Each seed's line is printed the moment it settles;
 * the run is written to history as it goes, so an interrupted run keeps what it saw.
 *
 * Exit codes: 0 every seed reported a copy outside spam, 1 any copy went to spam, is missing or
 * bounced, 2 a usage or operational error (the send failed, a seed could not be watched).
 */
import { parseResolverSpec } from '../core/dns/servers';
import { HistoryError, HistoryStore } from '../core/history/store';
import { analyseCopy, CopyError, type CopyRequest } from '../core/placement/copy';
import { MessageInputError } from '../core/message/input';
import { DEFAULT_SETTINGS, SettingsService } from '../core/settings';
import { defaultDbPath } from '../core/paths';
import { parseProfileFile, ProfileError } from '../core/send/profile';
import { checkDkim } from '../core/send/send';
import { parseSeedFile, SeedError, seedSecretsFromEnv, seedSetWarnings } from '../core/placement/seeds';
import { DEFAULT_DEADLINE_MS } from '../core/placement/run';
import { runPlacementAndRecord } from '../core/placement/record';
import type { CopyAnalysis, PlacementEvent, PlacementRun, Seed, SeedOutcome, SeedSecrets } from '../core/placement/types';
import { ResolverSchema } from '../api/operations';
import { SPAM_TIMEOUT_MS } from '../core/spam/config';
import { scanMessage } from '../core/spam/scan';
import { SPAM_FLAGS, spamFlags } from './commands/spam';
import { PromptAbortedError, type PromptIo } from './prompt';
import { jsonText, neutralise, neutraliseAll } from './terminal-text';
import { checkHistoryFlags, COMPOSE_OPTIONS, connectionFlags, dkimRequest, line, loginSecret, messageFlags, parseCommandArgs, readText, resolveSecrets, UsageError } from './compose-options';

export interface PlacementIo extends PromptIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Resolves when the user asks to stop (Ctrl+C): the run is cancelled and reported as far as it got. */
  stopSignal?: Promise<void>;
}

export const PLACEMENT_HELP = `Usage:
  deliverlab placement --profile smtp.json [--profile-name N] --seeds seeds.json [--seed NAME]...
                       --subject S --html FILE [--text FILE] [--header 'Name: value']...
                       [--dkim-domain D --dkim-selector S (--dkim-key-env VAR | --dkim-key-file PEM)]
                       [--deadline 10m] [--poll MS] [--bounce-seed NAME] [--cleanup] [--ca-file PEM]...
                       [--timeout MS] [--analyse [--resolver R] [--spamd HOST:PORT] [--rspamd URL]]
                       [--json] [--db PATH | --no-history]
  deliverlab placement --analyse --run ID --seeds seeds.json [--seed NAME]... [--resolver R]
                       [--spamd HOST:PORT] [--rspamd URL] [--json] [--db PATH]

Sends one test message, carrying a fresh token in the X-Deliverlab-Token header and the subject, to
every seed mailbox, then watches all seeds at once over IMAP: IDLE on INBOX and on Junk (pushed as
soon as a copy lands), searches of the other folders by the token, Gmail's tabs through X-GM-EXT-1.
Each seed ends as inbox, category:<tab>, spam, folder:<name>, bounced (a delivery status
notification naming the run came back: its status and diagnostic are shown), missing (nothing before
the deadline: the line says what was searched, how and until when) or error. The send starts once
the seeds are watching; a seed whose server has not answered within 3 s is not waited for, and
searches back for its copy when it comes up.

The seed file (JSON, one seed or a list) holds name, address, provider (gmail | outlook | yahoo |
icloud | other), host, port, security (tls | starttls | none), auth { user, passwordEnv } or
{ user, oauth2TokenEnv }, and optionally folders { junk: "Spam", ... } to override detected roles.
Passwords come from the environment variables the files name (never put them in the files); when one
is not set and the terminal is interactive, it is asked for without echo. DKIM flags work as for send.

--deadline     how long to wait for each copy after the send: 90s, 10m, or milliseconds (default 10m).
--poll MS      how often every folder but INBOX is searched for the copy by its token (INBOX too on a
               server without IDLE; Junk is also pushed by IDLE between the searches), in
               milliseconds from 200 to 60000 (default 2000).
--bounce-seed  a seed of the seed file whose mailbox receives the bounces: the envelope sender's
               (the profile's envelopeFrom, else its from). It is watched for delivery status
               notifications only, and gets no copy unless --seed picks it too. Bounces are also
               read in every seed's own INBOX and Junk.
--cleanup      delete the probe copies from the seeds afterwards.
--analyse      after the run, fetch every detected copy from its seed over IMAP and analyse it where
               it landed: authentication as the receiving server recorded it beside ours, the path,
               the spam filter verdicts it carries, header and content checks; each analysis is
               stored with the run. With --run ID, the copies of that stored run are analysed
               instead, and nothing is sent.
--resolver     the DNS resolver the analyses use (default: the one saved in settings, else the
               system's).
--json         print the whole run as one JSON object at the end (with --analyse, its
               copyAnalyses: one { seed, analysis } or { seed, error } per detected copy).

Exit codes: 0 every copy arrived outside spam, 1 a copy went to spam, is missing or bounced,
2 an error (a copy that could not be analysed included).`;

/** A seed's password or token: from its variable, else asked for on a terminal. */
function seedSecrets(seed: Seed, env: NodeJS.ProcessEnv, io: PlacementIo): Promise<SeedSecrets> {
  return loginSecret(seed.auth, () => seedSecretsFromEnv(seed, env), `seed ${seed.name} (${seed.auth.user}): `, io);
}

/** "90s", "10m", "1h" or plain milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--${flag} takes a duration like 90s, 10m or 600000 (milliseconds), not "${text}".`);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const ms = Math.round(Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[unit]!);
  if (ms < 1000 || ms > 3_600_000) throw new UsageError(`--${flag} must be between 1 s and 1 h, got ${text}.`);
  return ms;
}

const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`);

/** A seed's line as it settles; a missing seed says on the next line what was searched. */
function outcomeLines(o: SeedOutcome): string[] {
  const head = `  ${o.placement.padEnd(20)} ${o.seed.padEnd(14)} ${o.address.padEnd(28)}`;
  if (o.detection) return [`${head}${seconds(o.detection.latencyMs).padStart(7)}  ${o.detection.folder}`];
  if (o.bounce) {
    const b = o.bounce;
    return [`${head}${seconds(b.latencyMs).padStart(7)}  ${b.status}${b.diagnostic ? ` ${b.diagnostic}` : ''} (report in ${b.mailbox}/${b.folder})`];
  }
  if (o.error) return [`${head}  ${o.error.kind}: ${o.error.explanation}`];
  if (o.searched) return [head.trimEnd(), `      ${o.searched.explanation}`];
  return [head.trimEnd()];
}

/** The exit code a run earns: 2 when a seed or the send failed, 1 when a copy is in spam, missing or bounced, else 0. */
export function placementExitCode(run: PlacementRun): number {
  if (run.status !== 'done' || run.seeds.some((s) => s.placement === 'error')) return 2;
  if (run.seeds.some((s) => s.placement === 'spam' || s.placement === 'missing' || s.placement === 'bounced')) return 1;
  return 0;
}

function summaryLine(run: PlacementRun): string {
  const parts = Object.entries(run.summary.counts)
    .sort((a, b) => b[1] - a[1])
    .map(([placement, n]) => `${placement} ${n} (${Math.round((run.summary.share[placement] ?? 0) * 100)} %)`);
  const latency = run.summary.medianLatencyMs === null ? '' : ` · median ${seconds(run.summary.medianLatencyMs)} · worst ${seconds(run.summary.worstLatencyMs)}`;
  return `Summary: ${parts.join(', ')}${latency}`;
}


/** One detected copy's analysis, or why there is none. */
export type CopyResult = { seed: string; analysis: CopyAnalysis } | { seed: string; error: string };

const authWord = (copy: CopyAnalysis) => {
  const { auth } = copy.analysis;
  const dkim = auth.dkim.some((d) => d.result === 'pass') ? 'pass' : (auth.dkim[0]?.result ?? 'none');
  return `SPF ${auth.spf.result} · DKIM ${dkim} · DMARC ${auth.dmarc.result}`;
};

/** A copy's lines: our verdicts, what the receiving server recorded, and the findings' count. */
function copyLines(copy: CopyAnalysis): string[] {
  const r = copy.recorded;
  const receiver = r.authenticationResults.length
    ? `the receiving server (${r.authServId ?? 'no authserv-id'}) recorded ${copy.analysis.receiver.results.map((x) => `${x.method}=${x.result}`).join(' ') || 'no results'}`
    : 'the receiving server recorded no authentication';
  const spam = r.spamVerdicts.length ? r.spamVerdicts.map((v) => `${v.header}: ${v.verdict}${v.score !== undefined ? ` (${v.score})` : ''}`).join('; ') : 'no spam filter headers';
  const critical = copy.analysis.findings.filter((f) => f.severity === 'critical').length;
  const warning = copy.analysis.findings.filter((f) => f.severity === 'warning').length;
  return [
    `  analysed ${copy.seed.padEnd(14)} ${copy.folder}${copy.moved ? ' (moved since the run)' : ''}: ${authWord(copy)} · ${critical} critical, ${warning} warning${warning === 1 ? '' : 's'}`,
    `      ${receiver}; ${spam}`,
  ];
}

/**
 * Fetches and analyses every detected copy of a run, one seed after another (each is one login),
 * storing each with the run when it is stored. Never throws for a seed: its error is its result.
 */
export async function analyseRunCopies(
  run: Pick<PlacementRun, 'token' | 'seeds'> & { id?: number | undefined },
  seeds: readonly { seed: Seed; secrets: SeedSecrets }[],
  options: { store: HistoryStore | null; resolver: string; timeoutMs: number; ca: string[]; onResult?: (r: CopyResult) => void; scoreSpam?: CopyRequest['scoreSpam'] },
): Promise<CopyResult[]> {
  const results: CopyResult[] = [];
  const dns = { servers: parseResolverSpec(options.resolver) };
  const dqsKey = new SettingsService(options.store, DEFAULT_SETTINGS).get().spamhausDqsKey;
  for (const outcome of run.seeds) {
    if (!outcome.detection) continue;
    const entry = seeds.find((s) => s.seed.name === outcome.seed);
    let result: CopyResult;
    if (!entry) {
      result = { seed: outcome.seed, error: `the seed file has no seed named "${outcome.seed}", so its copy cannot be fetched.` };
    } else {
      try {
        const analysis = await analyseCopy({
          seed: entry.seed,
          secrets: entry.secrets,
          token: run.token,
          placementId: run.id ?? null,
          outcome,
          dns: dqsKey ? { ...dns, redact: [dqsKey] } : dns,
          ...(dqsKey ? { spamhausDqsKey: dqsKey } : {}),
          timeoutMs: options.timeoutMs,
          ...(options.ca.length ? { ca: options.ca } : {}),
          ...(options.scoreSpam ? { scoreSpam: options.scoreSpam } : {}),
        });
        if (options.store && run.id !== undefined) {
          try {
            options.store.saveCopyAnalysis(run.id, analysis);
          } catch (err) {
            if (!(err instanceof HistoryError)) throw err;
            analysis.historyError = err.message;
          }
        }
        result = { seed: outcome.seed, analysis };
      } catch (err) {
        if (!(err instanceof CopyError) && !(err instanceof MessageInputError)) throw err;
        result = { seed: outcome.seed, error: err.message };
      }
    }
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

/** The resolver the analyses use: --resolver, else the one saved in settings, else the default. */
/** The spam filters a copy's analysis asks: --spamd and --rspamd, else the settings' (none: an empty list). */
function copyScorer(v: { spamd?: string | undefined; rspamd?: string | undefined }, store: HistoryStore | null): NonNullable<CopyRequest['scoreSpam']> {
  const given = spamFlags(v);
  const current = new SettingsService(store, DEFAULT_SETTINGS).get();
  const config = { spamd: (given.spamd ?? current.spamd) || null, rspamd: (given.rspamd ?? current.rspamd) || null };
  return (raw) => scanMessage(raw, config, { timeoutMs: SPAM_TIMEOUT_MS });
}

function analysisResolver(flag: string | undefined, store: HistoryStore | null): string {
  if (flag !== undefined) {
    const parsed = ResolverSchema.safeParse(flag);
    if (!parsed.success) throw new UsageError(`--resolver: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }
  return new SettingsService(store, DEFAULT_SETTINGS).get().resolver;
}

const printCopy = (io: PlacementIo) => (r: CopyResult) => {
  if ('error' in r) line(io.stdout, `  analysis FAILED ${r.seed.padEnd(14)} ${neutralise(r.error)}`);
  else for (const text of copyLines(neutraliseAll(r.analysis))) line(io.stdout, text);
};

/** `--analyse --run ID`: the copies of a stored run, nothing sent. */
async function analyseStoredRun(v: { run?: string | undefined; seeds?: string | undefined; seed?: string[] | undefined; resolver?: string | undefined; spamd?: string | undefined; rspamd?: string | undefined; json?: boolean | undefined; db?: string | undefined; 'no-history'?: boolean | undefined }, connection: { timeoutMs: number; ca: string[] }, io: PlacementIo, env: NodeJS.ProcessEnv): Promise<number> {
  if (v['no-history']) throw new UsageError('--run reads the run from history: it cannot go with --no-history.');
  if (!v.seeds) throw new UsageError('--seeds seeds.json is required: the copies are fetched with the seeds\' logins.');
  const id = Number(v.run);
  if (!/^[1-9]\d{0,15}$/.test(v.run ?? '') || !Number.isSafeInteger(id)) throw new UsageError(`--run takes the number of a stored placement run, not "${v.run}".`);
  const store = HistoryStore.open(v.db ?? defaultDbPath());
  try {
    const run = store.getPlacement(id);
    if (!run) throw new UsageError(`there is no placement run #${id} in history.`);
    let seeds = parseSeedFile(readText('seeds', v.seeds)).seeds;
    if (v.seed?.length) {
      const wanted = v.seed.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
      seeds = seeds.filter((s) => wanted.includes(s.name));
    }
    const detected = run.seeds.filter((o) => o.detection && seeds.some((s) => s.name === o.seed));
    if (detected.length === 0) throw new UsageError(`placement run #${id} has no detected copy in ${v.seed?.length ? 'the seeds named' : 'the seeds of the seed file'}: there is nothing to analyse.`);
    const withSecrets: { seed: Seed; secrets: SeedSecrets }[] = [];
    for (const seed of seeds) if (detected.some((o) => o.seed === seed.name)) withSecrets.push({ seed, secrets: await seedSecrets(seed, env, io) });
    const resolver = analysisResolver(v.resolver, store);
    if (!v.json) line(io.stdout, `Analysing ${detected.length} cop${detected.length === 1 ? 'y' : 'ies'} of placement run #${id} (${neutralise(run.token)})`);
    const results = await analyseRunCopies({ id, token: run.token, seeds: detected }, withSecrets, { store, resolver, ...connection, scoreSpam: copyScorer(v, store), ...(v.json ? {} : { onResult: printCopy(io) }) });
    if (v.json) line(io.stdout, jsonText({ id, token: run.token, copyAnalyses: results }));
    return results.some((r) => 'error' in r) ? 2 : 0;
  } finally {
    store.close();
  }
}

export async function placementCommand(args: string[], io: PlacementIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let store: HistoryStore | null = null;
  try {
    const v = parseCommandArgs(args, {
      ...COMPOSE_OPTIONS,
      seeds: { type: 'string' },
      seed: { type: 'string', multiple: true },
      deadline: { type: 'string' },
      poll: { type: 'string' },
      'bounce-seed': { type: 'string' },
      cleanup: { type: 'boolean' },
      analyse: { type: 'boolean' },
      run: { type: 'string' },
      resolver: { type: 'string' },
      ...SPAM_FLAGS,
    }).values;
    if (v.help) {
      line(io.stdout, PLACEMENT_HELP);
      return 0;
    }
    if (v.run !== undefined) {
      if (!v.analyse) throw new UsageError('--run names a stored run whose copies --analyse analyses: add --analyse.');
      return await analyseStoredRun(v, connectionFlags(v), io, env);
    }
    if (v.resolver !== undefined && !v.analyse) throw new UsageError('--resolver is for the analyses of --analyse.');
    if (v.resolver !== undefined) analysisResolver(v.resolver, null);
    if ((v.spamd !== undefined || v.rspamd !== undefined) && !v.analyse) throw new UsageError('--spamd and --rspamd are for the analyses of --analyse.');
    spamFlags(v);
    // The clean-up would delete the very copies the analyses read.
    if (v.analyse && v.cleanup) throw new UsageError('--cleanup deletes the copies that --analyse reads: run with --analyse alone, and delete the copies afterwards.');
    if (!v.profile) throw new UsageError('--profile smtp.json is required.');
    if (!v.seeds) throw new UsageError('--seeds seeds.json is required.');
    if (!v.subject) throw new UsageError('--subject is required.');
    if (/[\r\n]/.test(v.subject)) throw new UsageError('--subject may not contain line breaks.');
    if (!v.html) throw new UsageError('--html file.html is required.');
    checkHistoryFlags(v);
    const { profile, warnings } = parseProfileFile(readText('profile', v.profile), v['profile-name']);
    const seedFile = parseSeedFile(readText('seeds', v.seeds));
    let seeds = seedFile.seeds;
    const bounceName = v['bounce-seed']?.trim();
    const bounceSeed = bounceName === undefined ? undefined : seeds.find((s) => s.name === bounceName);
    if (bounceName !== undefined && !bounceSeed) throw new UsageError(`--bounce-seed: the seed file has no seed named "${bounceName}"; it has ${seeds.map((s) => s.name).join(', ')}.`);
    if (v.seed?.length) {
      const wanted = v.seed.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
      for (const name of wanted) if (!seeds.some((s) => s.name === name)) throw new UsageError(`--seed: the seed file has no seed named "${name}"; it has ${seeds.map((s) => s.name).join(', ')}.`);
      seeds = seeds.filter((s) => wanted.includes(s.name));
    } else if (bounceSeed) {
      // The bounce mailbox is the sender's own: it gets no copy unless --seed asks for one.
      seeds = seeds.filter((s) => s !== bounceSeed);
    }
    if (seeds.length === 0) throw new UsageError('no seed is left to send to: --bounce-seed names the only seed; add seeds, or pick it with --seed too.');
    // Warnings about the seeds this run uses: a seed left out of it clashes with nothing.
    const seedWarnings = seedSetWarnings(bounceSeed && !seeds.includes(bounceSeed) ? [...seeds, bounceSeed] : seeds);
    const deadlineMs = v.deadline === undefined ? DEFAULT_DEADLINE_MS : parseDuration('deadline', v.deadline);
    const pollMs = v.poll === undefined ? undefined : Number(v.poll);
    if (pollMs !== undefined && (!Number.isInteger(pollMs) || pollMs < 200 || pollMs > 60_000)) throw new UsageError('--poll takes milliseconds from 200 to 60000.');
    const { timeoutMs, ca } = connectionFlags(v);
    const { html, text, headers } = messageFlags(v);

    // The DKIM key and every secret before anything connects: a missing variable is a usage error,
    // not a failed seed, and a bad key is refused before a single seed logs in.
    const dkim = dkimRequest(v, profile, env);
    if (dkim) {
      const check = checkDkim(dkim, profile.from, headers);
      if ('error' in check) throw new UsageError(check.error.explanation);
    }
    const smtpSecrets = await resolveSecrets(profile, env, io);
    const withSecrets: { seed: Seed; secrets: SeedSecrets }[] = [];
    for (const seed of seeds) withSecrets.push({ seed, secrets: await seedSecrets(seed, env, io) });
    // A bounce mailbox that is also a seed is watched for bounces by its own watcher already.
    const bounceMailbox = bounceSeed && !seeds.includes(bounceSeed) ? { seed: bounceSeed, secrets: await seedSecrets(bounceSeed, env, io) } : undefined;

    if (!v['no-history']) store = HistoryStore.open(v.db ?? defaultDbPath());
    const controller = new AbortController();
    void io.stopSignal?.then(() => controller.abort());

    for (const w of [...warnings, ...seedWarnings]) line(io.stderr, `warning: ${neutralise(w)}`);
    const onEvent = (received: PlacementEvent) => {
      if (v.json) return;
      // Folder names, replies and explanations come from the servers: shown, never obeyed by the terminal.
      const event = neutraliseAll(received);
      if (event.type === 'started') {
        line(io.stdout, `Placement ${event.token} · ${event.seeds.length} seed${event.seeds.length === 1 ? '' : 's'} · deadline ${seconds(deadlineMs)}`);
      } else if (event.type === 'sent') {
        const s = event.send;
        const accepted = s.recipients.filter((r) => r.status === 'accepted').length;
        line(io.stdout, s.error && accepted === 0 ? `send FAILED: ${s.error.explanation}` : `sent via ${s.profile}: ${accepted} of ${s.recipients.length} accepted${s.queueId ? `, queue id ${s.queueId}` : ''} (${s.timings.totalMs} ms)`);
      } else if (event.type === 'seed' && ['found', 'missing', 'bounced', 'error'].includes(event.outcome.state)) {
        for (const text of outcomeLines(event.outcome)) line(io.stdout, text);
      }
    };
    const run = await runPlacementAndRecord(
      {
        profile,
        smtpSecrets,
        seeds: withSecrets,
        subject: v.subject,
        html,
        ...(text !== undefined ? { text } : {}),
        headers,
        ...(dkim ? { dkim } : {}),
        deadlineMs,
        cleanup: Boolean(v.cleanup),
        timeoutMs,
        ...(pollMs ? { pollMs } : {}),
        ...(ca.length ? { ca } : {}),
        ...(bounceMailbox ? { bounceMailbox } : {}),
        warnings: [...warnings, ...seedWarnings],
        signal: controller.signal,
        onEvent,
      },
      store,
    );
    let copyAnalyses: CopyResult[] | undefined;
    if (v.analyse && run.status !== 'send-failed') {
      if (!v.json) line(io.stdout, 'Analysing the copies where they landed:');
      copyAnalyses = await analyseRunCopies(run, withSecrets, { store, resolver: analysisResolver(v.resolver, store), timeoutMs, ca, scoreSpam: copyScorer(v, store), ...(v.json ? {} : { onResult: printCopy(io) }) });
    }
    if (v.json) line(io.stdout, jsonText(copyAnalyses ? { ...run, copyAnalyses } : run));
    else {
      const shown = neutraliseAll(run);
      line(io.stdout, summaryLine(shown));
      if (shown.cleanup) line(io.stdout, `Clean-up: ${Object.entries(shown.cleanup).map(([seed, r]) => `${seed} ${r}`).join(', ')}`);
      if (shown.id) line(io.stdout, `Stored in history as placement #${shown.id}.`);
      for (const w of shown.warnings.filter((w) => w.startsWith('Not fully kept') || w.startsWith('The bounce mailbox'))) line(io.stderr, `warning: ${w}`);
    }
    return copyAnalyses?.some((r) => 'error' in r) ? 2 : placementExitCode(run);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ProfileError || err instanceof SeedError || err instanceof HistoryError || err instanceof PromptAbortedError) {
      line(io.stderr, `deliverlab placement: ${neutralise(err.message)}`);
      return 2;
    }
    throw err;
  } finally {
    store?.close();
  }
}
