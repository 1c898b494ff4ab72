import { describe, expect, it } from 'vitest';
import { alertNotice, startWatchRunner, staysOpenWithoutWindows } from '../../electron/main/watch-runner';

describe('the app’s watch runner', () => {
  it('runs until stopped, and stop waits for the run to end', async () => {
    let seen: AbortSignal | undefined;
    let ended = false;
    const runner = startWatchRunner(
      (signal) =>
        new Promise<void>((resolve) => {
          seen = signal;
          signal.addEventListener('abort', () => {
            ended = true;
            resolve();
          });
        }),
      () => {
        throw new Error('no error expected');
      },
    );
    expect(seen?.aborted).toBe(false);
    await runner.stop();
    expect(seen?.aborted).toBe(true);
    expect(ended).toBe(true);
  });

  it('reports a scheduler that fails (history off) instead of throwing', async () => {
    const errors: string[] = [];
    const runner = startWatchRunner(() => {
      throw new Error('History is off');
    }, (err) => errors.push(err.message));
    await runner.stop();
    expect(errors).toEqual(['History is off']);
  });

  it('reports a run that rejects, but not a rejection after stop', async () => {
    const errors: string[] = [];
    let reported!: () => void;
    const seen = new Promise<void>((resolve) => (reported = resolve));
    const failing = startWatchRunner(() => Promise.reject(new Error('database locked')), (err) => {
      errors.push(err.message);
      reported();
    });
    await seen;
    await failing.stop();
    const stopped = startWatchRunner((signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))), (err) => errors.push(err.message));
    await stopped.stop();
    expect(errors).toEqual(['database locked']);
  });
});

describe('an alert’s desktop notification', () => {
  it('names the watch and its client, and what changed', () => {
    expect(alertNotice({ target: 'example.com', client: 'Acme', title: 'SPF record changed', detail: 'The SPF record is not the one it was.' })).toEqual({
      title: 'example.com (Acme): SPF record changed',
      body: 'The SPF record is not the one it was.',
    });
  });

  it('keeps control characters and bidi overrides of DNS text off the desktop, and long text short', () => {
    const notice = alertNotice({ target: 'example.com', client: null, title: 'MX changed\u001b[31m', detail: `before\r\nafter\u202e${'x'.repeat(400)}` });
    expect(notice.title).toBe('example.com: MX changed [31m');
    expect([...notice.body].some((c) => c.charCodeAt(0) < 0x20 || c === '\u202e')).toBe(false);
    expect(notice.body.length).toBe(300);
    expect(notice.body.endsWith('…')).toBe(true);
  });
});

describe('closing the last window', () => {
  it('quits on Windows and Linux unless watches are to be checked in the background; macOS keeps the app as ever', () => {
    expect(staysOpenWithoutWindows('linux', false)).toBe(false);
    expect(staysOpenWithoutWindows('win32', false)).toBe(false);
    expect(staysOpenWithoutWindows('linux', true)).toBe(true);
    expect(staysOpenWithoutWindows('win32', true)).toBe(true);
    expect(staysOpenWithoutWindows('darwin', false)).toBe(true);
  });
});
