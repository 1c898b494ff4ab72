/**
 * The DNS fixture server as a process of its own: `npx tsx test/lab/dns-serve.ts [--delay MS] [--zone FILE]... [--port N]`.
 *
 * Prints `port N` once listening, and serves until it is signalled (Ctrl+C, SIGTERM). Developers use it
 * to audit the fixture zones by hand (`deliverlab audit good.test --resolver 127.0.0.1:N`); the
 * benchmarks use it so the server's work does not count against Deliverlab's own.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadZoneFixtures, parseZone, startDnsServer } from './dns-server';

const { values } = parseArgs({
  options: { delay: { type: 'string' }, zone: { type: 'string', multiple: true } },
  strict: true,
});
const zone = values.zone?.length ? values.zone.reduce((z, file) => parseZone(readFileSync(file, 'utf8'), z), parseZone('')) : loadZoneFixtures();
const server = await startDnsServer({ zone, delayMs: Number(values.delay ?? 0) });
process.stdout.write(`port ${server.port}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
