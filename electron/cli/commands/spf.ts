/**
 * `deliverlab spf`: SPF check_host() for one connecting IP.
 */
import { ApiError } from '../../api/errors';
import type { SpfCheckOutput } from '../../core/spf/check-host';
import { checkResolver, openApi, parse, untilStopped, write, type CliIo } from '../common';
import { painter } from '../format';
import { HELP } from '../help';
import { neutraliseAll } from '../terminal-text';
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
  if (positionals.length !== 1) throw new UsageError('Name one domain: deliverlab spf example.com --ip 192.0.2.1');
  if (!values.ip) throw new UsageError('--ip is required: the address of the server that connects.');
  const resolver = checkResolver(values.resolver);
  const api = openApi(null);
  try {
    const out = (await untilStopped(api.dispatch('audit.spf-check', {
      domain: positionals[0],
      ip: values.ip,
      ...(values.helo ? { helo: values.helo } : {}),
      ...(values['mail-from'] !== undefined ? { mailFrom: values['mail-from'] } : {}),
      ...(resolver ? { resolver } : {}),
    }), io.signal)) as SpfCheckOutput;
    if (values.json) {
      write(io.stdout, JSON.stringify(out));
    } else {
      const paint = painter(io.stdout);
      // The comment can quote the domain's exp= text: someone else's words, maybe with escape sequences.
      const shown = neutraliseAll(out);
      const style = shown.result === 'pass' ? 'green' : shown.result === 'temperror' ? 'magenta' : 'red';
      write(io.stdout, `${paint('bold', shown.mailFrom)} from ${shown.ip}: ${paint(style, shown.result)}`);
      if (shown.comment) write(io.stdout, `  ${shown.comment}`);
      if (shown.header) write(io.stdout, paint('dim', `  ${shown.header}`));
    }
    return SPF_EXIT[out.result] ?? 2;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid-input') throw new UsageError(err.message);
    throw err;
  } finally {
    api.close();
  }
}
