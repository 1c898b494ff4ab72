import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResolverUnreachableError, runAudit } from '../../electron/core/audit/run';
import type { AuditProgress, AuditResult } from '../../electron/core/audit/types';
import { renderHtml } from '../../electron/core/report/html';
import { renderMarkdown } from '../../electron/core/report/markdown';
import { fixtureAudit } from '../helpers/fixture-audit';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
});
afterAll(() => server?.close());

// The SMTP probe and HTTPS fetches have their own suites; here they would only dial fixture addresses.
const audit = (domain: string, onProgress?: (p: AuditProgress) => void) =>
  fixtureAudit(server, domain, {
    skip: ['smtp', 'http'],
    ...(onProgress ? { onProgress } : {}),
  });
/** The codes of the MX, SPF and DMARC checks: other checks have their own suites. */
const codes = (r: AuditResult) =>
  r.findings
    .filter((f) => ['mx', 'spf', 'dmarc'].includes(f.check) && f.code !== 'mx.no-ipv6' && f.code !== 'dmarc.inherited')
    .map((f) => f.code)
    .sort();

describe('audit against fixture zones', () => {
  it('finds nothing wrong with a well-configured domain', async () => {
    const r = await audit('good.test');
    expect(codes(r)).toEqual([]);
    expect(r).toMatchObject({ domain: 'good.test', grade: 'A' });
    expect(r.checks.mx.hosts).toEqual([
      { exchange: 'mail.good.test', priority: 10, addresses: ['192.0.2.10', '2001:db8::10'] },
      { exchange: 'mail2.good.test', priority: 20, addresses: ['192.0.2.11'] },
    ]);
    expect(r.checks.mx.ipv6).toBe(true);
    expect(r.checks.spf).toMatchObject({ status: 'pass', record: 'v=spf1 ip4:192.0.2.0/24 include:_spf.good.test -all', lookups: 1, voidLookups: 0, all: '-' });
    expect(r.checks.dmarc).toMatchObject({ status: 'pass', policy: 'reject', policySource: 'p', inherited: false, recordDomain: 'good.test', organizationalDomain: 'good.test' });
    expect(r.dns.length).toBeGreaterThan(3);
    expect(Date.parse(r.startedAt)).not.toBeNaN();
  });

  it('flags a domain with neither SPF nor DMARC as critical', async () => {
    const r = await audit('bad.test');
    expect(codes(r)).toEqual(['dmarc.missing', 'spf.missing']);
    expect(r.findings.filter((f) => f.check === 'spf' || f.check === 'dmarc').every((f) => f.severity === 'critical' && f.fix && f.detail)).toBe(true);
    expect(r.checks.spf.status).toBe('fail');
    expect(r.checks.dmarc.policy).toBeNull();
  });

  it('gives the DMARC and TLS-RPT records to publish as records, starting DMARC at p=none', async () => {
    const r = await audit('bad.test');
    const records = (code: string) => r.findings.find((f) => f.code === code)?.fixRecords;
    expect(records('dmarc.missing')).toEqual([{ name: '_dmarc.bad.test', type: 'TXT', value: 'v=DMARC1; p=none; rua=mailto:dmarc-reports@bad.test' }]);
    expect(records('tlsrpt.missing')).toEqual([{ name: '_smtp._tls.bad.test', type: 'TXT', value: 'v=TLSRPTv1; rua=mailto:tls-reports@bad.test' }]);
    // No sender list can be known for a domain without SPF: that fix stays in words.
    expect(records('spf.missing')).toBeUndefined();
  });

  it('warns about p=none', async () => {
    const r = await audit('monitor.test');
    expect(codes(r)).toEqual(['dmarc.policy-none']);
    expect(r.checks.dmarc.policy).toBe('none');
  });

  it('inherits DMARC from the parent by the tree walk, taking sp=', async () => {
    const r = await audit('shop.inherit.test');
    expect(codes(r)).toEqual([]);
    expect(r.checks.dmarc).toMatchObject({ inherited: true, recordDomain: 'inherit.test', policy: 'reject', policySource: 'sp', organizationalDomain: 'inherit.test' });
    expect(r.checks.dmarc.walk.slice(0, 2)).toEqual([
      { domain: 'shop.inherit.test', outcome: 'none' },
      { domain: 'inherit.test', outcome: 'record' },
    ]);
  });

  it('applies np= to a subdomain that does not exist', async () => {
    const r = await audit('ghost.inherit.test');
    expect(r.checks.dmarc).toMatchObject({ inherited: true, policy: 'reject', policySource: 'np' });
    expect(r.findings.map((f) => f.code)).toContain('domain.nxdomain');
  });

  it('says a domain that does not exist does not exist, once, with no grade and every other check skipped', async () => {
    // Blocklists and SMTP run too here: a nonexistent domain must not come out as "Blocklists: pass".
    const r = await fixtureAudit(server, 'nowhere.good.test', { network: { timeoutMs: 500 } });
    // Besides it only the DMARC walk's note that the parent's policy applies (np=, sp= or p=).
    expect(r.findings.map((f) => f.code).sort()).toEqual(['dmarc.inherited', 'domain.nxdomain']);
    expect(r.findings.find((f) => f.code === 'domain.nxdomain')).toMatchObject({ severity: 'critical', check: 'mx', title: 'nowhere.good.test does not exist' });
    expect(r).toMatchObject({ grade: 'N/A', score: 0 });
    expect(r.checks.mx.status).toBe('fail');
    const others = Object.entries(r.checks).filter(([id]) => id !== 'mx' && id !== 'dmarc');
    expect(others.map(([id]) => id)).toEqual(['spf', 'dkim', 'mtasts', 'tlsrpt', 'bimi', 'dnssec', 'ptr', 'dnsbl', 'smtp', 'providers']);
    for (const [, check] of others) expect(check).toMatchObject({ status: 'skipped', skipped: 'nowhere.good.test does not exist (NXDOMAIN)' });
    // The parent's DMARC still answers what receivers do with mail claiming to be from the name.
    expect(r.checks.dmarc).toMatchObject({ inherited: true, recordDomain: 'good.test', policy: 'reject' });
    // The reports open with the same one line.
    expect(renderHtml([r])).toContain('<p class="headline"><strong>nowhere.good.test does not exist (NXDOMAIN): nothing to grade.</strong></p>');
    expect(renderMarkdown([r])).toContain('**nowhere\\.good\\.test does not exist (NXDOMAIN): nothing to grade.**');
  });

  it('grades a name that exists with no MX (NODATA) as usual', async () => {
    const r = await audit('mail.good.test');
    expect(r.findings.map((f) => f.code)).not.toContain('domain.nxdomain');
    expect(r.grade).not.toBe('N/A');
  });

  it('shortens a deep name to seven labels, then walks up, and inherits p= without sp=', async () => {
    const r = await audit('deep.a.b.c.d.e.f.g.laxparent.test');
    expect(r.checks.dmarc.walk.map((s) => s.domain)).toEqual([
      'deep.a.b.c.d.e.f.g.laxparent.test',
      'c.d.e.f.g.laxparent.test',
      'd.e.f.g.laxparent.test',
      'e.f.g.laxparent.test',
      'f.g.laxparent.test',
      'g.laxparent.test',
      'laxparent.test',
      'test',
    ]);
    expect(r.checks.dmarc).toMatchObject({ recordDomain: 'laxparent.test', policy: 'none', policySource: 'p' });
    expect(codes(r)).toContain('dmarc.policy-none');
  });

  it('takes the organizational domain from psd=y one label below the public suffix record', async () => {
    const r = await audit('mail.org.psd.test');
    expect(r.checks.dmarc).toMatchObject({ recordDomain: 'psd.test', organizationalDomain: 'org.psd.test', inherited: true });
  });

  it('reports a null MX as information only', async () => {
    const r = await audit('nullmx.test');
    expect(r.findings.filter((f) => f.check === 'mx')).toEqual([expect.objectContaining({ code: 'mx.null', severity: 'info' })]);
    expect(r.checks.mx.nullMx).toBe(true);
  });

  it('warns about a missing MX', async () => {
    expect(codes(await audit('nomx.test'))).toEqual(['mx.missing']);
  });

  it('flags two SPF records and two DMARC records', async () => {
    const r = await audit('twospf.test');
    expect(codes(r)).toEqual(['dmarc.missing', 'dmarc.multiple', 'spf.multiple']);
    expect(r.checks.spf.records).toHaveLength(2);
    expect(r.checks.dmarc.walk[0]).toEqual({ domain: 'twospf.test', outcome: 'multiple' });
  });

  it('explains records that do not parse', async () => {
    const r = await audit('broken.test');
    expect(codes(r)).toEqual(['dmarc.policy-none', 'dmarc.syntax', 'spf.syntax']);
    const spf = r.findings.find((f) => f.code === 'spf.syntax');
    expect(spf?.detail).toMatch(/192\.0\.2\.300/);
    expect(spf?.detail).toMatch(/includ/);
    const dmarc = r.findings.find((f) => f.code === 'dmarc.syntax');
    expect(dmarc).toMatchObject({ severity: 'critical' });
    expect(dmarc?.detail).toMatch(/p=block/);
    expect(dmarc?.detail).toMatch(/reports@broken\.test/);
  });

  it('joins a multi-string SPF record without spaces', async () => {
    const r = await audit('split.test');
    expect(r.checks.spf.record).toBe('v=spf1 ip4:192.0.2.0/24 include:_spf.good.test -all');
    expect(codes(r)).toEqual([]);
  });

  it('reports progress for every check', async () => {
    const events: AuditProgress[] = [];
    await audit('good.test', (p) => events.push(p));
    const running = events.filter((e) => e.state === 'running').map((e) => e.check);
    expect(running).toEqual(expect.arrayContaining(['dmarc', 'mx', 'spf']));
    expect(new Set(running).size).toBe(running.length);
    expect(events.filter((e) => e.state === 'done').map((e) => e.check).sort()).toEqual([...running].sort());
    expect(events.at(-1)).toMatchObject({ state: 'done', done: running.length, total: running.length });
  });

  it('marks checks whose lookups failed as errors instead of inventing findings', async () => {
    const r = await audit('servfail.test');
    expect(r.checks.mx).toMatchObject({ status: 'error', error: 'ESERVFAIL' });
    expect(r.checks.spf).toMatchObject({ status: 'error', error: 'ESERVFAIL' });
    expect(codes(r)).not.toContain('spf.missing');
    // Receivers meet the same SERVFAIL and return temperror: that is a finding, not only an error.
    expect(r.findings.find((f) => f.code === 'spf.temperror')).toMatchObject({ severity: 'critical', evidence: 'servfail.test TXT: ESERVFAIL' });
  });

  it('counts an SPF include that cannot be looked up against the score, as receivers do', async () => {
    const r = await audit('tempfail.spf.test');
    expect(r.checks.spf.status).toBe('error');
    expect(r.findings.filter((f) => f.severity === 'critical').map((f) => f.code)).toEqual(['spf.temperror']);
    expect(r.score).toBeLessThanOrEqual(75);
    expect(r.grade).not.toBe('A');
  });

  it('waits for a slow server', async () => {
    const r = await runAudit('slow.test', { dns: { servers: [{ address: '127.0.0.1', port: server.port }], timeoutMs: 2500 } });
    expect(r.checks.mx.hosts.map((h) => h.exchange)).toEqual(['mx.slow.test']);
    expect(r.dns.find((q) => q.type === 'MX')?.ms).toBeGreaterThanOrEqual(1400);
  });

  it('says so when the resolver does not answer at all', async () => {
    await expect(runAudit('good.test', { dns: { servers: [{ address: '127.0.0.1', port: 9 }], timeoutMs: 200, tries: 1 } })).rejects.toBeInstanceOf(
      ResolverUnreachableError,
    );
  });
});
