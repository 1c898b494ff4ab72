/**
 * Monitoring in the app's words: alert rules, schedules and activity, and the watch form's input.
 *
 * The rule names (`score.drop`) are the CLI's and the webhooks' contract; the app says what they mean.
 */
import type { ActivityItem, AlertRule, WatchSchedule } from '../../../electron/api/types';

export const RULE_WORDS: Record<AlertRule, string> = {
  'finding.new-critical': 'New critical finding',
  'score.drop': 'Score dropped',
  'record.changed': 'Record changed',
  'dnsbl.listed': 'Listed on a blocklist',
  'dnsbl.delisted': 'Removed from a blocklist',
  'cert.expiring': 'Certificate expiring',
  'dkim.selector-gone': 'DKIM selector gone',
};

export const ACTIVITY_WORDS: Record<ActivityItem['kind'], string> = {
  audit: 'Audit',
  message: 'Message analysis',
  send: 'Test send',
  placement: 'Placement run',
  alert: 'Alert',
};

const HOUR = 3_600_000;

export function scheduleWords(schedule: WatchSchedule): string {
  if ('at' in schedule) return `Daily at ${schedule.at}`;
  const hours = schedule.every / HOUR;
  if (Number.isInteger(hours)) return hours === 1 ? 'Every hour' : hours % 24 === 0 ? (hours === 24 ? 'Every day' : `Every ${hours / 24} days`) : `Every ${hours} hours`;
  return `Every ${Math.round(schedule.every / 60_000)} minutes`;
}

/** The domains and IP addresses typed in one box: split on commas, spaces and lines. */
export function watchTargets(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Why the hours box cannot be sent, in the app's words; undefined when it can. */
export function hoursProblem(value: string | number): string | undefined {
  const n = typeof value === 'number' ? value : Number(value);
  if (value === '' || !Number.isFinite(n)) return 'Enter how many hours apart the checks are';
  if (!Number.isInteger(n) || n < 1 || n > 720) return 'Enter a whole number of hours from 1 to 720';
  return undefined;
}

/** Why the daily time cannot be sent; undefined when it can. */
export function timeProblem(value: string): string | undefined {
  if (value.trim() === '') return 'Enter the time of the daily check, such as 07:00';
  if (!/^([01]?\d|2[0-3]):[0-5]\d$/.test(value.trim())) return 'Enter a time as hours and minutes, such as 07:00';
  return undefined;
}

/** Why the targets box cannot be sent: empty, or the first entry that is neither a domain nor an IP. */
export function targetsProblem(text: string, isIp: (value: string) => boolean, domainProblem: (value: string) => string | undefined): string | undefined {
  const targets = watchTargets(text);
  if (targets.length === 0) return 'Enter a domain or an IP address to watch';
  for (const target of targets) {
    if (isIp(target)) continue;
    const problem = domainProblem(target);
    if (problem) return `${target}: ${problem}`;
  }
  return undefined;
}
