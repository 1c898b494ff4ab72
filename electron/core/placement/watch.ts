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

export function watchSeed(seed: Seed, secrets: SeedSecrets, opts: WatchOptions): SeedWatcher {
  const pollMs = Math.max(200, opts.pollMs ?? 2000);
  const timeoutMs = Math.max(500, opts.timeoutMs ?? 15_000);
  const maxReconnects = Math.max(0, Math.min(opts.maxReconnects ?? 5, 50));
  const conn: ImapConnectOptions = { timeoutMs, ...(opts.ca ? { ca: opts.ca } : {}), ...(opts.servername ? { servername: opts.servername } : {}), ...(opts.limits ? { limits: opts.limits } : {}) };
  const categoryTries = Math.max(1, Math.min(opts.gmailCategoryTries ?? 3, 5));
  const startedAt = Date.now();
  const bouncesOnly = opts.lookFor === 'bounces';
  // SEARCH SINCE takes a date, not a time (RFC 3501 §6.4.4), in the server's time zone: the day before.
  const bouncesSince = new Date((opts.bouncesSince ?? startedAt) - 86_400_000);
  // Reports already read, by folder and UID: each is offered to the caller once.
  const examined = new Set<string>();
  let greeted = false;
  // What the watcher searched, filled in once it watches.
  let search: WatchSearch | undefined;
  const clients = new Set<ImapFlow>();
  const timers = new Set<NodeJS.Timeout>();
  let finished = false;
  let reconnects = 0;
  let everReady = false;
  // The current session got as far as watching (both connections up, first searches done).
  let sessionWatched = false;
  // Watching right now (not connecting, not in a reconnect gap after a failure).
  let watching = false;
  // What the last failed attempt said: a stop while reconnecting reports it, not "missing".
  let lastError: ImapErrorInfo | undefined;
  // Pending sleeps, woken early when the watcher ends or a connection drops.
  const sleepers = new Set<() => void>();
  const wakeAll = () => {
    for (const w of [...sleepers]) w();
  };

  let resolveDone!: (r: WatchResult) => void;
  const done = new Promise<WatchResult>((r) => (resolveDone = r));
  let resolveReady!: () => void;
  let rejectReady!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  // A caller that only awaits `done` must not see an unhandled rejection.
  ready.catch(() => undefined);

  const finish = (result: Omit<WatchResult, 'reconnects'>) => {
    if (finished) return;
    finished = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const c of clients) c.close();
    clients.clear();
    opts.signal?.removeEventListener('abort', onAbort);
    // Found by the first searches: the seed did log in, so the caller waiting to send may go on.
    if (!everReady && result.detection) resolveReady();
    else if (!everReady) rejectReady(new Error(result.error ? result.error.explanation : 'the watcher ended before it was watching'));
    wakeAll();
    resolveDone({ ...result, reconnects });
  };
  const onAbort = () => finish({});
  /**
   * The end at the deadline or by stop(): quiet when the seed was watching (the copy did not come:
   * 'missing'); an error when it never got there, because then nobody looked for the copy.
   */
  const endAtDeadline = () => {
    if (finished) return;
    if (watching) return finish({});
    finish({
      error: lastError
        ? { ...lastError, explanation: `${lastError.explanation} The deadline came before the watcher could reconnect, so the seed was not watched.` }
        : {
            kind: 'timeout',
            code: 'ETIMEDOUT',
            explanation: `Could not connect to ${seed.host}:${seed.port}, log in and search the folders before the deadline, so the seed was not watched. The server is slow or does not answer; check the seed with "test connection".`,
          },
    });
  };

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, Math.max(0, ms));
    timers.add(t);
    return t;
  };

  /** Sleeps up to ms; returns early when the watcher ends or the session is woken. */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wakeUp = () => {
        clearTimeout(t);
        timers.delete(t);
        sleepers.delete(wakeUp);
        resolve();
      };
      const t = later(ms, wakeUp);
      sleepers.add(wakeUp);
      if (finished) wakeUp();
    });

  const detectionOf = async (client: ImapFlow, folder: string, uid: number, via: Detection['via'], placement: Detection['placement'], gmail: boolean): Promise<Detection> => {
    const detectedMs = Date.now();
    let raw = '';
    let labels: string[] | undefined;
    try {
      const msg: FetchMessageObject | false = await withTimeout(client.fetchOne(String(uid), { uid: true, headers: true, ...(gmail ? { labels: true } : {}) }, { uid: true }), timeoutMs, 'FETCH');
      if (msg) {
        raw = msg.headers?.toString('utf8') ?? '';
        if (msg.labels) labels = [...msg.labels];
      }
    } catch (err) {
      if (finished) throw new Stopped();
      throw new Dropped(err);
    }
    if (gmail && placement === 'inbox') placement = await gmailCategory(client, uid);
    // On a fast path the copy can be found before the sender has read the server's acceptance;
    // then latency counts from the watch start, and the caller can recompute it from detectedAt.
    const accepted = opts.acceptedAt() ?? startedAt;
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
  };

  /**
   * Gmail's tab of an INBOX copy: X-GM-RAW "category:<name>" restricted to the copy's UID.
   *
   * Google's IMAP extensions page: X-GM-RAW takes the web search syntax, which has `category:`;
   * the tabs are not exposed as X-GM-LABELS. No tab matched = Primary.
   */
  const gmailCategory = async (client: ImapFlow, uid: number): Promise<`category:${GmailCategory}` | 'inbox'> => {
    // Gmail's search index lags delivery by a moment: a copy no category matches yet is not
    // Primary. Only a positive match counts; a few short retries, then plain 'inbox'.
    for (let attempt = 0; attempt < categoryTries; attempt++) {
      if (attempt > 0) await sleep(1_000 * 2 ** (attempt - 1));
      if (finished) throw new Stopped();
      for (const category of GMAIL_CATEGORIES) {
        try {
          const hit = await withTimeout(client.search({ uid: String(uid), gmraw: `category:${category}` }, { uid: true }), timeoutMs, 'SEARCH X-GM-RAW');
          if (Array.isArray(hit) && hit.includes(uid)) return `category:${category}`;
        } catch (err) {
          if (finished) throw new Stopped();
          throw new Dropped(err);
        }
      }
    }
    return 'inbox';
  };

  /**
   * Reads the delivery status notifications in the client's selected folder that arrived since
   * bouncesSince, each once, and hands them to onBounce.
   *
   * They are found by their top-level Content-Type (multipart/report; report-type=delivery-status,
   * RFC 6522 §3, or global-delivery-status, RFC 6533 §6): a header search, no body is searched.
   */
  const checkBounces = async (client: ImapFlow, folder: string): Promise<void> => {
    const onBounce = opts.onBounce;
    if (!onBounce) return;
    let hits: number[] | false | undefined;
    try {
      hits = await withTimeout(client.search({ since: bouncesSince, header: { 'content-type': 'delivery-status' } }, { uid: true }), timeoutMs, `SEARCH ${folder} for bounces`);
    } catch (err) {
      if (finished) throw new Stopped();
      throw new Dropped(err);
    }
    // A server that refuses the search (NO) answers false: it cannot be asked for bounces.
    if (!Array.isArray(hits)) return;
    const fresh = hits
      .filter((uid) => !examined.has(`${folder}\0${uid}`))
      .sort((a, b) => b - a)
      .slice(0, MAX_REPORTS_PER_SEARCH);
    for (const uid of fresh) {
      examined.add(`${folder}\0${uid}`);
      let msg: FetchMessageObject | false;
      try {
        // BODY.PEEK[]<0.n> (RFC 3501 §6.4.5): the report's first bytes, \Seen left alone.
        msg = await withTimeout(client.fetchOne(String(uid), { uid: true, source: { maxLength: MAX_DSN_BYTES } }, { uid: true }), timeoutMs, 'FETCH report');
      } catch (err) {
        if (finished) throw new Stopped();
        throw new Dropped(err);
      }
      if (finished) return;
      const report = msg && msg.source ? parseDsn(msg.source) : null;
      if (report) onBounce(report, { folder, uid, detectedAt: Date.now() });
    }
  };

  /** Selects `folder` read-only; false when it no longer exists (deleted since LIST: not a broken connection). */
  const selectFolder = async (client: ImapFlow, folder: string): Promise<boolean> => {
    try {
      await withTimeout(client.mailboxOpen(folder, { readOnly: true }), timeoutMs, `SELECT ${folder}`);
      return true;
    } catch (err) {
      if (finished) throw new Stopped();
      if (/NONEXISTENT|doesn't exist|not exist|Mailbox doesn't exist/i.test(`${(err as { responseText?: string }).responseText ?? ''} ${(err as Error).message}`)) return false;
      throw new Dropped(err);
    }
  };

  /** UID SEARCH HEADER token in the client's selected folder (or selects `folder` first). */
  const searchToken = async (client: ImapFlow, folder: string | undefined): Promise<number | undefined> => {
    if (folder !== undefined && !(await selectFolder(client, folder))) return undefined;
    try {
      const uids = await exactTokenUids(client, opts.token, timeoutMs, folder ?? (client.mailbox ? client.mailbox.path : 'INBOX'), 'so no placement is reported from it');
      return uids[0];
    } catch (err) {
      if (finished) throw new Stopped();
      throw new Dropped(err);
    }
  };

  /** One connected session: both connections up, searches until found, deadline or a failure (thrown). */
  const session = async (first: boolean): Promise<void> => {
    let failure: Dropped | undefined;
    const onFail = (err: unknown) => {
      if (finished || failure) return;
      watching = false;
      failure = err instanceof Dropped ? err : new Dropped(err);
      wakeAll();
    };
    const mine: ImapFlow[] = [];
    const budget = ByteBudget.of(opts.limits, (err) => onFail(err));
    const connect = async () => {
      try {
        const onGreeting = () => {
          if (greeted) return;
          greeted = true;
          opts.onGreeting?.();
        };
        const c = await connectImap(seed, secrets, conn, { autoIdleDelay: 50, budget, onGreeting }, (c) => {
          clients.add(c);
          mine.push(c);
          if (finished) c.close();
        });
        if (finished) throw new Stopped();
        c.on('close', () => onFail(Object.assign(new Error('the server closed the connection'), { code: 'EConnectionClosed' })));
        c.on('error', (err: unknown) => onFail(err));
        return c;
      } catch (err) {
        if (finished) throw new Stopped();
        throw err instanceof Dropped ? err : new Dropped(err);
      }
    };
    try {
      await sessionBody(connect, onFail, () => failure, first, budget);
    } catch (err) {
      // The root cause over its symptoms: a limit passed closes the connection, and the command in
      // flight then fails with "connection closed".
      if (budget.exceeded) throw new Dropped(budget.exceeded);
      if (failure && FATAL_CODES.has(codeOf(failure.raw) ?? '')) throw failure;
      throw err;
    } finally {
      for (const c of mine) {
        c.removeAllListeners('exists');
        c.removeAllListeners('close');
        c.close();
        clients.delete(c);
      }
    }
  };

  const sessionBody = async (connect: () => Promise<ImapFlow>, onFail: (err: unknown) => void, failed: () => Dropped | undefined, first: boolean, budget: ByteBudget): Promise<void> => {
    // The second login only after the first succeeded: a wrong password then costs one failed
    // login, not two (providers lock accounts after repeated failures, and Dovecot's auth penalty
    // would delay the second attempt by seconds).
    const inbox = await connect();
    const check = () => {
      const f = failed();
      if (f) throw f;
    };
    const otherP = connect();
    otherP.catch(() => undefined);
    const gmail = inbox.capabilities.has('X-GM-EXT-1');
    const idle = inbox.capabilities.has('IDLE');
    try {
      // No lock: imapflow only enters IDLE while no mailbox lock is held.
      await withTimeout(inbox.mailboxOpen('INBOX', { readOnly: true }), timeoutMs, 'SELECT INBOX');
    } catch (err) {
      if (finished) throw new Stopped();
      throw new Dropped(err);
    }

    let inboxBusy = false;
    let inboxAgain = false;
    /**
     * Searches INBOX on the IDLE connection for the copy (and for bounces); a push during a search
     * is remembered and searched again.
     */
    const checkInbox = async (via: Detection['via']): Promise<void> => {
      if (inboxBusy) {
        inboxAgain = true;
        return;
      }
      inboxBusy = true;
      try {
        for (let round = 0; round < 10 && !finished; round++) {
          inboxAgain = false;
          if (!bouncesOnly) {
            const uid = await searchToken(inbox, undefined);
            if (uid !== undefined && !finished) {
              finish({ detection: await detectionOf(inbox, 'INBOX', uid, via, 'inbox', gmail) });
              return;
            }
          }
          await checkBounces(inbox, 'INBOX');
          if (!inboxAgain) return;
        }
      } catch (err) {
        if (!(err instanceof Stopped)) onFail(err);
      } finally {
        inboxBusy = false;
      }
    };
    inbox.on('exists', (ev: { path: string; count: number; prevCount: number }) => {
      // Without IDLE, EXISTS still arrives, in answer to imapflow's NOOPs or our own searches: a poll.
      if (ev.count > ev.prevCount) void checkInbox(idle ? 'idle' : 'poll');
    });
    await checkInbox(first ? 'initial' : 'poll');
    if (finished) return;
    check();

    const other = await otherP;
    let list;
    try {
      list = await withTimeout(other.list(), timeoutMs, 'LIST');
    } catch (err) {
      if (finished) throw new Stopped();
      throw new Dropped(err);
    }
    const { folders, roles } = detectFolderRoles(listedFolders(list), seed.folders);
    const junk = roles.junk;
    const others = bouncesOnly ? [] : otherFolders(folders).filter((p) => p !== junk);
    // Gmail: a filter can skip the inbox without adding a label ("Skip the Inbox (Archive it)"),
    // leaving the copy only in All Mail. All Mail holds every copy, so it is searched after the
    // labels and a copy there counts only when no other folder (INBOX, a label) holds it.
    const allMail = gmail && !bouncesOnly ? roles.all : undefined;
    // Junk last: the connection then stays on it, and IDLE (imapflow enters it after a moment of
    // quiet) pushes a copy filed as spam as promptly as one in INBOX, between the searches.
    const order = [...others, ...(allMail ? [allMail] : []), ...(junk ? [junk] : [])];

    /** A copy in All Mail that still has the \Inbox label or a user label is found in that folder instead. */
    const onlyInAllMail = async (uid: number): Promise<boolean> => {
      try {
        const msg = await withTimeout(other.fetchOne(String(uid), { uid: true, labels: true }, { uid: true }), timeoutMs, 'FETCH X-GM-LABELS');
        const labels = msg && msg.labels ? [...msg.labels] : [];
        return !labels.some((l) => /^\\?inbox$/i.test(l) || !l.startsWith('\\'));
      } catch (err) {
        if (finished) throw new Stopped();
        throw new Dropped(err);
      }
    };

    /** Searches one folder on the second connection; true when the copy was found (the watch is over). */
    const checkFolder = async (path: string, via: Detection['via']): Promise<boolean> => {
      const selected = other.mailbox && other.mailbox.path === path;
      if (bouncesOnly) {
        if (!selected && !(await selectFolder(other, path))) return false;
      } else {
        const uid = await searchToken(other, selected ? undefined : path);
        if (uid !== undefined && !finished && !(path === allMail && !(await onlyInAllMail(uid)))) {
          finish({ detection: await detectionOf(other, path, uid, via, path === junk ? 'spam' : `folder:${path}`, gmail) });
          return true;
        }
      }
      if (path === junk && !finished) await checkBounces(other, path);
      return false;
    };

    // One command sequence at a time on the second connection: a push check of Junk must not run
    // its SEARCH while a poll round has another folder selected.
    let otherChain: Promise<unknown> = Promise.resolve();
    const onOther = <T>(work: () => Promise<T>): Promise<T> => {
      const next = otherChain.then(work);
      otherChain = next.catch(() => undefined);
      return next;
    };
    const checkOthers = (via: Detection['via']) =>
      onOther(async () => {
        for (const path of order) {
          if (finished || failed()) return;
          if (await checkFolder(path, via)) return;
        }
      });
    let junkQueued = false;
    other.on('exists', (ev: { path: string; count: number; prevCount: number }) => {
      if (!junk || ev.path !== junk || ev.count <= ev.prevCount || junkQueued || finished) return;
      junkQueued = true;
      onOther(async () => {
        junkQueued = false;
        if (!finished && !failed()) await checkFolder(junk, 'idle');
      }).catch((err: unknown) => {
        if (!(err instanceof Stopped)) onFail(err);
      });
    });

    try {
      // A copy that arrived before the watch (or during a reconnect gap) is found by this first pass.
      await checkOthers(first ? 'initial' : 'poll');
      if (finished) return;
      check();
      // Ready only now, so that a copy delivered after it is found live (idle or poll), never
      // mistaken for one that was already there.
      if (!everReady) {
        everReady = true;
        resolveReady();
      }
      search = {
        folders: ['INBOX', ...order],
        inbox: idle ? 'idle' : 'poll',
        ...(junk ? { junk } : {}),
        junkPush: idle && junk !== undefined,
        gmail,
        pollMs,
        rounds: search?.rounds ?? 0,
        from: search?.from ?? new Date().toISOString(),
      };
      sessionWatched = true;
      watching = true;
      lastError = undefined;
      opts.onState?.('watching');
      while (!finished) {
        await sleep(pollMs);
        if (finished) return;
        check();
        // The budget bounds one round (and what IDLE pushed since the last), not the whole watch.
        budget.reset();
        // Without IDLE imapflow only NOOPs now and then: search INBOX ourselves.
        if (!idle) await checkInbox('poll');
        await checkOthers('poll');
        if (search) search.rounds++;
        check();
      }
    } catch (err) {
      if (err instanceof Stopped || finished) return;
      throw err;
    }
  };

  const loop = async () => {
    opts.onState?.('connecting');
    // Failed attempts in a row: a server that drops the connection every few minutes but always
    // takes it back is not given up on; one that stays away is, after maxReconnects.
    let inARow = 0;
    while (!finished) {
      sessionWatched = false;
      try {
        // 'initial' = found by the first search after the first successful login.
        await session(!everReady);
        if (!finished) finish({});
        return;
      } catch (err) {
        watching = false;
        if (finished) return;
        const raw = err instanceof Dropped ? err.raw : err;
        const info = explainImapError(raw, seed, secrets);
        lastError = info;
        // A refused login or an untrusted certificate will not fix itself: no reconnect loop. Nor
        // will a server that floods or whose SEARCH answers everything.
        if (PERMANENT.has(info.kind) || FATAL_CODES.has(codeOf(raw) ?? '')) return finish({ error: info });
        // A session that got as far as watching proves the server works: start counting afresh.
        if (sessionWatched) inARow = 0;
        if (inARow >= maxReconnects) {
          return finish({ error: { ...info, explanation: `${info.explanation} Gave up after ${inARow} reconnect${inARow === 1 ? '' : 's'} in a row.` } });
        }
        inARow++;
        reconnects++;
        opts.onState?.('reconnecting', info);
        // Backoff 0.5 s, 1 s, 2 s ... capped at 8 s; never past the deadline (the timer there ends it).
        await sleep(Math.min(8_000, 500 * 2 ** (inARow - 1)));
      }
    }
  };

  if (opts.signal?.aborted) {
    finish({});
  } else {
    opts.signal?.addEventListener('abort', onAbort);
    later(opts.deadlineAt - Date.now(), endAtDeadline);
    void loop().catch((err: unknown) => finish({ error: explainImapError(err, seed, secrets) }));
  }

  return { ready, done, stop: endAtDeadline, searched: () => (search ? { ...search, folders: [...search.folders] } : undefined) };
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
