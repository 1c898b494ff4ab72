/**
 * `deliverlab qa --links` on the built CLI against the loopback link lab: what the designer reads,
 * which requests the lab received, and that no unsubscribe URL and, without --allow-private, no
 * private address was ever requested.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../lab/cli';
import { startLinkLab, type LinkLab } from '../lab/link-lab';

let lab: LinkLab;
let dir: string;
let draft: string;

beforeAll(async () => {
  lab = await startLinkLab({
    addresses: ['127.0.0.1'],
    routes: {
      '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>fine</p>'),
      '/moved': (_req, res) => res.writeHead(301, { location: '/ok' }).end(),
      '/unsubscribe': (_req, res) => res.writeHead(200).end('you are unsubscribed'),
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-qa-links-'));
  draft = join(dir, 'draft.html');
  writeFileSync(
    draft,
    [
      '<!DOCTYPE html><html lang="en"><head><title>Offer</title></head><body>',
      `<p><a href="${lab.http('127.0.0.1', '/ok')}">Our spring collection</a></p>`,
      `<p><a href="${lab.http('127.0.0.1', '/gone')}">Last year's catalogue</a></p>`,
      `<p><a href="${lab.http('127.0.0.1', '/moved')}">The new shop</a></p>`,
      `<p><a href="${lab.http('127.0.0.1', '/unsubscribe?u=42')}">Unsubscribe</a></p>`,
      '</body></html>',
    ].join('\n'),
  );
});
afterAll(async () => {
  await lab?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface LinkOut {
  url: string;
  status: number | null;
  finalUrl: string | null;
  requested: boolean;
  reason?: string;
}

describe('deliverlab qa --links', () => {
  it('requests each link, names the broken one with its line, and never opens the unsubscribe link', async () => {
    lab.reset();
    const run = await runCli(['qa', draft, '--links', '--allow-private', '--json', '--no-history']);
    expect(run.stderr).toContain('a tracking link may record a click. Unsubscribe links are never opened.');
    const out = JSON.parse(run.stdout) as { links: LinkOut[]; findings: { code: string; severity: string; line?: number }[] };
    const byPath = (path: string) => out.links.find((l) => new URL(l.url).pathname === path);
    expect(byPath('/ok')).toMatchObject({ status: 200, requested: true });
    expect(byPath('/gone')).toMatchObject({ status: 404, requested: true });
    expect(byPath('/moved')).toMatchObject({ status: 200, requested: true, finalUrl: lab.http('127.0.0.1', '/ok') });
    expect(byPath('/unsubscribe')).toMatchObject({ requested: false, reason: 'unsubscribe' });
    // 404 is gone for every reader: critical, on the draft's line 3, and the exit says so.
    expect(out.findings).toContainEqual(expect.objectContaining({ code: 'link.broken', severity: 'critical', line: 3 }));
    expect(run.code).toBe(1);
    expect(lab.requests.map((r) => r.path)).not.toContainEqual(expect.stringContaining('/unsubscribe'));
    expect(lab.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/ok', '/gone', '/moved']));
  });

  it('without --allow-private requests nothing on loopback and says why for each link', async () => {
    lab.reset();
    const run = await runCli(['qa', draft, '--links', '--json', '--no-history']);
    const out = JSON.parse(run.stdout) as { links: LinkOut[]; findings: { code: string }[] };
    expect(out.links.every((l) => !l.requested)).toBe(true);
    expect(out.links.filter((l) => l.reason === 'private')).toHaveLength(3);
    expect(out.findings.map((f) => f.code)).toContain('link.private');
    expect(lab.connections).toBe(0);
  });

  it('prints the link check in the readable output', async () => {
    const run = await runCli(['qa', draft, '--links', '--allow-private', '--no-history']);
    expect(run.stdout).toMatch(/Link check +3 URLs requested, 1 URL not opened/);
    expect(run.stdout).toContain('not opened (unsubscribe)');
  });
});
