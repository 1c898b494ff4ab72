/**
 * Header lint: RFC 5322 format problems, unsubscribe headers (RFC 8058) and sender impersonation.
 *
 * Pure over the parsed message: no DNS, no clock other than the given one. Every finding says what a
 * receiver makes of the problem and gives the exact header to add or change.
 */
import { parse as parseHost } from 'tldts';
import type { Finding } from '../audit/types';
import { finding } from '../audit/finding';
import { headerValues, indexHeaders, type HeaderIndex } from './header-index';
import { bulkWhy, orgDomain } from './lint-common';
import type { LintInput } from './lint-types';

/** A Date this far after the receiving hop's time is a sender clock running ahead. */
export const DATE_FUTURE_LIMIT_MS = 15 * 60 * 1000;
/**
 * A Date this far before the receiving hop's time is a wrong clock or a message held back.
 *
 * 24 hours, not minutes: queues legitimately hold mail for hours when a receiver defers (RFC 5321
 * §4.5.4.1 retries for 4-5 days), so only a gap beyond a day points at the sender's clock.
 */
export const DATE_PAST_LIMIT_MS = 24 * 60 * 60 * 1000;

const lower = (s: string) => s.toLowerCase();

/** The values of one field, from the index lintHeaders builds once per message. */
function values(index: HeaderIndex, name: string): readonly string[] {
  return headerValues(index, name);
}

function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at < 0 || at === address.length - 1) return null;
  return lower(address.slice(at + 1).replace(/[>\s]+$/, ''));
}

function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 2 * 3600_000) return `${Math.round(abs / 60_000)} minutes`;
  if (abs < 72 * 3600_000) return `${Math.round(abs / 3600_000)} hours`;
  return `${Math.round(abs / 86_400_000)} days`;
}

/** The URIs of a List-Unsubscribe value: `<...>` items, comma separated (RFC 2369 §3.2). */
export function unsubscribeUris(value: string): string[] {
  const out: string[] = [];
  const re = /<([^>]*)>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) && out.length < 20) out.push((m[1] ?? '').replace(/\s+/g, ''));
  return out;
}

/** The h= list of each DKIM-Signature in the message, by d= and s=, lower-cased. */
function rawSignedHeaders(index: HeaderIndex): { domain: string; selector: string; headers: string[] }[] {
  return values(index, 'dkim-signature').map((v) => {
    const tags = new Map<string, string>();
    for (const part of v.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) tags.set(lower(part.slice(0, eq).trim()), part.slice(eq + 1).replace(/\s+/g, ''));
    }
    return {
      domain: lower(tags.get('d') ?? ''),
      selector: lower(tags.get('s') ?? ''),
      headers: (tags.get('h') ?? '').split(':').filter(Boolean).map(lower),
    };
  });
}

/** A domain-like token with a real public suffix: "paypal.com", "www.bank.example.co.uk". */
function domainsIn(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[^a-z0-9@.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})(?![a-z0-9-])/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && out.length < 10) {
    const host = lower(m[1] ?? '');
    const info = parseHost(host);
    // Only names under a suffix in the public suffix list: "J.R.R. Tolkien" or "Mr.Smith" are no domains.
    if (info.isIcann && info.domain) out.push(host);
  }
  return out;
}

function addressesIn(text: string): string[] {
  return (text.match(/[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,63}/gi) ?? []).slice(0, 10).map(lower);
}

function lintFormat(input: LintInput, index: HeaderIndex, out: Finding[], fromDomain: string): void {
  if (values(index, 'message-id').length === 0) {
    out.push(
      finding('header.no-message-id', {
        title: 'No Message-ID header',
        detail:
          'The message has no Message-ID. RFC 5322 §3.6.4 says every message SHOULD have one; Gmail and other receivers treat its absence as a sign of badly built or bulk-spam mail, and threading and duplicate detection break without it. Usually the sending program expects the submission server to add one and it did not.',
        fix: `Have the sending application add a unique identifier to every message, e.g. Message-ID: <20261126101500.5f3a9c2e71@${fromDomain}> (a timestamp plus random part, unique per message), or enable "add Message-ID" on your submission server (Postfix does it for mail it accepts on submission by default).`,
        refs: ['RFC 5322 §3.6.4'],
      }),
    );
  }

  const dates = values(index, 'date');
  const received = input.receivedAt && !Number.isNaN(input.receivedAt.getTime()) ? input.receivedAt : null;
  const reference = received ?? (input.now ? input.now() : new Date());
  // Built only when a finding needs it: most messages carry a good Date.
  const fixText = () => `Add the origination date in RFC 5322 §3.3 format, from a synchronised clock (NTP), e.g. Date: ${reference.toUTCString().replace('GMT', '+0000')}`;
  if (dates.length === 0) {
    out.push(
      finding('header.no-date', {
        title: 'No Date header',
        detail:
          'RFC 5322 §3.6 requires exactly one Date header (the origination date). Without it some receivers reject the message, others add their own date or score it as spam.',
        fix: fixText(),
        refs: ['RFC 5322 §3.6', 'RFC 5322 §3.6.1'],
      }),
    );
    return;
  }
  const dateText = (dates[0] ?? '').trim();
  const date = Date.parse(dateText);
  if (Number.isNaN(date)) {
    // An unreadable Date is as good as none to a receiver, so it is the same code with its own words.
    out.push(
      finding('header.no-date', {
        title: 'The Date header is not a valid date',
        detail: `The Date header "${dateText.slice(0, 100)}" cannot be read as a date in RFC 5322 §3.3 format, so receivers treat the message as undated.`,
        fix: fixText(),
        evidence: `Date: ${dateText.slice(0, 200)}`,
        refs: ['RFC 5322 §3.3', 'RFC 5322 §3.6.1'],
      }),
    );
    return;
  }
  const ref = reference.getTime();
  const skew = date - ref;
  if (skew > DATE_FUTURE_LIMIT_MS || -skew > DATE_PAST_LIMIT_MS) {
    const against = received ? `the time the receiving server stamped (${reference.toISOString()})` : `the current time (${reference.toISOString()}), since no Received header gives the arrival time`;
    const future = skew > 0;
    out.push(
      finding('header.date-skew', {
        title: `Date is ${duration(skew)} ${future ? 'in the future' : 'in the past'}`,
        detail: `The Date header (${new Date(date).toISOString()}) is ${duration(skew)} ${future ? 'after' : 'before'} ${against}. ${
          future
            ? 'Messages dated in the future are a classic spam trick to stay at the top of the inbox, and filters score them.'
            : 'A Date more than a day old suggests a wrong sender clock, a message held in a queue, or a resent old message; filters score it and users see it sorted in the past.'
        } Lint allows ${DATE_FUTURE_LIMIT_MS / 60_000} minutes ahead and ${DATE_PAST_LIMIT_MS / 3600_000} hours behind.`,
        fix: 'Synchronise the sending server\'s clock with NTP (e.g. systemd-timesyncd or chrony) and make sure the application sets Date when it sends, not when it drafted the message, with the right time zone offset.',
        evidence: `Date: ${dateText.slice(0, 200)}`,
        refs: ['RFC 5322 §3.6.1'],
      }),
    );
  }
}

function lintFrom(input: LintInput, index: HeaderIndex, out: Finding[]): void {
  const fromHeaders = values(index, 'from');
  const addresses = (input.parsed.from?.value ?? []).flatMap((a) => (a.group ? a.group : [a])).filter((a) => a.address);
  if (fromHeaders.length > 1 || addresses.length > 1) {
    const sender = values(index, 'sender')[0];
    const what = fromHeaders.length > 1 ? `${fromHeaders.length} From headers` : `${addresses.length} addresses in From`;
    out.push(
      finding('header.multiple-from', {
        title: what,
        detail: `${
          fromHeaders.length > 1
            ? `The message has ${fromHeaders.length} From headers; RFC 5322 §3.6 allows exactly one.`
            : `The From header lists ${addresses.length} mailboxes (${addresses.map((a) => a.address).join(', ')}); RFC 5322 §3.6.2 then requires a Sender header naming the single mailbox that sent it${sender ? ` (it has one: ${sender.trim()})` : ', and there is none'}.`
        } DMARC evaluates exactly one From domain (RFC 7489 §6.6.1): Gmail, Yahoo and Microsoft reject such messages or treat them as failing DMARC, and the trick is used to show one sender and authenticate another.`,
        fix: `Send with a single From header holding one address, e.g. From: ${addresses[0]?.name ? `"${addresses[0].name}" ` : ''}<${addresses[0]?.address ?? 'news@example.com'}>. Put other people in Reply-To or Cc.`,
        evidence: fromHeaders.map((v) => `From: ${v.trim()}`).join('\n').slice(0, 500),
        refs: ['RFC 5322 §3.6', 'RFC 5322 §3.6.2', 'RFC 7489 §6.6.1'],
      }),
    );
  }

  const first = addresses[0];
  const realDomain = first?.address ? domainOf(first.address) : null;
  // Bounded: the regular expressions below backtrack on long runs, and no mail app shows 1000 characters.
  const name = (first?.name ?? '').trim().slice(0, 1000);
  if (first && realDomain && name) {
    const realOrg = orgDomain(realDomain);
    const named = addressesIn(name);
    const foreignAddress = named.find((a) => a !== lower(first.address ?? '') && orgDomain(domainOf(a) ?? '') !== realOrg);
    const withoutAddresses = name.replace(/[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,63}/gi, ' ');
    const foreignDomain = domainsIn(withoutAddresses).find((d) => orgDomain(d) !== realOrg);
    const shown = foreignAddress ?? foreignDomain;
    if (shown) {
      out.push(
        finding('header.display-name-spoof', {
          title: `From display name shows ${shown}, but the sender is ${first.address}`,
          detail: `The From display name "${name.slice(0, 120)}" contains ${foreignAddress ? 'the address' : 'the domain'} ${shown}, while the actual sender address is ${first.address} (domain ${realDomain}). Many mail apps show only the display name, so the reader sees ${shown}. DMARC authenticates only the address, never the display name: this is the most common impersonation pattern, and Gmail, Microsoft and spam filters score it as phishing even when the sender is legitimate.`,
          fix: `Use a display name without addresses or domains of another organisation, e.g. From: "${name.replace(/[<>"]/g, '').replace(/[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,63}/gi, '').replace(/\s+/g, ' ').trim() || 'Your Company'}" <${first.address}>, or send from an address in ${shown.includes('@') ? domainOf(shown) : shown} if you are entitled to.`,
          evidence: `From: ${(fromHeaders[0] ?? '').trim().slice(0, 300)}`,
          refs: ['RFC 5322 §3.4', 'RFC 7489 §11.4'],
        }),
      );
    }
  }

  const fromOrg = realDomain ? orgDomain(realDomain) : null;
  const replyTo = (input.parsed.replyTo?.value ?? []).flatMap((a) => (a.group ? a.group : [a])).filter((a) => a.address);
  const foreignReply = fromOrg ? replyTo.filter((a) => orgDomain(domainOf(a.address ?? '') ?? '') !== fromOrg) : [];
  if (foreignReply.length > 0 && fromOrg) {
    out.push(
      finding('header.reply-to-mismatch', {
        title: `Reply-To is in ${domainOf(foreignReply[0]?.address ?? '') ?? 'another domain'}, From in ${realDomain ?? fromOrg}`,
        detail: `Replies go to ${foreignReply.map((a) => a.address).join(', ')}, outside the From domain ${fromOrg}. That is normal for help-desk and ESP setups, but it is also how business-email-compromise and phishing collect answers, so some filters weigh it. Listed for information.`,
        fix: `If intended, nothing to do. Otherwise use a Reply-To address in ${fromOrg}, e.g. Reply-To: <support@${fromOrg}>, or leave Reply-To out.`,
        evidence: values(index, 'reply-to').map((v) => `Reply-To: ${v.trim()}`).join('\n').slice(0, 300),
        refs: ['RFC 5322 §3.6.2'],
      }),
    );
  }
}

function lintUnsubscribe(input: LintInput, index: HeaderIndex, out: Finding[], fromDomain: string): void {
  const listUnsub = values(index, 'list-unsubscribe');
  const post = values(index, 'list-unsubscribe-post');
  const exampleHeaders = `List-Unsubscribe: <https://${fromDomain}/unsubscribe?u=RECIPIENT_TOKEN>, <mailto:unsubscribe@${fromDomain}?subject=unsubscribe>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click`;
  const signFix = 'and include both header names in the h= tag of your DKIM signature (the d= domain aligned with From), e.g. h=from:to:subject:date:message-id:list-unsubscribe:list-unsubscribe-post';

  if (!input.summary.bulk) return;
  if (listUnsub.length === 0) {
    out.push(
      finding('header.no-list-unsubscribe', {
        title: 'Bulk mail without List-Unsubscribe',
        detail: `The message looks like bulk or marketing mail (${bulkWhy(input)}), but has no List-Unsubscribe header. Since February 2024 Gmail and Yahoo require bulk senders to offer one-click unsubscribe through this header; without it recipients press "Report spam" instead, which hurts the sender's reputation.`,
        ...(input.summary.bulkSignals?.length ? { evidence: `Bulk signals: ${input.summary.bulkSignals.join('; ')}` } : {}),
        fix: `Add these two headers to every marketing message (the URL must accept a POST and unsubscribe without further steps), ${signFix}:\n${exampleHeaders}`,
        refs: ['RFC 2369 §3.2', 'RFC 8058 §3.1'],
      }),
    );
    return;
  }

  const uris = listUnsub.flatMap(unsubscribeUris);
  const https = uris.filter((u) => /^https:\/\//i.test(u));
  const oneClickPost = post.some((v) => v.trim().replace(/\s+/g, '') === 'List-Unsubscribe=One-Click');
  if (https.length === 0 || !oneClickPost) {
    const missing = [
      ...(!oneClickPost ? [post.length === 0 ? 'there is no List-Unsubscribe-Post header' : `List-Unsubscribe-Post is "${(post[0] ?? '').trim().slice(0, 80)}" instead of "List-Unsubscribe=One-Click"`] : []),
      ...(https.length === 0 ? [`List-Unsubscribe has no https URI (${uris.length ? uris.map((u) => u.slice(0, 80)).join(', ') : 'no <URI> at all'})`] : []),
    ];
    const fixHeaders = `List-Unsubscribe: <${https[0] ?? `https://${fromDomain}/unsubscribe?u=RECIPIENT_TOKEN`}>${uris.filter((u) => /^mailto:/i.test(u)).map((u) => `, <${u}>`).slice(0, 1).join('')}\nList-Unsubscribe-Post: List-Unsubscribe=One-Click`;
    out.push(
      finding('header.no-one-click', {
        title: 'No one-click unsubscribe (RFC 8058)',
        detail: `One-click unsubscribe needs an https URI in List-Unsubscribe and the header List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058 §3.1); here ${missing.join(', and ')}. Gmail and Yahoo require one-click unsubscribe from bulk senders; a mailto: link alone no longer qualifies.`,
        fix: `Send these headers (the https URL must unsubscribe on a POST with body "List-Unsubscribe=One-Click", without login or confirmation page), ${signFix}:\n${fixHeaders}`,
        evidence: [...listUnsub.map((v) => `List-Unsubscribe: ${v.trim()}`), ...post.map((v) => `List-Unsubscribe-Post: ${v.trim()}`)].join('\n').slice(0, 500),
        refs: ['RFC 8058 §3.1', 'RFC 8058 §3.2'],
      }),
    );
  }

  if (post.length === 0) return;
  // RFC 8058 §4: the signature must cover both fields, or anyone could replay them on forged mail.
  const raw = rawSignedHeaders(index);
  const covers = (h: string[]) => h.includes('list-unsubscribe') && h.includes('list-unsubscribe-post');
  const signed = (s: LintInput['auth']['dkim'][number]) =>
    s.signedHeaders?.map(lower) ?? raw.find((r) => r.domain === lower(s.domain) && r.selector === lower(s.selector))?.headers ?? [];
  // Without the body no signature can verify: judge the h= of aligned signatures only.
  const good = input.auth.dkim.filter((s) => s.aligned && (input.headersOnly || s.result === 'pass') && covers(signed(s)));
  if (good.length > 0) return;
  const sigs = input.auth.dkim.map((s) => `d=${s.domain} s=${s.selector}: ${s.result}${s.aligned ? ', aligned' : ', not aligned'}, h= ${covers(signed(s)) ? 'covers both' : 'does not cover both'}`);
  out.push(
    finding('header.one-click-unsigned', {
      title: 'One-click unsubscribe headers not covered by a valid aligned DKIM signature',
      detail: `RFC 8058 §4 requires a DKIM signature that covers List-Unsubscribe and List-Unsubscribe-Post, from a domain aligned with From, and that verifies: otherwise Gmail and others do not trust the one-click URL (anyone could paste it into forged mail) and ignore it. ${
        sigs.length ? `Signatures here: ${sigs.join('; ')}.` : 'The message has no DKIM signature.'
      }${input.headersOnly ? ' Only headers were given, so signatures could not be verified; this judges their h= lists.' : ''}`,
      fix: `Sign with d=${input.summary.fromDomain ? orgDomain(input.summary.fromDomain) : fromDomain} (or a subdomain of it) and add both names to the signed headers: h=from:to:subject:date:message-id:list-unsubscribe:list-unsubscribe-post. Add the headers before signing, and make sure nothing after the signer rewrites them.`,
      evidence: values(index, 'dkim-signature').map((v) => `DKIM-Signature: ${v.trim().slice(0, 200)}`).join('\n').slice(0, 800) || undefined,
      refs: ['RFC 8058 §4', 'RFC 6376 §5.4'],
    }),
  );
}

/** Header lint findings for one message (header.* codes). */
export function lintHeaders(input: LintInput): Finding[] {
  const out: Finding[] = [];
  const fromDomain = input.summary.fromDomain ?? 'example.com';
  const index = input.index ?? indexHeaders(input.headers);
  lintFormat(input, index, out, fromDomain);
  lintFrom(input, index, out);
  lintUnsubscribe(input, index, out, fromDomain);
  return out;
}
