/**
 * Sources of generated reports with known senders, classified through reverse DNS answered by the
 * fixture server on loopback (test/fixtures/zones/reports.zone): each source's organisation and
 * class, a failed lookup said and never guessed, the cache, the drill-down and the readiness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../electron/api/handlers';
import { DnsSession } from '../../electron/core/dns/session';
import { HistoryStore } from '../../electron/core/history/store';
import { reportReadiness, reportSources } from '../../electron/core/reports/analysis';
import { importReports } from '../../electron/core/reports/import';
import type { ReadinessPolicy, SourcesResult } from '../../electron/core/reports/types';
import { aggregateXml, KNOWN_DOMAIN, KNOWN_SOURCES, knownRecords, tlsJson } from '../helpers/dmarc-reports';
import { fixtureDns } from '../helpers/fixture-audit';
import { tempDbPaths } from '../helpers/temp-db';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

const tmp = tempDbPaths('reports-sources');
let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
});
afterAll(() => server?.close());

/** Three days of reports from two reporters: day 1 and 2 from reporter A, day 2 again from B. */
const DAY1 = Date.UTC(2024, 5, 3) / 1000;
const NOW = new Date(Date.UTC(2024, 5, 20, 12));
const files = () => [
  { name: 'a1.xml', bytes: Buffer.from(aggregateXml({ org: 'google.com', reportId: 'a1', domain: KNOWN_DOMAIN, begin: DAY1, records: knownRecords(1) })) },
  { name: 'a2.xml', bytes: Buffer.from(aggregateXml({ org: 'google.com', reportId: 'a2', domain: KNOWN_DOMAIN, begin: DAY1 + 86_400, records: knownRecords(2) })) },
  { name: 'b2.xml', bytes: Buffer.from(aggregateXml({ org: 'Yahoo', reportId: 'b2', domain: KNOWN_DOMAIN, begin: DAY1 + 86_400, records: knownRecords(1), dmarcbis: true })) },
];

async function seeded(): Promise<HistoryStore> {
  const store = HistoryStore.open(tmp());
  const result = await importReports({ files: files() }, { store });
  expect(result).toMatchObject({ imported: 3, refused: [] });
  return store;
}

const withDns = async <T>(fn: (dns: DnsSession) => Promise<T>): Promise<T> => {
  const dns = new DnsSession(fixtureDns(server));
  try {
    return await fn(dns);
  } finally {
    dns.cancel();
  }
};

describe('report sources', () => {
  it('groups and classifies every known source, naming the fix of the misconfigured ones', async () => {
    const store = await seeded();
    try {
      const result = (await withDns((dns) => reportSources(store, { domain: KNOWN_DOMAIN, since: '30d' }, { dns, now: NOW }))) as SourcesResult & { readinessPolicy: ReadinessPolicy };
      const s = KNOWN_SOURCES;
      const byOrg = Object.fromEntries(result.sources.map((x) => [x.organization, x]));
      // Four units of volume: one day at 1x, one at 2x, and the second reporter's day at 1x.
      expect(result.sources.map((x) => [x.organization, x.class, x.ips, x.messages, x.dmarcPass, x.spfAlignedPass, x.dkimAlignedPass])).toEqual([
        ['Google Workspace', 'compliant', [s.google.ip], 2000, 2000, 2000, 2000],
        ['Amazon SES', 'compliant', [s.ses.ip], 800, 800, 0, 800],
        ['SendGrid', 'misconfigured', [s.sendgrid.ip], 480, 0, 0, 0],
        ['forwarding.example', 'forwarded', [s.forwarder.ip], 160, 160, 0, 160],
        [s.spoofer.ip, 'unknown', [s.spoofer.ip], 120, 0, 0, 0],
        ['brand.test', 'misconfigured', [s.own.ip], 100, 0, 0, 0],
        ['discussion.example', 'forwarded', [s.list.ip], 40, 0, 0, 0],
        [s.broken.ip, 'unknown', [s.broken.ip], 20, 0, 0, 0],
      ]);
      expect(byOrg.SendGrid?.fix).toMatch(/^Add a DKIM CNAME for SendGrid/);
      expect(byOrg.SendGrid?.sender).toEqual({ id: 'sendgrid', name: 'SendGrid', by: 'ptr' });
      expect(byOrg['brand.test']?.fix).toMatch(/^Sign this server's mail with DKIM for brand\.test/);
      expect(byOrg.SendGrid?.dkimDomains).toEqual([{ domain: 'sendgrid.info', result: 'pass', messages: 480 }]);
      expect(byOrg['discussion.example']?.overridden).toBe(40);
      // SERVFAIL for the reverse zone: said, and the address stands alone.
      expect(byOrg[s.broken.ip]?.addresses).toEqual([{ ip: s.broken.ip, messages: 20, ptr: [], ptrError: 'SERVFAIL' }]);
      expect(byOrg[s.broken.ip]?.why).toMatch(/^its reverse DNS could not be looked up/);
      expect(byOrg[s.spoofer.ip]?.addresses).toEqual([{ ip: s.spoofer.ip, messages: 120, ptr: [] }]);
      expect(result.lookupFailures).toBe(1);
      expect(result.days).toEqual([
        { day: '2024-06-03', compliant: 700, forwarded: 50, misconfigured: 145, unknown: 35 },
        { day: '2024-06-04', compliant: 2100, forwarded: 150, misconfigured: 435, unknown: 105 },
      ]);
    } finally {
      store.close();
    }
  });

  it('keeps reverse DNS answers in history: a second view asks the resolver nothing', async () => {
    const store = await seeded();
    try {
      await withDns((dns) => reportSources(store, { domain: KNOWN_DOMAIN, since: '30d' }, { dns, now: NOW }));
      const asked = server.queries.length;
      const again = await withDns((dns) => reportSources(store, { domain: KNOWN_DOMAIN, since: '30d' }, { dns, now: NOW }));
      expect(server.queries.length).toBe(asked);
      expect(again.sources.map((x) => x.organization)).toContain('SendGrid');
      // A failure is kept for a short while only: a quarter of an hour later it is asked again.
      await withDns((dns) => reportSources(store, { domain: KNOWN_DOMAIN, since: '30d' }, { dns, now: new Date(NOW.getTime() + 16 * 60_000) }));
      expect(server.queries.slice(asked)).toEqual([`PTR ${KNOWN_SOURCES.broken.ip.split('.').reverse().join('.')}.in-addr.arpa`]);
    } finally {
      store.close();
    }
  });

  it('says how ready the domain is for enforcement, from the sources and the reported policy', async () => {
    const store = await seeded();
    try {
      const r = await withDns((dns) => reportReadiness(store, { domain: KNOWN_DOMAIN, since: '30d' }, { dns, now: NOW }));
      expect(r).toMatchObject({ legitimateMessages: 3580, legitimatePass: 2960, unknownMessages: 140, ready: false, verdict: 'not-ready' });
      // The SERVFAIL address is unidentified, but the failing legitimate sources decide without it.
      expect(r.unidentified).toEqual({ messages: 20, failing: 20, addresses: 1, failed: 1, pending: 0 });
      expect(r.hurt.map((h) => [h.organization, h.failing])).toEqual([
        ['SendGrid', 480],
        ['brand.test', 100],
        ['discussion.example', 40],
      ]);
      expect(r.current).toEqual({ reported: { p: 'none', sp: 'none', pct: null, testing: 'n' }, audited: null });
      expect(r.next).toMatchObject({ policy: 'quarantine', pct: 25, testing: true });
    } finally {
      store.close();
    }
  });

  it('cannot judge the readiness while lookups fail or wait, and says how much is unidentified', async () => {
    const ptrName = (ip: string) => `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
    const failing = await startDnsServer({ zone: parseZone(Object.values(KNOWN_SOURCES).map((x) => `${ptrName(x.ip)} SERVFAIL`).join('\n')) });
    const store = HistoryStore.open(tmp());
    try {
      const s = KNOWN_SOURCES;
      // Everything legitimate passes but the domain's own server, which only its name can tell apart from a spoofer.
      const records = knownRecords(1).filter((r) => ([s.google.ip, s.ses.ip, s.own.ip, s.spoofer.ip, s.broken.ip] as string[]).includes(r.ip));
      await importReports({ files: [{ name: 'f.xml', bytes: Buffer.from(aggregateXml({ org: 'google.com', reportId: 'f1', domain: KNOWN_DOMAIN, begin: DAY1, records })) }] }, { store });
      const dns = new DnsSession(fixtureDns(failing));
      try {
        // Two lookups at most this time: the other addresses wait for the next view.
        const r = await reportReadiness(store, { domain: KNOWN_DOMAIN, since: '30d' }, { dns, now: NOW, maxLookups: 2 });
        expect(r).toMatchObject({ verdict: 'cannot-judge', ready: false, legitimatePass: 700, legitimateMessages: 700 });
        // By volume: Google (500) and SES (200) are looked up and fail; SES is still known by its DKIM signature.
        expect(r.unidentified).toEqual({ messages: 60, failing: 60, addresses: 3, failed: 0, pending: 3 });
        expect(r.why).toMatch(/^60 messages from 3 addresses cannot be identified, because 3 addresses are not looked up yet/);
        const again = await reportReadiness(store, { domain: KNOWN_DOMAIN, since: '30d' }, { dns, now: NOW });
        expect(again).toMatchObject({ verdict: 'cannot-judge', unidentified: { messages: 60, addresses: 3, failed: 3, pending: 0 } });
      } finally {
        dns.cancel();
      }
    } finally {
      store.close();
      await failing.close();
    }
  });

  it('drills down from a source to its records, through the operations the app calls', async () => {
    const path = tmp();
    const api = createApi({ dbPath: path, transport: 'ipc', version: '0', emit: () => {} });
    try {
      const imported = (await api.dispatch('reports.import', { files: files().map((f) => ({ name: f.name, data: f.bytes.toString('base64') })) })) as { imported: number };
      expect(imported.imported).toBe(3);
      const records = (await api.dispatch('reports.records', { domain: KNOWN_DOMAIN, since: '2024-06-01', until: '2024-06-30', ips: [KNOWN_SOURCES.sendgrid.ip] })) as { total: number; items: { org: string; reportId: string; count: number; dkimAuth: unknown[] }[] };
      expect(records.total).toBe(3);
      expect(records.items.map((r) => [r.org, r.reportId, r.count])).toEqual([
        ['google.com', 'a2', 240],
        ['Yahoo', 'b2', 120],
        ['google.com', 'a1', 120],
      ]);
      expect(records.items[0]?.dkimAuth).toEqual([{ domain: 'sendgrid.info', selector: 's1', result: 'pass' }]);
      const tls = tlsJson({ org: 'mta.example', reportId: 't1', begin: DAY1, policies: [{ type: 'sts', domain: 'otherxbrand.test', successes: 4, failures: 0 }, { type: 'sts', domain: KNOWN_DOMAIN, successes: 5, failures: 1 }] });
      await api.dispatch('reports.import', { files: [{ name: 't1.json', data: Buffer.from(tls).toString('base64') }] });
      const tlsOnly = (await api.dispatch('reports.list', { kind: 'tls', domain: KNOWN_DOMAIN })) as { total: number; items: { reportId: string; domain: string; records: number; messages: number }[] };
      expect(tlsOnly).toEqual({ total: 1, items: [expect.objectContaining({ reportId: 't1', domain: `otherxbrand.test,${KNOWN_DOMAIN}`, records: 2, messages: 10 })] });
      // "_" is no wildcard: other_brand.test is not otherxbrand.test.
      expect(((await api.dispatch('reports.list', { kind: 'tls', domain: 'other_brand.test' })) as { total: number }).total).toBe(0);
      const list = (await api.dispatch('reports.list', { kind: 'dmarc' })) as { total: number; items: { kind: string; reportId: string; records: number; messages: number; source: string }[] };
      expect(list.total).toBe(3);
      expect(list.items.map((i) => [i.kind, i.reportId, i.records, i.source]).sort()).toEqual([
        ['dmarc', 'a1', 8, 'a1.xml'],
        ['dmarc', 'a2', 8, 'a2.xml'],
        ['dmarc', 'b2', 8, 'b2.xml'],
      ]);
    } finally {
      api.close();
    }
  });

  it('refuses paths from the app (over HTTP and over IPC): a page sends the files themselves', async () => {
    const api = createApi({ dbPath: tmp(), transport: 'http', version: '0', emit: () => {} });
    const ipc = createApi({ dbPath: tmp(), transport: 'ipc', version: '0', emit: () => {} });
    try {
      const refusal = { code: 'invalid-input', message: "From the app, send the files' contents (files), not paths." };
      await expect(api.dispatch('reports.import', { paths: ['/etc/passwd'] })).rejects.toMatchObject(refusal);
      await expect(ipc.dispatch('reports.import', { paths: ['/etc/passwd'] })).rejects.toMatchObject(refusal);
      await expect(ipc.dispatch('health.import', { paths: ['/etc/passwd'] })).rejects.toMatchObject(refusal);
      await expect(api.dispatch('reports.summary', { domain: KNOWN_DOMAIN, since: 'last week' })).rejects.toMatchObject({ code: 'invalid-input' });
    } finally {
      ipc.close();
      api.close();
    }
  });
});
