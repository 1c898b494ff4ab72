/**
 * The report reader in a worker thread: reads, unpacks and parses files while the main thread
 * writes what they held to history (import.ts). Built as its own entry beside the CLI and the app's
 * main process (reports-worker.js); without it the import reads files on the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { readReportFile } from './read-file';

export interface WorkerTask {
  id: number;
  path: string;
}

parentPort?.on('message', (task: WorkerTask) => {
  void readReportFile(task.path).then((outcome) => parentPort?.postMessage({ id: task.id, outcome }));
});
