/**
 * Drafts opened by path and watched (core/qa/draft-watch.ts), over an in-memory disk: which paths
 * are refused, how an editor's burst of writes becomes one change, and when a watch stops. Folder
 * events and timers are driven by the test; nothing waits on the clock.
 */
import { describe, expect, it } from 'vitest';
import { DraftPathError, DraftWatcher, MAX_WATCHED_BYTES, readDraftFile, type DraftChange, type WatchIo } from '../../electron/core/qa/draft-watch';

interface FakeDisk {
  io: WatchIo;
  files: Map<string, Buffer | 'folder'>;
  links: Map<string, string>;
  /** Sends a folder event, as the system would after a write in that folder. */
  touch(folder: string, name: string | null): void;
  /** Runs every timer set so far (the debounce), and lets the reads they start finish. */
  fire(): Promise<void>;
  pendingTimers(): number;
  openFolders(): string[];
  failFolder(folder: string, message: string): void;
}

function fakeDisk(): FakeDisk {
  const files = new Map<string, Buffer | 'folder'>();
  const links = new Map<string, string>();
  const folders = new Map<string, { onEvent: (name: string | null) => void; onError: (err: Error) => void; open: boolean }[]>();
  let timers: { run: () => void; id: number }[] = [];
  let nextId = 1;
  const missing = (path: string) => Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  const io: WatchIo = {
    watchFolder(folder, onEvent, onError) {
      const entry = { onEvent, onError, open: true };
      folders.set(folder, [...(folders.get(folder) ?? []), entry]);
      return {
        close() {
          entry.open = false;
        },
      };
    },
    async stat(path) {
      const file = files.get(path);
      if (file === undefined) throw missing(path);
      return { isFile: () => file !== 'folder', size: file === 'folder' ? 4096 : file.length };
    },
    async realpath(path) {
      const target = links.get(path) ?? path;
      if (!files.has(target)) throw missing(path);
      return target;
    },
    async readFile(path) {
      const file = files.get(path);
      if (file === undefined) throw missing(path);
      if (file === 'folder') throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
      return file;
    },
    setTimer(run) {
      const id = nextId++;
      timers.push({ run, id });
      return id;
    },
    clearTimer(id) {
      timers = timers.filter((t) => t.id !== id);
    },
  };
  return {
    io,
    files,
    links,
    touch(folder, name) {
      for (const entry of folders.get(folder) ?? []) if (entry.open) entry.onEvent(name);
    },
    async fire() {
      const due = timers;
      timers = [];
      for (const timer of due) timer.run();
      // The fake disk answers at once: a few turns of the event loop settle every read they start.
      for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    },
    pendingTimers: () => timers.length,
    openFolders: () => [...folders.entries()].filter(([, list]) => list.some((e) => e.open)).map(([f]) => f),
    failFolder(folder, message) {
      for (const entry of folders.get(folder) ?? []) if (entry.open) entry.onError(new Error(message));
    },
  };
}

const html = (text: string) => Buffer.from(`<html><body><p>${text}</p></body></html>`);
const decoded = (change: DraftChange | undefined) => (change && change.state === 'changed' ? Buffer.from(change.source, 'base64').toString() : null);

describe('readDraftFile: which paths open', () => {
  it('reads an .html, .mjml or .eml file by its absolute path, with its kind and bytes', async () => {
    const disk = fakeDisk();
    disk.files.set('/mail/news.html', html('Hello'));
    disk.files.set('/mail/news.mjml', Buffer.from('<mjml></mjml>'));
    disk.files.set('/mail/sent.EML', Buffer.from('Subject: x\r\n\r\nhi'));
    const file = await readDraftFile('/mail/news.html', disk.io);
    expect(file).toMatchObject({ path: '/mail/news.html', name: 'news.html', kind: 'html', bytes: html('Hello').length });
    expect(Buffer.from(file.source, 'base64').toString()).toContain('Hello');
    expect((await readDraftFile('/mail/news.mjml', disk.io)).kind).toBe('mjml');
    expect((await readDraftFile('/mail/sent.EML', disk.io)).kind).toBe('eml');
  });

  it.each([
    ['a relative path', 'mail/news.html', 'not-absolute'],
    ['another extension', '/home/me/.ssh/id_ed25519', 'extension'],
    ['a text file', '/mail/notes.txt', 'extension'],
    ['a missing file', '/mail/gone.html', 'not-found'],
    ['a folder named like a draft', '/mail/folder.html', 'not-a-file'],
    ['a link named draft.html to a key file', '/mail/link.html', 'extension'],
    ['a file over the bound', '/mail/huge.html', 'too-large'],
  ])('refuses %s', async (_what, path, code) => {
    const disk = fakeDisk();
    disk.files.set('/mail/notes.txt', Buffer.from('x'));
    disk.files.set('/mail/folder.html', 'folder');
    disk.files.set('/home/me/.ssh/id_ed25519', Buffer.from('secret'));
    disk.links.set('/mail/link.html', '/home/me/.ssh/id_ed25519');
    disk.files.set('/mail/huge.html', Buffer.alloc(MAX_WATCHED_BYTES + 1, 0x20));
    const refused = await readDraftFile(path, disk.io).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(DraftPathError);
    expect((refused as DraftPathError).code).toBe(code);
  });

  it('follows a link to another draft file, and names the link in the result', async () => {
    const disk = fakeDisk();
    disk.files.set('/srv/build/news.html', html('Built'));
    disk.links.set('/mail/news.html', '/srv/build/news.html');
    expect(await readDraftFile('/mail/news.html', disk.io)).toMatchObject({ path: '/mail/news.html', name: 'news.html', real: '/srv/build/news.html' });
  });
});

describe('DraftWatcher', () => {
  it('turns a burst of writes into one change, after the folder has been quiet', async () => {
    const disk = fakeDisk();
    disk.files.set('/mail/news.html', html('One'));
    const changes: DraftChange[] = [];
    const watcher = new DraftWatcher((c) => changes.push(c), { io: disk.io });
    await watcher.open('/mail/news.html', 'tab-1');
    expect(disk.openFolders()).toEqual(['/mail']);

    disk.files.set('/mail/news.html', html('Tw'));
    disk.touch('/mail', 'news.html');
    disk.files.set('/mail/news.html', html('Two'));
    disk.touch('/mail', 'news.html');
    disk.touch('/mail', 'news.html');
    // Each event restarts the one debounce timer.
    expect(disk.pendingTimers()).toBe(1);
    expect(changes).toEqual([]);
    await disk.fire();
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ state: 'changed', path: '/mail/news.html', name: 'news.html', kind: 'html' });
    expect(decoded(changes[0])).toContain('Two');
  });

  it('ignores other files in the folder, and a save that changed nothing', async () => {
    const disk = fakeDisk();
    disk.files.set('/mail/news.html', html('One'));
    disk.files.set('/mail/other.html', html('Other'));
    const changes: DraftChange[] = [];
    const watcher = new DraftWatcher((c) => changes.push(c), { io: disk.io });
    await watcher.open('/mail/news.html', 'tab-1');
    disk.files.set('/mail/other.html', html('Other 2'));
    disk.touch('/mail', 'other.html');
    expect(disk.pendingTimers()).toBe(0);
    // Touched, same bytes.
    disk.touch('/mail', 'news.html');
    await disk.fire();
    expect(changes).toEqual([]);
  });

  it('follows a save by rename: the file is gone for a moment, then back with new bytes', async () => {
    const disk = fakeDisk();
    disk.files.set('/mail/news.html', html('One'));
    const changes: DraftChange[] = [];
    const watcher = new DraftWatcher((c) => changes.push(c), { io: disk.io });
    await watcher.open('/mail/news.html', 'tab-1');
    disk.files.delete('/mail/news.html');
    disk.touch('/mail', 'news.html');
    await disk.fire();
    expect(changes).toEqual([expect.objectContaining({ state: 'missing', path: '/mail/news.html' })]);
    disk.files.set('/mail/news.html', html('One'));
    disk.touch('/mail', null);
    await disk.fire();
    // Back, even with the same bytes: the page was told it was gone.
    expect(changes.map((c) => c.state)).toEqual(['missing', 'changed']);
    expect(decoded(changes[1])).toContain('One');
  });

  it('stops when its last owner lets go, and sends nothing after', async () => {
    const disk = fakeDisk();
    disk.files.set('/mail/news.html', html('One'));
    const changes: DraftChange[] = [];
    const watcher = new DraftWatcher((c) => changes.push(c), { io: disk.io });
    await watcher.open('/mail/news.html', 'tab-1');
    await watcher.open('/mail/news.html', 'tab-2');
    expect(watcher.unwatch('/mail/news.html', 'tab-1')).toBe(true);
    expect(watcher.paths()).toEqual(['/mail/news.html']);
    // A pending change is dropped with the watch.
    disk.files.set('/mail/news.html', html('Two'));
    disk.touch('/mail', 'news.html');
    watcher.release('tab-2');
    expect(watcher.paths()).toEqual([]);
    expect(disk.openFolders()).toEqual([]);
    expect(disk.pendingTimers()).toBe(0);
    await disk.fire();
    expect(changes).toEqual([]);
    expect(watcher.unwatch('/mail/news.html', 'tab-2')).toBe(false);
  });

  it('watches a bounded number of files: one more stops the one opened longest ago, and says so', async () => {
    const disk = fakeDisk();
    for (const n of [1, 2, 3]) disk.files.set(`/mail/${n}/news.html`, html(String(n)));
    const changes: DraftChange[] = [];
    const watcher = new DraftWatcher((c) => changes.push(c), { io: disk.io, max: 2 });
    await watcher.open('/mail/1/news.html', 'tab-1');
    await watcher.open('/mail/2/news.html', 'tab-1');
    await watcher.open('/mail/3/news.html', 'tab-1');
    expect(watcher.paths()).toEqual(['/mail/2/news.html', '/mail/3/news.html']);
    expect(disk.openFolders().sort()).toEqual(['/mail/2', '/mail/3']);
    expect(changes).toEqual([expect.objectContaining({ state: 'stopped', path: '/mail/1/news.html' })]);
  });

  it('stops a watch whose folder fails, and says so', async () => {
    const disk = fakeDisk();
    disk.files.set('/mail/news.html', html('One'));
    const changes: DraftChange[] = [];
    const watcher = new DraftWatcher((c) => changes.push(c), { io: disk.io });
    await watcher.open('/mail/news.html', 'tab-1');
    disk.failFolder('/mail', 'the folder was removed');
    expect(watcher.paths()).toEqual([]);
    expect(changes).toEqual([expect.objectContaining({ state: 'stopped', problem: expect.stringContaining('the folder was removed') })]);
  });

  it('watches nothing for a path it refuses', async () => {
    const disk = fakeDisk();
    const watcher = new DraftWatcher(() => {}, { io: disk.io });
    await expect(watcher.open('/mail/missing.html', 'tab-1')).rejects.toBeInstanceOf(DraftPathError);
    expect(watcher.paths()).toEqual([]);
    expect(disk.openFolders()).toEqual([]);
  });
});
