/**
 * Spam filter verdicts: what SpamAssassin (spamd) and rspamd say about one message.
 *
 * `deliverlab check FILE --spam` prints `spam: SpamFilterResult[]`; the message analysis, the draft
 * readiness summary and the analysed placement copies carry the same shape.
 */

/** The filters Deliverlab speaks to: spamd over its SPAMC protocol, rspamd over HTTP /checkv2. */
export type SpamFilterName = 'spamassassin' | 'rspamd';

/** How a fired rule is grouped on screen and in reports. */
export type SpamRuleGroup = 'authentication' | 'content' | 'headers' | 'blocklists' | 'bayes' | 'other';

export interface SpamRule {
  /** The filter's own rule or symbol name, e.g. DKIM_INVALID or R_SPF_FAIL. */
  name: string;
  /** Its contribution to the score (negative rules lower it). */
  score: number;
  /** A plain explanation: from Deliverlab's catalogue, else the filter's own description. */
  description: string;
  group: SpamRuleGroup;
  /**
   * The rule depends on a network test (an RBL or URIBL lookup) that the local filter could not run
   * or was configured not to run: its absence or presence says nothing about the real internet.
   */
  network?: boolean;
  /** A Deliverlab finding code about the same thing (e.g. a DKIM failure, a missing List-Unsubscribe). */
  finding?: string;
  /** The filter's own description, when it gave one and the catalogue's explanation replaced it. */
  filterDescription?: string;
}

/** A filter that answered. */
export interface SpamVerdict {
  filter: SpamFilterName;
  /** The filter's version as it reported it. */
  version: string;
  score: number;
  /** The score at or above which the filter calls the message spam. */
  threshold: number;
  verdict: 'spam' | 'ham';
  /** rspamd's recommended action (no action, add header, reject, ...); absent for SpamAssassin. */
  action?: string;
  rules: SpamRule[];
}

/** A filter that was configured but did not answer (down, hung past its deadline, or garbled). */
export interface SpamFilterError {
  filter: SpamFilterName;
  verdict: 'error';
  /** What went wrong, in words: never a pass. */
  error: string;
}

export type SpamFilterResult = SpamVerdict | SpamFilterError;

/** Where each filter is reached; null is a filter not configured (not an error: it is left out). */
export interface SpamFilterConfig {
  /** spamd's address as HOST:PORT. */
  spamd: string | null;
  /** rspamd's base URL (its normal worker, which serves /checkv2). */
  rspamd: string | null;
}

/** How to install and start a filter where it is missing: commands per operating system. */
export interface SpamInstallHelp {
  /** The address to enter once it runs (spamd's HOST:PORT, rspamd's URL). */
  address: string;
  debian: string[];
  macos: string[];
  /** A container (Docker Desktop), or Debian's commands inside WSL. */
  windows: string[];
}

/** One filter's state, as Settings and `deliverlab spam status` show it. */
export interface SpamFilterStatus {
  filter: SpamFilterName;
  /** An address is set: when false, the filter is simply not used. */
  configured: boolean;
  address: string | null;
  reachable: boolean;
  /** The version it reports, when it answered. */
  version?: string;
  /** Why it could not be reached, in words. */
  error?: string;
  install: SpamInstallHelp;
}

export interface SpamStatus {
  filters: SpamFilterStatus[];
}

/** The SMTP envelope as the receiver had it, for the filters that take it (rspamd). */
export interface SpamEnvelope {
  ip?: string | null;
  helo?: string | null;
  mailFrom?: string | null;
  rcpt?: string[];
}

/** A draft scored before it is sent (spam.draft). */
export interface SpamDraftResult {
  spam: SpamFilterResult[];
  /** The message's size as scored, in bytes. */
  bytes: number;
  /** Its Message-ID, when one was composed (a send composes a new one each time). */
  messageId?: string;
  /** The DKIM signature it carried: signing domain and selector. */
  dkim?: { domain: string; selector: string };
}
