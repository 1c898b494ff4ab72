/**
 * `deliverlab dkim-keygen`: a new DKIM key pair, the record to publish and the private key.
 */
import { writeFileSync } from 'node:fs';
import { ApiError } from '../../api/errors';
import type { DkimKey } from '../../core/dkim/types';
import { openApi, parse, untilStopped, write, type CliIo } from '../common';
import { painter } from '../format';
import { HELP } from '../help';
import { UsageError } from '../usage-error';
import { jsonText } from '../terminal-text';

export async function dkimKeygenCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    selector: { type: 'string' },
    type: { type: 'string' },
    bits: { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length !== 1) throw new UsageError('Name one domain: deliverlab dkim-keygen example.com --selector s1');
  if (!values.selector) throw new UsageError('--selector is required: the name the key is published under, like s1 or 2026a.');
  const bits = values.bits === undefined ? undefined : Number(values.bits);
  const api = openApi(null);
  try {
    const key = (await untilStopped(api.dispatch('dkim.generate', {
      domain: positionals[0],
      selector: values.selector,
      ...(values.type ? { type: values.type } : {}),
      ...(bits !== undefined ? { bits } : {}),
    }), io.signal)) as DkimKey;
    if (values.out) {
      // The private key is a secret: written for the owner only, never printed when a file is given.
      writeFileSync(values.out, key.privateKeyPem, { mode: 0o600, flag: 'wx' });
    }
    if (values.json) {
      write(io.stdout, jsonText(values.out ? { ...key, privateKeyPem: undefined, privateKeyFile: values.out } : key));
    } else {
      const paint = painter(io.stdout);
      write(io.stdout, paint('bold', `Publish this TXT record at ${key.recordName}:`));
      write(io.stdout, key.zoneLine);
      if (key.note) write(io.stdout, paint('yellow', key.note));
      write(io.stdout, values.out ? `\nPrivate key written to ${values.out} (mode 600).` : `\n${paint('bold', 'Private key (keep it secret, give it only to the signing server):')}\n${key.privateKeyPem.trimEnd()}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid-input') throw new UsageError(err.message);
    if ((err as { code?: string }).code === 'EEXIST') throw new UsageError(`--out: ${values.out} exists already; not overwriting a key.`);
    throw err;
  } finally {
    api.close();
  }
}
