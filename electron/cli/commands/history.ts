/**
 * `deliverlab history list`: past audits from the local history.
 */
import type { HistoryList } from '../../api/operations';
import { dbPathFrom, emit, openApi, parse, write, type CliIo } from '../common';
import { formatHistory, painter } from '../format';
import { HELP } from '../help';
import { UsageError } from '../usage-error';

export async function historyCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return write(io.stdout, HELP), 0;
  if (sub !== 'list') throw new UsageError(sub ? `Unknown history command "${sub}": use deliverlab history list.` : 'Use: deliverlab history list');
  const { values, positionals } = parse(rest, { domain: { type: 'string' }, limit: { type: 'string' } });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  if (values['no-history']) throw new UsageError('--no-history has no history to list.');
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit takes a whole number from 1 to 500.');
  const api = openApi(dbPathFrom(values));
  try {
    const list = (await api.dispatch('history.list', { limit, ...(values.domain ? { domain: values.domain } : {}) })) as HistoryList;
    if (values.json) {
      // Line by line, waiting for the reader: a stop leaves whole lines only.
      let printed = 0;
      for (const item of list.items) {
        if (io.signal?.aborted) {
          write(io.stderr, `deliverlab: ${(io.signal.reason as Error).message}: ${printed} of ${list.items.length} rows printed.`);
          break;
        }
        await emit(io.stdout, JSON.stringify(item), io.signal);
        printed++;
      }
    } else await emit(io.stdout, formatHistory(list.items, list.total, painter(io.stdout)));
  } finally {
    api.close();
  }
  return 0;
}
