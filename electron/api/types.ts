/**
 * The result shapes of the operations contract: what the UI reads, as core declares it.
 *
 * The renderer imports result types from here, never from core, and operations.ts names its
 * results from here too. `export type` only: this module is empty at run time, so importing it
 * brings none of core's code (Node modules included) into the renderer's bundle or the preload.
 */
export type {
  AuditChecks,
  AuditDiff,
  AuditProgress,
  AuditResult,
  CheckId,
  CheckStatus,
  DkimSelector,
  DmarcCheck,
  DmarcPolicy,
  DmarcReportDestination,
  DmarcWalkStep,
  DnsblResult,
  Finding,
  MtaStsPolicy,
  MxHost,
  ProviderRequirement,
  ProviderScorecard,
  Severity,
  SmtpHostProbe,
  SpfNode,
  SpfTerm,
  SpfTreeTerm,
  TlsaRecord,
} from '../core/audit/types';
export type { DkimKey } from '../core/dkim/types';
export type { DnsQueryRecord } from '../core/dns/types';
export type { AuditSummary, MessageSummaryRow, PlacementListItem, SendSummary, TrendSeries } from '../core/history/types';
export type {
  AuthResult,
  CarriedSpamVerdict,
  ContentSummary,
  DkimSignatureResult,
  LenientResult,
  MessageAnalysis,
  MessageReadiness,
  DraftCheck,
  ReadinessArea,
  ReadinessItem,
  ReadinessStatus,
} from '../core/message/types';
export type {
  SpamDraftResult,
  SpamFilterError,
  SpamFilterName,
  SpamFilterResult,
  SpamFilterStatus,
  SpamInstallHelp,
  SpamRule,
  SpamRuleGroup,
  SpamStatus,
  SpamVerdict,
} from '../core/spam/types';
export type {
  AnalysedCopy,
  CopyAnalysis,
  RecordedByReceiver,
  FolderRole,
  ImapErrorInfo,
  ImapSecurity,
  PlacementEvent,
  PlacementRun,
  Seed,
  SeedOutcome,
  SeedProvider,
  SeedState,
  SeedTestResult,
} from '../core/placement/types';
export type { ClientFamily, ClipPoint, LinkCheck, LinkTarget, QaFinding, QaKind, QaResult, QaSummary } from '../core/qa/types';
export type { DraftChange, DraftFile } from '../core/qa/draft-watch';
export type { ConnectionResult, SendError, SendResult, SmtpProfile, SmtpSecurity, TranscriptLine } from '../core/send/types';
export type { SpfCheckOutput } from '../core/spf/types';
export type { Settings } from '../core/types';
export type { FixItem, Impact } from '../core/report/prioritize';
export type {
  AggregateSchema,
  ClassDay,
  DayVolume,
  DispositionCounts,
  ImportedReport,
  ImportResult,
  Readiness,
  Refusal,
  RefusalCode,
  ReporterSummary,
  ReportListItem,
  ReportSource,
  ReportSummary,
  SourceAddress,
  SourceClass,
  SourcesResult,
  StoredRecord,
  TlsPolicySummary,
  TlsSummary,
} from '../core/reports/types';
export type { ImportProgress } from '../core/reports/import';
export type { ImapImportResult, MailboxImport } from '../core/reports/imap-import';
export type { HealthFileResult, HealthImportResult, RowRefusal } from '../core/health/import';
export type { HealthDay, HealthRates, HealthSummary, HealthThresholds, HealthTotals, ProviderHealth, RuleSource } from '../core/health/summary';
export type { HealthCounts, HealthFormat, RecipientProvider } from '../core/health/types';
export type { AuditChanges } from '../core/report/changes';
export type { CheckedEvent } from '../core/watch/scheduler';
export type {
  ActivityItem,
  Alert,
  AlertRule,
  AlertRuleSettings,
  AlertEmailSettings,
  Client,
  ClientSummary,
  Watch,
  WatchKind,
  WatchSchedule,
  WatchSummary,
  WebhookFormat,
  WebhookSettings,
} from '../core/watch/types';
export type {
  DailyVolumeRow,
  ProviderMix,
  SegmentAdvice,
  StoredWarmupPlan,
  WarmupDay,
  WarmupDayProgress,
  WarmupPlan,
  WarmupPlanWarning,
  WarmupProgress,
  WarmupGrowthStep,
  WarmupProvider,
  WarmupProviderProgress,
  WarmupProviderSchedule,
  WarmupProviderTemplate,
  WarmupRateWarning,
  WarmupSource,
  WarmupStatus,
  WarmupTemplateInfo,
  WarmupTemplateName,
} from '../core/health/warmup-types';
