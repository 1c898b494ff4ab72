/**
 * The design QA operations: the checks of a draft, and the drafts the app opens by path and watches.
 *
 * A draft opened by path is watched for whoever opened it (the caller: a window, or a browser tab's
 * event stream under serve) and let go when that caller goes away (Api.releaseWatches). The desktop
 * app's dialogs come in as functions of the context; elsewhere those operations say they need it.
 */
import { realpath, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseResolverSpec } from '../core/dns/servers';
import { DnsSession } from '../core/dns/session';
import { DraftPathError, DraftWatcher, type DraftChange, type DraftFile } from '../core/qa/draft-watch';
import { isClientFamily } from '../core/qa/families';
import { draftLinkChecker } from '../core/qa/link-check';
import type { SettingsService } from '../core/settings';
import { ApiError, invalidField } from './errors';
import type { OpParsed, OpResult } from './operations';

export type QaOperation = 'qa.run' | 'qa.open' | 'qa.watch' | 'qa.unwatch' | 'qa.save-inlined';

/** The desktop app's save dialog, for an HTML file: the path chosen, or null when the user closed it. */
export type AskSavePath = (options: { title: string; defaultPath: string }) => Promise<string | null>;
/** The desktop app's open dialog, for a draft: the path chosen, or null when the user closed it. */
export type AskOpenPath = () => Promise<string | null>;

export interface QaContext {
  settings: SettingsService;
  /** Extra trusted CA certificates (PEM) for the link check (test labs). */
  ca?: string[];
  emit: (change: DraftChange) => void;
  askOpenPath?: AskOpenPath;
  askSavePath?: AskSavePath;
  /** The watcher to use instead of one on this machine's files (tests). */
  watcher?: DraftWatcher;
}

/** Who called: a window or an event stream; the desktop app and the CLI call as one. */
export const LOCAL_CALLER = 'app';

type QaHandlers = { [N in QaOperation]: (input: OpParsed<N>, caller: string) => Promise<OpResult<N>> | OpResult<N> };

function watchError(err: unknown): unknown {
  if (err instanceof DraftPathError) return invalidField('path', err.message, `path: ${err.message}`);
  return err;
}

/** A file name for the inlined copy: the draft's name with "-inlined", always .html. */
export function inlinedName(name: string | undefined): string {
  const base = basename(name ?? '').replace(/\.[^.]*$/, '') || 'email';
  return `${base}-inlined.html`;
}

export function createQaHandlers(ctx: QaContext): QaHandlers & { release(caller?: string): void; close(): void } {
  const watcher = ctx.watcher ?? new DraftWatcher(ctx.emit);

  const open = async (path: string, caller: string): Promise<DraftFile> => {
    try {
      return await watcher.open(path, caller);
    } catch (err) {
      throw watchError(err);
    }
  };

  /** The real path of `path`, or its absolute form when nothing is there yet. */
  const realOrResolved = (path: string) => realpath(path).catch(() => resolve(path));

  return {
    'qa.run': async ({ source, encoding, kind, name, clients, links, allowPrivate, inlineCss }) => {
      if (encoding === 'base64' && /[^A-Za-z0-9+/=_\-\s]/.test(source)) {
        throw invalidField('source', 'The draft is not valid base64.', 'source: the draft is not valid base64.');
      }
      const checker = links ? await draftLinkChecker() : null;
      // Loaded on first use: the MJML compiler and the caniemail data are large, and no other operation needs them.
      const { runQa, QaInputError } = await import('../core/qa/run');
      const current = ctx.settings.get();
      const saved = current.clients.filter(isClientFamily);
      // With the link check, the link domains are looked up on the domain blocklists through the configured resolver.
      const dns = links
        ? new DnsSession({ servers: parseResolverSpec(current.resolver), timeoutMs: current.dnsTimeoutMs, ...(current.spamhausDqsKey ? { redact: [current.spamhausDqsKey] } : {}) })
        : null;
      try {
        return await runQa(Buffer.from(source, encoding), {
          ...(name !== undefined ? { name } : {}),
          ...(kind ? { kind } : {}),
          clients: clients ?? saved,
          ...(checker ? { links: { checker, allowPrivate, ...(ctx.ca ? { ca: ctx.ca.join('\n') } : {}) } } : {}),
          ...(dns ? { linkDomains: { dns, ...(current.spamhausDqsKey ? { spamhausDqsKey: current.spamhausDqsKey } : {}) } } : {}),
          inlineCss,
        });
      } catch (err) {
        if (err instanceof QaInputError) {
          // An MJML compile error: each of the compiler's errors beside the source, with its line.
          const fields = err.details.map((d) => ({ field: 'source', message: `Line ${d.line}: ${d.message}` }));
          throw new ApiError('invalid-input', err.message, undefined, fields.length ? { fields, params: { lines: err.details.map((d) => d.line).join(',') } } : {});
        }
        throw err;
      } finally {
        dns?.cancel();
      }
    },
    'qa.open': async (_input, caller) => {
      if (!ctx.askOpenPath) throw new ApiError('unknown-operation', 'qa.open needs the desktop app\'s open dialog; elsewhere give the path with qa.watch.');
      const path = await ctx.askOpenPath();
      return { file: path === null ? null : await open(path, caller) };
    },
    'qa.watch': ({ path }, caller) => open(path, caller),
    'qa.unwatch': ({ path }, caller) => ({ stopped: watcher.unwatch(path, caller) }),
    'qa.save-inlined': async ({ html, name, original }) => {
      if (!ctx.askSavePath) throw new ApiError('unknown-operation', 'qa.save-inlined needs the desktop app\'s save dialog; elsewhere qa.run with inlineCss gives the HTML to download.');
      const { inlineCss } = await import('../core/qa/size');
      const inlined = await inlineCss(html);
      const suggested = inlinedName(original ? basename(original) : name);
      const path = await ctx.askSavePath({ title: 'Save the HTML with inlined CSS', defaultPath: original ? join(dirname(original), suggested) : suggested });
      if (path === null) return { saved: false };
      const target = extname(path) === '' ? `${path}.html` : path;
      // Never over the draft: not the file it came from, nor any draft being watched.
      const chosen = await realOrResolved(target);
      const drafts = await Promise.all([...(original ? [original] : []), ...watcher.paths()].map(realOrResolved));
      if (drafts.includes(chosen)) {
        throw new ApiError('invalid-input', `${basename(target)} is the draft itself: Deliverlab writes the inlined HTML only to a new file. Choose another name.`);
      }
      await writeFile(target, inlined, 'utf8');
      return { saved: true, path: target };
    },
    release: (caller) => watcher.release(caller),
    close: () => watcher.close(),
  };
}
