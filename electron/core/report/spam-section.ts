/**
 * The spam filter and readiness sections of the message and placement reports: the filters' verdicts
 * with their rules grouped, the readiness score with its items and fixes, and what each analysed
 * placement copy carried. Every format writes them from the same rows, as health-section.ts does.
 *
 * Everything here came from a filter, a receiving server or a sender: the renderers escape it and
 * show its control characters, as they do every other value of these reports.
 */
import type { HistoryStore } from '../history/store';
import type { CarriedSpamVerdict, MessageReadiness, ReadinessStatus } from '../message/types';
import type { CopyAnalysis, PlacementRun, RecordedByReceiver } from '../placement/types';
import type { SpamFilterName, SpamFilterResult, SpamRuleGroup, SpamVerdict } from '../spam/types';
import { READINESS_AREA_WORDS, SPAM_FILTER_NAMES, SPAM_GROUP_WORDS } from '../../shared/spam-words';

export const SPAM_TITLE = 'Spam filters';
export const READINESS_TITLE = 'Readiness';
export const COPIES_TITLE = 'Analysed copies';

export const FILTER_WORDS: Record<SpamFilterName, string> = SPAM_FILTER_NAMES;

const GROUP_ORDER: readonly SpamRuleGroup[] = ['authentication', 'content', 'headers', 'blocklists', 'bayes', 'other'];


/** The readiness statuses as the app's Readiness tab words them. */
export const STATUS_WORDS: Record<ReadinessStatus, string> = { pass: 'Pass', warn: 'Warning', fail: 'Fail', error: 'No answer', 'not-run': 'Not run' };

/** Numbers as a reader writes them: no trailing zeros, at most two decimals. */
export const points = (n: number): string => String(Math.round(n * 100) / 100);

/** A network rule's mark: the local filter could not run the lookup, so it says nothing about the real internet. */
export const NETWORK_MARK = 'network test, not run here';

export const SPAM_NOTE = `A rule marked "${NETWORK_MARK}" depends on a blocklist lookup that the local filter did not make: its presence or absence says nothing about the real internet.`;

/** One filter in one line: its verdict, score against threshold, version and action; an error in words. */
export function filterLine(r: SpamFilterResult): string {
  const name = FILTER_WORDS[r.filter];
  if (r.verdict === 'error') return `${name}: no answer (${r.error}). Not a pass.`;
  return `${name} ${r.version}: ${r.verdict}, ${points(r.score)} of ${points(r.threshold)}${r.action ? ` (action: ${r.action})` : ''}.`;
}

export const RULE_COLUMNS = ['Group', 'Rule', 'Score', 'What it means'] as const;

/** A verdict's rules, grouped (authentication first) and, within a group, the heaviest first. */
export function ruleRows(v: SpamVerdict): string[][] {
  const rules = [...v.rules].sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group) || b.score - a.score || a.name.localeCompare(b.name));
  return rules.map((r) => [SPAM_GROUP_WORDS[r.group], r.name, points(r.score), `${r.description}${r.network ? ` (${NETWORK_MARK})` : ''}`]);
}

export const READINESS_COLUMNS = ['Area', 'Item', 'Result', 'Weight', 'Points off', 'What was found', 'Fix'] as const;

export function readinessRows(r: MessageReadiness): string[][] {
  return r.items.map((i) => [READINESS_AREA_WORDS[i.area], i.label, STATUS_WORDS[i.status], points(i.weight), i.deduction > 0 ? `−${points(i.deduction)}` : '0', i.detail, i.status === 'pass' ? '' : (i.fix ?? '')]);
}

/** The score and its sentence, and what could not be checked. */
export function readinessLines(r: MessageReadiness): string[] {
  return [
    `Score: ${points(r.score)} / ${r.outOf}.`,
    r.explanation,
    ...(r.unchecked > 0 ? [`${points(r.unchecked)} of the ${r.outOf} points were not checked: an item marked "Not run" or "No answer" is not a pass.`] : []),
  ];
}

/** What a placement report shows of one analysed copy: where it was, what the receiver recorded, what the local filters said. */
export interface CopyReport {
  seed: string;
  folder: string;
  fetchedAt: string;
  moved?: boolean;
  recorded: RecordedByReceiver;
  /** The local filters' verdicts; absent when none was configured when the copy was analysed. */
  spam?: SpamFilterResult[];
}

export function copyReport(c: CopyAnalysis): CopyReport {
  const spam = c.analysis.spam;
  return { seed: c.seed, folder: c.folder, fetchedAt: c.fetchedAt, ...(c.moved ? { moved: true } : {}), recorded: c.recorded, ...(spam && spam.length > 0 ? { spam } : {}) };
}

/** The run's analysed copies, in the order of its seeds, from history. */
export function copyReportsFor(store: HistoryStore, run: PlacementRun): CopyReport[] {
  if (typeof run.id !== 'number' || !run.copies) return [];
  return run.copies.flatMap((c) => {
    const found = store.getCopyAnalysis(run.id as number, c.seed);
    return found ? [copyReport(found)] : [];
  });
}

export const CARRIED_COLUMNS = ['Header', 'Verdict', 'Score', 'What it says'] as const;

const carriedScore = (v: CarriedSpamVerdict) => (v.score === undefined ? '' : `${points(v.score)}${v.threshold === undefined ? '' : ` of ${points(v.threshold)}`}`);

/** The receiving server's spam verdict headers on the copy. */
export function carriedRows(recorded: RecordedByReceiver): string[][] {
  return recorded.spamVerdicts.map((v) => [v.header, v.verdict, carriedScore(v), v.meaning]);
}

/** A carried verdict in one phrase, for one-line formats (CSV). */
export const carriedWords = (v: CarriedSpamVerdict): string => `${v.header}: ${v.verdict}${v.score === undefined ? '' : ` ${carriedScore(v)}`}`;

/** A local verdict in one phrase, for one-line formats (CSV). */
export const verdictWords = (r: SpamFilterResult): string => (r.verdict === 'error' ? `no answer: ${r.error}` : `${r.verdict} ${points(r.score)} of ${points(r.threshold)}`);

/** The copy's heading: seed, folder, when it was fetched. */
export const copyHeading = (c: CopyReport): string => `${c.seed}: ${c.folder}${c.moved ? ' (moved since the run)' : ''}, fetched ${c.fetchedAt}`;

export const NO_RECEIVER_VERDICT = 'The receiving server wrote no spam verdict header on this copy.';
export const NO_AUTH_RESULTS = 'The receiving server wrote no Authentication-Results on this copy.';
export const NO_LOCAL_FILTER = 'No local spam filter was set up when this copy was analysed.';
