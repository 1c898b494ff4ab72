/**
 * The per-seed watcher: finds the run's copy in one seed mailbox, or ends at the deadline.
 *
 * Two IMAP connections per seed. The first selects INBOX and sits in IDLE (RFC 2177), so a copy
 * delivered to INBOX is seen as soon as the server pushes EXISTS. The second searches the other
 * folders every pollMs, Junk last, and stays on Junk in IDLE between the rounds, so a copy filed as
 * spam is pushed as promptly as one in INBOX; searching on the INBOX connection would break its IDLE
 * each time. Copies are found with SEARCH HEADER (RFC 3501 §6.4.4) on the token header, server-side:
 * no mailbox is ever downloaded, only the found copy's header block. Bounce reports (RFC 3464) that
 * reach INBOX or Junk are found by their Content-Type and handed to the caller.
 */
import type { FetchMessageObject, ImapFlow } from 'imapflow';
import { detectFolderRoles, otherFolders } from './folders';
import { parseHeaderBlock } from './header-block';
import { withTimeout } from '../net/deadline';
import { MAX_DSN_BYTES, parseDsn, type DsnReport } from './dsn';
import { ByteBudget, connectImap, explainImapError, listedFolders, type ImapConnectOptions, type ReadLimits } from './imap';
import { GMAIL_CATEGORIES, TOKEN_HEADER, type Detection, type GmailCategory, type ImapErrorInfo, type SearchReport, type Seed, type SeedSecrets } from './types';

export { parseHeaderBlock };

export interface WatchOptions {
  token: string;
  /**
   * copy (default): find the run's copy, and read any bounce that arrives. bounces: a mailbox that
   * gets no copy (the envelope sender's), watched only for delivery status notifications.
   */
  lookFor?: 'copy' | 'bounces';
  /**
   * Told of every delivery status notification (RFC 3464) found in INBOX or Junk that arrived
   * since `bouncesSince`; the caller decides whether it is about its run. Without it none is read.
   */
  onBounce?: (report: DsnReport, where: { folder: string; uid: number; detectedAt: number }) => void;
  /** Epoch ms: reports older than the day before are not read (default: the watch start). */
  bouncesSince?: number;
  /** Told once the server's first line arrived: the server is alive (the run waits for such seeds). */
  onGreeting?: () => void;
  /** Epoch ms: after it the seed ends without detection (the run marks it 'missing'). */
  deadlineAt: number;
  /** Epoch ms of the SMTP accept, known only after the send; latency counts from watch start until then. */
  acceptedAt: () => number | undefined;
  /** Stops early (run cancelled). */
  signal?: AbortSignal;
  onState?: (state: 'connecting' | 'watching' | 'reconnecting', error?: ImapErrorInfo) => void;
  /** Interval of the searches of the other folders (and of INBOX without IDLE), default 2000; Junk is also watched by push. */
  pollMs?: number;
  /** Per connect/command deadline, default 15000. */
  timeoutMs?: number;
  ca?: string[];
  /** TLS server name when the seed's host is an IP address (a lab, a tunnel). */
  servername?: string;
  /** Reconnects after a dropped or stuck connection, default 5, with backoff. */
  maxReconnects?: number;
  /** Caps on what the server may send per session (tests pass small ones). */
  limits?: ReadLimits;
  /** Tries of Gmail's category search before an INBOX copy is reported as plain 'inbox', default 3. */
  gmailCategoryTries?: number;
}

/**
 * More SEARCH hits than this for a token that is unique to one run means the server's search is
 * broken (or hostile): nothing is detected or deleted on its word.
 */
export const MAX_SEARCH_MATCHES = 50;
/** More exact copies than this in one folder: not our probes (a run sends one copy per seed), refuse to delete. */
export const MAX_EXACT_MATCHES = 5;
/** Reports read per search at most, newest first; the rest wait for the next search. */
const MAX_REPORTS_PER_SEARCH = 20;

/** Thrown when SEARCH answers more UIDs than a unique token can match. */
function unreliableSearch(count: number, folder: string, action: string): Error {
  return Object.assign(new Error(`The server's SEARCH matched ${count} messages for a unique token in ${folder}: its search is unreliable, ${action}. Check the seed's server (a proxy or a broken search index may answer every message).`), {
    code: 'EUNRELIABLESEARCH',
  });
}

/**
 * The UIDs in the selected folder whose token header is exactly `token`, smallest first.
 *
 * SEARCH HEADER (RFC 3501 §6.4.4) is a substring match, and a broken or hostile server may answer
 * every UID; deleting or reporting on its word alone could wipe a mailbox. So the hits are checked:
 * FETCH BODY.PEEK[HEADER.FIELDS (token header)] (§6.4.5; PEEK leaves \Seen alone) and only an
 * exact value counts. Throws EUNRELIABLESEARCH past MAX_SEARCH_MATCHES hits.
 */
export async function exactTokenUids(client: ImapFlow, token: string, timeoutMs: number, folder: string, action: string, maxMatches = MAX_SEARCH_MATCHES): Promise<number[]> {
  const hits = await withTimeout(client.search({ header: { [TOKEN_HEADER]: token } }, { uid: true }), timeoutMs, 'SEARCH');
  if (!Array.isArray(hits) || hits.length === 0) return [];
  if (hits.length > maxMatches) throw unreliableSearch(hits.length, folder, action);
  const messages = await withTimeout(client.fetchAll(hits.join(','), { uid: true, headers: [TOKEN_HEADER] }, { uid: true }), timeoutMs, 'FETCH');
  const exact: number[] = [];
  const asked = new Set(hits);
  for (const m of messages) {
    // A UID the server was not asked about is not taken on its word either.
    if (!asked.has(m.uid)) continue;
    const values = parseHeaderBlock(m.headers?.toString('utf8') ?? '').filter(([name]) => name === TOKEN_HEADER.toLowerCase());
    if (values.some(([, v]) => v.trim() === token)) exact.push(m.uid);
  }
  return [...new Set(exact)].sort((a, b) => a - b);
}

/** Codes that will not go away on a reconnect: the server is broken or hostile, or is no IMAP server. */
const FATAL_CODES: ReadonlySet<string> = new Set(['ETOOMUCHDATA', 'LiteralTooLarge', 'LineTooLarge', 'ResponseTooLarge', 'TooManyTokens', 'EUNRELIABLESEARCH', 'ESMTPPORT']);
const codeOf = (err: unknown): string | undefined => {
  const c = (err as { code?: unknown } | undefined)?.code;
  return typeof c === 'string' ? c : undefined;
};

/** How the watcher searched (SearchReport without what only the run knows). */
export type WatchSearch = Pick<SearchReport, 'folders' | 'inbox' | 'junk' | 'junkPush' | 'gmail' | 'pollMs' | 'rounds' | 'from'>;

export interface WatchResult {
  detection?: Detection;
  error?: ImapErrorInfo;
  reconnects: number;
}

export interface SeedWatcher {
  /**
   * Resolves once logged in, INBOX in IDLE and the first search of every folder done (or the copy
   * already found); rejects when the watcher ends before that. Send after it: nothing is missed.
   */
  ready: Promise<void>;
  /** Never rejects. */
  done: Promise<WatchResult>;
  stop(): void;
  /** What was searched and how, once the watcher got as far as watching; undefined before. */
  searched(): WatchSearch | undefined;
}

// Headers that carry a receiver's spam verdict. Names are kept lower-case: header names are
// case-insensitive (RFC 5322 §1.2.2) and providers vary their spelling.
const SPAM_HEADER =
  /^(x-spam(-[a-z0-9-]+)?|x-spamd-result|x-rspamd-[a-z0-9-]+|x-ms-exchange-organization-scl|x-ms-exchange-organization-pcl|x-microsoft-antispam(-[a-z0-9-]+)?|x-forefront-antispam-report(-untrusted)?|x-yahoo-[a-z0-9-]+|x-ymailisg|x-gmail-[a-z0-9-]+|x-gm-[a-z0-9-]+|x-apple-[a-z0-9-]+|x-proofpoint-spam-details|x-barracuda-spam-[a-z0-9-]+|arc-authentication-results)$/;

/** The Authentication-Results values and the spam verdict headers of a copy's header block. */
export function verdictHeaders(raw: string): Pick<Detection, 'authenticationResults' | 'spamHeaders'> {
  const authenticationResults: string[] = [];
  const spamHeaders: Record<string, string[]> = {};
  for (const [name, value] of parseHeaderBlock(raw)) {
    if (name === 'authentication-results') authenticationResults.push(value);
    else if (SPAM_HEADER.test(name)) (spamHeaders[name] ??= []).push(value);
  }
  return { authenticationResults, spamHeaders };
}

class Stopped extends Error {
  constructor() {
    super('watcher stopped');
  }
}

/** A connection that failed mid-run; carries the raw error for explainImapError. */
class Dropped extends Error {
  constructor(readonly raw: unknown) {
    super((raw as Error)?.message ?? 'connection lost');
  }
}

const PERMANENT: ReadonlySet<ImapErrorInfo['kind']> = new Set(['auth', 'tls', 'dns', 'blocked']);

/** An EXISTS notice from imapflow: the selected folder holds more (or fewer) messages. */
interface ExistsEvent {
  path: string;
  count: number;
  prevCount: number;
}

export function watchSeed(seed: Seed, secrets: SeedSecrets, opts: WatchOptions): SeedWatcher {
  const watch = new SeedWatch(seed, secrets, opts);
  watch.start();
  return { ready: watch.ready, done: watch.done, stop: () => watch.endAtDeadline(), searched: () => watch.searched() };
}

/**
 * One seed's watch from start to end: the reconnect loop, the deadline, the result, and the IMAP
 * steps every session uses. Each connected session is a WatchSession; what outlives a session
 * (reports already read, the search record, whether the seed was ever ready) is kept here.
 */
class SeedWatch {
  readonly ready: Promise<void>;
  readonly done: Promise<WatchResult>;
  readonly pollMs: number;
  readonly timeoutMs: number;
  readonly conn: ImapConnectOptions;
  readonly bouncesOnly: boolean;
  private readonly maxReconnects: number;
  private readonly categoryTries: number;
  private readonly startedAt = Date.now();
  private readonly bouncesSince: Date;
  /** Set once the watch has ended; every step looks at it after each await. */
  finished = false;
  greeted = false;
  /** What the watcher searched, filled in once it watches. */
  search: WatchSearch | undefined;
  /** Every open connection, of whichever session: finish() closes them all. */
  readonly clients = new Set<ImapFlow>();
  /** The current session got as far as watching (both connections up, first searches done). */
  sessionWatched = false;
  /** Watching right now (not connecting, not in a reconnect gap after a failure). */
  watching = false;
  private everReady = false;
  private reconnects = 0;
  /** What the last failed attempt said: a stop while reconnecting reports it, not "missing". */
  private lastError: ImapErrorInfo | undefined;
  /** Reports already read, by folder and UID: each is offered to the caller once. */
  private readonly examined = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Pending sleeps, woken early when the watcher ends or a connection drops. */
  private readonly sleepers = new Set<() => void>();
  private resolveDone!: (r: WatchResult) => void;
  private resolveReady!: () => void;
  private rejectReady!: (e: Error) => void;
  private readonly onAbort = () => this.finish({});

  constructor(
    readonly seed: Seed,
    readonly secrets: SeedSecrets,
    readonly opts: WatchOptions,
  ) {
    this.pollMs = Math.max(200, opts.pollMs ?? 2000);
    this.timeoutMs = Math.max(500, opts.timeoutMs ?? 15_000);
    this.maxReconnects = Math.max(0, Math.min(opts.maxReconnects ?? 5, 50));
    this.conn = { timeoutMs: this.timeoutMs, ...(opts.ca ? { ca: opts.ca } : {}), ...(opts.servername ? { servername: opts.servername } : {}), ...(opts.limits ? { limits: opts.limits } : {}) };
    this.categoryTries = Math.max(1, Math.min(opts.gmailCategoryTries ?? 3, 5));
    this.bouncesOnly = opts.lookFor === 'bounces';
    // SEARCH SINCE takes a date, not a time (RFC 3501 §6.4.4), in the server's time zone: the day before.
    this.bouncesSince = new Date((opts.bouncesSince ?? this.startedAt) - 86_400_000);
    this.done = new Promise<WatchResult>((r) => (this.resolveDone = r));
    this.ready = new Promise<void>((res, rej) => {
      this.resolveReady = res;
      this.rejectReady = rej;
    });
    // A caller that only awaits `done` must not see an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  start(): void {
    if (this.opts.signal?.aborted) {
      this.finish({});
      return;
    }
    this.opts.signal?.addEventListener('abort', this.onAbort);
    this.later(this.opts.deadlineAt - Date.now(), () => this.endAtDeadline());
    void this.loop().catch((err: unknown) => this.finish({ error: explainImapError(err, this.seed, this.secrets) }));
  }

  searched(): WatchSearch | undefined {
    return this.search ? { ...this.search, folders: [...this.search.folders] } : undefined;
  }

  finish(result: Omit<WatchResult, 'reconnects'>): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.clients) c.close();
    this.clients.clear();
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    // Found by the first searches: the seed did log in, so the caller waiting to send may go on.
    if (!this.everReady && result.detection) this.resolveReady();
    else if (!this.everReady) this.rejectReady(new Error(result.error ? result.error.explanation : 'the watcher ended before it was watching'));
    this.wakeAll();
    this.resolveDone({ ...result, reconnects: this.reconnects });
  }

  /**
   * The end at the deadline or by stop(): quiet when the seed was watching (the copy did not come:
   * 'missing'); an error when it never got there, because then nobody looked for the copy.
   */
  endAtDeadline(): void {
    if (this.finished) return;
    if (this.watching) return this.finish({});
    const { seed, lastError } = this;
    this.finish({
      error: lastError
        ? { ...lastError, explanation: `${lastError.explanation} The deadline came before the watcher could reconnect, so the seed was not watched.` }
        : {
            kind: 'timeout',
            code: 'ETIMEDOUT',
            explanation: `Could not connect to ${seed.host}:${seed.port}, log in and search the folders before the deadline, so the seed was not watched. The server is slow or does not answer; check the seed with "test connection".`,
          },
    });
  }

  /**
   * A session got as far as watching: ready resolves only now, so that a copy delivered after it
   * is found live (idle or poll), never mistaken for one that was already there.
   */
  watched(search: WatchSearch): void {
    if (!this.everReady) {
      this.everReady = true;
      this.resolveReady();
    }
    this.search = search;
    this.sessionWatched = true;
    this.watching = true;
    this.lastError = undefined;
    this.opts.onState?.('watching');
  }

  wakeAll(): void {
    for (const w of [...this.sleepers]) w();
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, Math.max(0, ms));
    this.timers.add(t);
    return t;
  }

  /** Sleeps up to ms; returns early when the watcher ends or the session is woken. */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wakeUp = () => {
        clearTimeout(t);
        this.timers.delete(t);
        this.sleepers.delete(wakeUp);
        resolve();
      };
      const t = this.later(ms, wakeUp);
      this.sleepers.add(wakeUp);
      if (this.finished) wakeUp();
    });
  }

  /** Sessions until the copy is found or the watch ends; a failed one is retried with backoff. */
  private async loop(): Promise<void> {
    this.opts.onState?.('connecting');
    // Failed attempts in a row: a server that drops the connection every few minutes but always
    // takes it back is not given up on; one that stays away is, after maxReconnects.
    let inARow = 0;
    while (!this.finished) {
      this.sessionWatched = false;
      try {
        // 'initial' = found by the first search after the first successful login.
        await new WatchSession(this, !this.everReady).run();
        if (!this.finished) this.finish({});
        return;
      } catch (err) {
        this.watching = false;
        if (this.finished) return;
        const raw = err instanceof Dropped ? err.raw : err;
        const info = explainImapError(raw, this.seed, this.secrets);
        this.lastError = info;
        // A refused login or an untrusted certificate will not fix itself: no reconnect loop. Nor
        // will a server that floods or whose SEARCH answers everything.
        if (PERMANENT.has(info.kind) || FATAL_CODES.has(codeOf(raw) ?? '')) return this.finish({ error: info });
        // A session that got as far as watching proves the server works: start counting afresh.
        if (this.sessionWatched) inARow = 0;
        if (inARow >= this.maxReconnects) {
          return this.finish({ error: { ...info, explanation: `${info.explanation} Gave up after ${inARow} reconnect${inARow === 1 ? '' : 's'} in a row.` } });
        }
        inARow++;
        this.reconnects++;
        this.opts.onState?.('reconnecting', info);
        // Backoff 0.5 s, 1 s, 2 s ... capped at 8 s; never past the deadline (the timer there ends it).
        await this.sleep(Math.min(8_000, 500 * 2 ** (inARow - 1)));
      }
    }
  }

  /**
   * Runs one IMAP command under the per-command deadline. A failure is a broken connection
   * (Dropped, for explainImapError), or Stopped once the watch has ended: then it is no failure.
   */
  async command<T>(run: () => Promise<T>, what: string): Promise<T> {
    try {
      return await withTimeout(run(), this.timeoutMs, what);
    } catch (err) {
      if (this.finished) throw new Stopped();
      throw new Dropped(err);
    }
  }

  async detectionOf(client: ImapFlow, folder: string, uid: number, via: Detection['via'], placement: Detection['placement'], gmail: boolean): Promise<Detection> {
    const detectedMs = Date.now();
    let raw = '';
    let labels: string[] | undefined;
    const msg: FetchMessageObject | false = await this.command(() => client.fetchOne(String(uid), { uid: true, headers: true, ...(gmail ? { labels: true } : {}) }, { uid: true }), 'FETCH');
    if (msg) {
      raw = msg.headers?.toString('utf8') ?? '';
      if (msg.labels) labels = [...msg.labels];
    }
    if (gmail && placement === 'inbox') placement = await this.gmailCategory(client, uid);
    // On a fast path the copy can be found before the sender has read the server's acceptance;
    // then latency counts from the watch start, and the caller can recompute it from detectedAt.
    const accepted = this.opts.acceptedAt() ?? this.startedAt;
    return {
      placement,
      folder,
      uid,
      detectedAt: new Date(detectedMs).toISOString(),
      latencyMs: Math.max(0, detectedMs - accepted),
      via,
      ...(labels ? { labels } : {}),
      ...verdictHeaders(raw),
    };
  }

  /**
   * Gmail's tab of an INBOX copy: X-GM-RAW "category:<name>" restricted to the copy's UID.
   *
   * Google's IMAP extensions page: X-GM-RAW takes the web search syntax, which has `category:`;
   * the tabs are not exposed as X-GM-LABELS. No tab matched = Primary.
   */
  private async gmailCategory(client: ImapFlow, uid: number): Promise<`category:${GmailCategory}` | 'inbox'> {
    // Gmail's search index lags delivery by a moment: a copy no category matches yet is not
    // Primary. Only a positive match counts; a few short retries, then plain 'inbox'.
    for (let attempt = 0; attempt < this.categoryTries; attempt++) {
      if (attempt > 0) await this.sleep(1_000 * 2 ** (attempt - 1));
      if (this.finished) throw new Stopped();
      for (const category of GMAIL_CATEGORIES) {
        const hit = await this.command(() => client.search({ uid: String(uid), gmraw: `category:${category}` }, { uid: true }), 'SEARCH X-GM-RAW');
        if (Array.isArray(hit) && hit.includes(uid)) return `category:${category}`;
      }
    }
    return 'inbox';
  }

  /**
   * Reads the delivery status notifications in the client's selected folder that arrived since
   * bouncesSince, each once, and hands them to onBounce.
   *
   * They are found by their top-level Content-Type (multipart/report; report-type=delivery-status,
   * RFC 6522 §3, or global-delivery-status, RFC 6533 §6): a header search, no body is searched.
   */
  async checkBounces(client: ImapFlow, folder: string): Promise<void> {
    const onBounce = this.opts.onBounce;
    if (!onBounce) return;
    const hits = await this.command(() => client.search({ since: this.bouncesSince, header: { 'content-type': 'delivery-status' } }, { uid: true }), `SEARCH ${folder} for bounces`);
    // A server that refuses the search (NO) answers false: it cannot be asked for bounces.
    if (!Array.isArray(hits)) return;
    const fresh = hits
      .filter((uid) => !this.examined.has(`${folder}\0${uid}`))
      .sort((a, b) => b - a)
      .slice(0, MAX_REPORTS_PER_SEARCH);
    for (const uid of fresh) {
      this.examined.add(`${folder}\0${uid}`);
      // BODY.PEEK[]<0.n> (RFC 3501 §6.4.5): the report's first bytes, \Seen left alone.
      const msg: FetchMessageObject | false = await this.command(() => client.fetchOne(String(uid), { uid: true, source: { maxLength: MAX_DSN_BYTES } }, { uid: true }), 'FETCH report');
      if (this.finished) return;
      const report = msg && msg.source ? parseDsn(msg.source) : null;
      if (report) onBounce(report, { folder, uid, detectedAt: Date.now() });
    }
  }

  /** Selects `folder` read-only; false when it no longer exists (deleted since LIST: not a broken connection). */
  async selectFolder(client: ImapFlow, folder: string): Promise<boolean> {
    try {
      await withTimeout(client.mailboxOpen(folder, { readOnly: true }), this.timeoutMs, `SELECT ${folder}`);
      return true;
    } catch (err) {
      if (this.finished) throw new Stopped();
      if (/NONEXISTENT|doesn't exist|not exist|Mailbox doesn't exist/i.test(`${(err as { responseText?: string }).responseText ?? ''} ${(err as Error).message}`)) return false;
      throw new Dropped(err);
    }
  }

  /** UID SEARCH HEADER token in the client's selected folder (or selects `folder` first). */
  async searchToken(client: ImapFlow, folder: string | undefined): Promise<number | undefined> {
    if (folder !== undefined && !(await this.selectFolder(client, folder))) return undefined;
    const where = folder ?? (client.mailbox ? client.mailbox.path : 'INBOX');
    try {
      const uids = await exactTokenUids(client, this.opts.token, this.timeoutMs, where, 'so no placement is reported from it');
      return uids[0];
    } catch (err) {
      if (this.finished) throw new Stopped();
      throw new Dropped(err);
    }
  }
}

/**
 * One connected session: both connections up, searches until found, deadline or a failure (thrown).
 *
 * INBOX sits in IDLE on the first connection; the other folders are searched on the second, which
 * stays on Junk between rounds so that Junk is pushed too (see the module comment).
 */
class WatchSession {
  /** The first connection failure: the session ends at its next check, whatever was in flight. */
  private failure: Dropped | undefined;
  /** This session's connections, closed when it ends. */
  private readonly mine: ImapFlow[] = [];
  private readonly budget: ByteBudget;
  private inbox!: ImapFlow;
  private other!: ImapFlow;
  private gmail = false;
  private idle = false;
  private inboxBusy = false;
  private inboxAgain = false;
  private junk: string | undefined;
  private allMail: string | undefined;
  /** The folders the second connection searches, in order: the others, All Mail, Junk last. */
  private order: string[] = [];
  /**
   * One command sequence at a time on the second connection: a push check of Junk must not run its
   * SEARCH while a poll round has another folder selected.
   */
  private otherChain: Promise<unknown> = Promise.resolve();
  private junkQueued = false;

  constructor(
    private readonly watch: SeedWatch,
    private readonly first: boolean,
  ) {
    this.budget = ByteBudget.of(watch.opts.limits, (err) => this.onFail(err));
  }

  async run(): Promise<void> {
    try {
      await this.body();
    } catch (err) {
      // The root cause over its symptoms: a limit passed closes the connection, and the command in
      // flight then fails with "connection closed".
      if (this.budget.exceeded) throw new Dropped(this.budget.exceeded);
      if (this.failure && FATAL_CODES.has(codeOf(this.failure.raw) ?? '')) throw this.failure;
      throw err;
    } finally {
      for (const c of this.mine) {
        c.removeAllListeners('exists');
        c.removeAllListeners('close');
        c.close();
        this.watch.clients.delete(c);
      }
    }
  }

  private readonly onFail = (err: unknown): void => {
    if (this.watch.finished || this.failure) return;
    this.watch.watching = false;
    this.failure = err instanceof Dropped ? err : new Dropped(err);
    this.watch.wakeAll();
  };

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private async connect(): Promise<ImapFlow> {
    const watch = this.watch;
    try {
      const onGreeting = () => {
        if (watch.greeted) return;
        watch.greeted = true;
        watch.opts.onGreeting?.();
      };
      const c = await connectImap(watch.seed, watch.secrets, watch.conn, { autoIdleDelay: 50, budget: this.budget, onGreeting }, (c) => {
        watch.clients.add(c);
        this.mine.push(c);
        if (watch.finished) c.close();
      });
      if (watch.finished) throw new Stopped();
      c.on('close', () => this.onFail(Object.assign(new Error('the server closed the connection'), { code: 'EConnectionClosed' })));
      c.on('error', (err: unknown) => this.onFail(err));
      return c;
    } catch (err) {
      if (watch.finished) throw new Stopped();
      throw err instanceof Dropped ? err : new Dropped(err);
    }
  }

  private async body(): Promise<void> {
    const { other } = await this.openInbox();
    this.inbox.on('exists', (ev: ExistsEvent) => {
      // Without IDLE, EXISTS still arrives, in answer to imapflow's NOOPs or our own searches: a poll.
      if (ev.count > ev.prevCount) void this.checkInbox(this.idle ? 'idle' : 'poll');
    });
    await this.checkInbox(this.first ? 'initial' : 'poll');
    if (this.watch.finished) return;
    this.check();
    await this.openOther(other);
    this.other.on('exists', (ev: ExistsEvent) => this.onOtherExists(ev));
    try {
      // A copy that arrived before the watch (or during a reconnect gap) is found by this first pass.
      await this.checkOthers(this.first ? 'initial' : 'poll');
      if (this.watch.finished) return;
      this.check();
      this.watch.watched(this.searchRecord());
      await this.rounds();
    } catch (err) {
      if (err instanceof Stopped || this.watch.finished) return;
      throw err;
    }
  }

  /** Logs in on the first connection and selects INBOX; the second connection is then on its way. */
  private async openInbox(): Promise<{ other: Promise<ImapFlow> }> {
    // The second login only after the first succeeded: a wrong password then costs one failed
    // login, not two (providers lock accounts after repeated failures, and Dovecot's auth penalty
    // would delay the second attempt by seconds).
    this.inbox = await this.connect();
    const other = this.connect();
    other.catch(() => undefined);
    this.gmail = this.inbox.capabilities.has('X-GM-EXT-1');
    this.idle = this.inbox.capabilities.has('IDLE');
    // No lock: imapflow only enters IDLE while no mailbox lock is held.
    await this.watch.command(() => this.inbox.mailboxOpen('INBOX', { readOnly: true }), 'SELECT INBOX');
    return { other };
  }

  /** Lists the folders on the second connection and orders the searches of the folders but INBOX. */
  private async openOther(pending: Promise<ImapFlow>): Promise<void> {
    const bouncesOnly = this.watch.bouncesOnly;
    this.other = await pending;
    const list = await this.watch.command(() => this.other.list(), 'LIST');
    const { folders, roles } = detectFolderRoles(listedFolders(list), this.watch.seed.folders);
    const junk = roles.junk;
    this.junk = junk;
    const others = bouncesOnly ? [] : otherFolders(folders).filter((p) => p !== junk);
    // Gmail: a filter can skip the inbox without adding a label ("Skip the Inbox (Archive it)"),
    // leaving the copy only in All Mail. All Mail holds every copy, so it is searched after the
    // labels and a copy there counts only when no other folder (INBOX, a label) holds it.
    this.allMail = this.gmail && !bouncesOnly ? roles.all : undefined;
    // Junk last: the connection then stays on it, and IDLE (imapflow enters it after a moment of
    // quiet) pushes a copy filed as spam as promptly as one in INBOX, between the searches.
    this.order = [...others, ...(this.allMail ? [this.allMail] : []), ...(junk ? [junk] : [])];
  }

  /** What this session searches, for the run's report; rounds and start carry over from earlier sessions. */
  private searchRecord(): WatchSearch {
    const { junk, idle } = this;
    const earlier = this.watch.search;
    return {
      folders: ['INBOX', ...this.order],
      inbox: idle ? 'idle' : 'poll',
      ...(junk ? { junk } : {}),
      junkPush: idle && junk !== undefined,
      gmail: this.gmail,
      pollMs: this.watch.pollMs,
      rounds: earlier?.rounds ?? 0,
      from: earlier?.from ?? new Date().toISOString(),
    };
  }

  /** Searches every pollMs until the watch ends; IDLE pushes are handled in between. */
  private async rounds(): Promise<void> {
    const watch = this.watch;
    while (!watch.finished) {
      await watch.sleep(watch.pollMs);
      if (watch.finished) return;
      this.check();
      // The budget bounds one round (and what IDLE pushed since the last), not the whole watch.
      this.budget.reset();
      // Without IDLE imapflow only NOOPs now and then: search INBOX ourselves.
      if (!this.idle) await this.checkInbox('poll');
      await this.checkOthers('poll');
      if (watch.search) watch.search.rounds++;
      this.check();
    }
  }

  /**
   * Searches INBOX on the IDLE connection for the copy (and for bounces); a push during a search
   * is remembered and searched again.
   */
  private async checkInbox(via: Detection['via']): Promise<void> {
    if (this.inboxBusy) {
      this.inboxAgain = true;
      return;
    }
    const watch = this.watch;
    this.inboxBusy = true;
    try {
      for (let round = 0; round < 10 && !watch.finished; round++) {
        this.inboxAgain = false;
        if (!watch.bouncesOnly) {
          const uid = await watch.searchToken(this.inbox, undefined);
          if (uid !== undefined && !watch.finished) {
            watch.finish({ detection: await watch.detectionOf(this.inbox, 'INBOX', uid, via, 'inbox', this.gmail) });
            return;
          }
        }
        await watch.checkBounces(this.inbox, 'INBOX');
        if (!this.inboxAgain) return;
      }
    } catch (err) {
      if (!(err instanceof Stopped)) this.onFail(err);
    } finally {
      this.inboxBusy = false;
    }
  }

  /** A copy in All Mail that still has the \Inbox label or a user label is found in that folder instead. */
  private async onlyInAllMail(uid: number): Promise<boolean> {
    const msg = await this.watch.command(() => this.other.fetchOne(String(uid), { uid: true, labels: true }, { uid: true }), 'FETCH X-GM-LABELS');
    const labels = msg && msg.labels ? [...msg.labels] : [];
    return !labels.some((l) => /^\\?inbox$/i.test(l) || !l.startsWith('\\'));
  }

  /** Searches one folder on the second connection; true when the copy was found (the watch is over). */
  private async checkFolder(path: string, via: Detection['via']): Promise<boolean> {
    const { watch, other, junk } = this;
    const selected = other.mailbox && other.mailbox.path === path;
    if (watch.bouncesOnly) {
      if (!selected && !(await watch.selectFolder(other, path))) return false;
    } else {
      const uid = await watch.searchToken(other, selected ? undefined : path);
      if (uid !== undefined && !watch.finished && !(path === this.allMail && !(await this.onlyInAllMail(uid)))) {
        watch.finish({ detection: await watch.detectionOf(other, path, uid, via, path === junk ? 'spam' : `folder:${path}`, this.gmail) });
        return true;
      }
    }
    if (path === junk && !watch.finished) await watch.checkBounces(other, path);
    return false;
  }

  private onOther<T>(work: () => Promise<T>): Promise<T> {
    const next = this.otherChain.then(work);
    this.otherChain = next.catch(() => undefined);
    return next;
  }

  private checkOthers(via: Detection['via']): Promise<void> {
    return this.onOther(async () => {
      for (const path of this.order) {
        if (this.watch.finished || this.failure) return;
        if (await this.checkFolder(path, via)) return;
      }
    });
  }

  /** IDLE on Junk pushed a new message: searched at once, queued behind a round in progress. */
  private onOtherExists(ev: ExistsEvent): void {
    const junk = this.junk;
    if (!junk || ev.path !== junk || ev.count <= ev.prevCount || this.junkQueued || this.watch.finished) return;
    this.junkQueued = true;
    this.onOther(async () => {
      this.junkQueued = false;
      if (!this.watch.finished && !this.failure) await this.checkFolder(junk, 'idle');
    }).catch((err: unknown) => {
      if (!(err instanceof Stopped)) this.onFail(err);
    });
  }
}

export interface CleanupOptions extends ImapConnectOptions {
  /** Told why the clean-up ended 'failed', in words (the result itself stays one word). */
  onError?: (error: ImapErrorInfo) => void;
}

/**
 * Deletes the run's probe copies from every folder of the seed.
 *
 * Gmail keeps a copy in All Mail after it loses its last label, so there the copy is moved to
 * Trash and deleted from Trash; in [Gmail]/Spam and [Gmail]/Trash a delete is for good (Google's
 * IMAP client guidance). Other servers: deleted (\Deleted + UID EXPUNGE) wherever found.
 */
export async function deleteProbes(seed: Seed, secrets: SeedSecrets, token: string, opts: CleanupOptions): Promise<'deleted' | 'not-found' | 'failed'> {
  let client: ImapFlow | undefined;
  const budget = ByteBudget.of(opts.limits);
  const nothingDeleted = 'nothing more was deleted';
  /** The exact copies in `path` (selected read-write); refuses a folder with more than a run could have put there. */
  const probesIn = async (c: ImapFlow, path: string): Promise<number[]> => {
    await withTimeout(c.mailboxOpen(path), opts.timeoutMs, `SELECT ${path}`);
    const uids = await exactTokenUids(c, token, opts.timeoutMs, path, nothingDeleted);
    if (uids.length > MAX_EXACT_MATCHES) {
      throw Object.assign(new Error(`${path} holds ${uids.length} messages carrying this run's token, more than a run puts there (one per seed): they may not be probes, so ${nothingDeleted}. Delete them by hand if they are.`), { code: 'EUNRELIABLESEARCH' });
    }
    return uids;
  };
  try {
    client = await connectImap(seed, secrets, opts, { disableAutoIdle: true, budget });
    const gmail = client.capabilities.has('X-GM-EXT-1');
    const list = await withTimeout(client.list(), opts.timeoutMs, 'LIST');
    const { folders, roles } = detectFolderRoles(listedFolders(list), seed.folders);
    let found = 0;
    const selectable = folders.filter((f) => !f.flags.some((x) => /^\\(noselect|nonexistent)$/i.test(x)));
    // Gmail: All Mail holds every copy but those in Spam (and Trash); labels are views of it.
    const order = gmail ? selectable.filter((f) => f.role === 'all' || f.role === 'junk') : selectable.filter((f) => f.role !== 'all' && f.role !== 'trash');
    for (const f of order) {
      const uids = await probesIn(client, f.path);
      if (uids.length === 0) continue;
      found += uids.length;
      if (gmail && f.role === 'all' && roles.trash) await withTimeout(client.messageMove(uids.join(','), roles.trash, { uid: true }), opts.timeoutMs, 'MOVE');
      else await withTimeout(client.messageDelete(uids.join(','), { uid: true }), opts.timeoutMs, 'EXPUNGE');
    }
    // Trash last: Gmail copies just moved there, and copies a user or server put there.
    if (roles.trash) {
      const uids = await probesIn(client, roles.trash);
      if (uids.length > 0) {
        if (!gmail) found += uids.length;
        await withTimeout(client.messageDelete(uids.join(','), { uid: true }), opts.timeoutMs, 'EXPUNGE');
      }
    }
    await withTimeout(client.logout(), opts.timeoutMs, 'LOGOUT').catch(() => undefined);
    return found > 0 ? 'deleted' : 'not-found';
  } catch (err) {
    opts.onError?.(explainImapError(budget.exceeded ?? err, seed, secrets));
    return 'failed';
  } finally {
    client?.close();
  }
}
