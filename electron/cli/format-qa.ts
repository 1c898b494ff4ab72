/**
 * The readable output of `deliverlab qa`: the draft's size as sent, then its findings grouped by
 * kind, each with the lines of the HTML it applies to, then the link check when it ran.
 *
 * Everything from the draft (file name, titles quoting its text, URLs) goes through neutraliseAll
 * first: a control character in the file is shown as a visible escape, never obeyed.
 */
import { FAMILIES } from '../core/qa/families';
import type { QaFinding, QaResult } from '../core/qa/types';
import { bytes, findingLines, type Paint } from './format';
import { neutraliseAll } from './terminal-text';

/** The kinds of finding, in the order they are printed, with their headings. */
const GROUPS: { heading: string; checks: readonly string[] }[] = [
  { heading: 'Compatibility', checks: ['compat'] },
  { heading: 'Accessibility', checks: ['a11y'] },
  { heading: 'Content', checks: ['content'] },
  { heading: 'Links and images', checks: ['link', 'image'] },
];

const KIND_WORDS = { html: 'HTML', mjml: 'MJML (compiled)', eml: 'message' } as const;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "line 6", "lines 6, 9 and 12", "lines 6, 9, 12, 15, 20 and 31 more". */
function where(f: QaFinding): string {
  const lines = f.lines ?? (f.line !== undefined ? [f.line] : []);
  if (lines.length === 0) return '';
  if (lines.length === 1) return `line ${lines[0]}`;
  if (lines.length <= 5) return `lines ${lines.slice(0, -1).join(', ')} and ${lines[lines.length - 1]}`;
  return `lines ${lines.slice(0, 5).join(', ')} and ${lines.length - 5} more`;
}

export function formatQa(untrusted: QaResult, paint: Paint): string {
  const r = neutraliseAll(untrusted);
  const critical = r.findings.filter((f) => f.severity === 'critical').length;
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  const out = [
    `${paint('bold', r.file ?? '(pasted HTML)')}  ${KIND_WORDS[r.kind]}${r.subject ? `, "${r.subject}"` : ''}  ${paint('dim', `${Math.round(r.durationMs)} ms`)}`,
    `  ${paint('bold', 'Size'.padEnd(9))} ${bytes(r.htmlBytes)} of HTML as sent (${r.transferEncoding}; ${bytes(r.sourceBytes)} before encoding)`,
  ];
  if (r.clip) {
    out.push(`  ${paint(['red', 'bold'], '✗')} ${'Gmail'.padEnd(9)} clips it after ${r.clip.limit.toLocaleString('en-US')} bytes as sent: the cut falls on line ${r.clip.line} (byte ${r.clip.byteOffset.toLocaleString('en-US')} of the HTML)`);
  } else {
    out.push(`  ${paint('green', '✓')} ${'Gmail'.padEnd(9)} under its clipping limit (102,000 bytes of HTML as sent)`);
  }
  out.push(`  ${paint('bold', 'Clients'.padEnd(9))} ${r.clients.map((c) => FAMILIES[c].name).join(', ')}`);
  out.push(`  ${paint('bold', 'Text'.padEnd(9))} ${r.textGenerated ? 'generated from the HTML, as a test send does' : "the message's own text part"}: ${plural(r.text.split('\n').filter((l) => l.trim()).length, 'line')} (--json prints it)`);
  for (const note of r.notes) out.push(`  ${paint('yellow', '!')} ${note}`);

  for (const group of GROUPS) {
    const findings = r.findings.filter((f) => group.checks.includes(f.check));
    if (findings.length === 0) continue;
    const [mark, style] = findings.some((f) => f.severity === 'critical') ? (['✗', 'red'] as const) : findings.some((f) => f.severity === 'warning') ? (['!', 'yellow'] as const) : (['i', 'cyan'] as const);
    out.push('', `  ${paint(style, mark)} ${paint('bold', group.heading)}  ${plural(findings.length, 'finding')}`);
    for (const f of findings) {
      const at = where(f);
      out.push(...findingLines({ ...f, title: at ? `${f.title}  ${paint('dim', `(${at})`)}` : f.title }, paint));
    }
  }

  if (r.links) {
    out.push('', `  ${paint('bold', 'Link check')}  ${plural(r.links.filter((l) => l.requested).length, 'URL')} requested, ${plural(r.links.filter((l) => !l.requested).length, 'URL')} not opened`);
    for (const l of r.links) {
      const status = l.requested ? (l.status === null ? paint('red', 'failed') : paint(l.status < 400 ? 'green' : 'red', String(l.status))) : paint('dim', `not opened${l.reason ? ` (${l.reason})` : ''}`);
      const final = l.finalUrl && l.finalUrl !== l.url ? ` → ${l.finalUrl}` : '';
      out.push(`    ${status}  ${l.kind === 'image' ? 'image ' : ''}${l.url}${final}${l.requested ? paint('dim', `  ${Math.round(l.ms)} ms`) : ''}${l.error ? `  ${l.error}` : ''}`);
    }
  }

  out.push('', r.findings.length === 0 ? `  ${paint('green', 'No findings.')}` : `  ${plural(r.findings.length, 'finding')}: ${critical ? paint(['red', 'bold'], `${critical} critical`) : '0 critical'}, ${plural(warnings, 'warning')}, ${r.findings.length - critical - warnings} info`);
  return out.join('\n');
}
