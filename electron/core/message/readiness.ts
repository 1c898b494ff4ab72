/**
 * The readiness summary: one message analysis scored out of 10, like mail-tester's score, with every
 * point explained.
 *
 * It reads a MessageAnalysis (a received message, a placement copy, or a draft analysed as a message)
 * and adds one network part: the sending IP and the link domains looked up on the blocklists through
 * the caller's DNS session, with the audit's lists and words. An item that could not be checked (a
 * lookup that failed, a spam filter that was not asked) is never a pass: it takes nothing off and
 * earns nothing, and the summary says how many points were left unchecked.
 *
 * It lives in message/ because it is a view of one analysis, as the providers' scorecards
 * (message-providers.ts) are, and uses the folder's own link-domain rule.
 */
import { DNSBL_LISTS, lookupBlocklists, UNTRUSTED, untrustedWords } from '../audit/dnsbl';
import type { DnsblResult, Finding } from '../audit/types';
import type { DnsSession } from '../dns/session';
import { MAX_LISTED_DOMAINS, queryableDomain } from './link-domains';
import type { DkimSignatureResult, MessageAnalysis, MessageReadiness, ReadinessItem, ReadinessStatus } from './types';

/**
 * The points of each part, 10 in all (documented in the README's readiness table).
 *
 * Authentication weighs most because Gmail, Yahoo and Microsoft reject or junk unauthenticated
 * bulk mail outright; then the filters' own verdicts and the blocklists, which decide placement
 * directly; lint and the providers' remaining bulk-sender rules weigh least.
 */
export const READINESS_WEIGHTS = {
  spf: 1,
  dkim: 1,
  dmarc: 1,
  spamFilters: 2,
  sendingIp: 1,
  linkDomains: 1,
  content: 1,
  headers: 1,
  bulkSenderRules: 1,
} as const;

export interface ReadinessOptions {
  dns: DnsSession;
  /** A Spamhaus Data Query Service key: the Spamhaus lists are asked through it. */
  spamhausDqsKey?: string;
  /**
   * The message is a draft, not yet sent: it has no sending IP, so SPF and the IP's blocklists wait
   * for the send, and DMARC is judged only where the DKIM signature already decides it.
   */
  draft?: boolean;
}

const SENT_IP = 'the sending IP is known once it is sent';

const round = (n: number) => Math.round(n * 100) / 100;

function item(area: ReadinessItem['area'], label: string, weight: number, status: ReadinessStatus, deduction: number, detail: string, fix?: string): ReadinessItem {
  return { area, label, status, weight, deduction: round(Math.min(weight, Math.max(0, deduction))), detail, ...(fix ? { fix } : {}) };
}

function spfItem(a: MessageAnalysis, draft: boolean): ReadinessItem {
  const w = READINESS_WEIGHTS.spf;
  const spf = a.auth.spf;
  if (draft) return item('authentication', 'SPF', w, 'not-run', 0, `Checked once sent: SPF vouches for the server a message leaves from, and ${SENT_IP}.`);
  const who = spf.domain ? ` for ${spf.domain}` : '';
  const fix = `Publish an SPF record${spf.domain ? ` at ${spf.domain}` : ' at the envelope sender\'s domain'} that includes every server and service that sends for it (RFC 7208).`;
  if (!a.envelope.ip && (spf.result === 'none' || spf.result === 'temperror')) {
    return item('authentication', 'SPF', w, 'not-run', 0, 'The sending IP is unknown: no Received header names one from outside the receiving server (a draft has none), so SPF cannot be evaluated.');
  }
  if (spf.result === 'pass') return item('authentication', 'SPF', w, 'pass', 0, `SPF passed${who}${a.envelope.ip ? ` from ${a.envelope.ip}` : ''}.`);
  if (spf.result === 'temperror') return item('authentication', 'SPF', w, 'error', 0, `SPF could not be evaluated${who}: a temporary DNS error${spf.comment ? ` (${spf.comment})` : ''}.`, 'Check again once DNS answers.');
  if (spf.result === 'softfail' || spf.result === 'neutral') return item('authentication', 'SPF', w, 'warn', w / 2, `SPF ${spf.result}${who}${a.envelope.ip ? ` from ${a.envelope.ip}` : ''}: the record does not vouch for this server.`, fix);
  return item('authentication', 'SPF', w, 'fail', w, spf.result === 'none' ? `No SPF result${who}: the domain publishes no SPF record.` : `SPF ${spf.result}${who}${spf.comment ? ` (${spf.comment})` : ''}.`, fix);
}

/** One word for all signatures: an aligned pass wins, then any pass, then a temporary error. */
function dkimOverallResult(sigs: readonly DkimSignatureResult[]): 'pass' | 'unaligned' | 'temperror' | 'fail' {
  if (sigs.some((s) => s.result === 'pass' && s.aligned)) return 'pass';
  if (sigs.some((s) => s.result === 'pass')) return 'unaligned';
  return sigs.length > 0 && sigs.every((s) => s.result === 'temperror') ? 'temperror' : 'fail';
}

function dkimItem(a: MessageAnalysis): ReadinessItem {
  const w = READINESS_WEIGHTS.dkim;
  const fix = `Sign every message with a DKIM key whose d= is ${a.summary.fromDomain ?? 'the From domain'} (or its organisational domain), and publish the key in DNS.`;
  const overall = dkimOverallResult(a.auth.dkim);
  const sigs = a.auth.dkim;
  if (overall === 'pass') return item('authentication', 'DKIM', w, 'pass', 0, `DKIM passed and aligns with the From domain: ${sigs.filter((s) => s.result === 'pass' && s.aligned).map((s) => `d=${s.domain} s=${s.selector}`).join(', ')}.`);
  if (overall === 'unaligned') return item('authentication', 'DKIM', w, 'warn', w / 2, `DKIM passed, but for ${sigs.filter((s) => s.result === 'pass').map((s) => s.domain).join(', ')}, which does not align with the From domain: DMARC cannot use it.`, fix);
  if (sigs.length === 0) return item('authentication', 'DKIM', w, 'fail', w, 'The message carries no DKIM signature.', fix);
  if (a.headersOnly) return item('authentication', 'DKIM', w, 'not-run', 0, 'Only headers were given: the signatures cannot be verified without the body.');
  if (overall === 'temperror') return item('authentication', 'DKIM', w, 'error', 0, 'The DKIM keys could not be fetched (a temporary DNS error).', 'Check again once DNS answers.');
  return item('authentication', 'DKIM', w, 'fail', w, `No DKIM signature verifies: ${sigs.map((s) => `d=${s.domain} s=${s.selector}: ${s.result}`).join('; ')}.`, 'See the Authentication part: what broke each signature, and whether the key in DNS matches the signing key.');
}

function dmarcItem(a: MessageAnalysis, draft: boolean): ReadinessItem {
  const w = READINESS_WEIGHTS.dmarc;
  const d = a.auth.dmarc;
  const domain = d.domain ?? a.summary.fromDomain ?? 'the From domain';
  if (d.result === 'pass' && !draft) return item('authentication', 'DMARC', w, 'pass', 0, `DMARC passed for ${domain}${d.policy ? ` (policy ${d.policy})` : ''}.`);
  if (d.result === 'temperror') return item('authentication', 'DMARC', w, 'error', 0, `The DMARC record of ${domain} could not be fetched (a temporary DNS error).`, 'Check again once DNS answers.');
  if (d.result === 'none' || !d.policy) {
    return item('authentication', 'DMARC', w, 'fail', w, `${domain} publishes no DMARC record: Gmail and Yahoo require one from bulk senders.`, `Publish a DMARC record at _dmarc.${domain}, starting with "v=DMARC1; p=none; rua=mailto:..." to collect reports.`);
  }
  if (draft) {
    // RFC 7489 §4.2: an aligned DKIM pass alone passes DMARC, whatever SPF says once the message is sent.
    if (dkimOverallResult(a.auth.dkim) === 'pass') return item('authentication', 'DMARC', w, 'pass', 0, `DMARC will pass for ${domain} (policy ${d.policy}) on the aligned DKIM signature alone; SPF adds its part once sent.`);
    return item('authentication', 'DMARC', w, 'not-run', 0, `Checked once sent: no aligned DKIM signature passes, so DMARC for ${domain} (policy ${d.policy}) rests on SPF, and ${SENT_IP}.`, 'Sign with a DKIM key aligned with the From domain: DMARC then passes before SPF is known.');
  }
  return item('authentication', 'DMARC', w, 'fail', w, `DMARC ${d.result} for ${domain} (policy ${d.policy}): neither SPF nor DKIM passed aligned with the From domain.`, 'Make SPF or DKIM pass for a domain aligned with the From address: see the SPF and DKIM items.');
}

function spamFilterItems(a: MessageAnalysis): ReadinessItem[] {
  const total = READINESS_WEIGHTS.spamFilters;
  if (!a.spam || a.spam.length === 0) {
    return [item('spam-filters', 'Spam filters', total, 'not-run', 0, 'No local spam filter (SpamAssassin, rspamd) was asked about this message: their verdict is unknown, not a pass.', 'Configure SpamAssassin or rspamd under Spam filters, then check again.')];
  }
  const w = total / a.spam.length;
  return a.spam.map((r) => {
    const label = r.filter === 'spamassassin' ? 'SpamAssassin' : 'rspamd';
    if (r.verdict === 'error') return item('spam-filters', label, w, 'error', 0, `${label} did not answer: ${r.error}`, `Check that ${label} is running and reachable, then check again.`);
    const worst = [...r.rules].filter((x) => x.score > 0).sort((x, y) => y.score - x.score).slice(0, 3);
    const rules = worst.length ? ` Rules that scored most: ${worst.map((x) => `${x.name} (${x.score}): ${x.description}`).join('; ')}.` : '';
    if (r.verdict === 'spam') return item('spam-filters', label, w, 'fail', w, `${label} calls it spam: ${r.score} of ${r.threshold}.${rules}`, 'Fix what the rules that scored most point at (authentication, content, links), then check again.');
    if (r.score > r.threshold / 2) return item('spam-filters', label, w, 'warn', w / 2, `${label} calls it ham, but with ${r.score} of ${r.threshold}: more than half way to spam.${rules}`, 'Lower the score: fix what the rules that scored most point at.');
    return item('spam-filters', label, w, 'pass', 0, `${label} calls it ham: ${r.score} of ${r.threshold}.`);
  });
}

/** A blocklist item from its lookups: listed fails, a failed or refused lookup is an error, never clean. */
function blocklistItem(label: string, weight: number, what: string, results: readonly DnsblResult[]): ReadinessItem {
  const listed = results.filter((r) => r.listed);
  if (listed.length) {
    const lists = [...new Set(listed.map((r) => `${r.target} on ${r.list}`))];
    return item('blocklists', label, weight, 'fail', weight, `Listed: ${lists.join('; ')} (${listed.flatMap((r) => r.meanings).slice(0, 3).join('; ')}).`, `Find and stop the cause first (a compromised account, a bad list source), then ask for delisting: ${[...new Set(listed.map((r) => r.delisting).filter(Boolean))].join(', ')}.`);
  }
  const unknown = results.filter((r) => r.error || r.refused);
  if (unknown.length) {
    const failed = unknown.filter((r) => r.error !== UNTRUSTED);
    // "Not listed" from a list whose test entry did not answer (RFC 5782 §5): the resolver may have said it.
    const untrusted = [...new Set(unknown.filter((r) => r.error === UNTRUSTED).map((r) => r.list))];
    const untrustedCount = unknown.length - failed.length;
    const said = [
      ...(failed.length ? [`${failed.length} of ${results.length} lookups of ${what} did not answer (${[...new Set(failed.map((r) => `${r.list}: ${r.error ?? 'refused'}`))].slice(0, 4).join('; ')})`] : []),
      ...(untrusted.length
        ? [
            `${untrustedCount} of ${results.length} lookups of ${what} cannot be trusted (${
              untrusted.length === 1 ? untrustedWords(untrusted[0] as string) : `${untrusted.join(', ')} did not list their own test entries through this resolver: their answers cannot be trusted`
            })`,
          ]
        : []),
    ];
    const spamhaus = untrusted.some((name) => DNSBL_LISTS.find((l) => l.name === name)?.dqsZone);
    return item(
      'blocklists',
      label,
      weight,
      'error',
      0,
      `${said.join('; ')}: the result is unknown, not clean.`,
      untrusted.length
        ? `Check again through a resolver the lists accept (your own recursive resolver, not a public or filtered one)${spamhaus ? ', or with a Spamhaus DQS key' : ''}.`
        : 'Check again through a resolver that the lists answer (your own recursive resolver, not a public one).',
    );
  }
  return item('blocklists', label, weight, 'pass', 0, `${what} is on none of the ${new Set(results.map((r) => r.list)).size} lists looked up.`);
}

/** Findings of one part as an item: a critical finding fails it, warnings take a quarter point each. */
function lintItem(area: 'content' | 'headers', label: string, weight: number, findings: readonly Finding[]): ReadinessItem {
  const critical = findings.filter((f) => f.severity === 'critical');
  const warnings = findings.filter((f) => f.severity === 'warning');
  const first = critical[0] ?? warnings[0];
  if (critical.length) return item(area, label, weight, 'fail', weight, `${critical.length} critical, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}: ${critical.map((f) => f.title).slice(0, 3).join('; ')}.`, first?.fix);
  if (warnings.length) return item(area, label, weight, 'warn', 0.25 * warnings.length, `${warnings.length} warning${warnings.length === 1 ? '' : 's'}: ${warnings.map((f) => f.title).slice(0, 3).join('; ')}.`, first?.fix);
  return item(area, label, weight, 'pass', 0, 'Nothing to fix.');
}

function bulkRulesItem(a: MessageAnalysis): ReadinessItem {
  const w = READINESS_WEIGHTS.bulkSenderRules;
  const failing = new Map<string, string>();
  for (const card of a.providers) {
    // The bulk-only rules bind a message that looks like bulk mail; the rules for all senders bind every message.
    if (card.audience === 'bulk' && !a.summary.bulk) continue;
    for (const req of card.items) if (req.result === 'fail' && !failing.has(req.requirement)) failing.set(req.requirement, req.why);
  }
  if (a.providers.length === 0) return item('bulk-sender-rules', 'Bulk-sender rules', w, 'not-run', 0, 'The providers\' rules were not judged for this analysis.');
  if (failing.size === 0) return item('bulk-sender-rules', 'Bulk-sender rules', w, 'pass', 0, `Every rule of Gmail, Yahoo and Microsoft that the message can show is met${a.summary.bulk ? ' (as bulk mail)' : ''}.`);
  const list = [...failing.keys()];
  return item('bulk-sender-rules', 'Bulk-sender rules', w, 'fail', 0.25 * list.length, `${list.length} rule${list.length === 1 ? '' : 's'} not met: ${list.slice(0, 4).join('; ')}.`, 'See the Provider rules part: each rule says why it failed and what the provider asks for.');
}

function explain(score: number, items: readonly ReadinessItem[], unchecked: number): string {
  const off = items.filter((i) => i.deduction > 0).sort((x, y) => y.deduction - x.deduction);
  const lost = off.length ? `${round(10 - score)} point${10 - score === 1 ? '' : 's'} off: ${off.map((i) => `${i.label} ${i.status} (−${i.deduction})`).join(', ')}` : 'nothing took points off';
  const notChecked = items.filter((i) => i.status === 'error' || i.status === 'not-run');
  const open = unchecked > 0 ? `; ${unchecked} point${unchecked === 1 ? '' : 's'} not checked (${notChecked.map((i) => `${i.label}: ${i.status === 'error' ? 'no answer' : 'not run'}`).join(', ')}), so the score is at best as good as it looks` : '';
  return `${score} of 10: ${lost}${open}.`;
}

/** Scores one analysis out of 10 and explains every point; the blocklists are looked up through `dns`. */
export async function messageReadiness(a: MessageAnalysis, options: ReadinessOptions): Promise<MessageReadiness> {
  const ip = a.envelope.ip;
  const domains = a.content ? [...new Set(a.content.links.map((l) => (l.domain ? queryableDomain(l.domain) : null)).filter((d): d is string => d !== null))].slice(0, MAX_LISTED_DOMAINS) : [];
  const lookups = await lookupBlocklists(options.dns, { ips: ip && !options.draft ? [ip] : [], domains }, options.spamhausDqsKey);
  const draft = options.draft === true;
  const ipItem = draft
    ? item('blocklists', 'Sending IP', READINESS_WEIGHTS.sendingIp, 'not-run', 0, `Not looked up: a draft has not been sent, and ${SENT_IP}.`)
    : ip
    ? blocklistItem('Sending IP', READINESS_WEIGHTS.sendingIp, `The sending IP ${ip}`, lookups.filter((r) => r.source === 'sending'))
    : item('blocklists', 'Sending IP', READINESS_WEIGHTS.sendingIp, 'not-run', 0, 'The sending IP is unknown: no Received header names one from outside the receiving server (a draft has none), so there is no address to look up.');
  const domainItem = !a.content
    ? item('blocklists', 'Link domains', READINESS_WEIGHTS.linkDomains, 'not-run', 0, 'Only headers were given: the links are in the body.')
    : domains.length === 0
      ? item('blocklists', 'Link domains', READINESS_WEIGHTS.linkDomains, 'pass', 0, 'The message links to no domain.')
      : blocklistItem('Link domains', READINESS_WEIGHTS.linkDomains, `${domains.length === 1 ? 'The link domain' : `Each of the ${domains.length} link domains`} (${domains.slice(0, 5).join(', ')}${domains.length > 5 ? ', ...' : ''})`, lookups.filter((r) => r.source === 'domain'));
  const content = a.headersOnly
    ? item('content', 'Content', READINESS_WEIGHTS.content, 'not-run', 0, 'Only headers were given: the content checks need the body.')
    : // Listed link domains count once, under the blocklists.
      lintItem('content', 'Content', READINESS_WEIGHTS.content, a.findings.filter((f) => f.check === 'content' && f.code !== 'content.listed-domain'));
  const items: ReadinessItem[] = [
    spfItem(a, draft),
    dkimItem(a),
    dmarcItem(a, draft),
    ...spamFilterItems(a),
    ipItem,
    domainItem,
    content,
    lintItem('headers', 'Headers', READINESS_WEIGHTS.headers, a.findings.filter((f) => f.check === 'header')),
    bulkRulesItem(a),
  ];
  const score = round(Math.max(0, 10 - items.reduce((sum, i) => sum + i.deduction, 0)));
  const rounded = Math.round(score * 10) / 10;
  const unchecked = round(items.filter((i) => i.status === 'error' || i.status === 'not-run').reduce((sum, i) => sum + i.weight, 0));
  return { score: rounded, outOf: 10, unchecked, explanation: explain(rounded, items, unchecked), items };
}
