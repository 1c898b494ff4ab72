/**
 * How values read in the UI: severities, statuses, grades, dates and durations.
 */
import type { CheckStatus, Severity } from '../../electron/core/audit/types';

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
 * The message of whatever a client call rejected with.
 *
 * Not `instanceof Error`: the preload rejects with a plain frozen object carrying message, code
 * and issues, because Electron's IPC would strip them from an Error.
 */
export function errorMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}

/** The api's validation issues, when the error carries them. */
export function errorIssues(err: unknown): Issue[] {
  const issues = typeof err === 'object' && err !== null ? (err as { issues?: unknown }).issues : undefined;
  if (!Array.isArray(issues)) return [];
  return issues
    .filter((i): i is { path: unknown; message: string } => typeof i === 'object' && i !== null && typeof i.message === 'string')
    .map((i) => ({ path: String(i.path ?? ''), message: i.message }));
}
