/**
 * Untrusted text made safe to print on a terminal.
 *
 * DNS records, message headers, server replies and file names can carry control characters: ESC
 * starts sequences that clear the screen (ESC[2J), retitle the window (OSC 0) or plant a link whose
 * target is not what it shows (OSC 8), and a lone CR overwrites what was printed. The human output
 * shows every such character as a visible escape (`\x1b`) instead; our own colours are added by the
 * formatters after this, and --json output never goes through it (JSON.stringify escapes C0 itself,
 * and a JSON reader wants the bytes exactly).
 */

/** C0 controls except line feed and tab (ECMA-48 §5.2), DEL, and the C1 controls U+0080-U+009F (§5.3). */
function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x0a && code !== 0x09) || (code >= 0x7f && code <= 0x9f);
}

const visible = (code: number) => `\\x${code.toString(16).padStart(2, '0')}`;

/** `text` with every control character but newline, tab and a CR ending a line shown as `\xNN`. */
export function neutralise(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isControl(code)) continue;
    // CRLF is how mail and SMTP end lines (RFC 5321 §2.3.8): the CR moves nothing that the LF keeps.
    if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) continue;
    out += text.slice(from, i) + visible(code);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * A copy of a result with `neutralise` applied to every string in it, keys included (a placement's
 * counts are keyed by folder names from the server). The formatters take this, so a field added to
 * a result later is covered without anyone remembering to.
 */
export function neutraliseAll<T>(value: T): T {
  if (typeof value === 'string') return neutralise(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => neutraliseAll(item)) as T;
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    // Plain data only: a Buffer or a Date is printed through its own formatting, never raw.
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[neutralise(key)] = neutraliseAll(item);
    return out as T;
  }
  return value;
}

/**
 * `value` as one line of JSON whose text holds no control character at all: JSON.stringify escapes
 * C0 controls but leaves DEL and the C1 controls (U+0080-U+009F, CSI among them) as they are, so
 * those are written as \u escapes too. A JSON reader gets exactly the same strings.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
