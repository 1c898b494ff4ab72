/**
 * A process that opens history databases on command, for the concurrent-open test.
 *
 * It loads everything first and says `ready`, then opens the file named on each line of standard
 * input the moment that line arrives: the parent writes one line to several of these at once, so
 * their opens race as eight `deliverlab` commands started together would.
 */
import { createInterface } from 'node:readline';
import { HistoryStore } from '../../electron/core/history/store';

const lines = createInterface({ input: process.stdin });
lines.on('line', (path) => {
  try {
    const store = HistoryStore.open(path);
    const version = store.schemaVersion();
    store.close();
    process.stdout.write(`${JSON.stringify({ ok: true, version })}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: (err as Error).message })}\n`);
  }
});
lines.on('close', () => process.exit(0));
process.stdout.write('ready\n');
