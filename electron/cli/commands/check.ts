/**
 * `deliverlab check`: why a received message landed where it did.
 */
import { isIP } from 'node:net';
import { ApiError } from '../../api/errors';
import { MAX_MESSAGE_BYTES } from '../../core/message/input';
import type { MessageAnalysis } from '../../core/message/types';
import { checkResolver, dbPathFrom, emit, openApi, parse, untilStopped, write, type CliIo } from '../common';
import { formatMessage, painter } from '../format';
import { formatReadiness } from '../format-readiness';
import { HELP } from '../help';
import { readInput } from '../read-input';
import { jsonText, neutralise } from '../terminal-text';
import { UsageError } from '../usage-error';
import { formatSpam } from '../spam-format';
import { SPAM_FLAGS, spamFlags } from './spam';

/** A file or stream too large to analyse; said while reading, before it is all in memory. */
const tooLarge = (what: string) =>
  new UsageError(`${what} is larger than ${MAX_MESSAGE_BYTES / (1024 * 1024)} MB, the largest message deliverlab check analyses.`);


export async function checkCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    resolver: { type: 'string' },
    ip: { type: 'string' },
    helo: { type: 'string' },
    'mail-from': { type: 'string' },
    'no-store-raw': { type: 'boolean' },
    'no-link-check': { type: 'boolean' },
    readiness: { type: 'boolean' },
    spam: { type: 'boolean' },
    ...SPAM_FLAGS,
    'spam-timeout': { type: 'string' },
  });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length !== 1) throw new UsageError('Name one message file, or - to read it from standard input: deliverlab check message.eml');
  if (values.ip !== undefined && isIP(values.ip) === 0) throw new UsageError(`--ip: "${values.ip}" is not an IPv4 or IPv6 address.`);
  const resolver = checkResolver(values.resolver);
  const spamAddresses = spamFlags(values);
  if (!values.spam && (values.spamd !== undefined || values.rspamd !== undefined || values['spam-timeout'] !== undefined)) {
    throw new UsageError('--spamd, --rspamd and --spam-timeout go with --spam.');
  }
  const spamTimeout = values['spam-timeout'] === undefined ? undefined : Number(values['spam-timeout']);
  if (spamTimeout !== undefined && (!Number.isInteger(spamTimeout) || spamTimeout < 100 || spamTimeout > 300_000)) {
    throw new UsageError('--spam-timeout takes milliseconds, from 100 to 300000.');
  }
  const dbPath = dbPathFrom(values);
  const source = positionals[0] as string;
  const raw = await untilStopped(readInput(source, io.stdin ?? process.stdin, { max: MAX_MESSAGE_BYTES, tooLarge, fileKind: 'a message file (.eml)', stdinName: 'The message on standard input' }), io.signal);
  const api = openApi(dbPath);
  try {
    // The analysis cannot be cancelled inside: on a stop it is abandoned before anything is saved or printed.
    const analysis = (await untilStopped(api.dispatch('message.check', {
      // base64 carries the bytes unchanged, whatever charset or 8-bit content the message has.
      raw: raw.toString('base64'),
      encoding: 'base64',
      ...(values.ip ? { ip: values.ip } : {}),
      ...(values.helo ? { helo: values.helo } : {}),
      ...(values['mail-from'] !== undefined ? { mailFrom: values['mail-from'] } : {}),
      ...(resolver ? { resolver } : {}),
      ...(values['no-store-raw'] ? { storeRaw: false } : {}),
      checkLinkDomains: !values['no-link-check'],
      ...(values.readiness ? { readiness: true } : {}),
      ...(values.spam ? { spam: true, ...spamAddresses, ...(spamTimeout !== undefined ? { spamTimeoutMs: spamTimeout } : {}) } : {}),
    }), io.signal)) as MessageAnalysis;
    if (values.json) await emit(io.stdout, jsonText(analysis));
    else {
      const paint = painter(io.stdout);
      const spamText = analysis.spam ? `${formatSpam(analysis.spam, paint)}\n` : '';
      const readinessText = analysis.readiness ? `${formatReadiness(analysis.readiness, paint)}\n` : '';
      await emit(io.stdout, `${formatMessage(analysis, paint)}\n${spamText}${readinessText}`);
    }
    const spamErrors = (analysis.spam ?? []).filter((r) => r.verdict === 'error');
    // A filter that gave no verdict is never a pass: an operational error, said on stderr too.
    for (const r of spamErrors) if (r.verdict === 'error') write(io.stderr, `deliverlab: ${r.filter}: ${neutralise(r.error)}`);
    if (analysis.historyError) {
      write(io.stderr, `deliverlab: not saved to history: ${neutralise(analysis.historyError)}`);
      return 2;
    }
    if (spamErrors.length > 0) return 2;
    return analysis.findings.some((f) => f.severity === 'critical') || (analysis.spam ?? []).some((r) => r.verdict === 'spam') ? 1 : 0;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid-input') throw new UsageError(source === '-' ? err.message : `${source}: ${err.message}`);
    throw err;
  } finally {
    api.close();
  }
}
