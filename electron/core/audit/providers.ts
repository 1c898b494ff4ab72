/**
 * Provider scorecards: Gmail, Yahoo and Outlook.com sender requirements, item by item.
 *
 * The rules are data (resources/provider-rules.json, with each provider's page and effective date);
 * this module judges each item from the other checks' results. Many requirements live in messages or
 * in the provider's own statistics, not in DNS: those items say `not-observable` and why, rather than
 * guessing.
 *
 * The scorecards raise no findings: every failed item restates a finding another check already
 * raised (spf.missing, dmarc.missing, ptr.missing, ...), and counting it twice would distort the
 * score. Status: `warn` when any item fails, `pass` when none fails and at least one passes, `info`
 * when nothing could be judged.
 */
import rulesJson from '../../../resources/provider-rules.json' with { type: 'json' };
import { bothPass, eitherPasses } from '../../shared/combine-verdicts';
import type { AuditContext, CheckOutput } from './context';
import type {
  AuditChecks,
  CheckId,
  DkimCheck,
  DmarcCheck,
  MxCheck,
  ProviderRequirement,
  ProviderScorecard,
  PtrCheck,
  SmtpCheck,
  SpfCheck,
} from './types';

export type RuleTest =
  | 'spf'
  | 'dkim'
  | 'spf-or-dkim'
  | 'spf-and-dkim'
  | 'dmarc-published'
  | 'dmarc-alignment'
  | 'ptr'
  | 'tls'
  | 'spam-rate'
  | 'format'
  | 'unsubscribe'
  | 'sender-address'
  | 'list-hygiene';

export interface ProviderRules {
  scorecards: {
    provider: ProviderScorecard['provider'];
    audience: ProviderScorecard['audience'];
    title: string;
    source: { url: string; title: string; effective: string };
    items: { id: string; test: RuleTest; requirement: string }[];
  }[];
}

export const PROVIDER_RULES = rulesJson as unknown as ProviderRules;

/** What the scorecards are judged from; a check that is not registered or did not run is undefined. */
export interface Evidence {
  domain: string;
  mx?: MxCheck;
  spf?: SpfCheck;
  dmarc?: DmarcCheck;
  dkim?: DkimCheck;
  ptr?: PtrCheck;
  smtp?: SmtpCheck;
}

/** `lookupFailed`: the item could not be judged because a lookup failed (kept out of the result). */
type Verdict = Pick<ProviderRequirement, 'result' | 'why'> & { lookupFailed?: true };

const notObservable = (why: string): Verdict => ({ result: 'not-observable', why });
const lookupFailed = (why: string): Verdict => ({ result: 'not-observable', why, lookupFailed: true });

function judgeSpf(e: Evidence): Verdict {
  const spf = e.spf;
  if (!spf) return notObservable('The SPF check did not run.');
  if (spf.status === 'error' && !spf.record) return lookupFailed(`The SPF lookup failed (${spf.error ?? 'error'}), so the record is unknown.`);
  if (spf.status === 'error') {
    return lookupFailed(`SPF record published ("${spf.record}"), but lookups its evaluation needs failed (${spf.error ?? 'error'}): receivers meeting the same failure get temperror, not pass (see spf.temperror).`);
  }
  if (spf.records.length === 0) return { result: 'fail', why: `${e.domain} publishes no SPF record (see spf.missing).` };
  if (spf.records.length > 1) return { result: 'fail', why: `${e.domain} publishes ${spf.records.length} SPF records: receivers treat that as a permanent error (RFC 7208 §4.5).` };
  if (spf.status === 'fail') return { result: 'fail', why: `The SPF record "${spf.record ?? ''}" has a critical problem (see the SPF findings): it does not authenticate your mail as intended.` };
  return { result: 'pass', why: `SPF record published: "${spf.record ?? ''}". Whether a given message passes also depends on its sending IP being in the record.` };
}

function judgeDkim(e: Evidence): Verdict {
  const dkim = e.dkim;
  if (!dkim) return notObservable('DKIM key discovery is not part of this audit, so DKIM cannot be judged here; check a signed message instead.');
  if (dkim.status === 'skipped') return notObservable(`DKIM discovery did not run${dkim.skipped ? ` (${dkim.skipped})` : ''}.`);
  // A usable key is a pass whatever else failed: the rule asks for a key, and one is there.
  const usable = dkim.selectors.filter((s) => !s.revoked && s.keyBits !== null);
  if (usable.length > 0) {
    return { result: 'pass', why: `DKIM key published at ${usable.map((s) => `${s.selector}._domainkey.${e.domain} (${s.keyType}${s.keyBits ? ` ${s.keyBits}` : ''})`).join(', ')}. Whether messages are signed with it shows only in a message.` };
  }
  if ((dkim.failed ?? []).length > 0) return lookupFailed(`No DKIM key found, but lookups failed at ${dkim.failed?.map((f) => f.selector).join(', ')}: a key may exist there.`);
  if (dkim.status === 'error') return lookupFailed(`The DKIM lookups failed (${dkim.error ?? 'error'}), so the keys are unknown.`);
  return {
    result: 'fail',
    why: `No usable DKIM key at the ${dkim.tried.length} selectors tried${dkim.tried.length ? ` (${dkim.tried.slice(0, 8).join(', ')}${dkim.tried.length > 8 ? ', ...' : ''})` : ''}. DNS cannot list selectors: if you sign with another one, name it (--selectors) and audit again.`,
  };
}

function judgeDmarc(e: Evidence): Verdict {
  const dmarc = e.dmarc;
  if (!dmarc) return notObservable('The DMARC check did not run.');
  // With a record and a policy, a DMARC error is about something else (report addresses, the organizational domain).
  if (dmarc.status === 'error' && !dmarc.record) return lookupFailed(`The DMARC lookup failed (${dmarc.error ?? 'error'}), so the record is unknown.`);
  if (dmarc.record && dmarc.policy) {
    const where = dmarc.inherited ? ` (inherited from ${dmarc.recordDomain ?? 'a parent domain'})` : '';
    return { result: 'pass', why: `DMARC record published${where} with policy ${dmarc.policy}: "${dmarc.record}".` };
  }
  if (dmarc.walk.some((s) => s.outcome === 'multiple')) return { result: 'fail', why: 'More than one DMARC record at one name: receivers discard them all (see dmarc.multiple).' };
  if (dmarc.record) return { result: 'fail', why: `The DMARC record "${dmarc.record}" gives no valid policy (see dmarc.syntax).` };
  return { result: 'fail', why: `No DMARC record applies to ${e.domain} (see dmarc.missing).` };
}

function judgeAlignment(e: Evidence): Verdict {
  const none = e.dmarc && !e.dmarc.record ? ' With no DMARC record, receivers do not evaluate alignment at all.' : '';
  return notObservable(
    `Alignment compares the From: domain of a message with the domain SPF checked (its Return-Path) and the d= domain of its DKIM signature. Those are in each message, not in DNS: send a test message and read its Authentication-Results header (dmarc=pass).${none}`,
  );
}

function judgePtr(e: Evidence): Verdict {
  const ptr = e.ptr;
  if (!ptr) return notObservable('The reverse-DNS check did not run.');
  const sending = ptr.addresses.filter((a) => a.source === 'sending');
  const mx = ptr.addresses.filter((a) => a.source === 'mx' && !a.error);
  if (sending.length === 0) {
    const mxNote = mx.length > 0 ? ` Of the MX addresses, ${mx.filter((a) => a.forwardConfirmed).length} of ${mx.length} have forward-confirmed reverse DNS; that counts only if those servers also send.` : '';
    return notObservable(`The addresses that send your mail are not in DNS: audit again with --sending-ip <address> to check their reverse DNS.${mxNote}`);
  }
  const bad = sending.filter((a) => !a.error && !a.forwardConfirmed);
  if (bad.length > 0) {
    return { result: 'fail', why: `No forward-confirmed reverse DNS for ${bad.map((a) => `${a.ip} (${a.ptr.length ? `PTR ${a.ptr.join(', ')} does not resolve back` : 'no PTR'})`).join(', ')}.` };
  }
  const failed = sending.filter((a) => a.error);
  if (failed.length > 0) return lookupFailed(`The PTR lookup failed for ${failed.map((a) => `${a.ip} (${a.error})`).join(', ')}.`);
  return { result: 'pass', why: `Every sending IP has forward-confirmed reverse DNS: ${sending.map((a) => `${a.ip} -> ${a.ptr[0] ?? ''}`).join(', ')}.` };
}

function judgeTls(e: Evidence): Verdict {
  const what =
    'The rule is about the connections your servers open when they send to the provider; the audit can only probe your MX hosts, which receive mail. An MX that offers STARTTLS suggests, but does not prove, that your outgoing mail uses TLS: the Received header of a delivered message shows it (Gmail: "Show original").';
  const smtp = e.smtp;
  if (!smtp) return notObservable(`${what} SMTP probing is not part of this audit.`);
  if (smtp.status === 'skipped') return notObservable(`${what} The SMTP probe did not run${smtp.skipped ? ` (${smtp.skipped})` : ''}.`);
  const reached = smtp.hosts.filter((h) => !h.error || h.starttls);
  if (reached.length === 0) return notObservable(`${what} No MX host answered the probe.`);
  const tls = reached.filter((h) => h.starttls);
  const versions = [...new Set(tls.map((h) => h.tls?.version).filter(Boolean))].join(', ');
  return notObservable(`${what} Observed: ${tls.length} of ${reached.length} MX hosts probed offer STARTTLS${versions ? ` (${versions})` : ''}.`);
}

const SPAM_RATE_TOOL: Record<ProviderScorecard['provider'], string> = {
  google: 'Google Postmaster Tools (postmaster.google.com), after verifying the domain',
  yahoo: "Yahoo's Complaint Feedback Loop (senders.yahooinc.com)",
  microsoft: 'Microsoft SNDS and JMRP (sendersupport.olc.protection.outlook.com)',
};

function judgeSpamRate(provider: ProviderScorecard['provider']): Verdict {
  return notObservable(
    `The spam rate is the share of your mail that the provider's users report as spam; only the provider knows it, and nothing about it is in DNS. Read it in ${SPAM_RATE_TOOL[provider]}.`,
  );
}

function judgeSenderAddress(e: Evidence): Verdict {
  const mx = e.mx;
  const note = !mx
    ? ''
    : mx.nullMx
      ? ` Note: ${e.domain} publishes a null MX, so replies to addresses at it cannot be delivered.`
      : mx.hosts.length > 0
        ? ` ${e.domain} has MX hosts, so addresses at it can receive replies if the mailboxes exist.`
        : ` Note: ${e.domain} has no MX record, so replies to addresses at it may not be delivered.`;
  return notObservable(`From and Reply-To are in each message, and whether a mailbox exists is not in DNS.${note}`);
}

function judge(test: RuleTest, provider: ProviderScorecard['provider'], e: Evidence): Verdict {
  switch (test) {
    case 'spf':
      return judgeSpf(e);
    case 'dkim':
      return judgeDkim(e);
    case 'spf-or-dkim':
      return eitherPasses(judgeSpf(e), judgeDkim(e), ['SPF', 'DKIM']);
    case 'spf-and-dkim':
      return bothPass(judgeSpf(e), judgeDkim(e), ['SPF', 'DKIM']);
    case 'dmarc-published':
      return judgeDmarc(e);
    case 'dmarc-alignment':
      return judgeAlignment(e);
    case 'ptr':
      return judgePtr(e);
    case 'tls':
      return judgeTls(e);
    case 'spam-rate':
      return judgeSpamRate(provider);
    case 'format':
      return notObservable(
        'RFC 5322 format (one From, a Date, a Message-ID, valid header syntax) is a property of each message; DNS says nothing about it. Analyse a sent message to check it.',
      );
    case 'unsubscribe':
      return notObservable(
        'One-click unsubscribe is a pair of headers in each marketing message (List-Unsubscribe with an https URI and List-Unsubscribe-Post: List-Unsubscribe=One-Click, RFC 8058 §3.1) and a link in its body; none of it is in DNS. Analyse a sent marketing message to check it.',
      );
    case 'sender-address':
      return judgeSenderAddress(e);
    case 'list-hygiene':
      return notObservable('Bounce and invalid-address rates are in your own sending logs and the provider\'s statistics (Microsoft SNDS), not in DNS.');
    default:
      return notObservable(`No rule evaluates "${String(test)}".`);
  }
}

/** The scorecards judged from the evidence: pure, so every rule can be tested without DNS. */
export function scorecards(e: Evidence, rules: ProviderRules = PROVIDER_RULES): ProviderScorecard[] {
  return rules.scorecards.map((card) => ({
    provider: card.provider,
    audience: card.audience,
    title: card.title,
    source: card.source,
    items: card.items.map((item) => {
      const { result, why } = judge(item.test, card.provider, e);
      return { id: item.id, requirement: item.requirement, result, why };
    }),
  }));
}

/** The items that could not be judged because a lookup failed, by id. */
export function unjudged(e: Evidence, rules: ProviderRules = PROVIDER_RULES): string[] {
  return rules.scorecards.flatMap((card) => card.items.filter((item) => judge(item.test, card.provider, e).lookupFailed).map((item) => item.id));
}

/** Another check's result, or undefined when it is not registered in this build or failed to run. */
async function optional<K extends CheckId>(ctx: AuditContext, id: K): Promise<AuditChecks[K] | undefined> {
  try {
    // need() throws at once for a check that is not registered (dkim or smtp may not be yet).
    return await ctx.need(id);
  } catch {
    return undefined;
  }
}

export async function checkProviders(ctx: AuditContext): Promise<CheckOutput<'providers'>> {
  const [mx, spf, dmarc, dkim, ptr, smtp] = await Promise.all([
    optional(ctx, 'mx'),
    optional(ctx, 'spf'),
    optional(ctx, 'dmarc'),
    optional(ctx, 'dkim'),
    optional(ctx, 'ptr'),
    optional(ctx, 'smtp'),
  ]);
  const evidence: Evidence = {
    domain: ctx.domain,
    ...(mx ? { mx } : {}),
    ...(spf ? { spf } : {}),
    ...(dmarc ? { dmarc } : {}),
    ...(dkim ? { dkim } : {}),
    ...(ptr ? { ptr } : {}),
    ...(smtp ? { smtp } : {}),
  };
  const cards = scorecards(evidence);
  const items = cards.flatMap((c) => c.items);
  // An item left open by a failed lookup might fail: the scorecards cannot pass, or be only information.
  const open = unjudged(evidence);
  if (open.length > 0) {
    const checks = (['spf', 'dkim', 'dmarc', 'ptr'] as const).filter((id) => evidence[id]?.status === 'error').map((id) => id.toUpperCase());
    const error = `${open.length} requirement${open.length === 1 ? '' : 's'} could not be judged because lookups failed (${checks.join(', ') || 'DNS'}): ${open.join(', ')}`;
    return { check: { status: 'error', error, scorecards: cards }, findings: [] };
  }
  const status = items.some((i) => i.result === 'fail') ? 'warn' : items.some((i) => i.result === 'pass') ? 'pass' : 'info';
  return { check: { status, scorecards: cards }, findings: [] };
}
