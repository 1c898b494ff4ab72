/**
 * The operations on sending health: importing ESP exports, the summary, the domains with data, and
 * the sending IPs found, which the user may tick to watch.
 */
import { isIP } from 'node:net';
import { parseResolverSpec } from '../core/dns/servers';
import { DnsSession } from '../core/dns/session';
import { importHealth, type HealthImportInput } from '../core/health/import';
import { healthSummary } from '../core/health/summary';
import type { HistoryStore } from '../core/history/store';
import type { SettingsService } from '../core/settings';
import { ApiError } from './errors';
import { CANCELLED, importRuns } from './import-runs';
import type { OpParsed, OpResult } from './operations';

export interface HealthContext {
  store: HistoryStore | null;
  settings: SettingsService;
  transport: 'ipc' | 'http' | 'cli';
  /** Watch creation, as watch.add does it (the same schedule, the scheduler woken). */
  addWatches: (input: OpParsed<'watch.add'>) => Promise<OpResult<'watch.add'>> | OpResult<'watch.add'>;
  signal?: AbortSignal;
  now?: () => Date;
}

export type HealthOperation = 'health.import' | 'health.summary' | 'health.domains' | 'health.ips' | 'health.watch-ips' | 'health.cancel';

/** `caller`: who called (api/handlers.ts), whose imports only that caller may cancel. */
type HealthHandlers = { [N in HealthOperation]: (input: OpParsed<N>, caller: string) => Promise<OpResult<N>> | OpResult<N> };

export function createHealthHandlers(ctx: HealthContext): HealthHandlers & { cancelAll(): void } {
  const now = ctx.now ?? (() => new Date());
  const runs = importRuns(ctx.signal);
  const needStore = (): HistoryStore => {
    if (!ctx.store) throw new ApiError('invalid-input', 'History is off (--no-history): sending health is imported into history, and read from it.', undefined, { reason: 'history-off' });
    return ctx.store;
  };
  return {
    'health.import': async ({ paths, files, format, resolver, runId }, caller) => {
      const store = needStore();
      if (paths && ctx.transport !== 'cli') throw new ApiError('invalid-input', 'From the app, send the files\' contents (files), not paths.', [{ path: 'paths', message: 'only from the command line' }]);
      let input: HealthImportInput;
      if (paths) input = { paths };
      else {
        input = {
          files: (files ?? []).map((f) => {
            if (/[^A-Za-z0-9+/=\s]/.test(f.data)) throw new ApiError('invalid-input', `${f.name}: the file's data is not base64.`, [{ path: 'files', message: 'not base64' }]);
            return { name: f.name, bytes: Buffer.from(f.data, 'base64') };
          }),
        };
      }
      const settings = ctx.settings.get();
      const dns = new DnsSession({ servers: parseResolverSpec(resolver ?? settings.resolver), timeoutMs: settings.dnsTimeoutMs });
      try {
        return await runs.run(caller, runId, async (signal) => {
          const result = await importHealth(input, { store, dns, now, ...(format ? { format } : {}), signal });
          // A stop inside the last file ends that file alone: the import stopped all the same.
          if (signal.aborted && result.stopped === undefined) result.stopped = `stopped: ${(signal.reason as Error | undefined)?.message ?? CANCELLED}`;
          return result;
        });
      } finally {
        dns.cancel();
      }
    },
    'health.summary': (input) => healthSummary(needStore(), input, now()),
    'health.domains': () => ({ domains: ctx.store ? ctx.store.healthDomains() : [] }),
    'health.ips': (input) => {
      const store = needStore();
      const { ips } = healthSummary(store, input, now());
      return {
        ips: ips
          .filter((i) => i.ip !== '')
          .map((i) => ({ ip: i.ip, sent: Math.max(i.sent, i.delivered + i.hardBounced + i.softBounced), address: isIP(i.ip) !== 0, watched: store.watchByTarget(i.ip) !== null })),
      };
    },
    'health.watch-ips': ({ ips }) => ctx.addWatches({ targets: ips.map((ip) => ({ kind: 'ip' as const, target: ip })) }),
    'health.cancel': ({ runId }, caller) => ({ cancelled: runs.cancel(caller, runId) }),
    cancelAll: () => runs.cancelAll(),
  };
}
