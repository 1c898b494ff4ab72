/**
 * The report reader in a worker thread: reads, unpacks and parses files while the main thread
 * writes what they held to history (import.ts). Built as its own entry beside the CLI and the app's
 * main process (reports-worker.js); without it the import reads files on the main thread.
 *
 * The thread does nothing else, so it reads synchronously; what it found goes back as JSON text,
 * which crosses to the main thread for less than the objects themselves (one string to copy
 * instead of a graph of small objects).
 */
import { parentPort } from 'node:worker_threads';
import { readReportFileSync } from './read-file';

export interface WorkerTask {
  id: number;
  path: string;
}

/** A worker's answer: the outcome of one file, as JSON text (FileOutcome). */
export interface WorkerAnswer {
  id: number;
  outcome: string;
}

parentPort?.on('message', (task: WorkerTask) => {
  parentPort?.postMessage({ id: task.id, outcome: JSON.stringify(readReportFileSync(task.path)) } satisfies WorkerAnswer);
});
