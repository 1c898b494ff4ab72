/**
 * Analysed copies of placement runs in history (migration 7): one per seed of a run, replaced when
 * analysed again, listed with the run, and deleted with it.
 */
import { describe, expect, it } from 'vitest';
import { HistoryError, HistoryStore } from '../../electron/core/history/store';
import type { CopyAnalysis, PlacementRun, SeedOutcome } from '../../electron/core/placement/types';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('copies');

const found = (seed: string): SeedOutcome => ({
  seed,
  address: `${seed}@lab.test`,
  provider: 'other',
  placement: 'inbox',
  state: 'found',
  reconnects: 0,
  detection: { placement: 'inbox', folder: 'INBOX', uid: 7, detectedAt: '2026-03-01T10:00:01.000Z', latencyMs: 900, via: 'idle', authenticationResults: [], spamHeaders: {} },
});

function storedRun(store: HistoryStore): number {
  const run: PlacementRun = {
    token: `dl-copies-${Math.random().toString(16).slice(2)}`,
    status: 'done',
    startedAt: '2026-03-01T10:00:00.000Z',
    finishedAt: '2026-03-01T10:00:05.000Z',
    profile: 'lab',
    subject: 'Copies',
    deadlineMs: 60_000,
    seeds: [found('seed-b'), found('seed-a')],
    summary: { total: 2, counts: { inbox: 2 }, share: { inbox: 1 }, medianLatencyMs: 900, worstLatencyMs: 900 },
    warnings: [],
  };
  const id = store.startPlacement({ ...run, status: 'running' });
  store.finishPlacement(id, run);
  return id;
}

function copy(seed: string, over: Partial<CopyAnalysis> = {}): CopyAnalysis {
  return {
    placementId: null,
    seed,
    token: 'dl-copies',
    placement: 'inbox',
    folder: 'INBOX',
    uid: 7,
    fetchedAt: '2026-03-01T10:01:00.000Z',
    analysis: {
      sha256: 'abc',
      size: 10,
      headersOnly: false,
      analysedAt: '2026-03-01T10:01:00.000Z',
      durationMs: 1,
      summary: { subject: 'Copies', from: null, fromDomain: null, to: [], date: null, messageId: null, bulk: false },
      envelope: { ip: null, helo: null, mailFrom: null, source: 'none', trustedHop: null, explanation: '' },
      auth: {
        spf: { result: 'none', domain: null },
        dkim: [{ domain: 'lab.test', selector: 's1', result: 'pass', aligned: true }],
        dmarc: { result: 'none', policy: null, domain: null, alignment: { spf: false, dkim: false } },
        arc: { result: 'none', instances: 0 },
      },
      receiver: { authServId: null, results: [], arcAuthenticationResults: [], differences: [] },
      hops: [],
      transitSeconds: null,
      content: null,
      findings: [],
      providers: [],
      dns: [],
    },
    recorded: { authServId: null, authenticationResults: [], spamVerdicts: [{ filter: 'spamassassin', header: 'X-Spam-Flag', value: 'YES', verdict: 'spam', meaning: 'flagged' }] },
    ...over,
  };
}

describe('analysed copies in history', () => {
  it('stores one analysis per seed, replaces it when analysed again, lists them in the order of the seeds, and deletes them with the run', () => {
    const store = HistoryStore.open(tmp());
    try {
      const id = storedRun(store);
      expect(store.getPlacement(id)?.copies).toBeUndefined();
      store.saveCopyAnalysis(id, copy('seed-a'));
      store.saveCopyAnalysis(id, copy('seed-b', { folder: 'Junk' }));
      store.saveCopyAnalysis(id, copy('seed-a', { folder: 'Archive', fetchedAt: '2026-03-01T11:00:00.000Z', historyError: 'never stored' }));
      expect(store.getPlacement(id)?.copies).toEqual([
        { seed: 'seed-b', fetchedAt: '2026-03-01T10:01:00.000Z', folder: 'Junk', spf: 'none', dkim: 'pass', dmarc: 'none', critical: 0, warning: 0, receiverVerdict: 'spam' },
        { seed: 'seed-a', fetchedAt: '2026-03-01T11:00:00.000Z', folder: 'Archive', spf: 'none', dkim: 'pass', dmarc: 'none', critical: 0, warning: 0, receiverVerdict: 'spam' },
      ]);
      const back = store.getCopyAnalysis(id, 'seed-a');
      expect(back).toMatchObject({ placementId: id, folder: 'Archive' });
      expect(back?.historyError).toBeUndefined();

      expect(() => store.saveCopyAnalysis(id, copy('nobody'))).toThrow(HistoryError);
      expect(() => store.saveCopyAnalysis(id + 1, copy('seed-a'))).toThrow(/is not part of placement run/);

      expect(store.deletePlacement(id)).toBe(true);
      expect(store.getCopyAnalysis(id, 'seed-a')).toBeNull();
      expect(store.listCopyAnalyses(id)).toEqual([]);
    } finally {
      store.close();
    }
  });
});
