/**
 * How two checks make one provider requirement: "SPF or DKIM passes", "SPF and DKIM pass".
 *
 * The audit's scorecards (what a domain publishes) and a received message's scorecards (what the
 * receiver saw) judge the same rules; both combine their verdicts here, so "or" and "and" read the
 * same in both.
 */

export interface Verdict {
  result: 'pass' | 'fail' | 'not-observable';
  why: string;
  /** Not observable because a lookup failed, not because there is nothing to look at. */
  lookupFailed?: true;
}

/** Not observable, and why: a lookup failed behind either verdict, or neither can be judged. */
function unknown(a: Verdict, b: Verdict, why: string): Verdict {
  return a.lookupFailed || b.lookupFailed ? { result: 'not-observable', why, lookupFailed: true } : { result: 'not-observable', why };
}

/** Passes when either passes (the first that does says why); fails only when both fail. */
export function eitherPasses(a: Verdict, b: Verdict, what: [string, string]): Verdict {
  if (a.result === 'pass') return { result: 'pass', why: `${what[0]}: ${a.why}` };
  if (b.result === 'pass') return { result: 'pass', why: `${what[1]}: ${b.why}` };
  const why = `${what[0]}: ${a.why} ${what[1]}: ${b.why}`;
  if (a.result === 'fail' && b.result === 'fail') return { result: 'fail', why };
  return unknown(a, b, why);
}

/** Passes only when both pass; fails when either fails, whatever the other is. */
export function bothPass(a: Verdict, b: Verdict, what: [string, string]): Verdict {
  const why = `${what[0]}: ${a.why} ${what[1]}: ${b.why}`;
  if (a.result === 'fail' || b.result === 'fail') return { result: 'fail', why };
  if (a.result === 'pass' && b.result === 'pass') return { result: 'pass', why };
  return unknown(a, b, why);
}
