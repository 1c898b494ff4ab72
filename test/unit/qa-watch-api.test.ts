/**
 * Drafts opened by path through the api (qa.watch, qa.unwatch, qa.open, qa.save-inlined): the
 * boundary's checks, who owns a watch and when it is let go, and the inlined copy that never
 * replaces the draft.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../electron/api/errors';
import { createApi, type Api, type ApiContext } from '../../electron/api/handlers';
import { inlinedName } from '../../electron/api/handlers-qa';
import { operations } from '../../electron/api/operations';
import type { DraftFile } from '../../electron/core/qa/draft-watch';
import { streamCaller } from '../../electron/serve/guard';

let dir: string;
let api: Api | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-qa-watch-'));
});
afterEach(() => {
  api?.close();
  api = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const open = (extra: Partial<ApiContext> = {}) => (api = createApi({ dbPath: null, transport: 'http', version: 'test', emit: () => {}, ...extra }));
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (err: unknown) => err as ApiError);

const DRAFT = '<html><head><style>p { color: #c00 }</style></head><body><p>Autumn</p></body></html>';

describe('qa.watch and qa.unwatch', () => {
  it('refuses, beside the path field, a relative path, another extension, a link out, a folder and a missing file', async () => {
    const a = open();
    writeFileSync(join(dir, 'key.pem'), 'secret');
    symlinkSync(join(dir, 'key.pem'), join(dir, 'link.html'));
    mkdirSync(join(dir, 'folder.html'));
    for (const [path, words] of [
      ['news.html', /whole path/],
      [join(dir, 'key.pem'), /\.html, \.htm, \.mjml and \.eml/],
      [join(dir, 'link.html'), /link to key\.pem/],
      [join(dir, 'folder.html'), /not a regular file/],
      [join(dir, 'gone.html'), /no file gone\.html/],
      [`${join(dir, 'a')}\u0007.html`, /control character/],
    ] as const) {
      const err = await refusal(a.dispatch('qa.watch', { path }));
      expect(err, path).toBeInstanceOf(ApiError);
      expect(err?.code).toBe('invalid-input');
      expect(err?.fields?.[0]).toMatchObject({ field: 'path', message: expect.stringMatching(words) });
    }
  });

  it('reads the draft and watches it for the caller, who lets go of it alone', async () => {
    const a = open();
    const path = join(dir, 'news.html');
    writeFileSync(path, DRAFT);
    const file = (await a.dispatch('qa.watch', { path }, 'stream:tab-one-1')) as DraftFile;
    expect(file).toMatchObject({ path, name: 'news.html', kind: 'html', bytes: DRAFT.length });
    expect(Buffer.from(file.source, 'base64').toString()).toBe(DRAFT);
    await a.dispatch('qa.watch', { path }, 'stream:tab-two-2');
    // The first tab's stream closes: the second tab still has it.
    a.releaseWatches('stream:tab-one-1');
    expect(await a.dispatch('qa.unwatch', { path }, 'stream:tab-one-1')).toEqual({ stopped: false });
    expect(await a.dispatch('qa.unwatch', { path }, 'stream:tab-two-2')).toEqual({ stopped: true });
    expect(await a.dispatch('qa.unwatch', { path }, 'stream:tab-two-2')).toEqual({ stopped: false });
  });

  it('lets every caller go when the window reloads', async () => {
    const a = open();
    const path = join(dir, 'news.mjml');
    writeFileSync(path, '<mjml><mj-body></mj-body></mjml>');
    await a.dispatch('qa.watch', { path });
    a.releaseWatches();
    expect(await a.dispatch('qa.unwatch', { path })).toEqual({ stopped: false });
  });

  it('names a serve caller only by a well-formed stream id', () => {
    expect(streamCaller('3f9a1c2e-77d0-4a41-9c1e-0b7d2f6a8e11')).toBe('stream:3f9a1c2e-77d0-4a41-9c1e-0b7d2f6a8e11');
    for (const bad of [null, undefined, '', 'short', 'has space in it', 'a'.repeat(65), ['abcdefgh', 'ijklmnop']]) expect(streamCaller(bad)).toBeNull();
  });
});

describe('qa.open and qa.save-inlined', () => {
  it('need the desktop app: serve and the command line are told so', async () => {
    const a = open();
    expect((await refusal(a.dispatch('qa.open', {})))?.code).toBe('unknown-operation');
    expect((await refusal(a.dispatch('qa.save-inlined', { html: DRAFT })))?.code).toBe('unknown-operation');
  });

  it('opens the draft the open dialog chose, and nothing when it was closed', async () => {
    const path = join(dir, 'news.html');
    writeFileSync(path, DRAFT);
    const answers = [path, null];
    const a = open({ askOpenPath: async () => answers.shift() ?? null });
    expect(await a.dispatch('qa.open', {})).toMatchObject({ file: { path, name: 'news.html' } });
    expect(await a.dispatch('qa.open', {})).toEqual({ file: null });
  });

  it('writes the inlined HTML where the save dialog says, offering a new name beside the draft', async () => {
    const original = join(dir, 'news.html');
    writeFileSync(original, DRAFT);
    const asked: { title: string; defaultPath: string }[] = [];
    const a = open({ askSavePath: async (options) => (asked.push(options), options.defaultPath) });
    const saved = await a.dispatch('qa.save-inlined', { html: DRAFT, original });
    expect(asked[0]?.defaultPath).toBe(join(dir, 'news-inlined.html'));
    expect(saved).toEqual({ saved: true, path: join(dir, 'news-inlined.html') });
    expect(readFileSync(join(dir, 'news-inlined.html'), 'utf8')).toMatch(/<p style="color: #c00;?">Autumn<\/p>/);
    expect(readFileSync(original, 'utf8')).toBe(DRAFT);
  });

  it('never writes over the draft, even when the dialog picks it', async () => {
    const original = join(dir, 'news.html');
    writeFileSync(original, DRAFT);
    const a = open({ askSavePath: async () => original });
    const err = await refusal(a.dispatch('qa.save-inlined', { html: DRAFT, original }));
    expect(err?.message).toMatch(/news\.html is the draft itself/);
    // A watched draft is refused too, whatever the page says the original is.
    await a.dispatch('qa.watch', { path: original });
    expect((await refusal(a.dispatch('qa.save-inlined', { html: DRAFT, name: 'pasted' })))?.message).toMatch(/draft itself/);
    expect(readFileSync(original, 'utf8')).toBe(DRAFT);
  });

  it('names the copy after the draft', () => {
    expect(inlinedName('Autumn sale.mjml')).toBe('Autumn sale-inlined.html');
    expect(inlinedName(undefined)).toBe('email-inlined.html');
    expect(operations['qa.save-inlined'].input.safeParse({ html: '' }).success).toBe(false);
  });
});
