/**
 * A writable stream that keeps what is written, for asserting on a command's stdout or stderr.
 */
import { Writable } from 'node:stream';

export function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, read: () => text };
}
