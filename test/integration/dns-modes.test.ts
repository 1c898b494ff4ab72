import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spf } from 'mailauth';
import { ResolverUnreachableError, runAudit } from '../../electron/core/audit/run';
import { DnsError, DnsSession, type DnsSessionOptions } from '../../electron/core/dns/session';
import { parseResolverSpec } from '../../electron/core/dns/servers';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';
import { startDohServer, type DohServer } from '../lab/doh-server';
import { createTestCa, type TestCa } from '../lab/test-ca';
import { runCli } from '../lab/cli';
import { join } from 'node:path';
import { createSocket, type Socket } from 'node:dgram';
import * as packet from 'dns-packet';

const DOH_HOST = 'doh.lab.test';

let ca: TestCa;
let doh: DohServer;
let untrusted: DohServer;
let udp: DnsServer;

beforeAll(async () => {
  ca = createTestCa();
  const zone = loadZoneFixtures();
  doh = await startDohServer({ zone, tls: ca.issue([DOH_HOST, 'localhost']) });
  untrusted = await startDohServer({ zone, tls: ca.selfSigned([DOH_HOST]) });
  udp = await startDnsServer({ zone });
});
afterAll(async () => {
  await doh?.close();
  await untrusted?.close();
  await udp?.close();
  ca?.dispose();
});

const dohOptions = (path = '/dns-query', server: DohServer = doh, extra: Partial<DnsSessionOptions> = {}): DnsSessionOptions => ({
  servers: parseResolverSpec(`https://${DOH_HOST}:${server.port}${path}`),
  timeoutMs: 400,
  tries: 2,
  ca: [ca.caPem],
  // The lab's stand-in for the system resolver finding the DoH server's address.
  lab: { hosts: { [DOH_HOST]: '127.0.0.1' } },
  ...extra,
});
const dohSession = (path?: string, server?: DohServer, extra?: Partial<DnsSessionOptions>) => new DnsSession(dohOptions(path, server, extra));

describe('DNS-over-HTTPS (RFC 8484)', () => {
  it('answers like dns.promises, with id 0, over one reused connection', async () => {
    const dns = dohSession();
    const before = doh.connections();
    expect(await dns.resolveMx('good.test')).toEqual(
      expect.arrayContaining([
        { exchange: 'mail.good.test', priority: 10 },
        { exchange: 'mail2.good.test', priority: 20 },
      ]),
    );
    expect(await dns.resolveTxt('split.test')).toEqual([['v=spf1 ip4:192.0.2.0/24 ', 'include:_spf.good.test -all']]);
    expect(await dns.resolve('mail.good.test', 'AAAA')).toEqual(['2001:db8::10']);
    expect(doh.connections() - before).toBe(1);
    expect(doh.ids.every((id) => id === 0)).toBe(true);
    const url = `https://${DOH_HOST}:${doh.port}/dns-query`;
    expect(dns.resolverLabel).toBe(`DoH ${url}`);
    expect(dns.transcript[0]).toMatchObject({ name: 'good.test', type: 'MX', server: url, answer: expect.arrayContaining(['10 mail.good.test']) });
    dns.cancel();
  });

  it('gives ENOTFOUND for a missing name, ENODATA for a missing type, ESERVFAIL for SERVFAIL', async () => {
    const dns = dohSession();
    await expect(dns.resolveTxt('nowhere.good.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(dns.resolveTxt('mail.good.test')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(dns.resolveTxt('servfail.test')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    expect(dns.unreachable()).toBe(false);
    dns.cancel();
  });

  it('answers queryRaw too (DS, DNSKEY)', async () => {
    const dns = dohSession();
    const ds = await dns.queryRaw('signed.sec.test', 'DS', { dnssec: true });
    expect(ds.answers.filter((a) => a.type === 'DS')).toHaveLength(1);
    await expect(dns.queryRaw('good.test', 'DS')).rejects.toMatchObject({ code: 'ENODATA' });
    expect(dns.transcript.at(-1)).toMatchObject({ name: 'good.test', type: 'DS', error: 'ENODATA', server: expect.stringContaining('https://') });
    dns.cancel();
  });

  it('serves mailauth as its resolver', async () => {
    const dns = dohSession();
    const resolver = dns.resolve as NonNullable<Parameters<typeof spf>[0]['resolver']>;
    expect((await spf({ sender: 'a@good.test', ip: '198.51.100.7', helo: 'mail.good.test', resolver })).status.result).toBe('pass');
    expect((await spf({ sender: 'a@good.test', ip: '203.0.113.9', helo: 'mail.good.test', resolver })).status.result).toBe('fail');
    expect((await spf({ sender: 'a@nowhere.good.test', ip: '203.0.113.9', helo: 'x', resolver })).status.result).toBe('none');
    dns.cancel();
  });

  it('says the server failed on HTTP 500, and counts it as no resolver answering', async () => {
    const dns = dohSession('/status-500');
    const err = (await dns.resolveTxt('good.test').catch((e: unknown) => e)) as DnsError;
    expect(err).toBeInstanceOf(DnsError);
    expect(err.code).toBe('ESERVFAIL');
    expect(err.message).toMatch(/HTTP 500/);
    expect(dns.transcript[0]).toMatchObject({ error: 'ESERVFAIL', detail: expect.stringMatching(/answered HTTP 500/) });
    expect(dns.unreachable()).toBe(true);
    // Not retried: an HTTP answer is an answer.
    expect(doh.requests.filter((r) => r === 'POST /status-500')).toHaveLength(1);
    dns.cancel();
  });

  it('refuses a reply of the wrong content type, or one that is no DNS message', async () => {
    const wrong = dohSession('/wrong-type');
    await expect(wrong.resolveTxt('good.test')).rejects.toMatchObject({ code: 'EBADRESP', detail: expect.stringMatching(/text\/html, not application\/dns-message/) });
    expect(wrong.unreachable()).toBe(true);
    const garbage = dohSession('/garbage');
    await expect(garbage.resolveTxt('good.test')).rejects.toMatchObject({ code: 'EBADRESP', detail: expect.stringMatching(/not a DNS reply/) });
    const missing = dohSession('/nothing-here');
    await expect(missing.resolveTxt('good.test')).rejects.toMatchObject({ code: 'EBADRESP', detail: expect.stringMatching(/HTTP 404/) });
    for (const s of [wrong, garbage, missing]) s.cancel();
  });

  // How soon it gives up is a bound of `npm run bench -- limits`.
  it('gives up on a server that never answers, by its deadline, after its tries', async () => {
    const dns = dohSession('/hang', doh, { timeoutMs: 300, tries: 2 });
    await expect(dns.resolveTxt('good.test')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    expect(doh.requests.filter((r) => r === 'POST /hang')).toHaveLength(2);
    expect(dns.unreachable()).toBe(true);
    dns.cancel();
  });

  it('times out a slow answer by the fixture DELAY too', async () => {
    const dns = dohSession('/dns-query', doh, { timeoutMs: 200, tries: 1 });
    await expect(dns.resolveTxt('dead.test')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    dns.cancel();
  });

  it('refuses a certificate it cannot trust, saying so', async () => {
    // A CA the session was not given.
    const noCa = dohSession('/dns-query', doh, { ca: [] });
    const err = (await noCa.resolveTxt('good.test').catch((e: unknown) => e)) as DnsError;
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.detail).toMatch(/certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    expect(noCa.unreachable()).toBe(true);
    expect(noCa.failureDetail()).toMatch(/certificate is not trusted/);
    // A self-signed certificate.
    const selfSigned = dohSession('/dns-query', untrusted);
    await expect(selfSigned.resolveTxt('good.test')).rejects.toMatchObject({ code: 'ECONNREFUSED', detail: expect.stringMatching(/certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT/) });
    expect(untrusted.queries).toHaveLength(0);
    noCa.cancel();
    selfSigned.cancel();
  });

  it('finds the DoH host by the system resolver', async () => {
    // localhost comes from the hosts file: the system resolver, without any network.
    const dns = new DnsSession({ servers: parseResolverSpec(`doh:https://localhost:${doh.port}/dns-query`), timeoutMs: 1000, ca: [ca.caPem] });
    expect(await dns.resolveTxt('_dmarc.good.test')).toEqual([['v=DMARC1; p=reject; rua=mailto:dmarc@good.test']]);
    dns.cancel();
  });

  it('never connects beyond loopback in the test suites', async () => {
    const dns = new DnsSession({ servers: parseResolverSpec('https://192.0.2.1/dns-query'), timeoutMs: 300 });
    await expect(dns.resolveTxt('good.test')).rejects.toMatchObject({ code: 'EBLOCKED' });
    const byName = dohSession('/dns-query', doh, { lab: { hosts: { [DOH_HOST]: '192.0.2.1' } } });
    await expect(byName.resolveTxt('good.test')).rejects.toMatchObject({ code: 'EBLOCKED' });
    dns.cancel();
    byName.cancel();
  });

  it('gives a full audit the same MX, SPF and DMARC result as UDP does', async () => {
    const options = { skip: ['smtp', 'http', 'dnsbl'] as ('smtp' | 'http' | 'dnsbl')[] };
    const viaUdp = await runAudit('good.test', { ...options, dns: { servers: [{ address: '127.0.0.1', port: udp.port }], timeoutMs: 500 } });
    const viaDoh = await runAudit('good.test', { ...options, dns: { ...dohOptions(), timeoutMs: 500 } });
    expect(viaDoh.resolver).toBe(`DoH https://${DOH_HOST}:${doh.port}/dns-query`);
    for (const check of ['mx', 'spf', 'dmarc'] as const) expect(viaDoh.checks[check]).toEqual(viaUdp.checks[check]);
    expect(viaDoh.findings.map((f) => f.code).sort()).toEqual(viaUdp.findings.map((f) => f.code).sort());
    expect(viaDoh.grade).toBe(viaUdp.grade);
    expect(viaDoh.dns.every((q) => q.server === undefined || q.server.startsWith('https://'))).toBe(true);
  });

  it('works from the CLI, --ca-file trusting the lab CA, and the process ends by itself', async () => {
    const url = `https://localhost:${doh.port}/dns-query`;
    // Kept-alive connections must not hold the process open: runCli fails when it does not end on its
    // own (how soon it ends, under 5 s, is a bound of `npm run bench -- limits`).
    const run = await runCli(['audit', 'good.test', '--resolver', url, '--ca-file', join(ca.dir, 'ca.pem'), '--skip', 'smtp,http,dnsbl', '--no-history', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { resolver: string; checks: { dmarc: { policy: string } } };
    expect(result.resolver).toBe(`DoH ${url}`);
    expect(result.checks.dmarc.policy).toBe('reject');
    const untrustedRun = await runCli(['audit', 'good.test', '--resolver', url, '--skip', 'smtp,http,dnsbl', '--no-history']);
    expect(untrustedRun.code).toBe(2);
  });

  it('stops an audit whose DoH resolver only answers errors', async () => {
    await expect(runAudit('good.test', { skip: ['smtp', 'http', 'dnsbl'], dns: dohOptions('/status-500') })).rejects.toBeInstanceOf(ResolverUnreachableError);
  });
});

// Authoritative mode. The "parent" server plays the recursive resolver, with stale answers for
// child.test; the child's own server has the new ones. NS records carry no port: the lab maps them.
const PARENT = `
child.test.          NS   ns.child.test.
ns.child.test.       A    127.0.0.1
child.test.          MX   10 oldmail.child.test.
child.test.          TXT  "v=spf1 ip4:198.51.100.0/24 -all"
_dmarc.child.test.   TXT  "v=DMARC1; p=none"
oldmail.child.test.  A    192.0.2.50
other.test.          NS   ns.other.test.
ns.other.test.       A    127.0.0.1
lame.test.           NS   ns.lame.test.
ns.lame.test.        A    127.0.0.1
noaa.test.           NS   ns.noaa.test.
ns.noaa.test.        A    127.0.0.1
ref.test.            NS   ns.ref.test.
ns.ref.test.         A    127.0.0.1
ns.sub.ref.test.     A    127.0.0.1
plain.test.          TXT  "from the recursive resolver"
`;
const CHILD = `
child.test.          NS   ns.child.test.
child.test.          MX   10 mail.child.test.
child.test.          TXT  "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc.child.test.   TXT  "v=DMARC1; p=reject"
mail.child.test.     A    192.0.2.60
www.child.test.      CNAME target.other.test.
a.sub.ref.test.      TXT  "from the delegated zone"
`;
const OTHER = `
other.test.          NS   ns.other.test.
target.other.test.   A    192.0.2.77
`;

describe('authoritative mode', () => {
  let parent: DnsServer;
  let child: DnsServer;
  let other: DnsServer;
  // A server that never sets AA: lame for noaa.test, and a referral to sub.ref.test for names below it.
  let plain: Socket;
  beforeAll(async () => {
    parent = await startDnsServer({ zone: parseZone(PARENT) });
    child = await startDnsServer({ zone: parseZone(CHILD) });
    other = await startDnsServer({ zone: parseZone(OTHER) });
    plain = createSocket('udp4');
    plain.on('message', (msg, rinfo) => {
      const query = packet.decode(msg);
      const name = query.questions?.[0]?.name ?? '';
      const authorities = name.endsWith('sub.ref.test') ? [{ type: 'NS' as const, name: 'sub.ref.test', ttl: 60, data: 'ns.sub.ref.test' }] : [];
      plain.send(packet.encode({ id: query.id, type: 'response', flags: 0, questions: query.questions ?? [], authorities }), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => plain.bind(0, '127.0.0.1', () => resolve()));
  });
  afterAll(async () => {
    await parent?.close();
    await child?.close();
    await other?.close();
    plain?.close();
  });

  const authOptions = (): DnsSessionOptions => ({
    servers: parseResolverSpec(`authoritative@127.0.0.1:${parent.port}`),
    timeoutMs: 300,
    tries: 1,
    // Port 9 (discard): nothing answers there, for a dead name server.
    lab: {
      nsPorts: {
        'ns.child.test': child.port,
        'ns.other.test': other.port,
        'ns.lame.test': 9,
        'ns.noaa.test': plain.address().port,
        'ns.ref.test': plain.address().port,
        'ns.sub.ref.test': child.port,
      },
    },
  });

  it('sees the zone’s own data where the recursive resolver has the old one', async () => {
    const recursive = new DnsSession({ servers: [{ address: '127.0.0.1', port: parent.port }], timeoutMs: 300 });
    expect(await recursive.resolveTxt('_dmarc.child.test')).toEqual([['v=DMARC1; p=none']]);
    const dns = new DnsSession(authOptions());
    expect(dns.resolverLabel).toBe(`authoritative (NS via 127.0.0.1:${parent.port})`);
    expect(await dns.resolveTxt('_dmarc.child.test')).toEqual([['v=DMARC1; p=reject']]);
    expect(await dns.resolveMx('child.test')).toEqual([{ exchange: 'mail.child.test', priority: 10 }]);
    expect(dns.transcript[0]).toMatchObject({ name: '_dmarc.child.test', server: `ns.child.test (127.0.0.1:${child.port})` });
    // The zone cut was found once: NS child.test asked of the parent a single time.
    expect(parent.queries.filter((q) => q === 'NS child.test')).toHaveLength(1);
    expect(child.queries).toEqual(expect.arrayContaining(['TXT _dmarc.child.test', 'MX child.test']));
  });

  it('answers NXDOMAIN and NODATA from the zone itself', async () => {
    const dns = new DnsSession(authOptions());
    await expect(dns.resolveTxt('nothere.child.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(dns.resolveTxt('mail.child.test')).rejects.toMatchObject({ code: 'ENODATA', server: expect.stringContaining('ns.child.test') });
  });

  it('follows a CNAME into another zone', async () => {
    const dns = new DnsSession(authOptions());
    expect(await dns.resolve('www.child.test', 'A')).toEqual(['192.0.2.77']);
    expect(other.queries).toContain('A target.other.test');
    expect(await dns.resolve('www.child.test', 'CNAME')).toEqual(['target.other.test']);
  });

  it('uses the recursive answer where no zone cut is found, and says so', async () => {
    const dns = new DnsSession(authOptions());
    expect(await dns.resolveTxt('plain.test')).toEqual([['from the recursive resolver']]);
    expect(dns.transcript[0]?.server).toMatch(/no zone cut found/);
  });

  // How soon is a bound of `npm run bench -- limits`.
  it('reports a dead name server with its name, by the deadline', async () => {
    const dns = new DnsSession(authOptions());
    const err = (await dns.resolveTxt('lame.test').catch((e: unknown) => e)) as DnsError;
    expect(err).toBeInstanceOf(DnsError);
    expect(['ECONNREFUSED', 'ETIMEOUT']).toContain(err.code);
    expect(err.detail).toMatch(/ns\.lame\.test/);
  });

  it('refuses an answer without authority (a lame delegation), naming the server', async () => {
    const dns = new DnsSession(authOptions());
    const err = (await dns.resolveTxt('noaa.test').catch((e: unknown) => e)) as DnsError;
    expect(err.code).toBe('ESERVFAIL');
    expect(err.detail).toMatch(/no name server of noaa\.test answered for noaa\.test with authority: ns\.noaa\.test \(127\.0\.0\.1:\d+\) answered NOERROR without authority/);
  });

  it('follows a referral to a zone the discovery resolver did not know', async () => {
    const dns = new DnsSession(authOptions());
    expect(await dns.resolveTxt('a.sub.ref.test')).toEqual([['from the delegated zone']]);
    expect(dns.transcript[0]?.server).toMatch(/^ns\.sub\.ref\.test/);
  });

  it('gives an audit the child’s data, not the cached parent’s', async () => {
    const options = { skip: ['smtp', 'http', 'dnsbl'] as ('smtp' | 'http' | 'dnsbl')[] };
    const stale = await runAudit('child.test', { ...options, dns: { servers: [{ address: '127.0.0.1', port: parent.port }], timeoutMs: 300 } });
    expect(stale.checks.dmarc.policy).toBe('none');
    expect(stale.checks.mx.hosts.map((h) => h.exchange)).toEqual(['oldmail.child.test']);
    const fresh = await runAudit('child.test', { ...options, dns: authOptions() });
    expect(fresh.resolver).toMatch(/^authoritative/);
    expect(fresh.checks.mx.hosts).toEqual([{ exchange: 'mail.child.test', priority: 10, addresses: ['192.0.2.60'] }]);
    expect(fresh.checks.spf.record).toBe('v=spf1 ip4:192.0.2.0/24 -all');
    expect(fresh.checks.dmarc.policy).toBe('reject');
    expect(fresh.dns.find((q) => q.name === '_dmarc.child.test')?.server).toMatch(/^ns\.child\.test/);
  });
});
