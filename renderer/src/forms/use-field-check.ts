/**
 * When a form shows its problems: a field's problem appears once the user has typed in it and left
 * it, or tried to submit, and from then on follows every keystroke; all of them show at once on
 * submit, each beside its field; and the submit is refused while any remains.
 *
 * Waiting for the first blur spares a user the "invalid" of a half-typed address; following each
 * keystroke afterwards lets them watch it go away as they fix it. Leaving a field still empty shows
 * nothing until submit: tabbing through a form is not a mistake. Nor does leaving it for a button,
 * a box or a link: a message appearing under the field then would move the control between the
 * press and the release of the pointer, and the click would be lost (the submit shows it anyway).
 */
import { useState } from 'react';
import { problemsOf, type FieldErrors } from './validators';

export interface FieldCheck<K extends string> {
  /** The problem to show beside a field now (undefined: none, or not yet shown). */
  error(key: K): string | undefined;
  /** Props for a Mantine input: its error and the blur that starts showing it. */
  field(key: K): { error: string | undefined; onBlur: (event?: { currentTarget: { value?: unknown }; relatedTarget?: unknown }) => void };
  /** Call on submit: true when the form may be sent; otherwise every problem is now shown. */
  submit(): boolean;
  /** Messages from the api for fields, shown until the field changes. */
  setServer(errors: FieldErrors<K>): void;
  /** A field changed: its api message no longer applies. */
  changed(key: K): void;
  /** Every problem now (shown or not): for a summary, or a disabled button's reason. */
  problems: [K, string][];
  submitted: boolean;
}

const CONTROLS = 'button, a[href], [role="button"], [role="tab"], [role="switch"], [role="checkbox"], [role="radio"], input[type="checkbox"], input[type="radio"], input[type="submit"]';

/** Focus is going to something pressed rather than typed into. */
function isControl(target: unknown): boolean {
  return typeof target === 'object' && target !== null && 'matches' in target && typeof target.matches === 'function' && Boolean(target.matches(CONTROLS));
}

export function useFieldCheck<K extends string>(errors: FieldErrors<K>): FieldCheck<K> {
  const [touched, setTouched] = useState<ReadonlySet<K>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const [server, setServerState] = useState<FieldErrors<K>>({});
  const error = (key: K) => ((submitted || touched.has(key)) && errors[key]) || server[key] || undefined;
  return {
    error,
    field: (key) => ({
      error: error(key),
      onBlur: (event) => {
        const value = event?.currentTarget.value;
        if (typeof value === 'string' && value.trim() === '') return;
        if (isControl(event?.relatedTarget)) return;
        setTouched((t) => (t.has(key) ? t : new Set([...t, key])));
      },
    }),
    submit: () => {
      setSubmitted(true);
      return problemsOf(errors).length === 0;
    },
    setServer: (next) => setServerState(next),
    changed: (key) =>
      setServerState((s) => {
        if (!(key in s)) return s;
        const next = { ...s };
        delete next[key];
        return next;
      }),
    problems: problemsOf(errors),
    submitted,
  };
}
