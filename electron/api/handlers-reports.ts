/**
 * The operations on DMARC aggregate and TLS reports: import, the list of imports, and the views
 * (summary, sources, records, readiness, TLS).
 */
import { parseResolverSpec } from '../core/dns/servers';
import { DnsSession } from '../core/dns/session';
import type { HistoryStore } from '../core/history/store';
import { reportReadiness, reportSources, reportSummary, tlsSummary } from '../core/reports/analysis';
import { recordsCsv, sourcesCsv } from '../core/reports/csv';
import { importReports, type ImportInput } from '../core/reports/import';
import { ImapImportError, importFromImap, mailboxAccount, type ImapImportResult } from '../core/reports/imap-import';
import { rangeOf } from '../core/reports/range';
import type { SettingsService } from '../core/settings';
import { ApiError } from './errors';
import type { MailboxLogin, MailboxRef } from './handlers-mail';
import { importRuns } from './import-runs';
import type { EventName } from './names';
import { MAX_EXPORTED_RECORDS, type EventPayload, type ExportFormat, type OpParsed, type OpResult, type ReportsCsv } from './operations';

export interface ReportsContext {
  store: HistoryStore | null;
  settings: SettingsService;
  transport: 'ipc' | 'http' | 'cli';
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** Stops an import in progress (the CLI's Ctrl-C). */
  signal?: AbortSignal;
  now?: () => Date;
  /** The desktop app's save dialog (main): writes the file where the user picks; null when cancelled. */
  saveReport?: (suggestedName: string, format: ExportFormat, content: string | Uint8Array) => Promise<string | null>;
  /** A mailbox's login and secret (handlers-mail.ts), for an import from IMAP. */
  mailboxLogin?: (ref: MailboxRef) => MailboxLogin;
}

export type ReportsOperation =
  | 'reports.import'
  | 'reports.import-imap'
  | 'reports.cancel'
  | 'reports.list' | 'reports.summary' | 'reports.sources' | 'reports.records' | 'reports.readiness' | 'reports.tls' | 'reports.export' | 'reports.save';

/** `caller`: who called (api/handlers.ts), whose imports only that caller may cancel. */
type ReportsHandlers = { [N in ReportsOperation]: (input: OpParsed<N>, caller: string) => Promise<OpResult<N>> | OpResult<N> };

/** A mailbox import cancelled before its first message, as a result: nothing imported, where the next one starts. */
function stoppedBeforeAny(store: HistoryStore, seed: MailboxLogin['seed'], input: { folder: string; since: string | undefined; moveTo: string | undefined }, stopped: string): ImapImportResult {
  const account = mailboxAccount(seed);
  return {
    imported: 0,
    duplicates: 0,
    refused: [],
    records: 0,
    messages: 0,
    reports: [],
    stopped: `${stopped} before any message was read.`,
    done: 0,
    mailbox: {
      account,
      folder: input.folder,
      ...(input.since ? { since: input.since } : {}),
      newMessages: 0,
      done: 0,
      remaining: 0,
      restarted: false,
      lastUid: store.reportMailbox(account, input.folder)?.lastUid ?? 0,
      ...(input.moveTo ? { moveTo: input.moveTo } : {}),
      moved: 0,
    },
  };
}

export function createReportHandlers(ctx: ReportsContext): ReportsHandlers & { cancelAll(): void } {
  const now = ctx.now ?? (() => new Date());
  const runs = importRuns(ctx.signal);
  const needStore = (): HistoryStore => {
    if (!ctx.store) throw new ApiError('invalid-input', 'History is off (--no-history): reports are imported into history, and read from it.', undefined, { reason: 'history-off' });
    return ctx.store;
  };
  /** The resolver for reverse DNS: the one given, else the setting. */
  const session = (resolver: string | undefined) => {
    const current = ctx.settings.get();
    return new DnsSession({ servers: parseResolverSpec(resolver ?? current.resolver), timeoutMs: current.dnsTimeoutMs });
  };
  /** The CSV of a domain's sources or records: the same for a download and for the save dialog. */
  const exportCsv = async ({ what, class: only, resolver, ...range }: OpParsed<'reports.export'>): Promise<ReportsCsv> => {
    const store = needStore();
    const day = rangeOf(range, now());
    const stamp = new Date(day.until * 1000).toISOString().slice(0, 10);
    if (what === 'records') {
      const { items, total } = store.reportRecords(day, [], MAX_EXPORTED_RECORDS, 0);
      return { name: `deliverlab-dmarc-records-${range.domain}-${stamp}`, text: recordsCsv(items), rows: items.length, truncated: total > items.length };
    }
    const dns = session(resolver);
    try {
      const { sources } = await reportSources(store, range, { dns, now: now() });
      const shown = only ? sources.filter((s) => s.class === only) : sources;
      return { name: `deliverlab-dmarc-sources-${range.domain}${only ? `-${only}` : ''}-${stamp}`, text: sourcesCsv(shown), rows: shown.length, truncated: false };
    } finally {
      dns.cancel();
    }
  };
  return {
    'reports.export': exportCsv,
    'reports.save': async (input) => {
      if (!ctx.saveReport) throw new ApiError('unknown-operation', 'reports.save needs the desktop app\'s save dialog; elsewhere reports.export gives the CSV to download.');
      const out = await exportCsv(input);
      const path = await ctx.saveReport(out.name, 'csv', out.text);
      return path === null ? { saved: false } : { saved: true, path };
    },
    'reports.import': async ({ paths, files, runId }, caller) => {
      const store = needStore();
      // A page in a browser reads no path on this machine: it sends what the user picked.
      if (paths && ctx.transport !== 'cli') throw new ApiError('invalid-input', 'From the app, send the files\' contents (files), not paths.', [{ path: 'paths', message: 'only from the command line' }]);
      let input: ImportInput;
      if (paths) input = { paths };
      else {
        const decoded = (files ?? []).map((f) => {
          if (/[^A-Za-z0-9+/=\s]/.test(f.data)) throw new ApiError('invalid-input', `${f.name}: the file's data is not base64.`, [{ path: 'files', message: 'not base64' }]);
          return { name: f.name, bytes: Buffer.from(f.data, 'base64') };
        });
        input = { files: decoded };
      }
      return runs.run(caller, runId, (signal) =>
        importReports(input, {
          store,
          now,
          signal,
          onProgress: (p) => ctx.emit('reports.progress', { ...p, ...(runId ? { runId } : {}) }),
        }),
      );
    },
    'reports.import-imap': async ({ seed, account, secret, folder, since, moveTo, runId }, caller) => {
      const store = needStore();
      if (!ctx.mailboxLogin) throw new ApiError('unknown-operation', 'Importing from a mailbox is not available here.');
      const login = ctx.mailboxLogin(seed !== undefined ? { seed } : { account, secret });
      try {
        return await runs.run(caller, runId, (signal) =>
          importFromImap({
            store,
            ...login,
            folder,
            ...(since ? { since } : {}),
            ...(moveTo ? { moveTo } : {}),
            now,
            signal,
            onProgress: (p) => ctx.emit('reports.progress', { ...p, ...(runId ? { runId } : {}) }),
          }),
        );
      } catch (err) {
        if (!(err instanceof ImapImportError)) throw err;
        // Cancelled before the first message: a stop like any other, with nothing read and nothing
        // remembered (the CLI's Ctrl-C keeps its error).
        if (err.info.code === 'ECANCELLED' && !ctx.signal?.aborted) return stoppedBeforeAny(store, login.seed, { folder, since, moveTo }, err.message);
        // A folder the server does not have is the input's fault; the rest is the connection's.
        if (err.info.code === 'NONEXISTENT') throw new ApiError('invalid-input', err.message, [{ path: 'folder', message: err.message }]);
        throw new ApiError('internal', err.message);
      }
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
    'reports.cancel': ({ runId }, caller) => ({ cancelled: runs.cancel(caller, runId) }),
    cancelAll: () => runs.cancelAll(),
  };
}
