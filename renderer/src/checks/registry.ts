/**
 * Every check the audit runs, in display order, with the panel that shows its result.
 *
 * Adding a check: its core module, its panel here, its tests.
 */
import type { ComponentType } from 'react';
import { BimiPanel } from './BimiPanel';
import { DkimPanel } from './DkimPanel';
import { DmarcPanel } from './DmarcPanel';
import { DnsblPanel } from './DnsblPanel';
import { DnssecPanel } from './DnssecPanel';
import { MtaStsPanel } from './MtaStsPanel';
import { MxPanel } from './MxPanel';
import { ProvidersPanel } from './ProvidersPanel';
import { PtrPanel } from './PtrPanel';
import { SmtpPanel } from './SmtpPanel';
import { SpfPanel } from './SpfPanel';
import { TlsRptPanel } from './TlsRptPanel';
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

/** Every check has a panel; a result only shows the checks it carries (older history rows lack some). */
export const CHECKS: { [K in CheckId]: CheckDefinition<K> } = {
  mx: { id: 'mx', title: 'MX', question: 'Where is mail for this domain delivered?', Panel: MxPanel },
  spf: { id: 'spf', title: 'SPF', question: 'Which servers may send mail for this domain?', Panel: SpfPanel },
  dmarc: {
    id: 'dmarc',
    title: 'DMARC',
    question: 'What do receivers do with mail that fails authentication?',
    Panel: DmarcPanel,
  },
  dkim: { id: 'dkim', title: 'DKIM', question: 'Which keys sign mail for this domain, and are they strong?', Panel: DkimPanel },
  mtasts: {
    id: 'mtasts',
    title: 'MTA-STS',
    question: 'Must senders use verified TLS to deliver here?',
    Panel: MtaStsPanel,
  },
  tlsrpt: {
    id: 'tlsrpt',
    title: 'TLS-RPT',
    question: 'Where do senders report TLS delivery failures?',
    Panel: TlsRptPanel,
  },
  bimi: { id: 'bimi', title: 'BIMI', question: 'Which brand logo may mailbox providers show next to this mail?', Panel: BimiPanel },
  dnssec: {
    id: 'dnssec',
    title: 'DNSSEC & DANE',
    question: 'Are the DNS answers signed, and do the mail servers pin their certificates?',
    Panel: DnssecPanel,
  },
  ptr: { id: 'ptr', title: 'Reverse DNS', question: 'Do the mail addresses have names that point back to them?', Panel: PtrPanel },
  dnsbl: { id: 'dnsbl', title: 'Blocklists', question: 'Is the domain or its mail servers on a blocklist?', Panel: DnsblPanel },
  smtp: { id: 'smtp', title: 'SMTP', question: 'Do the mail servers answer, offer STARTTLS and show a valid certificate?', Panel: SmtpPanel },
  providers: {
    id: 'providers',
    title: 'Mailbox providers',
    question: "Does the domain meet Gmail's, Yahoo's and Microsoft's sender requirements?",
    Panel: ProvidersPanel,
  },
};

export const CHECK_ORDER: readonly CheckId[] = [
  'mx',
  'spf',
  'dmarc',
  'dkim',
  'mtasts',
  'tlsrpt',
  'bimi',
  'dnssec',
  'ptr',
  'dnsbl',
  'smtp',
  'providers',
];

export function isCheckId(id: string): id is CheckId {
  return Object.hasOwn(CHECKS, id);
}

export function checkTitle(id: string): string {
  return isCheckId(id) ? CHECKS[id].title : id.toUpperCase();
}
