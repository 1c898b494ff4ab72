/**
 * A stored-looking message analysis and placement run for report tests, with hostile text where a
 * sender or a remote server writes: a Subject carrying a script, control characters, a header far
 * longer than a line; and secret-bearing fields a report must drop, holding SECRET.
 */
import { finding } from '../../electron/core/audit/finding';
import type { MessageAnalysis, MessageReadiness } from '../../electron/core/message/types';
import type { CopyAnalysis, PlacementRun, SeedOutcome } from '../../electron/core/placement/types';
import type { SpamFilterResult } from '../../electron/core/spam/types';

export const HOSTILE_SUBJECT = 'Sale </script><script>window.pwned=1</script> <img src=x onerror=alert(1)>';
/** NUL, BEL, ESC (a terminal's escape sequence), DEL and a C1 control. */
export const CONTROL_TEXT = 'bell\u0007 nul\u0000 esc\u001b[31m del\u007f c1\u0085 end';
export const LONG_HEADER = `from ${'relay.example.test '.repeat(600)}`;
export const SECRET = 'hunter2-Secret-77';
export const b64 = (s: string) => Buffer.from(s).toString('base64');

export function messageAnalysis(): MessageAnalysis {
  return {
    sha256: 'a'.repeat(64),
    size: 4211,
    headersOnly: false,
    analysedAt: '2026-03-14T10:00:00.000Z',
    durationMs: 30,
    summary: { subject: HOSTILE_SUBJECT, from: `News <news@shop.example>`, fromDomain: 'shop.example', to: ['me@lab.test'], date: 'Sat, 14 Mar 2026 09:59:00 +0000', messageId: `<${CONTROL_TEXT}@shop.example>`, bulk: true, bulkSignals: ['List-Unsubscribe header'] },
    envelope: { ip: '192.0.2.10', helo: 'out.shop.example', mailFrom: 'bounce@shop.example', source: 'received', trustedHop: 0, explanation: 'the Received header added by mx.lab.test (hop 0)' },
    auth: {
      spf: { result: 'pass', domain: 'shop.example', record: 'v=spf1 ip4:192.0.2.0/24 -all' },
      dkim: [
        { domain: 'esp.example', selector: 's1', result: 'fail', aligned: false, algorithm: 'rsa-sha1', keyBits: 1024, comment: 'body hash did not verify', lenient: { result: 'pass', why: 'Lenient receivers still verify rsa-sha1, which RFC 8301 §3.1 forbids.' } },
      ],
      dmarc: { result: 'fail', policy: 'reject', domain: 'shop.example', alignment: { spf: false, dkim: false }, lenient: { result: 'pass', why: 'With the lenient DKIM result, DKIM would align.' } },
      arc: { result: 'none', instances: 0 },
      bimi: { result: 'none', location: null },
    },
    receiver: { authServId: 'mx.lab.test', results: [], arcAuthenticationResults: [], differences: [{ method: 'dkim', receiver: 'pass', ours: 'fail', note: 'The receiver read rsa-sha1 leniently.' }] },
    hops: [
      { index: 0, raw: `Received: ${LONG_HEADER}`, from: LONG_HEADER, fromIp: '192.0.2.10', by: 'mx.lab.test', with: 'ESMTPS', tls: true, tlsVersion: 'TLSv1.3', time: '2026-03-14T09:59:05.000Z', delaySeconds: 5 },
      { index: 1, raw: 'Received: from app by out.shop.example', from: `app ${CONTROL_TEXT}`, by: 'out.shop.example', with: 'SMTP', tls: false, time: '2026-03-14T09:59:00.000Z' },
    ],
    transitSeconds: 5,
    content: { textPart: true, htmlPart: true, htmlTransferBytes: 900, html: `<p>${SECRET}-body</p>`, text: `${SECRET}-body`, links: [], images: [], attachments: [] },
    findings: [
      finding('auth.dmarc-fail', { title: 'DMARC fails', detail: `From ${HOSTILE_SUBJECT}`, fix: '=HYPERLINK("http://evil.test","x") sign with d=shop.example' }),
      finding('auth.dkim-fail', { title: 'DKIM signature fails', detail: CONTROL_TEXT, fix: 'Sign with rsa-sha256 and a 2048-bit key.' }),
    ],
    providers: [{ provider: 'google', audience: 'bulk', title: 'Gmail bulk sender rules', items: [{ id: 'dmarc-pass', requirement: 'DMARC passes', result: 'fail', why: 'DMARC fails' }] }],
    dns: [],
    id: 3,
  };
}

export function placementRun(): PlacementRun {
  const startedAt = '2026-03-14T12:00:00.000Z';
  const seeds: SeedOutcome[] = [
    {
      seed: 'inbox-seed', address: 'seed1@lab.test', provider: 'other', placement: 'inbox', state: 'found', reconnects: 0,
      detection: { placement: 'inbox', folder: 'INBOX', uid: 7, detectedAt: startedAt, latencyMs: 640, via: 'idle', authenticationResults: ['mx.lab.test; spf=pass'], spamHeaders: { 'X-Spam-Status': [`No ${CONTROL_TEXT}`] } },
    },
    { seed: 'spam-seed', address: 'seed2@lab.test', provider: 'gmail', placement: 'spam', state: 'found', reconnects: 1, detection: { placement: 'spam', folder: 'Junk', uid: 9, detectedAt: startedAt, latencyMs: 2100, via: 'poll', authenticationResults: [], spamHeaders: {} } },
    {
      seed: 'bounced-seed', address: 'nobody@lab.test', provider: 'other', placement: 'bounced', state: 'bounced', reconnects: 0,
      bounce: { status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 <nobody@lab.test> User unknown', action: 'failed', finalRecipient: 'nobody@lab.test', remoteMta: 'mx.lab.test', matchedBy: 'token', mailbox: 'sender', folder: 'INBOX', detectedAt: startedAt, latencyMs: 900 },
    },
    {
      seed: 'missing-seed', address: 'seed4@lab.test', provider: 'outlook', placement: 'missing', state: 'missing', reconnects: 0,
      searched: { folders: ['INBOX', 'Junk'], inbox: 'idle', junk: 'Junk', junkPush: true, gmail: false, pollMs: 15000, rounds: 40, from: startedAt, until: '2026-03-14T12:10:00.000Z', bouncesWatchedIn: ['sender'], explanation: 'Searched INBOX (IDLE) and Junk every 15 s for 10 minutes; no copy and no bounce came.' },
    },
    { seed: 'failed-seed', address: 'seed5@lab.test', provider: 'yahoo', placement: 'error', state: 'error', reconnects: 0, error: { kind: 'auth', code: 'AUTHENTICATIONFAILED', explanation: 'The mailbox refused the login.' } },
  ];
  // Fields no run holds by design, planted where a careless producer might put them.
  const planted = { auth: { user: 'u@lab.test', passwordEnv: 'SEED_PASSWORD' }, password: SECRET, oauth2Token: SECRET };
  return {
    token: 'dl-report-0001',
    status: 'done',
    startedAt,
    finishedAt: '2026-03-14T12:10:00.000Z',
    profile: 'lab-submission',
    subject: `${HOSTILE_SUBJECT} [dl-report-0001]`,
    deadlineMs: 600_000,
    send: {
      ok: true, profile: 'lab-submission', messageId: '<r1@lab.test>', queueId: '4F2A31C0D2', response: '250 2.0.0 Ok: queued as 4F2A31C0D2',
      recipients: seeds.map((s) => ({ address: s.address, status: 'accepted' as const })),
      timings: { startedAt, totalMs: 210, acceptedMs: 180 },
      transcript: [{ dir: 'C', text: `AUTH PLAIN ${b64(`\0u@lab.test\0${SECRET}`)}`, ms: 40 }],
      warnings: [],
    },
    seeds: seeds.map((s, i) => (i === 0 ? { ...s, ...planted } : s)),
    summary: { total: 5, counts: { inbox: 1, spam: 1, bounced: 1, missing: 1, error: 1 }, share: {}, medianLatencyMs: 1370, worstLatencyMs: 2100 },
    warnings: [LONG_HEADER],
  };
}

/** Verdicts of both filters: SpamAssassin calls it spam (a network rule among its rules), rspamd did not answer. */
export const SPAM: SpamFilterResult[] = [
  {
    filter: 'spamassassin',
    version: '4.0.1',
    score: 6.3,
    threshold: 5,
    verdict: 'spam',
    rules: [
      { name: 'MISSING_DATE', score: 1.4, description: 'The message has no Date header', group: 'headers', finding: 'header.no-date' },
      { name: 'URIBL_BLOCKED', score: 0, description: 'The URIBL lookup was blocked', group: 'blocklists', network: true },
      { name: 'DKIM_INVALID', score: 4.9, description: 'The DKIM signature does not verify', group: 'authentication' },
    ],
  },
  { filter: 'rspamd', verdict: 'error', error: 'connection refused by 127.0.0.1:11333' },
];

/** A readiness with a pass, a fail with its fix and an item not run. */
export const READINESS: MessageReadiness = {
  score: 6.5,
  outOf: 10,
  unchecked: 1,
  explanation: '6.5 of 10: 3.5 points off: DKIM fail (−1), SpamAssassin fail (−1).',
  items: [
    { area: 'authentication', label: 'SPF', status: 'pass', weight: 1, deduction: 0, detail: 'SPF passed for esp.example.', fix: 'never shown for a pass' },
    { area: 'authentication', label: 'DKIM', status: 'fail', weight: 1, deduction: 1, detail: 'No DKIM signature verifies.', fix: 'Sign every message with a DKIM key whose d= is shop.example.' },
    { area: 'blocklists', label: 'Sending IP', status: 'not-run', weight: 1, deduction: 0, detail: 'Not looked up: a draft has not been sent.' },
  ],
};

/** An analysed copy of the placement run's inbox seed: the receiver's verdict and results, and the local filters'. */
export function analysedCopy(run: PlacementRun, spam: SpamFilterResult[] | undefined): CopyAnalysis {
  return {
    placementId: run.id ?? null,
    seed: 'inbox-seed',
    token: run.token,
    placement: 'inbox',
    folder: 'INBOX',
    uid: 7,
    fetchedAt: '2026-03-01T10:01:00.000Z',
    analysis: { ...messageAnalysis(), ...(spam ? { spam } : {}) },
    recorded: {
      authServId: 'mx.lab.test',
      authenticationResults: ['mx.lab.test; spf=pass smtp.mailfrom=esp.example; dkim=pass header.d=esp.example'],
      spamVerdicts: [{ filter: 'spamassassin', header: 'X-Spam-Status', value: 'Yes, score=7.1 required=5.0', verdict: 'spam', score: 7.1, threshold: 5, meaning: 'SpamAssassin on the receiving server called it spam.' }],
    },
  };
}
