/**
 * Where the core's text names a command-line flag, the app says it with the field or box on its
 * screen, chosen from the result's structure.
 */
import { describe, expect, it } from 'vitest';
import type { AuditResult, Finding, ProviderRequirement } from '../../electron/core/audit/types';
import type { MessageAnalysis } from '../../electron/core/message/types';
import { auditRequirementWhy, envelopeExplanation, findingFix, messageRequirementWhy, skippedReason } from '../../renderer/src/app-words';

const FLAG = /--[a-z]/;

function audit(checks: Record<string, unknown>): AuditResult {
  return { domain: 'example.com', checks, findings: [] } as unknown as AuditResult;
}

function message(envelope: Partial<MessageAnalysis['envelope']>, hops: unknown[] = []): MessageAnalysis {
  return {
    envelope: { ip: null, helo: null, mailFrom: null, source: 'none', trustedHop: null, explanation: 'The message has no Received headers, so the connecting IP is unknown: give it (--ip) to evaluate SPF.', ...envelope },
    hops,
  } as unknown as MessageAnalysis;
}

describe('app words', () => {
  it('tells a message without Received headers to fill in Connecting IP, not --ip', () => {
    const text = envelopeExplanation(message({}));
    expect(text).toMatch(/Connecting IP/);
    expect(text).not.toMatch(FLAG);
    expect(envelopeExplanation(message({}, [{ index: 1 }]))).toMatch(/^No Received header names an outside sending IP/);
    // A readable explanation without a flag is kept as the core wrote it.
    expect(envelopeExplanation(message({ source: 'received', ip: '192.0.2.1', explanation: 'Trusted hop 1.' }))).toBe('Trusted hop 1.');
  });

  it('names the box that turned a check off', () => {
    const mx = { status: 'pass', hosts: [{ exchange: 'mx.example.com' }], nullMx: false };
    expect(skippedReason('smtp', audit({ mx, smtp: { status: 'skipped', skipped: 'SMTP probing turned off (--skip smtp)', hosts: [] } }))).toMatch(/“SMTP probe” box/);
    // No MX to probe: the core's reason has no flag and stays.
    expect(skippedReason('smtp', audit({ mx: { ...mx, hosts: [] }, smtp: { status: 'skipped', skipped: 'no MX host to probe', hosts: [] } }))).toBe('no MX host to probe');
    expect(skippedReason('dnsbl', audit({ dnsbl: { status: 'skipped', skipped: 'Blocklist lookups were turned off (--skip dnsbl).', results: [] } }))).toMatch(/“Blocklists” box/);
    const ptr = skippedReason('ptr', audit({ ptr: { status: 'skipped', skipped: 'no MX address and no --sending-ip to check', addresses: [] } }));
    expect(ptr).toMatch(/Sending IPs box/);
    expect(ptr).not.toMatch(FLAG);
  });

  it('words the DKIM not-found fix and the providers’ notes with the options on screen', () => {
    const finding = { code: 'dkim.not-found', fix: '... audit with --selectors <name> ...' } as Finding;
    expect(findingFix(finding, 'example.com')).toMatch(/DKIM selectors box.*<selector>\._domainkey\.example\.com/);
    expect(findingFix({ code: 'spf.missing', fix: 'Publish v=spf1' } as Finding, 'example.com')).toBe('Publish v=spf1');

    const mxPtr = { status: 'pass', addresses: [{ source: 'mx', forwardConfirmed: true }] };
    const ptrWhy = 'The addresses that send your mail are not in DNS: audit again with --sending-ip <address> to check their reverse DNS. Of the MX addresses, 1 of 1 have forward-confirmed reverse DNS; that counts only if those servers also send.';
    const ptrItem: ProviderRequirement = { id: 'google.all.ptr', requirement: 'PTR', result: 'not-observable', why: ptrWhy };
    const why = auditRequirementWhy(ptrItem, audit({ ptr: mxPtr }));
    expect(why).toMatch(/Sending IPs box.*1 of 1 have forward-confirmed/);
    expect(why).not.toMatch(FLAG);

    // A rule judging SPF and DKIM at once: the DKIM sentence is swapped, the SPF one kept.
    const dkimWhy = 'No usable DKIM key at the 2 selectors tried (s1, google). DNS cannot list selectors: if you sign with another one, name it (--selectors) and audit again.';
    const both: ProviderRequirement = { id: 'google.bulk.spf-and-dkim', requirement: 'SPF and DKIM', result: 'fail', why: `SPF: SPF passes. DKIM: ${dkimWhy}` };
    const bothWhy = auditRequirementWhy(both, audit({ dkim: { status: 'fail', selectors: [], tried: ['s1', 'google'] } }));
    expect(bothWhy).toMatch(/^SPF: SPF passes\. DKIM: No usable DKIM key at the 2 selectors tried \(s1, google\)\..*DKIM selectors box/);
    expect(bothWhy).not.toMatch(FLAG);

    const spfItem: ProviderRequirement = {
      id: 'google.all.spf-or-dkim',
      requirement: 'SPF or DKIM',
      result: 'not-observable',
      why: 'SPF: The connecting IP is unknown (no Received header from the receiving server, and no --ip given), so SPF could not be evaluated. Give the IP with --ip to check it. DKIM: none.',
    };
    expect(messageRequirementWhy(spfItem, message({}))).toMatch(/^SPF: .*Enter it as Connecting IP.* DKIM: none\.$/);
    const msgPtr: ProviderRequirement = { id: 'yahoo.all.ptr', requirement: 'PTR', result: 'not-observable', why: 'The receiving hop (hop 1) does not record a reverse DNS name. Audit the domain with --sending-ip 192.0.2.1 to look the PTR up.' };
    const ptrText = messageRequirementWhy(msgPtr, message({ ip: '192.0.2.1', source: 'received', trustedHop: 1 }));
    expect(ptrText).toMatch(/hop 1.*192\.0\.2\.1 in the Sending IPs box/);
    expect(ptrText).not.toMatch(FLAG);
  });
});
