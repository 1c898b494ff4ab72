/**
 * A plain-text alternative generated from HTML.
 *
 * Messages with only an HTML part score worse with spam filters and read badly in text clients
 * (RFC 2046 §5.1.4: multipart/alternative should carry a plain version); this keeps links visible
 * as "text (url)" and block structure as line breaks.
 *
 * It reads the HTML with htmlparser2's tokenizer, not its Parser: the Parser keeps its open elements
 * in an array it shifts and searches on every tag, which makes deeply nested or badly closed HTML
 * take quadratic time, and a message's HTML is untrusted. The tokenizer is one pass; what this needs
 * of the element tree (am I inside a link, a script, the head?) is a few flags and counters.
 */
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/** Elements whose content a reader never sees; the tokenizer reads all but template as raw text. */
const RAW_HIDDEN = new Set(['script', 'style', 'title', 'iframe', 'noembed', 'noframes']);
/** What may stand in a document's head (HTML "in head" insertion mode); any other tag ends it. */
const HEAD_CONTENT = new Set(['base', 'basefont', 'bgsound', 'link', 'meta', 'title', 'noscript', 'noframes', 'style', 'script', 'template', 'head']);
/** Blocks set off by a blank line, at their start and at their end. */
const BLOCKS = new Set(['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'table', 'blockquote', 'section', 'article', 'header', 'footer', 'pre']);

interface OpenLink {
  href: string;
  /** What the link's content renders to, held back until the link ends to decide how to show the address. */
  text: string;
}

/** Collapses a text run the way a browser does outside <pre>; the lines are trimmed at the end. */
function collapse(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** Receives the tokenizer's events and writes the text a reader of the rendered HTML would see. */
class TextWriter implements TokenizerCallbacks {
  private out = '';
  private link: OpenLink | undefined;
  private tag = '';
  private attribs = new Map<string, string>();
  private attribName = '';
  private attribValue = '';
  /** The raw-text element whose content is being skipped, until its end tag. */
  private rawHidden: string | undefined;
  /** Template content is inert (never rendered) and templates nest. */
  private templates = 0;
  private inHead = false;
  /** A row left open is closed by the next <tr>, as a browser does; its line break must not be lost. */
  private rowOpen = false;

  constructor(private readonly html: string) {}

  ontext(start: number, end: number): void {
    this.text(this.html.slice(start, end));
  }

  ontextentity(codePoint: number): void {
    this.text(String.fromCodePoint(codePoint));
  }

  onopentagname(start: number, end: number): void {
    this.tag = this.html.slice(start, end).toLowerCase();
    this.attribs = new Map();
  }

  onattribname(start: number, end: number): void {
    this.attribName = this.html.slice(start, end).toLowerCase();
    this.attribValue = '';
  }

  onattribdata(start: number, end: number): void {
    this.attribValue += this.html.slice(start, end);
  }

  onattribentity(codePoint: number): void {
    this.attribValue += String.fromCodePoint(codePoint);
  }

  onattribend(): void {
    // A repeated attribute is ignored: the first one counts (HTML tokenizer, "duplicate-attribute").
    if (!this.attribs.has(this.attribName)) this.attribs.set(this.attribName, this.attribValue);
  }

  onopentagend(): void {
    this.open(this.tag, this.attribs);
  }

  onselfclosingtag(): void {
    // In HTML "/>" on a non-void element is ignored: <script/> still opens a script.
    this.open(this.tag, this.attribs);
  }

  onclosetag(start: number, end: number): void {
    this.close(this.html.slice(start, end).toLowerCase());
  }

  oncomment(): void {}
  oncdata(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}

  onend(): void {
    // A link never closed runs to the end of the document, as in a browser.
    this.endLink();
  }

  /** The finished text: single spaces, trimmed lines, at most one blank line in a row. */
  result(): string {
    return this.out
      .split('\n')
      .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
      .concat('\n');
  }

  private get hidden(): boolean {
    return this.rawHidden !== undefined || this.templates > 0;
  }

  private emit(piece: string): void {
    if (this.link) this.link.text += piece;
    else this.out += piece;
  }

  private text(raw: string): void {
    if (this.hidden) return;
    if (this.inHead) {
      // Text in the head ends it (HTML "in head" mode); whitespace there shows nothing.
      if (!/\S/.test(raw)) return;
      this.inHead = false;
    }
    this.emit(collapse(raw));
  }

  private open(name: string, attribs: Map<string, string>): void {
    if (this.rawHidden !== undefined) return;
    if (this.templates > 0) {
      if (name === 'template') this.templates += 1;
      return;
    }
    if (this.inHead && !HEAD_CONTENT.has(name)) this.inHead = false;
    if (RAW_HIDDEN.has(name)) this.rawHidden = name;
    else if (name === 'template') this.templates = 1;
    else if (name === 'head') this.inHead = true;
    else if (name === 'a') this.startLink(attribs.get('href'));
    else if (name === 'img') this.text((attribs.get('alt') ?? '').trim());
    else if (name === 'br') this.emit('\n');
    else if (name === 'li') this.emit('\n- ');
    else if (name === 'hr') this.emit('\n----\n');
    else if (BLOCKS.has(name)) this.emit('\n\n');
    else if (name === 'td' || name === 'th') this.emit(' ');
    else if (name === 'tr') {
      if (this.rowOpen) this.emit('\n');
      this.rowOpen = true;
    }
  }

  private close(name: string): void {
    if (this.rawHidden !== undefined) {
      if (name === this.rawHidden) this.rawHidden = undefined;
      return;
    }
    if (this.templates > 0) {
      if (name === 'template') this.templates -= 1;
      return;
    }
    if (name === 'head') this.inHead = false;
    else if (name === 'a') this.endLink();
    // A browser reads </br> as <br>.
    else if (name === 'br') this.emit('\n');
    else if (BLOCKS.has(name)) this.emit('\n\n');
    else if (name === 'td' || name === 'th') this.emit(' ');
    else if (name === 'tr') {
      this.emit('\n');
      this.rowOpen = false;
    }
  }

  private startLink(href: string | undefined): void {
    // An <a> inside an open one closes it first (HTML adoption agency), so links never nest.
    this.endLink();
    if (href !== undefined) this.link = { href, text: '' };
  }

  /**
   * Shows the link as "text (url)", or the address alone when the text is empty or the address itself.
   *
   * The space or line break around the link's text stays outside it, so the address follows the text.
   */
  private endLink(): void {
    const link = this.link;
    if (!link) return;
    this.link = undefined;
    const href = link.href.trim();
    if (!href || /^(javascript|#)/i.test(href)) {
      this.emit(link.text);
      return;
    }
    const body = link.text.trim();
    const lead = link.text.slice(0, link.text.length - link.text.trimStart().length);
    const trail = link.text.slice(link.text.trimEnd().length);
    const label = collapse(body);
    const shown = href.replace(/^mailto:/i, '');
    this.emit(lead + (label && label !== shown && label !== href ? `${body} (${shown})` : shown) + trail);
  }
}

export function htmlToText(html: string): string {
  const writer = new TextWriter(html);
  const tokenizer = new Tokenizer({ decodeEntities: true }, writer);
  tokenizer.write(html);
  tokenizer.end();
  return writer.result();
}
