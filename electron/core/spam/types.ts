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
