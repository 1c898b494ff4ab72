/**
 * The operations on DMARC aggregate and TLS reports: import, the list of imports, and the views
 * (summary, sources, records, readiness, TLS).
 */
import { parseResolverSpec } from '../core/dns/servers';
import { DnsSession } from '../core/dns/session';
import type { HistoryStore } from '../core/history/store';
import { reportReadiness, reportSources, reportSummary, tlsSummary } from '../core/reports/analysis';
import { importReports, type ImportInput } from '../core/reports/import';
import { rangeOf } from '../core/reports/range';
import type { SettingsService } from '../core/settings';
import { ApiError } from './errors';
import type { EventName } from './names';
import type { EventPayload, OpParsed, OpResult } from './operations';

export interface ReportsContext {
  store: HistoryStore | null;
  settings: SettingsService;
  transport: 'ipc' | 'http' | 'cli';
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** Stops an import in progress (the CLI's Ctrl-C). */
  signal?: AbortSignal;
  now?: () => Date;
}

export type ReportsOperation = 'reports.import' | 'reports.list' | 'reports.summary' | 'reports.sources' | 'reports.records' | 'reports.readiness' | 'reports.tls';

type ReportsHandlers = { [N in ReportsOperation]: (input: OpParsed<N>) => Promise<OpResult<N>> | OpResult<N> };

export function createReportHandlers(ctx: ReportsContext): ReportsHandlers {
  const now = ctx.now ?? (() => new Date());
  const needStore = (): HistoryStore => {
    if (!ctx.store) throw new ApiError('invalid-input', 'History is off (--no-history): reports are imported into history, and read from it.', undefined, { reason: 'history-off' });
    return ctx.store;
  };
  /** The resolver for reverse DNS: the one given, else the setting. */
  const session = (resolver: string | undefined) => {
    const current = ctx.settings.get();
    return new DnsSession({ servers: parseResolverSpec(resolver ?? current.resolver), timeoutMs: current.dnsTimeoutMs });
  };
  return {
    'reports.import': async ({ paths, files, runId }) => {
      const store = needStore();
      // A page in a browser reads no path on this machine: it sends what the user picked.
      if (paths && ctx.transport === 'http') throw new ApiError('invalid-input', 'Over HTTP, send the files\' contents (files), not paths.', [{ path: 'paths', message: 'not over HTTP' }]);
      let input: ImportInput;
      if (paths) input = { paths };
      else {
        const decoded = (files ?? []).map((f) => {
          if (/[^A-Za-z0-9+/=\s]/.test(f.data)) throw new ApiError('invalid-input', `${f.name}: the file's data is not base64.`, [{ path: 'files', message: 'not base64' }]);
          return { name: f.name, bytes: Buffer.from(f.data, 'base64') };
        });
        input = { files: decoded };
      }
      return importReports(input, {
        store,
        now,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onProgress: (p) => ctx.emit('reports.progress', { ...p, ...(runId ? { runId } : {}) }),
      });
    },
    'reports.list': ({ domain, kind, limit, offset }) =>
      ctx.store ? ctx.store.listReports({ ...(domain ? { domain } : {}), ...(kind ? { kind } : {}), limit, offset }) : { items: [], total: 0 },
    'reports.summary': (input) => reportSummary(needStore(), input, now()),
    'reports.sources': async ({ resolver, class: only, ...range }) => {
      const dns = session(resolver);
      try {
        const { readinessPolicy: _policy, ...result } = await reportSources(needStore(), range, { dns, now: now() });
        return only ? { ...result, sources: result.sources.filter((s) => s.class === only) } : result;
      } finally {
        dns.cancel();
      }
    },
    'reports.records': ({ ips, limit, offset, ...range }) => needStore().reportRecords(rangeOf(range, now()), ips ?? [], limit, offset),
    'reports.readiness': async ({ resolver, ...range }) => {
      const dns = session(resolver);
      try {
        return await reportReadiness(needStore(), range, { dns, now: now() });
      } finally {
        dns.cancel();
      }
    },
    'reports.tls': (input) => tlsSummary(needStore(), input, now()),
  };
}
