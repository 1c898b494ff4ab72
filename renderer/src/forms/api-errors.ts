/**
 * The api's refusals in the app's words: each refused input beside its field, labelled as on screen.
 *
 * The api names inputs by their operation's field (`to`, `dkim.selector`) and list items by index;
 * a form maps those to its own fields. Anything a form has no field for is said in a sentence that
 * uses the label the user sees, never the api's field path.
 */
import type { FieldIssue } from '../../../electron/api/errors';
import type { FieldErrors } from './validators';

/** The refused inputs an error carries; older transports that only send `issues` still work. */
export function errorFields(err: unknown): FieldIssue[] {
  if (typeof err !== 'object' || err === null) return [];
  const { fields, issues } = err as { fields?: unknown; issues?: unknown };
  if (Array.isArray(fields)) {
    return fields
      .filter((f): f is FieldIssue => typeof f === 'object' && f !== null && typeof f.field === 'string' && typeof f.message === 'string')
      .map((f) => ({ field: f.field, message: f.message, ...(typeof f.index === 'number' ? { index: f.index } : {}) }));
  }
  if (Array.isArray(issues)) {
    return issues
      .filter((i): i is { path: string; message: string } => typeof i === 'object' && i !== null && typeof i.message === 'string')
      .map((i) => {
        const parts = String(i.path ?? '').split('.');
        const index = parts.find((p) => /^\d+$/.test(p));
        return { field: parts.filter((p) => !/^\d+$/.test(p)).join('.'), message: i.message, ...(index !== undefined ? { index: Number(index) } : {}) };
      });
  }
  return [];
}

export interface FieldMapping<K extends string> {
  /** The api field (or dotted prefix) → the form's field. */
  fields: Record<string, K>;
  /** How a list item is named beside its field: "the 2nd recipient". */
  item?: Partial<Record<K, (index: number) => string>>;
  /** The label of each api field the form does not show as a field, for the sentence. */
  labels?: Record<string, string>;
}

const ORDINAL = (n: number) => {
  const rem10 = n % 10;
  const rem100 = n % 100;
  const suffix = rem10 === 1 && rem100 !== 11 ? 'st' : rem10 === 2 && rem100 !== 12 ? 'nd' : rem10 === 3 && rem100 !== 13 ? 'rd' : 'th';
  return `${n}${suffix}`;
};

/** "the 2nd item" for index 1. */
export const nth = (noun: string) => (index: number) => `the ${ORDINAL(index + 1)} ${noun}`;

/**
 * Splits an api refusal into messages beside the form's fields and sentences for the rest.
 *
 * `rest` never holds a raw field path: an unknown field is named by `labels`, or left unnamed.
 */
export function apiFieldErrors<K extends string>(err: unknown, mapping: FieldMapping<K>): { fields: FieldErrors<K>; rest: string[] } {
  const fields: FieldErrors<K> = {};
  const rest: string[] = [];
  for (const issue of errorFields(err)) {
    const key = mapping.fields[issue.field] ?? mapping.fields[issue.field.split('.')[0] ?? ''];
    if (key !== undefined) {
      const name = issue.index !== undefined ? mapping.item?.[key]?.(issue.index) : undefined;
      const message = name ? `${capitalize(name)}: ${issue.message}` : issue.message;
      fields[key] = fields[key] ? `${fields[key]}; ${message}` : message;
      continue;
    }
    const label = mapping.labels?.[issue.field];
    rest.push(label ? `${label}: ${issue.message}` : issue.message);
  }
  return { fields, rest };
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
