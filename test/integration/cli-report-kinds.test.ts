import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/core/history/store';
import type { MessageAnalysis } from '../../electron/core/message/types';
import { readEmbedded } from '../../electron/core/report/page';
import { pdfPages, pdfText } from '../helpers/pdf-text';
import { SECRET, b64, placementRun } from '../helpers/report-kinds';
import { runCli } from '../lab/cli';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';

let server: DnsServer;
let dir: string;
let db: string;
let analysis: MessageAnalysis;
let placementId: number;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Text without line breaks, spaces and hyphens: the PDF wraps long values anywhere. */
const squash = (text: string) => text.replace(/[\s-]+/g, '');

/** A brand JSON file with an SVG logo beside it that carries a script the report must drop. */
function brandFile(): string {
  writeFileSync(join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4" onload="alert(1)"><script>alert(2)</script><circle cx="2" cy="2" r="2" fill="#7a1f5c"/></svg>');
  const file = join(dir, 'brand.json');
  writeFileSync(file, JSON.stringify({ title: 'Acme mail review', name: 'Acme Consulting', logo: 'logo.svg', accent: '#7a1f5c', footer: 'Prepared for Weekly Ltd' }));
  return file;
}

const MESSAGE = readFileSync(join(__dirname, '../fixtures/messages/received-chain.eml'), 'utf8').replace('Subject: Weekly news', 'Subject: Weekly </script><script>alert(1)</script> news');

beforeAll(async () => {
  server = await startDnsServer({ zone: loadZoneFixtures() });
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-report-kinds-'));
  db = join(dir, 'history.sqlite');
  const file = join(dir, 'message.eml');
  writeFileSync(file, MESSAGE);
  const check = await runCli(['check', file, '--json', '--db', db, '--no-link-check', '--resolver', `127.0.0.1:${server.port}`]);
  expect(check.stderr).toBe('');
  analysis = JSON.parse(check.stdout) as MessageAnalysis;
  const store = HistoryStore.open(db);
  try {
    const run = placementRun();
    placementId = store.startPlacement({ ...run, status: 'running' });
    store.finishPlacement(placementId, run);
  } finally {
    store.close();
  }
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deliverlab report --message / --placement', () => {
  it('--message ID writes the stored analysis: its codes, the verdicts and the hostile Subject as text', async () => {
    expect(typeof analysis.id).toBe('number');
    const out = join(dir, 'message.html');
    const run = await runCli(['report', '--message', String(analysis.id), '--out', out, '--db', db]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`report of message #${analysis.id}`);
    const html = readFileSync(out, 'utf8');
    expect(analysis.findings.length).toBeGreaterThan(0);
    for (const f of analysis.findings) expect(html).toContain(f.code);
    expect(html).toContain('&#60;/script&#62;&#60;script&#62;alert(1)');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('mx.receiver.example');
    expect((readEmbedded(html) as MessageAnalysis).sha256).toBe(analysis.sha256);
  });

  it('--placement ID writes the stored run, each seed and why, with no credential', async () => {
    const out = join(dir, 'placement.csv');
    const run = await runCli(['report', '--placement', String(placementId), '--out', out, '--db', db]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = readFileSync(out, 'utf8').split('\r\n');
    for (const seed of ['inbox-seed,', 'spam-seed,', 'bounced-seed,', 'missing-seed,', 'failed-seed,']) expect(rows.some((r) => r.startsWith(seed))).toBe(true);
    expect(rows.find((r) => r.startsWith('bounced-seed,'))).toContain('Status 5.1.1 (failed)');
    for (const form of [SECRET, b64(SECRET), 'SEED_PASSWORD']) expect(rows.join('\n')).not.toContain(form);
  });

  it('--brand FILE puts the title, name, logo, accent and footer on a message and a placement report', async () => {
    const brand = brandFile();
    for (const [flag, id] of [['--message', analysis.id], ['--placement', placementId]] as const) {
      const out = join(dir, `branded${flag}.html`);
      const run = await runCli(['report', flag, String(id), '--brand', brand, '--out', out, '--db', db]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const html = readFileSync(out, 'utf8');
      expect(html).toContain('<title>Acme mail review</title>');
      expect(html).toContain('Prepared by Acme Consulting with Deliverlab.');
      expect(html).toContain(':root{--accent:#7a1f5c}');
      expect(html).toContain('<p>Prepared for Weekly Ltd</p>');
      const logo = /<img class="brand-logo" src="data:image\/svg\+xml;base64,([^"]+)"/.exec(html)?.[1] ?? '';
      expect(Buffer.from(logo, 'base64').toString()).toBe('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><circle cx="2" cy="2" r="2" fill="#7a1f5c"></circle></svg>');
    }
  });

  it('--message ID prints the branded report to PDF, from the .pdf of --out', async () => {
    const out = join(dir, 'message.pdf');
    const run = await runCli(['report', '--message', String(analysis.id), '--brand', brandFile(), '--out', out, '--db', db], { timeoutMs: 90_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Wrote the pdf report of message #${analysis.id}`);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPages(out)).toBeGreaterThanOrEqual(1);
    const text = pdfText(out);
    for (const words of ['Acme mail review', 'Prepared by Acme Consulting with Deliverlab.', 'Prepared for Weekly Ltd', 'Authentication', 'Hops', 'mx.receiver.example']) expect(text).toContain(words);
    expect(squash(text)).toContain(squash('Weekly </script><script>alert(1)</script> news'));
    // Codes wrap inside their narrow column, so they are looked for without the line breaks.
    for (const f of analysis.findings) expect(squash(text)).toContain(squash(f.code));
  });

  it('--placement ID --format pdf prints the run: each seed and why', async () => {
    const out = join(dir, 'placement.out');
    const run = await runCli(['report', '--placement', String(placementId), '--format', 'pdf', '--browser', CHROMIUM, '--out', out, '--db', db], { timeoutMs: 90_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = pdfText(out);
    expect(text).toContain('Placement report');
    expect(text).toContain('Prepared with Deliverlab.');
    for (const seed of ['inbox-seed', 'spam-seed', 'bounced-seed', 'missing-seed', 'failed-seed']) expect(squash(text)).toContain(squash(seed));
    // The bounce's words; the extracted text may read a neighbouring column into a wrapped cell, so short phrases.
    expect(squash(text)).toContain(squash('5.1.1 (failed)'));
    expect(squash(text)).toContain(squash('User unknown'));
    expect(squash(text)).toContain(squash('no copy and no bounce came'));
    for (const form of [SECRET, b64(SECRET), 'SEED_PASSWORD']) expect(text).not.toContain(form);
  });

  it('--browser without pdf is refused for a message report as for an audit, and nothing is written', async () => {
    const out = join(dir, 'browser.md');
    const run = await runCli(['report', '--message', String(analysis.id), '--browser', CHROMIUM, '--out', out, '--db', db]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--browser prints a PDF');
    expect(existsSync(out)).toBe(false);
  });

  it('an id not in history exits 2 and says so; an id that is no number is a usage error', async () => {
    const missing = await runCli(['report', '--placement', '9999', '--out', join(dir, 'x.html'), '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('There is no placement run #9999 in history.');
    const bad = await runCli(['report', '--message', 'abc', '--out', join(dir, 'x.html'), '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--message takes the id of a stored message analysis');
    const two = await runCli(['report', '--message', '1', '--placement', '1', '--out', join(dir, 'x.html'), '--db', db]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('one of them');
  });
});
