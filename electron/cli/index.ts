/**
 * `deliverlab`: the command line over the same core and operations as the app.
 *
 * Each command is its own module, loaded when it is named: `--version` and `--help` load no
 * command, no api and no native module, so they answer in about the time Node itself starts.
 * Exit codes: 0 no critical finding, 1 at least one, 2 a usage or operational error.
 */
import { ApiError } from '../api/errors';
import type { CliIo, Command } from './common';
import { HELP, version } from './help';
import { neutralise } from './terminal-text';
import { UsageError } from './usage-error';

export type { CliIo } from './common';

/** Command name → its module, imported on first use (imapflow's command registry does the same). */
const COMMANDS: Record<string, () => Promise<Command>> = {
  audit: async () => (await import('./commands/audit')).auditCommand,
  history: async () => (await import('./commands/history')).historyCommand,
  report: async () => (await import('./commands/report')).reportCommand,
  reports: async () => (await import('./commands/reports')).reportsCommand,
  check: async () => (await import('./commands/check')).checkCommand,
  qa: async () => (await import('./commands/qa')).qaCommand,
  spf: async () => (await import('./commands/spf')).spfCommand,
  send: async () => (await import('./send')).sendCommand,
  placement: async () => (await import('./placement')).placementCommand,
  'dkim-keygen': async () => (await import('./commands/dkim-keygen')).dkimKeygenCommand,
  serve: async () => (await import('./commands/serve')).serveCommand,
  watch: async () => (await import('./commands/watch')).watchCommand,
  alerts: async () => (await import('./commands/alerts')).alertsCommand,
  clients: async () => (await import('./commands/clients')).clientsCommand,
  warmup: async () => (await import('./commands/warmup')).warmupCommand,
  // Sending health (issue 18)
  health: async () => (await import('./commands/health')).healthCommand,
  spam: async () => (await import('./commands/spam')).spamCommand,
};

const write = (stream: NodeJS.WritableStream, text: string) => stream.write(`${text}\n`);

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case '--version':
      case '-v':
        write(io.stdout, version());
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        write(io.stdout, HELP);
        return 0;
    }
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!load) throw new UsageError(`Unknown command "${command}". Run deliverlab --help for the list.`);
    return await (await load())(args, io);
  } catch (err) {
    // Messages quote their input (a file name, a header, a server's reply): shown, never obeyed.
    write(io.stderr, `deliverlab: ${neutralise((err as Error).message)}`);
    if (!(err instanceof UsageError) && !(err instanceof ApiError) && process.env.DELIVERLAB_DEBUG) {
      write(io.stderr, neutralise(String((err as Error).stack)));
    }
    return 2;
  }
}
