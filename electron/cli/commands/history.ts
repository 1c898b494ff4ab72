/**
 * `deliverlab history list`: past audits from the local history, or the other kinds of it
 * (`--kind messages|sends|placements`), of one domain or one client.
 */
import { ApiError } from '../../api/errors';
import type { HistoryList } from '../../api/operations';
import type { OperationName } from '../../api/names';
import type { MessageSummaryRow, PlacementListItem, SendSummary } from '../../core/history/types';
import { dbPathFrom, emit, openApi, parse, write, type CliIo } from '../common';
import { formatHistory, painter } from '../format';
import { HELP } from '../help';
import { UsageError } from '../usage-error';
import { formatMessages, formatPlacements, formatSends } from '../watch-format';
import { jsonText } from '../terminal-text';

type Paint = ReturnType<typeof painter>;

/** Each kind: the operation that lists it, and how its rows read. */
const KINDS: Record<string, { op: OperationName; format: (items: never[], total: number, paint: Paint) => string }> = {
  audits: { op: 'history.list', format: (items, total, paint) => formatHistory(items as HistoryList['items'], total, paint) },
  messages: { op: 'message.list', format: (items, total, paint) => formatMessages(items as MessageSummaryRow[], total, paint) },
  sends: { op: 'send.list', format: (items, total, paint) => formatSends(items as SendSummary[], total, paint) },
  placements: { op: 'placement.list', format: (items, total, paint) => formatPlacements(items as PlacementListItem[], total, paint) },
};

export async function historyCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return write(io.stdout, HELP), 0;
  if (sub !== 'list') throw new UsageError(sub ? `Unknown history command "${sub}": use deliverlab history list.` : 'Use: deliverlab history list');
  const { values, positionals } = parse(rest, { domain: { type: 'string' }, limit: { type: 'string' }, kind: { type: 'string' }, client: { type: 'string' } });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  if (values['no-history']) throw new UsageError('--no-history has no history to list.');
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit takes a whole number from 1 to 500.');
  const kind = values.kind ?? 'audits';
  const listed = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
  if (!listed) throw new UsageError(`--kind takes ${Object.keys(KINDS).join(', ')}, not "${kind}".`);
  const api = openApi(dbPathFrom(values));
  try {
    let list: { items: unknown[]; total: number };
    try {
      list = (await api.dispatch(listed.op, { limit, ...(values.domain ? { domain: values.domain } : {}), ...(values.client !== undefined ? { client: values.client } : {}) })) as typeof list;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'not-found') throw new UsageError(`--client: ${err.message} deliverlab clients list shows them.`);
      if (err instanceof ApiError && err.code === 'invalid-input') throw new UsageError(err.message);
      throw err;
    }
    if (values.json) {
      // Line by line, waiting for the reader: a stop leaves whole lines only.
      let printed = 0;
      for (const item of list.items) {
        if (io.signal?.aborted) {
          write(io.stderr, `deliverlab: ${(io.signal.reason as Error).message}: ${printed} of ${list.items.length} rows printed.`);
          break;
        }
        await emit(io.stdout, jsonText(item), io.signal);
        printed++;
      }
    } else await emit(io.stdout, listed.format(list.items as never[], list.total, painter(io.stdout)));
  } finally {
    api.close();
  }
  return 0;
}
