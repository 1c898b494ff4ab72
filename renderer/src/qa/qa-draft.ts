/**
 * The draft on the Design QA page, kept across pages and across a reload.
 *
 * A module-level store, as the composer's draft is: leaving the page keeps it. It is also written to
 * the renderer's localStorage (key QA_DRAFT_KEY), so that a reload, or the next start of the desktop
 * app, opens the same draft: the source up to MAX_KEPT_CHARS characters (localStorage holds a few
 * million per origin, shared with the rest of the app), or only its path when it was opened by path
 * and is larger (the file is read again), or nothing, which the page says. Settings hold no drafts:
 * they travel in history, and a draft is work in progress.
 */
import { useSyncExternalStore } from 'react';
import type { QaKind } from '../../../electron/api/types';

export interface QaDraft {
  /** The draft's text (pasted), or its bytes in base64 (a file). */
  source: string;
  encoding: 'utf8' | 'base64';
  /** The file's name; null for pasted HTML. */
  name: string | null;
  kind?: QaKind;
  /** The path it was opened by on this machine, when it was: that file is watched. */
  path: string | null;
  /** Bumped at every change: each version is checked once. */
  version: number;
}

export const QA_DRAFT_KEY = 'deliverlab.qa.draft';
/** The most characters of source kept across a reload: 1,000,000 (2 MB as localStorage counts). */
export const MAX_KEPT_CHARS = 1_000_000;

export const EMPTY_QA_DRAFT: QaDraft = { source: '', encoding: 'utf8', name: null, path: null, version: 0 };

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

const KINDS = new Set(['html', 'mjml', 'eml']);

/** The draft a previous page kept, or null when there is none or it is not one. */
export function readKeptDraft(storage: Storage | null): QaDraft | null {
  let value: unknown;
  try {
    value = JSON.parse(storage?.getItem(QA_DRAFT_KEY) ?? 'null');
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.source !== 'string' || (v.encoding !== 'utf8' && v.encoding !== 'base64')) return null;
  if (v.source.length > MAX_KEPT_CHARS) return null;
  const name = typeof v.name === 'string' ? v.name.slice(0, 1000) : null;
  const path = typeof v.path === 'string' ? v.path.slice(0, 4096) : null;
  if (v.source === '' && path === null) return null;
  const kind = typeof v.kind === 'string' && KINDS.has(v.kind) ? (v.kind as QaKind) : undefined;
  return { source: v.source, encoding: v.encoding, name, path, ...(kind ? { kind } : {}), version: 1 };
}

/** How much of the draft a reload will find: all of it, only the file's path, or nothing. */
export type Kept = 'all' | 'path' | 'none';

/** Writes the draft for the next page; what could be kept. */
export function keepDraft(storage: Storage | null, draft: QaDraft): Kept {
  if (!storage) return 'none';
  const fits = draft.source.length <= MAX_KEPT_CHARS;
  if (draft.source === '' && draft.path === null) {
    try {
      storage.removeItem(QA_DRAFT_KEY);
    } catch {
      // Storage off: nothing to remove either.
    }
    return 'all';
  }
  const { version: _version, ...rest } = draft;
  const kept = fits ? rest : draft.path !== null ? { ...rest, source: '' } : null;
  try {
    if (kept === null) storage.removeItem(QA_DRAFT_KEY);
    else storage.setItem(QA_DRAFT_KEY, JSON.stringify(kept));
  } catch {
    // Full or disabled storage: the draft lives until the page goes.
    return 'none';
  }
  return kept === null ? 'none' : fits ? 'all' : 'path';
}

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

let draft: QaDraft | null = null;
const listeners = new Set<() => void>();

/** The draft now (read from storage on first use). */
export function currentQaDraft(): QaDraft {
  draft ??= readKeptDraft(localStorageOrNull()) ?? EMPTY_QA_DRAFT;
  return draft;
}

/** Replaces the draft (a new version), or changes some of its fields. */
export function setQaDraft(change: Partial<Omit<QaDraft, 'version'>>): void {
  const before = currentQaDraft();
  draft = { ...before, ...change, version: before.version + 1 };
  for (const listener of listeners) listener();
}

export function useQaDraft(): QaDraft {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    currentQaDraft,
  );
}

export function keepCurrentDraft(d: QaDraft): Kept {
  return keepDraft(localStorageOrNull(), d);
}

/** The draft's text, for showing it beside MJML errors: a file's bytes read as UTF-8. */
export function draftText(d: Pick<QaDraft, 'source' | 'encoding'>): string {
  if (d.encoding === 'utf8') return d.source;
  try {
    const binary = atob(d.source);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  } catch {
    return '';
  }
}

/** A file's bytes as base64, as qa.run takes them. */
export async function fileBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The kind a file name's extension names; QA finds it from the bytes otherwise. */
export function kindOfName(name: string): QaKind | undefined {
  const ext = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase();
  return ext === 'html' || ext === 'htm' ? 'html' : ext === 'mjml' ? 'mjml' : ext === 'eml' ? 'eml' : undefined;
}
