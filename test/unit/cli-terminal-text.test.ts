import { describe, expect, it } from 'vitest';
import { neutralise, neutraliseAll } from '../../electron/cli/terminal-text';

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
