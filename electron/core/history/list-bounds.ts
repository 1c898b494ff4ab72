/**
 * How much stored text a history list answer carries.
 *
 * A list shows one line per row, but what is stored can be anything a message or a server put there:
 * a subject is whatever the sender wrote, 45 MB included, and twelve such rows made message.list
 * fail for good (the answer passed V8's largest string). So every text in a list row is cut to
 * LIST_TEXT_MAX characters, and should a whole page still hold more than LIST_ANSWER_TEXT_MAX
 * characters of text (hundreds of rows, each with many placement words), every text shares that
 * budget equally. Rows are never dropped: pages stay where the client counts them. The detail
 * operations (message.get, history.get, send.get, placement.get) still return the text whole.
 */

/** The longest text in a list row: 999 characters of it and an ellipsis when it is longer. */
export const LIST_TEXT_MAX = 1000;
/** The most text, all strings together, in one list answer. */
export const LIST_ANSWER_TEXT_MAX = 2_000_000;
/** The least each text keeps when a page shares the answer budget. */
const MIN_SHARE = 16;

/** `text` cut to `max` characters, the last one an ellipsis; never half a surrogate pair. */
export function clipText(text: string, max = LIST_TEXT_MAX): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * SQL for a text column as a list reads it: enough characters to show and to tell that it was
 * cut, so a 45 MB subject never leaves SQLite.
 */
export const listColumn = (column: string, alias: string) => `substr(${column}, 1, ${LIST_TEXT_MAX + 1}) AS ${alias}`;

/**
 * Applies `fn` to every string of a row: its values at any depth, and the keys of nested objects
 * (a placement run's counts are keyed by placement words, which carry folder names). The row's own
 * field names are the contract and stay as they are.
 */
function mapRow(value: unknown, fn: (text: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapRow(v, fn, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [depth === 0 ? k : fn(k), mapRow(v, fn, depth + 1)]));
  }
  return value;
}

/** A list answer with every text of its rows within bounds (see the module comment). */
export function boundListAnswer<T extends { items: readonly unknown[] }>(answer: T): T {
  let texts = 0;
  let total = 0;
  let items = answer.items.map((row) =>
    mapRow(row, (text) => {
      const clipped = clipText(text);
      texts += 1;
      total += clipped.length;
      return clipped;
    }),
  );
  if (total > LIST_ANSWER_TEXT_MAX) {
    const share = Math.max(MIN_SHARE, Math.floor(LIST_ANSWER_TEXT_MAX / texts));
    items = items.map((row) => mapRow(row, (text) => clipText(text, share)));
  }
  return { ...answer, items };
}
