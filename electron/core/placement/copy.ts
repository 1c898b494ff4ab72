/**
 * "Analyse this copy": one detected copy fetched from its seed over IMAP and analysed where it landed.
 *
 * The copy is the message as the seed's server delivered it: the Received path through the
 * receiver, the Authentication-Results it added and the spam verdict headers of the filters on the
 * way. It is fetched by the folder and UID the run saw, checked to carry the run's token, and looked
 * for again in every folder when it is not there any more (moved by the user or a filter). Every
 * step has a deadline and the fetch has a size cap; nothing is changed on the server (read-only
 * SELECT, BODY.PEEK).
 */
import type { ImapFlow } from 'imapflow';
import type { DnsSession, DnsSessionOptions } from '../dns/session';
import { analyzeMessage } from '../message/analyze';
import { classifyInput } from '../message/input';
import { parseAuthResults } from '../message/receiver';
import { carriedSpamVerdicts } from '../message/spam-headers';
import { withTimeout } from '../net/deadline';
import type { SpamFilterResult } from '../spam/types';
import { detectFolderRoles } from './folders';
import { ByteBudget, connectImap, explainImapError, listedFolders, type ImapConnectOptions } from './imap';
import type { CopyAnalysis, Detection, ImapErrorInfo, RecordedByReceiver, Seed, SeedOutcome, SeedSecrets } from './types';
import { exactTokenUids } from './watch';

/** The largest copy fetched: a probe is a few KB; a message with images a few MB. */
export const MAX_COPY_BYTES = 25 * 1024 * 1024;

export type CopyErrorCode = 'no-copy' | 'gone' | 'too-large' | 'imap';

/** Why a copy could not be analysed, in words; `imap` carries the connection's own error. */
export class CopyError extends Error {
  constructor(
    readonly code: CopyErrorCode,
    message: string,
    readonly imap?: ImapErrorInfo,
  ) {
    super(message);
    this.name = 'CopyError';
  }
}

export interface CopyRequest {
  seed: Seed;
  secrets: SeedSecrets;
  /** The run's token and its history id (null when the run is not stored). */
  token: string;
  placementId: number | null;
  outcome: SeedOutcome;
  dns: DnsSessionOptions | DnsSession;
  /** Look link domains up on domain blocklists, as message.check does. */
  checkLinkDomains?: boolean;
  /** The Spamhaus DQS key from Settings, for the link domains' lookups. */
  spamhausDqsKey?: string;
  /**
   * The local spam filters (SpamAssassin, rspamd), when configured: their verdicts become the
   * analysis's `spam`. Absent: the filters were not asked, and the analysis has no `spam`.
   */
  scoreSpam?: (raw: Buffer) => Promise<SpamFilterResult[]>;
  timeoutMs: number;
  ca?: string[];
  maxBytes?: number;
}

/** The message's UID in the selected folder when it carries the token exactly, else undefined. */
async function exactCopy(client: ImapFlow, uid: number, token: string, timeoutMs: number, folder: string): Promise<number | undefined> {
  const uids = await exactTokenUids(client, token, timeoutMs, folder, 'so no copy is read from it');
  return uids.includes(uid) ? uid : uids[0];
}

/** Finds the copy: where the run saw it first, then in every other folder. */
async function locate(client: ImapFlow, seed: Seed, detection: Detection, token: string, timeoutMs: number): Promise<{ folder: string; uid: number } | null> {
  const open = async (path: string) => {
    try {
      await withTimeout(client.mailboxOpen(path, { readOnly: true }), timeoutMs, `SELECT ${path}`);
      return true;
    } catch (err) {
      // A folder deleted since the run is not a broken connection: look elsewhere.
      if (/NONEXISTENT|doesn't exist|not exist/i.test(`${(err as { responseText?: string }).responseText ?? ''} ${(err as Error).message}`)) return false;
      throw err;
    }
  };
  if (await open(detection.folder)) {
    const uid = await exactCopy(client, detection.uid, token, timeoutMs, detection.folder);
    if (uid !== undefined) return { folder: detection.folder, uid };
  }
  const list = await withTimeout(client.list(), timeoutMs, 'LIST');
  const { folders } = detectFolderRoles(listedFolders(list), seed.folders);
  const gmail = client.capabilities.has('X-GM-EXT-1');
  // Gmail: labels are views of All Mail; searching each would find the same copy many times.
  const others = folders.filter((f) => f.path !== detection.folder && !f.flags.some((x) => /^\\(noselect|nonexistent)$/i.test(x)) && (!gmail || f.role === 'all' || f.role === 'junk' || f.role === 'trash'));
  for (const f of others) {
    if (!(await open(f.path))) continue;
    const uids = await exactTokenUids(client, token, timeoutMs, f.path, 'so no copy is read from it');
    if (uids[0] !== undefined) return { folder: f.path, uid: uids[0] };
  }
  return null;
}

/** Fetches the copy's full source (BODY.PEEK[]: \Seen left alone), within the size cap. */
async function fetchSource(client: ImapFlow, uid: number, maxBytes: number, timeoutMs: number, seedName: string): Promise<Buffer> {
  const meta = await withTimeout(client.fetchOne(String(uid), { uid: true, size: true }, { uid: true }), timeoutMs, 'FETCH RFC822.SIZE');
  if (meta && typeof meta.size === 'number' && meta.size > maxBytes) {
    throw new CopyError('too-large', `The copy in ${seedName} is ${meta.size} bytes, more than the ${maxBytes} bytes a copy may have to be analysed.`);
  }
  const msg = await withTimeout(client.fetchOne(String(uid), { uid: true, source: { maxLength: maxBytes + 1 } }, { uid: true }), timeoutMs * 4, 'FETCH BODY.PEEK[]');
  const source = msg ? msg.source : undefined;
  if (!source) throw new CopyError('gone', `The copy in ${seedName} disappeared while it was being read (UID ${uid}): run the analysis again.`);
  if (source.length > maxBytes) throw new CopyError('too-large', `The copy in ${seedName} is larger than the ${maxBytes} bytes a copy may have to be analysed.`);
  return source;
}

/** The copy's source from its seed, and where it was found. Throws CopyError. */
export async function fetchCopy(req: Pick<CopyRequest, 'seed' | 'secrets' | 'token' | 'outcome' | 'timeoutMs' | 'ca' | 'maxBytes'>): Promise<{ raw: Buffer; folder: string; uid: number }> {
  const { seed, outcome, token } = req;
  const detection = outcome.detection;
  if (!detection) {
    throw new CopyError('no-copy', `${seed.name} has no copy to analyse: the run ${outcome.placement === 'pending' ? 'has not found one yet' : `ended it as ${outcome.placement}`}.`);
  }
  const maxBytes = req.maxBytes ?? MAX_COPY_BYTES;
  // The fetch may read the whole copy in one response: the session budget must allow it.
  const opts: ImapConnectOptions = { timeoutMs: req.timeoutMs, ...(req.ca ? { ca: req.ca } : {}), limits: { maxResponseBytes: maxBytes + 64 * 1024, maxSessionBytes: maxBytes * 2 + 1024 * 1024 } };
  const budget = ByteBudget.of(opts.limits);
  let client: ImapFlow | undefined;
  try {
    client = await connectImap(seed, req.secrets, opts, { disableAutoIdle: true, budget });
    const where = await locate(client, seed, detection, token, req.timeoutMs);
    if (!where) {
      throw new CopyError(
        'gone',
        `The copy is no longer in ${seed.name}: no message carrying the run's token ${token} is in any of its folders (the run saw it in ${detection.folder}, UID ${detection.uid}). It was deleted or moved out of reach (a clean-up, the mailbox's owner or its retention); send a new test to analyse a copy.`,
      );
    }
    const raw = await fetchSource(client, where.uid, maxBytes, req.timeoutMs, seed.name);
    await withTimeout(client.logout(), req.timeoutMs, 'LOGOUT').catch(() => undefined);
    return { raw, ...where };
  } catch (err) {
    if (err instanceof CopyError) throw err;
    const info = explainImapError(budget.exceeded ?? err, seed, req.secrets);
    throw new CopyError('imap', `The copy could not be fetched from ${seed.name}: ${info.explanation}`, info);
  } finally {
    client?.close();
  }
}

/** The receiving server's Authentication-Results (those with the top one's authserv-id) and the carried verdicts. */
export function recordedByReceiver(raw: Buffer): RecordedByReceiver {
  const { headers } = classifyInput(raw);
  const ar = headers.filter((h) => h.name.toLowerCase() === 'authentication-results');
  const authServId = ar[0] ? parseAuthResults(ar[0].value).authServId : null;
  return {
    authServId,
    authenticationResults: ar.filter((h) => parseAuthResults(h.value).authServId === authServId).map((h) => h.value),
    spamVerdicts: carriedSpamVerdicts(headers),
  };
}

/** Fetches one detected copy and runs the full message analysis on it. Throws CopyError (or MessageInputError). */
export async function analyseCopy(req: CopyRequest): Promise<CopyAnalysis> {
  const fetched = await fetchCopy(req);
  const analysis = await analyzeMessage(fetched.raw, { dns: req.dns, checkLinkDomains: req.checkLinkDomains ?? true, ...(req.spamhausDqsKey ? { spamhausDqsKey: req.spamhausDqsKey } : {}) });
  if (req.scoreSpam) analysis.spam = await req.scoreSpam(fetched.raw);
  const detection = req.outcome.detection as Detection;
  const moved = fetched.folder !== detection.folder;
  return {
    placementId: req.placementId,
    seed: req.seed.name,
    token: req.token,
    placement: detection.placement,
    folder: fetched.folder,
    uid: fetched.uid,
    ...(moved ? { moved: true } : {}),
    fetchedAt: new Date().toISOString(),
    analysis,
    recorded: recordedByReceiver(fetched.raw),
  };
}
