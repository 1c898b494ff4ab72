/**
 * The audit options the Audit page sends with audit.run: what is typed becomes the api's input.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_AUDIT_OPTIONS, auditInput, loadAuditOptions, saveAuditOptions } from '../../renderer/src/audit-options';

class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

const globals = globalThis as { localStorage?: unknown };

afterEach(() => {
  delete globals.localStorage;
});

describe('auditInput', () => {
  it('leaves out what the user left empty', () => {
    expect(auditInput('example.com', 'r1', DEFAULT_AUDIT_OPTIONS)).toEqual({ domain: 'example.com', runId: 'r1' });
  });

  it('splits selectors and IPs on commas and spaces, and passes the skipped areas', () => {
    const input = auditInput('example.com', 'r1', {
      skip: ['smtp', 'dnsbl'],
      selectors: ' s1, google  mail2026,,',
      sendingIps: '192.0.2.1,2001:db8::1 ',
    });
    expect(input).toEqual({
      domain: 'example.com',
      runId: 'r1',
      skip: ['smtp', 'dnsbl'],
      selectors: ['s1', 'google', 'mail2026'],
      sendingIps: ['192.0.2.1', '2001:db8::1'],
    });
  });
});

describe('loadAuditOptions', () => {
  it('falls back to the defaults without storage, or with a corrupt value', () => {
    expect(loadAuditOptions()).toEqual(DEFAULT_AUDIT_OPTIONS);
    const storage = new MemoryStorage();
    globals.localStorage = storage;
    storage.setItem('deliverlab.audit-options', '{not json');
    expect(loadAuditOptions()).toEqual(DEFAULT_AUDIT_OPTIONS);
  });

  it('keeps what was saved, and drops areas it does not know', () => {
    const storage = new MemoryStorage();
    globals.localStorage = storage;
    saveAuditOptions({ skip: ['http'], selectors: 's1', sendingIps: '192.0.2.1' });
    expect(loadAuditOptions()).toEqual({ skip: ['http'], selectors: 's1', sendingIps: '192.0.2.1' });
    storage.setItem('deliverlab.audit-options', JSON.stringify({ skip: ['smtp', 'ftp'], selectors: 5 }));
    expect(loadAuditOptions()).toEqual({ skip: ['smtp'], selectors: '', sendingIps: '' });
  });
});
