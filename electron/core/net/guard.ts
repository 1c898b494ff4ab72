/**
 * The test suites' safety catch: with DELIVERLAB_LOOPBACK_ONLY=1, core opens no connection beyond 127.0.0.0/8 and ::1.
 *
 * Fixture zones name documentation addresses (192.0.2.0/24 and friends) as MX hosts; an audit run
 * by a test must never try to reach them. vitest.config.ts sets the variable for every suite, and
 * the CLI processes the tests spawn inherit it. Users never set it.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { withTimeout } from './deadline';

export class ConnectBlockedError extends Error {
  readonly code = 'EBLOCKED';
  constructor(address: string) {
    super(`refusing to connect to ${address}: DELIVERLAB_LOOPBACK_ONLY allows only 127.0.0.0/8 and ::1`);
    this.name = 'ConnectBlockedError';
  }
}

export function isLoopback(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return address.startsWith('127.');
  if (family === 6) return /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(address) || /^::ffff:127\./i.test(address);
  return false;
}

/** Throws when loopback-only mode is on and `address` is not loopback. */
export function assertConnectAllowed(address: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.DELIVERLAB_LOOPBACK_ONLY === '1' && !isLoopback(address)) throw new ConnectBlockedError(address);
}

/**
 * For a client that resolves with the system resolver (SMTP sends, IMAP seeds): in loopback-only
 * mode, resolves `host` within `timeoutMs` and throws unless every address is loopback. A failed or
 * slow lookup throws with code EDNS. Outside that mode it returns at once, resolving nothing.
 */
export async function assertHostAllowed(host: string, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.DELIVERLAB_LOOPBACK_ONLY !== '1') return;
  if (isIP(host)) return assertConnectAllowed(host, env);
  const addresses = await withTimeout(lookup(host, { all: true }), timeoutMs, `resolving ${host}`).catch((err: unknown) => {
    throw Object.assign(new Error(`resolving ${host} failed: ${(err as Error).message}`), { code: 'EDNS' });
  });
  for (const a of addresses) assertConnectAllowed(a.address, env);
}
