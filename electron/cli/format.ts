/**
 * The CLI's readable output: coloured when the stream is a terminal (NO_COLOR and FORCE_COLOR honoured).
 */
import { styleText } from 'node:util';
import type { AuditResult, CheckStatus, Finding, Severity } from '../core/audit/types';
import type { AuditSummary } from '../core/history/store';

type Style = Parameters<typeof styleText>[0];

export function painter(stream: NodeJS.WritableStream) {
  return (style: Style, text: string) => styleText(style, text, { stream, validateStream: true });
}

type Paint = ReturnType<typeof painter>;

const SEVERITY_STYLE: Record<Severity, Style> = { critical: ['red', 'bold'], warning: 'yellow', info: 'cyan' };
const STATUS_MARK: Record<CheckStatus, [string, Style]> = {
  pass: ['✓', 'green'],
  warn: ['!', 'yellow'],
  fail: ['✗', 'red'],
  info: ['i', 'cyan'],
  error: ['?', 'magenta'],
};

function checkLine(result: AuditResult, id: keyof AuditResult['checks']): string {
  const c = result.checks;
  switch (id) {
    case 'mx':
      if (c.mx.nullMx) return 'null MX (accepts no mail)';
      if (c.mx.error && c.mx.hosts.length === 0) return c.mx.error === 'ENODATA' ? 'no MX records' : `lookup failed: ${c.mx.error}`;
      return c.mx.hosts.map((h) => `${h.priority} ${h.exchange}`).join(', ') || 'no MX records';
    case 'spf':
      if (c.spf.error) return `lookup failed: ${c.spf.error}`;
      if (c.spf.record) return `${c.spf.record}  (${c.spf.lookups} DNS lookup${c.spf.lookups === 1 ? '' : 's'})`;
      return c.spf.records.length > 1 ? `${c.spf.records.length} records` : 'no record';
    case 'dmarc':
      if (c.dmarc.error) return `lookup failed: ${c.dmarc.error}`;
      if (!c.dmarc.record) return 'no record';
      return `policy ${c.dmarc.policy}${c.dmarc.inherited ? ` (inherited from ${c.dmarc.recordDomain} via ${c.dmarc.policySource})` : ''}: ${c.dmarc.record}`;
  }
}

function findingLines(f: Finding, paint: Paint): string[] {
  const lines = [`    ${paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(8))} ${paint('bold', f.code)}  ${f.title}`];
  lines.push(`             ${f.detail}`);
  if (f.fix) lines.push(`             ${paint('green', 'Fix:')} ${f.fix}`);
  return lines;
}

export function formatAudit(result: AuditResult, paint: Paint): string {
  const critical = result.findings.filter((f) => f.severity === 'critical').length;
  const scoreStyle: Style = critical > 0 ? 'red' : result.score >= 90 ? 'green' : 'yellow';
  const out = [
    `${paint('bold', result.domain)}  score ${paint(scoreStyle, `${result.score}/100 (${result.grade})`)}  ${paint('dim', `${result.durationMs} ms, resolver ${result.resolver}`)}`,
  ];
  for (const id of Object.keys(result.checks) as (keyof AuditResult['checks'])[]) {
    const check = result.checks[id];
    const [mark, style] = STATUS_MARK[check.status];
    out.push(`  ${paint(style, mark)} ${id.toUpperCase().padEnd(6)} ${checkLine(result, id)}`);
    for (const f of result.findings.filter((x) => x.check === id)) out.push(...findingLines(f, paint));
  }
  if (result.findings.length === 0) out.push(`  ${paint('green', 'No findings.')}`);
  return out.join('\n');
}

export function formatHistory(items: AuditSummary[], total: number, paint: Paint): string {
  if (items.length === 0) return 'No audits in history yet. Run: deliverlab audit example.com';
  const rows = items.map((a) => [
    String(a.id),
    a.startedAt.replace('T', ' ').slice(0, 19),
    a.domain,
    `${a.score} (${a.grade})`,
    String(a.critical),
    String(a.warning),
  ]);
  const head = ['ID', 'DATE (UTC)', 'DOMAIN', 'SCORE', 'CRITICAL', 'WARNING'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  const out = [paint('bold', line(head)), ...rows.map(line)];
  if (total > items.length) out.push(paint('dim', `${items.length} of ${total} shown; use --limit to see more.`));
  return out.join('\n');
}
