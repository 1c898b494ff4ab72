/**
 * Asking for a secret on the terminal, without echo, when its environment variable is unset.
 *
 * Secrets never come from flags (shell history) or plain files: the CLI reads them from the
 * environment, and when the variable is unset and a person sits at the terminal, asks for them.
 * With no terminal (CI, pipes) there is nobody to ask, so the caller's error naming the variable stands.
 */
import { StringDecoder } from 'node:string_decoder';

/** The terminal side of the CLI's io: a TTY stdin can be put in raw mode so typed characters are not echoed. */
export interface PromptIo {
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): void };
  /** Where the question goes: stderr, so stdout stays clean for --json. */
  stderr: NodeJS.WritableStream;
}

/** The person declined to answer (Ctrl-C, Ctrl-D, end of input) or the answer was unusable; the CLI exits 2. */
export class PromptAbortedError extends Error {
  override name = 'PromptAbortedError';
}

/** Longer than any password or OAuth2 access token; stops a runaway paste from growing without bound. */
export const MAX_SECRET_LENGTH = 4096;

/** True when there is a terminal to ask on. */
export function canPrompt(io: PromptIo): boolean {
  return io.stdin?.isTTY === true && typeof io.stdin.setRawMode === 'function';
}

const CTRL_C = '\x03';
const CTRL_D = '\x04';
const CTRL_U = '\x15';
const ESC = '\x1b';

/**
 * Asks `question` on stderr and reads one line from a TTY in raw mode, echoing nothing.
 *
 * Backspace deletes, Ctrl-U clears, Enter ends the line; arrow keys and other escape sequences are
 * ignored. Ctrl-C, Ctrl-D on an empty line and end of input abort with PromptAbortedError, as does an
 * empty answer or one longer than `maxLength`.
 */
export function promptSecret(question: string, io: PromptIo, maxLength = MAX_SECRET_LENGTH): Promise<string> {
  const stdin = io.stdin;
  if (!stdin || !canPrompt(io)) return Promise.reject(new PromptAbortedError('cannot ask for the secret: standard input is not a terminal'));
  return new Promise<string>((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    const chars: string[] = [];
    // Escape sequences (arrows, function keys) arrive as ESC [ params final, possibly split over chunks.
    let escape: 'none' | 'esc' | 'csi' = 'none';
    let done = false;

    const finish = (error: Error | undefined, value?: string) => {
      if (done) return;
      done = true;
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.removeListener('error', onError);
      try {
        stdin.setRawMode?.(false);
      } catch {
        // The terminal may already be gone (hang-up): nothing to restore.
      }
      stdin.pause();
      // The Enter the person typed was not echoed either: end the question's line.
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(value as string);
    };
    const onEnd = () => finish(new PromptAbortedError('cancelled: input ended before the secret was entered'));
    const onError = (err: Error) => finish(new PromptAbortedError(`cannot read the secret from the terminal: ${err.message}`));
    const onData = (chunk: Buffer | string) => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      for (const ch of text) {
        if (done) return;
        if (escape === 'esc') {
          escape = ch === '[' || ch === 'O' ? 'csi' : 'none';
          continue;
        }
        if (escape === 'csi') {
          // ECMA-48 §5.4: a control sequence ends with a byte from 0x40 to 0x7E.
          if (ch >= '@' && ch <= '~') escape = 'none';
          continue;
        }
        if (ch === '\r' || ch === '\n') {
          if (chars.length === 0) return finish(new PromptAbortedError('cancelled: nothing was entered'));
          return finish(undefined, chars.join(''));
        }
        if (ch === CTRL_C) return finish(new PromptAbortedError('cancelled (Ctrl-C)'));
        if (ch === CTRL_D) {
          if (chars.length === 0) return finish(new PromptAbortedError('cancelled: input ended before the secret was entered'));
          continue;
        }
        if (ch === '\x7f' || ch === '\b') {
          chars.pop();
          continue;
        }
        if (ch === CTRL_U) {
          chars.length = 0;
          continue;
        }
        if (ch === ESC) {
          escape = 'esc';
          continue;
        }
        if (ch < ' ') continue;
        chars.push(ch);
        if (chars.length > maxLength) return finish(new PromptAbortedError(`the secret is longer than ${maxLength} characters; nothing was sent`));
      }
    };

    // Raw mode first: keys typed as soon as the question shows must already be unechoed, and
    // Ctrl-C must reach us as a byte rather than as SIGINT.
    stdin.setRawMode?.(true);
    io.stderr.write(question);
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.once('error', onError);
    stdin.resume();
  });
}

/**
 * The secret from the environment, or, when that fails and a terminal is there, from a prompt.
 *
 * `resolveFromEnv` throws (with words naming the variable) when the variable is unset; without a
 * terminal that error is what the user sees. `describe` is the question asked otherwise, e.g.
 * "Password for sender@example.com (DELIVERLAB_SMTP_PASSWORD is not set): ".
 */
export async function secretOrPrompt(resolveFromEnv: () => string, describe: string, io: PromptIo): Promise<string> {
  try {
    return resolveFromEnv();
  } catch (err) {
    if (!canPrompt(io)) throw err;
    return promptSecret(describe, io);
  }
}
