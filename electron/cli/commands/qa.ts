/**
 * `deliverlab qa`: design QA of a draft (.html, .mjml or .eml) before the test send.
 */
import { realpath, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApiError } from '../../api/errors';
import { CLIENT_FAMILIES, isClientFamily, type ClientFamily } from '../../core/qa/families';
import { MAX_EML_BYTES } from '../../core/qa/input';
import type { QaResult } from '../../core/qa/types';
import { dbPathFrom, emit, listOf, openApi, parse, untilStopped, write, type CliIo } from '../common';
import { painter } from '../format';
import { formatQa } from '../format-qa';
import { HELP } from '../help';
import { readInput } from '../read-input';
import { jsonText, neutralise } from '../terminal-text';
import { UsageError } from '../usage-error';

const tooLarge = (what: string) => new UsageError(`${what} is larger than ${MAX_EML_BYTES / (1024 * 1024)} MB, the largest draft deliverlab qa checks.`);


/** --clients gmail,outlook: the families named, each known. */
function clientsOf(values: string[] | undefined): ClientFamily[] | undefined {
  const names = listOf(values).map((n) => n.toLowerCase());
  if (names.length === 0) return undefined;
  const unknown = names.filter((n) => !isClientFamily(n));
  if (unknown.length) throw new UsageError(`--clients: unknown client famil${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((n) => `"${n}"`).join(', ')}; the families are ${CLIENT_FAMILIES.join(', ')}.`);
  return [...new Set(names)] as ClientFamily[];
}

/** The same file, by path or by identity (a hard or symbolic link to it). */
async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  try {
    if ((await realpath(a)) === (await realpath(b))) return true;
    const [sa, sb] = await Promise.all([stat(a), stat(b)]);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    // The output does not exist yet: it cannot be the input.
    return false;
  }
}

export async function qaCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    links: { type: 'boolean' },
    'allow-private': { type: 'boolean' },
    clients: { type: 'string', multiple: true },
    'inline-css': { type: 'string' },
  });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length !== 1) throw new UsageError('Name one draft (.html, .mjml or .eml), or - to read it from standard input: deliverlab qa email.html');
  const source = positionals[0] as string;
  const clients = clientsOf(values.clients);
  const out = values['inline-css'];
  if (out !== undefined) {
    if (out === '' || out === '-') throw new UsageError('--inline-css takes the path of the file to write the inlined HTML to.');
    if (source !== '-' && (await sameFile(source, out))) throw new UsageError(`--inline-css ${out} is the draft itself: name a new file, the original is never overwritten.`);
  }
  if (values['allow-private'] && !values.links) throw new UsageError('--allow-private goes with --links: it lets the link check request private and loopback addresses.');
  const dbPath = dbPathFrom(values);
  const bytes = await untilStopped(readInput(source, io.stdin ?? process.stdin, { max: MAX_EML_BYTES, tooLarge, fileKind: 'an .html, .mjml or .eml file', stdinName: 'The draft on standard input' }), io.signal);

  // Said before any request: opening a tracking link can count as a click in the sender's statistics.
  if (values.links) write(io.stderr, 'deliverlab: the link check requests every link and image of the draft: a tracking link may record a click. Unsubscribe links are never opened.');
  const api = openApi(dbPath);
  let result: QaResult;
  try {
    result = (await untilStopped(
      api.dispatch('qa.run', {
        // base64 carries the bytes unchanged, whatever their charset.
        source: bytes.toString('base64'),
        encoding: 'base64',
        name: source,
        ...(clients ? { clients } : {}),
        links: Boolean(values.links),
        allowPrivate: Boolean(values['allow-private']),
        inlineCss: out !== undefined,
      }),
      io.signal,
    )) as QaResult;
  } catch (err) {
    // Refused input (an MJML compile error with its lines, a file that is not a draft): exit 2.
    if (err instanceof ApiError && err.code === 'invalid-input') throw new UsageError(source === '-' ? err.message : `${source}: ${err.message}`);
    throw err;
  } finally {
    api.close();
  }

  if (out !== undefined) {
    try {
      await writeFile(out, result.inlinedHtml ?? '');
    } catch (err) {
      throw new UsageError(`--inline-css: cannot write ${out}: ${(err as Error).message}`);
    }
  }
  if (values.json) {
    const { file, kind, htmlBytes, sourceBytes, transferEncoding, clip, clients: checked, subject, text, textGenerated, notes, findings, links } = result;
    await emit(io.stdout, jsonText({ file, kind, htmlBytes, sourceBytes, transferEncoding, clip, clients: checked, subject, text, textGenerated, notes, findings, ...(links ? { links } : {}) }));
  } else {
    const written = out !== undefined ? `\n  The HTML with its CSS inlined is in ${neutralise(out)}\n` : '';
    await emit(io.stdout, `${formatQa(result, painter(io.stdout))}\n${written}`);
  }
  return result.findings.some((f) => f.severity === 'critical') ? 1 : 0;
}
