/**
 * The HTML scan: links, images and visible text of a message's HTML part, in one streaming pass.
 *
 * Pure and synchronous: no I/O. Links are only parsed as strings; nothing here ever opens, fetches
 * or resolves a URL. The HTML is read with htmlparser2's tokenizer (no DOM, no element stack, so
 * 10 MB of nested tags costs time linear in its size and little memory).
 */
import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { Tokenizer } from 'htmlparser2';
import type { HtmlScan, ImageInfo } from './lint-types';
import { isHex } from './mime';
import type { LinkInfo } from './types';

/** Links and images kept in the summary: a hostile message with a million links stays small. */
export const MAX_LINKS = 2000;
export const MAX_IMAGES = 2000;
/** Visible text searched for unsubscribe words and addresses: the start and the end (footers live there). */
export const TEXT_WINDOW = 256 * 1024;
/** Link text kept per link: enough to find a URL shown after a long sentence. */
const ANCHOR_TEXT = 2048;
/** Of an attribute value read: the raw text, and what is kept once references are decoded. */
const ATTRIBUTE_RAW = 1024 * 1024;
const ATTRIBUTE_VALUE = 64 * 1024;

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
