/**
 * How a DMARC aggregate report's XML is read: the text of a field whatever way it is written
 * (entity references, CDATA, comments, processing instructions, CRLF line ends, blanks around it),
 * elements under a namespace prefix, and the documents refused before they are read.
 */
import { describe, expect, it } from 'vitest';
import { parseAggregateXml } from '../../electron/core/reports/dmarc-xml';
import { readReportBytes } from '../../electron/core/reports/read-file';

const record = (inner = '') =>
  `<record><row><source_ip>192.0.2.7</source_ip><count> 3 </count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf>${inner}</policy_evaluated></row>` +
  '<identifiers><header_from>Example.COM.</header_from></identifiers><auth_results><dkim><domain>example.com</domain><result>pass</result></dkim><spf><domain>bounce.example.com</domain></spf></auth_results></record>';

const report = (metadata: string, records = record()) =>
  `<?xml version="1.0" encoding="UTF-8"?>\r\n<feedback>\r\n  <report_metadata>${metadata}<date_range><begin>1717200000</begin><end>1717286399</end></date_range></report_metadata>\r\n` +
  `  <policy_published><domain>example.com</domain><p>none</p></policy_published>\r\n  ${records}\r\n</feedback>\r\n`;

describe('reading a DMARC aggregate report', () => {
  it('reads a field the same through entity references, CDATA, comments, line ends and blanks', () => {
    const parsed = parseAggregateXml(
      report(
        '<org_name> Mail &amp; Co\r\n Ltd </org_name><report_id>r-<!-- a note -->42</report_id>' +
          '<extra_contact_info> <![CDATA[ see <https://example.net/dmarc> &amp; ]]> </extra_contact_info><error>&#x41;&lt;B&gt;</error>',
        record('<reason><type>Forwarded</type><comment>via<?list x?>list</comment></reason>'),
      ),
    );
    expect(parsed).toMatchObject({ schema: 'rfc7489', org: 'Mail & Co\n Ltd', reportId: 'r-42', extraContact: 'see <https://example.net/dmarc> &', errors: ['A<B>'] });
    expect(parsed.records).toEqual([
      {
        sourceIp: '192.0.2.7',
        count: 3,
        disposition: 'none',
        dkim: 'pass',
        spf: 'fail',
        reasons: [{ type: 'forwarded', comment: 'vialist' }],
        headerFrom: 'example.com',
        envelopeFrom: null,
        envelopeTo: null,
        dkimAuth: [{ domain: 'example.com', selector: null, result: 'pass' }],
        spfAuth: [{ domain: 'bounce.example.com', scope: null, result: 'none' }],
      },
    ]);
  });

  it('reads elements under a namespace prefix, DMARCbis by its namespace', () => {
    const xml = report('<org_name>o</org_name><report_id>r</report_id>')
      .replace(/<(\/?)([a-z_]+)>/g, '<$1d:$2>')
      .replace('<d:feedback>', '<d:feedback xmlns:d="urn:ietf:params:xml:ns:dmarc-2.0">');
    const parsed = parseAggregateXml(xml);
    expect(parsed).toMatchObject({ schema: 'dmarcbis', org: 'o', reportId: 'r', policy: { domain: 'example.com', p: 'none' } });
    expect(parsed.records.map((r) => [r.sourceIp, r.count])).toEqual([['192.0.2.7', 3]]);
  });

  it('refuses what is not well-formed, or not a report, saying why', () => {
    const refusal = (xml: string) => readReportBytes('r.xml', Buffer.from(xml)).refused.map((r) => [r.code, r.reason]);
    expect(refusal('<feedback><report_metadata></feedback>')).toEqual([['not-xml', expect.stringMatching(/^it is not well-formed XML: .*report_metadata/)]]);
    expect(refusal('<feedback></feedback><feedback></feedback>')).toEqual([['not-xml', expect.stringMatching(/^it is not well-formed XML/)]]);
    expect(refusal('<report></report>')).toEqual([['wrong-schema', 'its root element is <report>, not <feedback>: it is not a DMARC aggregate report']]);
    expect(refusal(report('<org_name>o</org_name>'))).toEqual([['wrong-schema', 'it has no report_id']]);
  });
});
