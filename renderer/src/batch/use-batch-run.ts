/**
 * Runs a batch of audits with bounded concurrency, and keeps its state above the pages.
 *
 * Above the pages, as for a single audit: opening one result from the table and coming back must
 * not lose a batch that is still running.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { auditInput, type AuditOptions } from '../audit-options';
import { useClient } from '../client/client-context';
import { errorMessage } from '../format';
import { summarizeResult, type BatchRow } from './batch-types';
import { runPool } from '../../../electron/shared/pool';

/** The most domains one batch takes: enough for a client portfolio, bounded so a stray paste cannot queue 100k audits. */
export const MAX_BATCH_DOMAINS = 500;

export const PARALLEL_MIN = 1;
export const PARALLEL_MAX = 20;
export const PARALLEL_DEFAULT = 6;

export interface BatchState {
  status: 'idle' | 'running' | 'done';
  rows: BatchRow[];
  /** Set by Cancel: no new audit starts; those in flight finish. */
  cancelled: boolean;
  startedAt?: string;
}

const IDLE: BatchState = { status: 'idle', rows: [], cancelled: false };

function batchRunId(index: number): string {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `batch-${random}-${index}`;
}

export function useBatchRun() {
  const client = useClient();
  const queryClient = useQueryClient();
  const [state, setState] = useState<BatchState>(IDLE);
  const stop = useRef(false);
  const active = useRef(false);

  const setRow = (index: number, row: Partial<BatchRow>) =>
    setState((prev) => ({ ...prev, rows: prev.rows.map((r, i) => (i === index ? { ...r, ...row } : r)) }));

  const run = useCallback(
    async (domains: string[], options: AuditOptions, parallel: number) => {
      if (active.current || domains.length === 0) return;
      active.current = true;
      stop.current = false;
      setState({
        status: 'running',
        rows: domains.map((domain) => ({ domain, state: 'queued' })),
        cancelled: false,
        startedAt: new Date().toISOString(),
      });
      const limit = Math.min(PARALLEL_MAX, Math.max(PARALLEL_MIN, Math.round(parallel)));
      try {
        await runPool(
          domains,
          limit,
          async (domain, index) => {
            setRow(index, { state: 'running' });
            try {
              const result = await client.audit.run(auditInput(domain, batchRunId(index), options));
              setRow(index, { state: 'done', result: summarizeResult(result) });
            } catch (err) {
              setRow(index, { state: 'failed', error: errorMessage(err) });
            }
          },
          () => stop.current,
        );
      } finally {
        setState((prev) => ({
          ...prev,
          status: 'done',
          rows: prev.rows.map((r) => (r.state === 'queued' ? { ...r, state: 'not-run' } : r)),
        }));
        active.current = false;
        await queryClient.invalidateQueries({ queryKey: ['history'] });
      }
    },
    [client, queryClient],
  );

  const cancel = useCallback(() => {
    if (!active.current) return;
    stop.current = true;
    setState((prev) => ({ ...prev, cancelled: true }));
  }, []);

  const reset = useCallback(() => {
    if (!active.current) setState(IDLE);
  }, []);

  return { state, run, cancel, reset };
}
