/**
 * The spam filters' verdicts and status as terminal text: per filter its score against its threshold,
 * then the rules grouped, each with its score and plain explanation.
 */
import type { SpamFilterResult, SpamStatus } from '../core/spam/types';
import { SPAM_RULE_GROUPS } from '../core/spam/catalogue';
import type { Paint } from './format';
import { neutraliseAll } from './terminal-text';
import { SPAM_FILTER_NAMES, SPAM_GROUP_WORDS } from '../shared/spam-words';


const points = (n: number) => (Math.round(n * 100) / 100).toString();

/** The "Spam filters" block of `deliverlab check --spam`. */
export function formatSpam(untrusted: SpamFilterResult[], paint: Paint): string {
  const results = neutraliseAll(untrusted);
  const out = [`  ${paint('bold', 'Spam filters')}`];
  if (results.length === 0) {
    out.push(`    ${paint('dim', 'No spam filter is configured: give --spamd HOST:PORT or --rspamd URL, or set them in Settings (deliverlab spam status says how to install one).')}`);
    return out.join('\n');
  }
  for (const r of results) {
    const name = SPAM_FILTER_NAMES[r.filter];
    if (r.verdict === 'error') {
      out.push(`  ${paint('magenta', '?')} ${paint('bold', name)}: ${paint('magenta', 'no verdict')}: ${r.error}`);
      continue;
    }
    const mark = r.verdict === 'spam' ? paint(['red', 'bold'], '✗ spam') : paint('green', '✓ not spam');
    const action = r.action ? paint('dim', ` (action: ${r.action})`) : '';
    out.push(`  ${mark}  ${paint('bold', `${name} ${r.version}`)}: score ${points(r.score)} of ${points(r.threshold)}${action}`);
    for (const group of SPAM_RULE_GROUPS) {
      const rules = r.rules.filter((rule) => rule.group === group);
      if (rules.length === 0) continue;
      out.push(`    ${paint('bold', SPAM_GROUP_WORDS[group])}`);
      for (const rule of rules) {
        const text = (rule.score > 0 ? `+${points(rule.score)}` : rule.score < 0 ? points(rule.score) : '0').padStart(6);
        const score = paint(rule.score > 0 ? 'red' : rule.score < 0 ? 'green' : 'dim', text);
        const notes = [rule.network ? 'needs network lookups' : null, rule.finding ? `see ${rule.finding}` : null].filter(Boolean).join('; ');
        out.push(`      ${score}  ${rule.name}: ${rule.description}${notes ? paint('dim', ` (${notes})`) : ''}`);
      }
    }
  }
  return out.join('\n');
}

/** `deliverlab spam status`. */
export function formatSpamStatus(untrusted: SpamStatus, paint: Paint): string {
  const status = neutraliseAll(untrusted);
  const out: string[] = [];
  for (const f of status.filters) {
    const name = SPAM_FILTER_NAMES[f.filter];
    if (!f.configured) {
      out.push(`${paint('dim', '-')} ${paint('bold', name)}: not configured (give ${f.filter === 'spamassassin' ? '--spamd HOST:PORT' : '--rspamd URL'}, or set it in Settings)`);
    } else if (f.reachable) {
      out.push(`${paint('green', '✓')} ${paint('bold', name)} ${f.version ?? ''} at ${f.address}`);
      continue;
    } else {
      out.push(`${paint('red', '✗')} ${paint('bold', name)} at ${f.address}: ${f.error ?? 'not reachable'}`);
    }
    out.push(`    To install it and start it (then use ${f.install.address}):`);
    out.push(`      Debian/Ubuntu:  ${f.install.debian.join('\n                      ')}`);
    out.push(`      macOS:          ${f.install.macos.join('\n                      ')}`);
    out.push(`      Windows:        ${f.install.windows.join('\n                      ')}`);
  }
  return out.join('\n');
}
