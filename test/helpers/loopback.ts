/**
 * Loopback addresses and ports for tests that need one nothing answers on, or one nobody used before.
 */
import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * A port on 127.0.0.1 where nothing listens: bound by the system, then closed, so a connection to it
 * is refused at once (ECONNREFUSED) instead of waiting for a deadline.
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * A random address in 127.0.0.0/8 other than 127.0.0.1, to connect from.
 *
 * Dovecot delays logins from an address that just failed one (auth penalty, per client IP): a test
 * that fails a login on purpose comes from its own address, so other logins are not slowed.
 */
export const freshLoopback = () => `127.${randomInt(1, 250)}.${randomInt(0, 250)}.${randomInt(1, 250)}`;
