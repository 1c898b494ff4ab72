import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmbeddedResults } from '../../electron/core/report/html';
import { runCli } from '../lab/cli';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
let dir: string;
let db: string;
const SKIP = ['--skip', 'smtp,http,dnsbl'];

beforeAll(async () => {
  const zone = parseZone(
    [
      'hostile.report.test. MX 10 mx.hostile.report.test.',
      'mx.hostile.report.test. A 192.0.2.44',
      'hostile.report.test. TXT "v=spf1 +all"',
      'hostile.report.test. TXT "</script><script>alert(1)</script>"',
    ].join('\n'),
    loadZoneFixtures(),
  );
  server = await startDnsServer({ zone });
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-report-'));
  db = join(dir, 'history.sqlite');
  const resolver = `127.0.0.1:${server.port}`;
  const audit = await runCli(['audit', 'good.test', 'hostile.report.test', '--resolver', resolver, '--db', db, '--json', ...SKIP]);
  expect(audit.stderr).toBe('');
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deliverlab report', () => {
  it('writes the latest stored audit of each domain as one HTML file, one section per domain', async () => {
    const out = join(dir, 'both.html');
    const run = await runCli(['report', 'good.test', 'hostile.report.test', '--out', out, '--db', db]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    const results = readEmbeddedResults(html);
    expect(results.map((r) => r.domain)).toEqual(['good.test', 'hostile.report.test']);
    expect(html.match(/class="domain-section"/g)).toHaveLength(2);
    expect(html.match(/<script/g)).toHaveLength(1);
    for (const f of results[1]?.findings ?? []) expect(html).toContain(f.code);
    expect(results[1]?.findings.map((f) => f.code)).toContain('spf.all-pass');
    // A portfolio leaves each transcript to the domain's own report, where the hostile record shows escaped.
    expect(html).not.toContain('Appendix: DNS transcript');
    const alone = join(dir, 'hostile.html');
    expect((await runCli(['report', 'hostile.report.test', '--out', alone, '--db', db])).code).toBe(0);
    const one = readFileSync(alone, 'utf8');
    expect(one).toContain('Appendix: DNS transcript');
    expect(one).toContain('&#60;/script&#62;&#60;script&#62;alert(1)');
    expect(one.match(/<script/g)).toHaveLength(1);
  });

  it('takes the format from the extension of --out, or from --format', async () => {
    const csv = join(dir, 'r.csv');
    expect((await runCli(['report', 'hostile.report.test', '--out', csv, '--db', db])).code).toBe(0);
    const rows = readFileSync(csv, 'utf8').split('\r\n');
    expect(rows[0]).toBe('domain,code,severity,title,fix');
    expect(rows.some((r) => r.startsWith('hostile.report.test,spf.all-pass,critical,'))).toBe(true);
    const md = join(dir, 'r.txt');
    expect((await runCli(['report', 'hostile.report.test', '--out', md, '--format', 'md', '--db', db])).code).toBe(0);
    expect(readFileSync(md, 'utf8')).toContain('### Fix these first');
    const bad = await runCli(['report', 'hostile.report.test', '--out', join(dir, 'r.txt'), '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format/);
  });

  it('reports one stored audit by --audit ID, and the same result gives the same bytes', async () => {
    const json = join(dir, 'one.json');
    expect((await runCli(['report', 'good.test', '--out', json, '--db', db])).code).toBe(0);
    const id = (JSON.parse(readFileSync(json, 'utf8')) as { id: number }).id;
    const a = join(dir, 'a.html');
    const b = join(dir, 'b.html');
    expect((await runCli(['report', '--audit', String(id), '--out', a, '--db', db])).code).toBe(0);
    expect((await runCli(['report', 'good.test', '--out', b, '--db', db])).code).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    const missing = await runCli(['report', '--audit', '999999', '--out', a, '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no audit #999999/);
  });

  it('exits 2 for a domain with no stored audit, saying to add --fresh', async () => {
    const out = join(dir, 'x.html');
    const run = await runCli(['report', 'never.report.test', '--out', out, '--db', db]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('There is no stored audit of never.report.test: add --fresh');
    expect(existsSync(out)).toBe(false);
  });

  it('--fresh audits the domains first, with the audit flags, and stores the audits', async () => {
    const out = join(dir, 'fresh.md');
    const fresh = join(dir, 'fresh.sqlite');
    const run = await runCli(['report', 'good.test', 'hostile.report.test', '--fresh', '--resolver', `127.0.0.1:${server.port}`, ...SKIP, '--selectors', 'lab', '--out', out, '--db', fresh]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('## Overview');
    expect(md).toContain('SMTP probing turned off \\(\\-\\-skip smtp\\)');
    expect(md).toMatch(/Selectors tried: .*\blab\b/);
    expect(md).toContain(`- Resolver: 127\\.0\\.0\\.1\\:${server.port}`);
    // The audits went into history: the same report renders again without --fresh.
    const again = join(dir, 'fresh-again.md');
    expect((await runCli(['report', 'good.test', 'hostile.report.test', '--out', again, '--db', fresh])).code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(md);
  });

  it('--fresh reports a domain that cannot be audited and writes nothing; audit flags need --fresh', async () => {
    const out = join(dir, 'refused.html');
    const bad = await runCli(['report', 'good.test', '--fresh', '--resolver', 'not a resolver', '--out', out, '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--resolver/);
    const noFresh = await runCli(['report', 'good.test', '--skip', 'smtp', '--out', out, '--db', db]);
    expect(noFresh.code).toBe(2);
    expect(noFresh.stderr).toContain('--skip says how to audit: add --fresh');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a list of more than 500 domains at once, before any audit runs, and writes nothing', async () => {
    const list = join(dir, 'too-many.txt');
    writeFileSync(list, Array.from({ length: 501 }, (_, i) => `d${i}.many.test`).join('\n'));
    const out = join(dir, 'too-many.html');
    const run = await runCli(['report', '--file', list, '--fresh', '--resolver', `127.0.0.1:${server.port}`, '--out', out, '--db', db]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('A report covers at most 500 domains, and 501 were named: split the list into several reports.');
    expect(existsSync(out)).toBe(false);
    const history = await runCli(['history', 'list', '--domain', 'd0.many.test', '--json', '--db', db]);
    expect(history.code).toBe(0);
    expect(history.stdout).toBe('');
  });

  it('--file reads the domains by the audit list rule, telling the lines it refused', async () => {
    const list = join(dir, 'list.csv');
    writeFileSync(list, 'Domain,Client\r\nhttps://good.test/contact,Good Ltd\r\nnot_a domain,x\r\npostmaster@hostile.report.test,Hostile\r\n');
    const out = join(dir, 'list.json');
    const run = await runCli(['report', '--file', list, '--out', out, '--db', db]);
    expect(run.stderr).toMatch(/^deliverlab: --file line 3: "not_a domain,x": /);
    expect(run.code).toBe(2);
    const results = JSON.parse(readFileSync(out, 'utf8')) as { domain: string }[];
    expect(results.map((r) => r.domain)).toEqual(['good.test', 'hostile.report.test']);
  });

  it('--brand FILE puts the title, name, logo (relative to the file), accent and footer on the report', async () => {
    const brandDir = join(dir, 'brand');
    mkdirSync(brandDir, { recursive: true });
    writeFileSync(join(brandDir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4" onload="alert(1)"><script>alert(2)</script><circle cx="2" cy="2" r="2" fill="#7a1f5c"/></svg>');
    const brandFile = join(brandDir, 'brand.json');
    writeFileSync(brandFile, JSON.stringify({ title: 'Acme mail audit', name: 'Acme Consulting', logo: 'logo.svg', accent: '#7a1f5c', footer: 'Prepared for Good Ltd' }));
    const out = join(dir, 'branded.html');
    const run = await runCli(['report', 'good.test', '--brand', brandFile, '--out', out, '--db', db]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<title>Acme mail audit</title>');
    expect(html).toContain('Prepared by Acme Consulting with Deliverlab.');
    expect(html).toContain(':root{--accent:#7a1f5c}');
    expect(html).toContain('<p>Prepared for Good Ltd</p>');
    const logo = /<img class="brand-logo" src="data:image\/svg\+xml;base64,([^"]+)"/.exec(html)?.[1] ?? '';
    expect(Buffer.from(logo, 'base64').toString()).toBe('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><circle cx="2" cy="2" r="2" fill="#7a1f5c"></circle></svg>');

    writeFileSync(brandFile, JSON.stringify({ accent: 'blue', colour: '#000' }));
    const unknown = await runCli(['report', 'good.test', '--brand', brandFile, '--out', join(dir, 'b2.html'), '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown field "colour"');
    writeFileSync(brandFile, JSON.stringify({ accent: 'blue' }));
    const badAccent = await runCli(['report', 'good.test', '--brand', brandFile, '--out', join(dir, 'b2.html'), '--db', db]);
    expect(badAccent.code).toBe(2);
    expect(badAccent.stderr).toContain('--brand');
    expect(badAccent.stderr).toContain('accent must be a colour written #rgb or #rrggbb');
    expect(existsSync(join(dir, 'b2.html'))).toBe(false);
  });

  it('renders a report again from its embedded result, and refuses a changed file', async () => {
    const html = join(dir, 'from.html');
    expect((await runCli(['report', 'hostile.report.test', '--out', html, '--db', db])).code).toBe(0);
    const md = join(dir, 'from.md');
    const again = await runCli(['report', '--from', html, '--out', md]);
    expect(again.code).toBe(0);
    const direct = join(dir, 'direct.md');
    expect((await runCli(['report', 'hostile.report.test', '--out', direct, '--db', db])).code).toBe(0);
    expect(readFileSync(md, 'utf8')).toBe(readFileSync(direct, 'utf8'));

    const tampered = join(dir, 'tampered.html');
    writeFileSync(tampered, readFileSync(html, 'utf8').replace('"spf.all-pass"', '"spf.all-neutral"'));
    const refused = await runCli(['report', '--from', tampered, '--out', join(dir, 't.md')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/does not match the SHA-256/);
  });
});
