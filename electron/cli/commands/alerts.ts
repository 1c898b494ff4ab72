/**
 * `deliverlab alerts list|ack`: what the watches raised, and acknowledging it.
 */
import { ApiError } from '../../api/errors';
import type { AlertList } from '../../api/operations';
import { dbPathFrom, emit, openApi, parse, write, type CliIo } from '../common';
import { painter } from '../format';
import { HELP } from '../help';
import { UsageError } from '../usage-error';
import { formatAlerts } from '../watch-format';
import { jsonText } from '../terminal-text';

export async function alertsCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return write(io.stdout, HELP), 0;
  if (sub === 'list') return list(rest, io);
  if (sub === 'ack') return ack(rest, io);
  throw new UsageError(sub ? `Unknown alerts command "${sub}": use deliverlab alerts list or alerts ack ID.` : 'Use: deliverlab alerts list [--open], or deliverlab alerts ack ID');
}

async function list(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { open: { type: 'boolean' }, client: { type: 'string' }, limit: { type: 'string' } });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  if (values['no-history']) throw new UsageError('--no-history has no alerts to list.');
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit takes a whole number from 1 to 500.');
  const api = openApi(dbPathFrom(values));
  try {
    let alerts: AlertList;
    try {
      alerts = (await api.dispatch('alerts.list', { limit, ...(values.open ? { open: true } : {}), ...(values.client !== undefined ? { client: values.client } : {}) })) as AlertList;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'not-found') throw new UsageError(`--client: ${err.message}`);
      throw err;
    }
    if (values.json) {
      // One alert a line, waiting for the reader: a stop leaves whole lines only.
      for (const alert of alerts.items) {
        if (io.signal?.aborted) break;
        await emit(io.stdout, jsonText(alert), io.signal);
      }
    } else await emit(io.stdout, formatAlerts(alerts.items, alerts.total, values.open === true, painter(io.stdout)), io.signal);
  } finally {
    api.close();
  }
  return 0;
}

async function ack(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return write(io.stdout, HELP), 0;
  if (values['no-history']) throw new UsageError('--no-history has no alerts to acknowledge.');
  if (positionals.length === 0) throw new UsageError('Name the alert to acknowledge by its id: deliverlab alerts list shows them.');
  const ids = positionals.map((p) => {
    const id = Number(p);
    if (!/^\d+$/.test(p) || id < 1) throw new UsageError(`"${p}" is not an alert id: deliverlab alerts list shows them.`);
    return id;
  });
  const api = openApi(dbPathFrom(values));
  try {
    for (const id of ids) {
      try {
        const alert = await api.dispatch('alerts.ack', { id });
        if (values.json) await emit(io.stdout, jsonText(alert), io.signal);
        else write(io.stdout, `Alert #${id} acknowledged.`);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'not-found') throw new UsageError(`${err.message} deliverlab alerts list shows them.`);
        throw err;
      }
    }
  } finally {
    api.close();
  }
  return 0;
}
