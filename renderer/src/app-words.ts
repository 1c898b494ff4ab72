/**
 * The app's own words where the core's would name a command-line flag.
 *
 * The core writes one text for the CLI and the app; where that text tells the user to pass
 * `--ip`, `--sending-ip`, `--selectors`, `--skip` or `--resolver`, or runs `deliverlab dkim-keygen`, the
 * app has a field, a box, a button or a page for it instead.
 * Each function here picks the app's sentence from the result's structure (a status, a finding
 * code), or swaps a sentence of the core's that it rebuilds whole from the same facts; none parses
 * the core's text. Pure: test/unit/renderer-words.test.ts.
 */
import type { AuditResult, CheckId, Finding, ImapErrorInfo, MessageAnalysis, ProviderRequirement, SendError } from '../../electron/api/types';

/** Where the audit options are on screen, as the user reads them. */
const SENDING_IPS = 'the Sending IPs box (under “DKIM selectors and sending IPs”)';
const SELECTORS = 'the DKIM selectors box (under “DKIM selectors and sending IPs”)';

/** Why a check of an audit was skipped, in the app's words. */
export function skippedReason(id: CheckId, result: AuditResult): string | undefined {
  const check = result.checks[id];
  if (!check || check.status !== 'skipped') return undefined;
  switch (id) {
    case 'smtp': {
      if (check.turnedOff) return 'the SMTP probe was turned off for this audit (the “SMTP probe” box)';
      // Stored before turnedOff existed: the probe skips itself only when there is no MX to probe
      // (a null MX, or no MX found without an error: a failed MX lookup makes it an error), so with
      // MX hosts the box was off. Without MX hosts it cannot be told: the core's reason stays.
      const mx = result.checks.mx;
      const itself = !mx || mx.nullMx || (mx.hosts.length === 0 && mx.status !== 'error');
      if (!itself) return 'the SMTP probe was turned off for this audit (the “SMTP probe” box)';
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
  if (finding.code === 'dnsbl.refused' && finding.reason === 'resolver-rewrites-nxdomain') {
    return 'Audit through a resolver that passes "no such name" (NXDOMAIN) answers through unchanged, such as your own recursive resolver (the DNS resolver under Settings), not one that redirects unknown names to a search page.';
  }
  return finding.fix;
}

/**
 * Why a check ended in error, in the app's words where the core's names a flag.
 *
 * Reverse DNS with no address at all because the MX lookup failed: the core rebuilds its sentence
 * from the MX check's error (ptr.ts auditAddresses), and so does this, naming the Sending IPs box.
 */
export function errorReason(id: CheckId, result: AuditResult): string | undefined {
  const check = result.checks[id];
  if (!check || check.status !== 'error') return undefined;
  if (id === 'ptr') {
    const ptr = result.checks.ptr;
    const mx = result.checks.mx;
    if (ptr && ptr.addresses.length === 0 && mx && mx.status === 'error' && mx.error) {
      const mxError = mx.hosts.length === 0 ? `the MX lookup failed (${mx.error})` : mx.error;
      return `${mxError}, and no sending IP was given: add the addresses this domain sends from in ${SENDING_IPS} and audit again`;
    }
  }
  return check.error;
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
  const smtp = result.checks.smtp;
  if (smtp?.status === 'skipped' && smtp.skipped) {
    const reason = skippedReason('smtp', result);
    if (reason) why = swap(why, ` The SMTP probe did not run (${smtp.skipped}).`, ` The SMTP probe did not run: ${reason}.`);
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

/** Where the message form's envelope fields are, as the user reads them (MessageForm.tsx). */
const CONNECTING_IP = 'Connecting IP (under Envelope)';

/** Where the analysis's envelope came from, in the app's words when it could not be read. */
export function envelopeExplanation(analysis: MessageAnalysis): string {
  const { envelope, hops } = analysis;
  if (envelope.source !== 'none' || envelope.ip) return envelope.explanation;
  return hops.length === 0
    ? `The message has no Received headers, so the connecting IP is unknown: enter it as ${CONNECTING_IP} and analyse again to evaluate SPF.`
    : `No Received header names an outside sending IP: enter the connecting IP as ${CONNECTING_IP} and analyse again to evaluate SPF.`;
}

/**
 * What the SPF verifier said, in the app's words when SPF could not be evaluated.
 *
 * Without a connecting IP the core evaluates nothing and says so with the CLI's flag (auth.ts);
 * that case is known from the envelope alone.
 */
export function spfComment(analysis: MessageAnalysis): string | undefined {
  if (!analysis.envelope.ip) {
    return `Not evaluable: the connecting IP is unknown (no Received header names one, and none was entered). Enter it as ${CONNECTING_IP} and analyse again to check SPF.`;
  }
  return analysis.auth.spf.comment;
}

/**
 * The domain SPF was checked for, or why there is none.
 *
 * SPF checks the MAIL FROM domain, or the HELO name for the null sender (RFC 7208 §2.3, §2.4).
 * Without either there is no domain to check, whatever the verifier filled in (it makes one up
 * from an empty sender: "undefined", or the IP address in brackets), and without a connecting IP
 * nothing was evaluated at all.
 */
export function spfCheckedDomain(analysis: MessageAnalysis): { domain: string } | { none: string } {
  const { envelope, auth } = analysis;
  if (!envelope.ip) return { none: 'none: SPF was not evaluated (the connecting IP is unknown)' };
  if (!envelope.mailFrom && !envelope.helo) return { none: 'none: no envelope sender (MAIL FROM) and no HELO name to check' };
  return auth.spf.domain ? { domain: auth.spf.domain } : { none: 'none (no envelope sender)' };
}

/**
 * Why the receiver's result differs from ours, in the app's words where the core's names a flag.
 *
 * An SPF result of none beside the receiver's: without a connecting IP we could not evaluate it,
 * which the envelope tells; the core's note for that case asks for --ip.
 */
export function receiverNote(difference: MessageAnalysis['receiver']['differences'][number], analysis: MessageAnalysis): string {
  if (difference.method.toLowerCase() === 'spf' && difference.ours === 'none') {
    return analysis.envelope.ip
      ? 'We found no SPF result (no SPF record now, or no envelope sender to check); the receiver evaluated the IP and envelope sender it saw.'
      : `We could not evaluate SPF: the connecting IP is unknown, and the receiver had it from the connection. Enter it as ${CONNECTING_IP} and analyse again to compare.`;
  }
  return difference.note;
}

/**
 * A message finding's detail, in the app's words where the core's names a flag.
 *
 * auth.receiver-differs is composed of the receiver notes ("spf: ... dmarc: ...", analyze.ts): it
 * is rebuilt here from the same differences, each note in the app's words.
 */
export function messageFindingDetail(finding: Finding, analysis: MessageAnalysis): string {
  if (finding.code === 'auth.receiver-differs' && analysis.receiver.differences.length > 0) {
    return analysis.receiver.differences.map((d) => `${d.method}: ${receiverNote(d, analysis)}`).join(' ');
  }
  return finding.detail;
}

/** A mailbox provider rule's explanation for a message, in the app's words where the core's names a flag. */
export function messageRequirementWhy(item: ProviderRequirement, analysis: MessageAnalysis): string {
  let why = swap(
    item.why,
    'The connecting IP is unknown (no Received header from the receiving server, and no --ip given), so SPF could not be evaluated. Give the IP with --ip to check it.',
    `The connecting IP is unknown (no Received header from the receiving server, and none entered), so SPF could not be evaluated. Enter it as ${CONNECTING_IP} to check it.`,
  );
  const ip = analysis.envelope.ip;
  if (ip) why = swap(why, ` Audit the domain with --sending-ip ${ip} to look the PTR up.`, ` To look the PTR up, audit the domain with ${ip} in ${SENDING_IPS}.`);
  return why;
}

/** The compose form's DKIM key buttons and the page that makes keys, as the user reads them. */
const KEY_MAKERS = 'Generate key (under “Sign with DKIM”) or the DKIM keys page';

/**
 * A refused DKIM private key, in the app's words: the core's point to `deliverlab dkim-keygen`,
 * the app has buttons and a page for it. Undefined for every other refusal.
 */
export function dkimKeyRefusal(reason: unknown, params: Record<string, unknown> | undefined): string | undefined {
  if (reason === 'dkim-key-not-pem') {
    return `The DKIM private key is not PEM text: it should start with -----BEGIN PRIVATE KEY----- (or -----BEGIN RSA PRIVATE KEY-----). ${KEY_MAKERS} makes one.`;
  }
  if (reason === 'dkim-key-short') {
    const bits = typeof params?.bits === 'string' ? `${params.bits} bits` : 'fewer than 1024 bits';
    return `The DKIM key is RSA with ${bits}: receivers reject signatures made with keys under 1024 bits (RFC 8301 §3.2). Make a 2048-bit key with ${KEY_MAKERS}, and publish its record.`;
  }
  return undefined;
}

/**
 * A certificate no trusted authority signed, in the app's words: the CLI's names --ca-file, and the
 * TLS library's reason may name Node's own switches (the core passes the reason alone as detail).
 */
function untrustedCertificate(params: Record<string, string> | undefined): string {
  const detail = params?.detail ? ` (${params.detail})` : '';
  // The desktop app trusts only the usual authorities; serve takes extra CAs when started.
  return `The server's certificate is not signed by a certificate authority this machine trusts${detail}. If it is a private or test server, Deliverlab trusts its CA only when started with it: run deliverlab serve with the CA certificate file and use the app in the browser; otherwise the server needs a certificate from a public CA.`;
}

/** A send or connection error's explanation, in the app's words where the core's names a flag or a command. */
export function sendErrorText(error: SendError): string {
  if (error.reason === 'tls-untrusted') return untrustedCertificate(error.params);
  return dkimKeyRefusal(error.reason, error.params) ?? error.explanation;
}

/** A seed mailbox's error, in the app's words where the core's names a command-line switch. */
export function imapErrorText(error: ImapErrorInfo): string {
  return error.reason === 'tls-untrusted' ? untrustedCertificate(error.params) : error.explanation;
}

/** What the profile and seed forms show when the keychain cannot be used (SecretField.tsx). */
const USE_VARIABLE = 'name an environment variable instead (“Environment variable”, in the form)';

/**
 * Why secrets cannot be stored here, in the app's words: the core's reason names the profile's
 * field paths (auth.passwordEnv). With `remedy`, what to do instead, for the profile and seed forms.
 */
export function secretStoreReason(status: { available?: boolean; cause?: unknown; backend?: unknown; detail?: unknown; reason?: string }, { remedy = true } = {}): string {
  const backend = typeof status.backend === 'string' ? status.backend : 'unknown';
  const keyring = 'install and unlock a keyring such as gnome-keyring or KWallet and restart Deliverlab';
  let problem: string;
  let todo = USE_VARIABLE;
  switch (status.cause) {
    case 'no-keychain':
      problem = 'This Deliverlab has no access to an operating-system keychain, so it stores no secrets';
      todo = `${USE_VARIABLE}, and set it before Deliverlab starts`;
      break;
    case 'no-history':
      problem = 'History is off or could not be opened, and secrets are kept in it (encrypted), so nothing can be stored';
      break;
    case 'keychain-error':
      problem = `The operating system's keychain could not be asked whether it works${typeof status.detail === 'string' ? ` (${status.detail})` : ''}, so secrets are not stored`;
      break;
    case 'keychain-unavailable':
      problem = `The operating system's keychain is not available (backend "${backend}"), so secrets are not stored`;
      todo = `on Linux, ${keyring}; on macOS, unlock the login keychain. Meanwhile ${USE_VARIABLE}`;
      break;
    case 'no-keyring':
      // --password-store is the desktop program's own start-up switch: there is no setting for it.
      problem = 'No keyring was found (backend "basic_text"): Electron would "encrypt" secrets with a key built into every copy of the program, which protects them no better than a plain file, so Deliverlab refuses to store them';
      todo = `${keyring} (or start Deliverlab with --password-store=gnome-libsecret). Meanwhile ${USE_VARIABLE}`;
      break;
    case 'keyring-unknown':
      problem = 'The keyring is not known yet (backend "unknown": the app is not ready, or no keyring could be chosen), so secrets are not stored';
      todo = `${keyring}. Meanwhile ${USE_VARIABLE}`;
      break;
    default:
      return status.reason ?? 'The secret store is unavailable.';
  }
  return remedy ? `${problem}: ${todo}.` : `${problem}.`;
}
