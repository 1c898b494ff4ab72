/**
 * The one deadline: settles with the work, or rejects with the error the caller chose.
 */
import { describe, expect, it } from 'vitest';
import { withDeadline, withTimeout } from '../../electron/core/net/deadline';

/** Work that never settles: only the deadline or the stop can end the wait. */
const never = () => new Promise<never>(() => {});

class StepTimeout extends Error {
  readonly kind = 'timeout';
}

describe('deadline', () => {
  it('settles as the work does when it comes first', async () => {
    let made = 0;
    const timedOut = () => (made++, new StepTimeout('late'));
    expect(await withDeadline(Promise.resolve(42), 60_000, timedOut)).toBe(42);
    await expect(withDeadline(Promise.reject(new Error('refused')), 60_000, timedOut)).rejects.toThrow(/^refused$/);
    // The caller's error is made only when the deadline wins.
    expect(made).toBe(0);
  });

  it('rejects with exactly the error the caller gives, once the time is up', async () => {
    const err = await withDeadline(never(), 5, () => new StepTimeout('the TLS handshake took longer than 5 ms')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepTimeout);
    expect(err).toMatchObject({ message: 'the TLS handshake took longer than 5 ms', kind: 'timeout' });
  });

  it('keeps the ETIMEDOUT shape of withTimeout', async () => {
    const err = await withTimeout(never(), 5, 'LIST').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: 'ETIMEDOUT', message: 'LIST got no answer within 5 ms' });
  });

  it('rejects with the stop error when the caller stops first, and at once when it already has', async () => {
    const controller = new AbortController();
    const cancelled = () => Object.assign(new Error('the send was cancelled'), { code: 'ECANCELLED' });
    const timedOut = () => Object.assign(new Error('no result after 60000 ms'), { code: 'ETIMEDOUT' });
    const running = withDeadline(never(), 60_000, timedOut, { signal: controller.signal, error: cancelled });
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'ECANCELLED', message: 'the send was cancelled' });
    await expect(withDeadline(never(), 60_000, timedOut, { signal: controller.signal, error: cancelled })).rejects.toMatchObject({ code: 'ECANCELLED' });
  });

  it('names the deadline, not the stop, when the time is up first', async () => {
    const controller = new AbortController();
    const err = await withDeadline(never(), 5, () => new StepTimeout('late'), { signal: controller.signal, error: () => new Error('stopped') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepTimeout);
  });

  it('leaves no unhandled rejection when the work fails after the deadline', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { promise, reject } = Promise.withResolvers<never>();
      await expect(withDeadline(promise, 5, () => new StepTimeout('late'))).rejects.toBeInstanceOf(StepTimeout);
      reject(new Error('closed after the deadline'));
      // Two turns of the event loop: time for Node to report an unhandled rejection.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
