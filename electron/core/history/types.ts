/**
 * What the history answers: the list rows, queries and stored records of every kind.
 *
 * Shapes only, shared by the per-kind modules and by the api's contract (operations.ts).
 */
import type { AuthResult } from '../message/types';
import type { Placement, PlacementRun, PlacementStatus, SeedProvider } from '../placement/types';
import type { QaSummary } from '../qa/types';
import type { SendResult } from '../send/types';

export interface Page {
  limit?: number;
  offset?: number;
}

// ---------------------------------------------------------------------------------------------
// Audits

export interface AuditSummary {
  id: number;
  domain: string;
  startedAt: string;
  durationMs: number;
  score: number;
  grade: string;
  critical: number;
  warning: number;
}

export interface ListAuditsQuery {
  domain?: string;
  /** Only the audits of this client's domains (and the domains below them). */
  clientId?: number;
  /** Only the audits of domains whose name contains this text (any case). */
  search?: string;
  limit?: number;
  offset?: number;
}

// ---------------------------------------------------------------------------------------------
// Message analyses

/** DKIM for a whole message: pass when an aligned signature passed (what DMARC counts), else the worst. */
export type DkimOverall = AuthResult | 'unaligned';

export interface MessageSummaryRow {
  id: number;
  analysedAt: string;
  subject: string | null;
  from: string | null;
  fromDomain: string | null;
  spf: string;
  dkim: DkimOverall;
  dmarc: string;
  critical: number;
  warning: number;
  /** The raw message is kept (compressed) and can be downloaded again. */
  rawStored: boolean;
}

export interface ListMessagesQuery {
  /** The From domain. */
  domain?: string;
  /** Only messages from this client's domains (and the domains below them). */
  clientId?: number;
  limit?: number;
  offset?: number;
}

// ---------------------------------------------------------------------------------------------
// Test sends

export interface SendSummary {
  id: number;
  sentAt: string;
  profile: string;
  subject: string;
  ok: boolean;
  messageId: string | null;
  queueId: string | null;
  recipientCount: number;
  acceptedCount: number;
  /** The send's error code (EAUTH, ETLS, ...), when it failed. */
  errorCode: string | null;
}

/** A stored send: the result as it was returned, with its history id, subject and the design QA it was sent with. */
export type StoredSend = SendResult & { id: number; subject: string; qa?: QaSummary };

// ---------------------------------------------------------------------------------------------
// Placement runs

/**
 * A run's status as history shows it: `interrupted` is a run still marked running whose process
 * is gone (the app quit or crashed mid-way), or which outlived its deadline by far.
 */
export type StoredPlacementStatus = PlacementStatus | 'interrupted';

export type StoredPlacementRun = Omit<PlacementRun, 'status' | 'id'> & { id: number; status: StoredPlacementStatus };

export interface PlacementListItem {
  id: number;
  token: string;
  startedAt: string;
  finishedAt: string | null;
  profile: string;
  subject: string;
  status: StoredPlacementStatus;
  /** Seeds in the run. */
  total: number;
  /** Seeds per placement (pending for those that never reported). */
  counts: Record<string, number>;
  medianLatencyMs: number | null;
  /** Inbox (or a Gmail tab) among the seeds with a verdict; null when none has one yet. */
  inboxShare: number | null;
}

export interface TrendQuery {
  by: 'seed' | 'provider';
  /** The most recent runs looked at; 50 when absent, at most 1000. */
  limit?: number;
  /** Only this seed (by: 'seed') or provider (by: 'provider'). */
  key?: string;
}

export interface TrendPoint {
  placementId: number;
  startedAt: string;
  seed: string;
  placement: Placement;
  latencyMs: number | null;
}

export interface TrendSeries {
  /** The seed name, or the provider. */
  key: string;
  provider?: SeedProvider;
  /** Oldest first, as a chart draws them. */
  points: TrendPoint[];
  /** Points with a verdict on placement (every point but seed errors). */
  total: number;
  /** Seed errors (login refused, server gone): they say nothing about placement. */
  errors: number;
  counts: Record<string, number>;
  /** Inbox or a Gmail tab, over `total`; 0 when total is 0. */
  inboxShare: number;
  medianLatencyMs: number | null;
  /** Runs the series has points in. */
  runs: number;
}
