/**
 * Fix records: the one line "Copy fix" puts on the clipboard, and the fix cells of every report kind.
 */
import { describe, expect, it } from 'vitest';
import { finding } from '../../electron/core/audit/finding';
import { renderCsv } from '../../electron/core/report/csv';
import { renderHtml } from '../../electron/core/report/html';
import { renderMarkdown } from '../../electron/core/report/markdown';
import { txtStrings, zoneLine, zoneLines } from '../../electron/shared/fix-record';
import { reportResult } from '../helpers/report-result';

describe('zoneLine', () => {
  it('gives name, TTL, class, type and the quoted value, as a zone file and DNS console import take it', () => {
    expect(zoneLine({ name: '_dmarc.example.test', type: 'TXT', value: 'v=DMARC1; p=none; rua=mailto:d@example.test' })).toBe(
      '_dmarc.example.test. 3600 IN TXT "v=DMARC1; p=none; rua=mailto:d@example.test"',
    );
    expect(zoneLine({ name: 'example.test', type: 'MX', value: '10 mx1.example.test', ttl: 300 })).toBe('example.test. 300 IN MX 10 mx1.example.test.');
    expect(zoneLine({ name: 'www.example.test.', type: 'CNAME', value: 'host.example.test' })).toBe('www.example.test. 3600 IN CNAME host.example.test.');
  });

  it('splits a long TXT value into strings of at most 255 octets that join back to the value (RFC 1035 §3.3)', () => {
    const key = `v=DKIM1; k=rsa; p=${'A'.repeat(600)}`;
    const strings = txtStrings(key);
    expect(strings.length).toBe(3);
    const inner = strings.map((s) => s.slice(1, -1));
    expect(inner.every((s) => Buffer.byteLength(s) <= 255)).toBe(true);
    expect(inner.join('')).toBe(key);
  });

  it('never splits a multi-byte character and escapes quotes and backslashes', () => {
    const value = `${'a'.repeat(254)}é${'b'.repeat(3)}`;
    const inner = txtStrings(value).map((s) => s.slice(1, -1));
    expect(inner).toEqual(['a'.repeat(254), `é${'b'.repeat(3)}`]);
    expect(txtStrings('say "hi" \\ bye')).toEqual(['"say \\"hi\\" \\\\ bye"']);
  });

  it('puts several records on several lines', () => {
    expect(zoneLines([{ name: 'a.test', type: 'TXT', value: 'x' }, { name: 'b.test', type: 'TXT', value: 'y' }]).split('\n')).toHaveLength(2);
  });
});

describe('report fix cells', () => {
  const result = reportResult();
  const record = { name: '_dmarc.example.test', type: 'TXT' as const, value: 'v=DMARC1; p=none; rua=mailto:dmarc-reports@example.test' };
  const line = '_dmarc.example.test. 3600 IN TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.test"';
  result.findings.push(finding('dmarc.missing', { title: 'No DMARC record', detail: 'None at _dmarc.example.test.', fix: 'Publish a DMARC record, p=none first.', fixRecords: [record] }));

  it('the CSV fix column holds the record, the prose where there is none', () => {
    const csv = renderCsv([result]);
    expect(csv).toContain(`example.test,dmarc.missing,critical,No DMARC record,"${line.replace(/"/g, '""')}"`);
    expect(csv).toContain("'+Add an A record for mx1");
  });

  it('HTML and Markdown show the prose and the record beside it', () => {
    const html = renderHtml([result]);
    expect(html).toContain('Publish a DMARC record, p=none first.');
    expect(html).toContain(`<p>Record:</p><pre>${line.replace(/"/g, '&#34;')}</pre>`);
    const md = renderMarkdown([result]);
    expect(md).toContain('Publish a DMARC record, p=none first.');
    expect(md).toContain(line);
  });
});
