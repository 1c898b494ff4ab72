/**
 * The per-seed watcher: finds the run's copy in one seed mailbox, or ends at the deadline.
 *
 * Two IMAP connections per seed. The first selects INBOX and sits in IDLE (RFC 2177), so a copy
 * delivered to INBOX is seen as soon as the server pushes EXISTS. The second searches Junk and the
 * other folders every pollMs; searching them on the IDLE connection would break IDLE each time and
 * reselect folders, delaying the push for INBOX. Copies are found with SEARCH HEADER (RFC 3501
 * §6.4.4) on the token header, server-side: no mailbox is ever downloaded, only the found copy's
 * header block.
 */
import type { FetchMessageObject, ImapFlow } from 'imapflow';
import { detectFolderRoles, otherFolders } from './folders';
import { connectImap, explainImapError, listedFolders, withTimeout, type ImapConnectOptions } from './imap';
import { GMAIL_CATEGORIES, TOKEN_HEADER, type Detection, type GmailCategory, type ImapErrorInfo, type Seed, type SeedSecrets } from './types';

export interface WatchOptions {
  token: string;
  /** Epoch ms: after it the seed ends without detection (the run marks it 'missing'). */
  deadlineAt: number;
  /** Epoch ms of the SMTP accept, known only after the send; latency counts from watch start until then. */
  acceptedAt: () => number | undefined;
  /** Stops early (run cancelled). */
  signal?: AbortSignal;
  onState?: (state: 'connecting' | 'watching' | 'reconnecting', error?: ImapErrorInfo) => void;
  /** Interval of the searches of Junk and the other folders (and of INBOX without IDLE), default 2000. */
  pollMs?: number;
  /** Per connect/command deadline, default 15000. */
  timeoutMs?: number;
  ca?: string[];
  /** TLS server name when the seed's host is an IP address (a lab, a tunnel). */
  servername?: string;
  /** Reconnects after a dropped or stuck connection, default 5, with backoff. */
  maxReconnects?: number;
}

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
}

// Headers that carry a receiver's spam verdict. Names are kept lower-case: header names are
// case-insensitive (RFC 5322 §1.2.2) and providers vary their spelling.
const SPAM_HEADER =
  /^(x-spam(-[a-z0-9-]+)?|x-spamd-result|x-rspamd-[a-z0-9-]+|x-ms-exchange-organization-scl|x-ms-exchange-organization-pcl|x-microsoft-antispam(-[a-z0-9-]+)?|x-forefront-antispam-report(-untrusted)?|x-yahoo-[a-z0-9-]+|x-ymailisg|x-gmail-[a-z0-9-]+|x-gm-[a-z0-9-]+|x-apple-[a-z0-9-]+|x-proofpoint-spam-details|x-barracuda-spam-[a-z0-9-]+|arc-authentication-results)$/;

/** Unfolds a raw header block (RFC 5322 §2.2.3) into [lower-case name, value] pairs, in order. */
export function parseHeaderBlock(raw: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line) && out.length > 0) {
      const last = out[out.length - 1] as [string, string];
      last[1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return out;
}

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
  const conn: ImapConnectOptions = { timeoutMs, ...(opts.ca ? { ca: opts.ca } : {}), ...(opts.servername ? { servername: opts.servername } : {}) };
  const startedAt = Date.now();
  const clients = new Set<ImapFlow>();
  const timers = new Set<NodeJS.Timeout>();
  let finished = false;
  let reconnects = 0;
  let everReady = false;
  // The current session got as far as watching (both connections up, first searches done).
  let sessionWatched = false;
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
  const gmailCategory = async (client: ImapFlow, uid: number): Promise<`category:${GmailCategory}`> => {
    for (const category of GMAIL_CATEGORIES) {
      if (category === 'primary') continue;
      try {
        const hit = await withTimeout(client.search({ uid: String(uid), gmraw: `category:${category}` }, { uid: true }), timeoutMs, 'SEARCH X-GM-RAW');
        if (Array.isArray(hit) && hit.includes(uid)) return `category:${category}`;
      } catch (err) {
        if (finished) throw new Stopped();
        throw new Dropped(err);
      }
    }
    return 'category:primary';
  };

  /** UID SEARCH HEADER token in the client's selected folder (or opens `folder` first). */
  const searchToken = async (client: ImapFlow, folder: string | undefined): Promise<number | undefined> => {
    try {
      if (folder !== undefined) await withTimeout(client.mailboxOpen(folder, { readOnly: true }), timeoutMs, `SELECT ${folder}`);
      const uids = await withTimeout(client.search({ header: { [TOKEN_HEADER]: opts.token } }, { uid: true }), timeoutMs, 'SEARCH');
      return Array.isArray(uids) && uids.length > 0 ? Math.min(...uids) : undefined;
    } catch (err) {
      if (finished) throw new Stopped();
      // A folder deleted since LIST is not a broken connection: skip it.
      if (folder !== undefined && /NONEXISTENT|doesn't exist|not exist|Mailbox doesn't exist/i.test(`${(err as { responseText?: string }).responseText ?? ''} ${(err as Error).message}`)) return undefined;
      throw new Dropped(err);
    }
  };

  /** One connected session: both connections up, searches until found, deadline or a failure (thrown). */
  const session = async (first: boolean): Promise<void> => {
    let failure: Dropped | undefined;
    const onFail = (err: unknown) => {
      if (finished || failure) return;
      failure = err instanceof Dropped ? err : new Dropped(err);
      wakeAll();
    };
    const mine: ImapFlow[] = [];
    const connect = async () => {
      try {
        const c = await connectImap(seed, secrets, conn, { autoIdleDelay: 50 }, (c) => {
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
      await sessionBody(connect, onFail, () => failure, first);
    } finally {
      for (const c of mine) {
        c.removeAllListeners('exists');
        c.removeAllListeners('close');
        c.close();
        clients.delete(c);
      }
    }
  };

  const sessionBody = async (connect: () => Promise<ImapFlow>, onFail: (err: unknown) => void, failed: () => Dropped | undefined, first: boolean): Promise<void> => {
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
    /** Searches INBOX on the IDLE connection; a push during a search is remembered and searched again. */
    const checkInbox = async (via: Detection['via']): Promise<void> => {
      if (inboxBusy) {
        inboxAgain = true;
        return;
      }
      inboxBusy = true;
      try {
        for (let round = 0; round < 10 && !finished; round++) {
          inboxAgain = false;
          const uid = await searchToken(inbox, undefined);
          if (uid !== undefined && !finished) {
            finish({ detection: await detectionOf(inbox, 'INBOX', uid, via, 'inbox', gmail) });
            return;
          }
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
    const others = otherFolders(folders).filter((p) => p !== junk);

    const checkOthers = async (via: Detection['via']): Promise<void> => {
      for (const path of junk ? [junk, ...others] : others) {
        if (finished || failed()) return;
        const uid = await searchToken(other, path);
        if (uid !== undefined && !finished) {
          finish({ detection: await detectionOf(other, path, uid, via, path === junk ? 'spam' : `folder:${path}`, gmail) });
          return;
        }
      }
    };

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
      sessionWatched = true;
      opts.onState?.('watching');
      while (!finished) {
        await sleep(pollMs);
        if (finished) return;
        check();
        // Without IDLE imapflow only NOOPs now and then: search INBOX ourselves.
        if (!idle) await checkInbox('poll');
        await checkOthers('poll');
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
        if (finished) return;
        const raw = err instanceof Dropped ? err.raw : err;
        const info = explainImapError(raw, seed);
        // A refused login or an untrusted certificate will not fix itself: no reconnect loop.
        if (PERMANENT.has(info.kind)) return finish({ error: info });
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
    later(opts.deadlineAt - Date.now(), () => finish({}));
    void loop().catch((err: unknown) => finish({ error: explainImapError(err, seed) }));
  }

  return { ready, done, stop: () => finish({}) };
}

export type CleanupOptions = ImapConnectOptions;

/**
 * Deletes the run's probe copies from every folder of the seed.
 *
 * Gmail keeps a copy in All Mail after it loses its last label, so there the copy is moved to
 * Trash and deleted from Trash; in [Gmail]/Spam and [Gmail]/Trash a delete is for good (Google's
 * IMAP client guidance). Other servers: deleted (\Deleted + UID EXPUNGE) wherever found.
 */
export async function deleteProbes(seed: Seed, secrets: SeedSecrets, token: string, opts: CleanupOptions): Promise<'deleted' | 'not-found' | 'failed'> {
  let client: ImapFlow | undefined;
  try {
    client = await connectImap(seed, secrets, opts, { disableAutoIdle: true });
    const gmail = client.capabilities.has('X-GM-EXT-1');
    const list = await withTimeout(client.list(), opts.timeoutMs, 'LIST');
    const { folders, roles } = detectFolderRoles(listedFolders(list), seed.folders);
    let found = 0;
    const selectable = folders.filter((f) => !f.flags.some((x) => /^\\(noselect|nonexistent)$/i.test(x)));
    // Gmail: All Mail holds every copy but those in Spam (and Trash); labels are views of it.
    const order = gmail ? selectable.filter((f) => f.role === 'all' || f.role === 'junk') : selectable.filter((f) => f.role !== 'all' && f.role !== 'trash');
    for (const f of order) {
      await withTimeout(client.mailboxOpen(f.path), opts.timeoutMs, `SELECT ${f.path}`);
      const uids = await withTimeout(client.search({ header: { [TOKEN_HEADER]: token } }, { uid: true }), opts.timeoutMs, 'SEARCH');
      if (!Array.isArray(uids) || uids.length === 0) continue;
      found += uids.length;
      if (gmail && f.role === 'all' && roles.trash) await withTimeout(client.messageMove(uids.join(','), roles.trash, { uid: true }), opts.timeoutMs, 'MOVE');
      else await withTimeout(client.messageDelete(uids.join(','), { uid: true }), opts.timeoutMs, 'EXPUNGE');
    }
    // Trash last: Gmail copies just moved there, and copies a user or server put there.
    if (roles.trash) {
      await withTimeout(client.mailboxOpen(roles.trash), opts.timeoutMs, `SELECT ${roles.trash}`);
      const uids = await withTimeout(client.search({ header: { [TOKEN_HEADER]: token } }, { uid: true }), opts.timeoutMs, 'SEARCH');
      if (Array.isArray(uids) && uids.length > 0) {
        if (!gmail) found += uids.length;
        await withTimeout(client.messageDelete(uids.join(','), { uid: true }), opts.timeoutMs, 'EXPUNGE');
      }
    }
    await withTimeout(client.logout(), opts.timeoutMs, 'LOGOUT').catch(() => undefined);
    return found > 0 ? 'deleted' : 'not-found';
  } catch {
    return 'failed';
  } finally {
    client?.close();
  }
}
