/**
 * The readiness summary in the terminal: the score out of 10, then one line per item with its
 * weight, what it took off, and its fix.
 */
import type { MessageReadiness, ReadinessStatus } from '../core/message/types';
import type { Paint } from './format';
import { neutraliseAll } from './terminal-text';

const MARK: Record<ReadinessStatus, [string, Parameters<Paint>[0]]> = {
  pass: ['✓', 'green'],
  warn: ['!', 'yellow'],
  fail: ['✗', 'red'],
  error: ['?', 'magenta'],
  'not-run': ['-', 'dim'],
};

const points = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0$/, ''));

export function formatReadiness(untrusted: MessageReadiness, paint: Paint): string {
  const r = neutraliseAll(untrusted);
  const style = r.score >= 8 ? 'green' : r.score >= 5 ? 'yellow' : 'red';
  const out = [`${paint('bold', 'Readiness')} ${paint([style, 'bold'], `${r.score} / ${r.outOf}`)}${r.unchecked > 0 ? paint('dim', ` (${points(r.unchecked)} points not checked)`) : ''}`, `  ${r.explanation}`];
  for (const item of r.items) {
    const [mark, markStyle] = MARK[item.status];
    const off = item.deduction > 0 ? paint('red', ` −${points(item.deduction)}`) : '';
    out.push(`  ${paint(markStyle, mark)} ${item.label.padEnd(18)} ${item.status.padEnd(7)} ${paint('dim', `weight ${points(item.weight)}`)}${off}  ${item.detail}`);
    if (item.fix && item.status !== 'pass') out.push(`${' '.repeat(22)}${paint('cyan', 'Fix:')} ${item.fix}`);
  }
  return out.join('\n');
}
