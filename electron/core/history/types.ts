/**
 * The rows history lists return, apart from the code that reads them (store.ts, placements.ts).
 *
 * Types only: the api re-exports them to the UI and the CLI prints them.
 */
import type { AuthResult } from '../message/types';
import type { Placement, PlacementStatus, SeedProvider } from '../placement/types';

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

/**
 * A run's status as history shows it: `interrupted` is a run still marked running whose process
 * is gone (the app quit or crashed mid-way), or which outlived its deadline by far.
 */
export type StoredPlacementStatus = PlacementStatus | 'interrupted';

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
