/**
 * The header fields by lower-cased name, built once per analysis.
 *
 * Lint, the summary and the receiver view each ask for a handful of fields; filtering the whole
 * header block (and lower-casing every name) once per question cost more than the questions.
 */
import type { HeaderField } from './input';

export type HeaderIndex = ReadonlyMap<string, readonly string[]>;

const NONE: readonly string[] = Object.freeze([]);

/** Values by lower-cased field name, in message order. */
export function indexHeaders(headers: readonly HeaderField[]): HeaderIndex {
  const index = new Map<string, string[]>();
  for (const h of headers) {
    const name = h.name.toLowerCase();
    const list = index.get(name);
    if (list) list.push(h.value);
    else index.set(name, [h.value]);
  }
  return index;
}

/** Every value of a field (name lower-cased), in message order; empty when absent. */
export function headerValues(index: HeaderIndex, name: string): readonly string[] {
  return index.get(name) ?? NONE;
}
