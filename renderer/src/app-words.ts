/**
 * The app's own words where the core's would name a command-line flag.
 *
 * The core writes one text for the CLI and the app; where that text tells the user to pass
 * `--ip`, `--sending-ip`, `--selectors` or `--skip`, the app has a field or a box for it instead.
 * Each function here picks the app's sentence from the result's structure (a status, a finding
 * code), or swaps a sentence of the core's that it rebuilds whole from the same facts; none parses
 * the core's text. Pure: test/unit/renderer-words.test.ts.
 */
import type { AuditResult, CheckId, Finding, MessageAnalysis, ProviderRequirement } from '../../electron/api/types';

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

/**
 * Puts the app's sentence in place of the core's, where the core's is known exactly.
 *
 * A provider rule may judge two things at once ("SPF: ... DKIM: ..."), so its explanation is
 * composed of the core's sentences. The sentence with the flag is rebuilt here from the same facts
 * the core used, and swapped whole; a change of the core's wording leaves the flag showing, which the
 * e2e suite's internals check (test/e2e/harness.ts expectNoInternals) then reports.
 */
function swap(why: string, core: string, app: string): string {
  return why.includes(core) ? why.replace(core, app) : why;
}

/** A mailbox provider rule's explanation for an audit, in the app's words where the core's names a flag. */
export function auditRequirementWhy(item: ProviderRequirement, result: AuditResult): string {
  let why = item.why;
  const dkim = result.checks.dkim;
  if (dkim && dkim.tried) {
    const tried = dkim.tried;
    const list = tried.length ? ` (${tried.slice(0, 8).join(', ')}${tried.length > 8 ? ', ...' : ''})` : '';
    const head = `No usable DKIM key at the ${tried.length} selectors tried${list}. DNS cannot list selectors: if you sign with another one, `;
    why = swap(why, `${head}name it (--selectors) and audit again.`, `${head}add it in ${SELECTORS} and audit again.`);
  }
  const ptr = result.checks.ptr;
  if (ptr) {
    const mx = ptr.addresses.filter((a) => a.source === 'mx' && !a.error);
    const mxNote = mx.length > 0 ? ` Of the MX addresses, ${mx.filter((a) => a.forwardConfirmed).length} of ${mx.length} have forward-confirmed reverse DNS; that counts only if those servers also send.` : '';
    why = swap(
      why,
      `The addresses that send your mail are not in DNS: audit again with --sending-ip <address> to check their reverse DNS.${mxNote}`,
      `The addresses that send your mail are not in DNS: add them in ${SENDING_IPS} and audit again to check their reverse DNS.${mxNote}`,
    );
  }
  return why;
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
  let why = swap(
    item.why,
    'The connecting IP is unknown (no Received header from the receiving server, and no --ip given), so SPF could not be evaluated. Give the IP with --ip to check it.',
    'The connecting IP is unknown (no Received header from the receiving server, and none entered), so SPF could not be evaluated. Enter it as Connecting IP (under Envelope) to check it.',
  );
  const ip = analysis.envelope.ip;
  if (ip) why = swap(why, ` Audit the domain with --sending-ip ${ip} to look the PTR up.`, ` To look the PTR up, audit the domain with ${ip} in ${SENDING_IPS}.`);
  return why;
}
