/**
 * How a report source is identified and classified, and when a stronger DMARC policy is safe: pure
 * functions over the volumes the receivers reported.
 */
import { describe, expect, it } from 'vitest';
import { classifySource, type SourceFacts } from '../../electron/core/reports/classify';
import { assessReadiness } from '../../electron/core/reports/readiness';
import { identifySender, SENDERS } from '../../electron/core/reports/senders';
import type { ReportSource } from '../../electron/core/reports/types';

const sender = (id: string) => SENDERS.find((s) => s.id === id) ?? null;
const facts = (over: Partial<SourceFacts>): SourceFacts => ({
  organization: 'example.net',
  messages: 100,
  dmarcPass: 100,
  spfAligned: 100,
  dkimAligned: 100,
  dkimSurvived: 0,
  overridden: 0,
  sender: null,
  own: false,
  ptrFailed: false,
  ...over,
});

describe('the catalogue of known senders', () => {
  it('names the services the issue lists, each with its signals, and a fix for every sender', () => {
    const names = SENDERS.map((s) => s.name);
    for (const name of ['Google Workspace', 'Microsoft 365', 'Amazon SES', 'SendGrid', 'Mailgun', 'Mailchimp', 'Mandrill (Mailchimp Transactional)', 'Postmark', 'SparkPost', 'Brevo (Sendinblue)', 'HubSpot', 'Salesforce', 'Zendesk']) {
      expect(names).toContain(name);
    }
    for (const s of SENDERS) {
      expect(s.ptr.length + s.dkim.length + s.spf.length, s.id).toBeGreaterThan(0);
      if (s.kind === 'sender') expect(s.fix.dkim, s.id).toMatch(/DKIM|sign/i);
    }
    expect(new Set(SENDERS.map((s) => s.id)).size).toBe(SENDERS.length);
  });

  it('identifies a sender by reverse DNS first, then a passing DKIM d=, then a passing SPF domain, by whole labels', () => {
    expect(identifySender({ ptr: ['o1.ptr4231.sendgrid.net'], dkim: [], spf: [] })).toMatchObject({ sender: { id: 'sendgrid' }, by: 'ptr' });
    expect(identifySender({ ptr: ['host.example.net'], dkim: ['example-com.20230601.gappssmtp.com'], spf: [] })).toMatchObject({ sender: { id: 'google-workspace' }, by: 'dkim' });
    expect(identifySender({ ptr: [], dkim: ['brand.test'], spf: ['us-east-1.amazonses.com'] })).toMatchObject({ sender: { id: 'amazon-ses' }, by: 'spf' });
    // "notsendgrid.net" is not below sendgrid.net.
    expect(identifySender({ ptr: ['mail.notsendgrid.net'], dkim: [], spf: [] })).toBeNull();
    expect(identifySender({ ptr: [], dkim: [], spf: [] })).toBeNull();
  });
});

describe('source classes', () => {
  it('a known sender or the domain\'s own server that passes is compliant', () => {
    expect(classifySource(facts({ sender: sender('google-workspace') }), 'brand.test')).toEqual({ class: 'compliant', why: '100% of its messages pass DMARC' });
    expect(classifySource(facts({ own: true, dmarcPass: 96 }), 'brand.test').class).toBe('compliant');
  });

  it('SPF failing while DKIM survives is forwarding, as is mail the receivers let through as forwarded', () => {
    expect(classifySource(facts({ spfAligned: 0, dkimSurvived: 100 }), 'brand.test')).toEqual({
      class: 'forwarded',
      why: 'SPF fails but DKIM survives for 100% of its messages: mail forwarded by this server',
    });
    expect(classifySource(facts({ dmarcPass: 0, spfAligned: 0, dkimAligned: 0, overridden: 80 }), 'brand.test')).toMatchObject({ class: 'forwarded', why: expect.stringMatching(/receivers let 80% through as forwarded mail/) });
    expect(classifySource(facts({ sender: sender('google-groups'), dmarcPass: 0 }), 'brand.test')).toMatchObject({ class: 'forwarded', why: 'Google Groups forwards or redistributes mail sent as brand.test' });
  });

  it('a known sender that fails is misconfigured, with its fix: DKIM first when DKIM is not aligned', () => {
    const sendgrid = classifySource(facts({ sender: sender('sendgrid'), dmarcPass: 0, spfAligned: 0, dkimAligned: 0 }), 'brand.test');
    expect(sendgrid).toMatchObject({ class: 'misconfigured', why: 'SendGrid sends as brand.test but 100 of 100 messages (100%) fail DMARC: it is not aligned' });
    expect(sendgrid.fix).toMatch(/^Add a DKIM CNAME for SendGrid/);
    const own = classifySource(facts({ own: true, organization: 'brand.test', dmarcPass: 10, spfAligned: 10, dkimAligned: 0 }), 'brand.test');
    expect(own).toMatchObject({ class: 'misconfigured', fix: expect.stringMatching(/^Sign this server's mail with DKIM for brand\.test/) });
  });

  it('anything else that fails is unknown, saying when its reverse DNS could not be looked up', () => {
    expect(classifySource(facts({ organization: '198.51.100.7', dmarcPass: 3, spfAligned: 3, dkimAligned: 0 }), 'brand.test')).toEqual({
      class: 'unknown',
      why: 'not a known sender, and 97 of 100 messages (97%) fail DMARC: possibly spoofing, or a sender still to be set up',
    });
    expect(classifySource(facts({ ptrFailed: true, dmarcPass: 0, spfAligned: 0, dkimAligned: 0 }), 'brand.test').why).toMatch(/^its reverse DNS could not be looked up/);
  });
});

const source = (organization: string, cls: ReportSource['class'], messages: number, dmarcPass: number, fix?: string): ReportSource => ({
  organization,
  class: cls,
  ips: ['192.0.2.1'],
  messages,
  dmarcPass,
  spfAlignedPass: dmarcPass,
  dkimAlignedPass: dmarcPass,
  ...(fix ? { fix } : {}),
  why: '',
  dkimDomains: [],
  spfDomains: [],
  overridden: 0,
  addresses: [],
});
const range = { domain: 'brand.test', since: '2024-06-01T00:00:00.000Z', until: '2024-06-30T23:59:59.000Z' };

describe('enforcement readiness', () => {
  it('is ready when legitimate mail passes; the next step from p=none is quarantine at pct=25 with t=y, written into the audited record', () => {
    const r = assessReadiness({
      ...range,
      sources: [source('Google Workspace', 'compliant', 990, 990), source('forwarding.example', 'forwarded', 10, 9), source('203.0.113.9', 'unknown', 500, 0)],
      policy: { reported: { p: 'none', sp: null, pct: 100, testing: null }, audited: { record: 'v=DMARC1; p=none; rua=mailto:d@brand.test', policy: 'none', auditedAt: '2024-06-20T10:00:00.000Z' } },
    });
    expect(r).toMatchObject({ legitimateMessages: 1000, legitimatePass: 999, passShare: 0.999, unknownMessages: 500, ready: true });
    expect(r.hurt).toEqual([{ organization: 'forwarding.example', class: 'forwarded', failing: 1 }]);
    expect(r.next).toMatchObject({ policy: 'quarantine', pct: 25, testing: true, record: 'v=DMARC1; p=quarantine; rua=mailto:d@brand.test; pct=25; t=y' });
  });

  it('is not ready while a legitimate source fails: it names it, with its fix', () => {
    const r = assessReadiness({
      ...range,
      sources: [source('Google Workspace', 'compliant', 800, 800), source('SendGrid', 'misconfigured', 200, 0, 'Add a DKIM CNAME for SendGrid')],
      policy: { reported: { p: 'none', sp: null, pct: null, testing: null }, audited: null },
    });
    expect(r.ready).toBe(false);
    expect(r.why).toBe('20% of legitimate mail fails DMARC (more than 2%): fix SendGrid first.');
    expect(r.hurt).toEqual([{ organization: 'SendGrid', class: 'misconfigured', failing: 200, fix: 'Add a DKIM CNAME for SendGrid' }]);
    expect(r.next).toMatchObject({ policy: 'quarantine', pct: 25, record: null });
  });

  it('climbs the ladder: quarantine at 25% → quarantine → reject at 25% → reject → done', () => {
    const step = (p: string, pct: number | null, testing: string | null = null) =>
      assessReadiness({ ...range, sources: [source('Google Workspace', 'compliant', 100, 100)], policy: { reported: { p, sp: null, pct, testing }, audited: null } }).next;
    expect(step('quarantine', 25, 'y')).toMatchObject({ policy: 'quarantine', pct: 100, testing: false });
    expect(step('quarantine', 100)).toMatchObject({ policy: 'reject', pct: 25, testing: true });
    expect(step('reject', 25)).toMatchObject({ policy: 'reject', pct: 100, testing: false });
    expect(step('reject', 100)).toBeNull();
  });

  it('cannot judge while sources stay unidentified because their reverse DNS failed or is not looked up yet', () => {
    // The resolver answered nothing: the domain's own misconfigured server looks like any unknown address.
    const lost = (ip: string, messages: number, ptrError: string): ReportSource => ({ ...source(ip, 'unknown', messages, 0), ips: [ip], addresses: [{ ip, messages, ptr: [], ptrError }] });
    const policy = { reported: { p: 'none', sp: null, pct: null, testing: null }, audited: null };
    const r = assessReadiness({
      ...range,
      sources: [source('Amazon SES', 'compliant', 900, 900), lost('203.0.113.5', 60, 'no answer (timeout)'), lost('203.0.113.6', 30, 'SERVFAIL'), lost('203.0.113.7', 10, 'not looked up')],
      policy,
    });
    expect(r).toMatchObject({ ready: false, verdict: 'cannot-judge', legitimatePass: 900, legitimateMessages: 900, unknownMessages: 100 });
    expect(r.unidentified).toEqual({ messages: 100, failing: 100, addresses: 3, failed: 2, pending: 1 });
    expect(r.why).toBe(
      '100 messages from 3 addresses cannot be identified, because the reverse DNS lookup failed for 2 addresses and 1 address is not looked up yet: some may be your own mail. Check that the resolver answers, then run the analysis again.',
    );
    expect(r.next).toMatchObject({ policy: 'quarantine', pct: 25, testing: true });
    // Only lookups still to do: run again.
    const pending = assessReadiness({ ...range, sources: [lost('203.0.113.7', 10, 'not looked up')], policy });
    expect(pending).toMatchObject({ verdict: 'cannot-judge', unidentified: { addresses: 1, failed: 0, pending: 1 } });
    expect(pending.why).toBe('10 messages from 1 address cannot be identified, because 1 address is not looked up yet: some may be your own mail. Run the analysis again to look them up.');
  });

  it('keeps its answer when the unidentified sources cannot change it, and today\'s rules for unknown sources that were looked up', () => {
    const lost: ReportSource = { ...source('203.0.113.5', 'unknown', 10, 0), addresses: [{ ip: '203.0.113.5', messages: 10, ptr: [], ptrError: 'SERVFAIL' }] };
    const policy = { reported: { p: 'none', sp: null, pct: null, testing: null }, audited: null };
    // Even if all ten were legitimate and failing, 10 of 1,010 is under 2%.
    const small = assessReadiness({ ...range, sources: [source('Google Workspace', 'compliant', 1000, 1000), lost], policy });
    expect(small).toMatchObject({ ready: true, verdict: 'ready', unidentified: { messages: 10, failing: 10, addresses: 1, failed: 1, pending: 0 } });
    // A failing legitimate source decides on its own.
    const hurt = assessReadiness({ ...range, sources: [source('Google Workspace', 'compliant', 500, 500), source('SendGrid', 'misconfigured', 500, 0), { ...lost, messages: 400 }], policy });
    expect(hurt).toMatchObject({ verdict: 'not-ready', why: '50% of legitimate mail fails DMARC (more than 2%): fix SendGrid first.' });
    // Looked up and found to have no name: an unknown source, what enforcement stops.
    const spoofer: ReportSource = { ...source('203.0.113.9', 'unknown', 500, 0), addresses: [{ ip: '203.0.113.9', messages: 500, ptr: [] }] };
    const known = assessReadiness({ ...range, sources: [source('Google Workspace', 'compliant', 1000, 1000), spoofer], policy });
    expect(known).toMatchObject({ ready: true, verdict: 'ready', unidentified: null, unknownMessages: 500 });
  });

  it('says so when there is no legitimate mail to judge by', () => {
    const r = assessReadiness({ ...range, sources: [], policy: { reported: null, audited: null } });
    expect(r).toMatchObject({ ready: false, legitimateMessages: 0, why: 'No legitimate mail from brand.test is reported in this period: import its reports first.' });
  });
});
