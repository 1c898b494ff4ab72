/**
 * The readable output of `deliverlab reports`: tables of what the reports say.
 *
 * Every text in a report is someone else's (an org name, a file name inside a zip, a host name):
 * each formatter takes its input through neutraliseAll first, so no control character reaches the
 * terminal.
 */
import type { styleText } from 'node:util';
import type { ImapImportResult, ImportResult, Readiness, ReportSummary, SourceClass, SourcesResult, TlsSummary } from '../api/types';
import { neutraliseAll } from './terminal-text';

type Paint = (style: Parameters<typeof styleText>[0], text: string) => string;

const n = (value: number) => value.toLocaleString('en-US');
const pct = (part: number, whole: number) => (whole === 0 ? '-' : `${(Math.round((part / whole) * 1000) / 10).toFixed(1)}%`);
const plural = (count: number, word: string, many = `${word}s`) => `${n(count)} ${count === 1 ? word : many}`;
const day = (iso: string) => iso.slice(0, 10);

/**
 * Columns: text left-aligned, numbers (`right`) right-aligned, the header bold. `style` paints a cell
 * after it is padded, so that colour codes do not shift the columns.
 */
export function table(
  head: string[],
  rows: string[][],
  paint: Paint,
  right: ReadonlySet<number> = new Set(),
  style?: (row: number, column: number) => Parameters<Paint>[0] | undefined,
): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[], row: number) =>
    cells
      .map((c, i) => {
        const padded = right.has(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number);
        const cellStyle = row >= 0 ? style?.(row, i) : undefined;
        return cellStyle ? paint(cellStyle, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [paint('bold', line(head, -1)), ...rows.map((r, i) => line(r, i))];
}

export function formatImport(untrusted: ImportResult, paint: Paint): string {
  const r = neutraliseAll(untrusted);
  const out = [
    `${paint('bold', `Imported ${plural(r.imported, 'report')}`)} (${plural(r.records, 'record')}, ${plural(r.messages, 'message')}); ` +
      `${r.duplicates === 0 ? 'none' : n(r.duplicates)} already in history; ${r.refused.length === 0 ? 'none refused' : paint('yellow', `${n(r.refused.length)} refused`)}.`,
  ];
  for (const f of r.refused) out.push(`  ${paint('yellow', 'refused')} ${f.file}: ${f.reason}`);
  if (r.stopped) out.push(paint('red', `Stopped: ${r.stopped}`));
  return out.join('\n');
}

/** An import from a mailbox: the import's lines, then what was read from the folder and where the next run starts. */
export function formatImapImport(untrusted: ImapImportResult, paint: Paint): string {
  const m = neutraliseAll(untrusted.mailbox);
  const out = [formatImport(untrusted, paint)];
  if (m.restarted) out.push(paint('yellow', "The folder's UIDVALIDITY changed since the last import: its messages were all read again (reports already in history count as duplicates)."));
  const read = m.done === m.newMessages ? '' : `, ${n(m.done)} read`;
  const moved = m.moveTo ? `; ${plural(m.moved, 'message')} moved to ${m.moveTo}` : '';
  out.push(`${m.folder}${m.since ? ` since ${m.since}` : ''}: ${plural(m.newMessages, 'new message')}${read}${moved}.`);
  if (m.remaining > 0) out.push(`${plural(m.remaining, 'more new message')} ${m.remaining === 1 ? 'is' : 'are'} left for the next import.`);
  return out.join('\n');
}

export function formatSummary(untrusted: ReportSummary, paint: Paint): string {
  const s = neutraliseAll(untrusted);
  const out = [`${paint('bold', s.domain)}  ${paint('dim', `${day(s.since)} to ${day(s.until)} (UTC)`)}`];
  if (s.reports === 0) {
    out.push('  No reports for this domain in this period. Import some: deliverlab reports import FILE...');
    return out.join('\n');
  }
  out.push(
    `  Reports       ${n(s.reports)} from ${plural(s.reporters.length, 'reporter')}`,
    `  Messages      ${n(s.messages)}`,
    `  DMARC pass    ${n(s.dmarcPass)} (${pct(s.dmarcPass, s.messages)})`,
    `  SPF aligned   ${n(s.spfAlignedPass)} (${pct(s.spfAlignedPass, s.messages)})`,
    `  DKIM aligned  ${n(s.dkimAlignedPass)} (${pct(s.dkimAlignedPass, s.messages)})`,
    `  Disposition   none ${n(s.disposition.none)}, quarantine ${n(s.disposition.quarantine)}, reject ${n(s.disposition.reject)}`,
    '',
  );
  const rows = s.reporters.map((r) => [r.org, n(r.reports), n(r.messages), n(r.dmarcPass), pct(r.dmarcPass, r.messages)]);
  out.push(...table(['REPORTER', 'REPORTS', 'MESSAGES', 'DMARC PASS', '%'], rows, paint, new Set([1, 2, 3, 4])).map((l) => `  ${l}`));
  return out.join('\n');
}

const CLASS_STYLE: Record<SourceClass, Parameters<Paint>[0]> = { compliant: 'green', forwarded: 'cyan', misconfigured: 'yellow', unknown: ['red', 'bold'] };

export function formatSources(untrusted: SourcesResult, readiness: Readiness | null, paint: Paint): string {
  const s = neutraliseAll(untrusted);
  const out = [`${paint('bold', s.domain)}  ${paint('dim', `${day(s.since)} to ${day(s.until)} (UTC)`)}`];
  if (s.sources.length === 0) out.push('  No sources in this period.');
  else {
    const rows = s.sources.map((src) => [
      src.organization,
      src.class,
      String(src.ips.length),
      n(src.messages),
      pct(src.dmarcPass, src.messages),
      pct(src.spfAlignedPass, src.messages),
      pct(src.dkimAlignedPass, src.messages),
    ]);
    const lines = table(['ORGANIZATION', 'CLASS', 'IPS', 'MESSAGES', 'DMARC', 'SPF', 'DKIM'], rows, paint, new Set([2, 3, 4, 5, 6]), (row, column) =>
      column === 1 ? CLASS_STYLE[(s.sources[row] as (typeof s.sources)[number]).class] : undefined,
    );
    out.push(`  ${lines[0]}`);
    s.sources.forEach((src, i) => {
      out.push(`  ${lines[i + 1]}`);
      if (src.fix) out.push(`      ${paint('green', 'Fix:')} ${src.fix}`);
    });
  }
  if (s.lookupFailures > 0) out.push(paint('yellow', `  Reverse DNS failed for ${plural(s.lookupFailures, 'address', 'addresses')}: each is shown by itself, not guessed.`));
  if (s.notLookedUp > 0) out.push(paint('yellow', `  ${plural(s.notLookedUp, 'address', 'addresses')} not looked up yet (too many at once): run again to look them up.`));
  if (readiness) {
    const r = neutraliseAll(readiness);
    out.push('', paint('bold', '  Enforcement readiness'));
    out.push(`    Legitimate mail passing DMARC: ${n(r.legitimatePass)} of ${n(r.legitimateMessages)} (${pct(r.legitimatePass, r.legitimateMessages)}); unknown sources: ${plural(r.unknownMessages, 'message')}`);
    const audited = r.current.audited;
    if (audited?.record) out.push(`    Published (audit of ${day(audited.auditedAt)}): ${audited.record}`);
    else if (r.current.reported) out.push(`    Reported policy: p=${r.current.reported.p ?? 'none'}${r.current.reported.pct !== null ? ` pct=${r.current.reported.pct}` : ''}`);
    if (r.unidentified && r.verdict !== 'cannot-judge') {
      out.push(`    ${paint('yellow', 'unidentified')} ${plural(r.unidentified.messages, 'message')} from ${plural(r.unidentified.addresses, 'address', 'addresses')} whose reverse DNS failed or is not looked up yet`);
    }
    for (const h of r.hurt.slice(0, 10)) out.push(`    ${paint('yellow', 'would hurt')} ${h.organization} (${h.class}): ${plural(h.failing, 'failing message')}`);
    if (r.next) {
      const step = `p=${r.next.policy}${r.next.pct < 100 ? `; pct=${r.next.pct}` : ''}${r.next.testing ? '; t=y' : ''}`;
      if (r.verdict === 'cannot-judge') out.push(`    ${paint('yellow', 'Cannot judge yet')} whether ${step} is safe: ${r.why}`);
      else out.push(`    ${paint(r.ready ? 'green' : 'yellow', r.ready ? 'Ready' : 'Not ready')} for ${step}: ${r.why}`);
      if (r.next.record) out.push(`    Next record: ${r.next.record}`);
    } else out.push(`    ${r.why}`);
  }
  return out.join('\n');
}

export function formatTls(untrusted: TlsSummary, paint: Paint): string {
  const t = neutraliseAll(untrusted);
  const out = [`${paint('bold', t.domain)}  ${paint('dim', `${day(t.since)} to ${day(t.until)} (UTC)`)}  TLS reports (RFC 8460)`];
  if (t.reports === 0) {
    out.push('  No TLS reports for this domain in this period.');
    return out.join('\n');
  }
  out.push(`  ${plural(t.reports, 'report')}: ${plural(t.successes, 'successful session')}, ${plural(t.failures, 'failed session')} (${pct(t.failures, t.successes + t.failures)})`, '');
  out.push(
    ...table(
      ['POLICY', 'REPORTS', 'SUCCESSES', 'FAILURES'],
      t.policies.map((p) => [p.type, n(p.reports), n(p.successes), n(p.failures)]),
      paint,
      new Set([1, 2, 3]),
    ).map((l) => `  ${l}`),
  );
  if (t.failureTypes.length > 0) {
    out.push('');
    out.push(...table(['FAILURE', 'SESSIONS'], t.failureTypes.map((f) => [f.type, n(f.sessions)]), paint, new Set([1])).map((l) => `  ${l}`));
  }
  if (t.mtas.length > 0) {
    out.push('');
    out.push(
      ...table(
        ['SENDING MTA', 'REPORTER', 'FAILURE', 'RECEIVING MX', 'SESSIONS'],
        t.mtas.slice(0, 50).map((m) => [m.ip, m.reporter, m.resultType, m.receivingMx ?? '-', n(m.sessions)]),
        paint,
        new Set([4]),
      ).map((l) => `  ${l}`),
    );
    if (t.mtas.length > 50) out.push(paint('dim', `  ${n(t.mtas.length - 50)} more in --json`));
  }
  return out.join('\n');
}
