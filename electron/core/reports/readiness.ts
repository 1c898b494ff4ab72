/**
 * Enforcement readiness: whether the domain's DMARC policy can go one step stronger without losing
 * legitimate mail, and what that step is. Pure: it reads the classified sources and the policies.
 */
import { isPolicy, parseDmarcRecord, rewriteDmarcRecord } from '../audit/dmarc-parse';
import type { DateRange, Readiness, ReadinessPolicy, ReportSource } from './types';

/** A step is safe when at most this share of legitimate mail fails DMARC (it would be quarantined or rejected). */
export const READY_FAILING_SHARE = 0.02;

type Step = { policy: 'none' | 'quarantine' | 'reject'; pct: number; testing: boolean };

/**
 * The ladder, one rung at a time: each stronger policy first with pct=25 and t=y (RFC 7489 receivers
 * apply it to a quarter of failing mail; DMARCbis receivers, which drop pct, apply the next milder
 * policy in test mode), then whole.
 */
function nextStep(current: Step): Step | null {
  const partial = current.pct < 100 || current.testing;
  if (current.policy === 'none') return { policy: 'quarantine', pct: 25, testing: true };
  if (current.policy === 'quarantine') return partial ? { policy: 'quarantine', pct: 100, testing: false } : { policy: 'reject', pct: 25, testing: true };
  return partial ? { policy: 'reject', pct: 100, testing: false } : null;
}

export interface ReadinessInput extends DateRange {
  domain: string;
  sources: readonly ReportSource[];
  policy: ReadinessPolicy;
}

const share = (part: number, whole: number) => `${whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10}%`;

export function assessReadiness(input: ReadinessInput): Readiness {
  const legit = input.sources.filter((s) => s.class !== 'unknown');
  const legitimateMessages = legit.reduce((n, s) => n + s.messages, 0);
  const legitimatePass = legit.reduce((n, s) => n + s.dmarcPass, 0);
  const unknownMessages = input.sources.filter((s) => s.class === 'unknown').reduce((n, s) => n + s.messages, 0);
  const hurt = legit
    .filter((s) => s.messages > s.dmarcPass)
    .map((s) => ({ organization: s.organization, class: s.class, failing: s.messages - s.dmarcPass, ...(s.fix ? { fix: s.fix } : {}) }))
    .sort((a, b) => b.failing - a.failing || a.organization.localeCompare(b.organization));

  // The policy now: the audited record when there is one (what is published), else the latest report's.
  const audited = input.policy.audited?.record ? parseDmarcRecord(input.policy.audited.record).tags : null;
  const reported = input.policy.reported;
  const p = (audited?.p ?? reported?.p ?? 'none').toLowerCase();
  const pctText = audited ? audited.pct : reported?.pct?.toString();
  const current: Step = {
    policy: isPolicy(p) ? p : 'none',
    pct: pctText !== undefined && /^\d{1,3}$/.test(pctText) ? Math.min(100, Number(pctText)) : 100,
    testing: (audited?.t ?? reported?.testing ?? 'n').toLowerCase() === 'y',
  };
  const step = nextStep(current);
  const failing = legitimateMessages - legitimatePass;
  const passShare = legitimateMessages === 0 ? 0 : legitimatePass / legitimateMessages;
  const ready = legitimateMessages > 0 && failing <= legitimateMessages * READY_FAILING_SHARE;

  let why: string;
  if (legitimateMessages === 0) why = `No legitimate mail from ${input.domain} is reported in this period: import its reports first.`;
  else if (!step) why = `${input.domain} is at p=reject already; ${share(legitimatePass, legitimateMessages)} of its legitimate mail passes DMARC.`;
  else if (ready) why = `${share(legitimatePass, legitimateMessages)} of legitimate mail passes DMARC: the next step loses at most ${share(failing, legitimateMessages)} of it.`;
  else why = `${share(failing, legitimateMessages)} of legitimate mail fails DMARC (more than ${READY_FAILING_SHARE * 100}%): fix ${hurt.slice(0, 3).map((h) => h.organization).join(', ')} first.`;

  let next: Readiness['next'] = null;
  if (step && step.policy !== 'none') {
    const changes = { p: step.policy, pct: step.pct === 100 ? null : String(step.pct), t: step.testing ? 'y' : null };
    const record = input.policy.audited?.record ? rewriteDmarcRecord(input.policy.audited.record, changes) : null;
    next = {
      policy: step.policy,
      pct: step.pct,
      testing: step.testing,
      record,
      why: step.testing
        ? `p=${step.policy} for ${step.pct}% of failing mail (pct=${step.pct}), and t=y so that receivers following DMARCbis apply the next milder policy while you watch the reports`
        : `p=${step.policy} for all failing mail`,
    };
  }
  return {
    domain: input.domain,
    since: input.since,
    until: input.until,
    legitimateMessages,
    legitimatePass,
    passShare,
    hurt,
    unknownMessages,
    current: input.policy,
    next,
    ready: ready && next !== null,
    why,
  };
}
