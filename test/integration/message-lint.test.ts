import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../electron/api/handlers';
import { DnsSession } from '../../electron/core/dns/session';
import { lintContent } from '../../electron/core/message/content-lint';
import { lintHeaders } from '../../electron/core/message/header-lint';
import type { MessageAnalysis } from '../../electron/core/message/types';
import { blocklistTestEntries } from '../helpers/blocklist-test-entries';
import { conformanceMessages } from '../helpers/conformance';
import { parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';
import { lintInput, msg } from '../helpers/message-lint-input';

// The blocklist zones (dbl.spamhaus.org, multi.surbl.org, multi.uribl.com) are served by the loopback
// fixture server from this zone text: every query goes to 127.0.0.1, none to the real lists.
const ZONE = `
evil.example.dbl.spamhaus.org.      A 127.0.1.2
phish.example.multi.surbl.org.      A 127.0.0.8
public.example.dbl.spamhaus.org.    A 127.255.255.254
public.example.multi.uribl.com.     A 127.0.0.1
slow.example.multi.uribl.com.       TIMEOUT
${blocklistTestEntries()}
`;

let server: DnsServer;
// A resolver that answers NXDOMAIN for every name (a captive or filtered one): no list's test entry answers.
let nxdomain: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zone: parseZone(ZONE) });
  nxdomain = await startDnsServer({ zone: parseZone('') });
});
afterAll(() => Promise.all([server?.close(), nxdomain?.close()]));

const session = (port = server.port) => new DnsSession({ servers: [{ address: '127.0.0.1', port }], timeoutMs: 300, tries: 1 });
const page = (hrefs: string[]) =>
  msg(
    'From: Shop <news@shop.example>',
    'Date: Thu, 26 Nov 2026 09:58:00 +0000',
    'Message-ID: <l.1@shop.example>',
    'Content-Type: multipart/alternative; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'Offer.',
    '--b',
    'Content-Type: text/html',
    '',
    `<p>${'Our offer for you, with plenty of words to read. '.repeat(12)}</p>${hrefs.map((h, i) => `<a href="${h}">link ${i}</a>`).join(' ')}`,
    '--b--',
    '',
  );

const listed = async (hrefs: string[], checkLinkDomains = true, port?: number) => {
  const dns = session(port);
  const r = await lintContent(await lintInput(page(hrefs), { checkLinkDomains }), dns);
  return { findings: r.findings.filter((f) => f.code === 'content.listed-domain'), unknown: r.findings.filter((f) => f.code === 'content.link-lookup-failed'), dns };
};
const words = (f: { title: string; detail: string; fix?: string }) => `${f.title} ${f.detail} ${f.fix ?? ''}`;

describe('content.listed-domain against the loopback DNS fixture', () => {
  it('reports a link domain on Spamhaus DBL with its code, meaning and delisting page', async () => {
    const { findings } = await listed(['https://www.evil.example/login?x=1', 'https://cdn.evil.example/a']);
    expect(findings).toHaveLength(1);
    const f = findings[0];
    expect(f).toMatchObject({ severity: 'critical', check: 'content', title: 'Link domain evil.example is listed on Spamhaus Domain Blocklist (DBL)', evidence: 'evil.example.dbl.spamhaus.org A 127.0.1.2' });
    expect(f?.detail).toContain('(127.0.1.2: spam domain)');
    expect(f?.detail).toContain('https://www.evil.example/login?x=1');
    expect(f?.fix).toContain('https://check.spamhaus.org/');
    expect(f?.refs).toContain('RFC 5782 §2.3');
  });

  it('reads SURBL bitmask codes', async () => {
    const { findings } = await listed(['https://phish.example/']);
    expect(findings.map((f) => f.detail)).toEqual([expect.stringContaining('SURBL multi (127.0.0.8: PH: phishing sites)')]);
  });

  it('never counts a refusal, a timeout or a clean domain as listed, and asks every domain list', async () => {
    const { findings, unknown, dns } = await listed(['https://public.example/', 'https://slow.example/', 'https://clean.example/']);
    expect(findings).toEqual([]);
    // What could not be asked is said, list by list; the clean domain on lists that answered is not in it.
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ severity: 'info', check: 'content', title: 'Link domains could not be checked on Spamhaus Domain Blocklist (DBL), URIBL multi' });
    expect(unknown[0]?.detail).toContain('Spamhaus Domain Blocklist (DBL) refused to answer about public.example');
    expect(unknown[0]?.detail).toContain('URIBL multi refused to answer about public.example');
    expect(unknown[0]?.detail).toContain('the lookups of slow.example on URIBL multi got no usable answer (no answer (timeout))');
    expect(unknown[0]?.detail).toContain('unknown, not clean');
    expect(unknown[0]?.detail).not.toContain('clean.example');
    expect(unknown[0]?.evidence).toContain('slow.example.multi.uribl.com A: no answer (timeout)');
    expect(unknown[0]?.fix).toBe('Check again through a resolver the lists accept (your own recursive resolver, not a public or filtered one), or with a Spamhaus DQS key.');
    // The list that never answers is given up on by the session's deadline (how soon is a bound of
    // `npm run bench -- limits`), and the others are still asked.
    expect(dns.transcript.filter((q) => q.name === 'slow.example.multi.uribl.com').map((q) => q.error)).toEqual(['ETIMEOUT']);
    const asked = dns.transcript.map((q) => q.name);
    expect(asked).toEqual(expect.arrayContaining(['clean.example.dbl.spamhaus.org', 'clean.example.multi.surbl.org', 'clean.example.multi.uribl.com', 'public.example.dbl.spamhaus.org']));
  });

  it('asks nothing when the network part is off, and never asks about IP literals or non-web links', async () => {
    const before = server.queries.length;
    const off = await listed(['https://www.evil.example/'], false);
    expect(off.findings).toEqual([]);
    expect(off.dns.transcript).toEqual([]);
    const odd = await listed(['https://192.0.2.7/x', 'mailto:a@evil.example', 'javascript:location="https://evil.example"', 'https://[2001:db8::1]/']);
    expect(odd.dns.transcript).toEqual([]);
    expect(server.queries.length).toBe(before);
  });

  it('bounds the lookups to 40 distinct domains', async () => {
    const hrefs = Array.from({ length: 100 }, (_, i) => `https://d${i}.example/`);
    const { dns } = await listed(hrefs);
    // Plus each domain list's test entry, asked once.
    expect(new Set(dns.transcript.map((q) => q.name)).size).toBe(40 * 3 + 3);
  });

  it('says nothing when every list answered and none lists a link domain', async () => {
    const { findings, unknown, dns } = await listed(['https://clean.example/', 'https://other.example/']);
    expect([...findings, ...unknown]).toEqual([]);
    expect(dns.transcript.map((q) => q.name)).toEqual(expect.arrayContaining(['dbltest.com.dbl.spamhaus.org', 'test.surbl.org.multi.surbl.org', 'test.uribl.com.multi.uribl.com']));
  });

  it('through a resolver that answers NXDOMAIN for every name, says each list could not be trusted and never reads "not listed" as clean', async () => {
    const { findings, unknown, dns } = await listed(['https://clean.example/', 'https://www.evil.example/'], true, nxdomain.port);
    expect(findings).toEqual([]);
    expect(unknown).toHaveLength(1);
    const f = unknown[0];
    expect(f?.title).toBe('Link domains could not be checked on Spamhaus Domain Blocklist (DBL), SURBL multi, URIBL multi');
    expect(f?.detail).toContain('Spamhaus Domain Blocklist (DBL) did not list its own test entry through this resolver: its answers cannot be trusted (its test entry dbltest.com.dbl.spamhaus.org answered no such name (NXDOMAIN)), so its "not listed" about all 2 link domains says nothing');
    expect(f?.detail).toContain('SURBL multi did not list its own test entry');
    expect(f?.evidence).toBe(['dbltest.com.dbl.spamhaus.org A: no such name (NXDOMAIN)', 'test.surbl.org.multi.surbl.org A: no such name (NXDOMAIN)', 'test.uribl.com.multi.uribl.com A: no such name (NXDOMAIN)'].join('\n'));
    expect(f?.fix).toContain('a Spamhaus DQS key');
    expect(words(f as { title: string; detail: string })).not.toMatch(/\bis clean|no link domain (is )?listed|not listed on/i);
    // One test-entry query per list for the whole message, however many domains it links to.
    expect(dns.transcript.filter((q) => /^(dbltest\.com|test\.surbl\.org|test\.uribl\.com)\./.test(q.name))).toHaveLength(3);
  });

  it('asks the Spamhaus DQS zone with a key, its test entry there, and never shows the key', async () => {
    const dns = session();
    const r = await lintContent(await lintInput(page(['https://clean.example/']), { checkLinkDomains: true, spamhausDqsKey: 'nokey42' }), dns);
    const unknown = r.findings.filter((f) => f.code === 'content.link-lookup-failed');
    // The fixture serves no test entry under this key: the DQS list cannot be trusted; the others answered.
    expect(unknown.map((f) => f.title)).toEqual(['Link domains could not be checked on Spamhaus Domain Blocklist (DBL)']);
    expect(unknown[0]?.fix).toContain('check the Spamhaus DQS key');
    expect(dns.transcript.map((q) => q.name)).toEqual(expect.arrayContaining(['clean.example.nokey42.dbl.dq.spamhaus.net', 'dbltest.com.nokey42.dbl.dq.spamhaus.net']));
    expect(JSON.stringify(unknown)).not.toContain('nokey42');
  });
});

describe('message.check through a resolver that answers NXDOMAIN for every name', () => {
  it('says the link domains could not be checked, beside a readiness item in error, and never a clean result', async () => {
    const api = createApi({ dbPath: null, resolverDefault: `127.0.0.1:${nxdomain.port}`, transport: 'http', version: '0', emit: () => {} });
    try {
      const a = (await api.dispatch('message.check', { raw: page(['https://clean.example/']), readiness: true })) as MessageAnalysis;
      expect(a.findings.filter((f) => f.code === 'content.listed-domain')).toEqual([]);
      const unknown = a.findings.filter((f) => f.code === 'content.link-lookup-failed');
      expect(unknown.map((f) => f.title)).toEqual(['Link domains could not be checked on Spamhaus Domain Blocklist (DBL), SURBL multi, URIBL multi']);
      const item = a.readiness?.items.find((i) => i.label === 'Link domains');
      expect(item).toMatchObject({ status: 'error', deduction: 0 });
      expect(item?.detail).toContain('unknown, not clean');
    } finally {
      api.close();
    }
  });
});

describe('a bad bulk message from a fixture file, end to end through both lints', () => {
  it('raises the header and content codes a consultant would expect', async () => {
    const raw = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'messages', 'lint-bulk-bad.eml'));
    const input = await lintInput(raw, { bulk: true, checkLinkDomains: true });
    const headerCodes = lintHeaders(input).map((f) => f.code);
    expect(headerCodes.sort()).toEqual(['header.date-skew', 'header.display-name-spoof', 'header.no-message-id', 'header.no-one-click', 'header.reply-to-mismatch']);
    const { findings, content } = await lintContent(input, session());
    expect(findings.map((f) => f.code).sort()).toEqual([
      'content.http-link',
      'content.image-heavy',
      'content.img-no-alt',
      'content.link-mismatch',
      'content.listed-domain',
      'content.listed-domain',
      'content.no-postal-address',
      'content.no-text-part',
      'content.no-unsubscribe-link',
      'content.tracking-pixel',
      'content.url-shortener',
    ]);
    expect(content.links.map((l) => l.domain)).toEqual(['www.evil.example', 'bit.ly', 'phish.example']);
    expect(findings.filter((f) => f.code === 'content.listed-domain').map((f) => f.title)).toEqual([
      'Link domain evil.example is listed on Spamhaus Domain Blocklist (DBL)',
      'Link domain phish.example is listed on SURBL multi',
    ]);
  });
});

describe('conformance messages', () => {
  // The time each takes (under 500 ms) is a bound of `npm run bench -- messages`.
  it('lints every MIME conformance message and DMARC report .eml without a throw', async () => {
    const files = conformanceMessages();
    expect(files.length).toBeGreaterThan(60);
    for (const file of files) {
      const input = await lintInput(readFileSync(file), { bulk: true });
      const headers = lintHeaders(input);
      const { content } = await lintContent(input);
      expect(headers.every((f) => f.code.startsWith('header.')), file).toBe(true);
      expect(content.htmlTransferBytes, file).toBeGreaterThanOrEqual(0);
    }
  });
});
