/**
 * A plain-text alternative generated from HTML.
 *
 * Messages with only an HTML part score worse with spam filters and read badly in text clients
 * (RFC 2046 §5.1.4: multipart/alternative should carry a plain version); this keeps links visible
 * as "text (url)" and block structure as line breaks. The text is written by html-to-text, a
 * maintained library whose output mail apps and senders know.
 *
 * html-to-text builds a DOM with htmlparser2's Parser and walks it recursively. The Parser keeps its
 * open elements in an array it shifts on every tag, so deep nesting costs quadratic time, and the
 * walk recurses once per level: 10,000 nested elements overflow the stack. A message's HTML is
 * untrusted, so boundNesting() first rewrites it, in one tokenizer pass, with at most MAX_DEPTH open
 * elements: tags deeper than that are dropped, their text kept.
 */
import { createRequire } from 'node:module';
import type { FormatCallback, HtmlToTextOptions } from 'html-to-text';
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/** Open elements kept: far deeper than any mail template (table layouts nest some 30 levels). */
export const MAX_DEPTH = 200;

/** Elements that never have content, so never count towards depth. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'basefont', 'bgsound', 'param', 'keygen', 'frame']);
/** Elements whose content the tokenizer reads as raw text: kept whatever the depth, or their content would turn into text. */
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'iframe', 'noembed', 'noframes', 'xmp', 'plaintext']);
/** An open one of these is closed by the next one of its kind, as the HTML parser does (HTML §13.2.6.4.7). */
const CLOSED_BY_SIBLING = new Set(['p', 'li', 'td', 'th', 'tr', 'option', 'dt', 'dd']);

/**
 * The same HTML with at most `maxDepth` elements open at any point, in time linear in its length.
 *
 * Tags that would open deeper are left out with their end tags; everything else is copied as written.
 * An <a> inside an open <a> closes it first, as a browser's parser does (links never nest), so that a
 * thousand unclosed links are a thousand links side by side.
 */
export function boundNesting(html: string, maxDepth = MAX_DEPTH): string {
  const out: string[] = [];
  const stack: string[] = [];
  /** Elements opened past the bound and left out, whose end tags are left out too. */
  let dropped = 0;
  let copiedTo = 0;
  let tagStart = -1;
  let tag = '';

  const skip = (from: number, to: number) => {
    out.push(html.slice(copiedTo, from));
    copiedTo = to;
  };
  const popTo = (index: number) => {
    stack.length = index;
  };
  /**
   * Ends the open link at `from` (its end tag, if any, runs to `to`), with the white space before
   * that point moved after the end tag: a browser shows it between the words, and html-to-text
   * would drop it inside the link ("go </a>next" reads "go next", not "go (url)next").
   */
  const closeLinkAt = (from: number, to: number) => {
    const before = html.slice(copiedTo, from);
    const words = before.trimEnd();
    out.push(words, '</a>', before.slice(words.length));
    copiedTo = to;
  };

  const openTag = (end: number) => {
    const name = tag;
    tag = '';
    if (!name || VOID.has(name)) return;
    if (name === 'a') {
      const open = stack.lastIndexOf('a');
      if (open >= 0) {
        closeLinkAt(tagStart, tagStart);
        popTo(open);
      }
    }
    if (CLOSED_BY_SIBLING.has(name) && stack[stack.length - 1] === name) stack.pop();
    if (stack.length >= maxDepth && !RAW_TEXT.has(name)) {
      dropped++;
      skip(tagStart, end);
      return;
    }
    stack.push(name);
  };

  const callbacks: TokenizerCallbacks = {
    onopentagname(start, end) {
      tagStart = start - 1;
      tag = html.slice(start, end).toLowerCase();
    },
    onopentagend(end) {
      openTag(end + 1);
    },
    onselfclosingtag(end) {
      openTag(end + 1);
    },
    onclosetag(start, end) {
      const name = html.slice(start, end).toLowerCase();
      const index = stack.lastIndexOf(name);
      if (index >= 0) {
        if (name === 'a') closeLinkAt(start - 2, html.indexOf('>', end) + 1 || html.length);
        popTo(index);
      } else if (dropped > 0 && !VOID.has(name) && name !== 'p') {
        // The end tag of an element left out (or of nothing): left out too.
        dropped--;
        const close = html.indexOf('>', end);
        skip(start - 2, close < 0 ? html.length : close + 1);
      }
    },
    onattribname() {},
    onattribdata() {},
    onattribentity() {},
    onattribend() {},
    ontext() {},
    ontextentity() {},
    oncdata() {},
    oncomment() {},
    ondeclaration() {},
    onprocessinginstruction() {},
    onend() {},
  };
  const tokenizer = new Tokenizer({ decodeEntities: false }, callbacks);
  tokenizer.write(html);
  tokenizer.end();
  if (copiedTo === 0 && out.length === 0) return html;
  out.push(html.slice(copiedTo));
  return out.join('');
}

/** An image as its alt text, as a text client would show it; the address is noise in a text part. */
const altText: FormatCallback = (elem, _walk, builder) => {
  const alt = (elem.attribs?.alt ?? '').trim();
  if (alt) builder.addInline(alt);
};

/** Addresses that lead nowhere a reader can follow: shown as their text only. */
const noHref = (href: string) => (/^\s*javascript:/i.test(href) ? '' : href.trim());

const heading = (level: number) => ({
  selector: `h${level}`,
  options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 2 },
});

/** A table cell's text set off by a space, as a row reads: "Price €10". */
const cell: FormatCallback = (elem, walk, builder) => {
  builder.addInline(' ');
  walk(elem.children, builder);
  builder.addInline(' ');
};

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  formatters: { altText, cell },
  // The send's own bound (20 MB of HTML) applies; the library's default cuts at 16 MB with a warning on stderr.
  limits: { maxInputLength: undefined },
  selectors: [
    { selector: 'a', options: { linkBrackets: ['(', ')'], hideLinkHrefIfSameAsText: true, noAnchorUrl: true, pathRewrite: noHref } },
    { selector: 'img', format: 'altText' },
    ...[1, 2, 3, 4, 5, 6].map(heading),
    { selector: 'ul', options: { itemPrefix: '- ' } },
    // Mail layouts are tables of tables: each cell's text in reading order, not a text-art grid.
    { selector: 'table', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
    { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'td', format: 'cell' },
    { selector: 'th', format: 'cell' },
    // What a reader never sees: the title, templates (inert), frames (mail apps do not load them).
    ...['title', 'template', 'iframe', 'noembed', 'noframes', 'script', 'style'].map((selector) => ({ selector, format: 'skip' })),
    { selector: 'hr', options: { length: 4 } },
  ],
};

/**
 * html-to-text, loaded and compiled on first use: every command that opens the api loads this
 * module (the send handlers import it), and the library with its parser costs some 25 ms to load.
 */
let converter: ((html: string) => string) | undefined;
function convert(html: string): string {
  converter ??= (createRequire(import.meta.url)('html-to-text') as typeof import('html-to-text')).compile(OPTIONS);
  return converter(html);
}

/** The plain-text part for an HTML body: what a reader of the rendered HTML would read, line by line. */
export function htmlToText(html: string): string {
  // Non-breaking spaces stay spaces, but one: a text part is not laid out with them.
  const lines = convert(boundNesting(html)).split('\n').map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim());
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
