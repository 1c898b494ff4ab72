/**
 * One input file read into the reports it holds: what it is told by its content (never its name),
 * containers opened one inside another (an mbox's messages, their attachments, a zip's members, a
 * gzip), each report parsed, each refusal kept with its reason.
 *
 * Pure work on bytes (plus the one read of the file), so that it runs alike on the main thread and
 * in a worker (worker.ts). All decompression of one file shares one budget, MAX_EXPANDED_BYTES.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { leafBytes, walkMime } from '../message/mime';
import { parseAggregateXml } from './dmarc-xml';
import { gunzipCapped, InflateError, zipMembers } from './inflate';
import { LIMIT_WORDS, MAX_DOCUMENT_BYTES, MAX_EXPANDED_BYTES, MAX_FILE_BYTES, MAX_MBOX_MESSAGES, MAX_NESTING, MAX_ZIP_MEMBERS } from './limits';
import { ReportRefused } from './refusal';
import { parseTlsReport } from './tlsrpt';
import type { FileOutcome, RefusalCode } from './types';

type Kind = 'gzip' | 'zip' | 'xml' | 'json' | 'mbox' | 'email' | 'empty' | 'unknown';

/** Joins a container and what is inside it, as refusals name them. */
export const inside = (outer: string, inner: string) => `${outer} › ${inner}`;

function firstSignificant(bytes: Uint8Array): number {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d || bytes[i] === 0x0a)) i++;
  return i;
}

/** What the bytes are, from their first bytes. */
export function sniff(bytes: Uint8Array): Kind {
  if (bytes.length === 0) return 'empty';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5 || bytes[2] === 7)) return 'zip';
  // UTF-16 with a byte-order mark: only XML is ever sent so.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return 'xml';
  const i = firstSignificant(bytes);
  if (i === bytes.length) return 'empty';
  const c = bytes[i];
  if (c === 0x3c) return 'xml';
  if (c === 0x7b || c === 0x5b) return 'json';
  const head = Buffer.from(bytes.buffer, bytes.byteOffset + i, Math.min(bytes.length - i, 256)).toString('latin1');
  if (head.startsWith('From ')) return 'mbox';
  if (/^[\x21-\x39\x3b-\x7e]{1,76}:/.test(head)) return 'email';
  return 'unknown';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of an XML document: a byte-order mark, else the declared encoding, else UTF-8. */
function xmlText(bytes: Uint8Array): string {
  let label = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) label = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) label = 'utf-16be';
  else {
    const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 200)).toString('latin1');
    const declared = /^(?:\uFEFF|\xEF\xBB\xBF)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']/.exec(head)?.[1];
    if (declared) label = declared.toLowerCase();
  }
  let decoder = utf8;
  if (label !== 'utf-8' && label !== 'utf8') {
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      throw new ReportRefused('not-text', `it declares the encoding "${label}", which Deliverlab does not read`);
    }
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new ReportRefused('not-text', `it is not valid ${decoder.encoding === 'utf-8' ? 'UTF-8' : decoder.encoding} text${label === 'utf-8' ? '' : ' (the encoding it declares)'}`);
  }
}

function jsonText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ReportRefused('not-text', 'it is not valid UTF-8 text');
  }
}

const INFLATE_CODES: Record<InflateError['kind'], [RefusalCode, RefusalCode]> = {
  // [as a gzip, as a zip]
  truncated: ['truncated-gzip', 'bad-zip'],
  damaged: ['bad-gzip', 'bad-zip'],
  'over-cap': ['expanded-too-large', 'expanded-too-large'],
  empty: ['bad-gzip', 'empty-zip'],
  unsupported: ['bad-gzip', 'bad-zip'],
};

const TRUNCATED_GZIP = 'truncated gzip: the data ends before the end of the compressed stream';

/** Splits an mbox (RFC 4155) at its "From " lines. */
function mboxMessages(bytes: Buffer): Buffer[] {
  const starts: number[] = [];
  const sep = Buffer.from('\nFrom ', 'latin1');
  if (bytes.subarray(0, 5).toString('latin1') === 'From ') starts.push(0);
  for (let at = bytes.indexOf(sep); at >= 0; at = bytes.indexOf(sep, at + 1)) starts.push(at + 1);
  return starts.map((start, i) => {
    const end = starts[i + 1] ?? bytes.length;
    // The "From " line is the mbox's, not the message's.
    const eol = bytes.indexOf(0x0a, start);
    return bytes.subarray(eol < 0 || eol >= end ? end : eol + 1, end);
  });
}

class Reader {
  private budget = MAX_EXPANDED_BYTES;
  readonly outcome: FileOutcome;

  constructor(file: string) {
    this.outcome = { file, reports: [], refused: [] };
  }

  refuse(file: string, code: RefusalCode, reason: string): void {
    this.outcome.refused.push({ file, code, reason });
  }

  /**
   * Reads `bytes` named `name`. In an attachment, content that is no report (a logo, a signature)
   * is passed over: returns whether it was something a report can be.
   */
  visit(name: string, bytes: Uint8Array, depth: number, attachment: boolean): boolean {
    const kind = sniff(bytes);
    if (attachment && (kind === 'unknown' || kind === 'empty')) return false;
    if (depth > MAX_NESTING && kind !== 'xml' && kind !== 'json') {
      this.refuse(name, 'too-deep', `containers nest deeper than ${MAX_NESTING} levels here`);
      return true;
    }
    try {
      switch (kind) {
        case 'empty':
          throw new ReportRefused('not-a-report', 'it is empty');
        case 'unknown':
          throw new ReportRefused('not-a-report', 'it is not a report: neither XML, JSON, gzip, zip nor an e-mail message');
        case 'xml':
          if (bytes.length > MAX_DOCUMENT_BYTES) throw new ReportRefused('too-large', `the report is larger than ${LIMIT_WORDS.document}`);
          this.outcome.reports.push({ from: name, report: parseAggregateXml(xmlText(bytes)) });
          return true;
        case 'json':
          if (bytes.length > MAX_DOCUMENT_BYTES) throw new ReportRefused('too-large', `the report is larger than ${LIMIT_WORDS.document}`);
          this.outcome.reports.push({ from: name, report: parseTlsReport(jsonText(bytes)) });
          return true;
        case 'gzip':
          return this.gzip(name, bytes, depth);
        case 'zip':
          return this.zip(name, bytes, depth);
        case 'email':
          return this.email(name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), depth, attachment);
        case 'mbox':
          return this.mbox(name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), depth);
      }
    } catch (err) {
      if (!(err instanceof ReportRefused)) throw err;
      this.refuse(name, err.code, err.message);
      return true;
    }
  }

  private spend(out: Uint8Array): void {
    this.budget -= out.length;
  }

  private overCap(): ReportRefused {
    return new ReportRefused('expanded-too-large', `decompressed, it passes the ${LIMIT_WORDS.expanded} one file may expand to (a compression bomb?): stopped there`);
  }

  private gzip(name: string, bytes: Uint8Array, depth: number): boolean {
    let out: { data: Uint8Array; truncated: boolean };
    try {
      out = gunzipCapped(bytes, this.budget);
    } catch (err) {
      if (!(err instanceof InflateError)) throw err;
      if (err.kind === 'over-cap') throw this.overCap();
      throw new ReportRefused(INFLATE_CODES[err.kind][0], err.kind === 'truncated' ? TRUNCATED_GZIP : `not valid gzip: ${err.message}`);
    }
    this.spend(out.data);
    // A .gz holds one document: it keeps the file's name.
    if (!out.truncated) return this.visit(name, out.data, depth + 1, false);
    // The compressed stream stops early: what came out is imported only if it is a whole report.
    const refusedBefore = this.outcome.refused.length;
    this.visit(name, out.data, depth + 1, false);
    if (this.outcome.refused.length > refusedBefore) {
      this.outcome.refused.splice(refusedBefore);
      this.refuse(name, 'truncated-gzip', TRUNCATED_GZIP);
    }
    return true;
  }

  private zip(name: string, bytes: Uint8Array, depth: number): boolean {
    let members;
    try {
      members = zipMembers(bytes, MAX_ZIP_MEMBERS);
    } catch (err) {
      if (!(err instanceof InflateError)) throw err;
      throw new ReportRefused(INFLATE_CODES[err.kind][1], err.kind === 'empty' ? `empty zip: ${err.message}` : `not a readable zip: ${err.message}`);
    }
    for (let i = 0; i < members.length; i++) {
      const member = members[i] as (typeof members)[number];
      const label = inside(name, member.name);
      let out: Uint8Array;
      try {
        out = member.read(this.budget);
      } catch (err) {
        if (!(err instanceof InflateError)) throw err;
        if (err.kind === 'over-cap') {
          const rest = members.length - i - 1;
          this.refuse(label, 'expanded-too-large', `${this.overCap().message}${rest > 0 ? `; the ${rest} file${rest === 1 ? '' : 's'} after it in the zip were not read` : ''}`);
          return true;
        }
        this.refuse(label, INFLATE_CODES[err.kind][1], `not readable from the zip: ${err.message}`);
        continue;
      }
      this.spend(out);
      this.visit(label, out, depth + 1, false);
    }
    return true;
  }

  /** An attached message without a report in it (the original message of a failure report) is passed over. */
  private email(name: string, raw: Buffer, depth: number, attachment: boolean): boolean {
    const { leaves } = walkMime(raw);
    const before = this.outcome.reports.length + this.outcome.refused.length;
    let failureReport = false;
    let n = 0;
    for (const leaf of leaves) {
      if (leaf.type === 'message/feedback-report') {
        failureReport = true;
        continue;
      }
      // Body text is the reporter's covering note; reports come as attachments (or XML inline).
      if (leaf.type.startsWith('text/') && leaf.type !== 'text/xml' && leaf.filename === null) continue;
      if (leaf.type.startsWith('multipart/')) continue;
      n++;
      this.visit(inside(name, leaf.filename ?? `attachment ${n}`), leafBytes(raw, leaf), depth + 1, true);
    }
    if (this.outcome.reports.length + this.outcome.refused.length === before) {
      if (attachment) return false;
      if (failureReport) throw new ReportRefused('failure-report', 'it is a DMARC failure report (RFC 6591): only aggregate reports and TLS reports are imported');
      throw new ReportRefused('no-report-attached', 'the message carries no DMARC aggregate report or TLS report');
    }
    return true;
  }

  private mbox(name: string, raw: Buffer, depth: number): boolean {
    const messages = mboxMessages(raw);
    if (messages.length > MAX_MBOX_MESSAGES) throw new ReportRefused('too-large', `it holds more than ${MAX_MBOX_MESSAGES.toLocaleString('en-US')} messages`);
    messages.forEach((message, i) => this.visit(inside(name, `message ${i + 1}`), message, depth + 1, false));
    return true;
  }
}

/** The reports in bytes already read (an upload), named `name`. */
export function readReportBytes(name: string, bytes: Uint8Array): FileOutcome {
  const reader = new Reader(name);
  try {
    reader.visit(name, bytes, 0, false);
  } catch (err) {
    // What the parsers did not foresee (a stack too deep for them, say) refuses this file, not the import.
    reader.refuse(name, 'unreadable', `it could not be read (${(err as Error).message})`);
  }
  return reader.outcome;
}

/** The reports in the file at `path`, or its refusal. */
export async function readReportFile(path: string): Promise<FileOutcome> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.size > MAX_FILE_BYTES) return { file: path, reports: [], refused: [{ file: path, code: 'too-large', reason: `it is larger than ${LIMIT_WORDS.file}, the largest file read` }] };
    bytes = await readFile(path);
  } catch (err) {
    return { file: path, reports: [], refused: [{ file: path, code: 'unreadable', reason: `it cannot be read (${(err as Error).message})` }] };
  }
  return readReportBytes(path, bytes);
}

/**
 * The same as readReportFile, with the file read synchronously: for a worker thread, whose only
 * work is this, where a promise per read cost more than the read.
 */
export function readReportFileSync(path: string): FileOutcome {
  let bytes: Buffer;
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    if (fstatSync(fd).size > MAX_FILE_BYTES) return { file: path, reports: [], refused: [{ file: path, code: 'too-large', reason: `it is larger than ${LIMIT_WORDS.file}, the largest file read` }] };
    bytes = readFileSync(fd);
  } catch (err) {
    return { file: path, reports: [], refused: [{ file: path, code: 'unreadable', reason: `it cannot be read (${(err as Error).message})` }] };
  } finally {
    if (fd !== null) closeSync(fd);
  }
  return readReportBytes(path, bytes);
}
