/**
 * The alert rules over the states checks leave: each rule fires once per change and never when
 * nothing changed; the first check sets the baseline; what a check could not measure (a failed
 * lookup, a refused blocklist, a check left out) is neither a change nor forgotten.
 */
import { describe, expect, it } from 'vitest';
import type { AuditResult, DnsblResult, Finding } from '../../electron/core/audit/types';
import { evaluateRules } from '../../electron/core/watch/rules';
import { auditState, ipState } from '../../electron/core/watch/state';
import type { AlertRuleSettings, IpCheckResult, WatchState } from '../../electron/core/watch/types';

const SETTINGS: AlertRuleSettings = { off: [], scoreDrop: 10, certDays: 21 };
const DAY = 86_400_000;
const T0 = new Date('2026-03-01T00:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

interface Shape {
  spf?: string | null;
  spfStatus?: 'pass' | 'error';
  selectors?: Record<string, string>;
  dkimFailed?: string[];
  listed?: string[];
  refused?: string[];
  certDays?: number;
  smtpSkipped?: boolean;
  score?: number;
  criticals?: Finding[];
}

const listing = (target: string, listed: boolean, refused = false): DnsblResult => ({
  target,
  list: 'Spamhaus ZEN',
  zone: 'zen.spamhaus.org',
  listed,
  refused,
  codes: listed ? ['127.0.0.2'] : [],
  meanings: listed ? ['SBL'] : [],
  source: 'mx',
  delisting: 'https://check.spamhaus.org/',
});

/** An audit of example.com shaped as a test needs it. */
function audit(shape: Shape, now = T0): AuditResult {
  const spf = shape.spf === undefined ? 'v=spf1 -all' : shape.spf;
  const selectors = shape.selectors ?? { s1: 'v=DKIM1; k=rsa; p=AAAA' };
  const listedFindings: Finding[] = (shape.listed ?? []).map((ip) => ({ code: 'dnsbl.listed', severity: 'critical', check: 'dnsbl', title: `${ip} is listed on Spamhaus ZEN`, detail: `MX address ${ip} is listed.`, fix: 'Delist it.', evidence: `x.zen.spamhaus.org A 127.0.0.2` }));
  return {
    domain: 'example.com',
    startedAt: now.toISOString(),
    durationMs: 1,
    score: shape.score ?? 90,
    grade: (shape.score ?? 90) >= 90 ? 'A' : 'C',
    resolver: 'system',
    checks: {
      mx: { status: 'pass', hosts: [{ exchange: 'mx.example.com', priority: 10, addresses: ['192.0.2.1'] }], nullMx: false },
      spf: shape.spfStatus === 'error' ? { status: 'error', error: 'ETIMEOUT', record: null, records: [], terms: [], lookups: 0, all: null } : { status: 'pass', record: spf, records: spf ? [spf] : [], terms: [], lookups: 0, all: '-' },
      dmarc: { status: 'pass', record: 'v=DMARC1; p=reject', recordDomain: 'example.com', inherited: false, organizationalDomain: 'example.com', policy: 'reject', policySource: 'p', tags: {}, walk: [] },
      dkim: {
        status: 'pass',
        selectors: Object.entries(selectors).map(([selector, record]) => ({ selector, keyType: 'rsa', keyBits: 2048, testing: false, revoked: false, record })),
        tried: ['s1', 's2', 'default'],
        ...(shape.dkimFailed ? { failed: shape.dkimFailed.map((selector) => ({ selector, error: 'ETIMEOUT' })) } : {}),
      },
      dnsbl: {
        status: 'pass',
        results: ['192.0.2.1', '192.0.2.2'].map((ip) => listing(ip, (shape.listed ?? []).includes(ip), (shape.refused ?? []).includes(ip))),
      },
      smtp: shape.smtpSkipped
        ? { status: 'skipped', skipped: '--skip smtp', hosts: [] }
        : {
            status: 'pass',
            hosts: [
              {
                host: 'mx.example.com',
                address: '192.0.2.1',
                port: 25,
                starttls: true,
                timings: {},
                tls: { version: 'TLSv1.3', cipher: 'x', certificate: { subject: 'CN=mx.example.com', issuer: 'CA', validFrom: T0.toISOString(), validTo: new Date(T0.getTime() + (shape.certDays ?? 90) * DAY).toISOString(), names: [], nameMatch: true, chainValid: true } },
              },
            ],
          },
    },
    findings: [...listedFindings, ...(shape.criticals ?? [])],
    dns: [],
  };
}

/** Runs checks one after another as a watch would, returning the rules' alerts of each. */
function passes(steps: { shape: Shape; now?: Date; settings?: AlertRuleSettings; muted?: string[] }[]): string[][] {
  let state: WatchState | null = null;
  return steps.map(({ shape, now = T0, settings = SETTINGS, muted = [] }) => {
    const result = audit(shape, now);
    const next = auditState(result, state, now, settings.certDays);
    const drafts = evaluateRules(state, next, { kind: 'domain', target: 'example.com', settings, muted: muted as never, now, audit: result });
    state = next;
    return drafts.map((d) => `${d.rule} ${d.subject}`);
  });
}

const critical = (code: string, title: string): Finding => ({ code: code as Finding['code'], severity: 'critical', check: 'spf', title, detail: `${title}.`, fix: 'Fix it.' });

describe('alert rules', () => {
  it('sets the baseline on the first check: only the criticals present, nothing else however it looks', () => {
    const [first, second] = passes([{ shape: { listed: ['192.0.2.1'], certDays: 5, criticals: [critical('spf.all-pass', 'The SPF record ends in +all')] } }, { shape: { listed: ['192.0.2.1'], certDays: 5, criticals: [critical('spf.all-pass', 'The SPF record ends in +all')] }, now: at(1) }]);
    expect(first).toEqual(['finding.new-critical dnsbl.listed\u0000x.zen.spamhaus.org A 127.0.0.2', 'finding.new-critical spf.all-pass\u0000The SPF record ends in +all']);
    expect(second).toEqual([]);
  });

  it('raises record.changed once per change, with before and after, and nothing on the checks after', () => {
    let state: WatchState | null = null;
    const run = (shape: Shape) => {
      const next = auditState(audit(shape), state, T0, 21);
      const drafts = evaluateRules(state, next, { kind: 'domain', target: 'example.com', settings: SETTINGS, muted: [], now: T0 });
      state = next;
      return drafts;
    };
    run({});
    const changed = run({ spf: 'v=spf1 +all' });
    expect(changed).toMatchObject([{ rule: 'record.changed', subject: 'SPF record', before: 'v=spf1 -all', after: 'v=spf1 +all', title: 'The SPF record of example.com changed' }]);
    expect(run({ spf: 'v=spf1 +all' })).toEqual([]);
    expect(run({ spf: null }).map((d) => [d.title, d.before, d.after])).toEqual([['The SPF record of example.com is gone', 'v=spf1 +all', undefined]]);
  });

  it('neither raises nor forgets when a check could not measure: a failed SPF lookup, a refused blocklist, a DKIM lookup that timed out', () => {
    expect(passes([{ shape: {} }, { shape: { spfStatus: 'error' } }, { shape: {} }])).toEqual([[], [], []]);
    expect(passes([{ shape: { listed: ['192.0.2.2'] } }, { shape: { refused: ['192.0.2.2'] } }, { shape: { listed: ['192.0.2.2'] } }]).slice(1)).toEqual([[], []]);
    expect(passes([{ shape: {} }, { shape: { selectors: {}, dkimFailed: ['s1'] } }, { shape: {} }])).toEqual([[], [], []]);
  });

  it('tells a DKIM selector gone, a key changed and a key added apart', () => {
    const steps = passes([
      { shape: { selectors: { s1: 'v=DKIM1; p=AAAA', s2: 'v=DKIM1; p=BBBB' } } },
      { shape: { selectors: { s1: 'v=DKIM1; p=AAAA' } } },
      { shape: { selectors: { s1: 'v=DKIM1; p=CCCC' } } },
      { shape: { selectors: { s1: 'v=DKIM1; p=CCCC', s2: 'v=DKIM1; p=DDDD' } } },
      { shape: { selectors: { s1: 'v=DKIM1; p=CCCC', s2: 'v=DKIM1; p=DDDD' } } },
    ]);
    expect(steps).toEqual([[], ['dkim.selector-gone s2'], ['record.changed DKIM selectors'], ['record.changed DKIM selectors'], []]);
  });

  it('raises dnsbl.listed when a listing appears and dnsbl.delisted when it goes, each once', () => {
    expect(passes([{ shape: {} }, { shape: { listed: ['192.0.2.2'] } }, { shape: { listed: ['192.0.2.2'] } }, { shape: {} }, { shape: {} }])).toEqual([
      [],
      ['dnsbl.listed 192.0.2.2 zen.spamhaus.org'],
      [],
      ['dnsbl.delisted 192.0.2.2 zen.spamhaus.org'],
      [],
    ]);
  });

  it('raises score.drop at the set number of points or more, from one check to the next', () => {
    expect(passes([{ shape: { score: 95 } }, { shape: { score: 86 } }, { shape: { score: 76 } }, { shape: { score: 76 } }])).toEqual([[], [], ['score.drop score'], []]);
    const five = { off: [], scoreDrop: 5, certDays: 21 };
    expect(passes([{ shape: { score: 95 }, settings: five }, { shape: { score: 89 }, settings: five }])[1]).toEqual(['score.drop score']);
  });

  it('raises cert.expiring once when a certificate comes within the window, and again only for a new certificate', () => {
    // The certificate ends at day 30. Day 5: 25 days left; day 10: 20 days left, inside 21.
    const steps = passes([
      { shape: { certDays: 30 } },
      { shape: { certDays: 30 }, now: at(5) },
      { shape: { certDays: 30 }, now: at(10) },
      { shape: { certDays: 30 }, now: at(11) },
      // Left out: not measured, still remembered.
      { shape: { smtpSkipped: true }, now: at(12) },
      // Renewed for 90 days from T0, then that one nears its end.
      { shape: { certDays: 90 }, now: at(13) },
      { shape: { certDays: 90 }, now: at(80) },
    ]);
    expect(steps).toEqual([[], [], ['cert.expiring mx:mx.example.com'], [], [], [], ['cert.expiring mx:mx.example.com']]);
  });

  it('raises no alert for a rule turned off or muted for the watch, and still moves the baseline on', () => {
    const off = { off: ['record.changed' as const], scoreDrop: 10, certDays: 21 };
    expect(passes([{ shape: {} }, { shape: { spf: 'v=spf1 ~all' }, settings: off }, { shape: { spf: 'v=spf1 ~all' } }])).toEqual([[], [], []]);
    expect(passes([{ shape: {} }, { shape: { listed: ['192.0.2.1'] }, muted: ['dnsbl.listed'] }])[1]).toEqual([]);
  });

  it('leaves a listing to dnsbl.listed: a new listing raises no finding.new-critical of its own', () => {
    expect(passes([{ shape: {} }, { shape: { listed: ['192.0.2.1'], criticals: [critical('spf.all-pass', 'The SPF record ends in +all')] } }])[1]).toEqual([
      'finding.new-critical spf.all-pass\u0000The SPF record ends in +all',
      'dnsbl.listed 192.0.2.1 zen.spamhaus.org',
    ]);
  });

  it('watches a sending IP by its reverse DNS and its listings', () => {
    const ip = (ptr: string[], confirmed: boolean, listed: boolean): IpCheckResult => ({
      ip: '192.0.2.9',
      startedAt: T0.toISOString(),
      durationMs: 1,
      resolver: 'system',
      ptr: { ip: '192.0.2.9', source: 'sending', ptr, forwardConfirmed: confirmed },
      dnsbl: [listing('192.0.2.9', listed)],
      findings: [],
      dns: [],
    });
    let state: WatchState | null = null;
    const run = (result: IpCheckResult) => {
      const next = ipState(result, state);
      const drafts = evaluateRules(state, next, { kind: 'ip', target: '192.0.2.9', settings: SETTINGS, muted: [], now: T0 });
      state = next;
      return drafts.map((d) => `${d.rule} ${d.after ?? ''}`);
    };
    expect(run(ip(['mail.example.com'], true, false))).toEqual([]);
    expect(run(ip(['mail.example.com'], false, false))).toEqual(['record.changed mail.example.com (does not resolve back to the address)']);
    expect(run(ip(['mail.example.com'], false, true))).toEqual(['dnsbl.listed listed (127.0.0.2)']);
    expect(run(ip(['mail.example.com'], false, true))).toEqual([]);
  });
});
