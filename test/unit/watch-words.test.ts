import { describe, expect, it } from 'vitest';
import { domainProblem, isIp } from '../../renderer/src/forms/validators';
import { hoursProblem, scheduleWords, targetsProblem, timeProblem, watchTargets } from '../../renderer/src/watch/words';

describe('the watch form in the app’s words', () => {
  it('reads domains and IPs separated by commas, spaces or lines', () => {
    expect(watchTargets(' example.com,192.0.2.10\n\nexample.org ; 2001:db8::1 ')).toEqual(['example.com', '192.0.2.10', 'example.org', '2001:db8::1']);
  });

  it('names the entry that is neither a domain nor an IP, and asks for one when the box is empty', () => {
    const problem = (text: string) => targetsProblem(text, isIp, (v) => domainProblem(v));
    expect(problem('  ')).toBe('Enter a domain or an IP address to watch');
    expect(problem('example.com 192.0.2.10')).toBeUndefined();
    expect(problem('example.com, exa_mple..com')).toMatch(/^exa_mple\.\.com: /);
  });

  it('takes whole hours from 1 to 720 and a daily time as HH:MM', () => {
    expect(hoursProblem(6)).toBeUndefined();
    expect(hoursProblem('')).toBe('Enter how many hours apart the checks are');
    expect(hoursProblem(0)).toBe('Enter a whole number of hours from 1 to 720');
    expect(hoursProblem(1.5)).toBe('Enter a whole number of hours from 1 to 720');
    expect(timeProblem('07:00')).toBeUndefined();
    expect(timeProblem('7:05')).toBeUndefined();
    expect(timeProblem('24:00')).toBe('Enter a time as hours and minutes, such as 07:00');
    expect(timeProblem('')).toBe('Enter the time of the daily check, such as 07:00');
  });

  it('says a schedule as a person would', () => {
    expect(scheduleWords({ every: 6 * 3_600_000 })).toBe('Every 6 hours');
    expect(scheduleWords({ every: 3_600_000 })).toBe('Every hour');
    expect(scheduleWords({ every: 24 * 3_600_000 })).toBe('Every day');
    expect(scheduleWords({ every: 48 * 3_600_000 })).toBe('Every 2 days');
    expect(scheduleWords({ every: 90 * 60_000 })).toBe('Every 90 minutes');
    expect(scheduleWords({ at: '07:00', timezone: 'Europe/Paris' })).toBe('Daily at 07:00');
  });
});
