/**
 * What the user handed us: a message, only its headers, or something that is not a message at all.
 *
 * Everything here runs before any parser sees the bytes, so that a 2 GB video, a ZIP or a file cut
 * in half gets a clear answer in milliseconds instead of a parser's stack trace or a hang.
 */
import { hash } from 'node:crypto';

/** The largest message we analyse: far above what any provider accepts (Gmail: 25 MB, Microsoft: 35-150 MB). */
export const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;

export type MessageInputErrorCode = 'too-large' | 'binary' | 'truncated' | 'empty' | 'not-a-message';

/** The input cannot be analysed; `message` says why in words a person understands. */
export class MessageInputError extends Error {
  constructor(
    readonly code: MessageInputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MessageInputError';
  }
}

export interface HeaderField {
  name: string;
  /** Unfolded (RFC 5322 §2.2.3: CRLF followed by WSP removed), leading whitespace trimmed. */
  value: string;
}

export interface ClassifiedInput {
  /** Of the bytes as given. */
  sha256: string;
  size: number;
  /** The message to analyse: the input without a UTF-8 byte order mark or an mbox "From " line. */
  message: Buffer;
  headers: HeaderField[];
  /** Only headers: no blank line, or nothing but whitespace after it. */
  headersOnly: boolean;
  /** Byte offset of the body in `message` (after the blank line), null when headers only. */
  bodyOffset: number | null;
  /** The top-level multipart boundary that is never closed (the file was cut short), else null. */
  unclosedBoundary: string | null;
}

/** File signatures people drop by mistake instead of a message. */
const MAGIC: { bytes: number[]; what: string }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (or an Office document)' },
  { bytes: [0x1f, 0x8b], what: 'a gzip-compressed file' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an Outlook .msg file (or another OLE document): save the message as .eml instead' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'a program (ELF binary)' },
];

/** How much of the header block the binary test samples: enough to judge, cheap on a 50 MB file. */
const SAMPLE_BYTES = 64 * 1024;

/** RFC 5322 §2.2: a field name is printable US-ASCII except colon, then a colon. */
const FIELD_LINE = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

/** Control characters that count against a header block (NUL is refused on its own; TAB, LF, FF, CR are text). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x01-\x08\x0b\x0e-\x1f\x7f]/;

/** Where the header block ends: the offset of the blank line's first byte and the body's start. */
function findBlankLine(raw: Buffer): { end: number; body: number } | null {
  // The first LF followed by LF or CRLF: two native searches instead of one call per header line.
  // Searched first in the first 16 KB, where a header block ends: a CRLF file has no LF LF at all,
  // and its search must not run through a large body. Found there, the earlier of the two is exact
  // (anything before it lies wholly inside the window); found in neither, the whole input decides.
  const window = raw.length > BLANK_WINDOW ? raw.subarray(0, BLANK_WINDOW) : raw;
  let lflf = window.indexOf(LF_LF);
  let lfcrlf = window.indexOf(LF_CRLF);
  if (lflf < 0 && lfcrlf < 0 && window !== raw) {
    lflf = raw.indexOf(LF_LF);
    lfcrlf = raw.indexOf(LF_CRLF);
  }
  if (lflf < 0 && lfcrlf < 0) return null;
  if (lfcrlf < 0 || (lflf >= 0 && lflf < lfcrlf)) return { end: lflf + 1, body: lflf + 2 };
  return { end: lfcrlf + 1, body: lfcrlf + 3 };
}

const BLANK_WINDOW = 16 * 1024;

const LF_LF = Buffer.from('\n\n', 'latin1');
const LF_CRLF = Buffer.from('\n\r\n', 'latin1');

/** Unfolds a header block into fields (RFC 5322 §2.2.3), keeping names as written and their order. */
export function parseHeaderBlock(text: string): HeaderField[] {
  const fields: HeaderField[] = [];
  // Lines end in LF or CRLF (a lone CR stays in the line); one indexOf per line, no regular expression.
  let start = 0;
  const n = text.length;
  while (start <= n) {
    const lf = text.indexOf('\n', start);
    let end = lf < 0 ? n : lf;
    if (lf >= 0 && end > start && text.charCodeAt(end - 1) === 0x0d) end--;
    const next = lf < 0 ? n + 1 : lf + 1;
    if (end > start) {
      const c = text.charCodeAt(start);
      if ((c === 0x20 || c === 0x09) && fields.length > 0) {
        (fields[fields.length - 1] as HeaderField).value += text.slice(start, end);
      } else {
        const colon = text.indexOf(':', start);
        if (colon > start && colon < end) {
          let v = colon + 1;
          while (v < end && (text.charCodeAt(v) === 0x20 || text.charCodeAt(v) === 0x09)) v++;
          fields.push({ name: text.slice(start, colon).trim(), value: text.slice(v, end) });
        }
      }
    }
    start = next;
  }
  for (const f of fields) {
    const v = f.value;
    let e = v.length;
    while (e > 0 && (v.charCodeAt(e - 1) === 0x20 || v.charCodeAt(e - 1) === 0x09)) e--;
    if (e !== v.length) f.value = v.slice(0, e);
  }
  return fields;
}

/** The boundary parameter of a multipart Content-Type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return null;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  return m ? ((m[1] ?? m[2]) as string) : null;
}

/**
 * Classifies the raw bytes, or throws MessageInputError.
 *
 * Decisions: a header block cut mid-line (no blank line, and the last line is neither a field nor a
 * continuation) is refused as truncated, since nothing after it can be trusted; a multipart message
 * whose closing boundary never comes is analysed, and `unclosedBoundary` lets the caller say so
 * (DKIM's body hash will fail on it, and the explainer must not blame the sender).
 */
export function classifyInput(original: Buffer): ClassifiedInput {
  const size = original.length;
  // Refuse before hashing or scanning: the cost of a refusal must not grow with the file.
  if (size > MAX_MESSAGE_BYTES) {
    throw new MessageInputError(
      'too-large',
      `The file is ${(size / 1024 / 1024).toFixed(1)} MB; messages over ${MAX_MESSAGE_BYTES / 1024 / 1024} MB are not analysed (no mailbox provider accepts them either).`,
    );
  }
  if (size === 0 || original.every((b) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a)) {
    throw new MessageInputError('empty', 'The input is empty: paste a message or its headers, or open a .eml file.');
  }
  for (const m of MAGIC) {
    if (m.bytes.every((b, i) => original[i] === b)) {
      throw new MessageInputError('binary', `This is ${m.what}, not an e-mail message. Open the message saved as .eml (RFC 5322 text).`);
    }
  }
  if ((original[0] === 0xff && original[1] === 0xfe) || (original[0] === 0xfe && original[1] === 0xff)) {
    throw new MessageInputError('binary', 'The file is text saved as UTF-16: save the message as .eml from the mail program, or as UTF-8 text.');
  }

  let raw = original;
  // Editors add a UTF-8 byte order mark; mbox exports start with a "From sender date" separator
  // (RFC 4155). Neither is part of the message, and both would break its first header field.
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) raw = raw.subarray(3);
  if (raw.subarray(0, 5).toString('latin1') === 'From ') {
    const lf = raw.indexOf(0x0a);
    if (lf > 0) raw = raw.subarray(lf + 1);
  }

  // A blank first line ends an empty header block: everything after it would be body.
  if (raw[0] === 0x0a || (raw[0] === 0x0d && raw[1] === 0x0a)) {
    throw new MessageInputError(
      'not-a-message',
      'The input starts with a blank line: an e-mail message starts with its header fields ("From: ...", "Received: ..."). Remove the empty lines at the top.',
    );
  }
  const blank = findBlankLine(raw);
  const headerEnd = blank ? blank.end : size;
  const sample = raw.subarray(0, Math.min(headerEnd, SAMPLE_BYTES));
  if (sample.indexOf(0) >= 0) {
    throw new MessageInputError('binary', 'The file contains NUL bytes in its header: it is a binary file, not an e-mail message.');
  }
  // Control characters are rare in a real header: one scan of the header text finds none, and only
  // then are they counted. (UTF-8 decoding keeps bytes below 0x80 as they are and never makes one.)
  const headerText = raw.subarray(0, headerEnd).toString('utf8');
  if (CONTROL.test(headerText)) {
    let control = 0;
    for (let i = 0; i < sample.length; i++) {
      const b = sample[i] as number;
      if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f) control++;
    }
    // Legacy 8-bit headers exist; a header block of control characters does not.
    if (sample.length > 0 && control / sample.length > 0.05) {
      throw new MessageInputError('binary', 'The header block is mostly non-text bytes: this is a binary file, not an e-mail message.');
    }
  }

  const firstLf = headerText.indexOf('\n');
  // The first line as split(/\r?\n/) gives it: without its LF, and without a CR just before that LF.
  const firstLine = firstLf < 0 ? headerText : headerText.slice(0, firstLf > 0 && headerText.charCodeAt(firstLf - 1) === 0x0d ? firstLf - 1 : firstLf);
  if (!FIELD_LINE.test(firstLine)) {
    throw new MessageInputError(
      'not-a-message',
      'This does not look like an e-mail message: it does not start with header fields such as "Received:" or "From:".',
    );
  }

  const bodyIsEmpty = blank ? raw.subarray(blank.body).every((b) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a) : true;
  if (!blank) {
    // Without a blank line the whole input is headers; the last line must still be a complete one.
    const last = headerText.split(/\r?\n/).filter((l) => l !== '').pop() ?? '';
    if (!FIELD_LINE.test(last) && !/^[ \t]/.test(last)) {
      throw new MessageInputError(
        'truncated',
        'The message is cut off in the middle of its header block (the last line is not a complete header field). Save or copy the whole message again.',
      );
    }
  }

  const headers = parseHeaderBlock(headerText);
  let unclosedBoundary: string | null = null;
  if (blank && !bodyIsEmpty) {
    const contentType = headers.find((h) => h.name.toLowerCase() === 'content-type')?.value;
    const boundary = multipartBoundary(contentType);
    // RFC 2046 §5.1.1: the last body part is followed by "--boundary--".
    // Searched from the end, where the closing delimiter is: the last occurrence starts at or after
    // the body exactly when any occurrence does.
    if (boundary && raw.lastIndexOf(Buffer.from(`--${boundary}--`, 'latin1')) < blank.body) unclosedBoundary = boundary;
  }

  return {
    sha256: hash('sha256', original, 'hex'),
    size,
    message: raw,
    headers,
    headersOnly: bodyIsEmpty,
    bodyOffset: blank && !bodyIsEmpty ? blank.body : null,
    unclosedBoundary,
  };
}
