/**
 * "Fix these first": an audit's findings ranked by impact and grouped by fix.
 *
 * The app's result page and every report open with this list, so both put the same thing first.
 */
import type { FindingCode } from '../audit/codes';
import type { AuditResult, Finding, Severity } from '../audit/types';

/**
 * What a finding breaks, worst first: mail rejected or lost, the domain spoofable, the sender's
 * reputation (spam folder, blocklists, provider rules), or hygiene (good practice, reporting).
 */
export type Impact = 'rejected' | 'spoofable' | 'reputation' | 'hygiene';

export const IMPACT_ORDER: readonly Impact[] = ['rejected', 'spoofable', 'reputation', 'hygiene'];
const SEVERITY_ORDER: readonly Severity[] = ['critical', 'warning', 'info'];

/**
 * Every finding code's impact class. A Record over FindingCode: a code added to codes.ts without a
 * line here fails the typecheck, and test/unit/report-prioritize.test.ts pins it at run time too.
 */
export const IMPACT: Record<FindingCode, Impact> = {
  // Nothing reaches a domain that does not exist, and nothing from it is accepted.
  'domain.nxdomain': 'rejected',
  'mx.missing': 'rejected',
  'mx.null': 'hygiene',
  'mx.cname': 'rejected',
  'mx.no-address': 'rejected',
  'mx.no-ipv6': 'hygiene',

  // A permerror or temperror makes SPF fail for every message: under DMARC that is rejection.
  'spf.missing': 'spoofable',
  'spf.multiple': 'rejected',
  'spf.syntax': 'rejected',
  'spf.lookup-limit': 'rejected',
  'spf.void-limit': 'rejected',
  'spf.all-pass': 'spoofable',
  'spf.all-neutral': 'spoofable',
  'spf.ptr': 'reputation',
  'spf.include-missing': 'rejected',
  'spf.loop': 'rejected',
  'spf.temperror': 'rejected',
  'spf.macro': 'hygiene',

  'dmarc.missing': 'spoofable',
  'dmarc.multiple': 'spoofable',
  'dmarc.syntax': 'spoofable',
  'dmarc.policy-none': 'spoofable',
  'dmarc.subdomain-weaker': 'spoofable',
  'dmarc.pct': 'spoofable',
  'dmarc.no-rua': 'hygiene',
  'dmarc.rua-unauthorized': 'hygiene',
  'dmarc.rua-no-mx': 'hygiene',
  'dmarc.inherited': 'hygiene',

  'dkim.not-found': 'reputation',
  'dkim.weak-key': 'spoofable',
  'dkim.testing': 'reputation',
  'dkim.revoked': 'hygiene',
  'dkim.syntax': 'reputation',

  // An MX outside an enforced policy, or a policy that cannot be fetched, makes senders refuse delivery (RFC 8461 §5).
  'mtasts.missing': 'hygiene',
  'mtasts.syntax': 'hygiene',
  'mtasts.policy-unreachable': 'rejected',
  'mtasts.mx-mismatch': 'rejected',
  'mtasts.testing': 'hygiene',
  'tlsrpt.missing': 'hygiene',
  'tlsrpt.syntax': 'hygiene',

  'bimi.missing': 'hygiene',
  'bimi.dmarc-not-enforced': 'hygiene',
  'bimi.svg-invalid': 'hygiene',
  'bimi.no-certificate': 'hygiene',
  'bimi.syntax': 'hygiene',
  'bimi.logo-unreachable': 'hygiene',
  'bimi.certificate-invalid': 'hygiene',

  'dnssec.unsigned': 'hygiene',
  // RFC 7672 §2.2: a DANE sender that finds no matching TLSA record does not deliver.
  'dane.mismatch': 'rejected',

  'ptr.missing': 'reputation',
  'ptr.mismatch': 'reputation',

  'dnsbl.listed': 'reputation',
  'dnsbl.refused': 'hygiene',

  'smtp.unreachable': 'rejected',
  'smtp.no-starttls': 'reputation',
  'smtp.cert-invalid': 'reputation',
  'smtp.tls-old': 'reputation',

  'auth.spf-fail': 'rejected',
  'auth.dkim-fail': 'rejected',
  'auth.dmarc-fail': 'rejected',
  'auth.not-aligned': 'reputation',
  'auth.arc-fail': 'reputation',
  'auth.receiver-differs': 'hygiene',

  'header.no-message-id': 'reputation',
  'header.no-date': 'reputation',
  'header.date-skew': 'reputation',
  'header.multiple-from': 'rejected',
  'header.no-list-unsubscribe': 'reputation',
  'header.no-one-click': 'reputation',
  'header.one-click-unsigned': 'reputation',
  'header.reply-to-mismatch': 'hygiene',
  'header.display-name-spoof': 'reputation',

  'content.no-text-part': 'reputation',
  'content.gmail-clipping': 'reputation',
  'content.img-no-alt': 'hygiene',
  'content.image-heavy': 'reputation',
  'content.link-mismatch': 'reputation',
  'content.url-shortener': 'reputation',
  'content.http-link': 'hygiene',
  'content.no-unsubscribe-link': 'reputation',
  'content.no-postal-address': 'reputation',
  'content.tracking-pixel': 'hygiene',
  'content.listed-domain': 'reputation',
  // Like dnsbl.refused: nothing is wrong with the mail, the lookup could not be made.
  'content.link-lookup-failed': 'hygiene',
  // Design QA's link check: what readers meet, not what receivers decide; a chain of redirects is
  // also a pattern spam filters score.
  'link.broken': 'hygiene',
  'link.private': 'hygiene',
  'link.too-many-redirects': 'hygiene',
  'link.insecure': 'hygiene',
  'link.redirect-chain': 'reputation',
  'link.slow': 'hygiene',
  'link.utm-missing': 'hygiene',
  'link.utm-inconsistent': 'hygiene',
  'image.broken': 'hygiene',
  'image.insecure': 'hygiene',
  'image.heavy': 'hygiene',
  'image.total-weight': 'hygiene',

  // Design QA: how the email looks and reads, not whether it arrives.
  'compat.unsupported': 'hygiene',
  'compat.partial': 'hygiene',
  'a11y.missing-lang': 'hygiene',
  'a11y.img-no-alt': 'hygiene',
  'a11y.layout-table': 'hygiene',
  'a11y.heading-order': 'hygiene',
  'a11y.vague-link': 'hygiene',
  'a11y.small-text': 'hygiene',
  'a11y.low-contrast': 'hygiene',
  'a11y.all-caps': 'hygiene',
  'a11y.missing-title': 'hygiene',

  // Providers filter a sender whose complaints and bounces pass their limits; a provider delivering less is mail lost.
  'health.complaint-rate': 'reputation',
  'health.complaint-rate-elevated': 'reputation',
  'health.bounce-rate': 'reputation',
  'health.bounce-rate-elevated': 'reputation',
  'health.bounce-spike': 'reputation',
  'health.delivery-drop': 'rejected',
  'health.volume-spike': 'reputation',
  'health.unknown-users-rising': 'reputation',
};

/** One thing to do: a fix and every finding it resolves, with the worst severity and impact among them. */
export interface FixItem {
  check: string;
  severity: Severity;
  impact: Impact;
  /** The fix as the findings give it; absent when they give none. */
  fix?: string;
  findings: Finding[];
}

const impactOf = (code: FindingCode): Impact => IMPACT[code] ?? 'hygiene';
function compare(a: { severity: Severity; impact: Impact; key: string }, b: { severity: Severity; impact: Impact; key: string }): number {
  const bySeverity = SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity);
  if (bySeverity !== 0) return bySeverity;
  const byImpact = IMPACT_ORDER.indexOf(a.impact) - IMPACT_ORDER.indexOf(b.impact);
  if (byImpact !== 0) return byImpact;
  // Ties break on text, never on the order checks happened to finish in: the same result ranks the same.
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * The audit's findings as fixes, most urgent first: critical before warning before info, then by
 * impact; findings of one check with the same fix are one item.
 */
export function prioritize(result: Pick<AuditResult, 'findings'>): FixItem[] {
  const groups = new Map<string, FixItem>();
  for (const f of result.findings) {
    // A finding without a fix groups with nothing: there is no shared fix to resolve it with.
    const key = f.fix ? `${f.check}\u0000${f.fix}` : `${f.check}\u0000\u0001${f.code}\u0000${f.title}\u0000${f.detail}`;
    const impact = impactOf(f.code);
    const item = groups.get(key);
    if (!item) {
      groups.set(key, { check: f.check, severity: f.severity, impact, ...(f.fix ? { fix: f.fix } : {}), findings: [f] });
      continue;
    }
    item.findings.push(f);
    if (SEVERITY_ORDER.indexOf(f.severity) < SEVERITY_ORDER.indexOf(item.severity)) item.severity = f.severity;
    if (IMPACT_ORDER.indexOf(impact) < IMPACT_ORDER.indexOf(item.impact)) item.impact = impact;
  }
  const keyed = [...groups.values()].map((item) => {
    item.findings.sort((a, b) => compare({ ...a, impact: impactOf(a.code), key: `${a.code}\u0000${a.title}` }, { ...b, impact: impactOf(b.code), key: `${b.code}\u0000${b.title}` }));
    const [first] = item.findings as [Finding, ...Finding[]];
    return { ...item, key: `${first.code}\u0000${item.fix ?? ''}\u0000${first.title}` };
  });
  return keyed.sort(compare).map(({ key: _key, ...item }) => item);
}
