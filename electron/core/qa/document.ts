/**
 * The draft's HTML as design QA reads it: elements with their attributes, parents and source lines,
 * the text in each, and the <style> blocks, in one pass of htmlparser2's tokenizer.
 *
 * Not htmlparser2's Parser (quadratic in nesting, see send/html-text.ts): the element tree is kept
 * here with a stack bounded at MAX_DEPTH, closing what the HTML parser closes implicitly in mail
 * layouts (a row ends the previous row's cells, a paragraph the previous paragraph). Pure: nothing
 * is fetched or resolved.
 */
import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/** Open elements kept; deeper ones are not recorded and their text belongs to the deepest kept. */
export const MAX_DEPTH = 200;
/** Elements recorded; a larger document is read up to there (and a note says so). */
export const MAX_ELEMENTS = 200_000;
/** An attribute value kept, once decoded. */
const ATTRIBUTE_VALUE = 64 * 1024;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'basefont', 'bgsound', 'param', 'keygen', 'frame']);
/** Elements whose content the tokenizer reads as raw text (no tags inside). */
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
/** What a new table row, cell or list item closes, up to the element named (HTML §13.2.6.4.9 and on). */
const CLOSES: Record<string, { closes: ReadonlySet<string>; upTo: ReadonlySet<string> }> = {
  tr: { closes: new Set(['tr', 'td', 'th']), upTo: new Set(['table', 'tbody', 'thead', 'tfoot']) },
  td: { closes: new Set(['td', 'th']), upTo: new Set(['tr', 'table']) },
  th: { closes: new Set(['td', 'th']), upTo: new Set(['tr', 'table']) },
  tbody: { closes: new Set(['tbody', 'thead', 'tfoot', 'tr', 'td', 'th']), upTo: new Set(['table']) },
  thead: { closes: new Set(['tbody', 'thead', 'tfoot', 'tr', 'td', 'th']), upTo: new Set(['table']) },
  tfoot: { closes: new Set(['tbody', 'thead', 'tfoot', 'tr', 'td', 'th']), upTo: new Set(['table']) },
  li: { closes: new Set(['li']), upTo: new Set(['ul', 'ol']) },
  option: { closes: new Set(['option']), upTo: new Set(['select']) },
  dt: { closes: new Set(['dt', 'dd']), upTo: new Set(['dl']) },
  dd: { closes: new Set(['dt', 'dd']), upTo: new Set(['dl']) },
};
/** Blocks that end an open paragraph (HTML §13.2.6.4.7, the common ones). */
const CLOSES_P = new Set(['p', 'div', 'table', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'center', 'section', 'header', 'footer', 'hr', 'pre']);

export interface QaElement {
  /** Lower-case tag name. */
  tag: string;
  /** Lower-case names; decoded values; the first of duplicate attributes wins, as in browsers. */
  attrs: Map<string, string>;
  /** Index of the parent element, -1 at the top. */
  parent: number;
  line: number;
}

export interface QaText {
  /** Decoded text, white space as written. */
  text: string;
  /** The element it is in; -1 outside any. */
  element: number;
  line: number;
}

export interface StyleBlock {
  /** The style sheet's text. */
  css: string;
  /** The line its text starts on. */
  line: number;
  /** The <style> element's media attribute, when it has one. */
  media: string | null;
}

export interface HtmlDocument {
  source: string;
  elements: QaElement[];
  texts: QaText[];
  styles: StyleBlock[];
  /** The <title> text, decoded, or null without one. */
  title: string | null;
  /** The lines comments start on (Outlook's conditional comments among them). */
  comments: number[];
  /** Elements were nested deeper than MAX_DEPTH. */
  tooDeep: boolean;
  /** More than MAX_ELEMENTS elements: the rest was not read. */
  truncated: boolean;
}

/** 1-based line numbers of offsets asked in increasing order, in one pass over the text. */
export class LineCounter {
  private line = 1;
  private at = 0;

  constructor(private readonly text: string) {}

  lineAt(offset: number): number {
    if (offset < this.at) return this.countFrom0(offset);
    for (let i = this.text.indexOf('\n', this.at); i >= 0 && i < offset; i = this.text.indexOf('\n', i + 1)) this.line++;
    this.at = offset;
    return this.line;
  }

  private countFrom0(offset: number): number {
    let line = 1;
    for (let i = this.text.indexOf('\n'); i >= 0 && i < offset; i = this.text.indexOf('\n', i + 1)) line++;
    return line;
  }
}

/** Reads `html` into elements, texts and style blocks (see the module comment). */
export function readDocument(html: string): HtmlDocument {
  const elements: QaElement[] = [];
  const texts: QaText[] = [];
  const styles: StyleBlock[] = [];
  const comments: number[] = [];
  const lines = new LineCounter(html);
  /** Indexes of the open elements, innermost last. */
  const stack: number[] = [];
  let title: string | null = null;
  let tooDeep = false;
  let truncated = false;
  /** Elements opened past the depth bound: their end tags are ignored too. */
  let unrecorded = 0;

  let tag = '';
  let tagStart = 0;
  let attrs = new Map<string, string>();
  let attrName = '';
  let attrValue = '';
  /** The raw-text element open (style, title, script...), and where its content starts. */
  let raw: { tag: string; from: number } | null = null;

  const top = () => (stack.length ? (stack[stack.length - 1] as number) : -1);
  const tagOf = (index: number) => (elements[index] as QaElement).tag;

  const popTo = (depth: number) => {
    stack.length = depth;
  };

  const closeImplied = (name: string) => {
    const rule = CLOSES[name];
    if (rule) {
      for (let i = stack.length - 1; i >= 0; i--) {
        const open = tagOf(stack[i] as number);
        if (rule.upTo.has(open)) break;
        if (rule.closes.has(open)) {
          popTo(i);
          break;
        }
      }
    }
    if (CLOSES_P.has(name)) {
      for (let i = stack.length - 1; i >= 0; i--) {
        const open = tagOf(stack[i] as number);
        if (open === 'p') {
          popTo(i);
          break;
        }
        // A paragraph inside a cell or a block is closed only by what opens inside that block.
        if (open !== 'b' && open !== 'i' && open !== 'span' && open !== 'font' && open !== 'a' && open !== 'strong' && open !== 'em') break;
      }
    }
  };

  const openTag = (end: number) => {
    const name = tag;
    tag = '';
    if (!name) return;
    if (name === 'a') {
      // Links never nest: an <a> inside an open one closes it (the HTML parser's adoption agency).
      for (let i = stack.length - 1; i >= 0; i--) {
        if (tagOf(stack[i] as number) === 'a') {
          popTo(i);
          break;
        }
      }
    }
    closeImplied(name);
    if (RAW_TEXT.has(name)) raw = { tag: name, from: end };
    if (elements.length >= MAX_ELEMENTS) {
      truncated = true;
      return;
    }
    if (stack.length >= MAX_DEPTH && !VOID.has(name)) {
      tooDeep = true;
      unrecorded++;
      return;
    }
    const index = elements.push({ tag: name, attrs, parent: top(), line: lines.lineAt(tagStart) }) - 1;
    if (!VOID.has(name)) stack.push(index);
  };

  const callbacks: TokenizerCallbacks = {
    onopentagname(start, end) {
      tagStart = start - 1;
      tag = html.slice(start, Math.min(end, start + 64)).toLowerCase();
      attrs = new Map();
    },
    onattribname(start, end) {
      attrName = html.slice(start, Math.min(end, start + 256)).toLowerCase();
      attrValue = '';
    },
    onattribdata(start, end) {
      if (attrValue.length < ATTRIBUTE_VALUE * 4) attrValue += html.slice(start, end);
    },
    onattribentity() {},
    onattribend() {
      if (!attrs.has(attrName)) attrs.set(attrName, (attrValue.includes('&') ? decodeHTMLAttribute(attrValue) : attrValue).slice(0, ATTRIBUTE_VALUE));
    },
    onopentagend(end) {
      openTag(end + 1);
    },
    onselfclosingtag(end) {
      // HTML ignores the "/" of <div/>: the element stays open (void elements close anyway).
      openTag(end + 1);
    },
    onclosetag(start, end) {
      const name = html.slice(start, Math.min(end, start + 64)).toLowerCase();
      const open = raw as { tag: string; from: number } | null;
      if (open) {
        const content = html.slice(open.from, start - 2);
        if (open.tag === 'style') {
          const element = top();
          const media = element >= 0 && tagOf(element) === 'style' ? (elements[element] as QaElement).attrs.get('media') ?? null : null;
          styles.push({ css: content, line: lines.lineAt(open.from), media });
        } else if (open.tag === 'title' && title === null) {
          title = decodeHTML(content).replace(/\s+/g, ' ').trim();
        }
        raw = null;
      }
      if (VOID.has(name)) return;
      for (let i = stack.length - 1; i >= 0; i--) {
        if (tagOf(stack[i] as number) === name) {
          popTo(i);
          return;
        }
      }
      if (unrecorded > 0) unrecorded--;
    },
    ontext(start, end) {
      if (raw) return;
      const data = html.slice(start, end);
      if (data.trim() === '') {
        // White space separates words; it is kept only as a separator.
        if (texts.length && texts[texts.length - 1]?.element === top()) (texts[texts.length - 1] as QaText).text += ' ';
        return;
      }
      texts.push({ text: data.includes('&') ? decodeHTML(data) : data, element: top(), line: lines.lineAt(start + (data.length - data.trimStart().length)) });
    },
    ontextentity() {},
    oncdata() {},
    oncomment(start) {
      if (comments.length < MAX_ELEMENTS) comments.push(lines.lineAt(start));
    },
    ondeclaration() {},
    onprocessinginstruction() {},
    onend() {
      const open = raw as { tag: string; from: number } | null;
      // A <style> never closed runs to the end, as in a browser.
      if (open?.tag === 'style') {
        styles.push({ css: html.slice(open.from), line: lines.lineAt(open.from), media: null });
      }
    },
  };
  const tokenizer = new Tokenizer({ decodeEntities: false }, callbacks);
  tokenizer.write(html);
  tokenizer.end();
  return { source: html, elements, texts, styles, title, comments, tooDeep, truncated };
}

/** The nearest ancestor-or-self of `index` whose tag is in `tags`, or -1. */
export function closest(doc: HtmlDocument, index: number, tags: ReadonlySet<string>): number {
  for (let i = index; i >= 0; i = (doc.elements[i] as QaElement).parent) {
    if (tags.has((doc.elements[i] as QaElement).tag)) return i;
  }
  return -1;
}
