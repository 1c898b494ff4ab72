/**
 * The audit report in Markdown, for tickets and wikis.
 *
 * Records go in code blocks, whose fence is longer than any backtick run inside them; prose is
 * escaped so a record's text cannot become a link, a heading or raw HTML (CommonMark §2.4, §6.6).
 */
import { zoneLines } from '../../shared/fix-record';
import type { AuditResult } from '../audit/types';
import type { ReportBrand } from './brand';
import { IMPACT_WORDS, STATUS_WORDS, auditDate, checkSections, reportSubject } from './model';
import { portfolio, shareWords } from './portfolio';
import { prioritize } from './prioritize';

/** Inline text with every character CommonMark gives meaning to backslash-escaped, and line breaks flattened. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>&~"'=:]/g, (c) => `\\${c}`);
}

export function block(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}

export const code = (text: string) => {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks} ${text.replace(/\r\n|\r|\n/g, ' ')} ${ticks}`;
};

function auditMarkdown(result: AuditResult): string {
  const out: string[] = [];
  out.push(`## ${escapeMarkdown(result.domain)}`, '');
  out.push(`- Domain: ${escapeMarkdown(result.domain)}`);
  out.push(`- Audited: ${escapeMarkdown(auditDate(result.startedAt))}`);
  out.push(`- Resolver: ${escapeMarkdown(result.resolver)}`);
  out.push(`- Grade: **${escapeMarkdown(result.grade)}** (score ${result.score} of 100)`, '');
  const missing = result.findings.find((f) => f.code === 'domain.nxdomain');
  if (missing) out.push(`**${escapeMarkdown(missing.title)} (NXDOMAIN): nothing to grade.**`, '');

  out.push('### Fix these first', '');
  const fixes = prioritize(result);
  if (fixes.length === 0) out.push('Nothing to fix: no finding.', '');
  fixes.forEach((item, i) => {
    out.push(`${i + 1}. **${item.severity}** ${escapeMarkdown(item.findings.map((f) => f.title).join('; '))} (${IMPACT_WORDS[item.impact]}; ${item.findings.map((f) => code(f.code)).join(', ')})`);
    if (item.fix) out.push('', block(item.fix).replace(/^/gm, '   '));
    const records = item.findings[0]?.fixRecords;
    if (item.fix && records?.length) out.push('', block(zoneLines(records)).replace(/^/gm, '   '));
    out.push('');
  });

  out.push('### Checks', '');
  for (const section of checkSections(result)) {
    out.push(`#### ${section.title}: ${STATUS_WORDS[section.status]}`, '');
    if (section.note) out.push(escapeMarkdown(section.note), '');
    if (section.evidence.length > 0) out.push(block(section.evidence.join('\n')), '');
    for (const f of section.findings) {
      out.push(`- **${f.severity}** ${code(f.code)} ${escapeMarkdown(f.title)}: ${escapeMarkdown(f.detail)}`);
      if (f.fix) out.push('', block(f.fix).replace(/^/gm, '  '), '');
      if (f.fixRecords?.length) out.push(block(zoneLines(f.fixRecords)).replace(/^/gm, '  '), '');
    }
    if (section.findings.length > 0) out.push('');
  }

  for (const card of result.checks.providers?.scorecards ?? []) {
    out.push(`### ${escapeMarkdown(card.title)}`, '', '| Requirement | Result | Why |', '|---|---|---|');
    for (const item of card.items) out.push(`| ${escapeMarkdown(item.requirement)} | ${item.result} | ${escapeMarkdown(item.why)} |`);
    out.push('');
  }

  out.push('### Appendix: DNS transcript', '');
  out.push(block(result.dns.map((q) => `${q.name} ${q.type} ${q.answer ? q.answer.join(' | ') : (q.error ?? 'no answer')}`).join('\n')), '');
  return out.join('\n');
}

/** Before the sections of several domains: their grades, and the findings they share. */
function overviewMarkdown(results: readonly AuditResult[]): string[] {
  const { rows, shared, total } = portfolio(results);
  const out = ['## Overview', '', '| Domain | Grade | Score | Critical | Warnings | Audited |', '|---|---|---|---|---|---|'];
  for (const row of rows) out.push(`| ${escapeMarkdown(row.domain)} | ${escapeMarkdown(row.grade)} | ${row.score} | ${row.critical} | ${row.warning} | ${escapeMarkdown(auditDate(row.startedAt))} |`);
  out.push('', '### Issues shared across domains', '');
  if (shared.length === 0) out.push('No finding is shared by two or more domains.');
  for (const issue of shared) out.push(`- **${shareWords(issue, total)}**: ${issue.severity} ${escapeMarkdown(issue.title)} ${code(issue.code)} (${escapeMarkdown(issue.domains.join(', '))})`);
  out.push('');
  return out;
}

export function renderMarkdown(results: readonly AuditResult[], brand: ReportBrand = {}): string {
  return [
    `# ${escapeMarkdown(brand.title ?? `Deliverability report: ${reportSubject(results)}`)}`,
    '',
    ...(brand.name ? [`Prepared by ${escapeMarkdown(brand.name)} with Deliverlab.`, ''] : []),
    ...(results.length > 1 ? overviewMarkdown(results) : []),
    ...results.map(auditMarkdown),
    ...(brand.footer ? ['---', '', escapeMarkdown(brand.footer), ''] : []),
  ].join('\n');
}
