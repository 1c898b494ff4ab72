/**
 * Content lint: the message body as a spam filter and a reader see it.
 *
 * The HTML is read with htmlparser2's tokenizer (no DOM, no element stack, so 10 MB of nested tags
 * costs time linear in its size and little memory). Links are only parsed as strings: nothing here
 * ever opens, fetches or resolves a URL. The one network use is optional: link domains looked up on
 * the domain blocklists through the caller's DNS session, as the audit's DNSBL check does.
 */
import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { Tokenizer } from 'htmlparser2';
import { parse as parseHost } from 'tldts';
import shortenersJson from '../../../resources/url-shorteners.json' with { type: 'json' };
import { DNSBL_LISTS, interpretAnswer, queryZone, type DnsblList } from '../audit/dnsbl';
import { runPool } from '../../shared/pool';
import { finding } from '../audit/finding';
import type { Finding } from '../audit/types';
import { DnsError, type DnsSession } from '../dns/session';
import { bulkWhy, orgDomain } from './header-lint';
import type { BodyRead, HtmlScan, ImageInfo, LintInput } from './lint-types';
import { decodeLeaf, isHex, walkMime, type MimeLeaf } from './mime';
import type { ContentSummary, LinkInfo } from './types';

/**
 * Gmail clips a message whose HTML is over about 102 KB as transferred and shows "[Message clipped]".
 *
 * Google does not publish the limit; senders measure it at 102 KB of the encoded HTML part, so we
 * warn just above 102,000 bytes.
 */
export const GMAIL_CLIP_BYTES = 102_000;
/** Links and images kept in the summary: a hostile message with a million links stays small. */
export const MAX_LINKS = 2000;
export const MAX_IMAGES = 2000;
/** Distinct link domains looked up on blocklists, and queries in flight at once. */
export const MAX_LISTED_DOMAINS = 40;
const DNS_CONCURRENCY = 8;
/** Visible text searched for unsubscribe words and addresses: the start and the end (footers live there). */
const TEXT_WINDOW = 256 * 1024;
/** Link text kept per link: enough to find a URL shown after a long sentence. */
const ANCHOR_TEXT = 2048;
/** Of an attribute value read: the raw text, and what is kept once references are decoded. */
const ATTRIBUTE_RAW = 1024 * 1024;
const ATTRIBUTE_VALUE = 64 * 1024;

const SHORTENERS: ReadonlySet<string> = new Set((shortenersJson as { domains: string[] }).domains.map((d) => d.toLowerCase()));

// ---------------------------------------------------------------------------------------------
// MIME: the parts come from the message's single MIME walk (mime.ts), shared with analyze.ts.

/** The leaf parts of a MIME message with the byte range of each encoded body (see walkMime). */
export function mimeLeaves(raw: Buffer): MimeLeaf[] {
  return walkMime(raw).leaves;
}

// ---------------------------------------------------------------------------------------------
// HTML: links, images and visible text, in one streaming pass.

const NOT_RENDERED = new Set(['script', 'style', 'head', 'title', 'template', 'xml']);
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const SELF_CLOSING_SIBLINGS = new Set(['p', 'li', 'td', 'th', 'tr', 'option', 'dt', 'dd']);
/** Elements the tokenizer reads as raw text, character references left as they are; <title> and <textarea> do decode. */
const RAW_TEXT: ReadonlySet<string> = new Set(['script', 'style', 'iframe', 'noembed', 'noframes', 'xmp', 'plaintext']);
const BLOCK = new Set(['p', 'div', 'td', 'th', 'tr', 'li', 'ul', 'ol', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'section', 'header', 'footer', 'center']);

function isHiddenStyle(style: string | undefined): boolean {
  if (!style) return false;
  return /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden|(?:max-)?(?:width|height)\s*:\s*0(?:px)?\s*(?:!important)?\s*(?:;|$))/i.test(style);
}

function styleSize(style: string | undefined, prop: 'width' | 'height'): string | undefined {
  if (!style) return undefined;
  const m = new RegExp(`(?:^|;)\\s*${prop}\\s*:\\s*(\\d+(?:\\.\\d+)?)\\s*px`, 'i').exec(style);
  return m?.[1];
}

/** A letter, digit or hyphen: what a host label is made of (RFC 1123 §2.1). */
const isHostChar = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;

/**
 * The host of the plain form most links have, "https://shop.example/...", as the WHATWG URL parser
 * would take it: LDH labels, an optional trailing dot, an optional port up to 65535, then "/", "?",
 * "#" or the end. Undefined for anything else (credentials, IP literals and numeric last labels,
 * punycode, percent signs, backslashes), which new URL() reads.
 * `from` is where the host starts, after "//".
 */
function plainHost(h: string, from: number): string | undefined {
  const n = h.length;
  let i = from;
  let labelStart = i;
  for (;;) {
    while (i < n && isHostChar(h.charCodeAt(i))) i++;
    // Every label has at least one character.
    if (i === labelStart) return undefined;
    if (i < n && h.charCodeAt(i) === 0x2e && i + 1 < n && isHostChar(h.charCodeAt(i + 1))) {
      labelStart = ++i;
      continue;
    }
    break;
  }
  const host = h.slice(from, i);
  // A numeric last label makes the whole host an IPv4 address to a URL parser (WHATWG URL §3.5).
  let numeric = true;
  let hex = i - labelStart >= 2 && h.charCodeAt(labelStart) === 0x30 && (h.charCodeAt(labelStart + 1) | 0x20) === 0x78;
  for (let k = labelStart; k < i && (numeric || hex); k++) {
    const c = h.charCodeAt(k);
    if (c < 0x30 || c > 0x39) numeric = false;
    if (k >= labelStart + 2 && !isHex(c)) hex = false;
  }
  if (numeric || hex) return undefined;
  if (i < n && h.charCodeAt(i) === 0x2e) i++;
  if (i < n && h.charCodeAt(i) === 0x3a) {
    const digits = ++i;
    while (i < n && i - digits < 6 && h.charCodeAt(i) >= 0x30 && h.charCodeAt(i) <= 0x39) i++;
    if (i === digits || i - digits > 5 || Number(h.slice(digits, i)) > 65535) return undefined;
  }
  if (i < n) {
    const c = h.charCodeAt(i);
    if (c !== 0x2f && c !== 0x3f && c !== 0x23) return undefined;
  }
  const lower = host.toLowerCase();
  return lower.includes('xn--') ? undefined : lower;
}

/** Where the host of an http(s) or protocol-relative URL starts, after its "//"; -1 for any other. */
function hostStart(h: string): number {
  if (h.startsWith('//')) return 2;
  const c = h.charCodeAt(4);
  const afterScheme = c === 0x3a ? 5 : (c | 0x20) === 0x73 && h.charCodeAt(5) === 0x3a ? 6 : -1;
  if (afterScheme < 0 || h.slice(0, 4).toLowerCase() !== 'http') return -1;
  return h.startsWith('//', afterScheme) ? afterScheme + 2 : -1;
}

/** The host of an http(s) or protocol-relative URL, or null (mailto:, javascript:, cid:, junk). */
export function hostOf(href: string): string | null {
  const h = href.trim();
  const start = hostStart(h);
  if (start < 0) return null;
  // new URL() costs a microsecond; a newsletter has hundreds of links, nearly all of the plain form.
  const plain = plainHost(h, start);
  if (plain !== undefined) return plain;
  try {
    const url = new URL(h.startsWith('//') ? `https:${h}` : h);
    return url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase() || null;
  } catch {
    return null;
  }
}

/** The attributes of one tag that scanHtml reads (see READ_ATTRIBUTES): one fixed shape, no dictionary. */
class Attributes {
  href: string | undefined = undefined;
  src: string | undefined = undefined;
  alt: string | undefined = undefined;
  width: string | undefined = undefined;
  height: string | undefined = undefined;
  style: string | undefined = undefined;
  hidden: string | undefined = undefined;
}

const NO_ATTRIBS: Attributes = Object.freeze(new Attributes());

/** A tag or attribute name, lower-cased; names are short, and most are lower case already. */
function lowerName(html: string, start: number, end: number): string {
  const name = html.slice(start, Math.min(end, start + 64));
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return name.toLowerCase();
  }
  return name;
}

/** The attributes scanHtml reads; the others are never stored (they cost an object and a string each). */
const READ_ATTRIBUTES: ReadonlySet<string> = new Set<keyof Attributes>(['href', 'src', 'alt', 'width', 'height', 'style', 'hidden']);

/**
 * White space as a browser collapses it: every run of it one space.
 *
 * Equivalent to `replace(/\s+/g, ' ')`, but single spaces (most of them: one between every two
 * words) are no match, so long text is not rebuilt piece by piece.
 */
const collapseSpace = (text: string) => (text === '\n' ? ' ' : text.replace(/\s{2,}|[^\S ]/g, ' '));

/**
 * Links, images and visible text of an HTML document, in one pass over htmlparser2's tokenizer.
 *
 * Not htmlparser2's Parser: it keeps open elements in an array it grows with unshift(), which makes
 * deeply nested input quadratic (measured: 2 million nested divs did not finish in 5 minutes). We
 * need no tree, only whether we are inside a hidden element or a link, so nesting is tracked by
 * counting same-named elements: linear in the input, constant memory.
 *
 * The tokenizer runs without entity decoding, which lets it jump from one "<" or quote to the next
 * instead of stepping through every character of text and attribute values (a third of the time on
 * a newsletter). Character references are decoded afterwards, by the same decoder (the entities
 * package) in the same modes the tokenizer would use: legacy mode in text and in <title> and
 * <textarea>, attribute mode in attribute values, none in raw-text elements such as <script>.
 */
export function scanHtml(html: string): HtmlScan {
  const links: LinkInfo[] = [];
  const images: ImageInfo[] = [];
  /** The outermost element whose content is not shown, and how many same-named elements opened inside it. */
  let hidden: { name: string; nested: number } | null = null;
  let anchor: { href: string; text: string } | null = null;
  let visibleChars = 0;
  let head = '';
  let tail = '';
  let pendingSpace = false;
  let tag = '';
  /** Shared until a tag has attributes: most tags in hostile input have none, and each object costs. */
  let attribs: Attributes = NO_ATTRIBS;
  let attribName = '';
  let attribValue = '';
  /** Inside an element whose text the tokenizer keeps raw (HTML §13.1.2.1): no character references there. */
  let rawText = false;

  const closeAnchor = () => {
    if (anchor && links.length < MAX_LINKS) {
      const text = collapseSpace(anchor.text).trim();
      links.push({ href: anchor.href, text, domain: hostOf(anchor.href) });
    }
    anchor = null;
  };

  const text = (data: string) => {
    if (hidden) return;
    if (anchor && anchor.text.length < ANCHOR_TEXT) anchor.text += data.slice(0, ANCHOR_TEXT - anchor.text.length);
    // Collapse white space as a browser does, counting what a reader sees.
    const words = collapseSpace(data);
    const core = words.trim();
    if (core === '') {
      if (words !== '') pendingSpace = true;
      return;
    }
    const chunk = (visibleChars > 0 && (pendingSpace || words.startsWith(' ')) ? ' ' : '') + core;
    pendingSpace = words.endsWith(' ');
    visibleChars += chunk.length;
    if (head.length < TEXT_WINDOW) {
      head += chunk;
      // The window ends where it ends, whatever the size of the run of text that crosses it.
      if (head.length > TEXT_WINDOW) {
        tail = head.slice(TEXT_WINDOW);
        head = head.slice(0, TEXT_WINDOW);
      }
    } else {
      tail += chunk;
      if (tail.length > 2 * TEXT_WINDOW) tail = tail.slice(-TEXT_WINDOW);
    }
  };

  const close = (name: string) => {
    if (name === 'a') closeAnchor();
    if (hidden && name === hidden.name) {
      if (hidden.nested === 0) hidden = null;
      else hidden.nested--;
    }
    if (BLOCK.has(name)) pendingSpace = true;
  };

  const open = (name: string, a: Attributes) => {
    if (hidden && name === hidden.name) {
      // <p>, <li>, <td> and <tr> close an open one of their kind rather than nest (HTML §13.2.6.4.7).
      if (SELF_CLOSING_SIBLINGS.has(name)) close(name);
      else hidden.nested++;
    }
    if (name === 'body' && hidden?.name === 'head') hidden = null;
    if (!hidden && !VOID.has(name) && (NOT_RENDERED.has(name) || isHiddenStyle(a.style) || a.hidden !== undefined)) hidden = { name, nested: 0 };
    if (name === 'a') {
      closeAnchor();
      if (a.href !== undefined) anchor = { href: a.href.trim().slice(0, 2048), text: '' };
    } else if (name === 'img' && images.length < MAX_IMAGES) {
      const width = a.width ?? styleSize(a.style, 'width');
      const height = a.height ?? styleSize(a.style, 'height');
      images.push({
        src: (a.src ?? '').trim().slice(0, 2048),
        alt: a.alt === undefined ? null : a.alt.slice(0, 4096),
        ...(width !== undefined ? { width } : {}),
        ...(height !== undefined ? { height } : {}),
        hidden: hidden !== null || isHiddenStyle(a.style) || a.hidden !== undefined,
      });
    }
    // A br, an image or a block boundary separates words as a space would.
    if (VOID.has(name) || BLOCK.has(name)) pendingSpace = true;
  };

  const endOpenTag = () => {
    if (tag) open(tag, attribs);
    rawText = RAW_TEXT.has(tag);
    tag = '';
    attribs = NO_ATTRIBS;
  };

  const tokenizer = new Tokenizer(
    { decodeEntities: false },
    {
      onopentagname(start, end) {
        tag = lowerName(html, start, end);
        attribs = NO_ATTRIBS;
      },
      onattribname(start, end) {
        const name = lowerName(html, start, end);
        // An attribute nothing reads is skipped with its value (class, id, bgcolor, data-*, ...).
        attribName = READ_ATTRIBUTES.has(name) ? name : '';
        attribValue = '';
      },
      onattribdata(start, end) {
        if (attribName && attribValue.length < ATTRIBUTE_RAW) attribValue += html.slice(start, Math.min(end, start + ATTRIBUTE_RAW));
      },
      onattribentity() {},
      onattribend() {
        if (attribName) {
          if (attribs === NO_ATTRIBS) attribs = new Attributes();
          const key = attribName as keyof Attributes;
          // The first of duplicate attributes wins, as in browsers (a value, once set, is a string).
          // Capped once decoded: padding made of references (&#32; a thousand times) cannot push
          // a "display:none" past the cap any sooner than plain characters can.
          if (attribs[key] === undefined) attribs[key] = (attribValue.includes('&') ? decodeHTMLAttribute(attribValue) : attribValue).slice(0, ATTRIBUTE_VALUE);
        }
        attribValue = '';
      },
      onopentagend: endOpenTag,
      // HTML ignores the "/" of <div/>: the element stays open (void elements close anyway).
      onselfclosingtag: endOpenTag,
      onclosetag(start, end) {
        // A raw-text element ends only at its own end tag, the first close tag the tokenizer reports.
        rawText = false;
        const name = lowerName(html, start, end);
        if (!VOID.has(name)) close(name);
      },
      ontext(start, end) {
        const data = html.slice(start, end);
        text(rawText || !data.includes('&') ? data : decodeHTML(data));
      },
      ontextentity() {},
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onprocessinginstruction() {},
      onend() {
        closeAnchor();
      },
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  const visibleText = tail ? `${head} … ${tail.slice(-TEXT_WINDOW)}` : head;
  return { links, images, visibleChars, visibleText };
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
 * Words that offer a way out of a list, in en, de, fr, es, nl, it, pt.
 *
 * Matched on visible text, link text and link targets; accents optional where senders often drop them.
 */
const UNSUBSCRIBE_WORDS =
  /unsubscri|opt[\s-]?out|manage\s+(?:your\s+)?(?:e-?mail\s+|subscription\s+|notification\s+)?(?:preferences|subscriptions?)|e-?mail\s+preferences|update\s+(?:your\s+)?preferences|abmeld|abbestell|austragen|newsletter\s+k[üu]ndigen|d[ée]sabonn|d[ée]sinscri|se\s+d[ée]sinscrire|darse\s+de\s+baja|dar(?:te)?\s+de\s+baja|date\s+de\s+baja|cancelar\s+(?:la\s+)?suscripci[óo]n|afmeld|uitschrijv|disiscriv|cancella(?:re)?\s+(?:l'|la\s+)?iscrizione|annulla(?:re)?\s+(?:l'|la\s+)?iscrizione|descadastr|cancelar\s+(?:a\s+)?(?:inscri[çc][ãa]o|assinatura)|optout|list-unsubscribe/i;

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
// Blocklists for link domains.

interface DomainListing {
  domain: string;
  list: DnsblList;
  codes: string[];
  meanings: string[];
}

async function listedDomains(domains: readonly string[], dns: DnsSession): Promise<DomainListing[]> {
  const lists = DNSBL_LISTS.filter((l) => l.type === 'domain');
  const queries = domains.flatMap((domain) => lists.map((list) => ({ domain, list })));
  const { results } = await runPool(queries, DNS_CONCURRENCY, async ({ domain, list }): Promise<DomainListing | null> => {
    try {
      const answer = (await dns.resolve(`${domain}.${queryZone(list)}`, 'A')) as unknown;
      const addresses = Array.isArray(answer) ? answer.filter((x): x is string => typeof x === 'string') : [];
      const verdict = interpretAnswer(list, addresses);
      // A refusal (public resolver, over quota) is an unknown result, never a listing.
      return verdict.listed ? { domain, list, codes: verdict.codes, meanings: verdict.meanings } : null;
    } catch (err) {
      // NXDOMAIN is "not listed" (RFC 5782 §2.1); timeouts and failures are unknown: not listed either.
      if (err instanceof DnsError) return null;
      throw err;
    }
  });
  return results.filter((r): r is DomainListing => r !== null);
}

/** A name we may put in front of a blocklist zone: a registrable domain, not an IP literal. */
function queryableDomain(host: string): string | null {
  const info = parseHost(host);
  if (info.isIp || !info.domain) return null;
  const d = info.domain.toLowerCase();
  return /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/.test(d) && d.length <= 200 ? d : null;
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
export async function lintContent(input: LintInput, dns?: DnsSession): Promise<{ findings: Finding[]; content: ContentSummary }> {
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

  if (input.checkLinkDomains && dns) {
    const domains = [...new Set(webLinks.map((l) => queryableDomain(l.domain as string)).filter((d): d is string => d !== null))].slice(0, MAX_LISTED_DOMAINS);
    const listings = await listedDomains(domains, dns);
    const byDomain = new Map<string, DomainListing[]>();
    for (const l of listings) byDomain.set(l.domain, [...(byDomain.get(l.domain) ?? []), l]);
    for (const [domain, ls] of byDomain) {
      const example = webLinks.find((l) => queryableDomain(l.domain as string) === domain);
      findings.push(
        finding('content.listed-domain', {
          title: `Link domain ${domain} is listed on ${ls.map((l) => l.list.name).join(', ')}`,
          detail: `The message links to ${domain}${example ? ` (${example.href.slice(0, 120)})` : ''}, which is listed: ${ls.map((l) => `${l.list.name} (${l.codes.join(', ')}: ${l.meanings.join('; ')})`).join('; ')}. Receivers check every domain in a message body against these lists; one listed link domain is enough to reject or junk the message.`,
          fix: `${ls[0]?.list.fixFirst ?? ''} If the domain is not yours, remove the link. Delisting: ${[...new Set(ls.map((l) => l.list.delisting))].join(', ')}`,
          evidence: ls.map((l) => `${domain}.${l.list.zone} A ${l.codes.join(', ')}`).join('\n'),
          refs: ['RFC 5782 §2.3', ...new Set(ls.map((l) => l.list.homepage))],
        }),
      );
    }
  }

  return { findings, content };
}
