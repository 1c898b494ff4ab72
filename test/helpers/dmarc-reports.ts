/**
 * DMARC aggregate and TLS reports made to order, for tests and the bench: the XML and JSON as
 * reporters send them, zipped, gzipped or attached to a message.
 */
import { gzipSync, zipSync } from 'fflate';

export interface GenRecord {
  ip: string;
  count: number;
  disposition?: 'none' | 'quarantine' | 'reject';
  /** policy_evaluated: DMARC's aligned results. */
  dkim: 'pass' | 'fail';
  spf: 'pass' | 'fail';
  headerFrom?: string;
  envelopeFrom?: string;
  dkimAuth?: { domain: string; selector?: string; result: string }[];
  spfAuth?: { domain: string; scope?: string; result: string }[];
  reasons?: { type: string; comment?: string }[];
}

export interface GenReport {
  org: string;
  reportId: string;
  domain: string;
  /** Unix seconds. */
  begin: number;
  end?: number;
  records: GenRecord[];
  /** DMARCbis: the dmarc-2.0 namespace, np and testing in the policy. */
  dmarcbis?: boolean;
  p?: 'none' | 'quarantine' | 'reject';
  pct?: number;
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function aggregateXml(r: GenReport): string {
  const records = r.records
    .map((rec) => {
      const dkim = (rec.dkimAuth ?? [])
        .map((d) => `\n      <dkim>\n        <domain>${esc(d.domain)}</domain>${d.selector ? `\n        <selector>${esc(d.selector)}</selector>` : ''}\n        <result>${d.result}</result>\n      </dkim>`)
        .join('');
      const spf = (rec.spfAuth ?? [])
        .map((s) => `\n      <spf>\n        <domain>${esc(s.domain)}</domain>${r.dmarcbis ? '' : `\n        <scope>${s.scope ?? 'mfrom'}</scope>`}\n        <result>${s.result}</result>\n      </spf>`)
        .join('');
      const reasons = (rec.reasons ?? []).map((x) => `\n        <reason>\n          <type>${x.type}</type>${x.comment ? `\n          <comment>${esc(x.comment)}</comment>` : ''}\n        </reason>`).join('');
      return `
  <record>
    <row>
      <source_ip>${rec.ip}</source_ip>
      <count>${rec.count}</count>
      <policy_evaluated>
        <disposition>${rec.disposition ?? 'none'}</disposition>
        <dkim>${rec.dkim}</dkim>
        <spf>${rec.spf}</spf>${reasons}
      </policy_evaluated>
    </row>
    <identifiers>${rec.envelopeFrom ? `\n      <envelope_from>${esc(rec.envelopeFrom)}</envelope_from>` : ''}
      <header_from>${esc(rec.headerFrom ?? r.domain)}</header_from>
    </identifiers>
    <auth_results>${dkim}${spf}
    </auth_results>
  </record>`;
    })
    .join('');
  const policy = r.dmarcbis
    ? `<p>${r.p ?? 'none'}</p>\n    <sp>${r.p ?? 'none'}</sp>\n    <np>${r.p ?? 'none'}</np>\n    <testing>n</testing>\n    <discovery_method>treewalk</discovery_method>`
    : `<adkim>r</adkim>\n    <aspf>r</aspf>\n    <p>${r.p ?? 'none'}</p>\n    <sp>${r.p ?? 'none'}</sp>\n    <pct>${r.pct ?? 100}</pct>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<feedback${r.dmarcbis ? ' xmlns="urn:ietf:params:xml:ns:dmarc-2.0"' : ''}>
  <version>1.0</version>
  <report_metadata>
    <org_name>${esc(r.org)}</org_name>
    <email>noreply-dmarc@${esc(r.org.replace(/[^a-z0-9.-]/gi, '') || 'example.org')}</email>
    <report_id>${esc(r.reportId)}</report_id>
    <date_range>
      <begin>${r.begin}</begin>
      <end>${r.end ?? r.begin + 86_399}</end>
    </date_range>
  </report_metadata>
  <policy_published>
    <domain>${esc(r.domain)}</domain>
    ${policy}
  </policy_published>${records}
</feedback>
`;
}

export interface GenTlsPolicy {
  type: string;
  domain: string;
  successes: number;
  failures: number;
  failureDetails?: { resultType: string; sendingMtaIp?: string; receivingMx?: string; sessions: number }[];
}

export function tlsJson(r: { org: string; reportId: string; begin: number; policies: GenTlsPolicy[] }): string {
  return JSON.stringify(
    {
      'organization-name': r.org,
      'date-range': { 'start-datetime': new Date(r.begin * 1000).toISOString(), 'end-datetime': new Date((r.begin + 86_399) * 1000).toISOString() },
      'contact-info': `tlsrpt@${r.org}`,
      'report-id': r.reportId,
      policies: r.policies.map((p) => ({
        policy: { 'policy-type': p.type, 'policy-domain': p.domain, 'policy-string': ['version: STSv1', 'mode: enforce', `mx: mx.${p.domain}`, 'max_age: 86400'], 'mx-host': [`mx.${p.domain}`] },
        summary: { 'total-successful-session-count': p.successes, 'total-failure-session-count': p.failures },
        ...(p.failureDetails
          ? {
              'failure-details': p.failureDetails.map((f) => ({
                'result-type': f.resultType,
                ...(f.sendingMtaIp ? { 'sending-mta-ip': f.sendingMtaIp } : {}),
                ...(f.receivingMx ? { 'receiving-mx-hostname': f.receivingMx } : {}),
                'failed-session-count': f.sessions,
              })),
            }
          : {}),
      })),
    },
    null,
    2,
  );
}

export const gzip = (text: string | Uint8Array): Buffer => Buffer.from(gzipSync(typeof text === 'string' ? new TextEncoder().encode(text) : text));

export const zip = (files: Record<string, string | Uint8Array>): Buffer =>
  Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([name, data]) => [name, typeof data === 'string' ? new TextEncoder().encode(data) : data]))));

/** A report e-mail (multipart/mixed) with its attachments in base64, as receivers send them. */
export function reportEmail(attachments: { name: string; type: string; data: Uint8Array | string }[], subject = 'Report domain: example.test'): string {
  const boundary = '----=_Part_report_0001';
  const parts = attachments.map((a) => {
    const b64 = Buffer.from(typeof a.data === 'string' ? new TextEncoder().encode(a.data) : a.data).toString('base64').replace(/.{76}/g, '$&\r\n');
    return `--${boundary}\r\nContent-Type: ${a.type}; name="${a.name}"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="${a.name}"\r\n\r\n${b64}\r\n`;
  });
  return [
    'From: noreply-dmarc-support@reporter.example',
    'To: dmarc@example.test',
    `Subject: ${subject}`,
    'Date: Mon, 03 Jun 2024 10:00:00 +0000',
    'Message-ID: <report-0001@reporter.example>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThis is an aggregate report.\r\n`,
    ...parts,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

// ---------------------------------------------------------------------------------------------
// A domain with known sources: each one's class is known in advance (the reverse DNS of the
// addresses is in test/fixtures/zones/reports.zone).

export const KNOWN_DOMAIN = 'brand.test';

/** Source address → what it is, its reverse DNS in the fixture zone, and what it should be classified. */
export const KNOWN_SOURCES = {
  google: { ip: '203.0.113.120', ptr: 'mail-sor-f41.google.com', organization: 'Google Workspace', class: 'compliant' },
  sendgrid: { ip: '203.0.113.121', ptr: 'o1.ptr4231.sendgrid.net', organization: 'SendGrid', class: 'misconfigured' },
  forwarder: { ip: '203.0.113.122', ptr: 'mx1.forwarding.example', organization: 'forwarding.example', class: 'forwarded' },
  spoofer: { ip: '203.0.113.123', ptr: null, organization: '203.0.113.123', class: 'unknown' },
  own: { ip: '203.0.113.124', ptr: 'crm.brand.test', organization: 'brand.test', class: 'misconfigured' },
  list: { ip: '203.0.113.125', ptr: 'lists.discussion.example', organization: 'discussion.example', class: 'forwarded' },
  broken: { ip: '203.0.113.126', ptr: null, organization: '203.0.113.126', class: 'unknown' },
  ses: { ip: '203.0.113.127', ptr: 'a8-31.smtp-out.amazonses.com', organization: 'Amazon SES', class: 'compliant' },
} as const;

/** Records for one day of the known sources, `scale` messages per unit. */
export function knownRecords(scale = 1): GenRecord[] {
  const d = KNOWN_DOMAIN;
  const s = KNOWN_SOURCES;
  return [
    { ip: s.google.ip, count: 500 * scale, dkim: 'pass', spf: 'pass', envelopeFrom: d, dkimAuth: [{ domain: d, selector: 'google', result: 'pass' }], spfAuth: [{ domain: d, result: 'pass' }] },
    {
      ip: s.sendgrid.ip,
      count: 120 * scale,
      dkim: 'fail',
      spf: 'fail',
      envelopeFrom: 'sendgrid.net',
      dkimAuth: [{ domain: 'sendgrid.info', selector: 's1', result: 'pass' }],
      spfAuth: [{ domain: 'sendgrid.net', result: 'pass' }],
    },
    { ip: s.forwarder.ip, count: 40 * scale, dkim: 'pass', spf: 'fail', envelopeFrom: d, dkimAuth: [{ domain: d, selector: 'google', result: 'pass' }], spfAuth: [{ domain: d, result: 'fail' }] },
    { ip: s.spoofer.ip, count: 30 * scale, disposition: 'none', dkim: 'fail', spf: 'fail', envelopeFrom: 'spoof.example', spfAuth: [{ domain: 'spoof.example', result: 'softfail' }] },
    { ip: s.own.ip, count: 25 * scale, dkim: 'fail', spf: 'fail', envelopeFrom: d, spfAuth: [{ domain: d, result: 'fail' }] },
    {
      ip: s.list.ip,
      count: 10 * scale,
      dkim: 'fail',
      spf: 'fail',
      envelopeFrom: 'discussion.example',
      dkimAuth: [{ domain: d, selector: 'google', result: 'fail' }],
      spfAuth: [{ domain: 'discussion.example', result: 'pass' }],
      reasons: [{ type: 'mailing_list' }],
    },
    { ip: s.broken.ip, count: 5 * scale, dkim: 'fail', spf: 'fail', envelopeFrom: d, spfAuth: [{ domain: d, result: 'fail' }] },
    {
      ip: s.ses.ip,
      count: 200 * scale,
      dkim: 'pass',
      spf: 'fail',
      envelopeFrom: 'eu-west-1.amazonses.com',
      dkimAuth: [
        { domain: d, selector: 'abcdefgh', result: 'pass' },
        { domain: 'amazonses.com', selector: 'ug7nbtf4', result: 'pass' },
      ],
      spfAuth: [{ domain: 'eu-west-1.amazonses.com', result: 'pass' }],
    },
  ];
}

/**
 * Bench data: `reports` reports of `recordsPerReport` rows each, for `domain`, spread over 30 days
 * from `firstDay` (Unix seconds) and over `sources` addresses in 198.18.0.0/15 (RFC 2544).
 */
export function benchReport(i: number, options: { domain: string; firstDay: number; recordsPerReport: number; sources: number }): string {
  const records: GenRecord[] = [];
  for (let k = 0; k < options.recordsPerReport; k++) {
    const n = (i * 7919 + k * 104_729) % options.sources;
    const ip = `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    const pass = n % 10 !== 0;
    records.push({
      ip,
      count: 1 + ((i + k) % 50),
      dkim: pass ? 'pass' : 'fail',
      spf: n % 3 === 0 ? 'fail' : pass ? 'pass' : 'fail',
      envelopeFrom: options.domain,
      dkimAuth: [{ domain: pass ? options.domain : `sender${n % 97}.example`, selector: 's1', result: 'pass' }],
      spfAuth: [{ domain: options.domain, result: n % 3 === 0 ? 'fail' : 'pass' }],
    });
  }
  return aggregateXml({
    org: `reporter${i % 20}.example`,
    reportId: `bench-${i}`,
    domain: options.domain,
    begin: options.firstDay + (i % 30) * 86_400,
    records,
  });
}
