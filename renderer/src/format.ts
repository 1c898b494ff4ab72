/**
 * How values read in the UI: severities, statuses, grades, dates and durations.
 */
import type { CheckStatus, Severity } from '../../electron/api/types';
import { dkimKeyRefusal, secretStoreReason } from './app-words';
import { errorFields } from './forms/api-errors';

export const SEVERITY_COLOR: Record<Severity, string> = {
  critical: 'red',
  warning: 'orange',
  info: 'blue',
};

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'Critical',
  warning: 'Warning',
  info: 'Info',
};

export const STATUS_COLOR: Record<CheckStatus, string> = {
  pass: 'green',
  warn: 'orange',
  fail: 'red',
  info: 'blue',
  error: 'gray',
  skipped: 'gray',
};

export const STATUS_LABEL: Record<CheckStatus, string> = {
  pass: 'Pass',
  warn: 'Warning',
  fail: 'Fail',
  info: 'Info',
  error: 'Error',
  skipped: 'Skipped',
};

export function gradeColor(grade: string): string {
  switch (grade.charAt(0).toUpperCase()) {
    case 'A':
      return 'green';
    case 'B':
      return 'lime';
    case 'C':
      return 'yellow';
    case 'D':
      return 'orange';
    default:
      return 'red';
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export interface Issue {
  path: string;
  message: string;
}

/**
 * The message of whatever a client call rejected with, in the app's words.
 *
 * Not `instanceof Error`: the preload rejects with a plain frozen object carrying message, code
 * and issues, because Electron's IPC would strip them from an Error. Refused input reads as its
 * messages without the api's field paths ("Not a valid domain name", not "domain: Not a valid
 * domain name"); errors whose command-line message names a flag are worded by their code.
 */
export function errorMessage(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const e = err as { message?: unknown; code?: unknown; reason?: unknown; params?: Record<string, unknown>; fields?: unknown };
  if (e.code === 'dns-unreachable' && e.params && typeof e.params.resolver === 'string') {
    const detail = typeof e.params.detail === 'string' && e.params.detail ? ` (${e.params.detail})` : '';
    return e.params.resolver === 'system'
      ? `The system DNS resolver did not answer${detail}: check the network connection, or choose a DNS resolver under Settings.`
      : `The DNS resolver ${e.params.resolver} did not answer${detail}: check its address and port under Settings, or choose another.`;
  }
  if (e.reason === 'history-off') return 'This Deliverlab was started without a history file, so nothing can be saved in it.';
  const dkimKey = dkimKeyRefusal(e.reason, e.params);
  if (dkimKey) return dkimKey;
  if (e.reason === 'secrets-unavailable' && e.params) return `The secret was not saved. ${secretStoreReason(e.params, { remedy: false })}`;
  if (e.code === 'invalid-input') {
    const fields = errorFields(err);
    if (fields.length > 0) return fields.map((f) => f.message).join(' ');
  }
  if (typeof e.message === 'string' && e.message) return e.message;
  // Never "[object Object]" on screen.
  return 'Deliverlab could not finish this, and gave no reason.';
}

/** The api's validation issues, when the error carries them. */
export function errorIssues(err: unknown): Issue[] {
  const issues = typeof err === 'object' && err !== null ? (err as { issues?: unknown }).issues : undefined;
  if (!Array.isArray(issues)) return [];
  return issues
    .filter((i): i is { path: unknown; message: string } => typeof i === 'object' && i !== null && typeof i.message === 'string')
    .map((i) => ({ path: String(i.path ?? ''), message: i.message }));
}
