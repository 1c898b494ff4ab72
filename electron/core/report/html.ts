/**
 * The audit report as one self-contained HTML file, in the page every report shares (./page.ts).
 */
import type { AuditResult, Finding } from '../audit/types';
import { IMPACT_WORDS, STATUS_WORDS, auditDate, checkSections } from './model';
import { badge, escapeHtml, pre, readEmbedded, renderPage, ReportReadError, sev } from './page';
import { prioritize } from './prioritize';

export { EMBED_ID, embedJson, escapeHtml, ReportReadError, sha256 } from './page';

function findingHtml(f: Finding): string {
  return [
    `<li>${sev(f.severity)} <code>${escapeHtml(f.code)}</code> ${escapeHtml(f.title)}`,
    `<p>${escapeHtml(f.detail)}</p>`,
    f.evidence ? `<p>Evidence:</p>${pre(f.evidence)}` : '',
    f.fix ? `<p>Fix:</p>${pre(f.fix)}` : '',
    '</li>',
  ].join('');
}

/** One audit's section; `n` keeps its ids apart from the other domains' in one file. */
function auditHtml(result: AuditResult, n: number): string {
  const out: string[] = [];
  const id = (name: string) => `d${n}-${name}`;
  out.push(`<section class="domain-section" aria-labelledby="${id('title')}">`);
  out.push(`<div class="cover"><h2 id="${id('title')}">${escapeHtml(result.domain)}</h2><dl>`);
  out.push(`<dt>Domain</dt><dd>${escapeHtml(result.domain)}</dd>`);
  out.push(`<dt>Audited</dt><dd>${escapeHtml(auditDate(result.startedAt))}</dd>`);
  out.push(`<dt>Resolver</dt><dd>${escapeHtml(result.resolver)}</dd>`);
  out.push(`<dt>Grade</dt><dd><span class="grade">${escapeHtml(result.grade)}</span> (score ${result.score} of 100)</dd>`);
  out.push('</dl></div>');

  const fixes = prioritize(result);
  out.push(`<h3 id="${id('first')}">Fix these first</h3>`);
  if (fixes.length === 0) out.push('<p>Nothing to fix: no finding.</p>');
  else {
    out.push('<ol class="fixes">');
    for (const item of fixes) {
      const codes = item.findings.map((f) => `<code>${escapeHtml(f.code)}</code>`).join(', ');
      out.push(`<li>${sev(item.severity)} <strong>${escapeHtml(item.findings.map((f) => f.title).join('; '))}</strong> <span class="muted">(${escapeHtml(IMPACT_WORDS[item.impact])}; ${codes}; <a href="#${id(`check-${item.check}`)}">${escapeHtml(item.check)} check</a>)</span>`);
      out.push(item.fix ? pre(item.fix) : '<p class="muted">No single record fixes this; see the check below.</p>');
      out.push('</li>');
    }
    out.push('</ol>');
  }

  out.push(`<h3>Checks</h3>`);
  for (const section of checkSections(result)) {
    out.push(`<section class="check" aria-labelledby="${id(`check-${section.id}`)}"><h4 id="${id(`check-${section.id}`)}">${escapeHtml(section.title)} ${badge(`st st-${section.status}`, STATUS_WORDS[section.status])}</h4>`);
    if (section.note) out.push(`<p class="muted">${escapeHtml(section.note)}</p>`);
    if (section.evidence.length > 0) out.push(`<p>As published:</p>${pre(section.evidence.join('\n'))}`);
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
    for (const f of result.findings) out.push(`<tr><td><code>${escapeHtml(f.code)}</code></td><td>${escapeHtml(f.severity)}</td><td>${escapeHtml(f.title)}</td><td class="wrap">${escapeHtml(f.fix ?? '')}</td></tr>`);
    out.push('</tbody></table>');
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

/**
 * One file for one or several audits: the same results always give the same bytes, since every
 * date in it is the audit's own.
 */
export function renderHtml(results: readonly AuditResult[]): string {
  return renderPage({
    title: `Deliverability report: ${results.map((r) => r.domain).join(', ')}`,
    main: results.map((r, i) => auditHtml(r, i + 1)).join('\n'),
    resultName: 'the audit result',
    result: results.length === 1 ? results[0] : results,
  });
}

/**
 * The results a report was made from, after checking them against the hash in its footer.
 *
 * Throws ReportReadError when the file holds no embedded result or the result was changed.
 */
export function readEmbeddedResults(html: string): AuditResult[] {
  const parsed = readEmbedded(html);
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length === 0 || !list.every((r) => typeof r === 'object' && r !== null && typeof (r as AuditResult).domain === 'string' && Array.isArray((r as AuditResult).findings))) {
    throw new ReportReadError('the result embedded in the report is not an audit result.');
  }
  return list as AuditResult[];
}
