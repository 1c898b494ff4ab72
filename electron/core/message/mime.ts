/**
 * The message's MIME structure and the header fields lint reads, in one pass over the raw bytes.
 *
 * Replaces a full MIME parser (mailparser) on the hot path of `check`: lint needs the parts' types,
 * where their encoded bodies are, the decoded text and HTML bodies, the attachments' names, types
 * and sizes, and a few decoded header fields. Attachments are never decoded: their size comes from
 * the length of their encoded body. Hostile structure is bounded (depth, part count, header size).
 */
import type { HeaderField } from './input';

/** MIME nesting and part count bounds: deeper or longer structures are not walked further. */
export const MAX_MIME_DEPTH = 20;
export const MAX_MIME_PARTS = 1000;
/** A part's header block read at most this far (a giant header must not cost more). */
const MAX_PART_HEADER = 64 * 1024;
/** Address headers read at most this far, and addresses kept per header. */
const MAX_ADDRESS_TEXT = 64 * 1024;
const MAX_ADDRESSES = 1000;

export interface MimeLeaf {
  type: string;
  charset: string | null;
  encoding: string;
  disposition: string | null;
  /** The filename (Content-Disposition filename, else Content-Type name), decoded; null when none. */
  filename: string | null;
  /** Byte offsets of the part body in the raw message (the encoded bytes). */
  start: number;
  end: number;
  /** Inside an attached message (message/rfc822 shown inline), not the message's own body. */
  embedded?: boolean;
}

export interface MailAddress {
  /** Display name (or group name), RFC 2047 decoded; '' when none. */
  name: string;
  /** The addr-spec; absent for a group or a name without an address. */
  address?: string;
  /** The members of a group (RFC 5322 §3.4 "name: a, b;"). */
  group?: MailAddress[];
}

export interface AddressList {
  value: MailAddress[];
  /** The list as text: `Name <a@b>, c@d`. */
  text: string;
}

export interface AttachmentInfo {
  filename: string | null;
  contentType: string;
  /** Decoded size in bytes, computed from the encoded body without decoding it. */
  size: number;
}

/** What lint reads from one message: the fields mailparser's ParsedMail gave, and the MIME leaves. */
export interface ParsedMessage {
  from?: AddressList;
  to?: AddressList;
  replyTo?: AddressList;
  subject?: string;
  date?: Date;
  messageId?: string;
  /** The inline HTML parts, decoded and joined; false when there is none. */
  html: string | false;
  /** The inline text/plain parts, decoded (LF line ends) and joined; undefined when there is none. */
  text?: string;
  attachments: AttachmentInfo[];
  /** The bytes the leaves index into. */
  source: Buffer;
  /** Every leaf part, in message order, with the byte range of its encoded body in `source`. */
  leaves: MimeLeaf[];
  /** Decoded bodies of the inline text parts, by leaf (decoded once, shared with content lint). */
  decoded: Map<MimeLeaf, string>;
  /** Why the structure was not walked to its end (too deep, too many parts), or null. */
  limited: string | null;
}

// ---------------------------------------------------------------------------------------------
// Header values: RFC 2047 encoded words, RFC 2045 parameters with RFC 2231 extensions.

const decoders = new Map<string, TextDecoder>();

/** Bytes in a charset as text; an unknown label falls back to UTF-8 (ASCII stays readable). */
export function decodeCharset(bytes: Uint8Array, charset: string | null): string {
  const label = (charset ?? 'utf-8').trim().toLowerCase() || 'utf-8';
  let decoder = decoders.get(label);
  if (!decoder) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = decoders.get('utf-8') ?? new TextDecoder('utf-8');
    }
    if (decoders.size < 64) decoders.set(label, decoder);
  }
  return decoder.decode(bytes);
}

function qDecode(text: string, underscoreIsSpace: boolean): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d && i + 2 < text.length && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      out[n++] = hexValue(text.charCodeAt(i + 1)) * 16 + hexValue(text.charCodeAt(i + 2));
      i += 2;
    } else if (c === 0x5f && underscoreIsSpace) {
      out[n++] = 0x20;
    } else {
      out[n++] = c & 0xff;
    }
  }
  return out.subarray(0, n);
}

/** An ASCII hex digit's character code. */
export const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/**
 * Decodes RFC 2047 encoded words. Adjacent words in one charset are joined before decoding, since
 * senders split a multi-byte character across two words; white space between them is dropped (§6.2).
 */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let last = 0;
  let pending: { charset: string; bytes: Buffer[] } | null = null;
  const flush = () => {
    if (pending) out += decodeCharset(Buffer.concat(pending.bytes), pending.charset);
    pending = null;
  };
  ENCODED_WORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ENCODED_WORD.exec(value))) {
    const between = value.slice(last, m.index);
    // RFC 2231 §5: a language suffix ("utf-8*en") is not part of the charset.
    const charset = ((m[1] as string).split('*')[0] as string).toLowerCase();
    const text = m[3] as string;
    const bytes = (m[2] as string).toLowerCase() === 'b' ? Buffer.from(text, 'base64') : qDecode(text, true);
    const p = pending as { charset: string; bytes: Buffer[] } | null;
    if (p && /^[ \t\r\n]*$/.test(between) && p.charset === charset) {
      p.bytes.push(bytes);
    } else {
      flush();
      // White space between two encoded words is not shown (RFC 2047 §6.2).
      out += p && /^[ \t\r\n]*$/.test(between) ? '' : between;
      pending = { charset, bytes: [bytes] };
    }
    last = m.index + m[0].length;
  }
  flush();
  return out + value.slice(last);
}

/** A header value's first token (the type) and its parameters, RFC 2231 continuations joined and decoded. */
export function parseParams(value: string): { value: string; params: Map<string, string> } {
  const params = new Map<string, string>();
  const semi = value.indexOf(';');
  const head = semi < 0 ? value : value.slice(0, semi);
  const main = (head.includes('(') ? head.replace(/\([^()]*\)/g, '') : head).trim().toLowerCase();
  if (semi < 0) return { value: main, params };
  const continued = new Map<string, { parts: Map<number, { text: string; encoded: boolean }>; charset: string | null }>();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  re.lastIndex = semi;
  let m: RegExpExecArray | null;
  let count = 0;
  while ((m = re.exec(value)) && count++ < 100) {
    const key = (m[1] as string).toLowerCase();
    const quoted = m[2];
    const bare = m[3] ?? '';
    const raw = quoted !== undefined ? (quoted.includes('\\') ? quoted.replace(/\\(.)/g, '$1') : quoted) : (bare.includes('(') ? bare.replace(/\s*\([^()]*\)\s*$/, '') : bare).trim();
    // RFC 2231 §3-4: name*0, name*1 ... continuations; a trailing * marks charset'lang'%XX encoding.
    const ext = key.includes('*') ? /^([^*]+)\*(?:(\d+)\*?)?$/.exec(key) : null;
    if (!ext) {
      if (!params.has(key)) params.set(key, raw);
      continue;
    }
    const name = ext[1] as string;
    const index = ext[2] !== undefined ? Number(ext[2]) : 0;
    const encoded = key.endsWith('*');
    const entry = continued.get(name) ?? { parts: new Map(), charset: null };
    let text = raw;
    if (encoded && index === 0) {
      const q = /^([^']*)'[^']*'(.*)$/.exec(raw);
      if (q) {
        entry.charset = q[1] || null;
        text = q[2] as string;
      }
    }
    entry.parts.set(index, { text, encoded });
    continued.set(name, entry);
  }
  for (const [name, entry] of continued) {
    const ordered = [...entry.parts.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    const bytes = Buffer.concat(ordered.map((p) => (p.encoded ? percentDecode(p.text) : Buffer.from(p.text, 'utf8'))));
    params.set(name, decodeCharset(bytes, entry.charset));
  }
  return { value: main, params };
}

function percentDecode(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      out[n++] = parseInt(text.slice(i + 1, i + 3), 16);
      i += 2;
    } else out[n++] = c & 0xff;
  }
  return out.subarray(0, n);
}

// ---------------------------------------------------------------------------------------------
// Addresses (RFC 5322 §3.4): mailboxes, groups, quoted names, comments.

/** A header value without its simple (unnested) comments. */
const withoutComments = (text: string) => (text.includes('(') ? text.replace(/\([^()]*\)/g, '') : text);

function unquote(text: string): string {
  const t = text.trim();
  // Most names carry no quotes at all: no regular expression for them.
  if (!t.includes('"')) return t;
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t.replace(/"((?:[^"\\]|\\.)*)"/g, (_, q: string) => q.replace(/\\(.)/g, '$1'));
}

function mailbox(text: string): MailAddress | null {
  let rest = text;
  let comment = '';
  // Comments are not part of the address; the first one serves as a name when there is no other.
  if (rest.includes('(')) {
    rest = rest.replace(/\(((?:[^()\\]|\\.)*)\)/g, (_, c: string) => {
      if (!comment) comment = c.trim();
      return ' ';
    });
  }
  const lt = rest.lastIndexOf('<');
  const gt = rest.indexOf('>', lt);
  let name: string;
  let address: string;
  if (lt >= 0) {
    address = rest.slice(lt + 1, gt < 0 ? undefined : gt).replace(/\s+/g, '');
    name = unquote(rest.slice(0, lt)) || (gt >= 0 ? unquote(rest.slice(gt + 1)) : '') || comment;
  } else {
    const bare = rest.trim();
    if (!bare) return comment ? { name: decodeWords(comment), address: '' } : null;
    if (bare.includes('@')) {
      // "name addr@host" without angle brackets: the last word with an @ is the address.
      const words = bare.split(/\s+/);
      const at = words.findLastIndex((w) => w.includes('@'));
      address = words.splice(at, 1)[0] as string;
      name = unquote(words.join(' ')) || comment;
    } else {
      // A word without an @ is a name whose address is empty (as mailparser reports it).
      return { name: decodeWords(unquote(bare)), address: '' };
    }
  }
  const out: MailAddress = { name: decodeWords(name.replace(/\s{2,}|[^\S ]/g, ' ').trim()), address: address.includes('"') ? address.replace(/^"|"$/g, '') : address };
  return out;
}

/** Parses an address-list header value (From, To, Reply-To) into mailboxes and groups. */
export function parseAddresses(value: string): MailAddress[] {
  const s = value.length > MAX_ADDRESS_TEXT ? value.slice(0, MAX_ADDRESS_TEXT) : value;
  const out: MailAddress[] = [];
  let group: MailAddress[] | null = null;
  let groupName = '';
  let start = 0;
  let quote = false;
  let comment = 0;
  let angle = false;
  const push = (end: number) => {
    const m = mailbox(s.slice(start, end));
    start = end + 1;
    if (!m || (out.length >= MAX_ADDRESSES && !group)) return;
    if (group) {
      if (group.length < MAX_ADDRESSES) group.push(m);
    } else out.push(m);
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
      continue;
    }
    if (comment > 0) {
      if (c === '\\') i++;
      else if (c === '(') comment++;
      else if (c === ')') comment--;
      continue;
    }
    if (c === '"') quote = true;
    else if (c === '(') comment = 1;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (angle) continue;
    else if (c === ',') push(i);
    else if (c === ':' && !group) {
      groupName = decodeWords(unquote(s.slice(start, i)));
      group = [];
      start = i + 1;
    } else if (c === ';' && group) {
      push(i);
      out.push({ name: groupName, group });
      group = null;
    }
  }
  push(s.length);
  if (group) out.push({ name: groupName, group });
  return out;
}

function formatAddresses(list: readonly MailAddress[]): string {
  return list
    .map((a) => {
      if (a.group) return `${a.name}: ${formatAddresses(a.group)};`;
      // As mailparser writes it: the name quoted, then the address in angle brackets.
      const name = a.name ? `"${a.name.replace(/(["\\])/g, '\\$1')}"` : '';
      if (!a.address) return name;
      return name ? `${name} <${a.address}>` : a.address;
    })
    .join(', ');
}

function addressList(value: string | undefined): AddressList | undefined {
  if (value === undefined) return undefined;
  const list = parseAddresses(value);
  if (list.length === 0) return undefined;
  return { value: list, text: formatAddresses(list) };
}

// ---------------------------------------------------------------------------------------------
// The MIME walk (RFC 2046 §5.1.1).

/** The part header fields walkMime reads; the others are not kept. */
const PART_FIELDS: ReadonlySet<string> = new Set(['content-type', 'content-disposition', 'content-transfer-encoding']);

/**
 * A part's Content-Type, Content-Disposition and Content-Transfer-Encoding, the first of each.
 *
 * RFC 5322 §2.2.3: a line starting with white space continues the previous field; the line break
 * and the white space after it become one space. Lines end in LF or CRLF.
 */
function partHeaders(raw: Buffer, start: number, end: number): Map<string, string> {
  const out = new Map<string, string>();
  if (end <= start) return out;
  const block = raw.toString('latin1', start, Math.min(end, start + MAX_PART_HEADER));
  const keep = (line: string) => {
    const colon = line.indexOf(':');
    if (colon <= 0) return;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (PART_FIELDS.has(name) && !out.has(name)) out.set(name, line.slice(colon + 1).trim());
  };
  const n = block.length;
  let field: string | null = null;
  for (let pos = 0; ; ) {
    const lf = block.indexOf('\n', pos);
    let lineEnd = lf < 0 ? n : lf;
    if (lf >= 0 && lineEnd > pos && block.charCodeAt(lineEnd - 1) === 0x0d) lineEnd--;
    const c = block.charCodeAt(pos);
    if (field !== null && pos < lineEnd && (c === 0x20 || c === 0x09)) {
      let text = pos + 1;
      while (text < lineEnd && (block.charCodeAt(text) === 0x20 || block.charCodeAt(text) === 0x09)) text++;
      field += ` ${block.slice(text, lineEnd)}`;
    } else {
      if (field !== null) keep(field);
      field = block.slice(pos, lineEnd);
    }
    if (lf < 0) break;
    pos = lf + 1;
  }
  if (field !== null) keep(field);
  return out;
}

/**
 * Where the header block of the entity starting at `start` ends, and its body starts: the first
 * empty line, "\n\n" or "\r\n\r\n". Walks line ends up to `end` only, so a message of many parts
 * costs the length of their headers, not parts x message size.
 */
function splitEntity(raw: Buffer, start: number, end: number): { headersEnd: number; bodyStart: number } {
  if (raw[start] === 0x0d && raw[start + 1] === 0x0a) return { headersEnd: start, bodyStart: start + 2 };
  if (raw[start] === 0x0a) return { headersEnd: start, bodyStart: start + 1 };
  for (let lf = raw.indexOf(0x0a, start); lf >= 0 && lf <= end; lf = raw.indexOf(0x0a, lf + 1)) {
    const next = raw[lf + 1];
    if (next === 0x0a && lf < end) return { headersEnd: lf, bodyStart: lf + 2 };
    if (next === 0x0d && raw[lf + 2] === 0x0a && lf > start && raw[lf - 1] === 0x0d) return { headersEnd: lf - 1, bodyStart: lf + 3 };
  }
  return { headersEnd: end, bodyStart: end };
}

/**
 * The leaf parts of a MIME message, with the byte range of each one's encoded body.
 *
 * Works on the bytes (offsets are byte offsets; a boundary is ASCII). Malformed structure (a
 * missing closing delimiter, a boundary that never appears) ends the walk where it breaks.
 * `topHeaders`, when given, are the message's own header fields (already parsed by the caller).
 */
export function walkMime(raw: Buffer, topHeaders?: readonly HeaderField[]): { leaves: MimeLeaf[]; limited: string | null } {
  const leaves: MimeLeaf[] = [];
  let budget = MAX_MIME_PARTS;
  let limited: string | null = null;
  const isWs = (c: number | undefined) => c === undefined || c === 0x0d || c === 0x0a || c === 0x20 || c === 0x09;
  const walk = (start: number, end: number, depth: number, embedded: boolean): void => {
    if (budget-- <= 0) {
      limited ??= `more than ${MAX_MIME_PARTS} MIME parts`;
      return;
    }
    const { headersEnd, bodyStart } = splitEntity(raw, start, end);
    let headers: Map<string, string>;
    if (depth === 0 && topHeaders) {
      headers = new Map();
      for (const h of topHeaders) {
        const name = h.name.toLowerCase();
        if ((name === 'content-type' || name === 'content-disposition' || name === 'content-transfer-encoding') && !headers.has(name)) headers.set(name, h.value);
      }
    } else headers = partHeaders(raw, start, headersEnd);
    const ct = parseParams(headers.get('content-type') ?? 'text/plain');
    const type = ct.value || 'text/plain';
    const boundary = ct.params.get('boundary');
    if (type.startsWith('multipart/') && boundary) {
      if (depth >= MAX_MIME_DEPTH) {
        limited ??= `MIME parts nested deeper than ${MAX_MIME_DEPTH} levels`;
        return;
      }
      const delimiter = Buffer.from(`--${boundary}`, 'latin1');
      const bounds: { lineStart: number; after: number; close: boolean }[] = [];
      let pos = bodyStart;
      while (pos < end) {
        const idx = raw.indexOf(delimiter, pos);
        if (idx < 0 || idx >= end) break;
        pos = idx + delimiter.length;
        if (idx !== bodyStart && raw[idx - 1] !== 0x0a) continue;
        const close = raw[pos] === 0x2d && raw[pos + 1] === 0x2d;
        const nextAt = close ? pos + 2 : pos;
        if (nextAt < raw.length && !isWs(raw[nextAt])) continue;
        const eol = raw.indexOf(0x0a, pos);
        // The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
        const lineStart = idx > bodyStart ? (raw[idx - 2] === 0x0d ? idx - 2 : idx - 1) : idx;
        bounds.push({ lineStart, after: eol < 0 || eol >= end ? end : eol + 1, close });
        if (close) break;
      }
      for (let i = 0; i < bounds.length && !limited; i++) {
        const b = bounds[i] as (typeof bounds)[number];
        if (b.close) break;
        const partEnd = bounds[i + 1]?.lineStart ?? end;
        if (partEnd > b.after) walk(b.after, partEnd, depth + 1, embedded);
      }
      return;
    }
    const dispositionValue = headers.get('content-disposition');
    const disposition = dispositionValue ? parseParams(dispositionValue) : null;
    // A forwarded message shown inline (RFC 2046 §5.2.1) is walked as mailparser walks it: its
    // parts join the attachments and the text, marked embedded so lint can tell them apart.
    if (type === 'message/rfc822' && disposition?.value !== 'attachment' && bodyStart < end) {
      if (depth >= MAX_MIME_DEPTH) {
        limited ??= `MIME parts nested deeper than ${MAX_MIME_DEPTH} levels`;
        return;
      }
      const encoding = (headers.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase();
      // An encoded message/rfc822 is against RFC 2046 §5.2.1; it stays one opaque attachment.
      if (encoding !== 'base64' && encoding !== 'quoted-printable') {
        walk(bodyStart, end, depth + 1, true);
        return;
      }
    }
    const filename = disposition?.params.get('filename') ?? ct.params.get('name') ?? null;
    leaves.push({
      type,
      charset: ct.params.get('charset') ?? null,
      encoding: withoutComments(headers.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase(),
      disposition: disposition?.value || null,
      filename: filename !== null ? decodeWords(filename) : null,
      start: bodyStart,
      end: Math.max(bodyStart, end),
      ...(embedded ? { embedded } : {}),
    });
  };
  walk(0, raw.length, 0, false);
  return { leaves, limited };
}

/** Where the soft line breaks ("=", optional blanks, a line end) starting at `k` end: `k` when none starts there. */
function skipSoftBreaks(body: Uint8Array, k: number): number {
  const len = body.length;
  for (;;) {
    if (body[k] !== 0x3d) return k;
    let j = k + 1;
    while (j < len && (body[j] === 0x20 || body[j] === 0x09)) j++;
    if (body[j] === 0x0a) k = j + 1;
    else if (body[j] === 0x0d && body[j + 1] === 0x0a) k = j + 2;
    else return k;
  }
}

const hexValue = (c: number) => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);

/**
 * Quoted-printable (RFC 2045 §6.7) straight from the bytes: "=" at a line end is a soft break,
 * "=XX" is one octet, anything else stays as it is.
 *
 * One pass with no intermediate string. Soft breaks go first, as if removed from the whole body
 * before decoding, so an "=XX" split by one ("=4=\n1") still decodes to one octet.
 */
function decodeQuotedPrintable(body: Uint8Array): Buffer {
  const len = body.length;
  const out = Buffer.allocUnsafe(len);
  let n = 0;
  let i = 0;
  while (i < len) {
    const c = body[i] as number;
    if (c !== 0x3d) {
      out[n++] = c;
      i++;
      continue;
    }
    const after = skipSoftBreaks(body, i);
    if (after !== i) {
      i = after;
      continue;
    }
    const a = skipSoftBreaks(body, i + 1);
    const b = a < len ? skipSoftBreaks(body, a + 1) : len;
    if (b < len && isHex(body[a] as number) && isHex(body[b] as number)) {
      out[n++] = hexValue(body[a] as number) * 16 + hexValue(body[b] as number);
      i = b + 1;
    } else {
      out[n++] = c;
      i++;
    }
  }
  return out.subarray(0, n);
}

/** A leaf's body as bytes, its transfer encoding undone (an attachment's content). */
export function leafBytes(raw: Buffer, leaf: MimeLeaf): Buffer {
  const body = raw.subarray(leaf.start, leaf.end);
  if (leaf.encoding === 'base64') return Buffer.from(body.toString('latin1'), 'base64');
  if (leaf.encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** A leaf's body decoded to text (transfer encoding, then charset). */
export function decodeLeaf(raw: Buffer, leaf: MimeLeaf): string {
  return decodeCharset(leafBytes(raw, leaf), leaf.charset);
}

/** The decoded size of a leaf, counted from its encoded bytes without decoding them. */
export function decodedSize(raw: Buffer, leaf: MimeLeaf): number {
  const { start, end } = leaf;
  if (end <= start) return 0;
  if (leaf.encoding === 'base64') {
    // Line breaks and padding carry no data; native indexOf keeps this cheap on a 20 MB attachment.
    let chars = end - start;
    for (let i = raw.indexOf(0x0a, start); i >= 0 && i < end; i = raw.indexOf(0x0a, i + 1)) chars -= raw[i - 1] === 0x0d ? 2 : 1;
    for (let i = end - 1; i >= start && i > end - 8; i--) {
      const c = raw[i] as number;
      if (c === 0x3d || c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
        if (c !== 0x0d && c !== 0x0a) chars--;
      } else break;
    }
    // Every 4 characters carry 3 bytes; a trailing group of 2 or 3 carries 1 or 2.
    return Math.max(0, Math.floor((chars * 3) / 4));
  }
  if (leaf.encoding === 'quoted-printable') {
    let size = end - start;
    for (let i = raw.indexOf(0x3d, start); i >= 0 && i < end; i = raw.indexOf(0x3d, i + 1)) {
      const a = raw[i + 1] as number;
      // RFC 2045 §6.7: "=" CRLF is a soft break (no byte), "=XX" is one byte.
      if (a === 0x0a) size -= 2;
      else if (a === 0x0d && raw[i + 2] === 0x0a) size -= 3;
      else if (i + 2 < end && isHex(a) && isHex(raw[i + 2] as number)) size -= 2;
      else continue;
      i += a === 0x0a ? 1 : 2;
    }
    return size;
  }
  return end - start;
}

/** Types shown as text: a delivery status report (RFC 3464) reads as text, as mailparser shows it. */
const TEXT_TYPES = new Set(['text/plain', 'text/html', 'message/delivery-status']);

/** mailparser's rule: text parts shown inline are the body; every other leaf is an attachment. */
function isAttachment(leaf: MimeLeaf): boolean {
  const textType = TEXT_TYPES.has(leaf.type);
  return !textType || (leaf.disposition !== null && leaf.disposition !== 'inline');
}

/**
 * Parses what lint needs from a message: the top header fields (already unfolded by classifyInput),
 * the MIME leaves, the inline text and HTML decoded, and the attachments' names, types and sizes.
 */
export function parseMessage(raw: Buffer, headers: readonly HeaderField[], options: { headersOnly?: boolean } = {}): ParsedMessage {
  const first = new Map<string, string>();
  for (const h of headers) {
    const name = h.name.toLowerCase();
    if (!first.has(name)) first.set(name, h.value);
  }
  const parsed: ParsedMessage = { html: false, attachments: [], source: raw, leaves: [], decoded: new Map(), limited: null };
  const from = addressList(first.get('from'));
  if (from) parsed.from = from;
  const to = addressList(first.get('to'));
  if (to) parsed.to = to;
  const replyTo = addressList(first.get('reply-to'));
  if (replyTo) parsed.replyTo = replyTo;
  const subject = first.get('subject');
  if (subject !== undefined) parsed.subject = decodeWords(subject).trim();
  const date = first.get('date');
  if (date !== undefined) {
    const d = new Date(date.trim());
    if (!Number.isNaN(d.getTime())) parsed.date = d;
  }
  const id = first.get('message-id');
  if (id !== undefined && id.trim()) {
    const v = decodeWords(id.trim());
    parsed.messageId = `${v.startsWith('<') ? '' : '<'}${v}${v.endsWith('>') ? '' : '>'}`;
  }
  if (options.headersOnly) return parsed;

  const { leaves, limited } = walkMime(raw, headers);
  parsed.leaves = leaves;
  parsed.limited = limited;
  const html: string[] = [];
  const text: string[] = [];
  for (const leaf of leaves) {
    if (isAttachment(leaf)) {
      if (parsed.attachments.length < 500) parsed.attachments.push({ filename: leaf.filename, contentType: leaf.type, size: decodedSize(raw, leaf) });
      continue;
    }
    const body = decodeLeaf(raw, leaf);
    parsed.decoded.set(leaf, body);
    if (leaf.type === 'text/html') html.push(body);
    else text.push(body.includes('\r') ? body.replace(/\r\n/g, '\n') : body);
  }
  if (html.length) parsed.html = html.join('<br/>\n');
  if (text.length) parsed.text = text.join('\n');
  return parsed;
}
