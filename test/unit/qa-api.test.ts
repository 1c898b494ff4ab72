import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../electron/api/errors';
import { createApi, type Api } from '../../electron/api/handlers';
import { operations } from '../../electron/api/operations';
import type { QaResult } from '../../electron/core/qa/types';

// qa.run as the app and the CLI call it: checked input, the clients setting, errors in the app's terms.

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'qa');
let api: Api | undefined;
afterEach(() => api?.close());

const open = () => (api = createApi({ dbPath: null, transport: 'ipc', version: 'test', emit: () => {} }));

describe('qa.run', () => {
  it('checks a pasted draft and a file sent as base64 alike', async () => {
    const a = open();
    const html = readFileSync(join(FIXTURES, 'phishing.html'));
    const pasted = (await a.dispatch('qa.run', { source: html.toString('utf8'), clients: ['apple'] })) as QaResult;
    const file = (await a.dispatch('qa.run', { source: html.toString('base64'), encoding: 'base64', name: 'phishing.html', clients: ['apple'] })) as QaResult;
    expect(pasted.file).toBeNull();
    expect(file.file).toBe('phishing.html');
    expect(pasted.findings).toEqual(file.findings);
    expect(file.findings.map((f) => [f.code, f.line])).toEqual([['content.link-mismatch', 7]]);
  });

  it('checks the client families the clients setting names, unless the call names others', async () => {
    const a = open();
    const source = readFileSync(join(FIXTURES, 'compat-problems.html'), 'utf8');
    expect(((await a.dispatch('qa.run', { source })) as QaResult).clients).toHaveLength(6);
    await a.dispatch('settings.set', { clients: ['outlook', 'gmail'] });
    const narrowed = (await a.dispatch('qa.run', { source })) as QaResult;
    expect(narrowed.clients).toEqual(['outlook', 'gmail']);
    expect(narrowed.findings.filter((f) => f.check === 'compat').every((f) => !/Apple|Yahoo|Samsung|Thunderbird/.test(f.title))).toBe(true);
    expect(((await a.dispatch('qa.run', { source, clients: ['apple'] })) as QaResult).clients).toEqual(['apple']);
  });

  it('refuses MJML that does not compile with each error beside the source, its line first', async () => {
    const a = open();
    const err = await a.dispatch('qa.run', { source: readFileSync(join(FIXTURES, 'broken.mjml'), 'utf8'), name: 'broken.mjml' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('invalid-input');
    expect((err as ApiError).fields).toEqual([
      { field: 'source', message: 'Line 6: Attribute colour is illegal (<mj-text>)' },
      { field: 'source', message: "Line 8: Element mj-bogus doesn't exist or is not registered (<mj-bogus>)" },
    ]);
    expect((err as ApiError).params).toEqual({ lines: '6,8' });
  });

  it('refuses unknown fields and families, and an empty family list', () => {
    const input = operations['qa.run'].input;
    expect(input.safeParse({ source: '<p>x</p>' })).toMatchObject({ success: true, data: { encoding: 'utf8', links: false, allowPrivate: false, inlineCss: false } });
    expect(input.safeParse({ source: '<p>x</p>', extra: 1 }).success).toBe(false);
    expect(input.safeParse({ source: '<p>x</p>', clients: ['hotmail'] }).success).toBe(false);
    expect(input.safeParse({ source: '<p>x</p>', clients: [] }).success).toBe(false);
    expect(input.safeParse({ source: '' }).success).toBe(false);
    expect(operations['settings.set'].input.safeParse({ clients: ['gmail', 'gmail'] }).success).toBe(false);
    expect(operations['settings.set'].input.safeParse({ clients: ['aol'] }).success).toBe(false);
    expect(operations['settings.set'].input.safeParse({ clients: [] }).success).toBe(true);
  });
});
