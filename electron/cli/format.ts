/**
 * The CLI's readable output: coloured when the stream is a terminal (NO_COLOR and FORCE_COLOR honoured).
 *
 * Every formatter first takes its input through neutraliseAll: records, headers and replies are
 * someone else's text, and must not reach the terminal as control sequences.
 */
import { styleText } from 'node:util';
import { zoneLines } from '../shared/fix-record';
import type { AuditResult, CheckStatus, Finding, Severity } from '../core/audit/types';
import { dkimOverall } from '../core/history/store';
import type { AuditSummary } from '../core/history/types';
import type { AuthResult, MessageAnalysis } from '../core/message/types';
import { neutralise, neutraliseAll } from './terminal-text';

type Style = Parameters<typeof styleText>[0];

export function painter(stream: NodeJS.WritableStream) {
  return (style: Style, text: string) => styleText(style, text, { stream, validateStream: true });
}

export type Paint = ReturnType<typeof painter>;

const SEVERITY_STYLE: Record<Severity, Style> = { critical: ['red', 'bold'], warning: 'yellow', info: 'cyan' };
const STATUS_MARK: Record<CheckStatus, [string, Style]> = {
  pass: ['✓', 'green'],
  warn: ['!', 'yellow'],
  fail: ['✗', 'red'],
  info: ['i', 'cyan'],
  error: ['?', 'magenta'],
  skipped: ['-', 'dim'],
};

type Checks = AuditResult['checks'];
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line per check for the terminal; the JSON and the app carry the details. */
const SUMMARIES: { [K in keyof Checks]-?: (c: NonNullable<Checks[K]>) => string } = {
  mx: (c) => {
    if (c.nullMx) return 'null MX (accepts no mail)';
    if (c.hosts.length === 0) return c.error && c.error !== 'ENODATA' ? `lookup failed: ${c.error}` : 'no MX records';
    return c.hosts.map((h) => `${h.priority} ${h.exchange}`).join(', ');
  },
  spf: (c) => {
    if (c.record) return `${c.record}  (${plural(c.lookups, 'DNS lookup')}${c.voidLookups ? `, ${plural(c.voidLookups, 'void lookup')}` : ''})`;
    return c.records.length > 1 ? `${c.records.length} records` : 'no record';
  },
  dmarc: (c) => {
    if (!c.record) return 'no record';
    return `policy ${c.policy}${c.inherited ? ` (inherited from ${c.recordDomain} via ${c.policySource})` : ''}: ${c.record}`;
  },
  dkim: (c) =>
    c.selectors.length > 0
      ? c.selectors.map((s) => `${s.selector} (${s.keyType}${s.keyBits ? ` ${s.keyBits}` : ''}${s.revoked ? ', revoked' : ''})`).join(', ')
      : `no key at ${plural(c.tried.length, 'selector')} tried`,
  mtasts: (c) => (c.policy ? `mode ${c.policy.mode}, mx ${c.policy.mx.join(' ')}` : c.record ? c.record : 'no record'),
  tlsrpt: (c) => c.record ?? 'no record',
  bimi: (c) => c.record ?? 'no record',
  dnssec: (c) => (c.signed === null ? 'unknown' : c.signed ? 'signed' : 'unsigned'),
  ptr: (c) => c.addresses.map((a) => `${a.ip} → ${a.ptr[0] ?? 'none'}`).join(', ') || 'no addresses',
  dnsbl: (c) => {
    const listed = c.results.filter((r) => r.listed);
    return listed.length > 0 ? `listed: ${listed.map((r) => `${r.target} on ${r.list}`).join(', ')}` : `${plural(c.results.length, 'lookup')}, not listed`;
  },
  smtp: (c) => c.hosts.map((h) => `${h.host}: ${h.error ? h.error : h.tls ? `${h.tls.version}` : h.starttls ? 'STARTTLS' : 'no STARTTLS'}`).join(', ') || 'no hosts',
  providers: (c) =>
    c.scorecards
      .map((s) => `${s.provider} ${s.audience}: ${s.items.filter((i) => i.result === 'fail').length || 'none'} failing`)
      .join(', '),
};

function checkLine<K extends keyof Checks>(id: K, check: NonNullable<Checks[K]>): string {
  if (check.skipped) return `skipped: ${check.skipped}`;
  if (check.status === 'error') return `could not check: ${check.error ?? 'unknown error'}`;
  return (SUMMARIES[id] as unknown as (c: NonNullable<Checks[K]>) => string)(check);
}

const INDENT = ' '.repeat(13);
/** Multi-line text (an MTA-STS policy file in a fix) keeps its lines, indented under the finding. */
const indented = (text: string) => text.split('\n').join(`\n${INDENT}`);

/** `records`: the fix's records as zone-file lines, already neutralised, printed under the fix in words. */
export function findingLines(f: Finding, paint: Paint, records?: string): string[] {
  const lines = [`    ${paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(8))} ${paint('bold', f.code)}  ${f.title}`];
  lines.push(`${INDENT}${indented(f.detail)}`);
  if (f.fix) lines.push(`${INDENT}${paint('green', 'Fix:')} ${indented(f.fix)}`);
  if (records) lines.push(`${INDENT}${paint('green', 'Record:')} ${records.split('\n').join(`\n${INDENT}${' '.repeat('Record: '.length)}`)}`);
  return lines;
}

/**
 * A finding's fix records as zone-file lines (what a DNS console imports), made from the records as
 * found and then neutralised: a control character in a value shows as `\x1b`, as everywhere else,
 * rather than as the zone file's own escape of the already neutralised text.
 */
const recordLines = (f: Finding): string | undefined => (f.fixRecords?.length ? neutralise(zoneLines(f.fixRecords)) : undefined);

export function formatAudit(untrusted: AuditResult, paint: Paint): string {
  const result = neutraliseAll(untrusted);
  const records = untrusted.findings.map(recordLines);
  const critical = result.findings.filter((f) => f.severity === 'critical').length;
  const scoreStyle: Style = critical > 0 ? 'red' : result.score >= 90 ? 'green' : 'yellow';
  // A domain that does not exist gets one headline instead of a grade, and no list of skipped checks.
  const missing = result.findings.some((f) => f.code === 'domain.nxdomain');
  const headline = missing ? paint(['red', 'bold'], 'does not exist (NXDOMAIN): no grade') : `score ${paint(scoreStyle, `${result.score}/100 (${result.grade})`)}`;
  const out = [`${paint('bold', result.domain)}  ${headline}  ${paint('dim', `${result.durationMs} ms, resolver ${result.resolver}`)}`];
  for (const id of Object.keys(result.checks) as (keyof Checks)[]) {
    const check = result.checks[id];
    if (!check || (missing && check.status === 'skipped')) continue;
    const [mark, style] = STATUS_MARK[check.status];
    out.push(`  ${paint(style, mark)} ${id.toUpperCase().padEnd(9)} ${checkLine(id, check)}`);
    result.findings.forEach((f, i) => {
      if (f.check === id) out.push(...findingLines(f, paint, records[i]));
    });
  }
  if (result.findings.length === 0) out.push(`  ${paint('green', 'No findings.')}`);
  return out.join('\n');
}

export function formatHistory(untrusted: AuditSummary[], total: number, paint: Paint): string {
  const items = neutraliseAll(untrusted);
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

/** What changed since the previous audit of the domain (`deliverlab audit --diff`). */
export function formatDiff(result: AuditResult, paint: Paint): string {
  const diff = neutraliseAll(result.diff);
  if (!diff) return `  ${paint('dim', 'No previous audit of this domain in history to compare with.')}`;
  const out = [`  ${paint('bold', 'Since')} ${diff.previousAt.replace('T', ' ').slice(0, 19)} UTC: score ${diff.scoreBefore} → ${diff.scoreAfter}`];
  for (const r of diff.records) out.push(`    ${paint('yellow', '~')} ${r.what}: ${r.before ?? '(none)'} → ${r.after ?? '(none)'}`);
  for (const f of diff.added) out.push(`    ${paint('red', '+')} ${f.code}  ${f.title}`);
  for (const f of diff.resolved) out.push(`    ${paint('green', '-')} ${f.code}  ${f.title} (resolved)`);
  if (diff.records.length + diff.added.length + diff.resolved.length === 0) out.push(`    ${paint('dim', 'No change.')}`);
  return out.join('\n');
}

const RESULT_STYLE: Record<AuthResult, Style> = {
  pass: 'green',
  fail: ['red', 'bold'],
  softfail: 'yellow',
  neutral: 'yellow',
  none: 'dim',
  temperror: 'magenta',
  permerror: 'red',
  policy: 'yellow',
};

const styleOf = (result: string): Style => RESULT_STYLE[result as AuthResult] ?? 'yellow';

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function seconds(s: number): string {
  const sign = s < 0 ? '-' : '';
  const abs = Math.abs(Math.round(s));
  if (abs < 120) return `${sign}${abs} s`;
  if (abs < 7200) return `${sign}${Math.round(abs / 60)} min`;
  return `${sign}${(abs / 3600).toFixed(1)} h`;
}

/** The verdict strip of `deliverlab check`: one word per mechanism, as the app's strip shows them. */
function verdictLine(a: MessageAnalysis, paint: Paint): string {
  const { auth } = a;
  const dkimWord = dkimOverall(auth.dkim);
  const parts = [
    `SPF ${paint(styleOf(auth.spf.result), auth.spf.result)}`,
    `DKIM ${paint(styleOf(dkimWord), dkimWord)}${auth.dkim.length > 1 ? paint('dim', ` (${auth.dkim.length} signatures)`) : ''}`,
    `DMARC ${paint(styleOf(auth.dmarc.result), auth.dmarc.result)}${auth.dmarc.policy ? paint('dim', ` (p=${auth.dmarc.policy})`) : ''}`,
    `ARC ${paint(styleOf(auth.arc.result), auth.arc.result)}`,
    `BIMI ${auth.bimi ? paint(styleOf(auth.bimi.result), auth.bimi.result) : paint('dim', 'n/a')}`,
  ];
  return parts.join('  ');
}

/** The readable report of one analysed message (`deliverlab check` without --json). */
export function formatMessage(untrusted: MessageAnalysis, paint: Paint): string {
  const a = neutraliseAll(untrusted);
  const critical = a.findings.filter((f) => f.severity === 'critical').length;
  const subject = a.summary.subject ?? '(no subject)';
  const out = [
    `${paint('bold', subject)}  ${paint('dim', `from ${a.summary.from ?? '(no From)'}, ${bytes(a.size)}, ${Math.round(a.durationMs)} ms`)}`,
    `  ${verdictLine(a, paint)}  ${critical > 0 ? paint(['red', 'bold'], `${plural(critical, 'critical finding')}`) : paint('green', 'no critical finding')}`,
  ];
  // What the input itself limits (only headers, a file cut short), said before any result.
  const notes = a.inputNotes ?? (a.headersOnly ? ['Only headers were given: the DKIM body hashes, the content checks and the preview need the whole message.'] : []);
  for (const note of notes) out.push(`  ${paint('yellow', '!')} ${indented(note)}`);

  const env = a.envelope;
  const envParts = [env.ip ? `IP ${env.ip}` : 'no IP', env.helo ? `HELO ${env.helo}` : null, env.mailFrom ? `MAIL FROM ${env.mailFrom}` : null].filter(Boolean);
  out.push(`  ${paint('bold', 'Envelope'.padEnd(9))} ${envParts.join(', ')}${env.source === 'given' ? paint('dim', ' (given)') : ''}`);
  if (env.source !== 'given' && env.explanation) out.push(`${' '.repeat(12)}${paint('dim', env.explanation)}`);

  if (a.hops.length > 0) {
    const transit = a.transitSeconds === null ? '' : `, ${seconds(a.transitSeconds)} in transit`;
    out.push(`  ${paint('bold', 'Hops'.padEnd(9))} ${plural(a.hops.length, 'Received header')}${transit}, oldest first`);
    for (const hop of [...a.hops].reverse()) {
      const trusted = env.trustedHop === hop.index ? paint('cyan', ' ← trusted') : '';
      const route = `${hop.from ?? '?'}${hop.fromIp ? ` [${hop.fromIp}]` : ''} → ${hop.by ?? '?'}`;
      const how = [hop.with, hop.tls ? (hop.tlsVersion ?? 'TLS') : null].filter(Boolean).join(' ');
      const delay = hop.delaySeconds === undefined ? '' : hop.outOfOrder ? paint('yellow', ` ${seconds(hop.delaySeconds)} (clocks disagree)`) : ` +${seconds(hop.delaySeconds)}`;
      out.push(`    ${String(hop.index).padStart(2)}  ${route}${how ? paint('dim', `  ${how}`) : ''}${delay}${trusted}`);
    }
  }

  // One line per signature; why one failed is in its auth finding below.
  const signatures = a.auth.dkim.filter((d) => d.domain);
  if (signatures.length === 0) out.push(`  ${paint('dim', '-')} ${'DKIM'.padEnd(9)} no signature`);
  for (const d of signatures) {
    const mark = d.result === 'pass' ? paint('green', '✓') : paint('red', '✗');
    const key = [d.algorithm, d.keyBits ? `${d.keyBits} bits` : null, d.canonicalization].filter(Boolean).join(', ');
    out.push(`  ${mark} ${'DKIM'.padEnd(9)} d=${d.domain} s=${d.selector}: ${paint(styleOf(d.result), d.result)}${d.aligned ? ', aligned' : ', not aligned'}${key ? paint('dim', `  (${key})`) : ''}`);
  }

  for (const diff of a.receiver.differences) {
    out.push(`  ${paint('yellow', '!')} ${'RECEIVER'.padEnd(9)} ${diff.method}: the receiver said ${diff.receiver}, we find ${diff.ours}. ${diff.note}`);
  }

  const checks = [...new Set(a.findings.map((f) => f.check))];
  for (const check of checks) {
    const findings = a.findings.filter((f) => f.check === check);
    const worst = findings.some((f) => f.severity === 'critical') ? 'fail' : findings.some((f) => f.severity === 'warning') ? 'warn' : 'info';
    const [mark, style] = STATUS_MARK[worst];
    out.push(`  ${paint(style, mark)} ${check.toUpperCase().padEnd(9)} ${plural(findings.length, 'finding')}`);
    for (const f of findings) out.push(...findingLines(f, paint));
  }
  if (a.findings.length === 0) out.push(`  ${paint('green', 'No findings.')}`);

  if (a.providers.length > 0) {
    const line = a.providers
      .map((s) => {
        const failing = s.items.filter((i) => i.result === 'fail').length;
        return `${s.provider} ${s.audience}: ${failing ? paint('red', `${failing} failing`) : paint('green', 'none failing')}`;
      })
      .join(', ');
    out.push(`  ${paint('bold', 'Providers'.padEnd(9))} ${line}`);
  }
  return out.join('\n');
}
