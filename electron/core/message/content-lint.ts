/**
 * Content lint: the message body as a spam filter and a reader see it.
 *
 * The HTML is read by html-scan.ts (pure, one streaming pass); the optional blocklist lookups of
 * link domains, the one network use, are in link-domains.ts. This module reads the body's parts,
 * judges what the scan found and words the findings.
 */
import { parse as parseHost } from 'tldts';
import shortenersJson from '../../../resources/url-shorteners.json' with { type: 'json' };
import { finding } from '../audit/finding';
import type { Finding } from '../audit/types';
import type { DnsSession } from '../dns/session';
import { hostOf, MAX_LINKS, scanHtml, TEXT_WINDOW } from './html-scan';
import { bulkWhy, orgDomain } from './lint-common';
import type { BodyRead, ContentLintInput, ImageInfo, LintInput } from './lint-types';
import { listedLinkDomains } from './link-domains';
import { decodeLeaf, walkMime, type MimeLeaf } from './mime';
import type { ContentSummary, LinkInfo } from './types';
import { UNSUBSCRIBE_WORDS } from './unsubscribe-words';

/**
 * Gmail clips a message whose HTML is over about 102 KB as transferred and shows "[Message clipped]".
 *
 * Google does not publish the limit; senders measure it at 102 KB of the encoded HTML part, so we
 * warn just above 102,000 bytes.
 */
export const GMAIL_CLIP_BYTES = 102_000;

const SHORTENERS: ReadonlySet<string> = new Set((shortenersJson as { domains: string[] }).domains.map((d) => d.toLowerCase()));

// ---------------------------------------------------------------------------------------------
// MIME: the parts come from the message's single MIME walk (mime.ts), shared with analyze.ts.

/** The leaf parts of a MIME message with the byte range of each encoded body (see walkMime). */
export function mimeLeaves(raw: Buffer): MimeLeaf[] {
  return walkMime(raw).leaves;
}

// ---------------------------------------------------------------------------------------------
// Heuristics.

/** The host a link's visible text shows, when the text is (or contains) a URL or is a domain name. */
export function shownHost(text: string): string | null {
  const t = text.trim().replace(/^[(<[]+/, '').replace(/[)>\].,;:!?]+$/, '');
  const url = /\bhttps?:\/\/[^\s<>"']+/i.exec(t);
  if (url) return hostOf(url[0]);
  const bare = /^(?:www\.)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})(?::\d{1,5})?(?:[/?#]\S*)?$/i.exec(t);
  if (!bare) return null;
  const host = t.replace(/[:/?#].*$/, '').toLowerCase();
  // Only real public suffixes: "index.html" or "v2.0" are not domains.
  return parseHost(host).isIcann ? host : null;
}

function isShortener(host: string): boolean {
  const h = host.replace(/^www\./, '');
  return SHORTENERS.has(h) || SHORTENERS.has(orgDomain(h));
}

/**
 * Something that looks like a postal address (CAN-SPAM 15 U.S.C. §7704(a)(5)(A)(iii)).
 *
 * A heuristic with honest limits. It finds: a house number followed by a street word (US/UK
 * "123 Main Street", "10 Downing St"), a street word followed by a number (de/nl/fr/es/it/pt
 * "Hauptstraße 5", "Keizersgracht 123", "Calle Mayor 5", "Via Roma 10", "Rua Augusta 27", and French
 * "12 rue de la Paix"), a post-office box (PO Box, Postfach, BP, Apartado, Casella postale, Caixa
 * postal), a US state with ZIP code, a UK postcode, a Dutch postcode, a Portuguese postcode. It misses
 * addresses written in other conventions (Japan, most of Asia, one-line rural addresses) and
 * addresses inside images; and any number next to a word like "Way" or "Place" counts, so it can
 * be fooled. Because the finding is raised only when nothing is found, loose patterns err towards
 * silence: a reported finding is usually right, a missing finding proves nothing.
 */
const STREET_WORDS =
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Parkway|Pkwy|Highway|Hwy|Square|Sq|Terrace|Circle|Cir|Suite|Ste|Floor|Crescent|Close|Gardens|Mews|Row|Walk|Hill';
const POSTAL_PATTERNS: readonly RegExp[] = [
  // "123 Main Street", "10 Downing St": street names are capitalised, so "3 million people in our court" is not one.
  new RegExp(`\\b\\d{1,6}[A-Za-z]?\\s+(?:[A-Z0-9][\\w.'-]*\\s+){0,4}(?:${STREET_WORDS})\\b`),
  new RegExp(`\\b\\d{1,6}[A-Z]?\\s+(?:[A-Z0-9][A-Z0-9.'-]*\\s+){0,4}(?:${STREET_WORDS.toUpperCase()})\\b`),
  // "Hauptstraße 5", "Feldweg 12", "Keizersgracht 123", "Kurfürstendamm 21".
  /\b\p{L}*(?:stra(?:ß|ss)e|str\.|weg|gasse|platz|allee|damm|straat|laan|plein|gracht|kade|singel|steeg)\s*\d{1,5}\s?[a-z]?\b/iu,
  // "Calle Mayor 5", "Via Roma 10", "Rua Augusta 27", "Piazza della Signoria 5".
  /\b(?:Calle|C\/|Avenida|Avda\.?|Plaza|Paseo|Camino|Carrer|Via|Viale|Piazza|Corso|Largo|Vicolo|Rua|Travessa|Praça|Alameda|Estrada)\s+(?:\p{Lu}[\p{L}.'-]*,?\s+|(?:de|del|de la|della|delle|dei|di|do|da|dos|das)\s+){1,5}\d{1,5}\b/u,
  // "12 rue de la Paix", "5 bis, avenue Foch".
  /\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|chemin|all[ée]e|impasse|quai|cours|route)\s/i,
  // Post-office boxes in en, de, fr, es, it, pt, nl.
  /\b(?:p\.?\s?o\.?\s*box|post\s+office\s+box|postfach|bo[iî]te\s+postale|b\.p\.|apartado(?:\s+de\s+correos)?|casella\s+postale|caixa\s+postal|postbus)\s+\d+/i,
  // A US state and ZIP code: "Springfield, IL 62701".
  /\b(?:A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[DLNA]|K[SY]|LA|M[EDAINSOT]|N[EVHJMYCD]|O[HKR]|PA|RI|S[CD]|T[NX]|UT|V[TA]|W[AVIY]|PR)\s+\d{5}(?:-\d{4})?\b/,
  // A UK postcode: "SW1A 1AA", "M1 1AE".
  /\b(?:GIR\s?0AA|[A-PR-UWYZ](?:\d[\dA-HJKPSTUW]?|[A-HK-Y]\d[\dABEHMNPRVWXY]?)\s?\d[ABD-HJLNP-UW-Z]{2})\b/,
  // A Dutch postcode with a city: "1012 AB Amsterdam".
  /\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\s+\p{Lu}\p{L}+/u,
  // A Portuguese postcode with a city: "1100-148 Lisboa".
  /\b\d{4}-\d{3}\s+\p{Lu}\p{L}+/u,
];

export function looksLikePostalAddress(text: string): boolean {
  return POSTAL_PATTERNS.some((re) => re.test(text));
}

/** A remote image (fetched when displayed): http(s) or protocol-relative. */
const isRemote = (src: string) => /^(?:https?:)?\/\//i.test(src);

function sizeOf(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number.parseFloat(v);
  return Number.isFinite(n) ? n : null;
}

/** An image as the content summary lists it: without the scan's own `hidden` flag. */
function publicImage(img: ImageInfo): Omit<ImageInfo, 'hidden'> {
  const out: Omit<ImageInfo, 'hidden'> = { src: img.src, alt: img.alt };
  if (img.width !== undefined) out.width = img.width;
  if (img.height !== undefined) out.height = img.height;
  return out;
}

function isTrackingPixel(img: ImageInfo): boolean {
  if (!isRemote(img.src)) return false;
  const w = sizeOf(img.width);
  const h = sizeOf(img.height);
  if (w === 0 || h === 0 || img.hidden) return true;
  return w !== null && h !== null && w <= 1 && h <= 1;
}

/**
 * Image-heavy: at least one content image and little text around it.
 *
 * Our measure: under 500 visible characters in all (a message that is essentially a picture), or
 * under 100 visible characters per content image (tracking pixels excluded). Filters judge the
 * text-to-image balance because spam hides its words in pictures where text filters cannot read
 * them; the common advice is at least 60 % text, which these numbers approximate without knowing
 * rendered image areas.
 */
export const IMAGE_HEAVY_MIN_TEXT = 500;
export const IMAGE_HEAVY_TEXT_PER_IMAGE = 100;

function listSome(items: readonly string[], n = 5): string {
  return items.slice(0, n).join(', ') + (items.length > n ? ` and ${items.length - n} more` : '');
}

// ---------------------------------------------------------------------------------------------

const empty = (): ContentSummary => ({ textPart: false, htmlPart: false, htmlTransferBytes: 0, links: [], images: [], attachments: [] });

/** Reads the body of a message for the content checks (see BodyRead). */
export function readBody(input: Pick<LintInput, 'parsed' | 'raw'>): BodyRead {
  const parsed = input.parsed;
  // The leaves index into the bytes they were found in; other bytes (a caller's stand-in) get a walk of their own.
  const shared = parsed.source === input.raw;
  const leaves = shared ? parsed.leaves : mimeLeaves(input.raw);
  // The message's own body: not attachments, not the parts of a forwarded message inside it.
  const bodyLeaves = leaves.filter((l) => l.disposition !== 'attachment' && !l.embedded);
  const textLeaf = bodyLeaves.find((l) => l.type === 'text/plain');
  // The largest inline HTML part is the one a reader gets (alternatives carry one HTML part as a rule).
  const htmlLeaf = bodyLeaves.filter((l) => l.type === 'text/html').reduce<MimeLeaf | null>((a, b) => (a && a.end - a.start >= b.end - b.start ? a : b), null);
  const parsedHtml = typeof parsed.html === 'string' ? parsed.html : null;
  // Without an HTML part of its own (only a forwarded message's, or a broken structure) fall back to the parsed HTML.
  const html = htmlLeaf ? ((shared ? parsed.decoded.get(htmlLeaf) : undefined) ?? decodeLeaf(input.raw, htmlLeaf)) : parsedHtml;
  const textPart = textLeaf !== undefined;
  const scan = html ? scanHtml(html) : { links: [], images: [], visibleChars: 0, visibleText: '' };
  // Plain-text links count too (a text-only message has no anchors).
  const plain = textPart && typeof parsed.text === 'string' ? parsed.text : '';
  let words: string | undefined;
  let postal: boolean | undefined;
  let unsubscribe: boolean | undefined;
  const read: BodyRead = {
    textPart,
    htmlLeaf,
    html,
    parsedHtml,
    htmlTransferBytes: htmlLeaf ? htmlLeaf.end - htmlLeaf.start : html ? Buffer.byteLength(html) : 0,
    plain,
    scan,
    pixels: scan.images.filter(isTrackingPixel),
    get unsubscribeLink() {
      return (unsubscribe ??=
        scan.links.some((l) => UNSUBSCRIBE_WORDS.test(l.text) || UNSUBSCRIBE_WORDS.test(l.href)) ||
        // Bounded: an unbounded \S* backtracks quadratically over a long run of URLs without a space.
        (plain !== '' && /\bhttps?:\/\/\S{0,300}?(?:unsubscri|opt-?out)/i.test(plain)));
    },
    get words() {
      return (words ??= `${scan.visibleText}\n${plain.slice(0, TEXT_WINDOW)}\n${plain.slice(-TEXT_WINDOW)}`);
    },
    postalAddress: () => (postal ??= looksLikePostalAddress(read.words)),
  };
  return read;
}

/** Content lint findings (content.* codes) and the content summary for one message. */
export async function lintContent(input: ContentLintInput, dns?: DnsSession): Promise<{ findings: Finding[]; content: ContentSummary }> {
  if (input.headersOnly) return { findings: [], content: empty() };
  const findings: Finding[] = [];
  const parsed = input.parsed;
  const body = input.body ?? readBody(input);
  const { htmlLeaf, html, parsedHtml, htmlTransferBytes, textPart, scan, plain, pixels } = body;

  const content: ContentSummary = {
    textPart,
    htmlPart: html !== null,
    htmlTransferBytes,
    ...(parsedHtml !== null ? { html: parsedHtml } : html !== null ? { html } : {}),
    ...(textPart && typeof parsed.text === 'string' ? { text: parsed.text } : {}),
    links: scan.links,
    // Built field by field in the scan's order (src, alt, width, height): an object rest costs a slow copy per image.
    images: scan.images.map(publicImage),
    attachments: (parsed.attachments ?? []).slice(0, 500).map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
  };

  if (html !== null && !textPart) {
    findings.push(
      finding('content.no-text-part', {
        title: 'HTML without a plain-text part',
        detail:
          'The message has an HTML body but no text/plain alternative. Spam filters (SpamAssassin MIME_HTML_ONLY, and others) score HTML-only mail, and text-only readers, watches and some accessibility tools show nothing useful.',
        fix: 'Send multipart/alternative with a text/plain part first and the text/html part second (RFC 2046 §5.1.4); most sending libraries generate the text from the HTML (nodemailer: text, or html-to-text).',
        refs: ['RFC 2046 §5.1.4'],
      }),
    );
  }

  if (htmlTransferBytes > GMAIL_CLIP_BYTES) {
    findings.push(
      finding('content.gmail-clipping', {
        title: `HTML part is ${Math.round(htmlTransferBytes / 1024)} KB as transferred: Gmail clips it`,
        detail: `The HTML part is ${htmlTransferBytes.toLocaleString('en-US')} bytes as sent${htmlLeaf ? ` (${htmlLeaf.encoding} encoded)` : ''}. Gmail cuts messages whose HTML is over about 102 KB and shows "[Message clipped] View entire message": everything after the cut, usually the unsubscribe link and postal address, is hidden, and the open-tracking pixel at the end never loads.`,
        fix: 'Bring the HTML part under 100 KB: remove inline CSS repeated on every element (keep one <style> block), comments and unused markup, minify, and avoid quoted-printable blow-up of non-ASCII text by sending the HTML as 8bit or base64 only when smaller. Move long content to a web page and link to it.',
        evidence: `${htmlTransferBytes} bytes > ${GMAIL_CLIP_BYTES}`,
        refs: ['RFC 2045 §6.7', 'RFC 2045 §6.8'],
      }),
    );
  }

  const contentImages = scan.images.filter((i) => !isTrackingPixel(i));
  const noAlt = contentImages.filter((i) => i.alt === null);
  if (noAlt.length > 0) {
    findings.push(
      finding('content.img-no-alt', {
        title: `${noAlt.length} image${noAlt.length === 1 ? '' : 's'} without alt text`,
        detail: `${noAlt.length} of ${contentImages.length} images have no alt attribute. Most mail apps block images until the reader allows them, so these show as empty boxes, and screen readers read out the file name or nothing.`,
        fix: 'Give every image an alt attribute describing it, e.g. <img src="..." alt="Spring sale: 20% off all shoes">, and alt="" for purely decorative images (spacers, borders).',
        evidence: listSome(noAlt.map((i) => i.src.slice(0, 120) || '(no src)')),
        refs: ['WCAG 2.2 SC 1.1.1', 'HTML Living Standard §4.8.4.4'],
      }),
    );
  }

  if (contentImages.length > 0 && (scan.visibleChars < IMAGE_HEAVY_MIN_TEXT || scan.visibleChars / contentImages.length < IMAGE_HEAVY_TEXT_PER_IMAGE)) {
    findings.push(
      finding('content.image-heavy', {
        title: `${contentImages.length} image${contentImages.length === 1 ? '' : 's'} and ${scan.visibleChars} characters of text`,
        detail: `The HTML shows ${scan.visibleChars} characters of visible text for ${contentImages.length} image${contentImages.length === 1 ? '' : 's'} (${Math.round(scan.visibleChars / contentImages.length)} per image). We flag under ${IMAGE_HEAVY_MIN_TEXT} characters in all or under ${IMAGE_HEAVY_TEXT_PER_IMAGE} per image. Spam hides its words in pictures where text filters cannot read them, so filters distrust mail that is mostly images; with images blocked, readers see almost nothing.`,
        fix: 'Put the message in live HTML text, keep images for illustration (aim for at least 60% text), and never send a single big image as the whole message.',
      }),
    );
  }

  const webLinks = scan.links.filter((l) => l.domain !== null);
  const mismatched = webLinks
    .map((l) => ({ link: l, shown: shownHost(l.text) }))
    .filter((x): x is { link: LinkInfo; shown: string } => x.shown !== null && orgDomain(x.shown) !== orgDomain(x.link.domain as string));
  if (mismatched.length > 0) {
    const first = mismatched[0] as (typeof mismatched)[number];
    findings.push(
      finding('content.link-mismatch', {
        title: `Link text shows ${first.shown} but goes to ${first.link.domain}`,
        detail: `${mismatched.length} link${mismatched.length === 1 ? ' shows' : 's show'} one domain in the text and lead${mismatched.length === 1 ? 's' : ''} to another: ${listSome(mismatched.map((m) => `"${m.link.text.slice(0, 60)}" → ${m.link.domain}`), 3)}. This is the classic phishing pattern, and filters (SpamAssassin, Microsoft, Gmail) score it heavily. Click tracking by an email service provider often causes it innocently, by rewriting every link through its own domain.`,
        fix: 'Make the visible text describe the destination without showing a URL ("View your order"), or show the exact URL the link goes to. If your ESP rewrites links for click tracking, set up a branded tracking domain under your own domain (e.g. click.yourdomain.example), or turn tracking off for links whose text is a URL.',
        evidence: listSome(mismatched.map((m) => `<a href="${m.link.href.slice(0, 150)}">${m.link.text.slice(0, 80)}</a>`), 3),
      }),
    );
  }

  const plainUrls = (plain.match(/\bhttps?:\/\/[^\s<>"')\]]+/gi) ?? []).slice(0, MAX_LINKS);
  const allHrefs = [...webLinks.map((l) => l.href), ...plainUrls];
  // An anchor's host was found when it was scanned (LinkInfo.domain is hostOf(href)); only the plain-text URLs are new.
  const hosts = [...webLinks.map((l) => l.domain), ...plainUrls.map(hostOf)];
  // Links repeat their host (every product link on one shop domain): judge each host once per message.
  const shortenerHosts = new Map<string, boolean>();
  const viaShortener = (host: string) => {
    let known = shortenerHosts.get(host);
    if (known === undefined) shortenerHosts.set(host, (known = isShortener(host)));
    return known;
  };
  const shortened = [...new Set(allHrefs.filter((_, i) => { const host = hosts[i]; return host !== null && host !== undefined && viaShortener(host); }))];
  if (shortened.length > 0) {
    findings.push(
      finding('content.url-shortener', {
        title: `${shortened.length} link${shortened.length === 1 ? '' : 's'} through a public URL shortener`,
        detail: `Links through public shorteners (${listSome([...new Set(shortened.map((h) => hostOf(h) as string))])}) hide where they go; spammers use them for that, so domain blocklists list abused shorteners (Spamhaus DBL 127.0.1.103) and filters score them. One spammer's abuse of the same shortener can land your mail in spam.`,
        fix: 'Link to the full destination URL on your own domain, or use a branded short domain that only you control (e.g. go.yourdomain.example).',
        evidence: listSome(shortened.map((h) => h.slice(0, 120))),
        refs: ['https://www.spamhaus.org/blocklists/domain-blocklist/'],
      }),
    );
  }

  const http = [...new Set(allHrefs.filter((h) => /^http:\/\//i.test(h.trim())))];
  if (http.length > 0) {
    findings.push(
      finding('content.http-link', {
        title: `${http.length} link${http.length === 1 ? '' : 's'} over plain http`,
        detail: `${http.length} link${http.length === 1 ? ' uses' : 's use'} http: instead of https:. Browsers warn on such pages, anyone on the reader's network can read or change what is sent, and some filters score unencrypted links.`,
        fix: `Serve the pages over HTTPS and change the links to https:, e.g. ${(http[0] ?? '').replace(/^http:/i, 'https:').slice(0, 150)}`,
        evidence: listSome(http.map((h) => h.slice(0, 120))),
        refs: ['RFC 9110 §4.2.2'],
      }),
    );
  }

  if (pixels.length > 0) {
    findings.push(
      finding('content.tracking-pixel', {
        title: `${pixels.length} tracking pixel${pixels.length === 1 ? '' : 's'}`,
        detail: `${pixels.length} remote image${pixels.length === 1 ? ' is' : 's are'} 1x1, zero-sized or hidden: open-tracking beacons that report when and where the message is opened. Normal for marketing mail; Apple Mail Privacy Protection and image proxies make their numbers unreliable, and privacy-minded readers block them.`,
        fix: 'Nothing required. If you do not use open rates, turn open tracking off in your sending platform; disclose tracking in your privacy policy (GDPR/ePrivacy).',
        evidence: listSome(pixels.map((p) => p.src.slice(0, 120))),
      }),
    );
  }

  if (input.summary.bulk) {
    // The links first: short strings, and where the unsubscribe offer nearly always is; the whole text only without one.
    const hasUnsub = body.unsubscribeLink || UNSUBSCRIBE_WORDS.test(body.words);
    if (!hasUnsub) {
      findings.push(
        finding('content.no-unsubscribe-link', {
          title: 'No unsubscribe link in the body',
          detail: `The message looks like bulk or marketing mail (${bulkWhy(input)}), but its body has no link or text offering to unsubscribe, opt out or manage preferences (searched in English, German, French, Spanish, Dutch, Italian and Portuguese). Gmail requires bulk senders to show a clearly visible unsubscribe link in the body besides the List-Unsubscribe header; CAN-SPAM and GDPR require an easy opt-out. Readers who cannot find one press "Report spam".`,
          fix: `Add a visible link in the footer of every marketing message, e.g. <a href="https://${input.summary.fromDomain ?? 'example.com'}/unsubscribe?u=RECIPIENT_TOKEN">Unsubscribe</a>, that unsubscribes in one step without login.`,
          refs: ['RFC 8058 §1', '15 U.S.C. §7704(a)(3)', 'https://support.google.com/a/answer/81126'],
        }),
      );
    }
    if (!body.postalAddress()) {
      findings.push(
        finding('content.no-postal-address', {
          title: 'No postal address found in the body',
          detail:
            `The message looks like commercial bulk mail (${bulkWhy(input)}), but no postal address was found in its text. CAN-SPAM requires a valid physical postal address (a street address or a registered PO box) in every commercial message; many EU laws require the sender's identity and address (imprint). Our search is a heuristic for US, UK and European address formats: an address in an image or another format is not recognised.`,
          fix: 'Add your company name and postal address to the footer as text, e.g. "Example Ltd, 123 Main Street, Springfield, IL 62701, USA".',
          refs: ['15 U.S.C. §7704(a)(5)(A)(iii)'],
        }),
      );
    }
  }

  if (input.checkLinkDomains && dns) findings.push(...(await listedLinkDomains(webLinks, dns, input.spamhausDqsKey)));

  return { findings, content };
}
