/**
 * Enforcement readiness: whether the domain's DMARC policy can go one step stronger without losing
 * legitimate mail, and what that step is. Pure: it reads the classified sources and the policies.
 */
import { isPolicy, parseDmarcRecord, rewriteDmarcRecord } from '../audit/dmarc-parse';
import { NOT_LOOKED_UP } from './reverse-dns';
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
const n = (value: number) => value.toLocaleString('en-US');
const addresses = (count: number) => `${n(count)} ${count === 1 ? 'address' : 'addresses'}`;

/** An address that is not one cannot be looked up ever: that is an answer, not a lookup to wait for. */
const NOT_AN_ADDRESS = 'not an address';

/**
 * Unknown sources that are unknown only because their reverse DNS failed or was not asked yet: no
 * catalogue sender matched, and no address of theirs has a name. With the names, some could turn
 * out to be the domain's own servers or a known sender, that is legitimate mail enforcement would hurt.
 */
function unidentifiedOf(sources: readonly ReportSource[]): Readiness['unidentified'] {
  let messages = 0;
  let failing = 0;
  let failed = 0;
  let pending = 0;
  for (const s of sources) {
    if (s.class !== 'unknown' || s.sender || s.addresses.length === 0) continue;
    if (!s.addresses.every((a) => a.ptrError !== undefined && a.ptrError !== NOT_AN_ADDRESS)) continue;
    messages += s.messages;
    failing += s.messages - s.dmarcPass;
    for (const a of s.addresses) {
      if (a.ptrError === NOT_LOOKED_UP) pending++;
      else failed++;
    }
  }
  return messages === 0 ? null : { messages, failing, addresses: failed + pending, failed, pending };
}

function cannotJudgeWhy(u: NonNullable<Readiness['unidentified']>): string {
  const causes = [
    ...(u.failed > 0 ? [`the reverse DNS lookup failed for ${addresses(u.failed)}`] : []),
    ...(u.pending > 0 ? [`${addresses(u.pending)} ${u.pending === 1 ? 'is' : 'are'} not looked up yet`] : []),
  ];
  const todo = u.failed > 0 ? 'Check that the resolver answers, then run the analysis again.' : 'Run the analysis again to look them up.';
  return `${n(u.messages)} ${u.messages === 1 ? 'message' : 'messages'} from ${addresses(u.addresses)} cannot be identified, because ${causes.join(' and ')}: some may be your own mail. ${todo}`;
}

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
  // The worst case: every unidentified message legitimate. A step that is safe even then is safe;
  // otherwise only the missing names can tell, and the answer waits for them (never a guess).
  const unidentified = unidentifiedOf(input.sources);
  const safeAtWorst = unidentified
    ? legitimateMessages + unidentified.messages > 0 && failing + unidentified.failing <= (legitimateMessages + unidentified.messages) * READY_FAILING_SHARE
    : ready;
  const cannotJudge = step !== null && unidentified !== null && (ready || legitimateMessages === 0) && !safeAtWorst;

  let why: string;
  if (cannotJudge) why = cannotJudgeWhy(unidentified);
  else if (legitimateMessages === 0) why = `No legitimate mail from ${input.domain} is reported in this period: import its reports first.`;
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
    ready: ready && safeAtWorst && next !== null,
    verdict: cannotJudge ? 'cannot-judge' : ready && safeAtWorst && next !== null ? 'ready' : 'not-ready',
    unidentified,
    why,
  };
}
