/**
 * The audit report in Markdown, for tickets and wikis.
 *
 * Records go in code blocks, whose fence is longer than any backtick run inside them; prose is
 * escaped so a record's text cannot become a link, a heading or raw HTML (CommonMark §2.4, §6.6).
 */
import { zoneLines } from '../../shared/fix-record';
import type { AuditResult } from '../audit/types';
import { asReport, type AuditReport, type ReportedAudit } from './audit-report';
import type { ReportBrand } from './brand';
import { historyWords, noDetail, type Compared, type TrendPoint } from './changes';
import { HEALTH_COLUMNS, HEALTH_TITLE, healthLines, healthRows, type HealthSection } from './health-section';
import { dmarcMarkdown } from './dmarc-section';
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

/** A table row; a cell's line breaks become spaces and its text is escaped, pipes included. */
const row = (cells: readonly string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;

function trendMarkdown(domain: string, trend: readonly TrendPoint[]): string[] {
  const out = [`### ${historyWords.trendTitle}`, ''];
  if (trend.length < 2) return [...out, escapeMarkdown(historyWords.firstAudit(domain)), ''];
  out.push('| Audited | Grade | Score |', '|---|---|---|');
  for (const p of trend) out.push(row([auditDate(p.startedAt), p.grade, String(p.score)]));
  return [...out, ''];
}

function changesMarkdown(domain: string, compared: Compared): string[] {
  const out = [`### ${historyWords.changesTitle}`, ''];
  const c = compared.changes;
  if (!c) return [...out, escapeMarkdown(historyWords.noEarlier(compared, domain)), ''];
  out.push(escapeMarkdown(historyWords.against(compared, auditDate(c.previousAt))), '', `**${escapeMarkdown(historyWords.grade(c))}**`, '');
  if (noDetail(c)) out.push(historyWords.nothing, '');
  if (c.checks.length > 0) {
    out.push(`#### ${historyWords.statusTitle}`, '', '| Check | Was | Now |', '|---|---|---|');
    for (const s of c.checks) out.push(row([s.title, STATUS_WORDS[s.before], STATUS_WORDS[s.after]]));
    out.push('');
  }
  for (const [title, list] of [[historyWords.addedTitle, c.added], [historyWords.resolvedTitle, c.resolved]] as const) {
    if (list.length === 0) continue;
    out.push(`#### ${title}`, '');
    for (const f of list) out.push(`- **${f.severity}** ${code(f.code)} ${escapeMarkdown(f.title)}`);
    out.push('');
  }
  if (c.records.length > 0) {
    out.push(`#### ${historyWords.recordsTitle}`, '');
    for (const r of c.records) {
      out.push(`${escapeMarkdown(r.title)}:`, '', block([...r.removed.map((l) => `- ${l}`), ...r.added.map((l) => `+ ${l}`)].join('\n')), '');
    }
  }
  return out;
}

/** The domain's sending health, as html.ts writes it. */
function healthMarkdown(section: HealthSection): string[] {
  const out = [`### ${HEALTH_TITLE}`, '', ...healthLines(section).flatMap((line) => [escapeMarkdown(line), ''])];
  out.push(`| Mail | ${HEALTH_COLUMNS.slice(1).join(' | ')} |`, `|${HEALTH_COLUMNS.map(() => '---').join('|')}|`);
  for (const row of healthRows(section)) out.push(`| ${row.map(escapeMarkdown).join(' | ')} |`);
  out.push('');
  for (const f of section.findings) {
    out.push(`- **${f.severity}** ${code(f.code)} ${escapeMarkdown(f.title)}: ${escapeMarkdown(f.detail)}`);
    if (f.fix) out.push('', block(f.fix).replace(/^/gm, '  '), '');
  }
  if (section.findings.length === 0) out.push('No health finding: every rate is within the thresholds.');
  out.push('');
  return out;
}

function auditMarkdown(audit: ReportedAudit, cover: { client?: string | undefined; preparedBy?: string | undefined }, alone: boolean): string {
  const { result } = audit;
  const out: string[] = [];
  out.push(`## ${escapeMarkdown(result.domain)}`, '');
  if (cover.client) out.push(`- Client: ${escapeMarkdown(cover.client)}`);
  out.push(`- Domain: ${escapeMarkdown(result.domain)}`);
  out.push(`- Audited: ${escapeMarkdown(auditDate(result.startedAt))}`);
  out.push(`- Resolver: ${escapeMarkdown(result.resolver)}`);
  if (cover.preparedBy) out.push(`- Prepared by: ${escapeMarkdown(cover.preparedBy)}`);
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

  if (audit.trend) out.push(...trendMarkdown(result.domain, audit.trend));
  if (audit.compared) out.push(...changesMarkdown(result.domain, audit.compared));
  if (audit.health) out.push(...healthMarkdown(audit.health));
  if (audit.dmarcReports) out.push(...dmarcMarkdown(audit.dmarcReports, { escape: escapeMarkdown, block }));

  out.push('### Checks', '');
  for (const section of checkSections(result)) {
    out.push(`#### ${section.title}: ${STATUS_WORDS[section.status]}`, '');
    if (section.note) out.push(escapeMarkdown(section.note), '');
    if (section.evidence.length > 0) out.push(block(section.evidence.join('\n')), '');
    if (section.tried) out.push(`Selectors tried: ${escapeMarkdown(section.tried.join(', '))}`, '');
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

  // As in the HTML portfolio (html.ts): each domain's transcript stays in its own report.
  if (!alone) {
    out.push('The DNS transcript of this audit is in the report of this domain alone.', '');
    return out.join('\n');
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

export function renderMarkdown(input: AuditReport | readonly AuditResult[], brand: ReportBrand = {}): string {
  const report = asReport(input);
  const results = report.audits.map((a) => a.result);
  const cover = { client: report.client, preparedBy: brand.name };
  return [
    `# ${escapeMarkdown(brand.title ?? `Deliverability report: ${reportSubject(results)}`)}`,
    '',
    ...(brand.name ? [`Prepared by ${escapeMarkdown(brand.name)} with Deliverlab.`, ''] : []),
    ...(results.length > 1 ? overviewMarkdown(results) : []),
    ...report.audits.map((a) => auditMarkdown(a, cover, results.length === 1)),
    ...(brand.footer ? ['---', '', escapeMarkdown(brand.footer), ''] : []),
  ].join('\n');
}
