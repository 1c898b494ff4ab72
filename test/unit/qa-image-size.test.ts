import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageSize } from '../../electron/core/qa/image-size';

const image = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'images', name));

/** A JPEG with two 40 KB APP1 segments (EXIF-sized) and fill bytes before its frame header. */
function jpegWithBigExif(): Buffer {
  const jpeg = image('green-301x157.jpg');
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 40_000 >> 8, 40_000 & 0xff]), Buffer.alloc(40_000 - 2, 0x41)]);
  return Buffer.concat([jpeg.subarray(0, 2), app1, app1, Buffer.from([0xff, 0xff]), jpeg.subarray(2)]);
}

describe('image sizes from the first bytes', () => {
  it('reads PNG, GIF, JPEG and the three WebP headers', () => {
    expect(imageSize(image('red-37x23.png'))).toEqual({ format: 'png', width: 37, height: 23 });
    expect(imageSize(image('blank-40x30.gif'))).toEqual({ format: 'gif', width: 40, height: 30 });
    expect(imageSize(image('green-301x157.jpg'))).toEqual({ format: 'jpeg', width: 301, height: 157 });
    expect(imageSize(image('red-37x23-vp8x.webp'))).toEqual({ format: 'webp', width: 37, height: 23 });
    expect(imageSize(image('green-301x157-vp8.webp'))).toEqual({ format: 'webp', width: 301, height: 157 });
    expect(imageSize(image('green-301x157-vp8l.webp'))).toEqual({ format: 'webp', width: 301, height: 157 });
  });

  it('walks JPEG segments to the frame header, past a large EXIF block and fill bytes', () => {
    const big = jpegWithBigExif();
    expect(imageSize(big)).toEqual({ format: 'jpeg', width: 301, height: 157 });
    // Cut inside the EXIF block: more bytes are needed, not a wrong answer.
    expect(imageSize(big.subarray(0, 40_000))).toBe('more');
    // A progressive frame header (SOF2) counts as well.
    const progressive = Buffer.from(big);
    const sof = progressive.indexOf(Buffer.from([0xff, 0xc0]), 80_000);
    progressive[sof + 1] = 0xc2;
    expect(imageSize(progressive)).toEqual({ format: 'jpeg', width: 301, height: 157 });
  });

  it('asks for more bytes until the header is complete, at every cut', () => {
    for (const name of ['red-37x23.png', 'blank-40x30.gif', 'green-301x157.jpg', 'red-37x23-vp8x.webp', 'green-301x157-vp8.webp', 'green-301x157-vp8l.webp']) {
      const bytes = image(name);
      const full = imageSize(bytes);
      let first = -1;
      for (let n = 0; n <= Math.min(bytes.length, 700); n++) {
        const got = imageSize(bytes.subarray(0, n));
        if (got !== 'more') {
          first = n;
          expect(got, `${name} cut at ${n}`).toEqual(full);
          break;
        }
      }
      expect(first, name).toBeGreaterThan(0);
      // Once known, more bytes change nothing.
      expect(imageSize(bytes.subarray(0, first + 1))).toEqual(full);
    }
  });

  it('says unknown for other formats and broken headers', () => {
    expect(imageSize(Buffer.from('<!doctype html><title>Not found</title>'))).toBe('unknown');
    expect(imageSize(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'))).toBe('unknown');
    expect(imageSize(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt '))).toBe('unknown');
    // A JPEG whose scan starts before any frame header.
    expect(imageSize(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 2, 3, 4, 5, 6]))).toBe('unknown');
    // A PNG whose first chunk is not IHDR, and one that claims a zero width.
    const png = Buffer.from(image('red-37x23.png'));
    png.write('IDAT', 12, 'latin1');
    expect(imageSize(png)).toBe('unknown');
    const zero = Buffer.from(image('red-37x23.png'));
    zero.writeUInt32BE(0, 16);
    expect(imageSize(zero)).toBe('unknown');
    expect(imageSize(Buffer.alloc(0))).toBe('more');
  });
});
