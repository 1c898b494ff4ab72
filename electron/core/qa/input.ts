/**
 * What the designer handed us: an HTML file, an MJML template, or a message (.eml), read into the
 * HTML to check, the text part it carries (if any) and the raw message (for a .eml).
 *
 * Bounded and strict: a file that is not one of the three gets a clear error before any check
 * runs, and an MJML template that does not compile gets its compiler's errors with their lines.
 */
import { classifyInput, MAX_MESSAGE_BYTES, MessageInputError, type HeaderField } from '../message/input';
import { decodeCharset } from '../message/mime';
import type { QaKind } from './types';

/** The largest HTML or MJML draft: a send takes no larger HTML part. */
export const MAX_DRAFT_BYTES = 20 * 1024 * 1024;
/** The largest message (.eml): as message analysis. */
export const MAX_EML_BYTES = MAX_MESSAGE_BYTES;

export type QaInputErrorCode = 'too-large' | 'empty' | 'binary' | 'not-a-message' | 'no-html' | 'mjml';

/** The draft cannot be checked; `message` says why, `details` the MJML compiler's errors with their lines. */
export class QaInputError extends Error {
  constructor(
    readonly code: QaInputErrorCode,
    message: string,
    readonly details: { line: number; message: string }[] = [],
  ) {
    super(message);
    this.name = 'QaInputError';
  }
}

export interface Draft {
  kind: QaKind;
  /** The HTML to check: the file, the compiled MJML. For a message: set by run.ts from its HTML part. */
  html: string;
  /** The raw message, for a .eml. */
  raw: Buffer | null;
  headers: HeaderField[];
  notes: string[];
}

const EXTENSIONS: Record<string, QaKind> = { html: 'html', htm: 'html', xhtml: 'html', mjml: 'mjml', eml: 'eml' };

/** The kind of a draft: from its file name's extension, else from its first bytes. */
export function kindOf(name: string | null | undefined, bytes: Buffer): QaKind {
  const ext = /\.([a-z]+)$/i.exec(name ?? '')?.[1]?.toLowerCase();
  const byName = ext ? EXTENSIONS[ext] : undefined;
  if (byName) return byName;
  const head = bytes.subarray(0, 4096).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (/^<mjml[\s>]/i.test(head)) return 'mjml';
  // A message starts with a header field ("Received:", "From:"); HTML starts with "<".
  if (/^[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(head) && !head.startsWith('<')) return 'eml';
  return 'html';
}

/** Text as a draft file holds it: UTF-8 unless its <meta> names another charset; a BOM dropped. */
function draftText(bytes: Buffer, what: string): string {
  if (bytes.length > MAX_DRAFT_BYTES) {
    throw new QaInputError('too-large', `The ${what} is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; drafts over ${MAX_DRAFT_BYTES / 1024 / 1024} MB are not checked (a test send takes no larger HTML either).`);
  }
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new QaInputError('binary', `The ${what} is saved as UTF-16: save it as UTF-8.`);
  }
  if (bytes.subarray(0, 64 * 1024).includes(0)) throw new QaInputError('binary', `The ${what} contains NUL bytes: it is a binary file, not ${what === 'MJML template' ? 'MJML' : 'HTML'}.`);
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  const head = body.subarray(0, 4096).toString('latin1');
  const charset = /<meta[^>]+charset\s*=\s*["']?([a-z0-9_:.-]+)/i.exec(head)?.[1] ?? null;
  const text = decodeCharset(body, charset);
  if (text.trim() === '') throw new QaInputError('empty', `The ${what} is empty.`);
  return text;
}

/**
 * Compiles an MJML template with the mjml package. Nothing else is read: mj-include is not followed
 * (a note says so) and no .mjmlconfig is loaded, whatever folder the command runs in.
 */
async function compileMjml(source: string): Promise<{ html: string; notes: string[] }> {
  const notes: string[] = [];
  if (/<mj-include\b/i.test(source)) notes.push('The template uses <mj-include>: included files are not read here; compile the template with the mjml command first to check it whole.');
  const { default: mjml2html } = await import('mjml');
  try {
    const result = await mjml2html(source, { validationLevel: 'strict', ignoreIncludes: true, keepComments: true });
    return { html: result.html, notes };
  } catch (err) {
    const details = ((err as { errors?: unknown }).errors ?? []) as { line?: number; message?: string; tagName?: string }[];
    if (Array.isArray(details) && details.length > 0) {
      const listed = details.slice(0, 20).map((d) => ({ line: Number(d.line) || 0, message: `${d.message ?? 'invalid'}${d.tagName ? ` (<${d.tagName}>)` : ''}` }));
      throw new QaInputError('mjml', `The MJML does not compile: ${listed.map((d) => `line ${d.line}: ${d.message}`).join('; ')}${details.length > 20 ? `; and ${details.length - 20} more` : ''}`, listed);
    }
    throw new QaInputError('mjml', `The MJML does not compile: ${(err as Error).message.replace(/\s+/g, ' ').trim()}`);
  }
}

/** Reads a draft of the given kind (see kindOf). Throws QaInputError for what cannot be checked. */
export async function readDraft(bytes: Buffer, kind: QaKind): Promise<Draft> {
  if (kind === 'html') return { kind, html: draftText(bytes, 'HTML file'), raw: null, headers: [], notes: [] };
  if (kind === 'mjml') {
    const { html, notes } = await compileMjml(draftText(bytes, 'MJML template'));
    return { kind, html, raw: null, headers: [], notes };
  }
  if (bytes.length > MAX_EML_BYTES) {
    throw new QaInputError('too-large', `The message is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; messages over ${MAX_EML_BYTES / 1024 / 1024} MB are not checked.`);
  }
  try {
    const input = classifyInput(bytes);
    if (input.headersOnly) throw new QaInputError('no-html', 'The message has only headers: design QA needs its body.');
    return { kind, html: '', raw: input.message, headers: input.headers, notes: [] };
  } catch (err) {
    if (err instanceof MessageInputError) throw new QaInputError(err.code === 'too-large' ? 'too-large' : err.code === 'empty' ? 'empty' : err.code === 'binary' ? 'binary' : 'not-a-message', err.message);
    throw err;
  }
}
