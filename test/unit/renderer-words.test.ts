/**
 * Where the core's text names a command-line flag, the app says it with the field or box on its
 * screen, chosen from the result's structure.
 */
import { describe, expect, it } from 'vitest';
import type { AuditResult, Finding, ProviderRequirement } from '../../electron/core/audit/types';
import type { MessageAnalysis } from '../../electron/core/message/types';
import type { SendError } from '../../electron/core/send/types';
import {
  auditRequirementWhy,
  envelopeExplanation,
  errorReason,
  findingFix,
  imapErrorText,
  messageFindingDetail,
  messageRequirementWhy,
  receiverNote,
  secretStoreReason,
  sendErrorText,
  skippedReason,
  spfCheckedDomain,
  spfComment,
} from '../../renderer/src/app-words';
import { errorMessage } from '../../renderer/src/format';

const FLAG = /--[a-z]/;

function audit(checks: Record<string, unknown>): AuditResult {
  return { domain: 'example.com', checks, findings: [] } as unknown as AuditResult;
}

function message(envelope: Partial<MessageAnalysis['envelope']>, hops: unknown[] = [], spf: Partial<MessageAnalysis['auth']['spf']> = {}): MessageAnalysis {
  return {
    envelope: { ip: null, helo: null, mailFrom: null, source: 'none', trustedHop: null, explanation: 'The message has no Received headers, so the connecting IP is unknown: give it (--ip) to evaluate SPF.', ...envelope },
    hops,
    auth: { spf: { result: 'none', domain: null, ...spf } },
  } as unknown as MessageAnalysis;
}

describe('app words', () => {
  it('tells a message without Received headers to fill in Connecting IP, not --ip', () => {
    const text = envelopeExplanation(message({}));
    expect(text).toMatch(/Connecting IP/);
    expect(text).not.toMatch(FLAG);
    expect(envelopeExplanation(message({}, [{ index: 1 }]))).toMatch(/^No Received header names an outside sending IP/);
    // A readable explanation without a flag is kept as the core wrote it.
    expect(envelopeExplanation(message({ source: 'received', ip: '192.0.2.1', explanation: 'Trusted hop 1.' }))).toBe('Trusted hop 1.');
  });

  it('names the box that turned a check off', () => {
    const mx = { status: 'pass', hosts: [{ exchange: 'mx.example.com' }], nullMx: false };
    expect(skippedReason('smtp', audit({ mx, smtp: { status: 'skipped', skipped: 'SMTP probing turned off (--skip smtp)', hosts: [] } }))).toMatch(/“SMTP probe” box/);
    // No MX to probe: the core's reason has no flag and stays.
    expect(skippedReason('smtp', audit({ mx: { ...mx, hosts: [] }, smtp: { status: 'skipped', skipped: 'no MX host to probe', hosts: [] } }))).toBe('no MX host to probe');
    // The MX lookup failed and the probe was skipped: only the box does that (a failed MX lookup makes the probe an error).
    const mxFailed = { status: 'error', error: 'ESERVFAIL', hosts: [], nullMx: false };
    expect(skippedReason('smtp', audit({ mx: mxFailed, smtp: { status: 'skipped', skipped: 'SMTP probing turned off (--skip smtp)', hosts: [] } }))).toMatch(/“SMTP probe” box/);
    expect(skippedReason('dnsbl', audit({ dnsbl: { status: 'skipped', skipped: 'Blocklist lookups were turned off (--skip dnsbl).', results: [] } }))).toMatch(/“Blocklists” box/);
    const ptr = skippedReason('ptr', audit({ ptr: { status: 'skipped', skipped: 'no MX address and no --sending-ip to check', addresses: [] } }));
    expect(ptr).toMatch(/Sending IPs box/);
    expect(ptr).not.toMatch(FLAG);
  });

  it('words the DKIM not-found fix and the providers’ notes with the options on screen', () => {
    const finding = { code: 'dkim.not-found', fix: '... audit with --selectors <name> ...' } as Finding;
    expect(findingFix(finding, 'example.com')).toMatch(/DKIM selectors box.*<selector>\._domainkey\.example\.com/);
    expect(findingFix({ code: 'spf.missing', fix: 'Publish v=spf1' } as Finding, 'example.com')).toBe('Publish v=spf1');

    const mxPtr = { status: 'pass', addresses: [{ source: 'mx', forwardConfirmed: true }] };
    const ptrWhy = 'The addresses that send your mail are not in DNS: audit again with --sending-ip <address> to check their reverse DNS. Of the MX addresses, 1 of 1 have forward-confirmed reverse DNS; that counts only if those servers also send.';
    const ptrItem: ProviderRequirement = { id: 'google.all.ptr', requirement: 'PTR', result: 'not-observable', why: ptrWhy };
    const why = auditRequirementWhy(ptrItem, audit({ ptr: mxPtr }));
    expect(why).toMatch(/Sending IPs box.*1 of 1 have forward-confirmed/);
    expect(why).not.toMatch(FLAG);

    // A rule judging SPF and DKIM at once: the DKIM sentence is swapped, the SPF one kept.
    const dkimWhy = 'No usable DKIM key at the 2 selectors tried (s1, google). DNS cannot list selectors: if you sign with another one, name it (--selectors) and audit again.';
    const both: ProviderRequirement = { id: 'google.bulk.spf-and-dkim', requirement: 'SPF and DKIM', result: 'fail', why: `SPF: SPF passes. DKIM: ${dkimWhy}` };
    const bothWhy = auditRequirementWhy(both, audit({ dkim: { status: 'fail', selectors: [], tried: ['s1', 'google'] } }));
    expect(bothWhy).toMatch(/^SPF: SPF passes\. DKIM: No usable DKIM key at the 2 selectors tried \(s1, google\)\..*DKIM selectors box/);
    expect(bothWhy).not.toMatch(FLAG);

    // The TLS rule quotes why the probe did not run: the box, where the core's reason names --skip.
    const tlsWhy = 'The rule is about ... "Show original"). The SMTP probe did not run (SMTP probing turned off (--skip smtp)).';
    const tlsItem: ProviderRequirement = { id: 'google.all.tls', requirement: 'TLS', result: 'not-observable', why: tlsWhy };
    const off = audit({ mx: { status: 'warn', hosts: [], nullMx: false }, smtp: { status: 'skipped', skipped: 'SMTP probing turned off (--skip smtp)', turnedOff: true, hosts: [] } });
    expect(auditRequirementWhy(tlsItem, off)).toMatch(/The SMTP probe did not run: the SMTP probe was turned off for this audit \(the “SMTP probe” box\)\.$/);
    expect(auditRequirementWhy(tlsItem, off)).not.toMatch(FLAG);

    const spfItem: ProviderRequirement = {
      id: 'google.all.spf-or-dkim',
      requirement: 'SPF or DKIM',
      result: 'not-observable',
      why: 'SPF: The connecting IP is unknown (no Received header from the receiving server, and no --ip given), so SPF could not be evaluated. Give the IP with --ip to check it. DKIM: none.',
    };
    expect(messageRequirementWhy(spfItem, message({}))).toMatch(/^SPF: .*Enter it as Connecting IP.* DKIM: none\.$/);
    const msgPtr: ProviderRequirement = { id: 'yahoo.all.ptr', requirement: 'PTR', result: 'not-observable', why: 'The receiving hop (hop 1) does not record a reverse DNS name. Audit the domain with --sending-ip 192.0.2.1 to look the PTR up.' };
    const ptrText = messageRequirementWhy(msgPtr, message({ ip: '192.0.2.1', source: 'received', trustedHop: 1 }));
    expect(ptrText).toMatch(/hop 1.*192\.0\.2\.1 in the Sending IPs box/);
    expect(ptrText).not.toMatch(FLAG);
  });

  it('says in the Authentication tab that SPF needs the Connecting IP field, and never "undefined" for the checked domain', () => {
    // What the core returns for a message without Received headers or Return-Path (auth.ts, and
    // analyses stored before it stopped passing on mailauth's made-up "postmaster@undefined").
    const bare = message({}, [], { domain: 'undefined', comment: 'Not evaluable: no connecting IP was given and no Received header names one. Give the IP (--ip) to check SPF.' });
    expect(spfComment(bare)).toMatch(/^Not evaluable: .*Enter it as Connecting IP \(under Envelope\)/);
    expect(spfComment(bare)).not.toMatch(FLAG);
    expect(spfCheckedDomain(bare)).toEqual({ none: 'none: SPF was not evaluated (the connecting IP is unknown)' });

    // An IP entered, but no MAIL FROM and no HELO: the verifier checked "[IP]", which is no domain.
    const ipOnly = message({ ip: '192.0.2.9', source: 'given' }, [], { domain: '[192.0.2.9]', comment: 'deliverlab: [192.0.2.9] does not designate permitted sender hosts' });
    expect(spfCheckedDomain(ipOnly)).toEqual({ none: 'none: no envelope sender (MAIL FROM) and no HELO name to check' });
    expect(spfComment(ipOnly)).toBe('deliverlab: [192.0.2.9] does not designate permitted sender hosts');

    const real = message({ ip: '192.0.2.9', mailFrom: 'bounces@good.test', source: 'received' }, [], { domain: 'good.test' });
    expect(spfCheckedDomain(real)).toEqual({ domain: 'good.test' });

    const spfNone = { method: 'spf', receiver: 'pass', ours: 'none', note: 'We could not evaluate SPF (no connecting IP or no SPF record now); the receiver had the IP from the connection. Give it with --ip to compare.' };
    expect(receiverNote(spfNone, bare)).toMatch(/Connecting IP \(under Envelope\).*to compare\.$/);
    expect(receiverNote(spfNone, bare)).not.toMatch(FLAG);
    expect(receiverNote(spfNone, real)).not.toMatch(FLAG);
    const dkim = { method: 'dkim', receiver: 'pass', ours: 'fail', note: 'The copy was changed.' };
    expect(receiverNote(dkim, bare)).toBe('The copy was changed.');

    // The finding that gathers the notes reads them in the app's words too.
    const withReceiver = { ...bare, receiver: { differences: [spfNone, dkim] } } as unknown as MessageAnalysis;
    const differs = { code: 'auth.receiver-differs', detail: `spf: ${spfNone.note} dkim: ${dkim.note}` } as Finding;
    expect(messageFindingDetail(differs, withReceiver)).toMatch(/^spf: We could not evaluate SPF: .*Connecting IP \(under Envelope\).* dkim: The copy was changed\.$/);
    expect(messageFindingDetail({ code: 'auth.spf-fail', detail: 'SPF fail.' } as Finding, withReceiver)).toBe('SPF fail.');
  });

  it('names Settings for a resolver that rewrites blocklist answers, and the Sending IPs box when the MX lookup failed', () => {
    const rewritten = { code: 'dnsbl.refused', reason: 'resolver-rewrites-nxdomain', fix: '... your own recursive resolver (Settings, or --resolver), ...' } as Finding;
    expect(findingFix(rewritten, 'example.com')).toMatch(/the DNS resolver under Settings/);
    expect(findingFix(rewritten, 'example.com')).not.toMatch(FLAG);
    // The list's own advice (no flag) stays.
    expect(findingFix({ code: 'dnsbl.refused', fix: 'Query through another resolver.' } as Finding, 'example.com')).toBe('Query through another resolver.');

    const mxFailed = audit({
      mx: { status: 'error', error: 'ESERVFAIL', hosts: [], nullMx: false },
      ptr: { status: 'error', error: 'the MX lookup failed (ESERVFAIL), and no --sending-ip was given', addresses: [] },
      spf: { status: 'error', error: 'TXT servfail.spf.test: SERVFAIL', records: [], record: null },
    });
    expect(errorReason('ptr', mxFailed)).toMatch(/^the MX lookup failed \(ESERVFAIL\), and no sending IP was given: .*Sending IPs box/);
    expect(errorReason('ptr', mxFailed)).not.toMatch(FLAG);
    expect(errorReason('spf', mxFailed)).toBe('TXT servfail.spf.test: SERVFAIL');
    expect(errorReason('mx', audit({ mx: { status: 'pass', hosts: [], nullMx: true } }))).toBeUndefined();
  });

  it('words an untrusted certificate and a refused DKIM key without --ca-file or deliverlab dkim-keygen', () => {
    const detail = 'self-signed certificate in certificate chain';
    const tls: SendError = { code: 'ETLS', kind: 'tls', reason: 'tls-untrusted', params: { detail }, explanation: `The server's certificate is not signed by a certificate authority this machine trusts (${detail}). If it is a private or test server, pass its CA certificate (--ca-file); otherwise the server needs a certificate from a public CA.` };
    expect(sendErrorText(tls)).toContain(`(${detail})`);
    expect(sendErrorText(tls)).not.toMatch(FLAG);
    const seed = { kind: 'tls' as const, code: 'ETLS', reason: 'tls-untrusted' as const, params: { detail }, explanation: 'The server\'s certificate ... pass its CA certificate; otherwise ...' };
    expect(imapErrorText(seed)).toBe(sendErrorText(tls));
    expect(imapErrorText({ kind: 'auth', code: 'AUTHENTICATIONFAILED', explanation: 'The login was refused.' })).toBe('The login was refused.');
    const other: SendError = { code: 'ETLS', kind: 'tls', explanation: 'The server\'s certificate has expired (certificate has expired).' };
    expect(sendErrorText(other)).toBe(other.explanation);

    const notPem: SendError = { code: 'EDKIM', kind: 'message', reason: 'dkim-key-not-pem', explanation: 'The DKIM private key is not PEM text: ... deliverlab dkim-keygen makes one.' };
    expect(sendErrorText(notPem)).toMatch(/Generate key \(under “Sign with DKIM”\) or the DKIM keys page makes one\.$/);
    const short: SendError = { code: 'EDKIM', kind: 'message', reason: 'dkim-key-short', params: { bits: '512' }, explanation: 'The DKIM key is RSA with 512 bits: ... (deliverlab dkim-keygen) ...' };
    expect(sendErrorText(short)).toMatch(/^The DKIM key is RSA with 512 bits: .*DKIM keys page/);
    for (const text of [sendErrorText(notPem), sendErrorText(short)]) expect(text).not.toMatch(/dkim-keygen/);

    // The same refusal from dkim.save-key, as the api sends it.
    const refused = { code: 'invalid-input', message: 'The DKIM key is RSA with 512 bits: ... (deliverlab dkim-keygen) ...', reason: 'dkim-key-short', params: { bits: '512' } };
    expect(errorMessage(refused)).toBe(sendErrorText(short));
  });

  it('says why secrets cannot be stored with the form’s label, not auth.passwordEnv', () => {
    const PATH = /auth\.\w+Env/;
    const serve = { available: false, cause: 'no-keychain', reason: 'deliverlab serve has no access to an operating-system keychain, so it stores no secrets: name an environment variable in the profile or seed (auth.passwordEnv or auth.oauth2TokenEnv) and set it before starting serve.' };
    expect(secretStoreReason(serve)).toBe('This Deliverlab has no access to an operating-system keychain, so it stores no secrets: name an environment variable instead (“Environment variable”, in the form), and set it before Deliverlab starts.');
    const locked = { available: false, cause: 'keychain-unavailable', backend: 'kwallet5', reason: 'The operating system’s keychain is not available (backend "kwallet5") ... (auth.passwordEnv) instead.' };
    expect(secretStoreReason(locked)).toMatch(/backend "kwallet5".*gnome-keyring or KWallet.*“Environment variable”/);
    expect(secretStoreReason({ available: false, cause: 'keychain-error', detail: 'dbus gone', reason: '...' })).toMatch(/^The operating system's keychain could not be asked whether it works \(dbus gone\)/);
    for (const cause of ['no-keychain', 'no-history', 'keychain-error', 'keychain-unavailable', 'no-keyring', 'keyring-unknown']) {
      expect(secretStoreReason({ cause, reason: '(auth.passwordEnv)' })).not.toMatch(PATH);
    }
    // A status from before the cause existed keeps its words.
    expect(secretStoreReason({ reason: 'the operating-system keychain is not available to Deliverlab.' })).toBe('the operating-system keychain is not available to Deliverlab.');

    // A DKIM key refused for the same reason: the problem, without the profile's remedy.
    const refused = { code: 'invalid-input', message: 'The secret was not saved: ... (auth.passwordEnv or auth.oauth2TokenEnv) ...', reason: 'secrets-unavailable', params: { cause: 'no-keychain' } };
    expect(errorMessage(refused)).toBe('The secret was not saved. This Deliverlab has no access to an operating-system keychain, so it stores no secrets.');
  });
});
