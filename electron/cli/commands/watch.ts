/**
 * `deliverlab watch add|list|remove|run`: domains and sending IPs checked on a schedule.
 *
 * `watch run` is the scheduler the app runs, in the foreground (a server, a container): it checks
 * each watch as it falls due and delivers the alerts, until Ctrl-C. `watch run --once` checks what
 * is due and exits, 1 when an alert fired (cron, CI). A stop abandons the checks in flight: a check
 * is recorded whole or not at all, and the next run checks that watch again.
 */
import { ApiError } from '../../api/errors';
import type { WatchList, WatchPass } from '../../api/operations';
import type { Alert, Watch } from '../../core/watch/types';
import { checkResolver, dbPathFrom, emit, listOf, openApi, parse, portOf, readCaFiles, untilStopped, write, type CliIo } from '../common';
import { painter } from '../format';
import { HELP } from '../help';
import { jsonText, neutralise } from '../terminal-text';
import { UsageError } from '../usage-error';
import { alertLine, formatAdded, formatAlert, formatWatches } from '../watch-format';

const SKIP_AREAS = ['smtp', 'http', 'dnsbl'] as const;
type SkipArea = (typeof SKIP_AREAS)[number];

function skipOf(values: string[] | undefined): SkipArea[] | undefined {
  const skip = listOf(values);
  for (const area of skip) if (!(SKIP_AREAS as readonly string[]).includes(area)) throw new UsageError(`--skip takes smtp, http and dnsbl, not "${area}".`);
  return skip.length ? (skip as SkipArea[]) : undefined;
}

export async function watchCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return write(io.stdout, HELP), 0;
  if (sub === undefined) throw new UsageError('Use: deliverlab watch add DOMAIN|IP..., watch list, watch remove, or watch run [--once]');
  switch (sub) {
    case 'add':
      return add(rest, io);
    case 'list':
      return list(rest, io);
    case 'remove':
      return remove(rest, io);
    case 'run':
      return run(rest, io);
    default:
      throw new UsageError(`Unknown watch command "${sub}": use deliverlab watch add, list, remove or run.`);
  }
}

async function add(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    client: { type: 'string' },
    every: { type: 'string' },
    at: { type: 'string' },
    skip: { type: 'string', multiple: true },
    selectors: { type: 'string', multiple: true },
    resolver: { type: 'string' },
  });
  if (values.help) return write(io.stdout, HELP), 0;
  if (values['no-history']) throw new UsageError('--no-history has nowhere to keep a watch.');
  if (positionals.length === 0) throw new UsageError('Name a domain or a sending IP to watch: deliverlab watch add example.com 192.0.2.10');
  if (values.every !== undefined && values.at !== undefined) throw new UsageError('--every and --at cannot be used together: a watch runs every N hours, or daily at a time.');
  const resolver = checkResolver(values.resolver);
  const skip = skipOf(values.skip);
  const selectors = listOf(values.selectors);
  const api = openApi(dbPathFrom(values));
  try {
    let result: { watches: Watch[]; added: number[] };
    try {
      result = (await api.dispatch('watch.add', {
        targets: positionals,
        ...(values.client !== undefined ? { client: values.client } : {}),
        ...(values.every !== undefined ? { every: values.every } : {}),
        ...(values.at !== undefined ? { at: values.at } : {}),
        ...(skip ? { skip } : {}),
        ...(selectors.length ? { selectors } : {}),
        ...(resolver ? { resolver } : {}),
      })) as { watches: Watch[]; added: number[] };
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid-input') {
        const issue = err.issues?.[0];
        const [field, index] = (issue?.path ?? '').split('.');
        if (field === 'targets' && index !== undefined) {
          const reason = (issue?.message ?? '').replace(/^Not a domain or an IP address: /, '').replace(/^Not a valid domain name: /, '').replace(/\.$/, '');
          throw new UsageError(`"${positionals[Number(index)]}" is not a domain or an IP address${reason ? `: ${reason}` : ''}.`);
        }
        const flag = { every: '--every', at: '--at', client: '--client', selectors: '--selectors', skip: '--skip', resolver: '--resolver' }[field ?? ''];
        throw new UsageError(flag && issue ? `${flag}: ${issue.message}` : err.message);
      }
      throw err;
    }
    if (values.json) {
      await emit(io.stdout, jsonText(result), io.signal);
      return 0;
    }
    await emit(io.stdout, formatAdded(result.watches, new Set(result.added)), io.signal);
    write(io.stdout, 'Checked by deliverlab watch run (or the app while it is open); deliverlab watch run --once checks what is due now.');
  } finally {
    api.close();
  }
  return 0;
}

async function list(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { client: { type: 'string' } });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  if (values['no-history']) throw new UsageError('--no-history has no watches to list.');
  const api = openApi(dbPathFrom(values));
  try {
    const watches = (await api.dispatch('watch.list', values.client !== undefined ? { client: values.client } : {})) as WatchList;
    if (values.json) {
      for (const w of watches.items) await emit(io.stdout, jsonText(w), io.signal);
    } else await emit(io.stdout, formatWatches(watches.items, painter(io.stdout)), io.signal);
  } finally {
    api.close();
  }
  return 0;
}

async function remove(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return write(io.stdout, HELP), 0;
  if (values['no-history']) throw new UsageError('--no-history has no watches to remove.');
  if (positionals.length === 0) throw new UsageError('Name the watches to remove, by domain, IP or id: deliverlab watch remove example.com');
  const ids = positionals.filter((p) => /^\d+$/.test(p)).map(Number);
  const targets = positionals.filter((p) => !/^\d+$/.test(p));
  const api = openApi(dbPathFrom(values));
  try {
    const known = (await api.dispatch('watch.list', {})) as WatchList;
    for (const id of ids) if (!known.items.some((w) => w.id === id)) throw new UsageError(`There is no watch #${id}: deliverlab watch list shows them.`);
    let removed: { removed: number };
    try {
      removed = (await api.dispatch('watch.remove', { ...(ids.length ? { ids } : {}), ...(targets.length ? { targets } : {}) })) as { removed: number };
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'not-found' || err.code === 'invalid-input')) throw new UsageError(`${err.message}${err.code === 'not-found' ? ' deliverlab watch list shows what is.' : ''}`);
      throw err;
    }
    if (values.json) await emit(io.stdout, jsonText(removed), io.signal);
    else write(io.stdout, `Stopped watching ${neutralise(positionals.join(', '))} (${removed.removed} watch${removed.removed === 1 ? '' : 'es'} removed, with their checks and alerts).`);
  } finally {
    api.close();
  }
  return 0;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    once: { type: 'boolean' },
    resolver: { type: 'string' },
    skip: { type: 'string', multiple: true },
    selectors: { type: 'string', multiple: true },
    'smtp-port': { type: 'string' },
    'https-port': { type: 'string' },
    'ca-file': { type: 'string', multiple: true },
    'network-timeout': { type: 'string' },
    concurrency: { type: 'string' },
  });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}": watch run checks every watch that is due.`);
  if (values['no-history']) throw new UsageError('--no-history has no watches to run.');
  const resolver = checkResolver(values.resolver);
  const skip = skipOf(values.skip);
  const selectors = listOf(values.selectors);
  const ca = readCaFiles(values['ca-file']);
  const smtpPort = portOf('smtp-port', values['smtp-port']);
  const httpsPort = portOf('https-port', values['https-port']);
  const timeoutText = values['network-timeout'];
  const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000)) throw new UsageError('--network-timeout takes milliseconds from 100 to 60000.');
  const concurrency = values.concurrency === undefined ? 8 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 50) throw new UsageError('--concurrency takes a number from 1 to 50.');
  const network = { ...(smtpPort ? { smtpPort } : {}), ...(httpsPort ? { httpsPort } : {}), ...(ca.length ? { ca } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
  const overrides = { ...(resolver ? { resolver } : {}), ...(skip ? { skip } : {}), ...(selectors.length ? { selectors } : {}), ...(Object.keys(network).length ? { network } : {}) };
  const paint = painter(io.stdout);
  // Alerts as the scheduler raises them (the api's alert.raised event), printed as they come.
  const printed: Promise<void>[] = [];
  let onAlert: ((alert: Alert) => void) | null = null;
  const api = openApi(dbPathFrom(values), undefined, {
    emit: (event, payload) => {
      if (event === 'alert.raised') onAlert?.(payload as Alert);
    },
  });
  try {
    const service = api.watchService(overrides, { concurrency });
    if (values.once) {
      const pass: WatchPass = await untilStopped(service.runOnce(io.signal ? { signal: io.signal } : {}), io.signal);
      for (const e of pass.errors) write(io.stderr, `deliverlab: ${neutralise(e.target)}: the check failed: ${neutralise(e.error)}`);
      if (values.json) await emit(io.stdout, jsonText({ checked: pass.checked, alerts: pass.alerts.map(alertLine) }), io.signal);
      else {
        for (const alert of pass.alerts) await emit(io.stdout, formatAlert(alert, paint), io.signal);
        write(io.stdout, `Checked ${pass.checked} watch${pass.checked === 1 ? '' : 'es'}: ${pass.alerts.length === 0 ? 'no alert' : `${pass.alerts.length} alert${pass.alerts.length === 1 ? '' : 's'}`}.`);
      }
      return pass.alerts.length > 0 ? 1 : pass.errors.length > 0 ? 2 : 0;
    }
    // The foreground scheduler: one line per check, each alert as it is raised, until stopped.
    const signal = io.signal ?? new AbortController().signal;
    onAlert = (alert) => printed.push(values.json ? emit(io.stdout, jsonText(alertLine(alert)), signal) : emit(io.stdout, formatAlert(alert, paint), signal));
    write(io.stderr, 'deliverlab: watching; Ctrl-C stops.');
    await service.run(signal);
    await Promise.all(printed);
    write(io.stderr, `deliverlab: ${(signal.reason as Error | undefined)?.message ?? 'stopped'}: no check left half-written.`);
  } finally {
    api.close();
  }
  return 0;
}
