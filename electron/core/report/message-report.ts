/**
 * The report of one message analysis, as html, md, csv or json: the verdicts (SPF, DKIM, DMARC,
 * ARC, BIMI) in the RFC reading with the lenient receivers' note beside it, the hops, the findings
 * with their codes and fixes, and the providers' rules.
 *
 * Everything in it came from a sender or a remote server, so every value is escaped and its control
 * characters shown. The file embeds what it was made from (reportableMessage: the analysis without the
 * decoded body), hashed, like the audit report. A consultant's branding (checked by brand.ts) goes on
 * the HTML and Markdown as on the audit report; CSV and JSON carry data only. When the analysis has
 * them, the readiness summary and the spam filters' verdicts get sections of their own (spam-section.ts).
 */
import type { Finding, ProviderScorecard } from '../audit/types';
import type { DkimSignatureResult, LenientResult, MessageAnalysis } from '../message/types';
import { csvCell } from './csv';
import { block, code, escapeMarkdown } from './markdown';
import { IMPACT_WORDS, auditDate, type ReportFormat } from './model';
import { coverHtml, escapeHtml, pre, renderPage, sev, tableHtml, text, visible, type ReportBrand } from './page';
import { prioritize } from './prioritize';
import { withoutSecrets } from './reportable';
import {
  filterLine,
  READINESS_COLUMNS,
  READINESS_TITLE,
  readinessLines,
  readinessRows,
  RULE_COLUMNS,
  ruleRows,
  SPAM_NOTE,
  SPAM_TITLE,
  FILTER_WORDS,
  points,
  STATUS_WORDS,
} from './spam-section';
import type { MessageReadiness } from '../message/types';
import type { SpamFilterResult } from '../spam/types';

/**
 * What a message report shows and embeds: the analysis without the decoded HTML and text parts,
 * which the report never shows and which would make the file as large as the message.
 */
export function reportableMessage(analysis: MessageAnalysis): MessageAnalysis {
  const copy = withoutSecrets(analysis);
  if (copy.content) {
    const { html: _html, text: _text, ...content } = copy.content;
    copy.content = content;
  }
  return copy;
}

export const messageTitle = (a: MessageAnalysis): string => `Message report: ${a.summary.subject ?? '(no subject)'}`;

interface Verdict {
  method: string;
  /** The RFC reading. */
  result: string;
  lenient: string;
  detail: string;
}

const lenientWords = (l: LenientResult | undefined): string => (l ? `${l.result}: ${l.why}` : '');

function dkimDetail(s: DkimSignatureResult): string {
  return [
    `d=${s.domain} s=${s.selector}`,
    s.aligned ? 'aligned with From' : 'not aligned with From',
    s.algorithm ? `a=${s.algorithm}` : '',
    typeof s.keyBits === 'number' ? `${s.keyBits}-bit key` : '',
    s.canonicalization ? `c=${s.canonicalization}` : '',
    s.bodyHash && !s.bodyHash.match ? 'body hash does not match' : '',
    s.explanation ?? s.comment ?? '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** One row per method (one per DKIM signature), in the order a receiver evaluates them. */
export function verdicts(a: MessageAnalysis): Verdict[] {
  const { spf, dkim, dmarc, arc, bimi } = a.auth;
  const rows: Verdict[] = [{ method: 'SPF', result: spf.result, lenient: '', detail: [spf.domain ? `domain ${spf.domain}` : '', spf.record ?? '', spf.comment ?? ''].filter(Boolean).join('; ') }];
  if (dkim.length === 0) rows.push({ method: 'DKIM', result: 'none', lenient: '', detail: 'The message carries no DKIM signature.' });
  for (const s of dkim) rows.push({ method: 'DKIM', result: s.result, lenient: lenientWords(s.lenient), detail: dkimDetail(s) });
  rows.push({
    method: 'DMARC',
    result: dmarc.result,
    lenient: lenientWords(dmarc.lenient),
    detail: [dmarc.domain ? `domain ${dmarc.domain}` : '', dmarc.policy ? `policy ${dmarc.policy}` : 'no policy', `aligned: SPF ${dmarc.alignment.spf ? 'yes' : 'no'}, DKIM ${dmarc.alignment.dkim ? 'yes' : 'no'}`, dmarc.comment ?? ''].filter(Boolean).join('; '),
  });
  rows.push({ method: 'ARC', result: arc.result, lenient: lenientWords(arc.lenient), detail: [`${arc.instances} ARC set${arc.instances === 1 ? '' : 's'}`, arc.comment ?? ''].filter(Boolean).join('; ') });
  if (bimi) rows.push({ method: 'BIMI', result: bimi.result, lenient: '', detail: [bimi.location ?? '', bimi.comment ?? ''].filter(Boolean).join('; ') });
  return rows;
}

const hopRows = (a: MessageAnalysis): string[][] =>
  a.hops.map((h) => [String(h.index), h.from ?? '', h.fromIp ?? '', h.by ?? '', h.with ?? '', h.tls ? `yes${h.tlsVersion ? ` (${h.tlsVersion})` : ''}` : 'no', h.time ?? '', h.delaySeconds === undefined ? '' : `${h.delaySeconds} s${h.outOfOrder ? ' (out of order)' : ''}`]);
const HOP_HEAD = ['Hop', 'From', 'IP', 'By', 'With', 'TLS', 'Time', 'Delay'];

function fixesHtml(findings: readonly Finding[]): string {
  const items = prioritize({ findings: [...findings] });
  if (items.length === 0) return '<p>Nothing to fix: no finding.</p>';
  const out = ['<ol class="fixes">'];
  for (const item of items) {
    const codes = item.findings.map((f) => `<code>${text(f.code)}</code>`).join(', ');
    out.push(`<li>${sev(item.severity)} <strong>${text(item.findings.map((f) => f.title).join('; '))}</strong> <span class="muted">(${escapeHtml(IMPACT_WORDS[item.impact])}; ${codes})</span>`);
    for (const f of item.findings) out.push(`<p>${text(f.detail)}</p>${f.evidence ? `<p>Evidence:</p>${pre(visible(f.evidence))}` : ''}`);
    out.push(item.fix ? `<p>Fix:</p>${pre(visible(item.fix))}` : '<p class="muted">No single change fixes this.</p>', '</li>');
  }
  out.push('</ol>');
  return out.join('\n');
}

/** The readiness score, its sentence and one row per item with its fix. */
export function readinessHtml(r: MessageReadiness): string {
  return [`<h3>${READINESS_TITLE}</h3>`, ...readinessLines(r).map((line) => `<p>${text(line)}</p>`), tableHtml(READINESS_COLUMNS, readinessRows(r), { caption: `${READINESS_TITLE}: ${points(r.score)} / ${r.outOf}` })].join('\n');
}

/** Each filter's verdict and the rules it fired, grouped. */
export function spamHtml(results: readonly SpamFilterResult[], heading = 'h3'): string {
  const out = [`<${heading}>${SPAM_TITLE}</${heading}>`];
  if (results.length === 0) return [...out, '<p>No local spam filter was set up when this was analysed.</p>'].join('\n');
  out.push(`<ul>${results.map((r) => `<li>${text(filterLine(r))}</li>`).join('')}</ul>`);
  for (const r of results) {
    if (r.verdict === 'error' || r.rules.length === 0) continue;
    out.push(tableHtml(RULE_COLUMNS, ruleRows(r), { caption: `${FILTER_WORDS[r.filter]}: the rules that fired`, wrap: [1] }));
  }
  if (results.some((r) => r.verdict !== 'error' && r.rules.some((x) => x.network))) out.push(`<p class="muted">${text(SPAM_NOTE)}</p>`);
  return out.join('\n');
}

export function scorecardsHtml(cards: readonly ProviderScorecard[]): string {
  return cards.map((card) => tableHtml(['Requirement', 'Result', 'Why'], card.items.map((i) => [i.requirement, i.result, i.why]), { caption: card.title })).join('\n');
}

function messageHtml(a: MessageAnalysis): string {
  const s = a.summary;
  const out: string[] = ['<section class="domain-section" aria-labelledby="m-title">'];
  out.push(
    coverHtml(
      s.subject ?? '(no subject)',
      [
        ['Subject', s.subject],
        ['From', s.from],
        ['From domain', s.fromDomain],
        ['To', s.to.join(', ')],
        ['Date', s.date],
        ['Message-ID', s.messageId],
        ['Analysed', auditDate(a.analysedAt)],
        ['Size', `${a.size} bytes${a.headersOnly ? ' (headers only)' : ''}`],
        ['SHA-256 of the message', a.sha256],
        ['Bulk mail', s.bulk ? `yes${s.bulkSignals?.length ? ` (${s.bulkSignals.join(', ')})` : ''}` : 'no'],
        ['Envelope', [a.envelope.ip ? `IP ${a.envelope.ip}` : '', a.envelope.helo ? `HELO ${a.envelope.helo}` : '', a.envelope.mailFrom ? `MAIL FROM ${a.envelope.mailFrom}` : '', a.envelope.explanation].filter(Boolean).join('; ')],
        ['Transit', a.transitSeconds === null ? null : `${a.transitSeconds} s from the oldest hop to the newest`],
      ],
      'm-title',
    ),
  );
  if (a.inputNotes?.length) out.push(`<ul>${a.inputNotes.map((n) => `<li>${text(n)}</li>`).join('')}</ul>`);
  if (a.readiness) out.push(readinessHtml(a.readiness));
  out.push('<h3>Fix these first</h3>', fixesHtml(a.findings));
  out.push('<h3>Authentication</h3>', '<p class="muted">Result is the RFC reading. Where many receivers read a signature more leniently (rsa-sha1, a missing tag), the lenient column says what they report and why.</p>');
  out.push(tableHtml(['Method', 'Result', 'Lenient receivers', 'Details'], verdicts(a).map((v) => [v.method, v.result, v.lenient, v.detail]), { wrap: [3] }));
  if (a.spam) out.push(spamHtml(a.spam));
  if (a.receiver.differences.length > 0) {
    out.push(`<h3>Where the receiver disagrees${a.receiver.authServId ? ` (${text(a.receiver.authServId)})` : ''}</h3>`);
    out.push(tableHtml(['Method', 'Receiver', 'Deliverlab', 'Why'], a.receiver.differences.map((d) => [d.method, d.receiver, d.ours, d.note])));
  }
  out.push('<h3>Hops</h3>', a.hops.length === 0 ? '<p>No Received header.</p>' : tableHtml(HOP_HEAD, hopRows(a), { wrap: [1, 3] }));
  if (a.providers.length > 0) out.push('<h3>Provider rules</h3>', scorecardsHtml(a.providers));
  out.push('<h3>Findings</h3>');
  out.push(a.findings.length === 0 ? '<p>No finding.</p>' : tableHtml(['Code', 'Severity', 'Finding', 'Fix'], a.findings.map((f) => [f.code, f.severity, f.title, f.fix ?? '']), { wrap: [0, 3] }));
  out.push('</section>');
  return out.join('\n');
}

export function renderMessageHtml(analysis: MessageAnalysis, brand: ReportBrand = {}): string {
  const a = reportableMessage(analysis);
  return renderPage({ title: brand.title ?? messageTitle(a), main: messageHtml(a), resultName: 'the message analysis', result: a, brand });
}

/** Inline Markdown for text a sender wrote: controls shown, then escaped. */
const md = (value: string | null | undefined) => escapeMarkdown(visible(value ?? ''));
const cellMd = (value: string) => md(value).replace(/\|/g, '\\|');

/** A Markdown table of raw cells. */
const tableMd = (head: readonly string[], rows: readonly (readonly string[])[]): string[] => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(cellMd).join(' | ')} |`)];

export function readinessMarkdown(r: MessageReadiness, heading = '##'): string[] {
  return [`${heading} ${READINESS_TITLE}`, '', ...readinessLines(r).flatMap((line) => [md(line), '']), ...tableMd(READINESS_COLUMNS, readinessRows(r))];
}

export function spamMarkdown(results: readonly SpamFilterResult[], heading: string): string[] {
  const out = [`${heading} ${SPAM_TITLE}`, ''];
  if (results.length === 0) return [...out, 'No local spam filter was set up when this was analysed.'];
  out.push(...results.map((r) => `- ${md(filterLine(r))}`));
  for (const r of results) {
    if (r.verdict === 'error' || r.rules.length === 0) continue;
    out.push('', `${FILTER_WORDS[r.filter]}: the rules that fired`, '', ...tableMd(RULE_COLUMNS, ruleRows(r)));
  }
  if (results.some((r) => r.verdict !== 'error' && r.rules.some((x) => x.network))) out.push('', md(SPAM_NOTE));
  return out;
}

export function renderMessageMarkdown(analysis: MessageAnalysis, brand: ReportBrand = {}): string {
  const a = reportableMessage(analysis);
  const s = a.summary;
  const out: string[] = [`# ${md(brand.title ?? messageTitle(a))}`, ''];
  if (brand.name) out.push(`Prepared by ${md(brand.name)} with Deliverlab.`, '');
  const facts: [string, string | null][] = [
    ['From', s.from],
    ['To', s.to.join(', ')],
    ['Date', s.date],
    ['Message-ID', s.messageId],
    ['Analysed', auditDate(a.analysedAt)],
    ['Size', `${a.size} bytes${a.headersOnly ? ' (headers only)' : ''}`],
    ['Envelope', a.envelope.explanation],
  ];
  for (const [k, v] of facts) if (v) out.push(`- ${k}: ${md(v)}`);
  if (a.readiness) out.push('', ...readinessMarkdown(a.readiness));
  out.push('', '## Fix these first', '');
  const items = prioritize({ findings: a.findings });
  if (items.length === 0) out.push('Nothing to fix: no finding.', '');
  items.forEach((item, i) => {
    out.push(`${i + 1}. **${item.severity}** ${md(item.findings.map((f) => f.title).join('; '))} (${IMPACT_WORDS[item.impact]}; ${item.findings.map((f) => code(visible(f.code))).join(', ')})`);
    if (item.fix) out.push('', block(visible(item.fix)).replace(/^/gm, '   '));
    out.push('');
  });
  out.push('## Authentication', '', 'Result is the RFC reading; the lenient column is what many receivers report instead, and why.', '', '| Method | Result | Lenient receivers | Details |', '|---|---|---|---|');
  for (const v of verdicts(a)) out.push(`| ${v.method} | ${cellMd(v.result)} | ${cellMd(v.lenient)} | ${cellMd(v.detail)} |`);
  if (a.spam) out.push('', ...spamMarkdown(a.spam, '##'));
  out.push('', '## Hops', '');
  if (a.hops.length === 0) out.push('No Received header.');
  else {
    out.push(`| ${HOP_HEAD.join(' | ')} |`, `|${HOP_HEAD.map(() => '---').join('|')}|`);
    for (const row of hopRows(a)) out.push(`| ${row.map(cellMd).join(' | ')} |`);
  }
  for (const card of a.providers) {
    out.push('', `## ${md(card.title)}`, '', '| Requirement | Result | Why |', '|---|---|---|');
    for (const item of card.items) out.push(`| ${cellMd(item.requirement)} | ${item.result} | ${cellMd(item.why)} |`);
  }
  out.push('', '## Findings', '');
  if (a.findings.length === 0) out.push('No finding.');
  for (const f of a.findings) {
    out.push(`- **${f.severity}** ${code(visible(f.code))} ${md(f.title)}: ${md(f.detail)}`);
    if (f.fix) out.push('', block(visible(f.fix)).replace(/^/gm, '  '), '');
  }
  if (brand.footer) out.push('', '---', '', md(brand.footer));
  return `${out.join('\n')}\n`;
}

/**
 * One row per finding, like the audit's CSV, with the message's subject and From domain first.
 *
 * The readiness and the spam filters follow in the same columns, so a spreadsheet keeps one table:
 * their "code" has a colon where a finding code has dots (readiness:ITEM, spam-filter:FILTER,
 * spam-rule:FILTER:RULE) and "severity" holds the item's result or the filter's verdict.
 */
export function renderMessageCsv(analysis: MessageAnalysis): string {
  const a = reportableMessage(analysis);
  const rows = [['subject', 'from_domain', 'code', 'severity', 'title', 'fix']];
  const lead = [a.summary.subject ?? '', a.summary.fromDomain ?? ''];
  for (const f of a.findings) rows.push([...lead, f.code, f.severity, f.title, f.fix ?? '']);
  if (a.readiness) {
    rows.push([...lead, 'readiness', `${points(a.readiness.score)} of ${a.readiness.outOf}`, a.readiness.explanation, '']);
    for (const i of a.readiness.items) rows.push([...lead, `readiness:${i.label}`, STATUS_WORDS[i.status], `${i.detail} (weight ${points(i.weight)}, points off ${points(i.deduction)})`, i.status === 'pass' ? '' : (i.fix ?? '')]);
  }
  for (const r of a.spam ?? []) {
    rows.push([...lead, `spam-filter:${r.filter}`, r.verdict, filterLine(r), '']);
    if (r.verdict === 'error') continue;
    for (const [group, name, score, meaning] of ruleRows(r)) rows.push([...lead, `spam-rule:${r.filter}:${name}`, group as string, `${score}: ${meaning}`, '']);
  }
  return rows.map((row) => row.map((c) => csvCell(visible(c))).join(',')).join('\r\n') + '\r\n';
}

/** `brand` is a checked one (checkBrand); CSV and JSON ignore it. */
export function renderMessageReport(analysis: MessageAnalysis, format: ReportFormat, brand: ReportBrand = {}): string {
  switch (format) {
    case 'html':
      return renderMessageHtml(analysis, brand);
    case 'md':
      return renderMessageMarkdown(analysis, brand);
    case 'csv':
      return renderMessageCsv(analysis);
    case 'json':
      return `${JSON.stringify(reportableMessage(analysis), null, 2)}\n`;
  }
}
