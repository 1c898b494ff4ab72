/**
 * Report import from an IMAP mailbox: one folder, read incrementally, each message accepted or
 * refused on its own.
 *
 * The folder's UIDs above the last one finished (remembered per account and folder, within one
 * UIDVALIDITY, RFC 3501 §2.3.1.1) are searched, oldest first; each message's source, within a size
 * cap, goes through the same extraction and import as a saved .eml (readReportBytes via
 * importReports), and its UID is remembered as soon as it is done, so that a connection lost in the
 * middle keeps what was imported and the next run starts where this one stopped. A message that
 * carried a report may then be moved to another folder; one that was refused stays where it is.
 */
import type { ImapFlow } from 'imapflow';
import type { HistoryStore } from '../history/store';
import { withTimeout } from '../net/deadline';
import { ByteBudget, connectImap, explainImapError, type ImapConnectOptions } from '../placement/imap';
import type { ImapErrorInfo, Seed, SeedSecrets } from '../placement/types';
import { importReports, type ImportProgress } from './import';
import { MAX_LISTED_REPORTS } from './limits';
import { parseDay } from './range';
import type { ImportResult } from './types';

/**
 * The largest message read from a mailbox. Reporters cap what they mail (Google's largest daily
 * reports are a few MB zipped); the whole source is held in memory while it is read.
 */
export const MAX_IMAP_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Messages read in one run: a folder with more is finished by the next runs, oldest first. */
export const MAX_IMAP_MESSAGES = 10_000;
/** The longest subject kept in a message's name. */
const MAX_SUBJECT_CHARS = 200;

export interface ImapImportOptions {
  store: HistoryStore;
  seed: Seed;
  secrets: SeedSecrets;
  folder: string;
  /** The first day (YYYY-MM-DD, UTC) whose messages are read: SEARCH SINCE, by the date the server received them. */
  since?: string;
  /** A folder the messages that carried a report are moved to; created when missing. */
  moveTo?: string;
  connection: ImapConnectOptions;
  signal?: AbortSignal;
  now?: () => Date;
  onProgress?: (progress: ImportProgress) => void;
  /** The size cap of one message (tests pass a small one). */
  maxMessageBytes?: number;
}

/** What an import from a mailbox did besides the reports: the folder, the messages, the UIDs. */
export interface MailboxImport {
  /** The login and server, as the remembered state names them (imap://user@host:port). */
  account: string;
  folder: string;
  since?: string;
  /** Messages above the last UID finished before (and since the date): the new ones. */
  newMessages: number;
  /** Of those, read to the end (imported or refused); fewer when the run stopped. */
  done: number;
  /** New messages left for the next run (more than MAX_IMAP_MESSAGES were new). */
  remaining: number;
  /** The folder's UIDVALIDITY changed since the last run: its messages were all read again. */
  restarted: boolean;
  /** The highest UID finished, remembered for the next run. */
  lastUid: number;
  moveTo?: string;
  /** Messages moved to moveTo. */
  moved: number;
}

export interface ImapImportResult extends ImportResult {
  mailbox: MailboxImport;
}

/** A mailbox that could not be read at all (login, folder): the error in words, nothing imported. */
export class ImapImportError extends Error {
  override name = 'ImapImportError';
  constructor(readonly info: ImapErrorInfo) {
    super(info.explanation);
  }
}

/** The key of a mailbox's remembered state: one per login and server, whatever the seed is called. */
export const mailboxAccount = (seed: Pick<Seed, 'host' | 'port' | 'auth'>): string => `imap://${encodeURIComponent(seed.auth.user)}@${seed.host.toLowerCase()}:${seed.port}`;

/** Text from a message (its subject) with no control or direction character left, within `max` chars. */
export function plainText(text: string, max = MAX_SUBJECT_CHARS): string {
  // C0, DEL, C1, and the bidirectional overrides and isolates, which can make a name read backwards.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** A message as refusals name it: "INBOX UID 42: Report domain: example.com". */
export const messageName = (folder: string, uid: number, subject: string | undefined): string => `${plainText(folder, 100)} UID ${uid}: ${plainText(subject ?? '') || '(no subject)'}`;

/**
 * Where the next run starts: the UIDs above the remembered last one, unless the folder's
 * UIDVALIDITY is not the one they were read under (then every UID is new again).
 */
export function startingPoint(remembered: { uidValidity: string; lastUid: number } | null, uidValidity: string): { after: number; restarted: boolean } {
  if (!remembered) return { after: 0, restarted: false };
  if (remembered.uidValidity !== uidValidity) return { after: 0, restarted: true };
  return { after: remembered.lastUid, restarted: false };
}

/**
 * The UIDs this run reads, in order: above `after` (a SEARCH for "N:*" always answers the last
 * message, RFC 3501 §6.4.8, even below N), without repeats, the oldest `max` of them.
 */
export function uidsToRead(found: readonly number[], after: number, max = MAX_IMAP_MESSAGES): { uids: number[]; remaining: number } {
  const all = [...new Set(found.filter((u) => Number.isInteger(u) && u > after))].sort((a, b) => a - b);
  return { uids: all.slice(0, max), remaining: Math.max(0, all.length - max) };
}

interface Listed {
  uid: number;
  size: number;
  subject: string | undefined;
}

const emptyResult = (): ImportResult => ({
  imported: 0,
  duplicates: 0,
  refused: [],
  records: 0,
  messages: 0,
  reports: [],
});

function addInto(total: ImportResult, part: ImportResult): void {
  total.imported += part.imported;
  total.duplicates += part.duplicates;
  total.records += part.records;
  total.messages += part.messages;
  total.refused.push(...part.refused);
  for (const r of part.reports) if (total.reports.length < MAX_LISTED_REPORTS) total.reports.push(r);
}

/**
 * Imports the reports mailed to `folder`. Throws ImapImportError when the mailbox cannot be read at
 * all; a failure after the first message ends the run early, with `stopped` saying why and what
 * was kept.
 */
export async function importFromImap(options: ImapImportOptions): Promise<ImapImportResult> {
  const { store, seed, secrets, folder, moveTo, signal } = options;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.connection.timeoutMs;
  const cap = options.maxMessageBytes ?? MAX_IMAP_MESSAGE_BYTES;
  const account = mailboxAccount(seed);
  const sinceDay = options.since === undefined ? null : parseDay(options.since);
  if (options.since !== undefined && sinceDay === null)
    throw new ImapImportError({
      kind: 'other',
      code: 'EBADDATE',
      explanation: `"${options.since}" is not a date (2024-05-01).`,
    });
  if (moveTo !== undefined && moveTo === folder)
    throw new ImapImportError({
      kind: 'other',
      code: 'ESAMEFOLDER',
      explanation: `The messages are read from ${folder}: they cannot be moved to it.`,
    });

  // One message's source is one response: the caps sit above the largest message, and the
  // budget starts again for every message (a base64 attachment is a line every 76 bytes).
  const budget = ByteBudget.of({
    maxSessionBytes: cap + 8 * 1024 * 1024,
    maxSessionLines: Math.ceil(cap / 64) + 50_000,
  });
  const explain = (err: unknown) => explainImapError(budget.exceeded ?? err, seed, secrets);
  let client: ImapFlow | undefined;
  const onAbort = () => client?.close();
  signal?.addEventListener('abort', onAbort);
  const stopWords = () => `stopped: ${(signal?.reason as Error | undefined)?.message ?? 'a stop was asked'}`;

  const result: ImapImportResult = {
    ...emptyResult(),
    mailbox: {
      account,
      folder,
      ...(options.since ? { since: options.since } : {}),
      newMessages: 0,
      done: 0,
      remaining: 0,
      restarted: false,
      lastUid: 0,
      ...(moveTo ? { moveTo } : {}),
      moved: 0,
    },
  };
  let uidValidity = '';
  try {
    // Before the first message, a failure means the mailbox cannot be read: an error, nothing kept.
    let listed: Listed[];
    try {
      if (signal?.aborted) throw signal.reason;
      client = await connectImap(seed, secrets, { ...options.connection, limits: { maxResponseBytes: cap } }, { disableAutoIdle: true, budget }, (c) => {
        client = c;
      });
      if (moveTo !== undefined) await ensureFolder(client, moveTo, timeoutMs);
      const box = await withTimeout(client.mailboxOpen(folder, { readOnly: moveTo === undefined }), timeoutMs, `opening ${folder}`);
      uidValidity = String(box.uidValidity);
      const start = startingPoint(store.reportMailbox(account, folder), uidValidity);
      result.mailbox.restarted = start.restarted;
      result.mailbox.lastUid = start.after;
      const query = {
        ...(start.after > 0 ? { uid: `${start.after + 1}:*` } : { all: true }),
        ...(sinceDay !== null ? { since: new Date(sinceDay * 1000) } : {}),
      };
      const found = await withTimeout(client.search(query, { uid: true }), timeoutMs, `searching ${folder}`);
      const { uids, remaining } = uidsToRead(found || [], start.after);
      result.mailbox.newMessages = uids.length;
      result.mailbox.remaining = remaining;
      listed = uids.length === 0 ? [] : await withTimeout(listMessages(client, uids), timeoutMs * 4, `listing ${uids.length} messages in ${folder}`);
    } catch (err) {
      if (signal?.aborted)
        throw new ImapImportError({
          kind: 'other',
          code: 'ECANCELLED',
          explanation: stopWords(),
        });
      if (err instanceof ImapImportError) throw err;
      throw new ImapImportError(explainFolder(err, explain, folder));
    }

    const remember = (uid: number) => {
      result.mailbox.lastUid = uid;
      result.mailbox.done++;
      store.setReportMailbox({
        account,
        folder,
        uidValidity,
        lastUid: uid,
        lastRunAt: now().toISOString(),
      });
    };
    const progress = () =>
      options.onProgress?.({
        files: listed.length,
        done: result.mailbox.done,
        imported: result.imported,
        duplicates: result.duplicates,
        refused: result.refused.length,
      });
    progress();
    for (const message of listed) {
      if (signal?.aborted) {
        result.stopped = `${stopWords()} after ${result.mailbox.done} of ${listed.length} messages.`;
        break;
      }
      const name = messageName(folder, message.uid, message.subject);
      if (message.size > cap) {
        result.refused.push({ file: name, code: 'too-large', reason: `the message is larger than ${sizeWords(cap)}, the largest read from a mailbox: not read` });
        remember(message.uid);
        progress();
        continue;
      }
      let source: Buffer | undefined;
      try {
        budget.reset();
        const fetched = await withTimeout(client.fetchOne(String(message.uid), { source: true }, { uid: true }), timeoutMs * 4, `reading UID ${message.uid} in ${folder}`);
        source = fetched ? fetched.source : undefined;
      } catch (err) {
        result.stopped = signal?.aborted ? `${stopWords()} after ${result.mailbox.done} of ${listed.length} messages.` : lostWords(explain(err).explanation, result.mailbox, listed.length);
        break;
      }
      // Expunged meanwhile (by another client): nothing to read.
      if (!source) {
        remember(message.uid);
        progress();
        continue;
      }
      const part = await importReports({ files: [{ name, bytes: source }] }, { store, now });
      addInto(result, part);
      if (part.stopped) {
        // History cannot be written: this message is not done, nor any after it.
        result.stopped = part.stopped;
        break;
      }
      if (moveTo !== undefined && part.imported + part.duplicates > 0) {
        try {
          budget.reset();
          await withTimeout(client.messageMove(String(message.uid), moveTo, { uid: true }), timeoutMs, `moving UID ${message.uid} to ${moveTo}`);
          result.mailbox.moved++;
        } catch (err) {
          // Its reports are in history; not remembered, it is read again next time (as duplicates) and moved then.
          result.stopped = signal?.aborted ? `${stopWords()} after ${result.mailbox.done} of ${listed.length} messages.` : lostWords(explain(err).explanation, result.mailbox, listed.length);
          break;
        }
      }
      remember(message.uid);
      progress();
    }
    if (client && !signal?.aborted && !result.stopped) await withTimeout(client.logout(), timeoutMs, 'LOGOUT').catch(() => undefined);
    return result;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    client?.close();
  }
}

const sizeWords = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes.toLocaleString('en-US')} bytes`);

/** What a run that stopped after a failure kept, and where the next one starts. */
function lostWords(explanation: string, mailbox: MailboxImport, total: number): string {
  return `${explanation} The import stopped after ${mailbox.done} of ${total} messages: what they held is kept, and the next import from ${mailbox.folder} starts after UID ${mailbox.lastUid}.`;
}

/** A folder the server does not have is named as such; anything else as the connection's error. */
function explainFolder(err: unknown, explain: (err: unknown) => ImapErrorInfo, folder: string): ImapErrorInfo {
  const e = err as {
    code?: string;
    serverResponseCode?: string;
    responseText?: string;
    message?: string;
  };
  if (e?.serverResponseCode === 'NONEXISTENT' || /doesn't exist|does not exist|no such mailbox|unknown mailbox/i.test(`${e?.responseText ?? ''} ${e?.message ?? ''}`)) {
    return {
      kind: 'other',
      code: 'NONEXISTENT',
      explanation: `The mailbox has no folder "${plainText(folder, 200)}": check its name (INBOX, or a folder such as "DMARC").`,
    };
  }
  return explain(err);
}

/** The size and subject of each message to read (FETCH RFC822.SIZE ENVELOPE), in UID order. */
async function listMessages(client: ImapFlow, uids: readonly number[]): Promise<Listed[]> {
  const byUid = new Map<number, Listed>();
  for await (const m of client.fetch(uids.join(','), { uid: true, size: true, envelope: true }, { uid: true })) {
    if (typeof m.uid === 'number')
      byUid.set(m.uid, {
        uid: m.uid,
        size: m.size ?? 0,
        subject: m.envelope?.subject,
      });
  }
  return uids.map((uid) => byUid.get(uid)).filter((m): m is Listed => m !== undefined);
}

/** Creates `path` unless the server already has it (STATUS finds it; CREATE answers ALREADYEXISTS). */
async function ensureFolder(client: ImapFlow, path: string, timeoutMs: number): Promise<void> {
  try {
    await withTimeout(client.status(path, { messages: true }), timeoutMs, `STATUS ${path}`);
    return;
  } catch {
    // Not there (or STATUS refused): create it.
  }
  await withTimeout(client.mailboxCreate(path), timeoutMs, `creating ${path}`);
}
