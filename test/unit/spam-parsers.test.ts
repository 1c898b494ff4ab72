/**
 * The spam filters' answers, parsed: recorded from the mail lab's spamd 4.0.1 and rspamd 3.4
 * (test/fixtures/spam), and answers no filter should give.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../../electron/core/audit/codes';
import { catalogueFindings, explainRule } from '../../electron/core/spam/catalogue';
import { parseRspamdUrl, parseSpamdAddress } from '../../electron/core/spam/config';
import { SpamFilterFailure } from '../../electron/core/spam/errors';
import { envelopeHeaders, parseCheckV2, versionFromServer } from '../../electron/core/spam/rspamd';
import { parseReportRules, parseSpamdReply, parseSpamHeader, versionFromHeaders } from '../../electron/core/spam/spamc';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'spam', name));

describe('spamd answers', () => {
  it('reads a REPORT of GTUBE: spam, its score and threshold, and every rule with its score', () => {
    const reply = parseSpamdReply(fixture('spamd-report-gtube.txt'));
    expect(reply).toMatchObject({ protocol: 'SPAMD/1.1', code: 0, text: 'EX_OK' });
    expect(parseSpamHeader(reply.headers.get('spam'))).toEqual({ spam: true, score: 1003.3, threshold: 5 });
    const rules = parseReportRules(reply.body);
    expect(rules).toContainEqual({ name: 'GTUBE', score: 1000, description: 'BODY: Generic Test for Unsolicited Bulk Email' });
    expect(rules).toContainEqual({ name: 'MISSING_DATE', score: 2.7, description: 'Missing Date: header' });
    expect(rules.map((r) => r.name).sort()).toEqual(['GTUBE', 'MISSING_DATE', 'MISSING_MID', 'NO_RECEIVED', 'NO_RELAYS', 'TVD_SPACE_RATIO']);
  });

  it('joins a description that wraps onto the next line', () => {
    const rules = parseReportRules(parseSpamdReply(fixture('spamd-report-html-only.txt')).body);
    expect(rules.find((r) => r.name === 'MIME_HEADER_CTYPE_ONLY')).toEqual({ name: 'MIME_HEADER_CTYPE_ONLY', score: 0.1, description: "'Content-Type' found without required MIME headers" });
    expect(rules.find((r) => r.name === 'HTML_IMAGE_ONLY_04')?.score).toBe(1.7);
  });

  it('reads the version from a HEADERS answer', () => {
    expect(versionFromHeaders(parseSpamdReply(fixture('spamd-headers-probe.txt')).body)).toBe('4.0.1');
    expect(versionFromHeaders('X-Spam-Checker-Version: SpamAssassin 3.4.6 (2021-04-09) on mx\r\n')).toBe('3.4.6');
    expect(versionFromHeaders('Subject: nothing here\r\n')).toBeUndefined();
  });

  it('refuses what is not the SPAMC protocol, a cut answer and a missing score', () => {
    expect(() => parseSpamdReply(Buffer.from('HTTP/1.1 200 OK\r\n\r\nhello'))).toThrow(/not the SPAMC protocol: "HTTP\/1.1 200 OK/);
    expect(() => parseSpamdReply(Buffer.from('\x00\x01\x02garbage'))).toThrow(/not the SPAMC protocol: "\?\?\?garbage"/);
    expect(() => parseSpamdReply(Buffer.from('SPAMD/1.1 0 EX_OK\r\nContent-length: 500\r\nSpam: True ; 1 / 5\r\n\r\nshort'))).toThrow(/cut short \(5 of 500 bytes\)/);
    expect(() => parseSpamHeader(undefined)).toThrow(SpamFilterFailure);
    expect(() => parseSpamHeader('maybe')).toThrow(/without a score/);
  });
});

describe('rspamd answers', () => {
  it('reads GTUBE as rejected: spam, with rspamd\'s action and threshold', () => {
    const verdict = parseCheckV2(fixture('rspamd-checkv2-gtube.json').toString(), '3.4');
    expect(verdict).toMatchObject({ filter: 'rspamd', version: '3.4', score: 15, threshold: 15, verdict: 'spam', action: 'reject' });
    expect(verdict.rules.map((r) => r.name)).toEqual(['GTUBE']);
  });

  it('reads every symbol with its score and description, explained from the catalogue', () => {
    const verdict = parseCheckV2(fixture('rspamd-checkv2-html-only.json').toString(), '3.4');
    expect(verdict).toMatchObject({ score: 10.2, threshold: 15, action: 'add header', verdict: 'spam' });
    expect(verdict.rules.find((r) => r.name === 'MISSING_MID')).toMatchObject({ score: 2.5, group: 'headers', finding: 'header.no-message-id', filterDescription: 'Message id is missing' });
    expect(verdict.rules.find((r) => r.name === 'MIME_HTML_ONLY')).toMatchObject({ score: 0.2, group: 'content', finding: 'content.no-text-part' });
    // Heaviest first, then by name; the DNS-dependent DMARC symbol is marked as such.
    expect(verdict.rules.slice(0, 2).map((r) => r.name)).toEqual(['HFILTER_HOSTNAME_UNKNOWN', 'MISSING_MID']);
    expect(verdict.rules.find((r) => r.name === 'DMARC_DNSFAIL')).toMatchObject({ network: true, group: 'authentication' });
  });

  it('keeps a message that scores under every action as ham', () => {
    const verdict = parseCheckV2(JSON.stringify({ score: 1.5, required_score: 15, action: 'no action', symbols: {} }), '3.4');
    expect(verdict.verdict).toBe('ham');
  });

  it('refuses answers that are not scan results', () => {
    expect(() => parseCheckV2('<html>proxy error</html>', '3.4')).toThrow(/not JSON: "<html>proxy error/);
    expect(() => parseCheckV2('[1,2]', '3.4')).toThrow(/not a scan result/);
    expect(() => parseCheckV2('{"score": "high"}', '3.4')).toThrow(/without a score, required_score, action and symbols/);
    expect(() => parseCheckV2('{"error": "bad request"}', '3.4')).toThrow(/could not scan the message: bad request/);
  });

  it('reads the version from the Server header, and passes only envelope values a header can carry', () => {
    expect(versionFromServer('rspamd/3.4')).toBe('3.4');
    expect(versionFromServer('nginx')).toBe('unknown');
    expect(envelopeHeaders({ ip: '192.0.2.1', helo: 'mx.example', mailFrom: 'a@b.example\r\nX-Bad: 1', rcpt: ['c@d.example'] })).toEqual({ IP: '192.0.2.1', Helo: 'mx.example', Rcpt: 'c@d.example' });
  });
});

describe('the rule catalogue', () => {
  it('links only finding codes that exist', () => {
    for (const code of catalogueFindings()) expect(Object.hasOwn(FINDING_CODES, code), code).toBe(true);
  });

  it('groups and marks blocklist rules it does not list by their names, keeping the filter\'s words', () => {
    expect(explainRule('spamassassin', 'RCVD_IN_SOMETHING_NEW', 1.2, 'Listed on something new')).toEqual({
      name: 'RCVD_IN_SOMETHING_NEW',
      score: 1.2,
      description: 'Listed on something new',
      group: 'blocklists',
      network: true,
    });
    expect(explainRule('rspamd', 'BAYES_SPAM', 5.1, 'Message probably spam')).toMatchObject({ group: 'bayes' });
    expect(explainRule('rspamd', 'SOMETHING_ELSE', 0, undefined)).toMatchObject({ group: 'other', description: 'The filter gives no description of this rule.' });
    expect(explainRule('spamassassin', 'TVD_SPACE_RATIO', 0, 'No description available.').filterDescription).toBeUndefined();
  });

  it('marks network-dependent rules and links DKIM failures to the DKIM finding', () => {
    expect(explainRule('spamassassin', 'URIBL_BLOCKED', 0, '')).toMatchObject({ group: 'blocklists', network: true });
    expect(explainRule('rspamd', 'R_DKIM_REJECT', 1, '')).toMatchObject({ group: 'authentication', finding: 'auth.dkim-fail' });
  });
});

describe('filter addresses', () => {
  it('reads spamd as host, host:port or [IPv6]:port, and rspamd as an http(s) URL', () => {
    expect(parseSpamdAddress('127.0.0.1')).toEqual({ host: '127.0.0.1', port: 783 });
    expect(parseSpamdAddress(' spamd.lan:2783 ')).toEqual({ host: 'spamd.lan', port: 2783 });
    expect(parseSpamdAddress('[::1]:783')).toEqual({ host: '::1', port: 783 });
    expect(() => parseSpamdAddress('127.0.0.1:99999')).toThrow(/from 1 to 65535/);
    expect(() => parseSpamdAddress('bad host:1')).toThrow(/not a host name/);
    expect(parseRspamdUrl('http://127.0.0.1:11333/')).toBe('http://127.0.0.1:11333');
    expect(() => parseRspamdUrl('ftp://x')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => parseRspamdUrl('http://u:p@x')).toThrow(/user name or password/);
    expect(() => parseRspamdUrl('127.0.0.1:11333')).toThrow();
  });
});
