import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../electron/serve/server';
import { createHttpClient } from '../../renderer/src/client/http';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';
import { ROOT } from '../lab/cli';

let dns: DnsServer;
let server: RunningServer;
beforeAll(async () => {
  dns = await startDnsServer({ zone: loadZoneFixtures() });
  server = await startServer({ dbPath: ':memory:', resolverDefault: `127.0.0.1:${dns.port}`, rendererDir: join(ROOT, 'out', 'renderer'), version: 'test' });
});
afterAll(async () => {
  await server?.close();
  await dns?.close();
});

describe('the renderer’s HTTP client against serve', () => {
  it('calls operations through the typed client', async () => {
    const client = createHttpClient({ token: server.token, baseUrl: `http://127.0.0.1:${server.port}` });
    const result = await client.audit.run({ domain: 'shop.inherit.test' });
    expect(result.checks.dmarc).toMatchObject({ inherited: true, policy: 'reject' });
    const list = await client.history.list();
    expect(list.items.map((i) => i.domain)).toEqual(['shop.inherit.test']);
    expect((await client.app.info()).transport).toBe('http');
  });

  it('turns error answers into errors with the api’s code and message', async () => {
    const client = createHttpClient({ token: server.token, baseUrl: `http://127.0.0.1:${server.port}` });
    await expect(client.audit.run({ domain: 'not a domain' })).rejects.toMatchObject({ code: 'invalid-input', message: 'domain: Not a valid domain name: " " cannot appear in a domain name' });
    await expect(client.history.get({ id: 424242 })).rejects.toMatchObject({ code: 'not-found' });
    const intruder = createHttpClient({ token: 'wrong', baseUrl: `http://127.0.0.1:${server.port}` });
    await expect(intruder.app.info()).rejects.toThrow(/token/);
  });

  it('says serve is gone when nothing listens', async () => {
    const client = createHttpClient({ token: 't', baseUrl: 'http://127.0.0.1:9' });
    await expect(client.app.info()).rejects.toThrow(/Cannot reach Deliverlab/);
  });
});
