import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../electron/api/handlers';
import type { MessageList } from '../../electron/api/operations';
import type { AuditResult } from '../../electron/core/audit/types';
import { HistoryStore } from '../../electron/core/history/store';
import type { MessageAnalysis } from '../../electron/core/message/types';
import { dkimSigned, runDkimKey, type RunDkimKey } from '../helpers/run-dkim-key';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

const DOMAIN = 'signed.msgapi.test';
let dns: DnsServer;
let key: RunDkimKey;

beforeAll(async () => {
  // A key made for this run, published at seen1._domainkey (msgapi.zone explains why not in the file).
  key = runDkimKey(DOMAIN, 'seen1');
  const zone = loadZoneFixtures();
  parseZone(key.zoneLine, zone);
  dns = await startDnsServer({ zone });
});
afterAll(() => dns?.close());

/** A message from signed.msgapi.test, signed with selector seen1, with 8-bit bytes that are not UTF-8. */
async function signedMessage(subject = 'Your invoice'): Promise<Buffer> {
  const message = Buffer.concat([
    Buffer.from(
      [
        `Return-Path: <bounce@${DOMAIN}>`,
        `Received: from mx.${DOMAIN} (mx.${DOMAIN} [192.0.2.50]) by mx.receiver.example with ESMTPS id 1; Thu, 26 Nov 2026 10:00:02 +0000`,
        `From: Billing <billing@${DOMAIN}>`,
        'To: customer@receiver.example',
        `Subject: ${subject}`,
        'Date: Thu, 26 Nov 2026 10:00:00 +0000',
        `Message-ID: <${Math.random().toString(36).slice(2)}@${DOMAIN}>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=iso-8859-1',
        'Content-Transfer-Encoding: 8bit',
        '',
        'Caf',
      ].join('\r\n'),
    ),
    Buffer.from([0xe9, 0x20, 0xe0, 0x20, 0xff]),
    Buffer.from('\r\nThank you.\r\n'),
  ]);
  return dkimSigned(message, key);
}

const newApi = (options: { dbPath?: string | null; store?: HistoryStore } = {}): Api =>
  createApi({
    dbPath: options.dbPath === undefined ? ':memory:' : options.dbPath,
    ...(options.store ? { store: options.store } : {}),
    resolverDefault: `127.0.0.1:${dns.port}`,
    transport: 'http',
    version: '0',
    emit: () => {},
  });

const check = (api: Api, raw: Buffer, extra: Record<string, unknown> = {}) =>
  api.dispatch('message.check', { raw: raw.toString('base64'), encoding: 'base64', checkLinkDomains: false, ...extra }) as Promise<MessageAnalysis>;

describe('message operations through dispatch', () => {
  it('checks, lists, gets, returns the identical raw bytes, and deletes a message', async () => {
    const api = newApi();
    const raw = await signedMessage();
    const analysis = await check(api, raw);
    expect(analysis.id).toBeGreaterThan(0);
    expect(analysis.size).toBe(raw.length);
    expect(analysis.envelope).toMatchObject({ ip: '192.0.2.50', source: 'received' });
    expect(analysis.auth.spf.result).toBe('pass');
    expect(analysis.auth.dkim).toEqual([expect.objectContaining({ domain: DOMAIN, selector: 'seen1', result: 'pass', aligned: true })]);
    expect(analysis.auth.dmarc).toMatchObject({ result: 'pass', policy: 'reject' });

    const list = (await api.dispatch('message.list', {})) as MessageList;
    expect(list).toEqual({
      total: 1,
      items: [
        {
          id: analysis.id,
          analysedAt: analysis.analysedAt,
          subject: 'Your invoice',
          from: analysis.summary.from,
          fromDomain: DOMAIN,
          spf: 'pass',
          dkim: 'pass',
          dmarc: 'pass',
          critical: analysis.findings.filter((f) => f.severity === 'critical').length,
          warning: analysis.findings.filter((f) => f.severity === 'warning').length,
          rawStored: true,
        },
      ],
    });
    expect(((await api.dispatch('message.list', { domain: 'other.example' })) as MessageList).total).toBe(0);

    const got = (await api.dispatch('message.get', { id: analysis.id })) as MessageAnalysis;
    expect(got).toEqual({ ...analysis });

    const { raw: stored } = (await api.dispatch('message.raw', { id: analysis.id })) as { raw: string };
    expect(Buffer.from(stored, 'base64').equals(raw)).toBe(true);

    expect(await api.dispatch('message.delete', { id: analysis.id })).toEqual({ deleted: true });
    expect(await api.dispatch('message.delete', { id: analysis.id })).toEqual({ deleted: false });
    await expect(api.dispatch('message.get', { id: analysis.id })).rejects.toMatchObject({ code: 'not-found', message: `There is no message #${analysis.id} in history.` });
    await expect(api.dispatch('message.raw', { id: analysis.id })).rejects.toMatchObject({ code: 'not-found' });
    api.close();
  });

  it('keeps no raw copy with storeRaw false, or when the setting is off', async () => {
    const api = newApi();
    const raw = await signedMessage();
    const explicit = await check(api, raw, { storeRaw: false });
    await expect(api.dispatch('message.raw', { id: explicit.id })).rejects.toMatchObject({
      code: 'not-found',
      message: `Message #${explicit.id} was analysed without keeping a copy of it.`,
    });
    expect(await api.dispatch('settings.set', { storeRawMessages: false })).toMatchObject({ storeRawMessages: false });
    const bySetting = await check(api, raw);
    const overridden = await check(api, raw, { storeRaw: true });
    const list = (await api.dispatch('message.list', {})) as MessageList;
    const stored = new Map(list.items.map((i) => [i.id, i.rawStored]));
    expect([stored.get(explicit.id as number), stored.get(bySetting.id as number), stored.get(overridden.id as number)]).toEqual([false, false, true]);
    // The same bytes give the same digest.
    expect(new Set([explicit.sha256, bySetting.sha256, overridden.sha256]).size).toBe(1);
    api.close();
  });

  it('writes nothing without a history, and still returns the analysis', async () => {
    const api = newApi({ dbPath: null });
    const analysis = await check(api, await signedMessage());
    expect(analysis.id).toBeNull();
    expect(analysis.auth.dkim[0]?.result).toBe('pass');
    expect(await api.dispatch('message.list', {})).toEqual({ items: [], total: 0 });
    api.close();
  });

  it('refuses input that is not a message with invalid-input and the analysis’ own words', async () => {
    const api = newApi();
    const big = Buffer.alloc(50 * 1024 * 1024 + 1, 0x61);
    big.write('Subject: big\r\n\r\n');
    await expect(check(api, big)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/50 MB/) });
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 7)]);
    await expect(check(api, zip)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/ZIP/) });
    await expect(api.dispatch('message.check', { raw: 'not base64!', encoding: 'base64' })).rejects.toMatchObject({ code: 'invalid-input', message: 'raw: the message is not valid base64.' });
    await expect(api.dispatch('message.check', { raw: '' })).rejects.toMatchObject({ code: 'invalid-input', message: 'raw: The message is empty' });
    await expect(api.dispatch('message.check', { raw: 'Subject: x\r\n\r\nhi', ip: '999.1.1.1' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(api.dispatch('message.check', { raw: 'Subject: x\r\n\r\nhi', extra: 1 })).rejects.toMatchObject({ code: 'invalid-input' });
    expect(await api.dispatch('message.list', {})).toEqual({ items: [], total: 0 });
    api.close();
  });

  it('accepts pasted text (utf8) and only headers', async () => {
    const api = newApi();
    const headers = (await signedMessage()).toString('latin1').split('\r\n\r\n')[0] as string;
    const analysis = (await api.dispatch('message.check', { raw: `${headers}\r\n`, checkLinkDomains: false })) as MessageAnalysis;
    expect(analysis.headersOnly).toBe(true);
    expect(analysis.auth.spf.result).toBe('pass');
    api.close();
  });

  it('says the resolver is unreachable, as audits do, instead of a page of temperrors', async () => {
    const api = createApi({ dbPath: ':memory:', transport: 'http', version: '0', emit: () => {} });
    await api.dispatch('settings.set', { resolver: '127.0.0.1:9', dnsTimeoutMs: 200 });
    await expect(check(api, await signedMessage())).rejects.toMatchObject({ code: 'dns-unreachable', message: expect.stringMatching(/127\.0\.0\.1:9 did not answer/) });
    expect(await api.dispatch('message.list', {})).toEqual({ items: [], total: 0 });
    api.close();
  });

  it('returns the analysis with historyError when the disk is full', async () => {
    const store = HistoryStore.open(':memory:');
    store.transaction((db) => db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`));
    const api = newApi({ store });
    const analysis = await check(api, await signedMessage());
    expect(analysis.id).toBeNull();
    expect(analysis.historyError).toMatch(/disk .* is full: nothing was written/);
    expect(analysis.auth.dkim[0]?.result).toBe('pass');
    api.close();
    store.close();
  });
});

describe('DKIM selectors seen in messages feed the audit', () => {
  const audit = (api: Api) => api.dispatch('audit.run', { domain: DOMAIN, skip: ['smtp', 'http', 'dnsbl'] }) as Promise<AuditResult>;

  it('does not try seen1 before a message showed it', async () => {
    const api = newApi();
    const result = await audit(api);
    expect(result.checks.dkim?.tried).not.toContain('seen1');
    expect(result.checks.dkim?.selectors).toEqual([]);
    expect(result.findings.map((f) => f.code)).toContain('dkim.not-found');
    api.close();
  });

  it('tries seen1 after a message signed with it was analysed, and finds the key there', async () => {
    const api = newApi();
    await check(api, await signedMessage());
    const result = await audit(api);
    expect(result.checks.dkim?.tried).toContain('seen1');
    expect(result.checks.dkim?.selectors).toEqual([expect.objectContaining({ selector: 'seen1', source: 'message', keyType: 'rsa', keyBits: 2048 })]);
    expect(result.findings.map((f) => f.code)).not.toContain('dkim.not-found');
    // Deleting the message keeps what it taught about the domain.
    const { items } = (await api.dispatch('message.list', {})) as MessageList;
    await api.dispatch('message.delete', { id: items[0]?.id });
    expect((await audit(api)).checks.dkim?.tried).toContain('seen1');
    api.close();
  });
});
