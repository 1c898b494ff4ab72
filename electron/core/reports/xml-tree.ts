/**
 * The elements of an XML document as a tree, read by htmlparser2's tokenizer in XML mode.
 *
 * The tokenizer is lenient: it is only given documents that xml-shape.ts has found well-formed, and
 * documents that declare no DOCTYPE or entity (dmarc-xml.ts refuses those first). It reads each tag
 * once and cuts nothing out but names and text, where fast-xml-parser built a node, a path and a
 * child object per element: the report import spent half its time there (18 µs per record against
 * 5). The tree keeps what the reports need, the way fast-xml-parser gave it: names without their
 * namespace prefix, attributes and comments dropped, each run of text trimmed (CDATA kept as
 * written), line ends made "\n", entities left as written for the reader to decode.
 */
import { Tokenizer } from 'htmlparser2';

/** An element: its name without a namespace prefix, its child elements, and its own text. */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** Its runs of text, each trimmed (CDATA as written), joined; entities as written. */
  text: string;
}

/**
 * Elements nest at most this deep (a report nests four levels): a deeper document is refused as
 * unreadable, as it was when fast-xml-parser read it (its bound is the same).
 */
export const MAX_XML_DEPTH = 100;

const newline = (text: string) => (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text);

/** The tokenizer's callbacks, building the tree as it goes. */
class TreeBuilder {
  readonly top: XmlElement = { name: '', children: [], text: '' };
  private readonly open: XmlElement[] = [this.top];
  private current = this.top;
  /** Text since the last tag, CDATA section or processing instruction. */
  private run = '';

  constructor(private readonly xml: string) {}

  private keepRun(): void {
    if (this.run === '') return;
    const text = this.run.trim();
    this.run = '';
    if (text !== '' && this.current !== this.top) this.current.text += newline(text);
  }

  private close(): void {
    this.open.pop();
    this.current = this.open[this.open.length - 1] ?? this.top;
  }

  ontext(start: number, end: number): void {
    this.run += this.xml.slice(start, end);
  }
  onopentagname(start: number, end: number): void {
    this.keepRun();
    const raw = this.xml.slice(start, end);
    const colon = raw.indexOf(':');
    const element: XmlElement = { name: colon === -1 ? raw : raw.slice(colon + 1), children: [], text: '' };
    this.current.children.push(element);
    if (this.open.length > MAX_XML_DEPTH + 1) throw new Error(`elements nest deeper than ${MAX_XML_DEPTH} levels`);
    this.open.push(element);
    this.current = element;
  }
  onselfclosingtag(): void {
    this.close();
  }
  onclosetag(): void {
    this.keepRun();
    this.close();
  }
  oncdata(start: number, end: number, offset: number): void {
    this.keepRun();
    if (this.current !== this.top) this.current.text += newline(this.xml.slice(start, end - offset));
  }
  onprocessinginstruction(): void {
    this.keepRun();
  }
  onopentagend(): void {}
  onattribname(): void {}
  onattribdata(): void {}
  onattribentity(): void {}
  onattribend(): void {}
  oncomment(): void {}
  ondeclaration(): void {}
  ontextentity(): void {}
  onend(): void {}
}

/** The top-level elements of a well-formed document (one, the root, when it is well-formed). */
export function readTree(xml: string): XmlElement[] {
  const builder = new TreeBuilder(xml);
  const tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: false }, builder);
  tokenizer.write(xml);
  tokenizer.end();
  return builder.top.children;
}
