import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../electron/core/audit/run';
import type { AuditResult, ProviderRequirement } from '../../electron/core/audit/types';
import { fixtureAudit } from '../helpers/fixture-audit';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
});
afterAll(() => server?.close());

// SMTP and HTTP off: the fixture addresses are DNS data only and must never be connected to.
const audit = (domain: string, sendingIps: string[] = []) =>
  fixtureAudit(server, domain, { sendingIps, skip: ['smtp', 'http'] });
const items = (r: AuditResult): Record<string, ProviderRequirement> =>
  Object.fromEntries((r.checks.providers?.scorecards ?? []).flatMap((c) => c.items).map((i) => [i.id, i]));
// DKIM discovery may not be registered in every build: the scorecards then say DKIM is not observable.
const dkimRegistered = CHECKS.dkim !== undefined;

describe('provider scorecards', () => {
  it('passes a well-configured domain on everything DNS can show', async () => {
    const r = await audit('good.rules.test', ['203.0.113.10']);
    const p = r.checks.providers;
    expect(p?.scorecards.map((c) => `${c.provider}/${c.audience}`)).toEqual(['google/all', 'google/bulk', 'yahoo/all', 'yahoo/bulk', 'microsoft/bulk']);
    expect(p?.scorecards.every((c) => c.source?.url.startsWith('https://'))).toBe(true);
    const i = items(r);
    expect(Object.values(i).filter((x) => x.result === 'fail')).toEqual([]);
    expect(i['google.all.spf-or-dkim']?.result).toBe('pass');
    expect(i['google.bulk.dmarc']?.result).toBe('pass');
    expect(i['google.all.ptr']).toMatchObject({ result: 'pass', why: expect.stringMatching(/203\.0\.113\.10 -> mx\.good\.rules\.test/) });
    expect(i['microsoft.bulk.dkim']?.result).toBe(dkimRegistered ? 'pass' : 'not-observable');
    expect(i['google.bulk.spf-and-dkim']?.result).toBe(dkimRegistered ? 'pass' : 'not-observable');
    for (const id of ['google.bulk.dmarc-alignment', 'google.bulk.unsubscribe', 'google.all.spam-rate', 'google.all.format', 'google.all.tls']) {
      expect(i[id]?.result, id).toBe('not-observable');
    }
    expect(i['google.all.tls']?.why).toMatch(/skip smtp|not part of this audit/);
    expect(p?.status).toBe('pass');
    // The scorecards restate other checks' findings and add none of their own.
    expect(r.findings.filter((f) => f.check === 'providers')).toEqual([]);
  });

  it('fails a bare domain on SPF, DMARC and reverse DNS, and warns', async () => {
    const r = await audit('bare.rules.test', ['203.0.113.20']);
    const i = items(r);
    expect(i['google.bulk.spf-and-dkim']?.result).toBe('fail');
    expect(i['google.all.spf-or-dkim']?.result).toBe(dkimRegistered ? 'fail' : 'not-observable');
    expect(i['yahoo.bulk.dmarc']).toMatchObject({ result: 'fail', why: expect.stringMatching(/No DMARC record applies to bare\.rules\.test/) });
    expect(i['microsoft.bulk.spf']).toMatchObject({ result: 'fail', why: expect.stringMatching(/no SPF record/) });
    expect(i['google.all.ptr']).toMatchObject({ result: 'fail', why: expect.stringMatching(/203\.0\.113\.20 \(no PTR\)/) });
    expect(i['microsoft.bulk.sender-address']?.why).toMatch(/no MX record/);
    expect(r.checks.providers?.status).toBe('warn');
    expect(r.findings.filter((f) => f.check === 'providers')).toEqual([]);
  });

  it('leaves reverse DNS not observable without --sending-ip', async () => {
    const r = await audit('good.rules.test');
    expect(items(r)['google.all.ptr']).toMatchObject({ result: 'not-observable', why: expect.stringMatching(/--sending-ip.*1 of 1/) });
  });
});
