import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonText, neutralise, neutraliseAll } from '../../electron/cli/terminal-text';

describe('neutralise', () => {
  it('shows C0 controls, DEL and C1 controls as \\xNN, and leaves text alone', () => {
    expect(neutralise('\x1b[2Jclear')).toBe('\\x1b[2Jclear');
    expect(neutralise('\x1b]0;pwned\x07')).toBe('\\x1b]0;pwned\\x07');
    expect(neutralise('a\x00b\x7fc\x9bd\x85e')).toBe('a\\x00b\\x7fc\\x9bd\\x85e');
    expect(neutralise('plain text, ünïcödé, ✓ → ←')).toBe('plain text, ünïcödé, ✓ → ←');
  });

  it('keeps newline, tab and a CR that ends a line; shows a lone CR, which would overwrite the line', () => {
    expect(neutralise('one\ntwo\tthree\r\nfour')).toBe('one\ntwo\tthree\r\nfour');
    expect(neutralise('safe\rspoofed')).toBe('safe\\x0dspoofed');
  });

  it('applies to every string and key of a result, and to nothing else', () => {
    const buffer = Buffer.from('\x1b');
    const out = neutraliseAll({ a: ['\x1bx', 1, null, { 'folder:\x1b': true }], b: buffer });
    expect(out).toEqual({ a: ['\\x1bx', 1, null, { 'folder:\\x1b': true }], b: buffer });
    expect(out.b).toBe(buffer);
  });
});

describe('jsonText', () => {
  it('writes JSON with no control character in it, DEL and C1 escaped too, which parses back to the same strings', () => {
    const value = { title: 'a\x1b[2Jb\x7fc\u009b31md\u0085e', n: 1 };
    const text = jsonText(value);
    expect(text).toBe('{"title":"a\\u001b[2Jb\\u007fc\\u009b31md\\u0085e","n":1}');
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('the commands write JSON through jsonText', () => {
  it('leaves JSON.stringify to files and payloads, never to what reaches the terminal', () => {
    const dir = join(import.meta.dirname, '../../electron/cli');
    const files = [...readdirSync(dir).map((f) => join(dir, f)), ...readdirSync(join(dir, 'commands')).map((f) => join(dir, 'commands', f))].filter((f) => f.endsWith('.ts'));
    const printed = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((text, i) => ({ where: `${file.slice(dir.length + 1)}:${i + 1}`, text }))
        .filter(({ text }) => /(emit|write|line|out)\([^;]*JSON\.stringify\(/.test(text))
        .map(({ where }) => where),
    );
    expect(printed).toEqual([]);
  });
});
