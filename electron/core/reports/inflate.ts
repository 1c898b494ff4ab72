/**
 * gzip (Node's zlib) and zip (fflate) with a hard bound on what they produce.
 *
 * A few hundred kilobytes of deflate expand to gigabytes. gzip stops at zlib's maxOutputLength; a zip
 * member is pushed to fflate in small slices and its output counted as it comes, so a bomb stops at
 * the cap having cost one slice past it. The zip's table of contents is read here (APPNOTE.TXT
 * §4.3), and each member's CRC-32 and length checked after inflating.
 */
import { crc32, gunzipSync, constants as zlibConstants } from 'node:zlib';
import { Inflate } from 'fflate';

/** Input slice pushed at a time: deflate expands at most 1032:1, so one slice overshoots the cap by 16 MiB at worst. */
const SLICE = 16 * 1024;

/** A decompression that failed, with the refusal it stands for. */
export class InflateError extends Error {
  constructor(
    readonly kind: 'truncated' | 'damaged' | 'over-cap' | 'empty' | 'unsupported',
    message: string,
  ) {
    super(message);
    this.name = 'InflateError';
  }
}

interface Stream {
  ondata: (chunk: Uint8Array, final: boolean) => void;
  push(chunk: Uint8Array, final?: boolean): void;
}

function drain(stream: Stream, input: Uint8Array, cap: number, what: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let over = false;
  stream.ondata = (chunk) => {
    total += chunk.length;
    if (total > cap) {
      over = true;
      return;
    }
    chunks.push(chunk);
  };
  try {
    if (input.length === 0) stream.push(input, true);
    for (let at = 0; at < input.length && !over; at += SLICE) stream.push(input.subarray(at, at + SLICE), at + SLICE >= input.length);
  } catch (err) {
    const message = (err as Error).message;
    // fflate's code 0 is "unexpected EOF": the data stops before the deflate stream ends.
    if ((err as { code?: number }).code === 0) throw new InflateError('truncated', `the ${what} data ends before its end (the file is truncated)`);
    throw new InflateError('damaged', `the ${what} data is damaged (${message})`);
  }
  if (over) throw new InflateError('over-cap', `it expands past ${cap.toLocaleString('en-US')} bytes`);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Expands gzip data (RFC 1952; several members are joined), producing at most `cap` bytes.
 *
 * Node's zlib rather than fflate: fflate's streaming gunzip ends quietly on some data cut short, and
 * its one-shot gunzip allocates the size the trailer claims (a bomb's word). zlib checks every
 * member's CRC-32 and length and stops at maxOutputLength. Stray line breaks or NULs after the last
 * member (one mail gateway appends a CRLF) are no part of the data. Data that ends before its
 * compressed stream does comes back with `truncated` set, as far as it goes: the caller decides
 * whether what came out is whole (one mail gateway ends its streams early, after the whole report).
 */
export function gunzipCapped(data: Uint8Array, cap: number): { data: Uint8Array; truncated: boolean } {
  let input = Buffer.from(data.buffer, data.byteOffset, data.length);
  for (let attempt = 0; ; attempt++) {
    try {
      return { data: gunzipSync(input, { maxOutputLength: cap }), truncated: false };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') throw new InflateError('over-cap', `it expands past ${cap.toLocaleString('en-US')} bytes`);
      if (code === 'Z_BUF_ERROR') {
        try {
          return { data: gunzipSync(input, { maxOutputLength: cap, finishFlush: zlibConstants.Z_SYNC_FLUSH }), truncated: true };
        } catch (again) {
          if ((again as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new InflateError('over-cap', `it expands past ${cap.toLocaleString('en-US')} bytes`);
          throw new InflateError('truncated', 'the gzip data ends before its end (the file is truncated)');
        }
      }
      let end = input.length;
      while (end > 0 && [0x0d, 0x0a, 0x20, 0x09, 0x00].includes(input[end - 1] as number)) end--;
      if (attempt > 0 || end === input.length) throw new InflateError('damaged', `the gzip data is damaged (${(err as Error).message})`);
      input = input.subarray(0, end);
    }
  }
}

export interface ZipMember {
  name: string;
  /** The member's bytes, or why they could not be read. */
  read(cap: number): Uint8Array;
  size: number;
}

const u16 = (b: Uint8Array, at: number) => (b[at] as number) | ((b[at + 1] as number) << 8);
const u32 = (b: Uint8Array, at: number) => ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16) | ((b[at + 3] as number) << 24)) >>> 0;
const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 2 ** 32;

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * The members of a zip archive, from its central directory.
 *
 * Throws InflateError: `truncated` when the directory (at the end) is missing or points past the
 * end, `empty` when it lists no file, `damaged` when it does not parse.
 */
export function zipMembers(data: Uint8Array, maxMembers: number): ZipMember[] {
  let eocd = -1;
  for (let at = data.length - 22; at >= 0 && at >= data.length - 22 - 65535; at--) {
    if (u32(data, at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) {
    throw new InflateError('truncated', u32(data, 0) === LOCAL ? 'the zip ends before its table of contents (the file is truncated)' : 'the zip has no table of contents');
  }
  let count = u16(data, eocd + 10);
  let offset = u32(data, eocd + 16);
  if (eocd >= 20 && u32(data, eocd - 20) === ZIP64_LOCATOR) {
    const at = u64(data, eocd - 12);
    if (at + 56 <= data.length && u32(data, at) === ZIP64_EOCD) {
      count = u64(data, at + 32);
      offset = u64(data, at + 48);
    }
  }
  if (count === 0) throw new InflateError('empty', 'the zip holds no file');
  if (count > maxMembers) throw new InflateError('over-cap', `the zip holds ${count.toLocaleString('en-US')} files, more than the ${maxMembers.toLocaleString('en-US')} read from one archive`);
  const members: ZipMember[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > data.length) throw new InflateError('truncated', 'the zip\'s table of contents runs past the end of the file (the file is truncated)');
    if (u32(data, offset) !== CENTRAL) throw new InflateError('damaged', 'the zip\'s table of contents is damaged');
    const flags = u16(data, offset + 8);
    const method = u16(data, offset + 10);
    const crc = u32(data, offset + 16);
    let compressed = u32(data, offset + 20);
    let size = u32(data, offset + 24);
    const nameLength = u16(data, offset + 28);
    const extraLength = u16(data, offset + 30);
    const commentLength = u16(data, offset + 32);
    let local = u32(data, offset + 42);
    const nameBytes = data.subarray(offset + 46, offset + 46 + nameLength);
    // Bit 11: the name is UTF-8; otherwise CP437, of which ASCII (all a report name needs) is the same.
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes);
    // The ZIP64 extra field (APPNOTE §4.5.3) carries the sizes and offset that did not fit in 32 bits.
    let extra = offset + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = u16(data, extra);
      const length = u16(data, extra + 2);
      if (id === 0x0001) {
        let at = extra + 4;
        if (size === 0xffffffff) {
          size = u64(data, at);
          at += 8;
        }
        if (compressed === 0xffffffff) {
          compressed = u64(data, at);
          at += 8;
        }
        if (local === 0xffffffff) local = u64(data, at);
      }
      extra += 4 + length;
    }
    offset = extraEnd + commentLength;
    if (name.endsWith('/')) continue;
    members.push({
      name,
      size,
      read: (cap) => {
        if (flags & 1) throw new InflateError('unsupported', 'it is encrypted');
        if (local + 30 > data.length || u32(data, local) !== LOCAL) throw new InflateError('truncated', 'its data is missing (the zip is truncated)');
        const start = local + 30 + u16(data, local + 26) + u16(data, local + 28);
        if (start + compressed > data.length) throw new InflateError('truncated', 'its data runs past the end of the zip (the file is truncated)');
        const raw = data.subarray(start, start + compressed);
        let out: Uint8Array;
        if (method === 0) {
          if (raw.length > cap) throw new InflateError('over-cap', `it expands past ${cap.toLocaleString('en-US')} bytes`);
          out = raw;
        } else if (method === 8) out = drain(new Inflate() as unknown as Stream, raw, cap, 'zip');
        else throw new InflateError('unsupported', `it is compressed with method ${method}, which Deliverlab does not read (only stored and deflate)`);
        if (out.length !== size || crc32(out) !== crc) throw new InflateError('damaged', 'its data does not match its checksum (the zip is damaged)');
        return out;
      },
    });
  }
  if (members.length === 0) throw new InflateError('empty', 'the zip holds only folders');
  return members;
}
