/**
 * The CLI entry: wires process streams and signals to main().
 */
import { main } from './index';

const stopSignal = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, stopSignal });
process.exitCode = code;
// serve leaves nothing open after close; other commands have finished their work.
if (process.argv[2] !== 'serve') process.exit(code);
