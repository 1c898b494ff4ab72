/**
 * The app's own words where the core's would name a command-line flag.
 *
 * The core writes one text for the CLI and the app; where that text tells the user to pass
 * `--ip`, `--sending-ip`, `--selectors` or `--skip`, the app has a field or a box for it instead.
 * Each function here picks the app's sentence from the result's structure (a status, a finding
 * code, a provider rule id), never by reading the core's text. Pure: test/unit/renderer-words.test.ts.
 */
import type { AuditResult, CheckId, Finding, ProviderRequirement } from '../../electron/core/audit/types';
import type { MessageAnalysis } from '../../electron/core/message/types';

/** Where the audit options are on screen, as the user reads them. */
const SENDING_IPS = 'the Sending IPs box (under “DKIM selectors and sending IPs”)';
const SELECTORS = 'the DKIM selectors box (under “DKIM selectors and sending IPs”)';

/** Why a check of an audit was skipped, in the app's words. */
export function skippedReason(id: CheckId, result: AuditResult): string | undefined {
  const check = result.checks[id];
  if (!check || check.status !== 'skipped') return undefined;
  switch (id) {
    case 'smtp': {
      const mx = result.checks.mx;
      // The probe skips itself only when there is no MX to probe; with MX hosts, the box was off.
      if (mx && !mx.nullMx && mx.hosts.length > 0) return 'the SMTP probe was turned off for this audit (the “SMTP probe” box)';
      return check.skipped;
    }
    case 'dnsbl':
      return 'blocklist lookups were turned off for this audit (the “Blocklists” box)';
    case 'ptr': {
      const invalid = result.checks.ptr?.invalid ?? [];
      if (invalid.length > 0) return `no valid address to check (not an IP address: ${invalid.join(', ')})`;
      return `no MX address to look up, and no sending IP given: add the addresses this domain sends from in ${SENDING_IPS} and audit again`;
    }
    default:
      return check.skipped;
  }
}

/** Why the MTA-STS policy or the BIMI logo was not fetched (only ever because the box was off). */
export const FETCH_SKIPPED = 'HTTPS fetches were turned off for this audit (the “HTTPS fetches” box)';

/** A finding's fix, in the app's words where the core's names a flag. */
export function findingFix(finding: Finding, domain: string): string | undefined {
  if (finding.code === 'dkim.not-found' && finding.fix) {
    return `Find the selector in a sent message's DKIM-Signature header (s=...), add it in ${SELECTORS} and audit again. If no DKIM key exists yet, turn DKIM signing on at your mail provider and publish the TXT record it gives at <selector>._domainkey.${domain}.`;
  }
  return finding.fix;
}

const ruleTest = (item: ProviderRequirement) => item.id.slice(item.id.lastIndexOf('.') + 1);

/** A mailbox provider rule's explanation for an audit, in the app's words where the core's names a flag. */
export function auditRequirementWhy(item: ProviderRequirement, result: AuditResult): string {
  const test = ruleTest(item);
  if (test === 'ptr' && item.result === 'not-observable') {
    const ptr = result.checks.ptr;
    if (ptr && !ptr.addresses.some((a) => a.source === 'sending')) {
      const mx = ptr.addresses.filter((a) => a.source === 'mx' && !a.error);
      const mxNote = mx.length > 0 ? ` Of the MX addresses, ${mx.filter((a) => a.forwardConfirmed).length} of ${mx.length} have forward-confirmed reverse DNS; that counts only if those servers also send.` : '';
      return `The addresses that send your mail are not in DNS: add them in ${SENDING_IPS} and audit again to check their reverse DNS.${mxNote}`;
    }
  }
  if (test === 'dkim' && item.result === 'fail') {
    const dkim = result.checks.dkim;
    if (dkim && dkim.status !== 'error' && (dkim.failed ?? []).length === 0) {
      const tried = dkim.tried;
      const list = tried.length ? ` (${tried.slice(0, 8).join(', ')}${tried.length > 8 ? ', ...' : ''})` : '';
      return `No usable DKIM key at the ${tried.length} selectors tried${list}. DNS cannot list selectors: if you sign with another one, add it in ${SELECTORS} and audit again.`;
    }
  }
  return item.why;
}

/** Where the analysis's envelope came from, in the app's words when it could not be read. */
export function envelopeExplanation(analysis: MessageAnalysis): string {
  const { envelope, hops } = analysis;
  if (envelope.source !== 'none' || envelope.ip) return envelope.explanation;
  return hops.length === 0
    ? 'The message has no Received headers, so the connecting IP is unknown: enter it as Connecting IP (under Envelope) and analyse again to evaluate SPF.'
    : 'No Received header names an outside sending IP: enter the connecting IP as Connecting IP (under Envelope) and analyse again to evaluate SPF.';
}

/** A mailbox provider rule's explanation for a message, in the app's words where the core's names a flag. */
export function messageRequirementWhy(item: ProviderRequirement, analysis: MessageAnalysis): string {
  const test = ruleTest(item);
  if (item.result !== 'not-observable') return item.why;
  if (test === 'spf' && !analysis.envelope.ip) {
    return 'The connecting IP is unknown (no Received header from the receiving server, and none entered), so SPF could not be evaluated. Enter it as Connecting IP (under Envelope) to check it.';
  }
  if (test === 'ptr' && analysis.envelope.ip) {
    const audit = ` To look the PTR up, audit the domain with ${analysis.envelope.ip} in ${SENDING_IPS}.`;
    return analysis.envelope.trustedHop === null
      ? `Reverse DNS is not part of a message; only the receiving server's Received header can show what it found, and there is none to trust here.${audit}`
      : `The receiving hop (hop ${analysis.envelope.trustedHop}) does not record a reverse DNS name.${audit}`;
  }
  return item.why;
}
