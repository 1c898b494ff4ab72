/**
 * `deliverlab qa` as a designer runs it: the built CLI on the fixture drafts, its exit codes, its
 * --json shape, --inline-css, and a draft full of terminal control sequences that stay text.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../lab/cli';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'qa');
const fixture = (name: string) => join(FIXTURES, name);
const dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-qa-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const qa = (args: string[], input?: string) => runCli(['qa', ...args, '--no-history'], input === undefined ? {} : { input });

/** Control characters other than newline and tab. */
function controls(text: string): string[] {
  const isControl = (code: number) => (code < 0x20 && code !== 0x0a && code !== 0x09) || (code >= 0x7f && code <= 0x9f);
  return [...text].filter((c) => isControl(c.charCodeAt(0))).map((c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

describe('deliverlab qa: exit codes and output', () => {
  it('exits 0 on a clean draft and says there is nothing to fix', async () => {
    const run = await qa([fixture('clean.html'), '--clients', 'apple']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No findings.');
    expect(run.stdout).toMatch(/Clients +Apple Mail\n/);
  });

  it('lists findings grouped by kind, each with its lines, and exits 0 without a critical one', async () => {
    const run = await qa([fixture('a11y-problems.html'), '--clients', 'outlook']);
    expect(run.code).toBe(0);
    const compat = run.stdout.indexOf('Compatibility');
    const a11y = run.stdout.indexOf('Accessibility');
    const content = run.stdout.indexOf('Content');
    expect(compat).toBeGreaterThan(0);
    expect(a11y).toBeGreaterThan(compat);
    expect(content).toBeGreaterThan(a11y);
    expect(run.stdout).toContain('a11y.vague-link  1 link whose text does not say where it goes  (line 20)');
    expect(run.stdout).toContain('a11y.layout-table  2 layout tables without role="presentation"  (lines 11 and 23)');
    expect(run.stdout).toMatch(/\d+ findings: 0 critical, \d+ warnings, \d+ info/);
  });

  it('exits 1 when a finding is critical', async () => {
    const run = await qa([fixture('phishing.html'), '--clients', 'apple']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('critical content.link-mismatch  Link text shows www.bank.example.com but goes to login.attacker.example  (line 7)');
  });

  it('prints one JSON object with the file, its kind, the HTML bytes as sent and the findings with their lines', async () => {
    const run = await qa([fixture('a11y-problems.html'), '--json', '--clients', 'apple']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(run.stdout) as Record<string, unknown> & { findings: Record<string, unknown>[] };
    expect(Object.keys(out)).toEqual(['file', 'kind', 'htmlBytes', 'sourceBytes', 'transferEncoding', 'clip', 'clients', 'subject', 'text', 'textGenerated', 'notes', 'findings']);
    expect(out).toMatchObject({ file: fixture('a11y-problems.html'), kind: 'html', clip: null, clients: ['apple'], textGenerated: true });
    expect(out.htmlBytes).toBeGreaterThan(readFileSync(fixture('a11y-problems.html')).length);
    expect(out.findings.find((f) => f.code === 'a11y.img-no-alt')).toMatchObject({
      severity: 'warning',
      check: 'a11y',
      title: '1 image without alt text',
      detail: expect.stringContaining('(line 18)'),
      fix: expect.any(String),
      evidence: 'line 18: <img src="https://cdn.example.com/img/hero.jpg">',
      line: 18,
    });
    expect(out).not.toHaveProperty('links');
  });

  it('reads the draft from standard input with -, telling MJML by its first bytes', async () => {
    const run = await qa(['-', '--json', '--clients', 'apple'], readFileSync(fixture('newsletter.mjml'), 'utf8'));
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ file: '-', kind: 'mjml', subject: 'Weekly news' });
  });
});

describe('deliverlab qa: errors exit 2', () => {
  it('an MJML compile error, with its lines', async () => {
    const run = await qa([fixture('broken.mjml')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `deliverlab: ${fixture('broken.mjml')}: The MJML does not compile: line 6: Attribute colour is illegal (<mj-text>); line 8: Element mj-bogus doesn't exist or is not registered (<mj-bogus>)\n`,
    );
  });

  it('a file that cannot be read, or is not a draft', async () => {
    const missing = await qa([join(dir, 'nope.html')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`deliverlab: ${join(dir, 'nope.html')}: no such file.\n`);
    const binary = join(dir, 'image.html');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    const refused = await qa([binary]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`deliverlab: ${binary}: The HTML file contains NUL bytes: it is a binary file, not HTML.\n`);
  });

  it('an unknown client family, naming the ones there are', async () => {
    const run = await qa([fixture('clean.html'), '--clients', 'gmail,hotmail']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('deliverlab: --clients: unknown client family "hotmail"; the families are gmail, outlook, apple, yahoo, samsung, thunderbird.\n');
  });
});

describe('deliverlab qa --inline-css', () => {
  it('writes the HTML with its CSS inlined to a new file and leaves the draft as it was', async () => {
    const draft = join(dir, 'draft.html');
    const original = readFileSync(fixture('a11y-problems.html'));
    writeFileSync(draft, original);
    const out = join(dir, 'draft.inlined.html');
    const run = await qa([draft, '--inline-css', out, '--clients', 'apple']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`The HTML with its CSS inlined is in ${out}`);
    expect(readFileSync(out, 'utf8')).toMatch(/<p class="muted" style="color: #999999;?">/);
    expect(readFileSync(draft)).toEqual(original);
  });

  it('refuses to write over the draft, by its path or through a link to it', async () => {
    const draft = join(dir, 'keep.html');
    const original = readFileSync(fixture('a11y-problems.html'));
    writeFileSync(draft, original);
    const link = join(dir, 'keep-link.html');
    symlinkSync(draft, link);
    for (const target of [draft, join(dir, '.', 'keep.html'), link]) {
      const run = await qa([draft, '--inline-css', target]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`deliverlab: --inline-css ${target} is the draft itself: name a new file, the original is never overwritten.\n`);
    }
    expect(readFileSync(draft)).toEqual(original);
  });
});

describe('deliverlab qa: control characters in the draft', () => {
  const ESC = '\x1b';
  const hostile = [
    '<!DOCTYPE html>',
    `<html lang="en"><head><title>Sale${ESC}[2J${ESC}]0;pwned\x07</title></head>`,
    '<body>',
    `<p>Clear the screen ${ESC}[2J and a C1 CSI \u009b31m here.</p>`,
    `<a href="https://x.example/${ESC}]8;;https://evil.example/${ESC}\\">click here</a>`,
    `<img src="https://x.example/${ESC}[31m.png">`,
    `<p>SHOUT ${ESC}[2J IN CAPITALS FROM THE FIRST TO THE LAST WORD OF THIS PARAGRAPH</p>`,
    '</body></html>',
  ].join('\n');

  it('never reach the terminal: readable output shows them as visible escapes', async () => {
    const file = join(dir, `hostile${ESC}[2J.html`);
    writeFileSync(file, hostile);
    const run = await qa([file, '--clients', 'apple']);
    expect(run.code).toBe(0);
    expect(controls(run.stdout)).toEqual([]);
    expect(controls(run.stderr)).toEqual([]);
    expect(run.stdout).toContain('hostile\\x1b[2J.html');
    expect(run.stdout).toContain('"Sale\\x1b[2J\\x1b]0;pwned\\x07"');
    expect(run.stdout).toContain('"SHOUT \\x1b[2J IN CAPITALS');
  });

  it('never reach the terminal in --json either, and a JSON reader still gets every character', async () => {
    const file = join(dir, 'hostile.html');
    writeFileSync(file, hostile);
    const run = await qa([file, '--json', '--clients', 'apple']);
    expect(controls(run.stdout)).toEqual([]);
    const out = JSON.parse(run.stdout) as { subject: string; text: string };
    expect(out.subject).toBe(`Sale${ESC}[2J${ESC}]0;pwned\x07`);
    expect(out.text).toContain('C1 CSI \u009b31m here');
  });
});
