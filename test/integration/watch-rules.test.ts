/**
 * Watches against the loopback labs, pass after pass, the fixture zones changing between them: the
 * DNS fixture server, an SMTP peer with STARTTLS and an HTTPS host (MTA-STS policy, BIMI files),
 * their certificates from the lab's CA valid for 30 days. Each rule fires exactly once for its
 * change and nothing fires when nothing changed; the first pass only sets the baseline.
 *
 * The scheduler's clock is the test's: a pass is run by moving it past the watches' next time. The
 * certificates come within 21 days of their end when the servers are started again with ones the
 * lab's CA issued for 10 days.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../electron/api/handlers';
import type { Alert, WatchSummary } from '../../electron/core/watch/types';
import { parseZone, rsaKeyTxt, startDnsServer, type DnsServer, type Zone } from '../lab/dns-server';
import { startHttpsServer, type HttpsLab } from '../lab/https-server';
import { startSmtpServer, type SmtpLabServer } from '../lab/smtp-server';
import { createTestCa, type TestCa } from '../lab/test-ca';
import { blocklistTestEntries } from '../helpers/blocklist-test-entries';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('watch-rules');
const D = 'w.watch.test';
const BAD = 'bad.watch.test';
const IP = '127.0.0.9';
const HOUR = 3_600_000;

let zone: Zone;
let dns: DnsServer;
let ca: TestCa;
let https: HttpsLab;
let smtp: SmtpLabServer;
let api: Api;
let now = new Date();
const raised: Alert[] = [];

const key = () => rsaKeyTxt(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString());

/** Replaces every record at `name` with `lines` (zone text without the name). */
function publish(name: string, ...lines: string[]): void {
  zone.records.delete(name);
  if (lines.length) parseZone(lines.map((l) => `${name}. ${l}`).join('\n'), zone);
}

const service = () => api.watchService({ network: { smtpPort: smtp.port, httpsPort: https.port, ca: [ca.caPem], timeoutMs: 3000 } }, { clock: () => now });

/** One pass, `advance` ms of the test's clock after the last: the alerts it raised, as "rule target subject", sorted. */
async function pass(advance = 7 * HOUR): Promise<string[]> {
  now = new Date(now.getTime() + advance);
  const result = await service().runOnce();
  expect(result.errors).toEqual([]);
  return result.alerts.map((a) => `${a.rule} ${a.target} ${a.subject}`).sort();
}

/** The SMTP peer and the HTTPS host, their certificates (MX, MTA-STS host, BIMI mark) valid for `days` from now. */
async function startLabs(days: number): Promise<void> {
  const mxCert = ca.issue([`mx.${D}`], { validDays: days });
  const stsCert = ca.issue([`mta-sts.${D}`], { validDays: days });
  const bimiCert = ca.issue([`bimi.${D}`], { validDays: days });
  const mark = ca.issue([D], { validDays: days }).cert;
  smtp = await startSmtpServer({ mode: 'good', cert: mxCert, hostname: `mx.${D}` });
  https = await startHttpsServer({
    fallback: stsCert,
    sites: {
      [`mta-sts.${D}`]: { tls: stsCert, files: { '/.well-known/mta-sts.txt': { body: `version: STSv1\nmode: enforce\nmx: mx.${D}\nmax_age: 86400\n`, headers: { 'content-type': 'text/plain' } } } },
      [`bimi.${D}`]: {
        tls: bimiCert,
        files: {
          '/logo.svg': { body: '<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps"><title>W</title></svg>', headers: { 'content-type': 'image/svg+xml' } },
          '/vmc.pem': { body: mark, headers: { 'content-type': 'application/x-pem-file' } },
          '/vmc2.pem': { body: mark, headers: { 'content-type': 'application/x-pem-file' } },
        },
      },
    },
  });
}

beforeAll(async () => {
  ca = createTestCa('Deliverlab Watch Test CA');
  await startLabs(30);
  // The blocklists answer their test entries (RFC 5782 §5), as a resolver they accept does.
  zone = parseZone(blocklistTestEntries());
  publish(D, `MX 10 mx.${D}.`, 'TXT "v=spf1 ip4:192.0.2.10 -all"');
  publish(`mx.${D}`, 'A 127.0.0.1');
  publish('1.0.0.127.in-addr.arpa', `PTR mx.${D}.`);
  publish(`_dmarc.${D}`, `TXT "v=DMARC1; p=reject; rua=mailto:dmarc@${D}"`);
  publish(`wsel1._domainkey.${D}`, `TXT ${key()}`);
  publish(`wsel2._domainkey.${D}`, `TXT ${key()}`);
  publish(`_mta-sts.${D}`, 'TXT "v=STSv1; id=1"');
  publish(`mta-sts.${D}`, 'A 127.0.0.1');
  publish(`_smtp._tls.${D}`, `TXT "v=TLSRPTv1; rua=mailto:tls@${D}"`);
  publish(`default._bimi.${D}`, `TXT "v=BIMI1; l=https://bimi.${D}/logo.svg; a=https://bimi.${D}/vmc.pem"`);
  publish(`bimi.${D}`, 'A 127.0.0.1');
  publish(BAD, `MX 10 mx.${D}.`);
  publish('9.0.0.127.in-addr.arpa', `PTR mail.${D}.`);
  publish(`mail.${D}`, `A ${IP}`);
  dns = await startDnsServer({ zone });
  api = createApi({ dbPath: tmp(), transport: 'cli', version: 'test', resolverDefault: `127.0.0.1:${dns.port}`, emit: (event, payload) => event === 'alert.raised' && raised.push(payload as Alert) });
  await api.dispatch('watch.add', { targets: [D], selectors: ['wsel1', 'wsel2'] });
  await api.dispatch('watch.add', { targets: [BAD], skip: ['http'] });
  await api.dispatch('watch.add', { targets: [IP] });
  // New watches are due at once: the test's clock starts just after they were added.
  now = new Date(new Date().getTime() + 1000);
});

afterAll(async () => {
  api?.close();
  await Promise.all([dns?.close(), https?.close(), smtp?.close()]);
  ca?.dispose();
});

describe('watches over changing zones', () => {
  it('sets the baseline on the first pass: the criticals already present, nothing else', async () => {
    const first = await service().runOnce();
    expect(first.checked).toBe(3);
    expect(first.alerts.map((a) => `${a.rule} ${a.target} ${a.title}`).sort()).toEqual([`finding.new-critical ${BAD} No DMARC record`, `finding.new-critical ${BAD} No SPF record`]);
    expect(first.alerts.find((a) => a.title === 'No DMARC record')).toMatchObject({ auditId: expect.any(Number), fix: expect.stringContaining(`_dmarc.${BAD}`) });
    // Each alert reached the app's event as it was raised.
    expect(raised.map((a) => a.id)).toEqual(first.alerts.map((a) => a.id));
    const watches = ((await api.dispatch('watch.list', {})) as { items: WatchSummary[] }).items;
    expect(watches.map((w) => [w.target, w.baseline, w.last?.grade ?? null])).toEqual(
      expect.arrayContaining([
        [D, true, expect.stringMatching(/^[AB]$/)],
        [IP, true, null],
      ]),
    );
    // Checked, and not due again for six hours: a second pass now checks nothing, unless asked for one.
    expect((await service().runOnce()).checked).toBe(0);
    const ip = watches.find((w) => w.target === IP);
    expect(await api.dispatch('watch.check', { ids: [ip?.id] })).toEqual({ checked: 1, alerts: [], errors: [] });
  });

  it('raises nothing when nothing changed', async () => {
    expect(await pass()).toEqual([]);
  });

  it('raises record.changed once for a changed SPF record, with before and after', async () => {
    publish(D, `MX 10 mx.${D}.`, 'TXT "v=spf1 ip4:192.0.2.11 -all"');
    const alerts = await pass();
    expect(alerts).toEqual([`record.changed ${D} SPF record`]);
    expect(raised.at(-1)).toMatchObject({ before: 'v=spf1 ip4:192.0.2.10 -all', after: 'v=spf1 ip4:192.0.2.11 -all', title: `The SPF record of ${D} changed` });
    expect(await pass()).toEqual([]);
  });

  it('raises dkim.selector-gone once for a DKIM key removed', async () => {
    publish(`wsel2._domainkey.${D}`);
    expect(await pass()).toEqual([`dkim.selector-gone ${D} wsel2`]);
    expect(raised.at(-1)?.fix).toMatch(new RegExp(`^If mail is still signed with wsel2, publish the key again: wsel2\\._domainkey\\.${D.replace(/\./g, '\\.')}\\. TXT "v=DKIM1; k=rsa; p=`));
    expect(await pass()).toEqual([]);
  });

  it('raises record.changed once each for MX, DMARC, the MTA-STS id and BIMI changed together', async () => {
    publish(D, `MX 20 mx.${D}.`, 'TXT "v=spf1 ip4:192.0.2.11 -all"');
    publish(`_dmarc.${D}`, `TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@${D}"`);
    publish(`_mta-sts.${D}`, 'TXT "v=STSv1; id=2"');
    publish(`default._bimi.${D}`, `TXT "v=BIMI1; l=https://bimi.${D}/logo.svg; a=https://bimi.${D}/vmc2.pem"`);
    expect(await pass()).toEqual([`record.changed ${D} BIMI record`, `record.changed ${D} DMARC record`, `record.changed ${D} MTA-STS record`, `record.changed ${D} MX hosts`]);
    expect(await pass()).toEqual([]);
  });

  it('raises dnsbl.listed when a sending IP is listed and dnsbl.delisted when it is not any more, once each', async () => {
    publish('9.0.0.127.zen.spamhaus.org', 'A 127.0.0.2');
    expect(await pass()).toEqual([`dnsbl.listed ${IP} ${IP} zen.spamhaus.org`]);
    expect(raised.at(-1)).toMatchObject({ title: `${IP} is listed on Spamhaus ZEN`, after: 'listed (127.0.0.2)', fix: expect.stringContaining('check.spamhaus.org') });
    expect(await pass()).toEqual([]);
    publish('9.0.0.127.zen.spamhaus.org');
    expect(await pass()).toEqual([`dnsbl.delisted ${IP} ${IP} zen.spamhaus.org`]);
    expect(await pass()).toEqual([]);
  });

  it('raises no dnsbl.delisted while the list does not answer its test entry: its "not listed" is not believed', async () => {
    publish('9.0.0.127.zen.spamhaus.org', 'A 127.0.0.2');
    expect(await pass()).toEqual([`dnsbl.listed ${IP} ${IP} zen.spamhaus.org`]);
    // The resolver starts answering NXDOMAIN for the list's names, its test entry among them.
    publish('9.0.0.127.zen.spamhaus.org');
    publish('2.0.0.127.zen.spamhaus.org');
    expect(await pass()).toEqual([]);
    expect(await pass()).toEqual([]);
    // Once the list answers again, its "not listed" counts: the listing kept meanwhile ends now.
    publish('2.0.0.127.zen.spamhaus.org', 'A 127.0.0.2');
    expect(await pass()).toEqual([`dnsbl.delisted ${IP} ${IP} zen.spamhaus.org`]);
    expect(await pass()).toEqual([]);
  });

  it('raises record.changed for a sending IP whose reverse DNS no longer resolves back', async () => {
    publish(`mail.${D}`, 'A 127.0.0.10');
    expect(await pass()).toEqual([`record.changed ${IP} PTR`]);
    expect(raised.at(-1)).toMatchObject({ before: `mail.${D}`, after: `mail.${D} (does not resolve back to the address)` });
    expect(await pass()).toEqual([]);
  });

  it('raises a new critical, the record change and the score drop for a DMARC record removed, once each', async () => {
    publish(`_dmarc.${D}`);
    expect(await pass()).toEqual([`finding.new-critical ${D} dmarc.missing\u0000No DMARC record`, `record.changed ${D} DMARC record`, `score.drop ${D} score`]);
    expect(raised.find((a) => a.rule === 'score.drop')?.title).toMatch(new RegExp(`^The score of ${D.replace(/\./g, '\\.')} fell \\d+ points, from \\d+ to \\d+$`));
    expect(await pass()).toEqual([]);
  });

  it('raises cert.expiring once for each certificate within 21 days of its end: MX STARTTLS, MTA-STS, the BIMI mark', async () => {
    // The servers now present certificates issued for 10 days.
    await Promise.all([smtp.close(), https.close()]);
    await startLabs(10);
    expect(await pass()).toEqual([`cert.expiring ${BAD} mx:mx.${D}`, `cert.expiring ${D} bimi`, `cert.expiring ${D} mta-sts`, `cert.expiring ${D} mx:mx.${D}`]);
    expect(raised.at(-1)?.title).toMatch(/ expires in \d days$/);
    expect(raised.find((a) => a.subject === 'mta-sts')?.fix).toMatch(new RegExp(`^Renew the certificate of mta-sts\\.${D.replace(/\./g, '\\.')} before \\d{4}-\\d\\d-\\d\\d`));
    expect(await pass()).toEqual([]);
  });

  it('acknowledges an alert and keeps it out of the open ones', async () => {
    const open = (await api.dispatch('alerts.list', { open: true })) as { total: number; items: Alert[] };
    expect(open.total).toBe(raised.length);
    const first = raised[0] as Alert;
    expect(await api.dispatch('alerts.ack', { id: first.id })).toMatchObject({ id: first.id, open: false, ackedAt: expect.any(String) });
    expect(((await api.dispatch('alerts.list', { open: true })) as { total: number }).total).toBe(raised.length - 1);
  });
});
