/**
 * What `deliverlab check` and `deliverlab qa` read: a file or standard input, refused as soon as it
 * passes the command's size limit, before it is all in memory; every failure a usage error (exit 2).
 */
import { open } from 'node:fs/promises';
import { readLimited } from '../core/read-limited';
import { UsageError } from './usage-error';

export interface InputRules {
  /** The most bytes the command takes. */
  max: number;
  /** The refusal of a file or stream over `max`, naming it ("The draft on standard input"). */
  tooLarge: (what: string) => UsageError;
  /** What to name instead of a folder: "an .html, .mjml or .eml file". */
  fileKind: string;
}

/** `path`, or standard input for `-`. */
export function readInput(source: string, stdin: NodeJS.ReadableStream, rules: InputRules & { stdinName: string }): Promise<Buffer> {
  return source === '-' ? readInputStream(stdin, rules.stdinName, rules) : readInputFile(source, rules);
}

async function readInputFile(path: string, rules: InputRules): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(code === 'ENOENT' ? `${path}: no such file.` : `Cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new UsageError(`${path} is a folder: name ${rules.fileKind}.`);
    if (info.isFile() && info.size > rules.max) throw rules.tooLarge(path);
    // A FIFO or device has no size up front: read in pieces and stop at the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead, buffer } = await handle.read({ buffer: Buffer.allocUnsafe(1024 * 1024) });
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > rules.max) throw rules.tooLarge(path);
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`Cannot read ${path}: ${(err as Error).message}`);
  } finally {
    await handle.close();
  }
}

async function readInputStream(stream: NodeJS.ReadableStream, name: string, rules: InputRules): Promise<Buffer> {
  try {
    return await readLimited(stream, rules.max, { tooLarge: () => rules.tooLarge(name) });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`Cannot read standard input: ${(err as Error).message}`);
  }
}
