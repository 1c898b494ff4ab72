import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../electron/api/handlers';
import type { AuditResult } from '../../electron/core/audit/types';
import { HistoryStore } from '../../electron/core/history/store';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';

let dns: DnsServer;
beforeAll(async () => {
  dns = await startDnsServer({ zone: loadZoneFixtures() });
});
afterAll(() => dns?.close());

describe('operations through dispatch', () => {
  it('runs, stores, lists, gets and deletes an audit', async () => {
    const events: unknown[] = [];
    const api = createApi({ dbPath: ':memory:', resolverDefault: `127.0.0.1:${dns.port}`, transport: 'http', version: '1.2.3', emit: (_e, p) => events.push(p) });
    const result = (await api.dispatch('audit.run', { domain: 'Monitor.Test.', runId: 'r1' })) as AuditResult;
    expect(result.domain).toBe('monitor.test');
    expect(result.id).toBeGreaterThan(0);
    expect(events).toContainEqual(expect.objectContaining({ runId: 'r1', check: 'dmarc', state: 'done' }));
    const warnings = result.findings.filter((f) => f.severity === 'warning').length;
    expect(warnings).toBeGreaterThanOrEqual(1);
    expect(await api.dispatch('history.list', {})).toMatchObject({ total: 1, items: [{ id: result.id, domain: 'monitor.test', warning: warnings }] });
    expect(await api.dispatch('history.get', { id: result.id })).toMatchObject({ domain: 'monitor.test', checks: { dmarc: { policy: 'none' } } });
    expect(await api.dispatch('history.delete', { id: result.id })).toEqual({ deleted: true });
    await expect(api.dispatch('history.get', { id: result.id })).rejects.toMatchObject({ code: 'not-found' });
    expect(await api.dispatch('app.info', {})).toMatchObject({ name: 'Deliverlab', version: '1.2.3', transport: 'http', dataPath: ':memory:' });
    api.close();
  });

  it('refuses unknown operations and invalid input before any handler runs', async () => {
    const api = createApi({ dbPath: null, transport: 'ipc', version: '0', emit: () => {} });
    await expect(api.dispatch('fs.read', {})).rejects.toMatchObject({ code: 'unknown-operation' });
    await expect(api.dispatch('audit.run', { domain: 42 })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(api.dispatch('history.delete', { id: '1; DROP TABLE audits' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(api.dispatch('settings.set', { resolver: 'x', admin: true })).rejects.toMatchObject({ code: 'invalid-input' });
    expect(await api.dispatch('history.list', undefined)).toEqual({ items: [], total: 0 });
    api.close();
  });

  it('returns a finished audit even when history cannot be written, and says why', async () => {
    const filler = (await createApi({ dbPath: null, resolverDefault: `127.0.0.1:${dns.port}`, transport: 'http', version: '0', emit: () => {} }).dispatch('audit.run', {
      domain: 'nomx.test',
    })) as AuditResult;
    const store = HistoryStore.open(':memory:');
    store.transaction((db) => db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true })) + 4}`));
    // Fill the file to its cap, as a full disk would leave it.
    let refused = 0;
    for (const size of [2000, 200, 20]) {
      for (let i = 0; i < 2000; i++) {
        try {
          store.saveAudit({ ...filler, dns: [{ name: 'x', type: 'TXT', ms: 0, answer: ['x'.repeat(size)] }] });
        } catch {
          refused++;
          break;
        }
      }
    }
    expect(refused).toBe(3);
    const api = createApi({ dbPath: ':memory:', store, resolverDefault: `127.0.0.1:${dns.port}`, transport: 'http', version: '0', emit: () => {} });
    const result = (await api.dispatch('audit.run', { domain: 'bad.test' })) as AuditResult;
    expect(result.findings.filter((f) => f.check === 'spf' || f.check === 'dmarc').map((f) => f.code).sort()).toEqual(['dmarc.missing', 'spf.missing']);
    expect(result.id).toBeNull();
    expect(result.historyError).toMatch(/disk .* is full: nothing was written/);
    api.close();
    store.close();
  });

  it('keeps the Spamhaus DQS key out of the result and the history', async () => {
    const api = createApi({ dbPath: ':memory:', resolverDefault: `127.0.0.1:${dns.port}`, transport: 'http', version: '0', emit: () => {} });
    await api.dispatch('settings.set', { spamhausDqsKey: 'k3y5ecret0dqs' });
    const result = (await api.dispatch('audit.run', { domain: 'good.test', skip: ['smtp', 'http'] })) as AuditResult;
    expect(result.dns.some((q) => q.name.includes('dq.spamhaus.net'))).toBe(true);
    expect(JSON.stringify(result)).not.toContain('k3y5ecret0dqs');
    expect(JSON.stringify(await api.dispatch('history.get', { id: result.id }))).not.toContain('k3y5ecret0dqs');
    api.close();
  });

  it('says the resolver is unreachable as an error code the transports keep', async () => {
    const api = createApi({ dbPath: null, transport: 'http', version: '0', emit: () => {} });
    await api.dispatch('settings.set', { resolver: '127.0.0.1:9', dnsTimeoutMs: 200 });
    await expect(api.dispatch('audit.run', { domain: 'good.test' })).rejects.toMatchObject({ code: 'dns-unreachable', message: expect.stringMatching(/127\.0\.0\.1:9 did not answer/) });
    api.close();
  });
});
