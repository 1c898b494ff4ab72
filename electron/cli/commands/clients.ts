/**
 * `deliverlab clients add|list|remove`: the clients that group domains and sending IPs.
 */
import { ApiError } from '../../api/errors';
import type { ClientSummary } from '../../core/watch/types';
import { dbPathFrom, emit, listOf, openApi, parse, write, type CliIo } from '../common';
import { painter } from '../format';
import { HELP } from '../help';
import { jsonText, neutralise } from '../terminal-text';
import { UsageError } from '../usage-error';
import { formatClients } from '../watch-format';

export async function clientsCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return write(io.stdout, HELP), 0;
  if (sub === 'add') return add(rest, io);
  if (sub === 'list') return list(rest, io);
  if (sub === 'remove') return remove(rest, io);
  throw new UsageError(sub ? `Unknown clients command "${sub}": use deliverlab clients add, list or remove.` : 'Use: deliverlab clients add NAME, clients list, or clients remove NAME');
}

/** The api's refusal, said with the CLI's flags. */
function refused(err: unknown): never {
  if (err instanceof ApiError && err.code === 'invalid-input') {
    const issue = err.issues?.[0];
    const [field, index] = (issue?.path ?? '').split('.');
    const flag = { name: 'the name', notes: '--notes', tags: '--tag', domains: '--domain', ips: '--ip' }[field ?? ''];
    throw new UsageError(flag && issue ? `${flag}${index !== undefined ? ` (${Number(index) + 1})` : ''}: ${issue.message}` : err.message);
  }
  throw err;
}

async function add(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    notes: { type: 'string' },
    tag: { type: 'string', multiple: true },
    domain: { type: 'string', multiple: true },
    ip: { type: 'string', multiple: true },
  });
  if (values.help) return write(io.stdout, HELP), 0;
  if (values['no-history']) throw new UsageError('--no-history has nowhere to keep a client.');
  if (positionals.length !== 1) throw new UsageError('Name one client: deliverlab clients add "Acme" --domain acme.example (quote a name with spaces).');
  const tags = listOf(values.tag);
  const domains = listOf(values.domain);
  const ips = listOf(values.ip);
  const api = openApi(dbPathFrom(values));
  try {
    let client: ClientSummary;
    try {
      client = (await api.dispatch('clients.save', {
        name: positionals[0],
        ...(values.notes !== undefined ? { notes: values.notes } : {}),
        ...(tags.length ? { tags } : {}),
        ...(domains.length ? { domains } : {}),
        ...(ips.length ? { ips } : {}),
      })) as ClientSummary;
    } catch (err) {
      return refused(err);
    }
    if (values.json) await emit(io.stdout, jsonText(client), io.signal);
    else {
      const what = [client.domains.length ? `domains ${client.domains.join(', ')}` : '', client.ips.length ? `sending IPs ${client.ips.join(', ')}` : ''].filter(Boolean).join('; ');
      write(io.stdout, neutralise(`Client ${client.name}${what ? `: ${what}` : ': no domains or sending IPs yet'}.`));
    }
  } finally {
    api.close();
  }
  return 0;
}

async function list(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  if (values['no-history']) throw new UsageError('--no-history has no clients to list.');
  const api = openApi(dbPathFrom(values));
  try {
    const { clients } = (await api.dispatch('clients.list', {})) as { clients: ClientSummary[] };
    if (values.json) {
      for (const client of clients) await emit(io.stdout, jsonText(client), io.signal);
    } else await emit(io.stdout, formatClients(clients, painter(io.stdout)), io.signal);
  } finally {
    api.close();
  }
  return 0;
}

async function remove(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return write(io.stdout, HELP), 0;
  if (values['no-history']) throw new UsageError('--no-history has no clients to remove.');
  if (positionals.length !== 1) throw new UsageError('Name one client to remove: deliverlab clients remove "Acme"');
  const api = openApi(dbPathFrom(values));
  try {
    let deleted: boolean;
    try {
      ({ deleted } = (await api.dispatch('clients.delete', { name: positionals[0] })) as { deleted: boolean });
    } catch (err) {
      return refused(err);
    }
    if (!deleted) throw new UsageError(`There is no client named "${neutralise(positionals[0] as string)}": deliverlab clients list shows them.`);
    if (values.json) await emit(io.stdout, jsonText({ deleted }), io.signal);
    else write(io.stdout, `Removed the client ${neutralise(positionals[0] as string)}; its watches stay, with no client.`);
  } finally {
    api.close();
  }
  return 0;
}
