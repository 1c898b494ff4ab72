/**
 * Plain explanations of the filters' rules, from resources/spam-rules.json.
 *
 * A filter's own descriptions are terse ("BODY: HTML: images with 0-400 bytes of words") and say
 * nothing of why it matters; the catalogue says it in plain words, groups the rule, marks the ones
 * that need network lookups and links the Deliverlab finding about the same thing. A rule it does not
 * know keeps the filter's description and is grouped by its name.
 */
import catalogueJson from '../../../resources/spam-rules.json' with { type: 'json' };
import { FINDING_CODES } from '../audit/codes';
import type { SpamFilterName, SpamRule, SpamRuleGroup } from './types';

interface Entry {
  group: SpamRuleGroup;
  description: string;
  network?: boolean;
  finding?: string;
}

interface Pattern {
  match: string;
  group: SpamRuleGroup;
  network?: boolean;
  finding?: string;
}

const catalogue = catalogueJson as unknown as { rules: Record<string, Entry>; patterns: Pattern[] };
const PATTERNS = catalogue.patterns.map((p) => ({ ...p, re: new RegExp(p.match) }));

export const SPAM_RULE_GROUPS: readonly SpamRuleGroup[] = ['authentication', 'content', 'headers', 'blocklists', 'bayes', 'other'];

/** The catalogue's entry for a rule of this filter: the filter's own first, then the shared one. */
export function catalogueEntry(filter: SpamFilterName, name: string): Entry | undefined {
  const rules = catalogue.rules;
  const own = `${filter}:${name}`;
  if (Object.hasOwn(rules, own)) return rules[own];
  if (Object.hasOwn(rules, name)) return rules[name];
  return undefined;
}

/** Every finding code the catalogue links (the codes test checks each one exists). */
export function catalogueFindings(): string[] {
  return [...new Set([...Object.values(catalogue.rules), ...catalogue.patterns].flatMap((e) => (e.finding ? [e.finding] : [])))];
}

/** One fired rule, explained: the catalogue's words, else the filter's, else a sentence saying there are none. */
export function explainRule(filter: SpamFilterName, name: string, score: number, filterDescription?: string): SpamRule {
  const own = filterDescription?.trim() && !/^no description available\.?$/i.test(filterDescription.trim()) ? filterDescription.trim() : undefined;
  const entry = catalogueEntry(filter, name);
  const pattern = entry ? undefined : PATTERNS.find((p) => p.re.test(name));
  const group = entry?.group ?? pattern?.group ?? 'other';
  const network = entry?.network ?? pattern?.network ?? false;
  const finding = entry?.finding ?? pattern?.finding;
  const rule: SpamRule = {
    name,
    score: points(score),
    description: entry?.description ?? own ?? 'The filter gives no description of this rule.',
    group,
  };
  if (network) rule.network = true;
  if (finding && Object.hasOwn(FINDING_CODES, finding)) rule.finding = finding;
  if (entry && own) rule.filterDescription = own;
  return rule;
}

/** A score as JSON keeps it: -0 (SpamAssassin prints "-0.0" for informational rules) is 0. */
export const points = (score: number): number => (Object.is(score, -0) ? 0 : score);

/** Rules in the order they are read: the heaviest first, then by name. */
export function sortRules(rules: SpamRule[]): SpamRule[] {
  return rules.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
}
