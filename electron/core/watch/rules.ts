/**
 * The alert rules: what changed between a watch's previous state and this check's, as alerts.
 *
 * Pure: states in, alerts out. Each rule raises one alert per change (a record that changed, a
 * listing that appeared, a selector that went) and none when nothing changed, since the state it
 * compares with is the one the previous check left. The first check of a watch has nothing to
 * compare with: it sets the baseline and raises only finding.new-critical, for the criticals present.
 */
import type { AuditResult } from '../audit/types';
import { prioritize } from '../report/prioritize';
import { PTR_RECORD, WATCHED_RECORDS } from './state';
import type { AlertDraft, AlertRule, AlertRuleSettings, CertState, WatchKind, WatchState } from './types';

export interface RuleContext {
  kind: WatchKind;
  /** The watched domain or IP. */
  target: string;
  settings: AlertRuleSettings;
  /** Rules muted for this watch. */
  muted: readonly AlertRule[];
  now: Date;
  /** The audit of this check (a domain's), for the fixes it ranks. */
  audit?: AuditResult;
}

const DAY_MS = 86_400_000;

function newCriticals(previous: WatchState | null, next: WatchState): AlertDraft[] {
  return Object.entries(next.criticals)
    .filter(([key, c]) => {
      if (!previous) return true;
      if (key in previous.criticals || !previous.ran.includes(c.check)) return false;
      // A new listing is dnsbl.listed's to say, with its list and delisting page.
      return c.code !== 'dnsbl.listed';
    })
    .map(([key, c]) => ({
      rule: 'finding.new-critical' as const,
      subject: key,
      title: c.title,
      detail: c.detail,
      ...(c.evidence ? { evidence: c.evidence } : {}),
      ...(c.fix ? { fix: c.fix } : {}),
    }));
}

function scoreDrop(previous: WatchState, next: WatchState, ctx: RuleContext): AlertDraft[] {
  if (previous.score === null || next.score === null) return [];
  const fall = previous.score - next.score;
  if (fall < ctx.settings.scoreDrop) return [];
  const first = ctx.audit ? prioritize(ctx.audit).find((item) => item.fix) : undefined;
  return [
    {
      rule: 'score.drop',
      subject: 'score',
      title: `The score of ${ctx.target} fell ${fall} points, from ${previous.score} to ${next.score}`,
      detail: `The score of ${ctx.target} fell from ${previous.score} (grade ${previous.grade}) to ${next.score} (grade ${next.grade}) since the previous check, ${fall} points where alerts start at ${ctx.settings.scoreDrop}.${
        first ? ` The first thing to fix: ${first.findings.map((f) => f.title).join('; ')}.` : ''
      }`,
      before: `${previous.score} (${previous.grade})`,
      after: `${next.score} (${next.grade})`,
      fix: first?.fix ?? `Open the audit of ${ctx.target}: its findings say what lowered the score and how to fix it.`,
    },
  ];
}

function recordChanges(previous: WatchState, next: WatchState, ctx: RuleContext): AlertDraft[] {
  const out: AlertDraft[] = [];
  const names: readonly string[] = ctx.kind === 'ip' ? [PTR_RECORD] : WATCHED_RECORDS;
  for (const what of names) {
    if (!(what in previous.records) || !(what in next.records)) continue;
    const before = previous.records[what] ?? null;
    const after = next.records[what] ?? null;
    if (before === after) continue;
    const label = what === PTR_RECORD ? `the reverse DNS (PTR) of ${ctx.target}` : `the ${what} of ${ctx.target}`;
    out.push({
      rule: 'record.changed',
      subject: what,
      title: `${label[0]?.toUpperCase()}${label.slice(1)} ${after === null ? 'is gone' : before === null ? 'appeared' : 'changed'}`,
      detail: `${label[0]?.toUpperCase()}${label.slice(1)} was ${before === null ? 'not published' : `"${before}"`} at the previous check and is ${after === null ? 'not published any more' : `"${after}"`} now.`,
      ...(before !== null ? { before } : {}),
      ...(after !== null ? { after } : {}),
      evidence: `before: ${before ?? '(none)'}\nafter: ${after ?? '(none)'}`,
      fix:
        before === null
          ? `If this record was published on purpose, nothing to do; otherwise remove it.`
          : `If this change was not made on purpose, publish the previous value again: ${before}`,
    });
  }
  if (ctx.kind === 'domain' && previous.ran.includes('dkim')) {
    const changed = Object.entries(next.selectors).filter(([name, s]) => {
      const was = previous.selectors[name];
      return !was || (was.record ?? was.key) !== (s.record ?? s.key);
    });
    if (changed.length > 0) {
      const line = (selectors: WatchState['selectors']) =>
        Object.entries(selectors)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, s]) => `${name} (${s.key})`)
          .join(', ') || '(none)';
      out.push({
        rule: 'record.changed',
        subject: 'DKIM selectors',
        title: `The DKIM keys of ${ctx.target} changed`,
        detail: `${changed.map(([name]) => (previous.selectors[name] ? `The key at ${name}._domainkey.${ctx.target} changed` : `A key appeared at ${name}._domainkey.${ctx.target}`)).join('; ')}.`,
        before: line(previous.selectors),
        after: line(next.selectors),
        evidence: changed.map(([name, s]) => `${name}._domainkey.${ctx.target} TXT ${s.record ?? s.key}`).join('\n'),
        fix: 'If the key was not rotated on purpose, check who can change your DNS, and publish the key your mail is signed with again.',
      });
    }
  }
  return out;
}

function selectorsGone(previous: WatchState, next: WatchState, ctx: RuleContext): AlertDraft[] {
  return Object.entries(previous.selectors)
    .filter(([name]) => !(name in next.selectors))
    .map(([name, was]) => ({
      rule: 'dkim.selector-gone' as const,
      subject: name,
      title: `The DKIM selector ${name} of ${ctx.target} is gone`,
      detail: `${name}._domainkey.${ctx.target} published a key (${was.key}) at the previous check and publishes none now. Mail still signed with it fails DKIM, and without SPF alignment it fails DMARC.`,
      before: was.record ?? was.key,
      evidence: `${name}._domainkey.${ctx.target} TXT: no record`,
      fix: was.record
        ? `If mail is still signed with ${name}, publish the key again: ${name}._domainkey.${ctx.target}. TXT "${was.record}"`
        : `If mail is still signed with ${name}, publish its key again at ${name}._domainkey.${ctx.target}.`,
    }));
}

function listings(previous: WatchState, next: WatchState): AlertDraft[] {
  const out: AlertDraft[] = [];
  if (!previous.ran.includes('dnsbl')) return out;
  for (const [key, now] of Object.entries(next.listings)) {
    const was = previous.listings[key];
    if (now.listed && !was?.listed) {
      out.push({
        rule: 'dnsbl.listed',
        subject: key,
        title: `${now.target} is listed on ${now.list}`,
        detail: now.detail ?? `${now.target} is listed on ${now.list} (${now.zone}), return code ${now.codes.join(', ')}: ${now.meanings.join('; ')}.`,
        before: 'not listed',
        after: `listed (${now.codes.join(', ')})`,
        evidence: now.evidence ?? `${now.zone} A ${now.codes.join(', ')}`,
        fix: now.fix ?? `Find and stop what got ${now.target} listed, then ask for delisting${now.delisting ? `: ${now.delisting}` : ''}.`,
      });
    } else if (!now.listed && was?.listed) {
      out.push({
        rule: 'dnsbl.delisted',
        subject: key,
        title: `${now.target} is no longer listed on ${now.list}`,
        detail: `${now.target} was listed on ${now.list} (${now.zone}) at the previous check (${was.codes.join(', ')}: ${was.meanings.join('; ')}) and is not listed now.`,
        before: `listed (${was.codes.join(', ')})`,
        after: 'not listed',
        evidence: `${now.zone}: no listing for ${now.target}`,
      });
    }
  }
  return out;
}

function expiring(previous: WatchState, next: WatchState, ctx: RuleContext): AlertDraft[] {
  const known = new Set(previous.expiring);
  return next.expiring
    .filter((key) => !known.has(key))
    .flatMap((entry) => {
      const key = entry.slice(0, entry.lastIndexOf('|'));
      const cert = next.certs[key] as CertState | undefined;
      if (!cert) return [];
      const days = Math.floor((Date.parse(cert.validTo) - ctx.now.getTime()) / DAY_MS);
      const when = days < 0 ? `expired on ${cert.validTo.slice(0, 10)}` : days === 0 ? 'expires today' : `expires in ${days} day${days === 1 ? '' : 's'}`;
      return [
        {
          rule: 'cert.expiring' as const,
          subject: key,
          title: `${cert.what[0]?.toUpperCase()}${cert.what.slice(1)} ${when}`,
          detail: `${cert.what[0]?.toUpperCase()}${cert.what.slice(1)} is valid until ${cert.validTo}${cert.subject ? ` (${cert.subject})` : ''}: within ${ctx.settings.certDays} days. Once it expires, ${
            key.startsWith('mx:') ? 'senders that check certificates (MTA-STS, DANE) stop delivering to this host' : key === 'mta-sts' ? 'senders cannot refresh the MTA-STS policy' : 'receivers stop showing the BIMI logo'
          }.`,
          after: cert.validTo,
          evidence: `${cert.host}: valid until ${cert.validTo}`,
          fix: `Renew the certificate of ${cert.host} before ${cert.validTo.slice(0, 10)}, and check that the server presents the new one (automatic renewal, such as ACME, avoids this).`,
        },
      ];
    });
}

/**
 * The alerts of one check: `previous` is the state the last check left (null for the first check),
 * `next` this check's. Rules turned off in the settings or muted for the watch raise nothing.
 */
export function evaluateRules(previous: WatchState | null, next: WatchState, ctx: RuleContext): AlertDraft[] {
  const drafts = previous
    ? [
        ...newCriticals(previous, next),
        ...scoreDrop(previous, next, ctx),
        ...recordChanges(previous, next, ctx),
        ...selectorsGone(previous, next, ctx),
        ...listings(previous, next),
        ...expiring(previous, next, ctx),
      ]
    : newCriticals(null, next);
  const silent = new Set<AlertRule>([...ctx.settings.off, ...ctx.muted]);
  return drafts.filter((d) => !silent.has(d.rule));
}
