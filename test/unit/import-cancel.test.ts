/**
 * Stopping an import under way: reports.cancel and health.cancel stop the caller's own run by its
 * id, keep what was imported before the stop, and are harmless for a run that is unknown, over, or
 * another page's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../electron/api/errors';
import { createApi, type Api } from '../../electron/api/handlers';
import type { EventName } from '../../electron/api/names';
import type { ReportList } from '../../electron/api/operations';
import type { HealthImportResult, ImportResult } from '../../electron/api/types';
import { HistoryStore } from '../../electron/core/history/store';
import { aggregateXml, knownRecords } from '../helpers/dmarc-reports';
import { tempDbPaths } from '../helpers/temp-db';

const dbPath = tempDbPaths('import-cancel');
const DAY = Date.UTC(2024, 4, 6) / 1000;
const PAGE = 'stream:page-one-0001';
const OTHER_PAGE = 'stream:page-two-0002';

let api: Api | undefined;
let store: HistoryStore | undefined;
afterEach(() => {
  api?.close();
  store?.close();
  api = store = undefined;
});

/** An api over a fresh history whose progress events go to `onEvent`. */
function open(onEvent: (event: EventName, payload: unknown) => void = () => {}): Api {
  store = HistoryStore.open(dbPath());
  api = createApi({ dbPath: null, store, transport: 'http', version: 'test', emit: (event, payload) => onEvent(event, payload) });
  return api;
}

/** `n` report files, as a page sends them: distinct reports of one domain, base64. */
function reportFiles(n: number): { name: string; data: string }[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `reporter.example!brand.test!cancel-${i}.xml`,
    data: Buffer.from(aggregateXml({ org: 'reporter.example', reportId: `cancel-${i}`, domain: 'brand.test', begin: DAY + i * 86_400, records: knownRecords(1) })).toString('base64'),
  }));
}

const stored = async (a: Api) => ((await a.dispatch('reports.list', { limit: 1 })) as ReportList).total;

describe('reports.cancel', () => {
  it('stops an import at its first progress, keeps the reports read before the stop; the rest import later', async () => {
    const files = reportFiles(40);
    const answers: Promise<unknown>[] = [];
    const a = open((event, payload) => {
      // Another page's cancel, and then this page's, both at the first progress of run r1.
      if (event === 'reports.progress' && (payload as { runId?: string }).runId === 'r1' && answers.length === 0) {
        answers.push(a.dispatch('reports.cancel', { runId: 'r1' }, OTHER_PAGE), a.dispatch('reports.cancel', { runId: 'r1' }, PAGE));
      }
    });
    const result = (await a.dispatch('reports.import', { files, runId: 'r1' }, PAGE)) as ImportResult;
    expect(await Promise.all(answers)).toEqual([{ cancelled: false }, { cancelled: true }]);
    expect(result.stopped).toBe('stopped after 1 of 40 files: the import was cancelled');
    expect(result.done).toBe(1);
    expect(result.imported).toBe(1);
    expect(await stored(a)).toBe(1);

    // Over: a second stop is no error, and changes nothing.
    expect(await a.dispatch('reports.cancel', { runId: 'r1' }, PAGE)).toEqual({ cancelled: false });
    expect(await stored(a)).toBe(1);

    // The same files again: the one kept is found again, the others are imported now.
    const again = (await a.dispatch('reports.import', { files, runId: 'r2' }, PAGE)) as ImportResult;
    expect(again).toMatchObject({ imported: 39, duplicates: 1 });
    expect(again.stopped).toBeUndefined();
    expect(await stored(a)).toBe(40);
  });

  it('leaves an import that another page started running to its end', async () => {
    const files = reportFiles(10);
    const answers: Promise<unknown>[] = [];
    const a = open((event) => {
      if (event === 'reports.progress' && answers.length === 0) answers.push(a.dispatch('reports.cancel', { runId: 'mine' }, OTHER_PAGE));
    });
    const result = (await a.dispatch('reports.import', { files, runId: 'mine' }, PAGE)) as ImportResult;
    expect(await Promise.all(answers)).toEqual([{ cancelled: false }]);
    expect(result.stopped).toBeUndefined();
    expect(result.imported).toBe(10);
  });

  it('answers cancelled: false for a run id nothing runs under, and refuses a missing or malformed one', async () => {
    const a = open();
    expect(await a.dispatch('reports.cancel', { runId: 'never-started' })).toEqual({ cancelled: false });
    for (const input of [{}, { runId: '' }, { runId: 'x'.repeat(101) }, { runId: 'r', extra: 1 }]) {
      const err = await a.dispatch('reports.cancel', input).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('invalid-input');
    }
  });
});

describe('health.cancel', () => {
  /** A generic-CSV export of one day's sends from one IP to Gmail (a provider known without DNS). */
  const csv = (i: number) =>
    Buffer.from(`date,ip,sending_domain,recipient_domain,sent,delivered,bounced_hard,bounced_soft,complaints,opens,clicks,unsubscribes\n2024-05-0${1 + i},192.0.2.${i + 1},news.example,gmail.com,20,20,0,0,0,0,0,0\n`).toString('base64');

  it('has nothing to stop once a call is over: twice over, and what it imported stays', async () => {
    const a = open();
    const first = (await a.dispatch('health.import', { files: [{ name: 'day-0.csv', data: csv(0) }], runId: 'h1' }, PAGE)) as HealthImportResult;
    expect(first).toMatchObject({ added: 1, read: 1 });
    // The run's call is over: nothing to stop, twice over.
    expect(await a.dispatch('health.cancel', { runId: 'h1' }, PAGE)).toEqual({ cancelled: false });
    expect(await a.dispatch('health.cancel', { runId: 'h1' }, PAGE)).toEqual({ cancelled: false });
    const domains = (await a.dispatch('health.domains', {})) as { domains: { domain: string; sent: number }[] };
    expect(domains.domains).toEqual([expect.objectContaining({ domain: 'news.example', sent: 20 })]);
  });

  it('stops a call in flight: the import says it was stopped, and keeps the files finished before', async () => {
    const a = open();
    const files = Array.from({ length: 5 }, (_, i) => ({ name: `day-${i}.csv`, data: csv(i) }));
    const running = a.dispatch('health.import', { files, runId: 'h2' }, PAGE) as Promise<HealthImportResult>;
    // The call has started (dispatch runs the handler up to its first wait at once): stop it.
    expect(await a.dispatch('health.cancel', { runId: 'h2' }, OTHER_PAGE)).toEqual({ cancelled: false });
    expect(await a.dispatch('health.cancel', { runId: 'h2' }, PAGE)).toEqual({ cancelled: true });
    const result = await running;
    expect(result.stopped).toBe('stopped: the import was cancelled');
    expect(result.files.length).toBeLessThan(5);
    // What the files finished before the stop added is in history; nothing of the files not read.
    const finished = result.files.filter((f) => f.error === undefined).length;
    const domains = (await a.dispatch('health.domains', {})) as { domains: { domain: string; sent: number }[] };
    expect(domains.domains.reduce((sum, d) => sum + d.sent, 0)).toBe(20 * finished);
  });
});
