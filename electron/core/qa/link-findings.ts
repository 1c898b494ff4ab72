/**
 * Findings from a link check (`link.*`, `image.*`): one finding per kind of problem, naming every URL
 * it concerns, with the source line of the first.
 *
 * Severities: a broken link or image is a warning, raised to critical when it is broken for every
 * reader beyond doubt (HTTP 404 or 410, a host name that does not exist, a URL that does not parse);
 * other failures (403, 429, 5xx, timeouts, resets, certificate errors) can be passing, local to the
 * designer's network, or a bot wall that answers scripts and not people, and must not fail a QA run
 * by themselves. Mixed content is a warning, UTM problems information.
 *
 * Plain http: links written in the email are content.http-link's (message analysis runs on the draft
 * too, and no finding is computed twice); what only the check sees is added here: a redirect from
 * https down to http, and images over http.
 */
import { finding } from '../audit/finding';
import type { FindingCode } from '../audit/codes';
import type { Finding, Severity } from '../audit/types';
import { orgDomain } from '../message/lint-common';
import type { LinkCheck } from './link-types';

/** A finding of the QA view: the project's finding shape, plus the source line of the first URL it names. */
export type LinkFinding = Finding & { line?: number };

/** A link or image whose answer took longer than this (all its hops together) is slow. */
export const SLOW_LINK_MS = 3000;
/** One image over this is heavy: about 2.5 s on a 1.6 Mbit/s mobile connection. */
export const HEAVY_IMAGE_BYTES = 500 * 1024;
/** All images together over this are a heavy load: about 10 s on the same connection. */
export const HEAVY_TOTAL_BYTES = 2 * 1024 * 1024;
/** A chain of this many redirects or more is reported (one redirect, an ESP's click tracking, is normal). */
export const REDIRECT_CHAIN = 2;
/** The UTM parameters one email's links should share: utm_content and utm_term tell links apart, so they may differ. */
export const SHARED_UTM = ['utm_source', 'utm_medium', 'utm_campaign'] as const;

const LISTED = 20;

const shown = (url: string) => (url.length > 200 ? `${url.slice(0, 200)}…` : url);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function bytesText(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}

/** The checks grouped by URL: the same URL on several lines is one entry with every line. */
function byUrl(checks: readonly LinkCheck[]): { check: LinkCheck; lines: number[] }[] {
  const groups = new Map<string, { check: LinkCheck; lines: number[] }>();
  for (const c of checks) {
    const key = `${c.kind} ${c.url.trim()}`;
    const g = groups.get(key) ?? { check: c, lines: [] };
    if (c.line !== undefined) g.lines.push(c.line);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** One evidence line per URL: "line 12, 40: URL — what", at most LISTED lines. */
function evidence(groups: readonly { check: LinkCheck; lines: number[] }[], what: (c: LinkCheck) => string): string {
  const lines = groups.slice(0, LISTED).map(({ check, lines: at }) => {
    const where = at.length ? `line ${[...new Set(at)].sort((a, b) => a - b).join(', ')}: ` : '';
    return `${where}${shown(check.url.trim())} — ${what(check)}`;
  });
  if (groups.length > LISTED) lines.push(`and ${groups.length - LISTED} more`);
  return lines.join('\n');
}

function firstLine(groups: readonly { lines: number[] }[]): { line?: number } {
  const all = groups.flatMap((g) => g.lines);
  return all.length ? { line: Math.min(...all) } : {};
}

function make(code: FindingCode, groups: { check: LinkCheck; lines: number[] }[], words: { title: string; detail: string; fix: string; evidence: string; severity?: Severity; refs?: string[] }): LinkFinding {
  return { ...finding(code, words), ...firstLine(groups) };
}

const isImageType = (type: string | undefined) => type !== undefined && /^image\//i.test(type.trim());

/** An answer that is no image: a 200 page (a soft 404, a login wall) where a picture should be. */
const notAnImage = (c: LinkCheck) => c.kind === 'image' && c.status !== null && c.status < 300 && !c.error && !c.reason && c.format === undefined && c.contentType !== undefined && !isImageType(c.contentType);

function isBroken(c: LinkCheck): boolean {
  if (c.errorKind === 'too-many-redirects') return false;
  if (c.errorKind !== undefined) return true;
  if (c.reason) return false;
  return (c.status !== null && c.status >= 400) || notAnImage(c);
}

/** Broken for every reader beyond doubt. */
const certainlyBroken = (c: LinkCheck) => c.status === 404 || c.status === 410 || c.errorKind === 'no-host' || c.errorKind === 'invalid-url';

function whyBroken(c: LinkCheck): string {
  if (c.error) return c.status !== null ? `${c.error} (after HTTP ${c.status})` : c.error;
  if (notAnImage(c)) return `answers HTTP ${c.status} with ${c.contentType}, not an image`;
  return `HTTP ${c.status}${c.finalUrl && c.finalUrl !== c.url.trim() ? ` at ${shown(c.finalUrl)}` : ''}`;
}

function broken(checks: readonly LinkCheck[], kind: 'link' | 'image'): LinkFinding[] {
  const groups = byUrl(checks.filter((c) => c.kind === kind && isBroken(c)));
  if (groups.length === 0) return [];
  const certain = groups.filter((g) => certainlyBroken(g.check)).length;
  const noun = kind === 'link' ? 'link' : 'image';
  const shows = kind === 'link' ? 'a reader who clicks it gets an error page' : 'readers see a broken-image box or the alt text where it should be';
  return [
    make(kind === 'link' ? 'link.broken' : 'image.broken', groups, {
      severity: certain > 0 ? 'critical' : 'warning',
      title: `${plural(groups.length, `broken ${noun}`)}`,
      detail:
        `${plural(groups.length, noun)} did not answer with a working ${kind === 'link' ? 'page' : 'image'}: ${shows}. ` +
        (certain > 0
          ? `${plural(certain, 'of them is', 'of them are')} gone for every reader (HTTP 404 or 410, a host name that does not exist, or a URL that does not parse), which makes this critical. `
          : '') +
        'A 403, 429 or 5xx answer, a timeout or a reset can be passing, or a bot wall that answers scripts and not people: open those in a browser before you change them.',
      fix: kind === 'link' ? 'Correct each URL (or remove the link), then run the link check again.' : 'Upload the image where the URL points, or correct the URL, then run the link check again.',
      evidence: evidence(groups, whyBroken),
    }),
  ];
}

const redirectsOf = (c: LinkCheck) => c.hops.filter((h) => h.status >= 300 && h.status < 400).length;

function chainText(c: LinkCheck): string {
  const urls = [...c.hops.map((h) => `${shown(h.url)} (${h.status})`)];
  if (c.finalUrl && c.hops.at(-1)?.url !== c.finalUrl) urls.push(`${shown(c.finalUrl)} (not requested)`);
  return urls.join(' → ');
}

function redirectChains(checks: readonly LinkCheck[]): LinkFinding[] {
  const groups = byUrl(checks.filter((c) => c.errorKind !== 'too-many-redirects' && redirectsOf(c) >= REDIRECT_CHAIN));
  if (groups.length === 0) return [];
  return [
    make('link.redirect-chain', groups, {
      title: `${plural(groups.length, 'link goes', 'links go')} through ${REDIRECT_CHAIN} redirects or more`,
      detail:
        'Each redirect is another round trip before the page shows, and a chain through several domains is what spam filters see in phishing and affiliate spam. One redirect (your sending platform\'s click tracking) is normal; more usually means a tracker wrapping a shortener wrapping the page.',
      fix: 'Link straight to the final URL (shown last in each chain), and let only your sending platform\'s click tracking wrap it.',
      evidence: evidence(groups, chainText),
    }),
  ];
}

function tooManyRedirects(checks: readonly LinkCheck[]): LinkFinding[] {
  const groups = byUrl(checks.filter((c) => c.errorKind === 'too-many-redirects'));
  if (groups.length === 0) return [];
  return [
    make('link.too-many-redirects', groups, {
      title: `${plural(groups.length, 'link redirects', 'links redirect')} more than 5 times`,
      detail: 'The check stops after 5 redirects. A chain that long is usually a loop (a page redirecting to itself, or two pages to each other), and browsers give up on loops with an error; where it does end, readers wait for every hop.',
      fix: 'Open the URL in a browser with the developer tools\' network tab to see the loop, fix the redirect rule on the server, or link to the final page.',
      evidence: evidence(groups, chainText),
    }),
  ];
}

/** The URLs a link went through in order: as written, each hop, and where it stopped. */
function chainUrls(c: LinkCheck): string[] {
  const urls = [c.url.trim(), ...c.hops.map((h) => h.url)];
  if (c.finalUrl) urls.push(c.finalUrl);
  return urls;
}

const isHttpUrl = (u: string) => /^http:/i.test(u);
const isHttpsUrl = (u: string) => /^https:/i.test(u);

function downgrades(c: LinkCheck): boolean {
  const urls = chainUrls(c);
  const firstSecure = urls.findIndex(isHttpsUrl);
  return firstSecure >= 0 && urls.slice(firstSecure + 1).some(isHttpUrl);
}

function insecure(checks: readonly LinkCheck[]): LinkFinding[] {
  const out: LinkFinding[] = [];
  // A redirect into a private address is link.private's: the reader reaches nothing, encrypted or not.
  const links = byUrl(checks.filter((c) => c.kind === 'link' && c.reason !== 'private' && downgrades(c)));
  if (links.length > 0) {
    out.push(
      make('link.insecure', links, {
        title: `${plural(links.length, 'https link redirects', 'https links redirect')} to plain http`,
        detail: 'The email links over https, but the server sends the reader on to an http: page: the reader lands on an unencrypted page their browser marks "Not secure", and anyone on their network can read or change it.',
        fix: 'Serve the destination over https and make the redirect (or the click-tracking domain\'s setting) point to its https: address.',
        evidence: evidence(links, chainText),
        refs: ['RFC 9110 §4.2.2'],
      }),
    );
  }
  const images = byUrl(checks.filter((c) => c.kind === 'image' && c.reason !== 'private' && (isHttpUrl(c.url.trim()) || downgrades(c))));
  if (images.length > 0) {
    out.push(
      make('image.insecure', images, {
        title: `${plural(images.length, 'image loads', 'images load')} over plain http`,
        detail: 'Webmail is served over https, so an http: image is mixed content: some clients block it or show it only after a click, others show a warning, and anyone on the reader\'s network can swap it.',
        fix: 'Host the images on https and write their URLs with https:.',
        evidence: evidence(images, (c) => (isHttpUrl(c.url.trim()) ? 'written with http:' : chainText(c))),
        refs: ['W3C Mixed Content §3'],
      }),
    );
  }
  return out;
}

/** The URL whose UTM parameters count: where the link ends when it was followed there, else as written. */
function utmUrl(c: LinkCheck): URL | null {
  const at = c.finalUrl && !c.error && !c.reason && c.status !== null && c.status < 300 ? c.finalUrl : c.url.trim();
  try {
    const url = new URL(at);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function utm(checks: readonly LinkCheck[]): LinkFinding[] {
  const links = byUrl(checks.filter((c) => c.kind === 'link' && c.reason !== 'unsubscribe'))
    .map((g) => ({ ...g, at: utmUrl(g.check) }))
    .filter((g): g is typeof g & { at: URL } => g.at !== null);
  const tagged = links.filter((g) => [...g.at.searchParams.keys()].some((k) => k.toLowerCase().startsWith('utm_')));
  if (tagged.length === 0) return [];
  const out: LinkFinding[] = [];
  const param = (u: URL, name: string) => [...u.searchParams.entries()].find(([k]) => k.toLowerCase() === name)?.[1];

  // Missing: a link to a site some links tag, without a parameter that other links carry. Links to
  // sites no link tags (social profiles, a partner) are not the sender's analytics.
  const sites = new Set(tagged.map((g) => orgDomain(g.at.hostname)));
  const used = SHARED_UTM.filter((p) => tagged.some((g) => param(g.at, p) !== undefined));
  const missing = links
    .filter((g) => sites.has(orgDomain(g.at.hostname)))
    .map((g) => ({ ...g, lacks: used.filter((p) => !param(g.at, p)) }))
    .filter((g) => g.lacks.length > 0);
  if (missing.length > 0) {
    out.push(
      make('link.utm-missing', missing, {
        title: `${plural(missing.length, 'link lacks', 'links lack')} UTM parameters the other links carry`,
        detail: `Other links to ${[...sites].join(', ')} carry ${used.join(', ')}; these do not, so visits from them land in your analytics as direct or referral traffic instead of this campaign.`,
        fix: `Add the same ${used.join(', ')} to every link to your own site, or let your sending platform add them to all links.`,
        evidence: evidence(missing, (c) => `no ${missing.find((m) => m.check === c)?.lacks.join(', ')}`),
      }),
    );
  }

  // Inconsistent: one email, one campaign: two values of the same parameter split its numbers.
  const differing = SHARED_UTM.map((p) => ({ p, values: [...new Set(tagged.map((g) => param(g.at, p)).filter((v): v is string => v !== undefined))] })).filter((x) => x.values.length > 1);
  if (differing.length > 0) {
    const involved = tagged.filter((g) => differing.some((d) => param(g.at, d.p) !== undefined));
    out.push(
      make('link.utm-inconsistent', involved, {
        title: `Links disagree on ${differing.map((d) => d.p).join(', ')}`,
        detail: `${differing.map((d) => `${d.p} has ${d.values.length} values (${d.values.map((v) => `"${shown(v)}"`).join(', ')})`).join('; ')}. Analytics counts each value as a separate source or campaign (and tells "Newsletter" from "newsletter"), so this email's results are split.`,
        fix: `Give every link in the email the same ${differing.map((d) => d.p).join(', ')}; tell links apart with utm_content instead.`,
        evidence: evidence(involved, (c) => {
          const at = utmUrl(c);
          return at ? differing.map((d) => `${d.p}=${param(at, d.p) ?? '(none)'}`).join(', ') : '';
        }),
      }),
    );
  }
  return out;
}

function slow(checks: readonly LinkCheck[]): LinkFinding[] {
  const groups = byUrl(checks.filter((c) => c.requested && !c.error && c.ms > SLOW_LINK_MS));
  if (groups.length === 0) return [];
  return [
    make('link.slow', groups, {
      title: `${plural(groups.length, 'link or image answers', 'links or images answer')} slowly`,
      detail: `These took over ${SLOW_LINK_MS / 1000} s to answer (all redirects included) from this machine: readers on mobile connections wait longer, and many leave before the page shows.`,
      fix: 'Check the server or the redirect chain behind each URL; link to the final page directly, and serve images from a CDN.',
      evidence: evidence(groups, (c) => `${(c.ms / 1000).toFixed(1)} s`),
    }),
  ];
}

function weight(checks: readonly LinkCheck[]): LinkFinding[] {
  const images = byUrl(checks.filter((c) => c.kind === 'image' && c.bytes !== undefined && !isBroken(c)));
  const out: LinkFinding[] = [];
  const size = (c: LinkCheck) => `${c.bytesAtLeast ? 'at least ' : ''}${bytesText(c.bytes ?? 0)}${c.width && c.height ? `, ${c.width}×${c.height} px` : ''}`;
  const heavy = images.filter((g) => (g.check.bytes ?? 0) > HEAVY_IMAGE_BYTES);
  if (heavy.length > 0) {
    out.push(
      make('image.heavy', heavy, {
        title: `${plural(heavy.length, 'image is', 'images are')} over ${bytesText(HEAVY_IMAGE_BYTES)}`,
        detail: `An image over ${bytesText(HEAVY_IMAGE_BYTES)} takes seconds to appear on a mobile connection (about 2.5 s at 1.6 Mbit/s) and eats readers' data plans; the email shows empty boxes until it arrives.`,
        fix: 'Export the image at the size it is shown (twice that for high-density screens), as JPEG or WebP for photos and PNG for flat graphics, and compress it.',
        evidence: evidence(heavy, size),
      }),
    );
  }
  // The same image shown twice is downloaded once.
  const total = images.reduce((sum, g) => sum + (g.check.bytes ?? 0), 0);
  if (total > HEAVY_TOTAL_BYTES) {
    const atLeast = images.some((g) => g.check.bytesAtLeast);
    out.push(
      make('image.total-weight', images, {
        title: `Images weigh ${atLeast ? 'at least ' : ''}${bytesText(total)} together`,
        detail: `The email's ${plural(images.length, 'image')} add up to ${atLeast ? 'at least ' : ''}${bytesText(total)}, over ${bytesText(HEAVY_TOTAL_BYTES)}: about 10 s or more to load on a 1.6 Mbit/s mobile connection.`,
        fix: 'Compress the heaviest images first (listed by weight), drop decorative ones, and keep the total under 2 MiB.',
        evidence: evidence([...images].sort((a, b) => (b.check.bytes ?? 0) - (a.check.bytes ?? 0)), size),
      }),
    );
  }
  return out;
}

function privateAddresses(checks: readonly LinkCheck[]): LinkFinding[] {
  const groups = byUrl(checks.filter((c) => c.reason === 'private'));
  if (groups.length === 0) return [];
  return [
    make('link.private', groups, {
      title: `${plural(groups.length, 'link or image points', 'links or images point')} to a private address`,
      detail: 'These point (or redirect) to a private, loopback, link-local or other non-public address, which readers cannot reach: on their own networks the address is someone else\'s machine or nothing. The check did not open them.',
      fix: 'Replace the address with the public host name of the page or image (a staging or local URL left in the email is the usual cause).',
      evidence: evidence(groups, (c) => `${c.requested ? `redirects to ${shown(c.finalUrl ?? '')}, ` : ''}${c.refused ? `${c.refused.address} (${c.refused.range})` : 'private address'}`),
    }),
  ];
}

/** The findings of a link check, one per kind of problem, in the order a designer fixes them. */
export function linkFindings(checks: LinkCheck[]): LinkFinding[] {
  return [
    ...broken(checks, 'link'),
    ...broken(checks, 'image'),
    ...privateAddresses(checks),
    ...tooManyRedirects(checks),
    ...insecure(checks),
    ...weight(checks),
    ...redirectChains(checks),
    ...slow(checks),
    ...utm(checks),
  ];
}
