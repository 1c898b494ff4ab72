/**
 * The report of one placement run, as html, md, csv or json: which seed got the copy where, how
 * fast, and for a copy that bounced or never came, what the bounce said or what was searched.
 *
 * It embeds the run it was made from (reportablePlacement: without the SMTP transcript), hashed, like
 * the audit report. Seeds' logins are not part of a run; withoutSecrets drops them if one ever is.
 * A consultant's branding (checked by brand.ts) goes on the HTML and Markdown as on the audit report.
 * The copies analysed where they landed add what the receiving server recorded on each (its spam
 * verdict headers, its Authentication-Results) and the local filters' verdicts (spam-section.ts).
 */
import type { PlacementRun, SeedOutcome } from '../placement/types';
import { csvCell } from './csv';
import { block, escapeMarkdown } from './markdown';
import { auditDate, type ReportFormat } from './model';
import { badge, coverHtml, renderPage, tableHtml, text, visible, type ReportBrand } from './page';
import { withoutSecrets } from './reportable';
import { spamHtml, spamMarkdown } from './message-report';
import {
  CARRIED_COLUMNS,
  carriedRows,
  carriedWords,
  COPIES_TITLE,
  copyHeading,
  NO_AUTH_RESULTS,
  NO_LOCAL_FILTER,
  NO_RECEIVER_VERDICT,
  verdictWords,
  type CopyReport,
} from './spam-section';

/** A run as its report embeds it: with its analysed copies' sections when it has any. */
export type ReportedPlacement = PlacementRun & { analysedCopies?: CopyReport[] };

export const reportablePlacement = (run: PlacementRun, copies: readonly CopyReport[] = []): ReportedPlacement =>
  withoutSecrets(copies.length > 0 ? { ...run, analysedCopies: [...copies] } : run);

export const placementTitle = (run: PlacementRun): string => `Placement report: ${run.subject}`;

/** Where a placement word comes from in words a reader knows. */
function placementWords(p: SeedOutcome['placement']): string {
  if (p === 'inbox') return 'Inbox';
  if (p === 'spam') return 'Spam';
  if (p === 'missing') return 'Missing';
  if (p === 'bounced') return 'Bounced';
  if (p === 'error') return 'Error';
  if (p === 'pending') return 'Pending (the run did not finish)';
  if (p.startsWith('category:')) return `Inbox, ${p.slice('category:'.length)} tab`;
  return `Folder ${p.slice('folder:'.length)}`;
}

const seconds = (ms: number | null | undefined): string => (typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : '');

/** Why a seed ended where it did, for the ones that need saying: a bounce, a missing copy, an error. */
export function explanation(o: SeedOutcome): string {
  if (o.bounce) {
    const b = o.bounce;
    return [`Status ${b.status} (${b.action}) for ${b.finalRecipient}`, b.diagnostic ? `the server said: ${b.diagnostic}` : '', b.remoteMta ? `remote server ${b.remoteMta}` : '', b.reportingMta ? `reported by ${b.reportingMta}` : '', `found in ${b.mailbox} ${b.folder} after ${seconds(b.latencyMs)}`].filter(Boolean).join('; ');
  }
  if (o.error) return `${o.error.explanation} (${o.error.code})`;
  if (o.placement === 'missing') return o.searched?.explanation ?? 'Not found before the deadline.';
  return '';
}

const seedRow = (o: SeedOutcome): string[] => [
  o.seed,
  o.address,
  o.provider,
  placementWords(o.placement),
  o.detection ? seconds(o.detection.latencyMs) : '',
  o.detection ? `${o.detection.folder} (${o.detection.via})` : '',
  String(o.reconnects),
  explanation(o),
];
const SEED_HEAD = ['Seed', 'Address', 'Provider', 'Landed in', 'Latency', 'Folder', 'Reconnects', 'Why'];

function sendWords(run: PlacementRun): string {
  const s = run.send;
  if (!s) return 'Not sent.';
  if (!s.ok) return `The send failed: ${s.error?.explanation ?? 'no reason given'}`;
  return [`Accepted${s.queueId ? ` as ${s.queueId}` : ''}`, s.messageId ? `Message-ID ${s.messageId}` : '', s.response ? `server reply: ${s.response}` : '', typeof s.timings.acceptedMs === 'number' ? `after ${s.timings.acceptedMs} ms` : ''].filter(Boolean).join('; ');
}

function countsWords(run: PlacementRun): string {
  return Object.entries(run.summary.counts)
    .map(([p, n]) => `${placementWords(p as SeedOutcome['placement'])}: ${n} of ${run.summary.total}`)
    .join(', ');
}

function copiesHtml(copies: readonly CopyReport[]): string {
  const out = [`<h3>${COPIES_TITLE}</h3>`, '<p class="muted">Each copy as it was fetched from its seed: what the receiving server recorded on it, and what the local spam filters said.</p>'];
  for (const c of copies) {
    out.push(`<h4>${text(copyHeading(c))}</h4>`, '<p><strong>The receiving server\'s spam verdict</strong></p>');
    out.push(c.recorded.spamVerdicts.length === 0 ? `<p>${text(NO_RECEIVER_VERDICT)}</p>` : tableHtml(CARRIED_COLUMNS, carriedRows(c.recorded), { wrap: [0] }));
    out.push(`<p><strong>Authentication-Results${c.recorded.authServId ? ` (${text(c.recorded.authServId)})` : ''}</strong></p>`);
    out.push(c.recorded.authenticationResults.length === 0 ? `<p>${text(NO_AUTH_RESULTS)}</p>` : `<pre>${text(c.recorded.authenticationResults.join('\n'))}</pre>`);
    out.push(c.spam ? spamHtml(c.spam, 'h5') : `<p>${text(NO_LOCAL_FILTER)}</p>`);
  }
  return out.join('\n');
}

function placementHtml(run: ReportedPlacement): string {
  const out: string[] = ['<section class="domain-section" aria-labelledby="p-title">'];
  out.push(
    coverHtml(
      run.subject,
      [
        ['Subject', run.subject],
        ['Profile', run.profile],
        ['Status', run.status],
        ['Started', auditDate(run.startedAt)],
        ['Finished', run.finishedAt ? auditDate(run.finishedAt) : null],
        ['Deadline', seconds(run.deadlineMs)],
        ['Send', sendWords(run)],
        ['Where the copies landed', countsWords(run)],
        ['Median latency', seconds(run.summary.medianLatencyMs) || null],
        ['Worst latency', seconds(run.summary.worstLatencyMs) || null],
      ],
      'p-title',
    ),
  );
  out.push('<h3>Seeds</h3>');
  out.push(run.seeds.length === 0 ? '<p>No seed.</p>' : tableHtml(SEED_HEAD, run.seeds.map(seedRow), { wrap: [1, 7] }));
  const notable = run.seeds.filter((o) => o.detection && (Object.keys(o.detection.spamHeaders).length > 0 || o.detection.authenticationResults.length > 0));
  if (notable.length > 0) {
    out.push('<h3>What the receiving servers wrote on the copies</h3>');
    for (const o of notable) {
      const d = o.detection!;
      const lines = [...d.authenticationResults.map((v) => `Authentication-Results: ${v}`), ...Object.entries(d.spamHeaders).flatMap(([k, vs]) => vs.map((v) => `${k}: ${v}`)), ...(d.labels?.length ? [`X-GM-LABELS: ${d.labels.join(' ')}`] : [])];
      out.push(`<h4>${text(o.seed)} ${badge('st st-info', placementWords(o.placement))}</h4><pre>${text(lines.join('\n'))}</pre>`);
    }
  }
  if (run.analysedCopies?.length) out.push(copiesHtml(run.analysedCopies));
  if (run.warnings.length > 0) out.push('<h3>Warnings</h3>', `<ul>${run.warnings.map((w) => `<li>${text(w)}</li>`).join('')}</ul>`);
  if (run.cleanup) out.push('<h3>Clean-up</h3>', tableHtml(['Seed', 'Probe copy'], Object.entries(run.cleanup)));
  out.push('</section>');
  return out.join('\n');
}

export function renderPlacementHtml(run: PlacementRun, brand: ReportBrand = {}, copies: readonly CopyReport[] = []): string {
  const r = reportablePlacement(run, copies);
  return renderPage({ title: brand.title ?? placementTitle(r), main: placementHtml(r), resultName: 'the placement run', result: r, brand });
}

const md = (value: string) => escapeMarkdown(visible(value));
const cellMd = (value: string) => md(value).replace(/\|/g, '\\|');

export function renderPlacementMarkdown(run: PlacementRun, brand: ReportBrand = {}, copies: readonly CopyReport[] = []): string {
  const r = reportablePlacement(run, copies);
  const out = [`# ${md(brand.title ?? placementTitle(r))}`, ''];
  if (brand.name) out.push(`Prepared by ${md(brand.name)} with Deliverlab.`, '');
  const facts: [string, string | null][] = [
    ['Profile', r.profile],
    ['Status', r.status],
    ['Started', auditDate(r.startedAt)],
    ['Finished', r.finishedAt ? auditDate(r.finishedAt) : null],
    ['Send', sendWords(r)],
    ['Where the copies landed', countsWords(r)],
    ['Median latency', seconds(r.summary.medianLatencyMs) || null],
    ['Worst latency', seconds(r.summary.worstLatencyMs) || null],
  ];
  for (const [k, v] of facts) if (v) out.push(`- ${k}: ${md(v)}`);
  out.push('', '## Seeds', '', `| ${SEED_HEAD.join(' | ')} |`, `|${SEED_HEAD.map(() => '---').join('|')}|`);
  for (const o of r.seeds) out.push(`| ${seedRow(o).map(cellMd).join(' | ')} |`);
  if (r.analysedCopies?.length) {
    out.push('', `## ${COPIES_TITLE}`);
    for (const c of r.analysedCopies) {
      out.push('', `### ${md(copyHeading(c))}`, '', '**The receiving server\'s spam verdict**', '');
      if (c.recorded.spamVerdicts.length === 0) out.push(md(NO_RECEIVER_VERDICT));
      else out.push(`| ${CARRIED_COLUMNS.join(' | ')} |`, `|${CARRIED_COLUMNS.map(() => '---').join('|')}|`, ...carriedRows(c.recorded).map((row) => `| ${row.map(cellMd).join(' | ')} |`));
      out.push('', `**Authentication-Results${c.recorded.authServId ? ` (${md(c.recorded.authServId)})` : ''}**`, '');
      out.push(c.recorded.authenticationResults.length === 0 ? md(NO_AUTH_RESULTS) : block(visible(c.recorded.authenticationResults.join('\n'))));
      out.push('', ...(c.spam ? spamMarkdown(c.spam, '####') : [md(NO_LOCAL_FILTER)]));
    }
  }
  if (r.warnings.length > 0) out.push('', '## Warnings', '', ...r.warnings.map((w) => `- ${md(w)}`));
  if (brand.footer) out.push('', '---', '', md(brand.footer));
  return `${out.join('\n')}\n`;
}

/**
 * One row per seed; an analysed copy fills the last columns: the receiving server's spam verdicts
 * and Authentication-Results, and each local filter's verdict.
 */
export function renderPlacementCsv(run: PlacementRun, copies: readonly CopyReport[] = []): string {
  const r = reportablePlacement(run, copies);
  const rows = [['seed', 'address', 'provider', 'placement', 'latency_ms', 'folder', 'explanation', 'receiver_spam_verdict', 'authentication_results', 'spamassassin', 'rspamd']];
  const bySeed = new Map((r.analysedCopies ?? []).map((c) => [c.seed, c]));
  for (const o of r.seeds) {
    const c = bySeed.get(o.seed);
    const local = (filter: string) => {
      const found = c?.spam?.find((v) => v.filter === filter);
      return found ? verdictWords(found) : '';
    };
    rows.push([
      o.seed,
      o.address,
      o.provider,
      o.placement,
      o.detection ? String(o.detection.latencyMs) : '',
      o.detection?.folder ?? '',
      explanation(o),
      c ? c.recorded.spamVerdicts.map(carriedWords).join('; ') : '',
      c ? c.recorded.authenticationResults.join(' | ') : '',
      local('spamassassin'),
      local('rspamd'),
    ]);
  }
  return rows.map((row) => row.map((c) => csvCell(visible(c))).join(',')).join('\r\n') + '\r\n';
}

/** `brand` is a checked one (checkBrand); CSV and JSON ignore it. */
export function renderPlacementReport(run: PlacementRun, format: ReportFormat, brand: ReportBrand = {}, copies: readonly CopyReport[] = []): string {
  switch (format) {
    case 'html':
      return renderPlacementHtml(run, brand, copies);
    case 'md':
      return renderPlacementMarkdown(run, brand, copies);
    case 'csv':
      return renderPlacementCsv(run, copies);
    case 'json':
      return `${JSON.stringify(reportablePlacement(run, copies), null, 2)}\n`;
  }
}
