/**
 * Every check the audit runs, in display order, with the panel that shows its result.
 *
 * Adding a check: its core module, its panel here, its tests.
 */
import type { ComponentType } from 'react';
import { DmarcPanel } from './DmarcPanel';
import { MxPanel } from './MxPanel';
import { SpfPanel } from './SpfPanel';
import type { CheckId, CheckPanelProps } from './types';

export type { CheckId, CheckPanelProps };

export interface CheckDefinition<K extends CheckId> {
  id: K;
  /** The heading, and the word progress uses ("Checking SPF…"). */
  title: string;
  /** What the check answers, in one line. */
  question: string;
  Panel: ComponentType<CheckPanelProps<K>>;
}

/** Checks without a panel yet are left out of the page (their findings still count in the score). */
export const CHECKS: { [K in CheckId]?: CheckDefinition<K> } = {
  mx: { id: 'mx', title: 'MX', question: 'Where is mail for this domain delivered?', Panel: MxPanel },
  spf: { id: 'spf', title: 'SPF', question: 'Which servers may send mail for this domain?', Panel: SpfPanel },
  dmarc: {
    id: 'dmarc',
    title: 'DMARC',
    question: 'What do receivers do with mail that fails authentication?',
    Panel: DmarcPanel,
  },
};

export const CHECK_ORDER: readonly CheckId[] = ['mx', 'spf', 'dmarc'];

export function isCheckId(id: string): id is CheckId {
  return Object.hasOwn(CHECKS, id);
}

export function checkTitle(id: string): string {
  return (isCheckId(id) ? CHECKS[id]?.title : undefined) ?? id.toUpperCase();
}
