/**
 * Runs one audit at a time and follows its audit.progress events.
 *
 * Lives above the pages so that a running or finished audit survives a visit to another page.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import type { AuditResult } from '../../electron/api/types';
import { auditInput, type AuditOptions } from './audit-options';
import { CHECK_ORDER, type CheckId } from './checks/registry';
import { useClient } from './client/client-context';
import { errorMessage } from './format';
import { newRunId } from './client/run-id';

export interface AuditProgressView {
  done: number;
  total: number;
  /** The checks started and not yet finished, in start order. */
  running: CheckId[];
}

export type AuditRunState =
  | { status: 'idle' }
  | { status: 'running'; domain: string; runId: string; progress: AuditProgressView }
  | { status: 'done'; domain: string; result: AuditResult }
  | { status: 'error'; domain: string; message: string };


export function useAuditRun() {
  const client = useClient();
  const queryClient = useQueryClient();
  const [state, setState] = useState<AuditRunState>({ status: 'idle' });
  const current = useRef<string | null>(null);

  const run = useCallback(
    async (domain: string, options: AuditOptions) => {
      const runId = newRunId();
      current.current = runId;
      setState({ status: 'running', domain, runId, progress: { done: 0, total: CHECK_ORDER.length, running: [] } });

      const unsubscribe = client.on('audit.progress', (event) => {
        if (event.runId !== runId) return;
        setState((prev) => {
          if (prev.status !== 'running' || prev.runId !== runId) return prev;
          const running = prev.progress.running.filter((id) => id !== event.check);
          if (event.state === 'running') running.push(event.check);
          return { ...prev, progress: { done: Math.max(prev.progress.done, event.done), total: event.total, running } };
        });
      });
      try {
        const result = await client.audit.run(auditInput(domain, runId, options));
        if (current.current === runId) setState({ status: 'done', domain, result });
        await queryClient.invalidateQueries({ queryKey: ['history'] });
      } catch (err) {
        // errorMessage reads "Not a valid domain name", not "domain: Not a valid domain name".
        const message = errorMessage(err);
        if (current.current === runId) setState({ status: 'error', domain, message });
      } finally {
        unsubscribe();
      }
    },
    [client, queryClient],
  );

  return { state, run };
}
