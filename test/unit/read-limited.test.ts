import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLimited } from '../../electron/core/read-limited';

const tooLarge = () => new Error('too large');

describe('readLimited', () => {
  it('reads a stream whole when it fits', async () => {
    const out = await readLimited(Readable.from([Buffer.from('ab'), 'cd', Buffer.from('e')]), 5, { tooLarge });
    expect(out.toString()).toBe('abcde');
  });

  it('refuses as soon as the limit is passed, and reads no further', async () => {
    const stream = new PassThrough();
    const read = readLimited(stream, 4, { tooLarge });
    stream.write('abc');
    stream.write('de');
    await expect(read).rejects.toThrow('too large');
    expect(stream.isPaused()).toBe(true);
    expect(stream.listenerCount('data')).toBe(0);
  });

  it('refuses a stream closed before its end only when asked to', async () => {
    const hungUp = new PassThrough();
    const read = readLimited(hungUp, 10, { tooLarge, closedEarly: () => new Error('closed early') });
    hungUp.write('ab');
    hungUp.destroy();
    await expect(read).rejects.toThrow('closed early');
  });

  it('passes the stream’s own errors on', async () => {
    const broken = new PassThrough();
    const read = readLimited(broken, 10, { tooLarge });
    broken.destroy(new Error('EIO'));
    await expect(read).rejects.toThrow('EIO');
  });
});
