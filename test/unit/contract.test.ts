import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClient } from '../../electron/api/client';
import { CONTENT_SECURITY_POLICY } from '../../electron/api/csp';
import { EVENT_NAMES, OPERATION_NAMES } from '../../electron/api/names';
import { operations } from '../../electron/api/operations';

describe('operations contract', () => {
  it('has one schema for every operation name and nothing else', () => {
    expect(Object.keys(operations).sort()).toEqual([...OPERATION_NAMES].sort());
    expect(OPERATION_NAMES).toEqual(
      expect.arrayContaining([
        'audit.run',
        'history.list',
        'history.get',
        'history.delete',
        'message.check',
        'message.list',
        'message.get',
        'message.raw',
        'message.delete',
        'settings.get',
        'settings.set',
        'app.info',
      ]),
    );
    expect(EVENT_NAMES).toContain('audit.progress');
  });

  it('builds a client with one method per operation that calls through the transport', async () => {
    const calls: [string, unknown][] = [];
    const client = buildClient(OPERATION_NAMES, async (name, input) => (calls.push([name, input]), name), () => () => {});
    expect(await client.audit.run({ domain: 'example.com' })).toBe('audit.run');
    expect(await client.history.list()).toBe('history.list');
    expect(await client.app.info()).toBe('app.info');
    expect(calls).toEqual([
      ['audit.run', { domain: 'example.com' }],
      ['history.list', {}],
      ['app.info', {}],
    ]);
  });

  it('rejects unknown fields, bad domains and bad resolvers at the boundary', () => {
    const run = operations['audit.run'].input;
    expect(run.safeParse({ domain: 'Example.COM.' })).toMatchObject({ success: true, data: { domain: 'example.com' } });
    expect(run.safeParse({ domain: 'example.com', extra: 1 }).success).toBe(false);
    expect(run.safeParse({ domain: 'not a domain' }).success).toBe(false);
    expect(run.safeParse({ domain: 'example.com', resolver: 'dns.google' }).success).toBe(false);
    expect(operations['history.get'].input.safeParse({ id: -1 }).success).toBe(false);
    expect(operations['settings.set'].input.safeParse({ dnsTimeoutMs: 10 }).success).toBe(false);
    expect(operations['settings.set'].input.safeParse({ resolver: '9.9.9.9' }).success).toBe(true);
    expect(operations['settings.set'].input.safeParse({ storeRawMessages: 'yes' }).success).toBe(false);
  });

  it('takes a message as text or base64, with the network part on unless turned off', () => {
    const check = operations['message.check'].input;
    expect(check.safeParse({ raw: 'Subject: x\r\n\r\nhi' })).toMatchObject({ success: true, data: { encoding: 'utf8', checkLinkDomains: true } });
    expect(check.safeParse({ raw: 'U3ViamVjdDogeA==', encoding: 'base64', storeRaw: false, checkLinkDomains: false }).success).toBe(true);
    expect(check.safeParse({ raw: 'x', encoding: 'latin1' }).success).toBe(false);
    expect(check.safeParse({ raw: 'x', ip: 'mx.example.com' }).success).toBe(false);
    expect(check.safeParse({ raw: '' }).success).toBe(false);
    expect(operations['message.raw'].input.safeParse({ id: 0 }).success).toBe(false);
  });
});

describe('content security policy', () => {
  it('is the same in the renderer’s meta tag as in the headers', () => {
    const html = readFileSync(join(import.meta.dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
    expect(meta?.[1]).toBeDefined();
    // frame-ancestors has no effect in a meta tag, so the tag may leave it out.
    const withoutFrameAncestors = (csp: string) => csp.split(/;\s*/).filter((d) => !d.startsWith('frame-ancestors')).join('; ');
    expect(withoutFrameAncestors(meta?.[1] ?? '')).toBe(withoutFrameAncestors(CONTENT_SECURITY_POLICY));
  });

  it('allows scripts only from the app itself', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/);
  });
});
