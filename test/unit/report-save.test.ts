import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../electron/api/errors';
import { createApi, type Api } from '../../electron/api/handlers';
import type { ReportOutput, ReportSaved } from '../../electron/api/operations';
import { HistoryStore } from '../../electron/core/history/store';
import { SECRET, messageAnalysis, placementRun } from '../helpers/report-kinds';

let dir: string;
let store: HistoryStore;
let messageId: number;
let placementId: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-report-save-'));
  store = HistoryStore.open(join(dir, 'history.sqlite'));
  messageId = await store.saveMessage({ ...messageAnalysis(), id: null }, null);
  const run = placementRun();
  placementId = store.startPlacement({ ...run, status: 'running' });
  store.finishPlacement(placementId, run);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The app's save dialog as main gives it: the user picks `picked` (or cancels with null); it writes there. */
function appApi(picked: string | null, asked: { name: string; format: string }[]): Api {
  return createApi({
    dbPath: null,
    store,
    transport: 'ipc',
    version: '0',
    emit: () => {},
    saveReport: (name, format, text) => {
      asked.push({ name, format });
      if (picked !== null) writeFileSync(picked, text);
      return Promise.resolve(picked);
    },
  });
}

describe('report.save: the app saves where its dialog says', () => {
  it('writes the message report to the file chosen in the dialog, offering a name for it', async () => {
    const asked: { name: string; format: string }[] = [];
    const picked = join(dir, 'chosen.html');
    const out = (await appApi(picked, asked).dispatch('report.save', { kind: 'message', id: messageId })) as ReportSaved;
    expect(out).toEqual({ saved: true, path: picked });
    expect(asked).toEqual([{ name: `deliverlab-message-${messageId}`, format: 'html' }]);
    const html = readFileSync(picked, 'utf8');
    expect(html).toContain('auth.dmarc-fail');
    expect(html).not.toContain(SECRET);
  });

  it('a cancelled dialog saves nothing and says so', async () => {
    const out = (await appApi(null, []).dispatch('report.save', { kind: 'placement', id: placementId })) as ReportSaved;
    expect(out).toEqual({ saved: false });
  });

  it('the page cannot name the path: an extra field is refused', async () => {
    await expect(appApi(join(dir, 'x.html'), []).dispatch('report.save', { kind: 'audit', id: 1, path: '/etc/passwd' })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('an id not in history is not found, before any dialog opens', async () => {
    const asked: { name: string; format: string }[] = [];
    await expect(appApi(join(dir, 'x.html'), asked).dispatch('report.save', { kind: 'audit', id: 999 })).rejects.toBeInstanceOf(ApiError);
    expect(asked).toEqual([]);
  });

  it('without the app (serve, the CLI) it refuses, and report.render gives the report instead', async () => {
    const api = createApi({ dbPath: null, store, transport: 'http', version: '0', emit: () => {} });
    await expect(api.dispatch('report.save', { kind: 'message', id: messageId })).rejects.toMatchObject({ code: 'unknown-operation' });
    const out = (await api.dispatch('report.render', { placement: placementId, format: 'html' })) as ReportOutput;
    expect(out.kind).toBe('placement');
    expect(out.name).toBe(`deliverlab-placement-${placementId}`);
    expect(out.text).toContain('bounced-seed');
  });

  it('report.render takes exactly one of audits, message and placement', async () => {
    const api = createApi({ dbPath: null, store, transport: 'http', version: '0', emit: () => {} });
    await expect(api.dispatch('report.render', { message: messageId, placement: placementId, format: 'html' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(api.dispatch('report.render', { format: 'html' })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
