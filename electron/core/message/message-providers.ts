/**
 * Provider scorecards judged on one message: what Gmail, Yahoo and Outlook.com would see in it.
 *
 * Same rules (resources/provider-rules.json) and shape as the domain audit's scorecards, but the
 * evidence is the message: its authentication results, its headers, its body and the receiving hop.
 * What a message cannot show (the spam rate, list hygiene, whether a mailbox exists) stays
 * `not-observable`, with where to look instead.
 */
import { PROVIDER_RULES, type ProviderRules, type RuleTest } from '../audit/providers';
import type { ProviderRequirement, ProviderScorecard } from '../audit/types';
import { bothPass, eitherPasses } from '../../shared/combine-verdicts';
import type { MessageAnalysis } from './types';

type Analysis = Omit<MessageAnalysis, 'providers'>;
type Verdict = Pick<ProviderRequirement, 'result' | 'why'>;
type Provider = ProviderScorecard['provider'];

const notObservable = (why: string): Verdict => ({ result: 'not-observable', why });
const has = (a: Analysis, code: string) => a.findings.some((f) => f.code === code);

function judgeSpf(a: Analysis): Verdict {
  const spf = a.auth.spf;
  const who = spf.domain ? ` for ${spf.domain}` : '';
  if (spf.result === 'pass') return { result: 'pass', why: `SPF passed${who}${a.envelope.ip ? ` from ${a.envelope.ip}` : ''}.` };
  if (!a.envelope.ip) {
    return notObservable('The connecting IP is unknown (no Received header from the receiving server, and no --ip given), so SPF could not be evaluated. Give the IP with --ip to check it.');
  }
  if (spf.result === 'temperror') return notObservable(`SPF could not be evaluated${who}: a temporary DNS error (${spf.comment ?? 'temperror'}).`);
  return { result: 'fail', why: `SPF ${spf.result}${who} from ${a.envelope.ip}${spf.comment ? ` (${spf.comment})` : ''}.` };
}

function judgeDkim(a: Analysis): Verdict {
  const sigs = a.auth.dkim;
  const passing = sigs.filter((s) => s.result === 'pass');
  if (passing.length > 0) {
    return { result: 'pass', why: `DKIM passed: ${passing.map((s) => `d=${s.domain} s=${s.selector}${s.aligned ? ' (aligned with From)' : ' (not aligned with From)'}`).join(', ')}.` };
  }
  if (sigs.length === 0) return { result: 'fail', why: 'The message carries no DKIM signature.' };
  if (a.headersOnly) return notObservable(`Only headers were given: the ${sigs.length} DKIM signature${sigs.length === 1 ? '' : 's'} cannot be verified without the body.`);
  if (sigs.every((s) => s.result === 'temperror')) return notObservable('The DKIM keys could not be fetched (temporary DNS error).');
  return { result: 'fail', why: `No DKIM signature verifies: ${sigs.map((s) => `d=${s.domain} s=${s.selector}: ${s.result}${s.comment ? ` (${s.comment})` : ''}`).join('; ')}.` };
}

function judgeDmarcPublished(a: Analysis): Verdict {
  const d = a.auth.dmarc;
  const domain = d.domain ?? a.summary.fromDomain ?? 'the From domain';
  if (d.policy) return { result: 'pass', why: `${domain} publishes DMARC with policy ${d.policy}.` };
  if (d.result === 'temperror') return notObservable(`The DMARC record of ${domain} could not be fetched (temporary DNS error).`);
  if (d.result === 'permerror') return { result: 'fail', why: `The DMARC record of ${domain} is invalid${d.comment ? ` (${d.comment})` : ''}.` };
  if (!a.summary.fromDomain) return notObservable('The message has no readable From domain, so there is no DMARC record to look up.');
  return { result: 'fail', why: `${domain} publishes no DMARC record.` };
}

function judgeAlignment(a: Analysis): Verdict {
  const d = a.auth.dmarc;
  const al = d.alignment;
  if (d.result === 'pass' || al.spf || al.dkim) {
    const which = [al.spf ? 'SPF' : null, al.dkim ? 'DKIM' : null].filter(Boolean).join(' and ');
    return { result: 'pass', why: `DMARC ${d.result}${which ? `: ${which} aligned with the From domain ${d.domain ?? a.summary.fromDomain ?? ''}` : ''}.` };
  }
  if (d.result === 'temperror') return notObservable('DMARC could not be evaluated (temporary DNS error).');
  const spfPass = a.auth.spf.result === 'pass';
  const dkimPass = a.auth.dkim.filter((s) => s.result === 'pass');
  if (a.headersOnly && !spfPass && a.auth.dkim.length > 0) {
    return notObservable('Only headers were given: DKIM cannot be verified without the body, and SPF did not pass, so alignment is unknown.');
  }
  const parts = [
    spfPass ? `SPF passed for ${a.auth.spf.domain ?? 'the envelope domain'}, which is not aligned` : `SPF did not pass (${a.auth.spf.result})`,
    dkimPass.length ? `DKIM passed for ${dkimPass.map((s) => s.domain).join(', ')}, not aligned` : 'no DKIM signature passed',
  ];
  return { result: 'fail', why: `Nothing authenticates the From domain ${a.summary.fromDomain ?? ''}: ${parts.join('; ')}.` };
}

/** The hop the envelope was read from: the receiving server's own Received header. */
function trustedHop(a: Analysis) {
  return a.envelope.trustedHop === null ? undefined : a.hops.find((h) => h.index === a.envelope.trustedHop);
}

function judgePtr(a: Analysis): Verdict {
  const hop = trustedHop(a);
  const audit = a.envelope.ip ? ` Audit the domain with --sending-ip ${a.envelope.ip} to look the PTR up.` : '';
  if (!hop) return notObservable(`Reverse DNS is not part of a message; only the receiving server's Received header can show what it found, and there is none to trust here.${audit}`);
  // Postfix, Exim and Gmail write "from HELO (REVERSE-NAME [IP])"; Postfix writes "unknown" when the
  // PTR is missing or does not resolve back to the IP.
  const m = /\(\s*([a-z0-9._-]+)\s*\[([0-9a-f.:]+)\]/i.exec(hop.raw);
  if (!m) return notObservable(`The receiving hop (hop ${hop.index}) does not record a reverse DNS name.${audit}`);
  const name = (m[1] ?? '').toLowerCase();
  if (name === 'unknown') return { result: 'fail', why: `The receiving server recorded no verified reverse DNS name for ${m[2]} ("unknown" in hop ${hop.index}).` };
  return { result: 'pass', why: `The receiving server recorded the reverse DNS name ${name} for ${m[2]} (hop ${hop.index}); whether it resolves back to the IP is the receiver's judgement, not re-checked here.` };
}

function judgeTls(a: Analysis): Verdict {
  const hop = trustedHop(a);
  if (!hop) return notObservable('No receiving hop could be trusted, so how the message arrived is unknown.');
  if (hop.tls === true) return { result: 'pass', why: `The receiving hop (hop ${hop.index}${hop.by ? `, by ${hop.by}` : ''}) used TLS${hop.tlsVersion ? ` (${hop.tlsVersion})` : ''}${hop.with ? `, with ${hop.with}` : ''}.` };
  if (hop.tls === false) return { result: 'fail', why: `The receiving hop (hop ${hop.index}${hop.by ? `, by ${hop.by}` : ''}) was without TLS${hop.with ? ` (with ${hop.with})` : ''}.` };
  return notObservable(`The receiving hop (hop ${hop.index}) does not say whether TLS was used.`);
}

const SPAM_RATE_TOOL: Record<Provider, string> = {
  google: 'Google Postmaster Tools (postmaster.google.com)',
  yahoo: "Yahoo's Complaint Feedback Loop (senders.yahooinc.com)",
  microsoft: 'Microsoft SNDS and JMRP (sendersupport.olc.protection.outlook.com)',
};

function judgeFormat(a: Analysis): Verdict {
  const problems = [
    has(a, 'header.no-message-id') || !a.summary.messageId ? 'no Message-ID' : null,
    has(a, 'header.no-date') || !a.summary.date ? 'no valid Date' : null,
    has(a, 'header.multiple-from') ? 'more than one From' : null,
    !a.summary.from ? 'no From' : null,
  ].filter((p): p is string => p !== null);
  if (problems.length) return { result: 'fail', why: `RFC 5322 problems: ${problems.join(', ')} (see the header findings).` };
  return { result: 'pass', why: 'One From, a Date and a Message-ID are present. (Header syntax beyond these is not judged.)' };
}

function judgeUnsubscribe(a: Analysis, provider: Provider): Verdict {
  if (!a.summary.bulk) return notObservable('The message does not look like bulk or marketing mail (no list, bulk or email service provider headers, and not two of: a tracking pixel, an unsubscribe link, a promotional layout), and the rule applies only to marketing and subscribed messages.');
  const header = has(a, 'header.no-list-unsubscribe')
    ? 'no List-Unsubscribe header'
    : has(a, 'header.no-one-click')
      ? 'no RFC 8058 one-click unsubscribe'
      : has(a, 'header.one-click-unsigned')
        ? 'the one-click headers are not covered by a valid aligned DKIM signature'
        : null;
  const body = a.headersOnly ? undefined : has(a, 'content.no-unsubscribe-link') ? 'no unsubscribe link in the body' : null;
  if (provider === 'microsoft') {
    // Outlook asks for a functional, easy-to-find link: the header or the body one will do.
    if (!has(a, 'header.no-list-unsubscribe') || body === null) return { result: 'pass', why: `An unsubscribe ${body === null ? 'link is in the body' : 'header is present'}; whether it works cannot be seen in the message.` };
    if (body === undefined) return notObservable('No List-Unsubscribe header, and only headers were given, so the body\'s link cannot be checked.');
    return { result: 'fail', why: 'Neither a List-Unsubscribe header nor an unsubscribe link in the body.' };
  }
  const problems = [header, provider === 'google' ? body : null].filter((p): p is string => typeof p === 'string');
  if (problems.length) return { result: 'fail', why: `${problems.join('; ')} (see the header and content findings).` };
  if (provider === 'google' && body === undefined) return notObservable('One-click unsubscribe headers are fine, but only headers were given: the link in the body cannot be checked.');
  return { result: 'pass', why: `One-click unsubscribe (RFC 8058) is offered and signed${provider === 'google' ? ', and the body has an unsubscribe link' : ''}. Honouring requests within 2 days cannot be seen in a message.` };
}

function judgeSenderAddress(a: Analysis): Verdict {
  const from = a.summary.from ?? 'none';
  return notObservable(`From is ${from}; whether its mailbox (and Reply-To's) exists and receives replies cannot be seen in the message.`);
}

function judge(test: RuleTest, provider: Provider, a: Analysis): Verdict {
  switch (test) {
    case 'spf':
      return judgeSpf(a);
    case 'dkim':
      return judgeDkim(a);
    case 'spf-or-dkim':
      return eitherPasses(judgeSpf(a), judgeDkim(a), ['SPF', 'DKIM']);
    case 'spf-and-dkim':
      return bothPass(judgeSpf(a), judgeDkim(a), ['SPF', 'DKIM']);
    case 'dmarc-published':
      return judgeDmarcPublished(a);
    case 'dmarc-alignment':
      return judgeAlignment(a);
    case 'ptr':
      return judgePtr(a);
    case 'tls':
      return judgeTls(a);
    case 'spam-rate':
      return notObservable(`The spam rate is the share of your mail the provider's users report as spam; one message cannot show it. Read it in ${SPAM_RATE_TOOL[provider]}.`);
    case 'format':
      return judgeFormat(a);
    case 'unsubscribe':
      return judgeUnsubscribe(a, provider);
    case 'sender-address':
      return judgeSenderAddress(a);
    case 'list-hygiene':
      return notObservable('Bounce and invalid-address rates are in your sending logs and the provider\'s statistics (Microsoft SNDS), not in one message.');
    default:
      return notObservable(`No rule evaluates "${String(test)}".`);
  }
}

/** The tests whose verdict depends on the provider; every other test is judged once per message. */
const PER_PROVIDER: ReadonlySet<RuleTest> = new Set<RuleTest>(['spam-rate', 'unsubscribe']);

/** The Google, Yahoo and Microsoft scorecards judged on one analysed message: pure. */
export function messageScorecards(analysis: Analysis, rules: ProviderRules = PROVIDER_RULES): ProviderScorecard[] {
  // Five cards ask the same questions (SPF, DKIM, DMARC, format) over and over: answer each once.
  const verdicts = new Map<string, Verdict>();
  const verdict = (test: RuleTest, provider: Provider): Verdict => {
    const key = PER_PROVIDER.has(test) ? `${test} ${provider}` : test;
    let v = verdicts.get(key);
    if (!v) verdicts.set(key, (v = judge(test, provider, analysis)));
    return v;
  };
  return rules.scorecards.map((card) => ({
    provider: card.provider,
    audience: card.audience,
    title: card.title,
    source: card.source,
    items: card.items.map((item) => {
      const v = verdict(item.test, card.provider);
      return { id: item.id, requirement: item.requirement, result: v.result, why: v.why };
    }),
  }));
}
