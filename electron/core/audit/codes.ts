/**
 * Every finding code the audit can raise, with its default severity and meaning.
 *
 * Codes are a public contract (scripts match on them, the README lists them, a test pins them):
 * never rename one; add new ones. Each check has its own block below.
 */
/**
 * How much a finding matters. Defined here, with the codes, rather than in types.ts: the result
 * shapes there carry codes, so the words codes are made of sit below them (types.ts re-exports them).
 */
export type Severity = 'critical' | 'warning' | 'info';

/** The audit's checks, by id: the keys of AuditChecks, which types.ts holds to this list. */
export type CheckId = 'mx' | 'spf' | 'dmarc' | 'dkim' | 'mtasts' | 'tlsrpt' | 'bimi' | 'dnssec' | 'ptr' | 'dnsbl' | 'smtp' | 'providers';

/** Message analysis raises findings in these areas besides the audit's checks. */
export type MessageArea = 'auth' | 'header' | 'content';

/** Design QA of a draft raises these besides the content findings (core/qa): client compatibility, accessibility, and the link check's links and images. */
export type QaArea = 'compat' | 'a11y' | 'link' | 'image';

/** Sending health (core/health) raises its findings from ESP exports' daily counts. */
export type HealthArea = 'health';

export interface CodeInfo {
  severity: Severity;
  check: CheckId | MessageArea | QaArea | HealthArea;
  /** One line for the README and the UI's legend. */
  meaning: string;
}

export const FINDING_CODES = {
  // The domain itself (raised by the MX check, whose lookup is the one that finds the name missing)
  'domain.nxdomain': { severity: 'critical', check: 'mx', meaning: 'The domain does not exist (NXDOMAIN): it can neither receive nor send mail; the other checks are skipped and no grade is given.' },

  // MX
  'mx.missing': { severity: 'warning', check: 'mx', meaning: 'The domain publishes no MX record, so mail to it falls back to its address record or bounces.' },
  'mx.null': { severity: 'info', check: 'mx', meaning: 'The domain publishes a null MX (RFC 7505): it declares that it accepts no mail.' },
  'mx.cname': { severity: 'warning', check: 'mx', meaning: 'An MX target is a CNAME, which RFC 2181 §10.3 forbids; some senders refuse it.' },
  'mx.no-address': { severity: 'critical', check: 'mx', meaning: 'An MX target has no A or AAAA record, so no mail can be delivered to it.' },
  'mx.no-ipv6': { severity: 'info', check: 'mx', meaning: 'No MX host has an IPv6 address.' },

  // SPF
  'spf.missing': { severity: 'critical', check: 'spf', meaning: 'No SPF record: receivers cannot tell which servers may send for the domain.' },
  'spf.multiple': { severity: 'critical', check: 'spf', meaning: 'More than one SPF record: RFC 7208 §4.5 makes that a permanent error, so SPF fails.' },
  'spf.syntax': { severity: 'critical', check: 'spf', meaning: 'The SPF record does not parse (RFC 7208 §4.6): receivers treat it as a permanent error.' },
  'spf.lookup-limit': { severity: 'critical', check: 'spf', meaning: 'More than 10 DNS-querying terms over the include tree (RFC 7208 §4.6.4): SPF returns permerror.' },
  'spf.void-limit': { severity: 'critical', check: 'spf', meaning: 'More than 2 lookups that return nothing (RFC 7208 §4.6.4): SPF returns permerror.' },
  'spf.all-pass': { severity: 'critical', check: 'spf', meaning: 'The record ends in +all: every server on the internet passes SPF for the domain.' },
  'spf.all-neutral': { severity: 'warning', check: 'spf', meaning: 'The record ends in ?all, or has neither all nor redirect: unlisted servers are neutral, not failed.' },
  'spf.ptr': { severity: 'warning', check: 'spf', meaning: 'The record uses the ptr mechanism, which RFC 7208 §5.5 says not to use: slow, unreliable, ignored by some receivers.' },
  'spf.include-missing': { severity: 'critical', check: 'spf', meaning: 'An include or redirect target publishes no SPF record: permerror for redirect, permerror for include (RFC 7208 §5.2).' },
  'spf.loop': { severity: 'critical', check: 'spf', meaning: 'The include/redirect chain comes back to a domain already on it: receivers give permerror.' },
  'spf.temperror': { severity: 'critical', check: 'spf', meaning: 'A lookup the SPF evaluation needs (the record, an include, a:, mx:, exists:) got SERVFAIL, no answer or a malformed one: receivers return temperror and defer the mail, or fail it under DMARC.' },
  'spf.macro': { severity: 'info', check: 'spf', meaning: 'Terms with macros depend on each message and cannot be resolved statically; their cost is counted as one lookup.' },

  // DMARC
  'dmarc.missing': { severity: 'critical', check: 'dmarc', meaning: 'No DMARC record applies to the domain, not even one inherited from a parent.' },
  'dmarc.multiple': { severity: 'critical', check: 'dmarc', meaning: 'More than one DMARC record at one name: receivers discard them all.' },
  'dmarc.syntax': { severity: 'critical', check: 'dmarc', meaning: 'The DMARC record has an invalid or unknown tag or value.' },
  'dmarc.policy-none': { severity: 'warning', check: 'dmarc', meaning: 'The effective DMARC policy is none: spoofed mail is reported but not stopped.' },
  'dmarc.subdomain-weaker': { severity: 'warning', check: 'dmarc', meaning: 'sp= or np= is weaker than p=: subdomains are easier to spoof than the domain itself.' },
  'dmarc.pct': { severity: 'warning', check: 'dmarc', meaning: 'pct= below 100: under RFC 7489 only part of failing mail gets the policy (RFC 9989 drops pct).' },
  'dmarc.no-rua': { severity: 'warning', check: 'dmarc', meaning: 'No rua= address: nobody receives the aggregate reports that show who sends as the domain.' },
  'dmarc.rua-unauthorized': { severity: 'warning', check: 'dmarc', meaning: 'A report address in another domain has not authorized the reports (no _report._dmarc record, RFC 9990 §3.2.3).' },
  'dmarc.rua-no-mx': { severity: 'warning', check: 'dmarc', meaning: 'A report address is in a domain that cannot receive mail (no MX and no address).' },
  'dmarc.inherited': { severity: 'info', check: 'dmarc', meaning: 'The policy comes from a parent domain by the RFC 9989 tree walk.' },

  // DKIM
  'dkim.not-found': { severity: 'warning', check: 'dkim', meaning: 'No DKIM key was found at any selector tried; discovery can only guess names, so name your selectors.' },
  'dkim.weak-key': { severity: 'critical', check: 'dkim', meaning: 'An RSA key under 1024 bits (critical) or of exactly 1024 bits (warning): use 2048.' },
  'dkim.testing': { severity: 'warning', check: 'dkim', meaning: 'The key has t=y: receivers treat its signatures as a test.' },
  'dkim.revoked': { severity: 'info', check: 'dkim', meaning: 'The selector publishes an empty p=: the key is revoked.' },
  'dkim.syntax': { severity: 'warning', check: 'dkim', meaning: 'The DKIM key record does not parse.' },

  // MTA-STS and TLS-RPT
  'mtasts.missing': { severity: 'info', check: 'mtasts', meaning: 'No MTA-STS record: senders cannot require TLS to deliver to the domain (RFC 8461).' },
  'mtasts.syntax': { severity: 'warning', check: 'mtasts', meaning: 'The _mta-sts record or the policy file does not parse.' },
  'mtasts.policy-unreachable': { severity: 'critical', check: 'mtasts', meaning: 'The policy at https://mta-sts.<domain>/.well-known/mta-sts.txt cannot be fetched.' },
  'mtasts.mx-mismatch': { severity: 'critical', check: 'mtasts', meaning: 'An MX host is not covered by the policy: in enforce mode senders refuse to deliver to it.' },
  'mtasts.testing': { severity: 'info', check: 'mtasts', meaning: 'The policy is in testing mode: failures are reported, not enforced.' },
  'tlsrpt.missing': { severity: 'info', check: 'tlsrpt', meaning: 'No TLS-RPT record: nobody is told when TLS delivery to the domain fails (RFC 8460).' },
  'tlsrpt.syntax': { severity: 'warning', check: 'tlsrpt', meaning: 'The _smtp._tls record does not parse.' },

  // BIMI
  'bimi.missing': { severity: 'info', check: 'bimi', meaning: 'No BIMI record at default._bimi.' },
  'bimi.dmarc-not-enforced': { severity: 'warning', check: 'bimi', meaning: 'BIMI needs DMARC at quarantine or reject (pct=100); the logo will not show.' },
  'bimi.svg-invalid': { severity: 'warning', check: 'bimi', meaning: 'The logo is not SVG Tiny PS, or is over 32 KB.' },
  'bimi.no-certificate': { severity: 'info', check: 'bimi', meaning: 'No VMC or CMC certificate (a=): Gmail and Apple Mail show no logo without one.' },
  'bimi.syntax': { severity: 'warning', check: 'bimi', meaning: 'The default._bimi record does not parse (no https l=, several records): receivers ignore it.' },
  'bimi.logo-unreachable': { severity: 'warning', check: 'bimi', meaning: 'The logo at l= cannot be fetched (timeout, certificate error, 404, redirect).' },
  'bimi.certificate-invalid': { severity: 'warning', check: 'bimi', meaning: 'The VMC/CMC at a= cannot be fetched or does not validate (chain, domain, embedded logo).' },

  // DNSSEC and DANE
  'dnssec.unsigned': { severity: 'info', check: 'dnssec', meaning: 'The zone is not signed with DNSSEC, so DANE cannot protect its mail.' },
  'dane.mismatch': { severity: 'critical', check: 'dnssec', meaning: 'No TLSA record matches the certificate the MX presents: DANE senders will not deliver.' },

  // PTR
  'ptr.missing': { severity: 'warning', check: 'ptr', meaning: 'An address has no reverse DNS (PTR): many receivers refuse mail from it.' },
  'ptr.mismatch': { severity: 'warning', check: 'ptr', meaning: 'The PTR name does not resolve back to the address (no forward-confirmed reverse DNS).' },

  // Blocklists
  'dnsbl.listed': { severity: 'critical', check: 'dnsbl', meaning: 'An address or the domain is listed on a blocklist.' },
  'dnsbl.refused': { severity: 'info', check: 'dnsbl', meaning: 'A blocklist refused the query (public resolver, over quota): the result is unknown, not clean.' },

  // SMTP
  'smtp.unreachable': { severity: 'warning', check: 'smtp', meaning: 'An MX host did not answer on port 25. When no MX host takes a connection, outbound port 25 is likely blocked where the audit ran: the check is not measured (skipped, notMeasured) and the finding is information only, costing no points.' },
  'smtp.no-starttls': { severity: 'critical', check: 'smtp', meaning: 'An MX host does not offer STARTTLS: mail to it travels in clear text.' },
  'smtp.cert-invalid': { severity: 'warning', check: 'smtp', meaning: 'The MX certificate is expired, self-signed, untrusted or for another name.' },
  'smtp.tls-old': { severity: 'warning', check: 'smtp', meaning: 'The MX negotiates TLS older than 1.2.' },

  // Message analysis: authentication as the receiver evaluated it
  'auth.spf-fail': { severity: 'critical', check: 'auth', meaning: 'SPF did not pass for the envelope sender and the connecting IP.' },
  'auth.dkim-fail': { severity: 'critical', check: 'auth', meaning: 'A DKIM signature does not verify (body hash or header signature), is refused by the RFCs (rsa-sha1, a required tag missing, an unknown algorithm or canonicalization), or the message is not signed.' },
  'auth.dmarc-fail': { severity: 'critical', check: 'auth', meaning: 'DMARC failed: neither SPF nor DKIM passed in alignment with the From domain.' },
  'auth.not-aligned': { severity: 'warning', check: 'auth', meaning: 'SPF or DKIM passed, but for a domain that does not align with the From domain.' },
  'auth.arc-fail': { severity: 'warning', check: 'auth', meaning: 'The ARC chain is broken or refused by RFC 8617 (a tag twice or in upper case, an ARC-Message-Signature that verifies only with a c= it does not state): forwarders\' authentication results cannot be trusted.' },
  'auth.receiver-differs': { severity: 'info', check: 'auth', meaning: 'The receiver\'s Authentication-Results say something else than our evaluation.' },

  // Message analysis: headers
  'header.no-message-id': { severity: 'warning', check: 'header', meaning: 'No Message-ID header (RFC 5322 §3.6.4): some receivers score that as spam.' },
  'header.no-date': { severity: 'warning', check: 'header', meaning: 'No Date header, which RFC 5322 §3.6 requires.' },
  'header.date-skew': { severity: 'warning', check: 'header', meaning: 'The Date header is far from the time the message was received: a wrong clock on the sender.' },
  'header.multiple-from': { severity: 'critical', check: 'header', meaning: 'More than one From header or address: DMARC cannot evaluate it, and receivers reject it.' },
  'header.no-list-unsubscribe': { severity: 'warning', check: 'header', meaning: 'Bulk or marketing mail without a List-Unsubscribe header (required by Gmail and Yahoo for bulk senders).' },
  'header.no-one-click': { severity: 'warning', check: 'header', meaning: 'No RFC 8058 one-click unsubscribe (List-Unsubscribe-Post: List-Unsubscribe=One-Click with an https URI).' },
  'header.one-click-unsigned': { severity: 'warning', check: 'header', meaning: 'List-Unsubscribe and List-Unsubscribe-Post are not covered by a valid aligned DKIM signature (RFC 8058 §4).' },
  'header.reply-to-mismatch': { severity: 'info', check: 'header', meaning: 'Reply-To is in another domain than From.' },
  'header.display-name-spoof': { severity: 'warning', check: 'header', meaning: 'The From display name carries another address or domain than the real sender.' },

  // Message analysis: content
  'content.no-text-part': { severity: 'warning', check: 'content', meaning: 'HTML without a plain-text alternative.' },
  'content.gmail-clipping': { severity: 'warning', check: 'content', meaning: 'The HTML part is over ~102 KB as transferred: Gmail clips it (and hides the unsubscribe link at the end).' },
  'content.img-no-alt': { severity: 'info', check: 'content', meaning: 'Images without alt text: blank when images are off, and unreadable to screen readers.' },
  'content.image-heavy': { severity: 'warning', check: 'content', meaning: 'Mostly images and little text: a classic spam-filter signal.' },
  'content.link-mismatch': { severity: 'critical', check: 'content', meaning: 'A link whose text shows a URL on another domain than where it goes: a phishing pattern.' },
  'content.url-shortener': { severity: 'warning', check: 'content', meaning: 'Links through public URL shorteners, which spammers use to hide destinations.' },
  'content.http-link': { severity: 'info', check: 'content', meaning: 'Links over plain http:.' },
  'content.no-unsubscribe-link': { severity: 'warning', check: 'content', meaning: 'Bulk mail without a visible unsubscribe link in the body.' },
  'content.no-postal-address': { severity: 'warning', check: 'content', meaning: 'Commercial mail without a physical postal address (CAN-SPAM, 15 U.S.C. §7704(a)(5)).' },
  'content.tracking-pixel': { severity: 'info', check: 'content', meaning: 'A 1x1 or hidden image that reports opens.' },
  'content.listed-domain': { severity: 'critical', check: 'content', meaning: 'A link points at a domain listed on a domain blocklist.' },
  'content.link-lookup-failed': { severity: 'info', check: 'content', meaning: 'A domain blocklist could not be asked about the link domains, or its answers could not be trusted (its test entry did not answer as listed): whether they are listed there is unknown, not clean.' },

  // Design QA: the link check (core/qa/links.ts)
  'link.broken': { severity: 'warning', check: 'link', meaning: 'A link answers 4xx or 5xx, or cannot be reached (no host, refused, reset, timeout, certificate): critical when it is gone for every reader (404, 410, a host that does not exist, a URL that does not parse).' },
  'link.private': { severity: 'warning', check: 'link', meaning: 'A link or image points, or redirects, to a private, loopback, link-local or other non-public address that readers cannot reach; it is not requested.' },
  'link.too-many-redirects': { severity: 'warning', check: 'link', meaning: 'A link or image redirects more than 5 times, usually a loop; the check stops there.' },
  'link.insecure': { severity: 'warning', check: 'link', meaning: 'An https link redirects down to a plain http page.' },
  'link.redirect-chain': { severity: 'info', check: 'link', meaning: 'A link or image goes through 2 redirects or more before it answers.' },
  'link.slow': { severity: 'info', check: 'link', meaning: 'A link or image took over 3 s to answer, its redirects included.' },
  'link.utm-missing': { severity: 'info', check: 'link', meaning: 'Links to a site that other links tag with UTM parameters lack utm_source, utm_medium or utm_campaign.' },
  'link.utm-inconsistent': { severity: 'info', check: 'link', meaning: 'The links of one email carry different utm_source, utm_medium or utm_campaign values.' },
  'image.broken': { severity: 'warning', check: 'image', meaning: 'An image answers 4xx or 5xx, answers with something that is not an image, or cannot be reached: critical when it is gone for every reader (404, 410, a host that does not exist, a URL that does not parse).' },
  'image.insecure': { severity: 'warning', check: 'image', meaning: 'An image loads over plain http (written so, or by a redirect): mixed content that clients block or flag.' },
  'image.heavy': { severity: 'warning', check: 'image', meaning: 'One image is over 500 KiB.' },
  'image.total-weight': { severity: 'warning', check: 'image', meaning: 'The email\'s images weigh over 2 MiB together.' },
  // Design QA: client compatibility (caniemail.com data)
  'compat.unsupported': { severity: 'warning', check: 'compat', meaning: 'An HTML element, attribute or CSS feature the draft uses is not supported by a client of a major family (Gmail, Outlook, Apple Mail, Yahoo); information only when only Samsung Email or Thunderbird lack it.' },
  'compat.partial': { severity: 'info', check: 'compat', meaning: 'A feature the draft uses is only partly supported by some clients (the caniemail.com notes say how).' },

  // Design QA: accessibility
  'a11y.missing-lang': { severity: 'warning', check: 'a11y', meaning: 'The <html> element has no lang attribute: screen readers guess the language and may read the text with the wrong voice.' },
  'a11y.img-no-alt': { severity: 'warning', check: 'a11y', meaning: 'An image has no alt attribute: screen readers read its file name, and blocked images leave an empty box (alt="" marks a decorative one).' },
  'a11y.layout-table': { severity: 'warning', check: 'a11y', meaning: 'A layout table without role="presentation": screen readers announce its rows and columns as data.' },
  'a11y.heading-order': { severity: 'info', check: 'a11y', meaning: 'A heading skips a level (an h2 followed by an h4): readers navigating by headings lose the structure.' },
  'a11y.vague-link': { severity: 'warning', check: 'a11y', meaning: 'A link whose text says nothing of where it goes ("click here", "read more") or has no text at all.' },
  'a11y.small-text': { severity: 'info', check: 'a11y', meaning: 'Text smaller than 14 px: hard to read, above all on phones.' },
  'a11y.low-contrast': { severity: 'warning', check: 'a11y', meaning: 'Text whose colour contrasts with its background less than WCAG AA asks (4.5:1, or 3:1 for large text), from the email\'s own colours.' },
  'a11y.all-caps': { severity: 'info', check: 'a11y', meaning: 'A paragraph in capitals: slower to read, and some screen readers spell it out.' },
  'a11y.missing-title': { severity: 'info', check: 'a11y', meaning: 'No <title>: screen readers and the browser view of the email have no name to announce.' },

  // Sending health: ESP exports' counts against the providers' thresholds (resources/provider-rules.json)
  'health.complaint-rate': { severity: 'critical', check: 'health', meaning: 'The complaint (spam) rate at Gmail or Yahoo, or over all recipients, is over the 0.3 % limit Gmail and Yahoo hold bulk senders to.' },
  'health.complaint-rate-elevated': { severity: 'warning', check: 'health', meaning: 'The complaint rate is over the 0.1 % that Gmail and Yahoo ask senders to aim for, still under the 0.3 % limit.' },
  'health.bounce-rate': { severity: 'critical', check: 'health', meaning: 'Hard and soft bounces together are over 5 % of the messages sent: mailbox providers and sending services treat that as a list out of control.' },
  'health.bounce-rate-elevated': { severity: 'warning', check: 'health', meaning: 'Bounces are over 2 % of the messages sent, still under 5 %.' },
  'health.bounce-spike': { severity: 'warning', check: 'health', meaning: 'A day\'s bounce rate at one IP is over twice its median of the 7 days before, and over 2 %.' },
  'health.delivery-drop': { severity: 'warning', check: 'health', meaning: 'A recipient provider delivered a smaller share of the mail in the last 7 days than in the 7 before (5 points or more).' },
  'health.volume-spike': { severity: 'warning', check: 'health', meaning: 'A day\'s volume from one IP is over twice its median of the 7 days before: sudden volume looks like a compromised or new sender.' },
  'health.unknown-users-rising': { severity: 'warning', check: 'health', meaning: 'Bounces for mailboxes that do not exist rose to over twice their rate of the 7 days before, and over 0.5 %: the list is going stale.' },
} as const satisfies Record<string, CodeInfo>;

export type FindingCode = keyof typeof FINDING_CODES;

export const ALL_CODES = Object.keys(FINDING_CODES) as FindingCode[];
