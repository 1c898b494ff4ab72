/**
 * The audit report as one self-contained HTML file.
 *
 * Readable with no script, no network and no other file: the CSS is inline and a Content Security
 * Policy forbids every fetch, so a hostile record cannot make the report call out. The result it was
 * made from travels inside it, hashed, so the report can be checked and rendered again.
 */
import { createHash } from 'node:crypto';
import { zoneLines } from '../../shared/fix-record';
import type { AuditResult, Finding } from '../audit/types';
import { IMPACT_WORDS, STATUS_WORDS, auditDate, checkSections } from './model';
import { prioritize } from './prioritize';

export const EMBED_ID = 'deliverlab-result';

/** Text for element content and attribute values: every character that could start markup is an entity. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON that cannot end its <script> element: `<`, `>` and `&` become \u escapes, which JSON.parse
 * reads back as the same characters (HTML §4.12.1.3: only "</script" and "<!--" end or bend the element).
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const CSS = `
:root{color-scheme:light;--ink:#1a1a1a;--muted:#4a4a4a;--line:#c8c8c8;--accent:#0b5394}
*{box-sizing:border-box}
body{margin:0;overflow-wrap:anywhere;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;color:var(--ink);background:#fff}
header,main,footer{max-width:60rem;margin:0 auto;padding:1rem 1.5rem}
h1{font-size:1.8rem;margin:.2rem 0}h2{font-size:1.35rem;margin-top:2rem;border-bottom:2px solid var(--accent)}h3{font-size:1.1rem;margin:1.2rem 0 .3rem}
.domain-section{border-top:4px solid var(--accent);margin-top:2rem}
.cover dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}.cover dt{font-weight:600}.cover dd{margin:0}
.grade{font-size:2.4rem;font-weight:700}
code,pre,.wrap{font-family:"Liberation Mono",ui-monospace,monospace;font-size:.85rem;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}
pre{background:#f3f3f3;border:1px solid var(--line);padding:.5rem;margin:.3rem 0}
table{border-collapse:collapse;width:100%;table-layout:fixed}th,td{border:1px solid var(--line);padding:.3rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#eef2f6}
.sev{display:inline-block;padding:0 .4rem;border-radius:.2rem;font-weight:600;color:#fff}
.sev-critical,.st-fail,.st-error{background:#a4000f;color:#fff}.sev-warning,.st-warn{background:#7a4a00;color:#fff}.sev-info,.st-info,.st-skipped{background:#4a4a4a;color:#fff}.st-pass{background:#1e6b30;color:#fff}
.st{display:inline-block;padding:0 .4rem;border-radius:.2rem;font-weight:600}
.muted{color:var(--muted)}
ol.fixes>li{margin-bottom:.8rem}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
@media print{body{font-size:10.5pt}header,main,footer{max-width:none;padding:0}h2,h3{break-after:avoid}section.check,ol.fixes>li,tr{break-inside:avoid}.domain-section{break-before:page}.domain-section:first-of-type{break-before:auto}pre{background:none}}
`;

const badge = (cls: string, text: string) => `<span class="${cls}">${escapeHtml(text)}</span>`;
const sev = (s: Finding['severity']) => badge(`sev sev-${s}`, s);
const pre = (text: string) => `<pre>${escapeHtml(text)}</pre>`;
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
    for (const f of result.findings) out.push(`<tr><td><code>${escapeHtml(f.code)}</code></td><td>${escapeHtml(f.severity)}</td><td>${escapeHtml(f.title)}</td><td class="wrap">${escapeHtml(f.fixRecords?.length ? zoneLines(f.fixRecords) : (f.fix ?? ''))}</td></tr>`);
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
  const embedded = embedJson(results.length === 1 ? results[0] : results);
  const title = `Deliverability report: ${results.map((r) => r.domain).join(', ')}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // No fetch of any kind: a record that smuggles markup past the escaping still cannot call out.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${escapeHtml(title)}</h1><p class="muted">Prepared with Deliverlab.</p></header>`,
    '<main>',
    results.map((r, i) => auditHtml(r, i + 1)).join('\n'),
    '</main>',
    `<footer><p>Made by Deliverlab from the audit result embedded in this file. SHA-256 of that result: <code id="deliverlab-sha256">${sha256(embedded)}</code></p></footer>`,
    `<script type="application/json" id="${EMBED_ID}">${embedded}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export class ReportReadError extends Error {}

/**
 * The results a report was made from, after checking them against the hash in its footer.
 *
 * Throws ReportReadError when the file holds no embedded result or the result was changed.
 */
export function readEmbeddedResults(html: string): AuditResult[] {
  const open = `<script type="application/json" id="${EMBED_ID}">`;
  const start = html.indexOf(open);
  const end = start < 0 ? -1 : html.indexOf('</script>', start + open.length);
  if (start < 0 || end < 0) throw new ReportReadError('the file holds no Deliverlab result (no deliverlab-result block): it is not a Deliverlab HTML report.');
  const embedded = html.slice(start + open.length, end);
  const stated = /id="deliverlab-sha256">([0-9a-f]{64})</.exec(html)?.[1];
  if (!stated) throw new ReportReadError('the report has no SHA-256 in its footer, so its result cannot be checked.');
  if (sha256(embedded) !== stated) throw new ReportReadError('the result embedded in the report does not match the SHA-256 in its footer: the file was changed after it was made.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(embedded);
  } catch {
    throw new ReportReadError('the result embedded in the report is not valid JSON.');
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length === 0 || !list.every((r) => typeof r === 'object' && r !== null && typeof (r as AuditResult).domain === 'string' && Array.isArray((r as AuditResult).findings))) {
    throw new ReportReadError('the result embedded in the report is not an audit result.');
  }
  return list as AuditResult[];
}
