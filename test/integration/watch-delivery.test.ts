/**
 * Where alerts go: a webhook receiver on loopback that is down, then fails twice more, then
 * accepts; and an alert email through a saved SMTP profile to a loopback SMTP sink.
 *
 * The checks are not held up by a webhook that is down, the deliveries owed survive a restart (a
 * new api on the same database), every one arrives once accepted, in the order the alerts were
 * raised, signed. Waits are on the deliverer's own events, never on time.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../electron/api/handlers';
import type { HistoryStore } from '../../electron/core/history/store';
import { HistoryStore as Store } from '../../electron/core/history/store';
import type { Alert, Delivery } from '../../electron/core/watch/types';
import { parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';
import { startSmtpSink, type SmtpSink } from '../lab/smtp-sink';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('watch-delivery');
const SECRET = 'lab-webhook-secret';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

let dns: DnsServer;
let receiver: Server;
let url: string;
const requests: Received[] = [];
/** How many requests to answer 500 before accepting. */
let failing = 0;

beforeAll(async () => {
  // Three domains with no SPF and no DMARC: each first check raises two criticals.
  dns = await startDnsServer({ zone: parseZone(['one', 'two', 'three'].map((d) => `${d}.hook.test. MX 10 mx.${d}.hook.test.\nmx.${d}.hook.test. A 127.0.0.1`).join('\n')) });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const status = failing > 0 ? 500 : 204;
      if (failing > 0) failing--;
      requests.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await dns?.close();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
});

function open(path: string, env: NodeJS.ProcessEnv = {}): Api {
  return createApi({ dbPath: path, transport: 'cli', version: 'test', resolverDefault: `127.0.0.1:${dns.port}`, env, emit: () => {} });
}

const signature = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

describe('the alert webhook', () => {
  it('keeps checking while the receiver is down, keeps what it owes across a restart, then delivers it in order, signed, once accepted', async () => {
    const path = tmp();
    failing = Infinity;
    const first = open(path, { DELIVERLAB_WEBHOOK_SECRET: SECRET });
    await first.dispatch('settings.set', { alertWebhook: { url, format: 'json' } });
    await first.dispatch('watch.add', { targets: ['one.hook.test', 'two.hook.test', 'three.hook.test'], skip: ['smtp', 'http', 'dnsbl'] });
    const pass = await first.watchService({}, { backoff: () => 0 }).runOnce();
    // The checks were done and recorded; the receiver refused the first delivery, and the rest waited behind it.
    expect(pass.checked).toBe(3);
    expect(pass.alerts).toHaveLength(6);
    expect(requests.map((r) => r.status)).toEqual([500]);
    first.close();

    // A new process on the same history: the deliveries are still owed. The receiver fails once more, then accepts.
    failing = 1;
    const delivered: Delivery[] = [];
    const failed: string[] = [];
    const allDelivered = Promise.withResolvers<void>();
    const second = open(path, { DELIVERLAB_WEBHOOK_SECRET: SECRET });
    const stop = new AbortController();
    const running = second
      .watchService(
        {},
        {
          backoff: () => 0,
          onFailed: (_d, error) => failed.push(error),
          onDelivered: (d) => {
            delivered.push(d);
            if (delivered.length === 6) allDelivered.resolve();
          },
        },
      )
      .run(stop.signal);
    await allDelivered.promise;
    stop.abort();
    await running;
    second.close();

    expect(failed).toEqual(['the webhook answered HTTP 500']);
    expect(requests.map((r) => r.status)).toEqual([500, 500, 204, 204, 204, 204, 204, 204]);
    const ids = pass.alerts.map((a) => a.id);
    const bodies = requests.map((r) => JSON.parse(r.body) as { type: string; delivery: number; alert: Alert });
    // The first delivery was tried three times; then each alert once, in the order they were raised.
    expect(bodies.map((b) => b.alert.id)).toEqual([ids[0], ids[0], ...ids]);
    expect(new Set(bodies.slice(2).map((b) => b.delivery)).size).toBe(6);
    expect(bodies[2]).toMatchObject({ type: 'deliverlab.alert', alert: { rule: 'finding.new-critical', target: 'one.hook.test', watch: { kind: 'domain', target: 'one.hook.test' } } });
    for (const r of requests) {
      expect(r.headers['x-deliverlab-signature']).toBe(signature(r.body));
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(requests.map((r) => Number(r.headers['x-deliverlab-delivery']))).toEqual(bodies.map((b) => b.delivery));
    expect(delivered.map((d) => d.attempts)).toEqual([3, 1, 1, 1, 1, 1]);

    const store: HistoryStore = Store.open(path);
    expect(store.pendingDeliveries()).toEqual({ webhook: 0, email: 0 });
    store.close();
  });

  it('posts Slack- and Teams-shaped bodies when the setting says so', async () => {
    const path = tmp();
    requests.length = 0;
    failing = 0;
    for (const format of ['slack', 'teams'] as const) {
      const api = open(path);
      await api.dispatch('settings.set', { alertWebhook: { url, format } });
      if (format === 'slack') await api.dispatch('watch.add', { targets: ['one.hook.test'], skip: ['smtp', 'http', 'dnsbl'] });
      else await api.dispatch('watch.check', { ids: [1] });
      if (format === 'slack') await api.watchService().runOnce();
      api.close();
    }
    // The Teams pass found nothing new: only the Slack pass raised alerts. Deliveries take the format set when they are sent.
    const slack = requests.map((r) => JSON.parse(r.body) as { text: string; blocks: { type: string }[] });
    expect(slack).toHaveLength(2);
    expect(slack[0]?.text).toMatch(/^No (SPF|DMARC) record \(domain one\.hook\.test\)$/);
    expect(slack[0]?.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(requests[0]?.headers['x-deliverlab-signature']).toBeUndefined();

    requests.length = 0;
    const api = open(path);
    await api.dispatch('settings.set', { alertWebhook: { format: 'teams' } });
    const store = Store.open(path);
    // A delivery owed is posted in the format set at the time it is sent.
    store.transaction((db) => db.prepare('UPDATE outbox SET delivered_at = NULL, attempts = 0').run());
    store.close();
    await api.watchService().runOnce();
    api.close();
    const teams = requests.map((r) => JSON.parse(r.body) as { type: string; attachments: { contentType: string; content: { type: string; body: { type: string }[] } }[] });
    expect(teams).toHaveLength(2);
    expect(teams[0]).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } }] });
    expect(teams[0]?.attachments[0]?.content.body.map((b) => b.type)).toEqual(['TextBlock', 'TextBlock', 'FactSet', 'TextBlock']);
  });
});

describe('the alert email', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('sends each alert through the saved SMTP profile to the addresses set', async () => {
    const api = open(tmp());
    await api.dispatch('smtp.save', { profile: { name: 'alerts', host: '127.0.0.1', port: sink.port, security: 'none', from: 'Deliverlab <alerts@hook.test>' } });
    await api.dispatch('settings.set', { alertEmail: { profile: 'alerts', to: ['ops@hook.test'] } });
    await api.dispatch('watch.add', { targets: ['two.hook.test'], skip: ['smtp', 'http', 'dnsbl'] });
    const pass = await api.watchService().runOnce();
    api.close();
    expect(pass.alerts).toHaveLength(2);
    expect(sink.received).toHaveLength(2);
    const [message] = sink.received;
    expect(message).toMatch(/^Subject: Deliverlab alert: No (SPF|DMARC) record$/m);
    expect(message).toMatch(/^To: ops@hook\.test$/m);
    expect(message).toContain('Rule: finding.new-critical. Watch: domain two.hook.test.');
  });
});
