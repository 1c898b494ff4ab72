/**
 * "SPF or DKIM", "SPF and DKIM": one reading for the audit's and a message's provider scorecards.
 */
import { describe, expect, it } from 'vitest';
import { bothPass, eitherPasses, type Verdict } from '../../electron/shared/combine-verdicts';

const pass: Verdict = { result: 'pass', why: 'ok.' };
const fail: Verdict = { result: 'fail', why: 'no.' };
const unseen: Verdict = { result: 'not-observable', why: 'unseen.' };
const failedLookup: Verdict = { result: 'not-observable', why: 'lookup failed.', lookupFailed: true };
const what: [string, string] = ['SPF', 'DKIM'];

describe('either passes', () => {
  it('passes on the first that passes, naming it', () => {
    expect(eitherPasses(pass, fail, what)).toEqual({ result: 'pass', why: 'SPF: ok.' });
    expect(eitherPasses(fail, pass, what)).toEqual({ result: 'pass', why: 'DKIM: ok.' });
  });

  it('fails only when both fail; otherwise cannot tell, and says whether a lookup failed', () => {
    expect(eitherPasses(fail, fail, what)).toEqual({ result: 'fail', why: 'SPF: no. DKIM: no.' });
    expect(eitherPasses(fail, unseen, what)).toEqual({ result: 'not-observable', why: 'SPF: no. DKIM: unseen.' });
    expect(eitherPasses(failedLookup, fail, what)).toEqual({ result: 'not-observable', why: 'SPF: lookup failed. DKIM: no.', lookupFailed: true });
  });
});

describe('both pass', () => {
  it('passes only when both pass; fails when either fails', () => {
    expect(bothPass(pass, pass, what)).toEqual({ result: 'pass', why: 'SPF: ok. DKIM: ok.' });
    expect(bothPass(pass, fail, what)).toEqual({ result: 'fail', why: 'SPF: ok. DKIM: no.' });
    expect(bothPass(failedLookup, fail, what)).toEqual({ result: 'fail', why: 'SPF: lookup failed. DKIM: no.' });
  });

  it('cannot tell otherwise, and says whether a lookup failed', () => {
    expect(bothPass(pass, unseen, what)).toEqual({ result: 'not-observable', why: 'SPF: ok. DKIM: unseen.' });
    expect(bothPass(pass, failedLookup, what)).toEqual({ result: 'not-observable', why: 'SPF: ok. DKIM: lookup failed.', lookupFailed: true });
  });
});
