import { describe, expect, it } from 'vitest';
import { toIpcError, unwrapReply } from '../../electron/preload/ipc-reply';

function rejection(reply: unknown): unknown {
  try {
    unwrapReply(reply);
  } catch (err) {
    return err;
  }
  throw new Error('expected unwrapReply to throw');
}

describe('unwrapReply', () => {
  it('returns the result of a successful reply, including undefined and falsy ones', () => {
    expect(unwrapReply({ ok: true, result: { items: [], total: 0 } })).toEqual({ items: [], total: 0 });
    expect(unwrapReply({ ok: true, result: 0 })).toBe(0);
    expect(unwrapReply({ ok: true })).toBeUndefined();
  });

  it('throws a plain error object that keeps code, message and issues (the contextBridge keeps these)', () => {
    const err = rejection({
      ok: false,
      error: { code: 'invalid-input', message: 'resolver: bad', issues: [{ path: 'resolver', message: 'bad' }] },
    }) as Record<string, unknown>;
    expect(err).not.toBeInstanceOf(Error);
    expect(err).toMatchObject({
      name: 'ApiError',
      code: 'invalid-input',
      message: 'resolver: bad',
      issues: [{ path: 'resolver', message: 'bad' }],
    });
    expect(String(err)).toBe('resolver: bad');
    expect(Object.isFrozen(err)).toBe(true);
  });

  it('leaves issues out when there are none', () => {
    const err = rejection({ ok: false, error: { code: 'not-found', message: 'There is no audit #4 in history.' } });
    expect(err).not.toHaveProperty('issues');
    expect(err).toMatchObject({ code: 'not-found' });
  });

  it.each([undefined, null, 'ok', 42, {}, { ok: 'yes' }, { ok: false }, { ok: false, error: 'boom' }, { ok: false, error: { code: 1 } }])(
    'turns a malformed reply %j into an internal error',
    (reply) => {
      expect(rejection(reply)).toMatchObject({ name: 'ApiError', code: 'internal' });
    },
  );
});

describe('toIpcError', () => {
  it('copies issues as plain strings', () => {
    const err = toIpcError({
      code: 'invalid-input',
      message: 'm',
      issues: [{ path: 'a.b', message: 'x' }],
    });
    expect(err.issues).toEqual([{ path: 'a.b', message: 'x' }]);
  });
});
