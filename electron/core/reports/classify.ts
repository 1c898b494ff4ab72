/**
 * What a source is, from the volume the receivers reported for it: compliant, forwarded,
 * misconfigured (a known or own sender that is not aligned, with the fix) or unknown. Pure.
 */
import type { KnownSender } from './senders';
import type { SourceClass } from './types';

/** A source passing DMARC for at least this share of its messages is not failing. */
export const PASSING_SHARE = 0.95;

export interface SourceFacts {
  organization: string;
  messages: number;
  dmarcPass: number;
  spfAligned: number;
  dkimAligned: number;
  /** Messages that passed DMARC through DKIM alone while SPF did not pass at all: the mark of forwarding. */
  dkimSurvived: number;
  /** Messages the receivers let through as forwarded (reason forwarded, mailing_list, trusted_forwarder, or local_policy with ARC). */
  overridden: number;
  sender: KnownSender | null;
  /** The source's reverse DNS is in the domain's own organisational domain. */
  own: boolean;
  /** The reverse DNS lookup failed for its addresses: they are not identified. */
  ptrFailed: boolean;
}

export interface Classified {
  class: SourceClass;
  why: string;
  fix?: string;
}

const pct = (part: number, whole: number) => `${whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10}%`;

export function classifySource(facts: SourceFacts, domain: string): Classified {
  const { messages, dmarcPass, sender } = facts;
  const failing = messages - dmarcPass;
  const failShare = `${failing.toLocaleString('en-US')} of ${messages.toLocaleString('en-US')} messages (${pct(failing, messages)}) fail DMARC`;
  if (sender?.kind === 'forwarder') return { class: 'forwarded', why: `${sender.name} forwards or redistributes mail sent as ${domain}` };
  const passing = dmarcPass >= messages * PASSING_SHARE;
  const mostlySurvived = facts.dkimSurvived >= messages / 2;
  if (passing) {
    if (sender || facts.own) return { class: 'compliant', why: `${pct(dmarcPass, messages)} of its messages pass DMARC` };
    // SPF failing while DKIM survives is what forwarding does to mail: the original server is not in SPF.
    if (mostlySurvived) return { class: 'forwarded', why: `SPF fails but DKIM survives for ${pct(facts.dkimSurvived, messages)} of its messages: mail forwarded by this server` };
    return { class: 'compliant', why: `${pct(dmarcPass, messages)} of its messages pass DMARC` };
  }
  if (facts.overridden >= failing / 2) {
    return { class: 'forwarded', why: `${failShare}, and receivers let ${pct(facts.overridden, messages)} through as forwarded mail (a forwarder, a mailing list or ARC)` };
  }
  if (sender) {
    const fix = facts.dkimAligned < messages * PASSING_SHARE ? (sender.fix.dkim ?? sender.fix.spf) : (sender.fix.spf ?? sender.fix.dkim);
    return { class: 'misconfigured', why: `${sender.name} sends as ${domain} but ${failShare}: it is not aligned`, ...(fix ? { fix } : {}) };
  }
  if (facts.own) {
    return {
      class: 'misconfigured',
      why: `a server of ${facts.organization} sends as ${domain} but ${failShare}`,
      fix: `Sign this server's mail with DKIM for ${domain} (d=${domain}), or add its addresses to the SPF record of the domain it uses as MAIL FROM.`,
    };
  }
  if (mostlySurvived) return { class: 'forwarded', why: `SPF fails but DKIM survives for ${pct(facts.dkimSurvived, messages)} of its messages: mail forwarded by this server` };
  return {
    class: 'unknown',
    why: `${facts.ptrFailed ? 'its reverse DNS could not be looked up, and ' : 'not a known sender, and '}${failShare}: possibly spoofing, or a sender still to be set up`,
  };
}
