import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSpf } from '../../electron/core/audit/spf';
import { TREE_LIMITS } from '../../electron/core/audit/spf-tree';
import type { AuditContext } from '../../electron/core/audit/context';
import type { AuditResult, SpfNode } from '../../electron/core/audit/types';
import { DnsSession } from '../../electron/core/dns/session';
import { fixtureAudit, fixtureDns } from '../helpers/fixture-audit';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
});
afterAll(() => server?.close());

const spfOnly = async (domain: string, s: DnsServer = server) => {
  const dns = new DnsSession({ servers: [{ address: '127.0.0.1', port: s.port }], timeoutMs: 300, tries: 1 });
  const ctx = { domain, dns, options: {}, skipped: () => false, need: () => Promise.reject(new Error('not needed')) } as unknown as AuditContext;
  return checkSpf(ctx);
};
const codes = (out: { findings: { code: string }[] }) => out.findings.map((f) => f.code).sort();

describe('SPF tree', () => {
  it('counts lookups through every include, per RFC 7208 §4.6.4', async () => {
    const out = await spfOnly('lookups.spf.test');
    expect(out.check.lookups).toBe(11);
    expect(codes(out)).toEqual(['spf.lookup-limit']);
    const f = out.findings[0];
    expect(f?.severity).toBe('critical');
    expect(f?.detail).toMatch(/include:p1\.spf\.test \(4\)/);
    expect(f?.fix).toMatch(/include:p1\.spf\.test \(4\)/);
    const tree = out.check.tree as SpfNode;
    expect(tree.terms.map((t) => [t.text, t.cost])).toEqual([
      ['mx', 1],
      ['include:p1.spf.test', 4],
      ['include:p2.spf.test', 3],
      ['include:p3.spf.test', 3],
      ['-all', 0],
    ]);
    expect(tree.terms[1]?.child?.terms.find((t) => t.name === 'include')?.child?.record).toBe('v=spf1 ip4:198.51.100.0/24 ~all');
  });

  it('accepts exactly ten', async () => {
    const out = await spfOnly('ten.spf.test');
    expect(out.check.lookups).toBe(10);
    expect(codes(out)).toEqual([]);
  });

  it('counts void lookups and flags more than two', async () => {
    const three = await spfOnly('void.spf.test');
    expect(three.check.voidLookups).toBe(3);
    expect(codes(three)).toEqual(['spf.void-limit']);
    expect(three.findings[0]?.detail).toMatch(/a:gone1\.spf\.test.*mx:gone2\.spf\.test.*exists:gone3\.spf\.test/);
    const two = await spfOnly('twovoid.spf.test');
    expect(two.check.voidLookups).toBe(2);
    expect(codes(two)).toEqual([]);
  });

  it.each([
    ['allpass.spf.test', ['spf.all-pass'], 'critical'],
    ['neutral.spf.test', ['spf.all-neutral'], 'warning'],
    ['noall.spf.test', ['spf.all-neutral'], 'warning'],
  ])('judges the all mechanism of %s', async (domain, expected, severity) => {
    const out = await spfOnly(domain);
    expect(codes(out)).toEqual(expected);
    expect(out.findings[0]?.severity).toBe(severity);
    // The fix softfails (never drops a sender at once) and names -all as the strict variant.
    expect(out.findings[0]?.fixRecords).toEqual([{ name: domain, type: 'TXT', value: 'v=spf1 ip4:192.0.2.0/24 ~all' }]);
    expect(out.findings[0]?.fix).toMatch(/"-all" \(fail\) is the strict variant/);
  });

  it('rewrites "v=spf1 +all" with the domain\'s own MX and address as senders, ending in ~all', async () => {
    const out = await spfOnly('bareall.spf.test');
    expect(codes(out)).toEqual(['spf.all-pass']);
    expect(out.findings[0]?.fixRecords).toEqual([{ name: 'bareall.spf.test', type: 'TXT', value: 'v=spf1 mx a ~all' }]);
    expect(out.findings[0]?.fix).toContain('Publish at bareall.spf.test: "v=spf1 mx a ~all"');
  });

  it('keeps every include, mechanism and modifier of a +all record', async () => {
    const out = await spfOnly('incall.spf.test');
    expect(out.findings.find((f) => f.code === 'spf.all-pass')?.fixRecords?.[0]?.value).toBe('v=spf1 include:p4.spf.test mx a ip6:2001:db8::/32 ~all exp=exp.incall.spf.test');
  });

  it('takes the all of a redirect target, and ignores redirect beside all', async () => {
    expect(codes(await spfOnly('softfail.spf.test'))).toEqual([]);
    const redirect = await spfOnly('redirect.spf.test');
    expect(codes(redirect)).toEqual([]);
    expect(redirect.check.lookups).toBe(1);
    const both = await spfOnly('redirectall.spf.test');
    expect(both.check.lookups).toBe(0);
    expect(both.check.tree?.terms.find((t) => t.name === 'redirect')?.error).toMatch(/ignored/);
  });

  it('warns about ptr', async () => {
    const out = await spfOnly('ptr.spf.test');
    expect(codes(out)).toEqual(['spf.ptr']);
    expect(out.check.lookups).toBe(1);
  });

  it('flags include and redirect targets without a record, and counts their void lookup', async () => {
    const inc = await spfOnly('incmissing.spf.test');
    expect(codes(inc)).toEqual(['spf.include-missing', 'spf.include-missing']);
    expect(inc.findings.map((f) => f.title)).toEqual([
      'Include target nothing.spf.test has no SPF record',
      'Include target nospf.spf.test has no SPF record',
    ]);
    expect(inc.check.voidLookups).toBe(1);
    const redir = await spfOnly('redirmissing.spf.test');
    expect(codes(redir)).toEqual(['spf.all-neutral', 'spf.include-missing']);
    const two = await spfOnly('twoinc.spf.test');
    expect(codes(two)).toEqual(['spf.include-missing']);
    expect(two.findings[0]?.title).toMatch(/several SPF records/);
  });

  it('detects loops, including a record that includes itself', async () => {
    const loop = await spfOnly('loop.spf.test');
    expect(codes(loop)).toEqual(['spf.loop']);
    expect(loop.findings[0]?.detail).toMatch(/loop\.spf\.test → loop2\.spf\.test → loop\.spf\.test/);
    expect(codes(await spfOnly('selfloop.spf.test'))).toEqual(['spf.loop']);
  });

  it('counts a shared include twice without calling it a loop', async () => {
    const out = await spfOnly('diamond.spf.test');
    expect(codes(out)).toEqual([]);
    expect(out.check.lookups).toBe(3);
  });

  it('shows macro terms as not statically resolvable, never as errors', async () => {
    const out = await spfOnly('macro.spf.test');
    expect(codes(out)).toEqual(['spf.macro']);
    expect(out.findings[0]?.severity).toBe('info');
    expect(out.check.lookups).toBe(2);
    expect(out.check.voidLookups).toBe(0);
  });

  it.each([
    ['incdead.spf.test', 'dead.spf.test', 'ETIMEOUT', /no answer \(timeout\)/],
    ['incservfail.spf.test', 'servfail.spf.test', 'ESERVFAIL', /SERVFAIL/],
    ['incgarbled.spf.test', 'garbled.spf.test', 'EBADRESP', /a malformed answer/],
  ])('reports an include whose lookup fails (%s) as spf.temperror, never as a pass', async (domain, target, code, words) => {
    const out = await spfOnly(domain);
    expect(out.check.status).toBe('error');
    expect(out.check.error).toContain(`TXT ${target}`);
    expect(codes(out)).toEqual(['spf.temperror']);
    const f = out.findings[0];
    expect(f).toMatchObject({ severity: 'critical', evidence: `${target} TXT: ${code}` });
    expect(f?.title).toContain(target);
    expect(f?.detail).toMatch(words);
    expect(f?.detail).toMatch(/temperror/);
    expect(out.check.tree?.terms.find((t) => t.name === 'include')?.child?.error).toBe(`lookup failed: ${code}`);
  });

  it('reports a redirect whose target fails as a temperror, not as a record without all', async () => {
    const out = await spfOnly('redirfail.spf.test');
    expect(codes(out)).toEqual(['spf.temperror']);
    expect(out.findings[0]?.detail).toMatch(/redirect=servfail\.spf\.test/);
  });

  it('reports failed a: and exists: lookups, naming the query that failed', async () => {
    const out = await spfOnly('amechfail.spf.test');
    expect(out.check.status).toBe('error');
    expect(out.findings.map((f) => f.evidence).sort()).toEqual(['servfail.spf.test A: ESERVFAIL', 'v6fail.spf.test AAAA: ESERVFAIL']);
    expect(out.findings.every((f) => f.code === 'spf.temperror' && f.severity === 'critical')).toBe(true);
    const a = out.check.tree?.terms.find((t) => t.name === 'a');
    expect(a).toMatchObject({ voids: 0, error: 'lookup failed: AAAA v6fail.spf.test: SERVFAIL' });
  });

  it('ends a CNAME loop with a clear branch error', async () => {
    const out = await spfOnly('inccname.spf.test');
    expect(out.check.tree?.terms[0]?.child?.record).toBeNull();
    expect(out.check.tree?.terms[0]?.child?.error).toBeTruthy();
  });
});

describe('hostile SPF data', () => {
  let hostile: DnsServer;
  beforeAll(async () => {
    // A chain of 1,000 includes, a record of 300 includes, and a huge TXT answer.
    const lines = ['chain.hostile.test. TXT "v=spf1 include:c1.hostile.test -all"'];
    for (let i = 1; i < 1000; i++) lines.push(`c${i}.hostile.test. TXT "v=spf1 include:c${i + 1}.hostile.test -all"`);
    const wide = Array.from({ length: 300 }, (_, i) => `include:w${i}.hostile.test`).join(' ');
    const chunks = wide.match(/.{1,250}/g) ?? [];
    lines.push(`wide.hostile.test. TXT "v=spf1 " ${chunks.map((c) => `"${c}"`).join(' ')} " -all"`);
    for (let i = 0; i < 300; i++) lines.push(`w${i}.hostile.test. TXT "v=spf1 a -all"`);
    lines.push(`huge.hostile.test. TXT ${Array.from({ length: 200 }, () => `"${'x'.repeat(250)}"`).join(' ')}`);
    lines.push('huge.hostile.test. TXT "v=spf1 ip4:192.0.2.0/24 -all"');
    lines.push('utf8.hostile.test. TXT "v=spf1 ip4:192.0.2.0/24 include:bücher.example -all"');
    hostile = await startDnsServer({ zone: parseZone(lines.join('\n')) });
  });
  afterAll(() => hostile?.close());

  it('stops a 1,000-include chain, bounded, and still says it is over the limit', async () => {
    const before = hostile.queries.length;
    const out = await spfOnly('chain.hostile.test', hostile);
    // Bounded by the tree's limits, not by the zone: the chain is followed to its depth cap and no
    // further (how long that takes is a bound of `npm run bench -- limits`).
    const asked = hostile.queries.slice(before);
    expect(asked).toContain(`TXT c${TREE_LIMITS.depth - 1}.hostile.test`);
    expect(asked).not.toContain(`TXT c${TREE_LIMITS.depth + 1}.hostile.test`);
    expect(asked.length).toBeLessThanOrEqual(TREE_LIMITS.lookups);
    expect(codes(out)).toContain('spf.lookup-limit');
    expect(out.findings.find((f) => f.code === 'spf.lookup-limit')?.title).toMatch(/\+ DNS lookups/);
  });

  it('bounds a record with hundreds of includes', async () => {
    const out = await spfOnly('wide.hostile.test', hostile);
    expect(out.check.lookups).toBeGreaterThan(10);
    expect(codes(out)).toContain('spf.lookup-limit');
  });

  it('finds the SPF record in a huge TXT answer (over TCP)', async () => {
    const out = await spfOnly('huge.hostile.test', hostile);
    expect(out.check.record).toBe('v=spf1 ip4:192.0.2.0/24 -all');
  });

  it('reports non-ASCII in a term as a syntax error', async () => {
    const out = await spfOnly('utf8.hostile.test', hostile);
    expect(codes(out)).toContain('spf.syntax');
  });
});

describe('MX hosts', () => {
  let zone: DnsServer;
  beforeAll(async () => {
    zone = await startDnsServer({
      zone: parseZone(`
alias.mx.test. MX 10 mailalias.mx.test.
mailalias.mx.test. CNAME real.mx.test.
real.mx.test. A 192.0.2.60
dead.mx.test. MX 10 nowhere.mx.test.
half.mx.test. MX 10 nowhere.mx.test.
half.mx.test. MX 20 real.mx.test.
v6.mx.test. MX 10 six.mx.test.
six.mx.test. AAAA 2001:db8::60
`),
    });
  });
  afterAll(() => zone?.close());
  const mx = (d: string) => fixtureAudit(zone, d, { dns: fixtureDns(zone, 300) });
  const mxCodes = (r: AuditResult) => r.findings.filter((f) => f.check === 'mx').map((f) => `${f.code}:${f.severity}`).sort();

  it('flags an MX that is an alias', async () => {
    const r = await mx('alias.mx.test');
    expect(mxCodes(r)).toEqual(['mx.cname:warning', 'mx.no-ipv6:info']);
    expect(r.checks.mx.hosts[0]).toMatchObject({ cname: 'real.mx.test', addresses: ['192.0.2.60'] });
    expect(r.findings.find((f) => f.code === 'mx.cname')?.fix).toBe('Point the MX at the real name: "alias.mx.test. MX 10 real.mx.test."');
  });

  it('flags an MX host without an address: critical when it is the only one', async () => {
    expect(mxCodes(await mx('dead.mx.test'))).toEqual(['mx.no-address:critical']);
    expect(mxCodes(await mx('half.mx.test'))).toEqual(['mx.no-address:warning', 'mx.no-ipv6:info']);
  });

  it('notes IPv6', async () => {
    const r = await mx('v6.mx.test');
    expect(r.checks.mx.ipv6).toBe(true);
    expect(mxCodes(r)).toEqual([]);
  });
});
