/**
 * `deliverlab spam status`: whether each spam filter is configured and answers, its version, and how
 * to install and start it where it does not.
 */
import { SpamdAddressSchema, RspamdUrlSchema } from '../../api/operations';
import type { SpamStatus } from '../../core/spam/types';
import { dbPathFrom, emit, openApi, parse, untilStopped, write, type CliIo } from '../common';
import { painter } from '../format';
import { formatSpamStatus } from '../spam-format';
import { UsageError } from '../usage-error';
import { jsonText } from '../terminal-text';

export const SPAM_FLAGS = {
  spamd: { type: 'string' },
  rspamd: { type: 'string' },
} as const;

/** --spamd and --rspamd checked as the settings check them; an empty value turns a filter off. */
export function spamFlags(values: { spamd?: string | undefined; rspamd?: string | undefined }): { spamd?: string; rspamd?: string } {
  const out: { spamd?: string; rspamd?: string } = {};
  if (values.spamd !== undefined) {
    const parsed = values.spamd.trim() === '' ? { success: true as const, data: '' } : SpamdAddressSchema.safeParse(values.spamd);
    if (!parsed.success) throw new UsageError(`--spamd: ${parsed.error.issues[0]?.message}`);
    out.spamd = parsed.data;
  }
  if (values.rspamd !== undefined) {
    const parsed = values.rspamd.trim() === '' ? { success: true as const, data: '' } : RspamdUrlSchema.safeParse(values.rspamd);
    if (!parsed.success) throw new UsageError(`--rspamd: ${parsed.error.issues[0]?.message}`);
    out.rspamd = parsed.data;
  }
  return out;
}

export const SPAM_HELP = `Usage:
  deliverlab spam status [--spamd HOST:PORT] [--rspamd URL] [--json] [--db PATH]

Says whether each spam filter is configured and answers, with its version: SpamAssassin's spamd
(its SPAMC protocol, --spamd HOST:PORT) and rspamd (its HTTP /checkv2 API, --rspamd URL). Without
the flags, the addresses set in Settings are asked; an empty value (--spamd '') turns one off. For a
filter that is not configured or does not answer, it prints how to install and start it on Debian,
macOS and Windows. No filter configured is a state, not an error.

Score a message with them: deliverlab check message.eml --spam [--spamd HOST:PORT] [--rspamd URL].

Exit codes: 0 every configured filter answers (or none is configured), 2 a configured filter does
not answer, or an error.
`;

export async function spamCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, SPAM_FLAGS);
  if (values.help) return write(io.stdout, SPAM_HELP), 0;
  if (positionals.length !== 1 || positionals[0] !== 'status') throw new UsageError('Usage: deliverlab spam status [--spamd HOST:PORT] [--rspamd URL] [--json]');
  const flags = spamFlags(values);
  const api = openApi(dbPathFrom(values));
  try {
    const status = (await untilStopped(api.dispatch('spam.status', flags), io.signal)) as SpamStatus;
    if (values.json) await emit(io.stdout, jsonText(status));
    else await emit(io.stdout, `${formatSpamStatus(status, painter(io.stdout))}\n`);
    // A filter that is configured and does not answer is an operational error; none configured is not.
    return status.filters.some((f) => f.configured && !f.reachable) ? 2 : 0;
  } finally {
    api.close();
  }
}
