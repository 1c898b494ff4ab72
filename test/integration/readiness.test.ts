/**
 * The readiness summary through the api, its blocklist lookups answered by the loopback fixture
 * server (bl.zone): nothing reaches the real lists.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../electron/api/handlers';
import { checkCommand } from '../../electron/cli/commands/check';
import type { MessageAnalysis, MessageReadiness } from '../../electron/core/message/types';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

// Link domains of this file, beside bl.zone's addresses: one on the DBL, one the DBL refuses to answer for.
const LINKS = `
listed-link.example.dbl.spamhaus.org.    A 127.0.1.2
refused-link.example.dbl.spamhaus.org.   A 127.255.255.254
`;

let dns: DnsServer;
let api: Api;
beforeAll(async () => {
  const zone = loadZoneFixtures();
  parseZone(LINKS, zone);
  dns = await startDnsServer({ zone });
  api = createApi({ dbPath: ':memory:', resolverDefault: `127.0.0.1:${dns.port}`, transport: 'http', version: '0', emit: () => {} });
});
afterAll(() => {
  api?.close();
  dns?.close();
});

/** A message linking to `link`; the connecting IP is given with it (loopback addresses in a Received header are a receiver's own hand-offs). */
function message(link: string): string {
  return [
    'Received: from mail.sender.example (mail.sender.example [192.0.2.1]) by mx.receiver.example with ESMTPS id r1; Thu, 26 Nov 2026 10:00:02 +0000',
    'From: News <news@sender.example>',
    'To: someone@receiver.example',
    'Subject: Readiness probe',
    'Date: Thu, 26 Nov 2026 10:00:00 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@sender.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<p>Hello. <a href="${link}">Read more</a></p>`,
    '',
  ].join('\r\n');
}

const check = (ip: string, raw: string, readiness = true) => api.dispatch('message.check', { raw, ip, readiness, checkLinkDomains: false }) as Promise<MessageAnalysis>;

describe('readiness summary with blocklist lookups', () => {
  it('fails the sending IP and the link domain that the lists hold, and keeps the summary with the analysis', async () => {
    // 127.0.20.2 is on PSBL (bl.zone).
    const analysis = await check('127.0.20.2', message('https://www.listed-link.example/offer'));
    const r = analysis.readiness as MessageReadiness;
    expect(r.outOf).toBe(10);
    const ip = r.items.find((i) => i.label === 'Sending IP');
    expect(ip).toMatchObject({ area: 'blocklists', status: 'fail', weight: 1, deduction: 1 });
    expect(ip?.detail).toBe('Listed: 127.0.20.2 on Passive Spam Block List (PSBL) (listed: the address sent mail to PSBL spam traps).');
    const links = r.items.find((i) => i.label === 'Link domains');
    expect(links).toMatchObject({ status: 'fail', deduction: 1 });
    expect(links?.detail).toMatch(/listed-link\.example on Spamhaus Domain Blocklist \(DBL\)/);
    expect(r.items.find((i) => i.area === 'spam-filters')).toMatchObject({ status: 'not-run', deduction: 0 });
    // Stored with the analysis, and asked again for the stored one.
    const again = (await api.dispatch('message.readiness', { id: analysis.id as number })) as MessageReadiness;
    expect(again.items.map((i) => [i.label, i.status])).toEqual(r.items.map((i) => [i.label, i.status]));
    expect(((await api.dispatch('message.get', { id: analysis.id as number })) as MessageAnalysis).readiness?.score).toBe(r.score);
  });

  it('calls a list that refuses or fails an error, not clean', async () => {
    // The DBL answers refused-link.example with its "refused" code; UCEPROTECT fails (SERVFAIL) for 127.0.10.3.
    const r = (await check('127.0.10.3', message('https://refused-link.example/'))).readiness as MessageReadiness;
    expect(r.items.find((i) => i.label === 'Link domains')).toMatchObject({ status: 'error', deduction: 0 });
    const ip = r.items.find((i) => i.label === 'Sending IP');
    expect(ip).toMatchObject({ status: 'error', deduction: 0 });
    expect(ip?.detail).toMatch(/the result is unknown, not clean/);
    expect(r.unchecked).toBeGreaterThanOrEqual(4);
  });

  it('passes an address and a domain listed nowhere, and leaves the summary out unless asked', async () => {
    const r = (await check('127.0.10.1', message('https://clean-link.example/'))).readiness as MessageReadiness;
    expect(r.items.find((i) => i.label === 'Sending IP')).toMatchObject({ status: 'pass', deduction: 0 });
    expect(r.items.find((i) => i.label === 'Link domains')).toMatchObject({ status: 'pass', deduction: 0 });
    expect((await check('127.0.10.1', message('https://clean-link.example/'), false)).readiness).toBeUndefined();
    await expect(api.dispatch('message.readiness', { id: 999 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(api.dispatch('message.readiness', { placement: 1 })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

describe('deliverlab check --readiness', () => {
  it('prints the score and every item with its weight and fix, and gives the same summary as JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deliverlab-readiness-'));
    try {
      const file = join(dir, 'm.eml');
      writeFileSync(file, message('https://www.listed-link.example/offer'));
      const args = [file, '--readiness', '--ip', '127.0.20.2', '--resolver', `127.0.0.1:${dns.port}`, '--no-history'];
      const out = new Capture();
      expect(await checkCommand(args, { stdout: out, stderr: new Capture() })).toBe(1);
      expect(out.text).toMatch(/^Readiness \d+(\.\d)? \/ 10 \(2 points not checked\)$/m);
      expect(out.text).toMatch(/^ {2}✗ Sending IP +fail +weight 1 −1 {2}Listed: 127\.0\.20\.2 on Passive Spam Block List \(PSBL\)/m);
      expect(out.text).toMatch(/^ {2}- Spam filters +not-run weight 2 {2}No local spam filter/m);
      expect(out.text).toMatch(/^ {22}Fix: Find and stop the cause first/m);
      const json = new Capture();
      await checkCommand([...args, '--json'], { stdout: json, stderr: new Capture() });
      const { readiness } = JSON.parse(json.text) as { readiness: MessageReadiness };
      expect(Object.keys(readiness)).toEqual(['score', 'outOf', 'unchecked', 'explanation', 'items']);
      expect(Object.keys(readiness.items.find((i) => i.label === 'Sending IP') ?? {})).toEqual(['area', 'label', 'status', 'weight', 'deduction', 'detail', 'fix']);
      expect(readiness.items.find((i) => i.label === 'Sending IP')).toMatchObject({ area: 'blocklists', status: 'fail', weight: 1, deduction: 1, fix: expect.stringContaining('ask for delisting: https://psbl.org/') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never prints a pass through a resolver that answers NXDOMAIN for every name (the lists\' test entries missing)', async () => {
    // A filtered resolver: it knows nothing of the blocklists, so every name on them "does not exist".
    const filtered = await startDnsServer({ zone: parseZone('sender.example. TXT "v=spf1 -all"') });
    const dir = mkdtempSync(join(tmpdir(), 'deliverlab-readiness-'));
    try {
      const file = join(dir, 'm.eml');
      writeFileSync(file, message('https://clean-link.example/'));
      const out = new Capture();
      await checkCommand([file, '--readiness', '--ip', '127.0.10.1', '--resolver', `127.0.0.1:${filtered.port}`, '--no-history'], { stdout: out, stderr: new Capture() });
      expect(out.text).not.toMatch(/✓ Sending IP/);
      expect(out.text).not.toMatch(/on none of the \d+ lists looked up/);
      expect(out.text).toMatch(/Sending IP +error +weight 1 {2}6 of 6 lookups of The sending IP 127\.0\.10\.1 cannot be trusted \(Spamhaus ZEN, SpamCop, .* did not list their own test entries through this resolver: their answers cannot be trusted\): the result is unknown, not clean\./);
      expect(out.text).toMatch(/Link domains +error /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      filtered.close();
    }
  });
});
