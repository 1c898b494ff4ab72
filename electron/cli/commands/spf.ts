/**
 * `deliverlab spf`: SPF check_host() for one connecting IP.
 */
import { ApiError } from '../../api/errors';
import { DomainSchema } from '../../api/operations';
import type { SpfCheckOutput } from '../../core/spf/types';
import { checkResolver, openApi, parse, untilStopped, write, type CliIo } from '../common';
import { painter } from '../format';
import { HELP } from '../help';
import { jsonText, neutraliseAll } from '../terminal-text';
import { UsageError } from '../usage-error';

const SPF_EXIT: Record<string, number> = { pass: 0, fail: 1, softfail: 1, neutral: 1, none: 1, permerror: 1, temperror: 2 };

export async function spfCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    resolver: { type: 'string' },
    ip: { type: 'string' },
    helo: { type: 'string' },
    'mail-from': { type: 'string' },
  });
  if (values.help) return write(io.stdout, HELP), 0;
  // The domain may be left out when the identity names its own: a full --mail-from, or --helo.
  const identityGiven = values.helo !== undefined || (values['mail-from']?.includes('@') ?? false);
  if (positionals.length > 1 || (positionals.length === 0 && !identityGiven)) {
    throw new UsageError('Name one domain: deliverlab spf example.com --ip 192.0.2.1 (or give --mail-from with a full address, or --helo)');
  }
  if (!values.ip) throw new UsageError('--ip is required: the address of the server that connects.');
  const resolver = checkResolver(values.resolver);
  const api = openApi(null);
  try {
    const out = (await untilStopped(api.dispatch('audit.spf-check', {
      ...(positionals[0] !== undefined ? { domain: positionals[0] } : {}),
      ip: values.ip,
      ...(values.helo !== undefined ? { helo: values.helo } : {}),
      ...(values['mail-from'] !== undefined ? { mailFrom: values['mail-from'] } : {}),
      ...(resolver ? { resolver } : {}),
    }), io.signal)) as SpfCheckOutput;
    if (values.json) {
      write(io.stdout, jsonText(out));
    } else {
      const paint = painter(io.stdout);
      // The comment can quote the domain's exp= text: someone else's words, maybe with escape sequences.
      const shown = neutraliseAll(out);
      const style = shown.result === 'pass' ? 'green' : shown.result === 'temperror' ? 'magenta' : 'red';
      const identity = shown.identity === 'helo' ? `HELO identity ${shown.helo} (${shown.mailFrom})` : `MAIL FROM ${shown.mailFrom}`;
      write(io.stdout, `${paint('bold', identity)} from ${shown.ip}: ${paint(style, shown.result)}`);
      const typed = positionals[0] === undefined ? undefined : DomainSchema.safeParse(positionals[0]).data;
      if (typed && out.domain !== typed) {
        const why = out.identity === 'helo' ? 'give --mail-from to check an address there' : 'receivers check the domain of the address they are given';
        write(io.stdout, `  The identity checked is in ${shown.domain}, not ${typed}: ${why}.`);
      }
      if (shown.explanation) write(io.stdout, `  Explanation from ${shown.domain} (exp=, RFC 7208 §6.2): ${shown.explanation}`);
      if (shown.comment) write(io.stdout, `  ${shown.comment}`);
      // The header comes folded (RFC 5322 §2.2.3): one line here.
      if (shown.header) write(io.stdout, paint('dim', `  ${shown.header.replace(/\r?\n[ \t]+/g, ' ')}`));
    }
    return SPF_EXIT[out.result] ?? 2;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid-input') throw new UsageError(err.message);
    throw err;
  } finally {
    api.close();
  }
}
