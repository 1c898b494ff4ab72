/**
 * Reads a stream into one buffer, stopping at a byte limit.
 *
 * Past the limit the stream is paused and nothing more is buffered: a caller can refuse a 1 GB upload
 * or pipe after the first bytes over. Used for serve's request bodies and the CLI's standard input.
 */
export interface ReadLimitedOptions {
  /** The error for a stream that passes the limit. */
  tooLarge: () => Error;
  /** When given, a stream closed before its end is refused with this error (a client that hung up). */
  closedEarly?: () => Error;
}

export function readLimited(stream: NodeJS.ReadableStream, limit: number, options: ReadLimitedOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    const onData = (chunk: Buffer | string) => {
      const piece = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += piece.length;
      if (size > limit) {
        cleanup();
        stream.pause();
        chunks.length = 0;
        reject(options.tooLarge());
        return;
      }
      chunks.push(piece);
    };
    const onEnd = () => {
      ended = true;
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      if (!ended && options.closedEarly) onError(options.closedEarly());
    };
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    stream.resume();
  });
}
