/**
 * An image's format and pixel size from its first bytes: PNG, GIF, JPEG and WebP, the formats mail
 * clients show.
 *
 * The link check reads an image's start and stops; these parsers say whether they have enough
 * (`more`), found the size, or cannot tell (`unknown`: another format, or a header they cannot read).
 */

export type ImageFormat = 'png' | 'gif' | 'jpeg' | 'webp';

export type ImageSize = { format: ImageFormat; width: number; height: number } | 'more' | 'unknown';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when `bytes` starts with `prefix`, or with as much of it as `bytes` holds. */
function startsAs(bytes: Uint8Array, prefix: readonly number[]): 'yes' | 'no' | 'short' {
  const n = Math.min(bytes.length, prefix.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== prefix[i]) return 'no';
  return n < prefix.length ? 'short' : 'yes';
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const be16 = (b: Uint8Array, i: number) => ((b[i] as number) << 8) | (b[i + 1] as number);
const le16 = (b: Uint8Array, i: number) => (b[i] as number) | ((b[i + 1] as number) << 8);
const le24 = (b: Uint8Array, i: number) => (b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16);
const be32 = (b: Uint8Array, i: number) => (((b[i] as number) << 24) >>> 0) + (((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number));

const sized = (format: ImageFormat, width: number, height: number): ImageSize => (width > 0 && height > 0 ? { format, width, height } : 'unknown');

/** PNG: the IHDR chunk comes first, width and height as 32-bit big-endian (PNG spec §11.2.2). */
function png(b: Uint8Array): ImageSize {
  if (b.length < 24) return 'more';
  if (String.fromCharCode(...b.subarray(12, 16)) !== 'IHDR') return 'unknown';
  return sized('png', be32(b, 16), be32(b, 20));
}

/** GIF: the logical screen's width and height, 16-bit little-endian after "GIF87a"/"GIF89a" (GIF89a §18). */
function gif(b: Uint8Array): ImageSize {
  if (b.length < 10) return 'more';
  return sized('gif', le16(b, 6), le16(b, 8));
}

/**
 * WebP: a RIFF file whose first chunk is VP8X (extended: the canvas size, 24-bit, minus one), VP8L
 * (lossless: 14-bit sizes minus one after the 0x2f signature) or VP8 (lossy: 14-bit sizes after the
 * frame's start code 9d 01 2a). RFC 9649 §2.5–2.7.
 */
function webp(b: Uint8Array): ImageSize {
  if (b.length < 16) return 'more';
  const chunk = String.fromCharCode(...b.subarray(12, 16));
  if (chunk === 'VP8X') {
    if (b.length < 30) return 'more';
    return sized('webp', le24(b, 24) + 1, le24(b, 27) + 1);
  }
  if (chunk === 'VP8L') {
    if (b.length < 25) return 'more';
    if (b[20] !== 0x2f) return 'unknown';
    const b1 = b[21] as number;
    const b2 = b[22] as number;
    const b3 = b[23] as number;
    const b4 = b[24] as number;
    return sized('webp', 1 + (b1 | ((b2 & 0x3f) << 8)), 1 + ((b2 >> 6) | (b3 << 2) | ((b4 & 0x0f) << 10)));
  }
  if (chunk === 'VP8 ') {
    if (b.length < 30) return 'more';
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return 'unknown';
    return sized('webp', le16(b, 26) & 0x3fff, le16(b, 28) & 0x3fff);
  }
  return 'unknown';
}

/** JPEG start-of-frame markers: SOF0–SOF3, SOF5–SOF7, SOF9–SOF11, SOF13–SOF15 (ITU T.81 Table B.1). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * JPEG: walks the marker segments (ITU T.81 §B.1.1.4) to the first start-of-frame, whose header
 * holds the height then the width, 16-bit big-endian (§B.2.2). EXIF and ICC segments before it can
 * be tens of kilobytes: each is skipped by its length. The size is the stored one; an EXIF
 * orientation that turns the picture is not applied.
 */
function jpeg(b: Uint8Array): ImageSize {
  let i = 2;
  for (;;) {
    // Fill bytes: any number of 0xff before a marker (§B.1.1.2).
    while (i < b.length && b[i] === 0xff && b[i + 1] === 0xff) i++;
    if (i + 1 >= b.length) return 'more';
    if (b[i] !== 0xff) return 'unknown';
    const marker = b[i + 1] as number;
    i += 2;
    // Markers without a segment: TEM, RST0–7, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;
    // End of image or start of scan before any frame header: nothing to read.
    if (marker === 0xd9 || marker === 0xda) return 'unknown';
    if (i + 2 > b.length) return 'more';
    const length = be16(b, i);
    if (length < 2) return 'unknown';
    if (SOF.has(marker)) {
      if (i + 7 > b.length) return 'more';
      return sized('jpeg', be16(b, i + 5), be16(b, i + 3));
    }
    i += length;
  }
}

/** The image's format and size from its first bytes, `more` when they are too few to tell. */
export function imageSize(bytes: Uint8Array): ImageSize {
  const asPng = startsAs(bytes, PNG_SIGNATURE);
  if (asPng !== 'no') return asPng === 'short' ? 'more' : png(bytes);
  const asGif = Math.max(...[ascii('GIF87a'), ascii('GIF89a')].map((p) => ['no', 'short', 'yes'].indexOf(startsAs(bytes, p))));
  if (asGif > 0) return asGif === 1 ? 'more' : gif(bytes);
  const asJpeg = startsAs(bytes, [0xff, 0xd8]);
  if (asJpeg !== 'no') return asJpeg === 'short' ? 'more' : jpeg(bytes);
  const riff = startsAs(bytes, ascii('RIFF'));
  if (riff !== 'no') {
    if (riff === 'short' || bytes.length < 12) return 'more';
    return String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP' ? webp(bytes) : 'unknown';
  }
  return bytes.length === 0 ? 'more' : 'unknown';
}
