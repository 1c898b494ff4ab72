/**
 * Drafts opened by path and watched: saving the file in the designer's editor sends its new bytes.
 *
 * Only the app opens a draft by path (qa.watch): the desktop app behind its sender check, serve behind
 * its loopback address and token. The path is refused unless it is absolute and ends in .html, .htm,
 * .mjml or .eml, and what it names (links followed) is a regular file with one of those extensions
 * and at most MAX_WATCHED_BYTES: a link named draft.html that points at a key file is not read.
 *
 * The folder is watched, not the file: editors that save by writing a new file and renaming it over
 * the old one (vim, many IDEs) replace the file a watch would be attached to. Events are debounced
 * (an editor's save is several writes), the bytes compared with the last ones sent (a touch without
 * a change sends nothing), and at most MAX_WATCHED files are watched at once. Every watch has owners
 * (a window, a browser tab's event stream); it stops when the last one lets go.
 *
 * I/O is a parameter (WatchIo), so that the tests drive events and timers themselves.
 */
import { watch as fsWatch } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { MAX_DRAFT_BYTES } from './input';
import type { QaKind } from './types';

/** The largest file watched: a draft's bound (a test send takes no larger HTML). */
export const MAX_WATCHED_BYTES = MAX_DRAFT_BYTES;
/** How many files are watched at once; opening one more stops the one opened longest ago. */
export const MAX_WATCHED = 4;
/** How long the folder must be quiet after an event before the file is read again. */
export const DEBOUNCE_MS = 100;

const KINDS: Record<string, QaKind> = { '.html': 'html', '.htm': 'html', '.mjml': 'mjml', '.eml': 'eml' };

/** A draft file as read: its bytes in base64, as qa.run takes them. */
export interface DraftFile {
  /** The path as given (made absolute and normalised): the watch's name in every event. */
  path: string;
  /** The file's name, for the page and for the kind. */
  name: string;
  kind: QaKind;
  bytes: number;
  /** The file's bytes, base64. */
  source: string;
}

/**
 * What happened to a watched file: saved with new bytes, gone (it may come back: a save by rename
 * passes through that), or no longer watched (the folder went away, or more files were opened).
 */
export type DraftChange =
  | ({ state: 'changed' } & DraftFile)
  | { state: 'missing'; path: string; name: string; problem: string }
  | { state: 'stopped'; path: string; name: string; problem: string };

export type DraftPathProblem = 'not-absolute' | 'extension' | 'not-found' | 'not-a-file' | 'too-large' | 'unreadable';

/** The path cannot be opened; the message says why in the app's words. */
export class DraftPathError extends Error {
  constructor(
    readonly code: DraftPathProblem,
    message: string,
  ) {
    super(message);
    this.name = 'DraftPathError';
  }
}

export interface FileInfo {
  isFile(): boolean;
  size: number;
}

/** A folder watch: calls back with the name of what changed in it (null when the system does not say). */
export interface FolderWatch {
  close(): void;
}

export interface WatchIo {
  watchFolder(folder: string, onEvent: (name: string | null) => void, onError: (err: Error) => void): FolderWatch;
  stat(path: string): Promise<FileInfo>;
  realpath(path: string): Promise<string>;
  readFile(path: string): Promise<Buffer>;
  setTimer(run: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

/** The machine's own files and timers. The watch does not keep the process alive. */
export const NODE_WATCH_IO: WatchIo = {
  watchFolder(folder, onEvent, onError) {
    const watcher = fsWatch(folder, { persistent: false }, (_event, name) => onEvent(name === null ? null : String(name)));
    watcher.on('error', onError);
    return watcher;
  },
  stat,
  realpath,
  readFile,
  setTimer: (run, ms) => setTimeout(run, ms).unref(),
  clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

/** The draft kind a file name's extension names, or null. */
export function draftKindOf(path: string): QaKind | null {
  return KINDS[extname(path).toLowerCase()] ?? null;
}

const OPENABLE = 'Deliverlab opens .html, .htm, .mjml and .eml files';

/** What `path` names once links are followed: checked (see the file comment), with its size. */
async function checkPath(given: string, io: WatchIo): Promise<{ path: string; real: string; name: string; kind: QaKind }> {
  if (!isAbsolute(given)) throw new DraftPathError('not-absolute', `Give the whole path of the file, from the root of the disk (such as /home/me/mail/news.html): "${given}" is relative.`);
  const path = resolve(given);
  const name = basename(path);
  const kind = draftKindOf(path);
  if (!kind) throw new DraftPathError('extension', `${OPENABLE}: ${name} is not one.`);
  let real: string;
  try {
    real = await io.realpath(path);
  } catch (err) {
    throw fileError(err, name);
  }
  if (draftKindOf(real) !== kind) throw new DraftPathError('extension', `${name} is a link to ${basename(real)}: ${OPENABLE}, and follow a link only to one of those.`);
  return { path, real, name, kind };
}

function fileError(err: unknown, name: string): DraftPathError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new DraftPathError('not-found', `There is no file ${name} there.`);
  if (code === 'EACCES' || code === 'EPERM') return new DraftPathError('unreadable', `Deliverlab may not read ${name} (permission denied).`);
  return new DraftPathError('unreadable', `${name} could not be read: ${(err as Error).message}`);
}

/** Reads a draft by path, checked as the file comment says. Throws DraftPathError. */
export async function readDraftFile(given: string, io: WatchIo = NODE_WATCH_IO): Promise<DraftFile & { real: string }> {
  const { path, real, name, kind } = await checkPath(given, io);
  let info: FileInfo;
  try {
    info = await io.stat(real);
  } catch (err) {
    throw fileError(err, name);
  }
  if (!info.isFile()) throw new DraftPathError('not-a-file', `${name} is not a regular file (a folder or a device): ${OPENABLE}.`);
  if (info.size > MAX_WATCHED_BYTES) throw new DraftPathError('too-large', `${name} is larger than ${megabytes(MAX_WATCHED_BYTES)}: that is not an email draft.`);
  let bytes: Buffer;
  try {
    bytes = await io.readFile(real);
  } catch (err) {
    throw fileError(err, name);
  }
  // It may have grown between stat and read.
  if (bytes.length > MAX_WATCHED_BYTES) throw new DraftPathError('too-large', `${name} is larger than ${megabytes(MAX_WATCHED_BYTES)}: that is not an email draft.`);
  return { path, real, name, kind, bytes: bytes.length, source: bytes.toString('base64') };
}

interface Watch {
  path: string;
  real: string;
  name: string;
  owners: Set<string>;
  folder: FolderWatch;
  last: string;
  missing: boolean;
  timer: unknown;
  reading: boolean;
  again: boolean;
  closed: boolean;
}

export interface DraftWatcherOptions {
  io?: WatchIo;
  max?: number;
  debounceMs?: number;
}

/** The watched drafts of one api: open, let go, and one event per saved change. */
export class DraftWatcher {
  private readonly watches = new Map<string, Watch>();
  private readonly io: WatchIo;
  private readonly max: number;
  private readonly debounceMs: number;

  constructor(
    private readonly emit: (change: DraftChange) => void,
    options: DraftWatcherOptions = {},
  ) {
    this.io = options.io ?? NODE_WATCH_IO;
    this.max = options.max ?? MAX_WATCHED;
    this.debounceMs = options.debounceMs ?? DEBOUNCE_MS;
  }

  /** The paths watched now, oldest first. */
  paths(): string[] {
    return [...this.watches.keys()];
  }

  /**
   * Reads the draft and watches it for `owner`; a path already watched gains an owner and is read
   * again. Throws DraftPathError when the path cannot be opened (nothing is watched then).
   */
  async open(given: string, owner: string): Promise<DraftFile> {
    const file = await readDraftFile(given, this.io);
    const { real, ...draft } = file;
    const existing = this.watches.get(draft.path);
    if (existing && existing.real === real) {
      existing.owners.add(owner);
      existing.last = draft.source;
      existing.missing = false;
      // Most recently opened last: the bound stops the one opened longest ago.
      this.watches.delete(draft.path);
      this.watches.set(draft.path, existing);
      return draft;
    }
    if (existing) this.stop(existing);
    while (this.watches.size >= this.max) {
      const oldest = this.watches.values().next().value as Watch;
      this.stop(oldest);
      this.emit({ state: 'stopped', path: oldest.path, name: oldest.name, problem: `Deliverlab watches at most ${this.max} files at a time, and ${draft.name} was opened after it.` });
    }
    const watch: Watch = { path: draft.path, real, name: draft.name, owners: new Set([owner]), folder: { close() {} }, last: draft.source, missing: false, timer: null, reading: false, again: false, closed: false };
    const target = basename(real);
    try {
      watch.folder = this.io.watchFolder(
        dirname(real),
        (name) => {
          if (name === null || name === target) this.schedule(watch);
        },
        (err) => {
          if (watch.closed) return;
          this.stop(watch);
          this.emit({ state: 'stopped', path: watch.path, name: watch.name, problem: `${watch.name} is no longer watched: ${err.message}` });
        },
      );
    } catch (err) {
      throw new DraftPathError('unreadable', `${draft.name} was read, but its folder cannot be watched: ${(err as Error).message}`);
    }
    this.watches.set(draft.path, watch);
    return draft;
  }

  /** `owner` lets go of `path`; the watch stops when no owner is left. False when `owner` did not watch it. */
  unwatch(given: string, owner: string): boolean {
    const watch = this.watches.get(resolve(given));
    if (!watch || !watch.owners.delete(owner)) return false;
    if (watch.owners.size === 0) this.stop(watch);
    return true;
  }

  /** `owner` lets go of every path (its window reloaded, its event stream closed); undefined: every owner. */
  release(owner?: string): void {
    for (const watch of [...this.watches.values()]) {
      if (owner === undefined) watch.owners.clear();
      else watch.owners.delete(owner);
      if (watch.owners.size === 0) this.stop(watch);
    }
  }

  close(): void {
    this.release();
  }

  private stop(watch: Watch): void {
    watch.closed = true;
    if (watch.timer !== null) this.io.clearTimer(watch.timer);
    watch.timer = null;
    watch.folder.close();
    if (this.watches.get(watch.path) === watch) this.watches.delete(watch.path);
  }

  private schedule(watch: Watch): void {
    if (watch.closed) return;
    if (watch.timer !== null) this.io.clearTimer(watch.timer);
    watch.timer = this.io.setTimer(() => {
      watch.timer = null;
      void this.reread(watch);
    }, this.debounceMs);
  }

  /** Reads the file again and says what changed; one read at a time, and one more if events came meanwhile. */
  private async reread(watch: Watch): Promise<void> {
    if (watch.reading) {
      watch.again = true;
      return;
    }
    watch.reading = true;
    try {
      let change: DraftChange | null = null;
      try {
        const file = await readDraftFile(watch.path, this.io);
        const { real: _real, ...draft } = file;
        if (watch.missing || draft.source !== watch.last) change = { state: 'changed', ...draft };
        watch.last = draft.source;
        watch.missing = false;
      } catch (err) {
        if (!(err instanceof DraftPathError)) throw err;
        if (!watch.missing) change = { state: 'missing', path: watch.path, name: watch.name, problem: err.message };
        watch.missing = true;
        watch.last = '';
      }
      if (change && !watch.closed) this.emit(change);
    } finally {
      watch.reading = false;
    }
    if (watch.again && !watch.closed) {
      watch.again = false;
      await this.reread(watch);
    }
  }
}
