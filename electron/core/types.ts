/**
 * The shapes of the top-level core modules (settings.ts) apart from their code, and the login shape
 * that electron/shared/mail-login.ts defines.
 *
 * Types only: the api re-exports them to the UI, which must not reach the modules' implementations.
 */
import type { ClientFamily } from './qa/families';
import type { ReportBrand } from './report/page';
import type { AlertEmailSettings, AlertRuleSettings, WebhookSettings } from './watch/types';

/** User settings: stored in the history database when there is one, in memory otherwise. */
export interface Settings {
  /** `system`, or DNS servers as `IP[:PORT]` separated by commas. */
  resolver: string;
  /** Deadline for one DNS query, in milliseconds (each try; a query makes at most two tries). */
  dnsTimeoutMs: number;
  /** DKIM selectors every audit tries besides the built-in list, comma-separated. */
  dkimSelectors: string;
  /** Spamhaus Data Query Service key; empty for the public mirrors. */
  spamhausDqsKey: string;
  /** Keep a compressed copy of each analysed message in history, so it can be downloaded again. */
  storeRawMessages: boolean;
  /** The branding every exported report carries until it is changed; empty: the neutral Deliverlab footer. */
  reportBrand: ReportBrand;
  /** The mail client families design QA checks compatibility for; empty: all of them. */
  clients: ClientFamily[];
  /** The alert rules turned off everywhere, and the thresholds of score.drop and cert.expiring. */
  alertRules: AlertRuleSettings;
  /** Where alerts are posted (an empty url: nowhere); the signing secret is never here. */
  alertWebhook: WebhookSettings;
  /** Alerts by email through a saved SMTP profile (an empty profile: none). */
  alertEmail: AlertEmailSettings;
  /** The most DNS queries a second the watch scheduler sends to one resolver. */
  watchDnsRate: number;
  /** The desktop app keeps running (and checking its watches) with its window closed, from a tray icon. */
  keepWatchingInBackground: boolean;
  /** SpamAssassin's spamd as HOST:PORT; empty: not used. */
  spamd: string;
  /** rspamd's URL (its normal worker, which serves /checkv2); empty: not used. */
  rspamd: string;
}

/** How an SMTP profile or a seed mailbox logs in; runtime-neutral, so it lives with its rule in shared/. */
export type { MailAuth } from '../shared/mail-login';
