/**
 * The spam filters, their rule groups and the readiness summary's areas in words: for the app, the
 * command line and the reports alike (keys as core's SpamFilterName, SpamRuleGroup, ReadinessArea).
 */

/** The local spam filters as their makers write them. */
export const SPAM_FILTER_NAMES = { spamassassin: 'SpamAssassin', rspamd: 'rspamd' } as const;

/** A fired rule's group. */
export const SPAM_GROUP_WORDS = {
  authentication: 'Authentication',
  content: 'Content',
  headers: 'Headers',
  blocklists: 'Blocklists',
  bayes: 'Bayes',
  other: 'Other',
} as const;

/** An area of the readiness summary. */
export const READINESS_AREA_WORDS = {
  authentication: 'Authentication',
  'spam-filters': 'Spam filters',
  blocklists: 'Blocklists',
  content: 'Content',
  headers: 'Headers',
  'bulk-sender-rules': 'Bulk-sender rules',
} as const;
