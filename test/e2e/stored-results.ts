/**
 * Audit results and a placement run written straight into the lab's history, to open in the UI.
 *
 * A real audit shows what the fixture zones allow; these show every state a panel has (a listed
 * blocklist row, a void lookup, a skipped and a failed check), and a row stored before the newer
 * checks existed. They are plain data in the shape `--json` and history carry.
 */
import { join } from 'node:path';
import type { AuditResult, Finding } from '../../electron/core/audit/types';
import { HistoryStore } from '../../electron/core/history/store';
import type { Detection, PlacementRun, SeedOutcome } from '../../electron/core/placement/types';
import type { Lab } from './harness';

export const FULL_DOMAIN = 'full.test';
export const LEGACY_DOMAIN = 'legacy.test';

/** The fix of FULL_DOMAIN's DKIM finding: a record to copy. */
export const DKIM_FIX = 'Publish a 2048-bit key: "s2026._domainkey.full.test. TXT "v=DKIM1; k=rsa; p=MIIBIjANBg...""';

const findings: Finding[] = [
  {
    code: 'spf.void-limit',
    severity: 'critical',
    check: 'spf',
    title: 'Too many SPF lookups return nothing',
    detail: 'Three lookups in the SPF tree found no records; past two, receivers return permerror and SPF fails.',
    fix: 'Remove include:gone.full.test and a:old.full.test from the record.',
    refs: ['RFC 7208 §4.6.4'],
  },
  {
    code: 'dkim.weak-key',
    severity: 'warning',
    check: 'dkim',
    title: 'A DKIM key is only 1024 bits',
    detail: 'Selector old uses a 1024-bit RSA key; receivers increasingly treat those as weak.',
    fix: DKIM_FIX,
    refs: ['RFC 8301 §3.2'],
  },
  {
    code: 'dnsbl.listed',
    severity: 'critical',
    check: 'dnsbl',
    title: '192.0.2.25 is on Example Block List',
    detail: 'Receivers that use this list reject or junk mail from this address.',
    fix: 'Find why the address was listed, stop the cause, then request delisting at the list operator.',
    refs: ['RFC 5782'],
  },
];

export function fullResult(): AuditResult {
  return {
    domain: FULL_DOMAIN,
    startedAt: '2026-11-26T12:00:00.000Z',
    durationMs: 2345,
    score: 58,
    grade: 'D',
    resolver: '127.0.0.1',
    dns: [],
    findings,
    checks: {
      mx: {
        status: 'pass',
        nullMx: false,
        ipv6: true,
        hosts: [
          { exchange: 'mx1.full.test', priority: 10, addresses: ['192.0.2.25', '2001:db8::25'] },
          { exchange: 'mx2.full.test', priority: 20, addresses: ['192.0.2.26'], cname: 'relay.full.test' },
        ],
      },
      spf: {
        status: 'fail',
        record: 'v=spf1 include:_spf.full.test include:gone.full.test a:old.full.test exists:%{i}.x.full.test -all',
        records: ['v=spf1 include:_spf.full.test include:gone.full.test a:old.full.test exists:%{i}.x.full.test -all'],
        terms: [],
        lookups: 5,
        voidLookups: 3,
        all: '-',
        tree: {
          domain: FULL_DOMAIN,
          record: 'v=spf1 include:_spf.full.test include:gone.full.test a:old.full.test exists:%{i}.x.full.test -all',
          terms: [
            {
              text: 'include:_spf.full.test', kind: 'mechanism', qualifier: '+', name: 'include', value: '_spf.full.test',
              lookup: true, macro: false, cost: 2, voids: 0,
              child: {
                domain: '_spf.full.test',
                record: 'v=spf1 ip4:198.51.100.0/24 mx:mail.full.test ~all',
                terms: [
                  { text: 'ip4:198.51.100.0/24', kind: 'mechanism', qualifier: '+', name: 'ip4', value: '198.51.100.0/24', lookup: false, macro: false, cost: 0, voids: 0 },
                  { text: 'mx:mail.full.test', kind: 'mechanism', qualifier: '+', name: 'mx', value: 'mail.full.test', lookup: true, macro: false, cost: 1, voids: 1 },
                  { text: '~all', kind: 'mechanism', qualifier: '~', name: 'all', lookup: false, macro: false, cost: 0, voids: 0 },
                ],
              },
            },
            {
              text: 'include:gone.full.test', kind: 'mechanism', qualifier: '+', name: 'include', value: 'gone.full.test',
              lookup: true, macro: false, cost: 1, voids: 1,
              child: { domain: 'gone.full.test', record: null, terms: [], error: 'no SPF record at gone.full.test (NXDOMAIN)' },
            },
            { text: 'a:old.full.test', kind: 'mechanism', qualifier: '+', name: 'a', value: 'old.full.test', lookup: true, macro: false, cost: 1, voids: 1 },
            { text: 'exists:%{i}.x.full.test', kind: 'mechanism', qualifier: '+', name: 'exists', value: '%{i}.x.full.test', lookup: true, macro: true, cost: 1, voids: 0 },
            { text: '-all', kind: 'mechanism', qualifier: '-', name: 'all', lookup: false, macro: false, cost: 0, voids: 0 },
          ],
        },
      },
      dmarc: {
        status: 'pass',
        record: 'v=DMARC1; p=reject; pct=50; rua=mailto:dmarc@full.test,mailto:agg@reports.example',
        recordDomain: FULL_DOMAIN,
        inherited: false,
        organizationalDomain: FULL_DOMAIN,
        policy: 'reject',
        policySource: 'p',
        tags: { v: 'DMARC1', p: 'reject', pct: '50', rua: 'mailto:dmarc@full.test,mailto:agg@reports.example' },
        walk: [{ domain: FULL_DOMAIN, outcome: 'record' }],
        rfc7489: {
          policy: 'reject',
          pct: 50,
          organizationalDomain: FULL_DOMAIN,
          note: 'Under RFC 7489, pct=50 applies the policy to half of failing mail; the rest is treated as quarantine.',
        },
        reports: {
          rua: [
            { uri: 'mailto:dmarc@full.test', domain: FULL_DOMAIN, external: false, authorized: null, hasMx: true },
            { uri: 'mailto:agg@reports.example', domain: 'reports.example', external: true, authorized: false, hasMx: true },
          ],
          ruf: [],
        },
      },
      dkim: {
        status: 'warn',
        selectors: [
          { selector: 'old', keyType: 'rsa', keyBits: 1024, testing: false, revoked: false, source: 'builtin' },
          { selector: 's2025', keyType: 'rsa', keyBits: 2048, testing: true, revoked: false, source: 'user' },
          { selector: 'ed', keyType: 'ed25519', keyBits: 256, testing: false, revoked: false, source: 'provider', provider: 'Example Mail' },
          { selector: 'gone', keyType: 'rsa', keyBits: null, testing: false, revoked: true, source: 'builtin' },
        ],
        tried: ['default', 'google', 'selector1', 'selector2', 'k1', 'old', 's2025', 'ed', 'gone'],
      },
      mtasts: {
        status: 'warn',
        record: 'v=STSv1; id=20261101T000000',
        id: '20261101T000000',
        policyUrl: 'https://mta-sts.full.test/.well-known/mta-sts.txt',
        policy: { version: 'STSv1', mode: 'testing', mx: ['mx1.full.test', '*.relay.example'], maxAge: 604800 },
        mxMatch: [
          { host: 'mx1.full.test', matched: true },
          { host: 'mx2.full.test', matched: false },
        ],
      },
      tlsrpt: { status: 'pass', record: 'v=TLSRPTv1; rua=mailto:tls@full.test', rua: ['mailto:tls@full.test'] },
      bimi: {
        status: 'warn',
        record: 'v=BIMI1; l=https://full.test/logo.svg; a=https://full.test/vmc.pem',
        logoUrl: 'https://full.test/logo.svg',
        authorityUrl: 'https://full.test/vmc.pem',
        svg: { bytes: 4120, valid: false, errors: ['The root <svg> lacks baseProfile="tiny-ps"'] },
        certificate: { valid: true, type: 'VMC', subject: 'CN=Full Test Inc, O=Full Test Inc', errors: [] },
        dmarcEnforced: true,
      },
      dnssec: {
        status: 'info',
        signed: true,
        validated: null,
        mx: [
          {
            host: 'mx1.full.test',
            signed: true,
            tlsa: [{ usage: 3, selector: 1, matchingType: 1, data: '8d02536c887482bc34ff54e41d2ba659bf85b341a0a20afadb5813dcfbcf286d' }],
            daneMatch: true,
            daneNote: 'The certificate mx1.full.test presented matches 3 1 1.',
          },
          { host: 'mx2.full.test', signed: false, tlsa: [], daneMatch: null },
        ],
      },
      ptr: {
        status: 'warn',
        addresses: [
          { ip: '192.0.2.25', source: 'mx', host: 'mx1.full.test', ptr: ['mx1.full.test'], forwardConfirmed: true },
          { ip: '192.0.2.26', source: 'mx', host: 'mx2.full.test', ptr: [], forwardConfirmed: false },
        ],
      },
      dnsbl: {
        status: 'fail',
        results: [
          { target: '192.0.2.26', list: 'Example Block List', zone: 'bl.example', listed: false, refused: false, codes: [], meanings: [] },
          { target: 'full.test', list: 'Example Domain List', zone: 'dbl.example', listed: false, refused: true, codes: ['127.255.255.254'], meanings: ['Query refused: public resolver'] },
          {
            target: '192.0.2.25', list: 'Example Block List', zone: 'bl.example', listed: true, refused: false,
            codes: ['127.0.0.2'], meanings: ['Direct spam source'], range: 'documentation range (RFC 5737)',
            source: 'mx', delisting: 'https://bl.example/delist',
          },
        ],
      },
      smtp: { status: 'skipped', skipped: 'turned off with --skip smtp', hosts: [] },
      providers: {
        status: 'error',
        error: 'the provider rules catalog could not be read',
        scorecards: [],
      },
    },
  };
}

/** FULL_DOMAIN's scorecards and SMTP probes, for the panels a skipped and a failed check hide. */
export function probedResult(): AuditResult {
  const result = fullResult();
  result.domain = 'probed.test';
  result.checks.smtp = {
    status: 'pass',
    hosts: [
      {
        host: 'mx1.full.test',
        address: '192.0.2.25',
        port: 25,
        banner: '220 mx1.full.test ESMTP ready',
        ehlo: ['PIPELINING', 'SIZE 52428800', 'STARTTLS', '8BITMIME'],
        starttls: true,
        tls: {
          version: 'TLSv1.3',
          cipher: 'TLS_AES_256_GCM_SHA384',
          certificate: {
            subject: 'CN=mx1.full.test',
            issuer: 'CN=Deliverlab Test CA',
            validFrom: '2026-01-01T00:00:00.000Z',
            validTo: '2027-01-01T00:00:00.000Z',
            names: ['mx1.full.test', 'mx2.full.test'],
            nameMatch: true,
            chainValid: true,
          },
        },
        timings: { connectMs: 3, bannerMs: 12, ehloMs: 2, tlsMs: 18 },
      },
      { host: 'mx2.full.test', address: '2001:db8::26', port: 25, starttls: false, timings: { connectMs: 5000 }, error: 'connect ETIMEDOUT', stage: 'connect' },
    ],
  };
  result.checks.providers = {
    status: 'fail',
    scorecards: [
      {
        provider: 'google',
        audience: 'bulk',
        title: 'Gmail bulk senders',
        source: { url: 'https://support.google.com/a/answer/81126', title: 'Email sender guidelines', effective: '2024-02-01' },
        items: [
          { id: 'spf-dkim', requirement: 'SPF and DKIM both set up', why: 'SPF fails with permerror (3 void lookups).', result: 'fail' },
          { id: 'dmarc', requirement: 'A DMARC record', why: 'p=reject at _dmarc.full.test.', result: 'pass' },
          { id: 'unsubscribe', requirement: 'One-click unsubscribe', why: 'Needs a message: audit a received message to see it.', result: 'not-observable' },
        ],
      },
      {
        provider: 'yahoo',
        audience: 'bulk',
        title: 'Yahoo bulk senders',
        items: [{ id: 'dmarc', requirement: 'A DMARC record', why: 'p=reject at _dmarc.full.test.', result: 'pass' }],
      },
    ],
  };
  return result;
}

/** A row stored before DKIM and the rest existed: MX, SPF and DMARC only, without the SPF tree. */
export function legacyResult(): AuditResult {
  const full = fullResult();
  return {
    ...full,
    domain: LEGACY_DOMAIN,
    findings: [],
    checks: {
      mx: { status: 'pass', nullMx: false, hosts: [{ exchange: 'mx.legacy.test', priority: 10 }] },
      spf: { status: 'pass', record: 'v=spf1 mx -all', records: ['v=spf1 mx -all'], terms: [], lookups: 1, all: '-' },
      dmarc: { ...full.checks.dmarc, reports: undefined, rfc7489: undefined },
    },
  };
}

/** Writes results into the lab's history (the file serve reads), returning their ids. */
export function storeResults(lab: Lab, results: AuditResult[]): number[] {
  const store = HistoryStore.open(join(lab.dataDir, 'history.sqlite'));
  try {
    return results.map((result) => store.saveAudit(result));
  } finally {
    store.close();
  }
}

export const PLACEMENT_SUBJECT = 'Stored autumn placement';

/**
 * A finished placement run with a copy in each place a run can find one (the inbox, a Gmail tab,
 * spam, another folder), one missing, one seed that failed, and the send's transcript: every
 * state the stored run's page shows, without a mail server.
 */
export function placementRun(): PlacementRun {
  const startedAt = '2026-11-26T12:00:00.000Z';
  const token = 'dl-e2e-stored-0001';
  const found = (placement: Detection['placement'], folder: string, latencyMs: number, via: Detection['via']): Detection => ({
    placement,
    folder,
    uid: 7,
    detectedAt: new Date(Date.parse(startedAt) + 2_000 + latencyMs).toISOString(),
    latencyMs,
    via,
    authenticationResults: ['mx.lab.test; spf=pass smtp.mailfrom=sender@lab.test; dkim=pass header.d=lab.test; dmarc=pass header.from=lab.test'],
    spamHeaders: placement === 'spam' ? { 'X-Spam-Flag': ['YES'], 'X-Spam-Status': ['Yes, score=7.1'] } : {},
  });
  const seeds: SeedOutcome[] = [
    { seed: 'inbox-seed', address: 'seed1@lab.test', provider: 'other', placement: 'inbox', state: 'found', detection: found('inbox', 'INBOX', 640, 'idle'), reconnects: 0 },
    {
      seed: 'gmail-seed',
      address: 'seed2@gmail.example',
      provider: 'gmail',
      placement: 'category:promotions',
      state: 'found',
      detection: { ...found('category:promotions', 'INBOX', 1_450, 'poll'), labels: ['\\Inbox', '^smartlabel_promo'] },
      reconnects: 1,
    },
    { seed: 'spam-seed', address: 'seed3@lab.test', provider: 'other', placement: 'spam', state: 'found', detection: found('spam', 'Junk', 2_100, 'poll'), reconnects: 0 },
    { seed: 'folder-seed', address: 'seed4@lab.test', provider: 'other', placement: 'folder:Newsletters', state: 'found', detection: found('folder:Newsletters', 'Newsletters', 3_000, 'poll'), reconnects: 0 },
    { seed: 'missing-seed', address: 'seed5@lab.test', provider: 'outlook', placement: 'missing', state: 'missing', reconnects: 0 },
    {
      seed: 'failed-seed',
      address: 'seed6@lab.test',
      provider: 'yahoo',
      placement: 'error',
      state: 'error',
      error: { kind: 'auth', code: 'AUTHENTICATIONFAILED', explanation: 'The mailbox refused the login: the user name or password is wrong.' },
      reconnects: 0,
    },
  ];
  const counts: Record<string, number> = {};
  for (const s of seeds) counts[s.placement] = (counts[s.placement] ?? 0) + 1;
  return {
    token,
    status: 'done',
    startedAt,
    finishedAt: '2026-11-26T12:10:00.000Z',
    profile: 'lab-submission',
    subject: `${PLACEMENT_SUBJECT} [${token}]`,
    deadlineMs: 600_000,
    send: {
      ok: true,
      profile: 'lab-submission',
      messageId: '<stored-1@lab.test>',
      queueId: '4F2A31C0D2',
      response: '250 2.0.0 Ok: queued as 4F2A31C0D2',
      recipients: seeds.map((s) => ({ address: s.address, status: 'accepted' as const, reply: '250 2.1.5 Ok', responseCode: 250 })),
      timings: { startedAt, totalMs: 210, acceptedMs: 180 },
      transcript: [
        { dir: 'S', text: '220 mx.lab.test ESMTP Postfix', ms: 3 },
        { dir: 'C', text: 'EHLO deliverlab', ms: 4 },
        { dir: 'S', text: '250-mx.lab.test\n250 STARTTLS', ms: 6 },
        { dir: 'C', text: 'AUTH PLAIN [credentials hidden]', ms: 40 },
        { dir: 'S', text: '235 2.7.0 Authentication successful', ms: 52 },
      ],
      warnings: [],
    },
    seeds,
    summary: {
      total: seeds.length,
      counts,
      share: Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, n / seeds.length])),
      medianLatencyMs: 1_775,
      worstLatencyMs: 3_000,
    },
    cleanup: { 'inbox-seed': 'deleted', 'spam-seed': 'failed', 'missing-seed': 'not-found' },
    warnings: ['The profile sends without DKIM: receivers judge the copy on SPF alone.'],
  };
}

/** Writes a finished placement run into the lab's history, as a run that ended would, returning its id. */
export function storePlacementRun(lab: Lab, run: PlacementRun): number {
  const store = HistoryStore.open(join(lab.dataDir, 'history.sqlite'));
  try {
    const id = store.startPlacement({ ...run, status: 'running', seeds: run.seeds.map((s) => ({ ...s, placement: 'pending', state: 'connecting' })) });
    store.finishPlacement(id, run);
    return id;
  } finally {
    store.close();
  }
}
