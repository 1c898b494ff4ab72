/**
 * The audit report as one self-contained HTML file, in the page every report shares (./page.ts).
 */
import { zoneLines } from '../../shared/fix-record';
import type { AuditResult, Finding } from '../audit/types';
import { asReport, embeddedReport, reportFromEmbedded, type AuditReport, type ReportedAudit } from './audit-report';
import type { ReportBrand } from './brand';
import { historyWords, noDetail, type Compared, type TrendPoint } from './changes';
import { HEALTH_COLUMNS, HEALTH_TITLE, healthLines, healthRows, type HealthSection } from './health-section';
import { dmarcHtml } from './dmarc-section';
import { IMPACT_WORDS, STATUS_WORDS, auditDate, checkSections, reportSubject } from './model';
import { badge, escapeHtml, pre, readEmbedded, renderPage, ReportReadError, sev, tableHtml, text } from './page';
import { portfolio, shareWords } from './portfolio';
import { prioritize } from './prioritize';
import { trendSvg } from './trend-chart';

export { EMBED_ID, embedJson, escapeHtml, ReportReadError, sha256 } from './page';

const records = (f: Finding | undefined) => (f?.fixRecords?.length ? `<p>Record:</p>${pre(zoneLines(f.fixRecords))}` : '');

function findingHtml(f: Finding): string {
  return [
    `<li>${sev(f.severity)} <code>${escapeHtml(f.code)}</code> ${escapeHtml(f.title)}`,
    `<p>${escapeHtml(f.detail)}</p>`,
    f.evidence ? `<p>Evidence:</p>${pre(f.evidence)}` : '',
    f.fix ? `<p>Fix:</p>${pre(f.fix)}` : '',
    records(f),
    '</li>',
  ].join('');
}

/** The score trend: the chart, and the same values as a table. */
function trendHtml(domain: string, trend: readonly TrendPoint[], id: (name: string) => string): string {
  const out = [`<h3 id="${id('trend')}">${historyWords.trendTitle}</h3>`];
  if (trend.length < 2) {
    out.push(`<p>${text(historyWords.firstAudit(domain))}</p>`);
    return out.join('\n');
  }
  // One picture: a page break never cuts the chart in two.
  out.push(`<div class="trend" style="break-inside:avoid">${trendSvg(trend, historyWords.trendName(domain, trend), id('trend-chart'))}</div>`);
  out.push(tableHtml(['Audited', 'Grade', 'Score'], trend.map((p) => [auditDate(p.startedAt), p.grade, String(p.score)]), { caption: `${historyWords.trendTitle}, oldest first` }));
  return out.join('\n');
}

/** What changed since the previous audit (or the audit of the domain in another report). */
function changesHtml(domain: string, compared: Compared, id: (name: string) => string): string {
  const out = [`<h3 id="${id('changes')}">${historyWords.changesTitle}</h3>`];
  const c = compared.changes;
  if (!c) {
    out.push(`<p>${text(historyWords.noEarlier(compared, domain))}</p>`);
    return out.join('\n');
  }
  out.push(`<p>${text(historyWords.against(compared, auditDate(c.previousAt)))}</p>`);
  out.push(`<p><strong>${text(historyWords.grade(c))}</strong></p>`);
  if (noDetail(c)) out.push(`<p>${historyWords.nothing}</p>`);
  if (c.checks.length > 0) out.push(tableHtml(['Check', 'Was', 'Now'], c.checks.map((s) => [s.title, STATUS_WORDS[s.before], STATUS_WORDS[s.after]]), { caption: historyWords.statusTitle }));
  const findings = (title: string, list: typeof c.added) => {
    if (list.length === 0) return;
    out.push(`<h4>${title}</h4><ul>${list.map((f) => `<li>${sev(f.severity)} <code>${text(f.code)}</code> ${text(f.title)}</li>`).join('')}</ul>`);
  };
  findings(historyWords.addedTitle, c.added);
  findings(historyWords.resolvedTitle, c.resolved);
  if (c.records.length > 0) {
    const none = '(none)';
    out.push(tableHtml(['Record', 'No longer published', 'Now published'], c.records.map((r) => [r.title, r.removed.join('\n') || none, r.added.join('\n') || none]), { caption: historyWords.recordsTitle, wrap: [1, 2] }));
  }
  return out.join('\n');
}

/** The domain's sending health: rates per provider and IP against the thresholds, and the health findings. */
function healthHtml(section: HealthSection, id: (name: string) => string): string {
  const out = [`<h3 id="${id('health')}">${HEALTH_TITLE}</h3>`, ...healthLines(section).map((line) => `<p>${text(line)}</p>`)];
  out.push(tableHtml(['Mail', ...HEALTH_COLUMNS.slice(1)], healthRows(section), { caption: `${HEALTH_TITLE}: rates from ${section.since} to ${section.until}` }));
  if (section.findings.length > 0) out.push(`<ul>${section.findings.map(findingHtml).join('')}</ul>`);
  else out.push('<p>No health finding: every rate is within the thresholds.</p>');
  return out.join('\n');
}

/**
 * A portfolio leaves each domain's DNS transcript out of its pages (about a third of a domain's
 * pages, and of a 500-domain file's size); it stays in the embedded result and in the domain's own report.
 */
export const TRANSCRIPT_ELSEWHERE = 'The DNS transcript of this audit is in the result embedded in this file, and in the report of this domain alone.';

/** One audit's section; `n` keeps its ids apart from the other domains' in one file. */
function auditHtml(audit: ReportedAudit, n: number, cover: { client?: string | undefined; preparedBy?: string | undefined }, alone: boolean): string {
  const { result } = audit;
  const out: string[] = [];
  const id = (name: string) => `d${n}-${name}`;
  out.push(`<section class="domain-section" aria-labelledby="${id('title')}">`);
  out.push(`<div class="cover"><h2 id="${id('title')}">${escapeHtml(result.domain)}</h2><dl>`);
  if (cover.client) out.push(`<dt>Client</dt><dd>${text(cover.client)}</dd>`);
  out.push(`<dt>Domain</dt><dd>${escapeHtml(result.domain)}</dd>`);
  out.push(`<dt>Audited</dt><dd>${escapeHtml(auditDate(result.startedAt))}</dd>`);
  out.push(`<dt>Resolver</dt><dd>${escapeHtml(result.resolver)}</dd>`);
  if (cover.preparedBy) out.push(`<dt>Prepared by</dt><dd>${text(cover.preparedBy)}</dd>`);
  out.push(`<dt>Grade</dt><dd><span class="grade">${escapeHtml(result.grade)}</span> (score ${result.score} of 100)</dd>`);
  out.push('</dl></div>');
  const missing = result.findings.find((f) => f.code === 'domain.nxdomain');
  if (missing) out.push(`<p class="headline"><strong>${escapeHtml(missing.title)} (NXDOMAIN): nothing to grade.</strong></p>`);

  const fixes = prioritize(result);
  out.push(`<h3 id="${id('first')}">Fix these first</h3>`);
  if (fixes.length === 0) out.push('<p>Nothing to fix: no finding.</p>');
  else {
    out.push('<ol class="fixes">');
    for (const item of fixes) {
      const codes = item.findings.map((f) => `<code>${escapeHtml(f.code)}</code>`).join(', ');
      out.push(`<li>${sev(item.severity)} <strong>${escapeHtml(item.findings.map((f) => f.title).join('; '))}</strong> <span class="muted">(${escapeHtml(IMPACT_WORDS[item.impact])}; ${codes}; <a href="#${id(`check-${item.check}`)}">${escapeHtml(item.check)} check</a>)</span>`);
      out.push(item.fix ? pre(item.fix) + records(item.findings[0]) : '<p class="muted">No single record fixes this; see the check below.</p>');
      out.push('</li>');
    }
    out.push('</ol>');
  }

  if (audit.trend) out.push(trendHtml(result.domain, audit.trend, id));
  if (audit.compared) out.push(changesHtml(result.domain, audit.compared, id));
  if (audit.health) out.push(healthHtml(audit.health, id));
  if (audit.dmarcReports) out.push(dmarcHtml(audit.dmarcReports, id));

  out.push(`<h3>Checks</h3>`);
  for (const section of checkSections(result)) {
    out.push(`<section class="check" aria-labelledby="${id(`check-${section.id}`)}"><h4 id="${id(`check-${section.id}`)}">${escapeHtml(section.title)} ${badge(`st st-${section.status}`, STATUS_WORDS[section.status])}</h4>`);
    if (section.note) out.push(`<p class="muted">${escapeHtml(section.note)}</p>`);
    if (section.evidence.length > 0) out.push(`<p>As published:</p>${pre(section.evidence.join('\n'))}`);
    if (section.tried) out.push(`<p class="muted">Selectors tried: ${escapeHtml(section.tried.join(', '))}</p>`);
    if (section.findings.length > 0) out.push(`<ul>${section.findings.map(findingHtml).join('')}</ul>`);
    out.push('</section>');
  }

  const scorecards = result.checks.providers?.scorecards ?? [];
  if (scorecards.length > 0) {
    out.push('<h3>Provider scorecards</h3>');
    for (const card of scorecards) {
      out.push(`<table><caption>${escapeHtml(card.title)}</caption><thead><tr><th scope="col">Requirement</th><th scope="col">Result</th><th scope="col">Why</th></tr></thead><tbody>`);
      for (const item of card.items) out.push(`<tr><td>${escapeHtml(item.requirement)}</td><td>${escapeHtml(item.result)}</td><td>${escapeHtml(item.why)}</td></tr>`);
      out.push('</tbody></table>');
    }
  }

  out.push('<h3>Findings</h3>');
  if (result.findings.length === 0) out.push('<p>No finding.</p>');
  else {
    out.push('<table><thead><tr><th scope="col">Code</th><th scope="col">Severity</th><th scope="col">Finding</th><th scope="col">Fix</th></tr></thead><tbody>');
    for (const f of result.findings) out.push(`<tr><td><code>${escapeHtml(f.code)}</code></td><td>${escapeHtml(f.severity)}</td><td>${escapeHtml(f.title)}</td><td class="wrap">${escapeHtml(f.fixRecords?.length ? zoneLines(f.fixRecords) : (f.fix ?? ''))}</td></tr>`);
    out.push('</tbody></table>');
  }

  if (!alone) {
    out.push(`<p class="muted">${TRANSCRIPT_ELSEWHERE}</p></section>`);
    return out.join('\n');
  }
  out.push('<h3>Appendix: DNS transcript</h3>');
  out.push('<table><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Answer</th><th scope="col">ms</th></tr></thead><tbody>');
  for (const q of result.dns) {
    const answer = q.answer ? q.answer.join('\n') : `${q.error ?? 'no answer'}${q.detail ? `: ${q.detail}` : ''}`;
    out.push(`<tr><td class="wrap">${escapeHtml(q.name)}</td><td>${escapeHtml(q.type)}</td><td class="wrap">${escapeHtml(answer)}</td><td>${q.ms}</td></tr>`);
  }
  out.push('</tbody></table></section>');
  return out.join('\n');
}

/** Before the sections of several domains: their grades, and the findings they share. */
function overviewHtml(results: readonly AuditResult[]): string {
  const { rows, shared, total } = portfolio(results);
  const out: string[] = ['<section class="overview" aria-labelledby="overview-title">', '<h2 id="overview-title">Overview</h2>'];
  out.push('<table><thead><tr><th scope="col">Domain</th><th scope="col">Grade</th><th scope="col">Score</th><th scope="col">Critical</th><th scope="col">Warnings</th><th scope="col">Audited</th></tr></thead><tbody>');
  rows.forEach((row, i) => {
    out.push(`<tr><td><a href="#d${i + 1}-title">${escapeHtml(row.domain)}</a></td><td>${escapeHtml(row.grade)}</td><td>${row.score}</td><td>${row.critical}</td><td>${row.warning}</td><td>${escapeHtml(auditDate(row.startedAt))}</td></tr>`);
  });
  out.push('</tbody></table>');
  out.push('<h3 id="shared-title">Issues shared across domains</h3>');
  if (shared.length === 0) out.push('<p>No finding is shared by two or more domains.</p>');
  else {
    out.push('<ul class="shared">');
    for (const issue of shared) {
      out.push(`<li><strong>${shareWords(issue, total)}</strong>: ${sev(issue.severity)} ${escapeHtml(issue.title)} <code>${escapeHtml(issue.code)}</code><br><span class="muted">${escapeHtml(issue.domains.join(', '))}</span></li>`);
    }
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('\n');
}

/**
 * One file for one or several audits, with each one's trend and changes when the report has them:
 * the same report always gives the same bytes, since every date in it is the audits' own. The file
 * embeds the whole report (embeddedReport), so it renders again as it was.
 */
export function renderHtml(input: AuditReport | readonly AuditResult[], brand: ReportBrand = {}): string {
  const report = asReport(input);
  const results = report.audits.map((a) => a.result);
  const cover = { client: report.client, preparedBy: brand.name };
  return renderPage({
    title: brand.title ?? `Deliverability report: ${reportSubject(results)}`,
    main: [results.length > 1 ? overviewHtml(results) : '', report.audits.map((a, i) => auditHtml(a, i + 1, cover, results.length === 1)).join('\n')].join('\n'),
    resultName: 'the audit result',
    result: embeddedReport(report),
    brand,
  });
}

/**
 * The report a file was made from, after checking it against the hash in its footer; a report made
 * before the trend existed reads as its results without history.
 *
 * Throws ReportReadError when the file holds no embedded result, the result was changed, or it is
 * not an audit report.
 */
export function readEmbeddedReport(html: string): AuditReport {
  const report = reportFromEmbedded(readEmbedded(html));
  if (!report) throw new ReportReadError('the result embedded in the report is not an audit result.');
  return report;
}

/** The results a report was made from, checked as readEmbeddedReport checks them. */
export function readEmbeddedResults(html: string): AuditResult[] {
  return readEmbeddedReport(html).audits.map((a) => a.result);
}
