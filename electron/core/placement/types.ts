/**
 * Inbox placement probes: the shapes shared by seeds, watchers, the run, history, the API and the UI.
 *
 * A run sends one test message (carrying a fresh token in a header and the subject) to every seed
 * mailbox, then watches all seeds at once over IMAP until each copy is found or its deadline passes.
 */
import type { CarriedSpamVerdict, MessageAnalysis } from '../message/types';
import type { QaSummary } from '../qa/types';
import type { SendResult } from '../send/types';
import type { MailAuth } from '../types';

export type SeedProvider = 'gmail' | 'outlook' | 'yahoo' | 'icloud' | 'other';
export const SEED_PROVIDERS: readonly SeedProvider[] = ['gmail', 'outlook', 'yahoo', 'icloud', 'other'];

export type ImapSecurity = 'tls' | 'starttls' | 'none';

/**
 * How a seed logs in. A seed file never holds the secret: it names the environment variable (CLI,
 * serve) or, in the app, the secret lives in the secret store under the seed's name.
 */
export type SeedAuth = MailAuth;

/** SPECIAL-USE roles (RFC 6154) plus INBOX. */
export type FolderRole = 'inbox' | 'junk' | 'trash' | 'sent' | 'archive' | 'drafts' | 'all';
export const FOLDER_ROLES: readonly FolderRole[] = ['inbox', 'junk', 'trash', 'sent', 'archive', 'drafts', 'all'];

export interface Seed {
  /** Unique label for the seed, e.g. "gmail-1". */
  name: string;
  /** The address the test message is sent to. */
  address: string;
  provider: SeedProvider;
  host: string;
  port: number;
  security: ImapSecurity;
  auth: SeedAuth;
  /** Manual override of detected folder roles: role → folder path. */
  folders?: Partial<Record<FolderRole, string>>;
}

/** A seed's credentials for one run, never written anywhere. */
export interface SeedSecrets {
  password?: string;
  oauth2Token?: string;
}

export interface FolderInfo {
  path: string;
  /** IMAP flags from LIST, e.g. ["\\HasNoChildren", "\\Junk"]. */
  flags: string[];
  role?: FolderRole;
  /** Where the role came from: the server's SPECIAL-USE flag, a common folder name, or the user's override. */
  roleSource?: 'special-use' | 'name' | 'override';
}

export interface ImapErrorInfo {
  /** auth, tls, refused, timeout, dropped, dns, protocol, blocked, other. */
  kind: 'auth' | 'tls' | 'refused' | 'timeout' | 'dropped' | 'dns' | 'protocol' | 'blocked' | 'other';
  /** A short machine code, e.g. AUTHENTICATIONFAILED, ETIMEDOUT, ECONNREFUSED. */
  code: string;
  /** What happened and what to do, in words. */
  explanation: string;
  /** tls-untrusted: the certificate is not signed by a trusted authority (params.detail says why); the app words that itself. */
  reason?: 'tls-untrusted';
  params?: Record<string, string>;
}

/** "Test connection" for a seed: login, capabilities, folders and the roles found. */
export interface SeedTestResult {
  ok: boolean;
  seed: string;
  ms: number;
  capabilities: string[];
  /** The server offers IDLE (RFC 2177); without it the watcher polls. */
  idle: boolean;
  /** The server offers Gmail's X-GM-EXT-1. */
  gmail: boolean;
  folders: FolderInfo[];
  roles: Partial<Record<FolderRole, string>>;
  warnings: string[];
  error?: ImapErrorInfo;
}

export type GmailCategory = 'primary' | 'promotions' | 'social' | 'updates' | 'forums';
export const GMAIL_CATEGORIES: readonly GmailCategory[] = ['primary', 'promotions', 'social', 'updates', 'forums'];

/**
 * Where a copy ended up: `inbox`, `category:<name>` (Gmail tabs), `spam`, `folder:<path>`, `missing`
 * (not found before the deadline), `bounced` (a delivery status notification said the copy could not
 * be delivered), or `error` (the seed itself failed: login refused, server gone...).
 */
export type Placement = 'inbox' | `category:${GmailCategory}` | 'spam' | `folder:${string}` | 'missing' | 'bounced' | 'error';

/** A copy found in a seed mailbox. */
export interface Detection {
  placement: Exclude<Placement, 'missing' | 'bounced' | 'error'>;
  /** The folder path it was found in. */
  folder: string;
  uid: number;
  /** When the watcher saw it (ISO time). */
  detectedAt: string;
  /** Milliseconds from the SMTP server's acceptance of the message to detection. */
  latencyMs: number;
  /**
   * How it was found: idle (a push on INBOX or Junk), poll (a periodic search), or initial (the first
   * search after login: the copy was already there; for a seed that came up after the send, its
   * latency is an upper bound).
   */
  via: 'idle' | 'poll' | 'initial';
  /** Gmail's X-GM-LABELS on the copy, when the server offers X-GM-EXT-1. */
  labels?: string[];
  /** The delivered copy's Authentication-Results header values, as the receiving server wrote them. */
  authenticationResults: string[];
  /** Spam verdict headers on the copy (X-Spam-*, X-MS-Exchange-Organization-SCL, X-Yahoo-...), name → values. */
  spamHeaders: Record<string, string[]>;
}

/**
 * A delivery status notification (RFC 3464) that names this run's copy to one seed: the copy could
 * not be delivered, so the seed ends as `bounced` at once instead of waiting out the deadline.
 */
export interface Bounce {
  /** RFC 3464 §2.3.4 Status, e.g. 5.1.1 (RFC 3463 enhanced status code). */
  status: string;
  /** §2.3.6 Diagnostic-Code: the remote server's own words, e.g. "smtp; 550 5.1.1 <a@b> User unknown". */
  diagnostic?: string;
  /** §2.3.3 Action: failed (a bounce) or delayed (still trying: not an end). */
  action: string;
  /** §2.3.2 Final-Recipient, without its address type: the address the report is about. */
  finalRecipient: string;
  /** §2.2.2 Reporting-MTA and §2.3.5 Remote-MTA, without the name type. */
  reportingMta?: string;
  remoteMta?: string;
  /** How the report was tied to this run: the token (header or subject) or the Message-ID in the returned headers. */
  matchedBy: 'token' | 'message-id';
  /** The mailbox (seed name) and folder the report arrived in. */
  mailbox: string;
  folder: string;
  /** When the watcher saw the report (ISO time), and ms from the SMTP server's acceptance. */
  detectedAt: string;
  latencyMs: number;
}

/** How a seed was searched, for a copy that never came (`missing`): what, how, how often, until when. */
export interface SearchReport {
  /** Every folder searched for the token, INBOX first. */
  folders: string[];
  /** INBOX watched by IDLE push (RFC 2177) or by polling (the server has no IDLE). */
  inbox: 'idle' | 'poll';
  /** The Junk folder, when one was found; watched by push between the searches of the other folders. */
  junk?: string;
  junkPush: boolean;
  /** Gmail's X-GM-EXT-1: the INBOX copy's tab is read with X-GM-RAW "category:". */
  gmail: boolean;
  /** Interval of the searches of the folders other than INBOX (and of INBOX without IDLE), ms. */
  pollMs: number;
  /** Search rounds done over the other folders. */
  rounds: number;
  /** When the watch began (first login) and ended: the deadline (ISO times). */
  from: string;
  until: string;
  /** Mailboxes watched for a bounce (delivery status notification) naming this run. */
  bouncesWatchedIn: string[];
  /** All of the above in one sentence. */
  explanation: string;
}

export type SeedState = 'connecting' | 'watching' | 'reconnecting' | 'found' | 'missing' | 'bounced' | 'error';

export interface SeedOutcome {
  seed: string;
  address: string;
  provider: SeedProvider;
  placement: Placement | 'pending';
  state: SeedState;
  detection?: Detection;
  /** The delivery status notification that ended the seed as `bounced`. */
  bounce?: Bounce;
  /** What was searched, for a seed that ended `missing`. */
  searched?: SearchReport;
  error?: ImapErrorInfo;
  /** How often a dropped IMAP connection was re-established. */
  reconnects: number;
}

export interface PlacementSummary {
  total: number;
  /** Seeds per placement, e.g. { inbox: 3, spam: 1, missing: 0 }. */
  counts: Record<string, number>;
  /** Share of seeds per placement, 0..1. */
  share: Record<string, number>;
  medianLatencyMs: number | null;
  worstLatencyMs: number | null;
}

/** `interrupted`: history holds a run whose process ended (a crash, a quit) before it finished. */
export type PlacementStatus = 'running' | 'done' | 'cancelled' | 'send-failed' | 'interrupted';

export interface PlacementRun {
  /** History id, when stored. */
  id?: number;
  /** One per run: carried in the X-Deliverlab-Token header and in the subject. */
  token: string;
  status: PlacementStatus;
  startedAt: string;
  finishedAt?: string;
  profile: string;
  subject: string;
  deadlineMs: number;
  send?: SendResult;
  seeds: SeedOutcome[];
  summary: PlacementSummary;
  /** Probe copies deleted afterwards (when asked), per seed name. */
  cleanup?: Record<string, 'deleted' | 'failed' | 'not-found'>;
  /** The mailbox watched for bounces besides the seeds (the envelope sender's), by seed name. */
  bounceMailbox?: string;
  warnings: string[];
  /** The last design QA of the HTML sent, when the run was started from it. */
  qa?: QaSummary;
  /** The copies analysed where they landed (placement.analyse-copy, --analyse), one per seed, when any were. */
  copies?: AnalysedCopy[];
}

/** Progress of a run, for the live board and the CLI. */
export type PlacementEvent =
  | { type: 'started'; token: string; seeds: SeedOutcome[]; run: PlacementRun }
  | { type: 'sent'; token: string; send: SendResult }
  | { type: 'seed'; token: string; outcome: SeedOutcome }
  | { type: 'done'; token: string; run: PlacementRun };

/** The header that carries the run token on every probe copy. */
export const TOKEN_HEADER = 'X-Deliverlab-Token';

/**
 * What the receiving server recorded on a copy: its Authentication-Results (the top one's
 * authserv-id, RFC 8601 §5: the last server adds it at the top) and the spam verdicts the copy carries.
 */
export interface RecordedByReceiver {
  /** The authserv-id of the receiving server's Authentication-Results, null when it wrote none. */
  authServId: string | null;
  /** Its Authentication-Results values, as written. */
  authenticationResults: string[];
  spamVerdicts: CarriedSpamVerdict[];
}

/** One detected copy, fetched from its seed over IMAP and analysed where it landed. */
export interface CopyAnalysis {
  /** The run in history, and the seed the copy was fetched from. */
  placementId: number | null;
  seed: string;
  token: string;
  placement: Detection['placement'];
  /** Where it was fetched: the folder and UID the run saw, or where it was found since (moved). */
  folder: string;
  uid: number;
  /** Not where the run saw it (the user or a filter moved it since): the folder says where it is now. */
  moved?: boolean;
  fetchedAt: string;
  /** The full message analysis of the copy as the seed holds it, with the local spam filters' verdicts when they ran. */
  analysis: MessageAnalysis;
  recorded: RecordedByReceiver;
  /** Why the analysis is not kept in history, when it could not be written. */
  historyError?: string;
}

/** A copy analysis in a run's list: enough to show it beside its seed. */
export interface AnalysedCopy {
  seed: string;
  fetchedAt: string;
  folder: string;
  spf: string;
  dkim: string;
  dmarc: string;
  critical: number;
  warning: number;
  /** The receiving server's own spam verdict, when the copy carries one: spam wins over ham. */
  receiverVerdict: 'spam' | 'ham' | null;
}
