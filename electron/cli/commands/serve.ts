/**
 * `deliverlab serve`: the app in a browser, over loopback HTTP, until the process is asked to stop.
 */
import { join } from 'node:path';
import { startServer } from '../../serve/server';
import { checkResolver, dbPathFrom, parse, readCaFiles, write, type CliIo } from '../common';
import { HELP, packageRoot, version } from '../help';
import { UsageError } from '../usage-error';

export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { port: { type: 'string' }, resolver: { type: 'string' }, 'ca-file': { type: 'string', multiple: true } });
  if (values.help) return write(io.stdout, HELP), 0;
  const ca = readCaFiles(values['ca-file'] as string[] | undefined);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes a number from 0 to 65535 (0 picks a free one).');
  const resolver = checkResolver(values.resolver);
  let running;
  try {
    running = await startServer({
      port,
      dbPath: dbPathFrom(values),
      ...(resolver ? { resolverDefault: resolver } : {}),
      rendererDir: join(packageRoot, 'out', 'renderer'),
      version: version(),
      ...(ca.length ? { ca } : {}),
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new UsageError(`Port ${port} is already in use: pick another with --port, or --port 0.`);
    throw err;
  }
  write(io.stdout, `Deliverlab is running at ${running.url}`);
  write(io.stdout, 'Open that address in your browser. Press Ctrl+C to stop.');
  await (io.stopSignal ?? new Promise<void>(() => {}));
  await running.close();
  return 0;
}
