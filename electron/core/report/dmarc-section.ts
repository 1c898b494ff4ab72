/**
 * The DMARC reports section of a domain's report: what the imported DMARC aggregate and TLS reports
 * say over the 30 days up to the audit (volume, pass rates, disposition, the top sources of each
 * class with their fixes, the enforcement readiness next to the audit's own DMARC record, and the
 * TLS sessions per policy). Every format writes it from the same rows.
 *
 * Like the sending health section, the range ends on the audit's own day, and nothing is looked up:
 * the sources are named from the reverse DNS answers history holds, so the same history gives the
 * same report.
 */
import { tlsPolicyName, tlsResultName } from '../../shared/tls-words';
import type { AuditResult } from '../audit/types';
import type { HistoryStore } from '../history/store';
import { reportSummary, storedSources, tlsSummary } from '../reports/analysis';
import { assessReadiness } from '../reports/readiness';
import type { SourceClass } from '../reports/types';
import { pre, tableHtml, text } from './page';

export const DMARC_DAYS = 30;

export const DMARC_TITLE = 'DMARC reports';

/** Sources shown per class, most messages first: the rest are counted, and the app and `deliverlab reports` list them all. */
export const DMARC_SOURCES_PER_CLASS = 10;

export const SOURCE_CLASSES: readonly SourceClass[] = ['compliant', 'forwarded', 'misconfigured', 'unknown'];

const CLASS_WORDS: Record<SourceClass, string> = { compliant: 'Compliant', forwarded: 'Forwarded', misconfigured: 'Misconfigured', unknown: 'Unknown' };

export interface DmarcSection {
  /** YYYY-MM-DD, both included. */
  since: string;
  until: string;
  /** The aggregate reports' totals, in messages; null when only TLS reports came in. */
  dmarc: { reports: number; messages: number; dmarcPass: number; spfAlignedPass: number; dkimAlignedPass: number; disposition: { none: number; quarantine: number; reject: number } } | null;
  /** The top sources of each class, by class, most messages first. */
  sources: { organization: string; class: SourceClass; addresses: number; messages: number; dmarcPass: number; spfAlignedPass: number; dkimAlignedPass: number; fix?: string }[];
  /** Sources left out of `sources`. */
  moreSources: number;
  /** Source addresses whose names were never looked up, or whose lookup failed: shown by their address. */
  unnamedAddresses: number;
  readiness: {
    verdict: 'ready' | 'not-ready' | 'cannot-judge';
    why: string;
    legitimateMessages: number;
    legitimatePass: number;
    unknownMessages: number;
    hurt: { organization: string; class: SourceClass; failing: number; fix?: string }[];
    /** The DMARC record the audit found. */
    published: string | null;
    next: { policy: 'quarantine' | 'reject'; pct: number; testing: boolean; record: string | null } | null;
  } | null;
  tls: { reports: number; successes: number; failures: number; policies: { type: string; successes: number; failures: number }[]; failureTypes: { type: string; sessions: number }[] } | null;
}

/** The section for an audit, or null when history holds no DMARC or TLS report of its domain in the 30 days up to it. */
export function dmarcSectionFor(store: HistoryStore, result: AuditResult): DmarcSection | null {
  const at = new Date(result.startedAt);
  if (Number.isNaN(at.getTime())) return null;
  const range = { domain: result.domain, since: `${DMARC_DAYS}d` };
  const summary = reportSummary(store, range, at);
  const tls = tlsSummary(store, range, at);
  if (summary.reports === 0 && tls.reports === 0) return null;
  let dmarc: DmarcSection['dmarc'] = null;
  const sources: DmarcSection['sources'] = [];
  let moreSources = 0;
  let unnamedAddresses = 0;
  let readiness: DmarcSection['readiness'] = null;
  if (summary.reports > 0) {
    dmarc = { reports: summary.reports, messages: summary.messages, dmarcPass: summary.dmarcPass, spfAlignedPass: summary.spfAlignedPass, dkimAlignedPass: summary.dkimAlignedPass, disposition: summary.disposition };
    const found = storedSources(store, range, at);
    unnamedAddresses = found.lookupFailures + found.notLookedUp;
    for (const cls of SOURCE_CLASSES) {
      const of = found.sources.filter((s) => s.class === cls);
      moreSources += Math.max(0, of.length - DMARC_SOURCES_PER_CLASS);
      for (const s of of.slice(0, DMARC_SOURCES_PER_CLASS)) {
        sources.push({ organization: s.organization, class: s.class, addresses: s.ips.length, messages: s.messages, dmarcPass: s.dmarcPass, spfAlignedPass: s.spfAlignedPass, dkimAlignedPass: s.dkimAlignedPass, ...(s.fix ? { fix: s.fix } : {}) });
      }
    }
    const reported = store.latestReportedPolicy(result.domain);
    const record = result.checks.dmarc?.record ?? null;
    const r = assessReadiness({
      domain: found.domain,
      since: found.since,
      until: found.until,
      sources: found.sources,
      policy: {
        reported: reported ? { p: reported.p, sp: reported.sp, pct: reported.pct, testing: reported.testing } : null,
        audited: { record, policy: result.checks.dmarc?.policy ?? null, auditedAt: result.startedAt },
      },
    });
    readiness = {
      verdict: r.verdict,
      why: r.why,
      legitimateMessages: r.legitimateMessages,
      legitimatePass: r.legitimatePass,
      unknownMessages: r.unknownMessages,
      hurt: r.hurt.slice(0, DMARC_SOURCES_PER_CLASS),
      published: record,
      next: r.next ? { policy: r.next.policy, pct: r.next.pct, testing: r.next.testing, record: r.next.record } : null,
    };
  }
  return {
    since: summary.since.slice(0, 10),
    until: summary.until.slice(0, 10),
    dmarc,
    sources,
    moreSources,
    unnamedAddresses,
    readiness,
    tls:
      tls.reports === 0
        ? null
        : { reports: tls.reports, successes: tls.successes, failures: tls.failures, policies: tls.policies.map((p) => ({ type: p.type, successes: p.successes, failures: p.failures })), failureTypes: tls.failureTypes },
  };
}

const n = (value: number) => value.toLocaleString('en-US');
const share = (part: number, whole: number) => (whole === 0 ? '-' : `${(Math.round((part / whole) * 1000) / 10).toFixed(1)}%`);

/** The sentence under the section's title. */
export function dmarcLines(section: DmarcSection): string[] {
  return [
    `From ${section.since} to ${section.until} (UTC), from the imported DMARC aggregate and TLS reports.`,
    ...(section.unnamedAddresses > 0 ? [`${n(section.unnamedAddresses)} source ${section.unnamedAddresses === 1 ? 'address has' : 'addresses have'} no known name yet (reverse DNS failed or not looked up): each is shown by its address.`] : []),
  ];
}

export const DMARC_VOLUME_COLUMNS = ['', 'Messages', 'Share'] as const;

/** Volume and pass rates: messages, DMARC pass, SPF and DKIM aligned pass, then each disposition. */
export function dmarcVolumeRows(section: DmarcSection): string[][] {
  const d = section.dmarc;
  if (!d) return [];
  const row = (label: string, value: number) => [label, n(value), share(value, d.messages)];
  return [
    [`Messages (${n(d.reports)} ${d.reports === 1 ? 'report' : 'reports'})`, n(d.messages), ''],
    row('DMARC pass', d.dmarcPass),
    row('SPF aligned pass', d.spfAlignedPass),
    row('DKIM aligned pass', d.dkimAlignedPass),
    row('Delivered (disposition none)', d.disposition.none),
    row('Quarantined', d.disposition.quarantine),
    row('Rejected', d.disposition.reject),
  ];
}

export const DMARC_SOURCE_COLUMNS = ['Source', 'Class', 'Addresses', 'Messages', 'DMARC pass', 'Fix'] as const;

export function dmarcSourceRows(section: DmarcSection): string[][] {
  return section.sources.map((s) => [s.organization, CLASS_WORDS[s.class], n(s.addresses), n(s.messages), share(s.dmarcPass, s.messages), s.fix ?? '']);
}

/** The sources left out, in a sentence; null when none is. */
export function dmarcMoreSources(section: DmarcSection): string | null {
  return section.moreSources > 0 ? `${n(section.moreSources)} more ${section.moreSources === 1 ? 'source' : 'sources'}: the DMARC reports page of the app lists them all.` : null;
}

const stepText = (next: NonNullable<NonNullable<DmarcSection['readiness']>['next']>) => `p=${next.policy}${next.pct < 100 ? `; pct=${next.pct}` : ''}${next.testing ? '; t=y' : ''}`;

/** The readiness in sentences: the verdict on the next step, why, the legitimate mail, the record now and the sources it would hurt. */
export function dmarcReadinessLines(section: DmarcSection): string[] {
  const r = section.readiness;
  if (!r) return [];
  const verdict = !r.next
    ? r.why
    : r.verdict === 'ready'
      ? `Ready for ${stepText(r.next)}: ${r.why}`
      : r.verdict === 'cannot-judge'
        ? `Cannot judge yet whether ${stepText(r.next)} is safe: ${r.why}`
        : `Not ready for ${stepText(r.next)}: ${r.why}`;
  return [
    verdict,
    `Legitimate mail passing DMARC: ${n(r.legitimatePass)} of ${n(r.legitimateMessages)} messages (${share(r.legitimatePass, r.legitimateMessages)}); unknown sources: ${n(r.unknownMessages)} messages, which enforcement would stop.`,
    r.published ? `DMARC record at this audit: ${r.published}` : 'The audit found no DMARC record.',
    ...r.hurt.map((h) => `It would hurt ${h.organization} (${CLASS_WORDS[h.class].toLowerCase()}): ${n(h.failing)} failing ${h.failing === 1 ? 'message' : 'messages'}${h.fix ? `. Fix: ${h.fix}` : ''}`),
  ];
}

/** The record to publish for the next step, when there is one and the audit found a record to start from. */
export function dmarcNextRecord(section: DmarcSection): string | null {
  return section.readiness?.next?.record ?? null;
}

export const DMARC_TLS_COLUMNS = ['TLS policy', 'Successful sessions', 'Failed sessions'] as const;

export function dmarcTlsRows(section: DmarcSection): string[][] {
  return (section.tls?.policies ?? []).map((p) => [tlsPolicyName(p.type), n(p.successes), n(p.failures)]);
}

export const DMARC_TLS_FAILURE_COLUMNS = ['TLS failure', 'Result type', 'Failed sessions'] as const;

export function dmarcTlsFailureRows(section: DmarcSection): string[][] {
  return (section.tls?.failureTypes ?? []).map((f) => [tlsResultName(f.type), f.type, n(f.sessions)]);
}

/** The CSV rows of sources: the app's source export's columns, after the domain. */
export const DMARC_CSV_HEADER = ['domain', 'Organisation', 'Class', 'Addresses', 'Messages', 'DMARC pass', 'SPF aligned pass', 'DKIM aligned pass', 'Fix'] as const;

export function dmarcCsvRows(domain: string, section: DmarcSection): string[][] {
  return section.sources.map((s) => [domain, s.organization, CLASS_WORDS[s.class], String(s.addresses), String(s.messages), String(s.dmarcPass), String(s.spfAlignedPass), String(s.dkimAlignedPass), s.fix ?? '']);
}

/** The section in HTML (and so in the PDF, printed from it). */
export function dmarcHtml(section: DmarcSection, id: (name: string) => string): string {
  const out = [`<h3 id="${id('dmarc-reports')}">${DMARC_TITLE}</h3>`, ...dmarcLines(section).map((line) => `<p>${text(line)}</p>`)];
  if (section.dmarc) out.push(tableHtml(['Mail', ...DMARC_VOLUME_COLUMNS.slice(1)], dmarcVolumeRows(section), { caption: `DMARC results from ${section.since} to ${section.until}` }));
  if (section.sources.length > 0) out.push(tableHtml(DMARC_SOURCE_COLUMNS, dmarcSourceRows(section), { caption: 'Top sources by class' }));
  const more = dmarcMoreSources(section);
  if (more) out.push(`<p>${text(more)}</p>`);
  if (section.readiness) {
    out.push(`<h4>Enforcement readiness</h4>`, ...dmarcReadinessLines(section).map((line) => `<p>${text(line)}</p>`));
    const record = dmarcNextRecord(section);
    if (record) out.push('<p>Suggested next record:</p>', pre(record));
  }
  if (section.tls) {
    out.push(`<h4>TLS reports</h4>`, tableHtml(DMARC_TLS_COLUMNS, dmarcTlsRows(section), { caption: 'TLS sessions per policy (RFC 8460)' }));
    if (section.tls.failureTypes.length > 0) out.push(tableHtml(DMARC_TLS_FAILURE_COLUMNS, dmarcTlsFailureRows(section), { caption: 'Why TLS sessions failed', wrap: [1] }));
  }
  return out.join('\n');
}

/** The section in Markdown, with markdown.ts's own escaping (passed in: markdown.ts imports this module). */
export function dmarcMarkdown(section: DmarcSection, md: { escape: (text: string) => string; block: (text: string) => string }): string[] {
  const table = (head: readonly string[], rows: string[][]) => [`| ${head.map(md.escape).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(md.escape).join(' | ')} |`), ''];
  const out = [`### ${DMARC_TITLE}`, '', ...dmarcLines(section).flatMap((line) => [md.escape(line), ''])];
  if (section.dmarc) out.push(...table(['Mail', ...DMARC_VOLUME_COLUMNS.slice(1)], dmarcVolumeRows(section)));
  if (section.sources.length > 0) out.push('Top sources by class:', '', ...table(DMARC_SOURCE_COLUMNS, dmarcSourceRows(section)));
  const more = dmarcMoreSources(section);
  if (more) out.push(md.escape(more), '');
  if (section.readiness) {
    out.push('#### Enforcement readiness', '', ...dmarcReadinessLines(section).flatMap((line) => [md.escape(line), '']));
    const record = dmarcNextRecord(section);
    if (record) out.push('Suggested next record:', '', md.block(record), '');
  }
  if (section.tls) {
    out.push('#### TLS reports', '', ...table(DMARC_TLS_COLUMNS, dmarcTlsRows(section)));
    if (section.tls.failureTypes.length > 0) out.push(...table(DMARC_TLS_FAILURE_COLUMNS, dmarcTlsFailureRows(section)));
  }
  return out;
}
