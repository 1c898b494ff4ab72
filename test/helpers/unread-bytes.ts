/**
 * A stand-in for a Buffer of `length` bytes whose content must never be read.
 *
 * Anything but its length throws. A refusal by size that gets through with it was decided before a
 * single byte was looked at: what "refused at once, without reading it" means, on any machine and
 * however busy it is, which a stopwatch cannot say.
 */
export function unreadBytes(length: number): Buffer {
  return new Proxy(Buffer.alloc(0), {
    get(_target, key) {
      if (key === 'length' || key === 'byteLength') return length;
      throw new Error(`read ${String(key)} of a ${length}-byte input that must stay unread`);
    },
  });
}
