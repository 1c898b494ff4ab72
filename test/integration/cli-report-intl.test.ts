import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult } from '../../electron/core/audit/types';
import { readEmbeddedResults } from '../../electron/core/report/html';
import { INTL, INTL_TEXTS } from '../helpers/intl-text';
import { runCli } from '../lab/cli';
import { parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

/** A TXT record beyond ASCII that also carries markup, an ampersand and a run of backticks. */
const RECORD = `site-verification=${INTL.japanese} <b>${INTL.arabic}</b> & \`\`\`${INTL.korean}\`\`\` ${INTL.latin}`;
const DOMAIN = 'intl.report.test';

let server: DnsServer;
let dir: string;
let db: string;
let audit: AuditResult;

beforeAll(async () => {
  server = await startDnsServer({
    zone: parseZone([`${DOMAIN}. MX 10 mx.${DOMAIN}.`, `mx.${DOMAIN}. A 192.0.2.46`, `${DOMAIN}. TXT "v=spf1 mx -all"`, `${DOMAIN}. TXT "${RECORD}"`, `${DOMAIN}. TXT "${INTL.chinese}" " ${INTL.latin}"`].join('\n')),
  });
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-report-intl-'));
  db = join(dir, 'history.sqlite');
  const run = await runCli(['audit', DOMAIN, '--resolver', `127.0.0.1:${server.port}`, '--db', db, '--json', '--skip', 'smtp,http,dnsbl']);
  expect(run.stderr).toBe('');
  audit = JSON.parse(run.stdout) as AuditResult;
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What a reader of the HTML sees: tags out, entities back. */
const seen = (html: string) =>
  html
    .replace(/<script[^>]*>[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

describe('a TXT record beyond ASCII in the reports', () => {
  it('the audit holds the record as published, character for character', () => {
    const txt = audit.dns.find((q) => q.name === DOMAIN && q.type === 'TXT');
    expect(txt?.answer).toEqual(expect.arrayContaining([RECORD, `${INTL.chinese} ${INTL.latin}`]));
  });

  it('HTML: the characters as they are, in UTF-8, and the markup escaped', async () => {
    const out = join(dir, 'intl.html');
    const run = await runCli(['report', DOMAIN, '--out', out, '--db', db]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain(`site-verification=${INTL.japanese} &#60;b&#62;${INTL.arabic}&#60;/b&#62; &#38; \`\`\`${INTL.korean}\`\`\` ${INTL.latin}`);
    expect(html).not.toContain(`<b>${INTL.arabic}`);
    expect(seen(html)).toContain(RECORD);
    for (const t of INTL_TEXTS) expect(seen(html)).toContain(t);
    expect(readEmbeddedResults(html)[0]?.dns.find((q) => q.name === DOMAIN && q.type === 'TXT')?.answer).toContain(RECORD);
  });

  it('Markdown: the record verbatim in a code block whose fence is longer than its backtick run', async () => {
    const out = join(dir, 'intl.md');
    const run = await runCli(['report', DOMAIN, '--out', out, '--db', db]);
    expect(run.code).toBe(0);
    const md = readFileSync(out, 'utf8');
    const line = md.split('\n').find((l) => l.startsWith(`${DOMAIN} TXT `)) ?? '';
    expect(line).toContain(RECORD);
    expect(line).toContain(`${INTL.chinese} ${INTL.latin}`);
    // The block around it opens with four backticks: the record's three cannot close it.
    const before = md.slice(0, md.indexOf(line)).split('\n');
    const fence = [...before].reverse().find((l) => /^`{3,}/.test(l));
    expect(fence).toBe('````text');
  });
});
