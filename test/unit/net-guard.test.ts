import { describe, expect, it } from 'vitest';
import { assertConnectAllowed, isLoopback } from '../../electron/core/net/guard';

describe('loopback-only mode', () => {
  it('knows loopback addresses', () => {
    for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(isLoopback(ip), ip).toBe(true);
    for (const ip of ['192.0.2.10', '10.0.0.1', '2001:db8::1', '::', 'localhost', '128.0.0.1']) expect(isLoopback(ip), ip).toBe(false);
  });

  it('refuses other addresses only when switched on', () => {
    expect(() => assertConnectAllowed('192.0.2.10', { DELIVERLAB_LOOPBACK_ONLY: '1' })).toThrow(/refusing to connect to 192\.0\.2\.10/);
    expect(() => assertConnectAllowed('127.0.0.1', { DELIVERLAB_LOOPBACK_ONLY: '1' })).not.toThrow();
    expect(() => assertConnectAllowed('192.0.2.10', {})).not.toThrow();
  });

  it('is on in every test suite', () => {
    expect(process.env.DELIVERLAB_LOOPBACK_ONLY).toBe('1');
  });
});
