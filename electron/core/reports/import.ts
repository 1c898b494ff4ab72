/**
 * Report import: files and folders read into history, each file accepted or refused on its own.
 *
 * Files are read (and their archives opened and reports parsed) ahead of the writes, in worker
 * threads when the built worker is there (worker.ts) and the batch is large, else on this thread; the
 * writes happen here, in file order, so that the same files always give the same result. Reports are
 * written in batches, each one transaction: a failed write is retried report by report, so that a
 * report is in history whole or not at all, and a full disk stops the import saying how far it got.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HistoryError, type HistoryStore } from '../history/store';
import { MAX_FILES, MAX_FOLDER_DEPTH, MAX_LISTED_REPORTS } from './limits';
import { readReportBytes, readReportFile } from './read-file';
import type { FileOutcome, FoundReport, ImportedReport, ImportResult, Refusal } from './types';
import type { WorkerAnswer, WorkerTask } from './worker';

/** The extensions a folder is searched for; a file named on its own is read whatever its name. */
export const REPORT_EXTENSIONS = new Set(['.xml', '.gz', '.gzip', '.zip', '.json', '.eml', '.mbox']);

/**
 * Reports written per transaction, and rows: a batch is flushed at whichever comes first. Small
 * enough that the readers, fed between two flushes, never run dry; large enough that a commit's
 * cost is shared by many reports.
 */
const BATCH_REPORTS = 100;
const BATCH_ROWS = 2000;
/** Below this many files, starting workers costs more than it saves. */
const WORKER_THRESHOLD = 64;

export interface ImportProgress {
  files: number;
  done: number;
  imported: number;
  duplicates: number;
  refused: number;
}

export interface ImportOptions {
  store: HistoryStore;
  signal?: AbortSignal;
  /** Worker threads reading files; by default up to four, and none for a small batch or where the worker is not built. */
  workers?: number;
  /** The built worker (reports-worker.js); found beside this module's bundle when absent. */
  workerScript?: URL;
  now?: () => Date;
  onProgress?: (progress: ImportProgress) => void;
}

export type ImportInput = { paths: readonly string[] } | { files: readonly { name: string; bytes: Uint8Array }[] };

/** Where the built worker sits beside the bundle this module is part of (out/cli, out/main). */
export function defaultWorkerScript(): URL | null {
  const url = new URL('./reports-worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null;
}

/** The files named, folders walked (sorted, bounded in depth and count); what cannot be read is refused. */
async function listFiles(paths: readonly string[], refused: Refusal[]): Promise<string[]> {
  const out: string[] = [];
  let full = false;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_FOLDER_DEPTH) {
      refused.push({ file: dir, code: 'too-deep', reason: `folders nest deeper than ${MAX_FOLDER_DEPTH} levels here: not read` });
      return;
    }
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      refused.push({ file: dir, code: 'unreadable', reason: `the folder cannot be read (${(err as Error).message})` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (full) return;
      const path = join(dir, entry.name);
      // Links to folders are not followed: a link back up would walk forever.
      if (entry.isDirectory()) await walk(path, depth + 1);
      else if ((entry.isFile() || entry.isSymbolicLink()) && REPORT_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        if (out.length >= MAX_FILES) {
          full = true;
          refused.push({ file: dir, code: 'too-large', reason: `more than ${MAX_FILES.toLocaleString('en-US')} files in one import: the rest were not read` });
          return;
        }
        out.push(path);
      }
    }
  };
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      const code = (err as { code?: string }).code;
      refused.push({ file: path, code: 'unreadable', reason: code === 'ENOENT' ? 'no such file or folder' : `it cannot be read (${(err as Error).message})` });
      continue;
    }
    if (info.isDirectory()) await walk(path, 0);
    else if (out.length < MAX_FILES) out.push(path);
  }
  return out;
}

/** Worker threads that read files; a worker that dies hands its files back to this thread. */
class ReaderPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (o: FileOutcome | string) => void; path: string; worker: Worker }>();
  private nextId = 0;
  private turn = 0;
  private closing = false;

  constructor(script: URL, size: number) {
    for (let i = 0; i < size; i++) {
      // A smaller young generation than V8's default: parsing makes much short-lived garbage, and
      // collecting it sooner kept the import of 10,000 files under 500 MiB instead of 770.
      const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
      worker.on('message', ({ id, outcome }: WorkerAnswer) => {
        const task = this.pending.get(id);
        this.pending.delete(id);
        task?.resolve(outcome);
      });
      worker.on('error', () => this.orphan(worker));
      worker.on('exit', () => this.orphan(worker));
      this.workers.push(worker);
    }
  }

  private orphan(worker: Worker): void {
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    // Closed on purpose (the import is over or stopped): what it was reading is no longer wanted.
    if (this.closing) return;
    for (const [id, task] of this.pending) {
      if (task.worker !== worker) continue;
      this.pending.delete(id);
      void readReportFile(task.path).then(task.resolve);
    }
  }

  /** The file's outcome; from a worker, as JSON text, parsed when it is taken (text holds less memory while it waits). */
  read(path: string): Promise<FileOutcome | string> {
    const worker = this.workers[this.turn++ % Math.max(1, this.workers.length)];
    if (!worker) return readReportFile(path);
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, path, worker });
      worker.postMessage({ id, path } satisfies WorkerTask);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Where one report's write went wrong, in words: the history's own message when it has one. */
const writeFailure = (err: unknown) => (err instanceof HistoryError ? err.message : `it could not be written (${(err as Error).message})`);

/**
 * Imports reports: every file is accepted or refused on its own, and the batch goes on. Returns
 * the counts and every refusal; `stopped` says why the import ended early (a stop was asked, or
 * history cannot be written).
 */
export async function importReports(input: ImportInput, options: ImportOptions): Promise<ImportResult> {
  const { store, signal } = options;
  const now = options.now ?? (() => new Date());
  const result: ImportResult = { imported: 0, duplicates: 0, refused: [], records: 0, messages: 0, reports: [] };
  const importedAt = now().toISOString();
  let batch: FoundReport[] = [];
  let batchRows = 0;

  const note = (found: FoundReport, saved: { duplicate: boolean; records: number; messages: number }) => {
    if (saved.duplicate) result.duplicates++;
    else {
      result.imported++;
      result.records += saved.records;
      result.messages += saved.messages;
    }
    if (result.reports.length < MAX_LISTED_REPORTS) {
      const r = found.report;
      result.reports.push({
        from: found.from,
        kind: r.kind,
        org: r.org,
        reportId: r.reportId,
        domain: r.kind === 'dmarc' ? r.policy.domain : [...new Set(r.policies.map((p) => p.policyDomain).filter(Boolean))].join(','),
        records: r.kind === 'dmarc' ? r.records.length : r.policies.length,
        duplicate: saved.duplicate,
      } satisfies ImportedReport);
    }
  };

  /** Writes the batch; on failure, report by report. Returns false when history cannot be written. */
  const flush = (): boolean => {
    const items = batch;
    batch = [];
    batchRows = 0;
    if (items.length === 0) return true;
    try {
      const saved = store.saveReports(items, importedAt);
      items.forEach((found, i) => note(found, saved[i] as (typeof saved)[number]));
      return true;
    } catch {
      // The whole batch was rolled back: write each report alone, to keep every one that can be.
    }
    for (let i = 0; i < items.length; i++) {
      const found = items[i] as FoundReport;
      try {
        note(found, store.saveReports([found], importedAt)[0] as { duplicate: boolean; records: number; messages: number });
      } catch (err) {
        result.refused.push({ file: found.from, code: 'not-written', reason: `not written: ${writeFailure(err)}` });
        if (err instanceof HistoryError) {
          // The disk is full or the file cannot be written: the rest of the batch cannot be either.
          for (const rest of items.slice(i + 1)) result.refused.push({ file: rest.from, code: 'not-written', reason: `not written: ${err.message}` });
          result.stopped = err.message;
          return false;
        }
      }
    }
    return true;
  };

  const take = (outcome: FileOutcome): boolean => {
    result.refused.push(...outcome.refused);
    for (const found of outcome.reports) {
      batch.push(found);
      batchRows += found.report.kind === 'dmarc' ? found.report.records.length : found.report.policies.length;
      if ((batch.length >= BATCH_REPORTS || batchRows >= BATCH_ROWS) && !flush()) return false;
    }
    return true;
  };

  if ('files' in input) {
    const total = input.files.length;
    let done = 0;
    let lastProgress = 0;
    let lastYield = performance.now();
    for (const file of input.files) {
      if (signal?.aborted) {
        result.stopped = `stopped after ${done} of ${total} files: ${(signal.reason as Error)?.message ?? 'a stop was asked'}`;
        result.done = done;
        break;
      }
      if (!take(readReportBytes(file.name, file.bytes))) return result;
      done++;
      if (options.onProgress && (done === total || performance.now() - lastProgress > 250)) {
        lastProgress = performance.now();
        options.onProgress({ files: total, done, imported: result.imported, duplicates: result.duplicates, refused: result.refused.length });
      }
      // A thousand files read in one turn of the event loop would leave a stop unheard until the
      // end: with a signal to listen to, the loop lets other work in now and then.
      if (signal && performance.now() - lastYield > 20) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    flush();
    return result;
  }

  const files = await listFiles(input.paths, result.refused);
  const script = options.workerScript ?? defaultWorkerScript();
  const size = options.workers ?? (script && files.length >= WORKER_THRESHOLD ? Math.min(4, availableParallelism()) : 0);
  let pool: ReaderPool | null = null;
  try {
    if (script && size > 0) pool = new ReaderPool(script, size);
  } catch {
    // A worker that cannot start (a packaging that hides the script): this thread reads instead.
    pool = null;
  }
  const read = (path: string) => (pool ? pool.read(path) : readReportFile(path));
  // Files read ahead of the writes: enough to keep every reader busy while this thread writes,
  // few enough to bound memory (each holds one file's parsed reports).
  const window = pool ? 256 : 8;
  const reading = new Map<number, Promise<FileOutcome | string>>();
  let started = 0;
  let done = 0;
  let lastProgress = 0;
  let written = true;
  store.bulkWriting(true);
  try {
    for (let i = 0; i < files.length && written; i++) {
      if (signal?.aborted) {
        result.stopped = `stopped after ${done} of ${files.length} files: ${(signal.reason as Error)?.message ?? 'a stop was asked'}`;
        result.done = done;
        break;
      }
      while (started < files.length && started < i + window) {
        reading.set(started, read(files[started] as string));
        started++;
      }
      const answer = await (reading.get(i) as Promise<FileOutcome | string>);
      const outcome = typeof answer === 'string' ? (JSON.parse(answer) as FileOutcome) : answer;
      reading.delete(i);
      done++;
      written = take(outcome);
      if (options.onProgress && (done === files.length || performance.now() - lastProgress > 250)) {
        lastProgress = performance.now();
        options.onProgress({ files: files.length, done, imported: result.imported, duplicates: result.duplicates, refused: result.refused.length });
      }
    }
    if (written) written = flush();
    if (!written && done < files.length) result.stopped = `${result.stopped} The import stopped there: ${files.length - done} of ${files.length} files were not read.`;
  } finally {
    // Reads already started finish in their workers; nothing waits for them.
    await pool?.close();
    try {
      store.bulkWriting(false);
    } catch {
      // The log could not be synced (a failing disk): the writes already said so, or will next time.
    }
  }
  return result;
}
