/**
 * The report of one message analysis, as html, md, csv or json: the verdicts (SPF, DKIM, DMARC,
 * ARC, BIMI) in the RFC reading with the lenient receivers' note beside it, the hops, the findings
 * with their codes and fixes, and the providers' rules.
 *
 * Everything in it came from a sender or a remote server, so every value is escaped and its control
 * characters shown. The file embeds what it was made from (reportableMessage: the analysis without the
 * decoded body), hashed, like the audit report. A consultant's branding (checked by brand.ts) goes on
 * the HTML and Markdown as on the audit report; CSV and JSON carry data only.
 */
import type { Finding, ProviderScorecard } from '../audit/types';
import type { DkimSignatureResult, LenientResult, MessageAnalysis } from '../message/types';
import { csvCell } from './csv';
import { block, code, escapeMarkdown } from './markdown';
import { IMPACT_WORDS, auditDate, type ReportFormat } from './model';
import { coverHtml, escapeHtml, pre, renderPage, sev, tableHtml, text, visible, type ReportBrand } from './page';
import { prioritize } from './prioritize';
import { withoutSecrets } from './reportable';

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
  out.push('<h3>Fix these first</h3>', fixesHtml(a.findings));
  out.push('<h3>Authentication</h3>', '<p class="muted">Result is the RFC reading. Where many receivers read a signature more leniently (rsa-sha1, a missing tag), the lenient column says what they report and why.</p>');
  out.push(tableHtml(['Method', 'Result', 'Lenient receivers', 'Details'], verdicts(a).map((v) => [v.method, v.result, v.lenient, v.detail]), { wrap: [3] }));
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

/** One row per finding, like the audit's CSV, with the message's subject and From domain first. */
export function renderMessageCsv(analysis: MessageAnalysis): string {
  const a = reportableMessage(analysis);
  const rows = [['subject', 'from_domain', 'code', 'severity', 'title', 'fix']];
  for (const f of a.findings) rows.push([a.summary.subject ?? '', a.summary.fromDomain ?? '', f.code, f.severity, f.title, f.fix ?? '']);
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
