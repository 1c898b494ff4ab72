/**
 * A writable stream that keeps what is written, for asserting on a command's stdout or stderr.
 */
import { Writable } from 'node:stream';

export function sink() {
  let text = '';
  const waiters = new Set<{ pattern: string | RegExp; resolve: (text: string) => void }>();
  const seen = (pattern: string | RegExp) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      for (const w of waiters) {
        if (!seen(w.pattern)) continue;
        waiters.delete(w);
        w.resolve(text);
      }
      cb();
    },
  });
  return {
    stream,
    read: () => text,
    /** Resolves with everything written once the text contains `pattern` (a prompt, a line): wait on this, not on a timer. */
    written: (pattern: string | RegExp): Promise<string> => (seen(pattern) ? Promise.resolve(text) : new Promise<string>((resolve) => waiters.add({ pattern, resolve }))),
  };
}
