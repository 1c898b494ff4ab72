import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { canPrompt, MAX_SECRET_LENGTH, promptSecret, PromptAbortedError, secretOrPrompt } from '../../electron/cli/prompt';
import { sink } from '../helpers/text-sink';

/** A stand-in for a terminal's stdin: raw mode switches are recorded. */
function fakeTty() {
  const modes: boolean[] = [];
  const stream = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (b: boolean) => void modes.push(b) });
  return { stream, modes };
}

const QUESTION = 'Password for sender@lab.test (DELIVERLAB_SMTP_PASSWORD is not set): ';

describe('promptSecret', () => {
  it('reads a line in raw mode without echoing it, then restores the terminal', async () => {
    const tty = fakeTty();
    const err = sink();
    const answer = promptSecret(QUESTION, { stdin: tty.stream, stderr: err.stream });
    tty.stream.write('s3cr');
    tty.stream.write('et-pw\r');
    await expect(answer).resolves.toBe('s3cret-pw');
    // Only the question and the closing line break: not one typed character.
    expect(err.read()).toBe(`${QUESTION}\n`);
    expect(tty.modes).toEqual([true, false]);
    expect(tty.stream.isPaused()).toBe(true);
  });

  it('handles backspace (DEL and BS), Ctrl-U, escape sequences, multi-byte characters and LF', async () => {
    const tty = fakeTty();
    const answer = promptSecret('? ', { stdin: tty.stream, stderr: sink().stream });
    tty.stream.write('abX\x7fc\x08d'); // abX, delete X, c, delete c, d → abd
    tty.stream.write('\x1b[D\x1b'); // left arrow, then an escape split across chunks
    tty.stream.write('[A'); // ...its remainder: up arrow
    tty.stream.write(Buffer.from('é', 'utf8').subarray(0, 1));
    tty.stream.write(Buffer.from('é', 'utf8').subarray(1));
    tty.stream.write('\n');
    await expect(answer).resolves.toBe('abdé');

    const tty2 = fakeTty();
    const cleared = promptSecret('? ', { stdin: tty2.stream, stderr: sink().stream });
    tty2.stream.write('wrong\x15right\r');
    await expect(cleared).resolves.toBe('right');
  });

  it('aborts on Ctrl-C, on Ctrl-D or end of input with nothing typed, and on an empty line', async () => {
    for (const [input, message] of [
      ['pass\x03word\r', /cancelled \(Ctrl-C\)/],
      ['\x04', /input ended before the secret was entered/],
      ['\r', /nothing was entered/],
    ] as const) {
      const tty = fakeTty();
      const answer = promptSecret('? ', { stdin: tty.stream, stderr: sink().stream });
      tty.stream.write(input);
      await expect(answer).rejects.toThrow(message);
      await expect(answer).rejects.toBeInstanceOf(PromptAbortedError);
      expect(tty.modes).toEqual([true, false]);
    }
    const tty = fakeTty();
    const ended = promptSecret('? ', { stdin: tty.stream, stderr: sink().stream });
    tty.stream.end('half');
    await expect(ended).rejects.toThrow(/input ended/);
    // Ctrl-D after some characters is not end of input: it is ignored, as a terminal would.
    const tty3 = fakeTty();
    const kept = promptSecret('? ', { stdin: tty3.stream, stderr: sink().stream });
    tty3.stream.write('ab\x04c\r');
    await expect(kept).resolves.toBe('abc');
  });

  it('stops an answer longer than the bound', async () => {
    const tty = fakeTty();
    const answer = promptSecret('? ', { stdin: tty.stream, stderr: sink().stream });
    tty.stream.write('x'.repeat(MAX_SECRET_LENGTH + 1));
    await expect(answer).rejects.toThrow(`longer than ${MAX_SECRET_LENGTH} characters`);
    expect(tty.modes).toEqual([true, false]);
    const small = fakeTty();
    const ok = promptSecret('? ', { stdin: small.stream, stderr: sink().stream }, 3);
    small.stream.write('abc\r');
    await expect(ok).resolves.toBe('abc');
  });

  it('refuses to ask without a terminal', async () => {
    expect(canPrompt({ stdin: new PassThrough(), stderr: sink().stream })).toBe(false);
    expect(canPrompt({ stderr: sink().stream })).toBe(false);
    expect(canPrompt({ stdin: Object.assign(new PassThrough(), { isTTY: true }), stderr: sink().stream })).toBe(false);
    expect(canPrompt({ stdin: fakeTty().stream, stderr: sink().stream })).toBe(true);
    await expect(promptSecret('? ', { stdin: new PassThrough(), stderr: sink().stream })).rejects.toThrow(/standard input is not a terminal/);
  });
});

describe('secretOrPrompt', () => {
  const fromEnv = (env: Record<string, string>) => () => {
    const v = env.DELIVERLAB_SMTP_PASSWORD;
    if (!v) throw new Error('the password for sender@lab.test is read from $DELIVERLAB_SMTP_PASSWORD, which is not set');
    return v;
  };

  it('takes the variable when it is set, without asking', async () => {
    const tty = fakeTty();
    const err = sink();
    await expect(secretOrPrompt(fromEnv({ DELIVERLAB_SMTP_PASSWORD: 'from-env' }), QUESTION, { stdin: tty.stream, stderr: err.stream })).resolves.toBe('from-env');
    expect(err.read()).toBe('');
    expect(tty.modes).toEqual([]);
  });

  it('asks on a terminal when the variable is unset', async () => {
    const tty = fakeTty();
    const err = sink();
    const answer = secretOrPrompt(fromEnv({}), QUESTION, { stdin: tty.stream, stderr: err.stream });
    tty.stream.write('typed\r');
    await expect(answer).resolves.toBe('typed');
    expect(err.read()).toBe(`${QUESTION}\n`);
  });

  it("keeps the variable's error when there is no terminal", async () => {
    const err = sink();
    await expect(secretOrPrompt(fromEnv({}), QUESTION, { stdin: new PassThrough(), stderr: err.stream })).rejects.toThrow(/\$DELIVERLAB_SMTP_PASSWORD, which is not set/);
    await expect(secretOrPrompt(fromEnv({}), QUESTION, { stderr: err.stream })).rejects.toThrow(/which is not set/);
    expect(err.read()).toBe('');
  });
});
