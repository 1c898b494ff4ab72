/**
 * The document each design preview frame shows: the draft's HTML through the message preview's
 * sanitizer (received/sanitize.ts: no script, no event handler, no navigating link, no nested
 * document), under the frame's own Content Security Policy, with the view the user picked applied
 * to it beforehand: the colour scheme, a dark-mode simulation, images off, and Gmail's clipping line.
 *
 * Everything is done here, in the app's page, on an inert parsed copy (DOMParser runs no script and
 * loads nothing); the frame itself runs nothing (sandbox without allow-scripts, script-src none).
 */
import { previewPolicy, sanitizeHtml } from '../received/sanitize';
import { ATTRIBUTE_ROLES, cssForScheme, invertAttribute, invertColour, invertCss, invertDeclarations, mediaForScheme, type ColourScheme, type Inversion } from './dark-mode';

/** Images: off (alt text in their place, as a client that blocks them), embedded only, or remote ones too. */
export type ImageMode = 'off' | 'embedded' | 'remote';

export interface FrameOptions {
  scheme: ColourScheme;
  /** A mail app's colour inversion to simulate, or none. */
  inversion: Inversion | null;
  images: ImageMode;
}

/** The attribute that marks where Gmail clips (see withClipMarker). */
export const CLIP_ATTRIBUTE = 'data-deliverlab-clip';
/** The attribute of the box that stands in for an image when images are off. */
export const ALT_ATTRIBUTE = 'data-deliverlab-alt';
/** The element that carries the draft's <body> attributes through the sanitizer. */
const BODY_ATTRIBUTE = 'data-deliverlab-body';

/** Tags a line cannot be drawn before with ::before (table structure, void and replaced elements, the head). */
const NO_BEFORE = new Set(['html', 'head', 'body', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'colgroup', 'col', 'caption', 'img', 'br', 'hr', 'input', 'wbr', 'meta', 'link', 'style', 'script', 'title', 'base', 'source', 'area', 'map', 'svg', 'math', 'picture', 'video', 'audio', 'iframe', 'object', 'embed', 'select', 'textarea', 'option']);

/** Raw text and comments: the clipping point is moved past them (no tag inside them is a tag). */
const RAW = [
  ['<!--', '-->'],
  ['<style', '</style'],
  ['<script', '</script'],
  ['<title', '</title'],
  ['<textarea', '</textarea'],
] as const;

/**
 * The HTML with the clipping mark on the first element at or after `byteOffset` (UTF-8 bytes of the
 * HTML, as the QA result gives it) that can show a line above itself: the preview draws the line
 * there (CLIP_ATTRIBUTE). The mark is an attribute, not an element: an element put between two table
 * rows would be moved out of the table by the HTML parser, far from where Gmail clips.
 */
export function withClipMarker(html: string, byteOffset: number): string {
  const bytes = new TextEncoder().encode(html);
  let at = new TextDecoder().decode(bytes.subarray(0, Math.max(0, Math.min(byteOffset, bytes.length)))).length;
  const lower = html.toLowerCase();
  for (const [open, close] of RAW) {
    if (lower.lastIndexOf(open, at) > lower.lastIndexOf(close, at)) {
      const end = lower.indexOf(close, at);
      at = end < 0 ? html.length : end;
    }
  }
  // The next start tag, stepping over comments and raw text (a tag written inside them is no tag).
  const tag = /<!--|<([a-z][a-z0-9]*)(?=[\s/>])/gi;
  tag.lastIndex = at;
  for (let match = tag.exec(html); match; match = tag.exec(html)) {
    const name = (match[1] ?? '').toLowerCase();
    const raw = RAW.find(([open]) => open === (match[1] === undefined ? '<!--' : `<${name}`));
    if (raw) {
      const end = lower.indexOf(raw[1], tag.lastIndex);
      if (end < 0) break;
      tag.lastIndex = end + raw[1].length;
      continue;
    }
    if (NO_BEFORE.has(name)) continue;
    const end = match.index + match[0].length;
    return `${html.slice(0, end)} ${CLIP_ATTRIBUTE}=""${html.slice(end)}`;
  }
  return `${html}<div ${CLIP_ATTRIBUTE}=""></div>`;
}

/** The policy of a frame: nothing runs; images by the mode. */
export function framePolicy(images: ImageMode): string {
  return images === 'off' ? "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'" : previewPolicy(images === 'remote');
}

const WHITE = { r: 255, g: 255, b: 255, a: 1 };
const BLACK = { r: 0, g: 0, b: 0, a: 1 };

/** The frame's own rules: a plain page as a mail client shows one, the clipping line and the image stand-ins. */
function baseStyle(inversion: Inversion | null): string {
  const paper = inversion ? invertColour(WHITE, 'background', inversion) ?? WHITE : WHITE;
  const ink = inversion ? invertColour(BLACK, 'text', inversion) ?? BLACK : BLACK;
  const rgb = (c: typeof WHITE) => `rgb(${Math.round(c.r)} ${Math.round(c.g)} ${Math.round(c.b)})`;
  return (
    `body{margin:8px;font-family:sans-serif;background:${rgb(paper)};color:${rgb(ink)}}img{max-width:100%}` +
    `[${CLIP_ATTRIBUTE}]::before{content:"Gmail clips here: the rest is behind \\201C[Message clipped]\\201D";display:block;clear:both;` +
    'border-top:3px dashed #c92a2a;margin:6px 0;padding:2px 4px;background:#fff5f5;color:#a51111;font:bold 12px/1.5 sans-serif;text-align:left}' +
    `[${ALT_ATTRIBUTE}]{display:inline-block;box-sizing:border-box;max-width:100%;min-width:24px;min-height:18px;overflow:hidden;vertical-align:top;` +
    'border:1px dashed #868e96;padding:2px 4px;background:#f1f3f5;color:#343a40;font:12px/1.4 sans-serif}'
  );
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** A length attribute's pixels, when it is a plain number (width="600", "600px"). */
function pixels(value: string | null): number | null {
  const match = /^\s*(\d{1,5})(?:px)?\s*$/i.exec(value ?? '');
  return match ? Number(match[1]) : null;
}

/** Each image replaced by a box with its alt text, the size it would have had, as a client with images off shows it. */
function imagesOff(doc: Document): void {
  for (const img of [...doc.querySelectorAll('img')]) {
    const box = doc.createElement('span');
    box.setAttribute(ALT_ATTRIBUTE, '');
    box.textContent = img.getAttribute('alt') ?? '';
    const width = pixels(img.getAttribute('width'));
    const height = pixels(img.getAttribute('height'));
    box.setAttribute('style', `${width ? `width:${width}px;` : ''}${height ? `height:${height}px;` : ''}`);
    img.replaceWith(box);
  }
}

/** The colour scheme and the inversion applied to every style sheet, style attribute and colour attribute. */
function applyColours(doc: Document, scheme: ColourScheme, inversion: Inversion | null): void {
  for (const style of [...doc.querySelectorAll('style')]) {
    let css = cssForScheme(style.textContent ?? '', scheme);
    if (inversion) css = invertCss(css, inversion);
    style.textContent = css;
    const media = style.getAttribute('media');
    if (media !== null) style.setAttribute('media', mediaForScheme(media, scheme));
  }
  if (!inversion) return;
  for (const element of [...doc.querySelectorAll('[style]')]) {
    element.setAttribute('style', invertDeclarations(element.getAttribute('style') ?? '', inversion));
  }
  for (const [name, role] of Object.entries(ATTRIBUTE_ROLES)) {
    for (const element of [...doc.querySelectorAll(`[${name}]`)]) {
      // <font color>, <body text>, bgcolor and bordercolor anywhere; not an input's `color` type or the like.
      if (name === 'color' && element.localName !== 'font' && element.localName !== 'basefont') continue;
      element.setAttribute(name, invertAttribute(element.getAttribute(name) ?? '', role, inversion));
    }
  }
}

/**
 * The draft's <body> attributes (bgcolor, style, class, text) on a wrapper, so that the sanitizer,
 * which takes the body apart, keeps them; the frame's <body> gets them back.
 */
function wrapBody(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const wrapper = doc.createElement('div');
  wrapper.setAttribute(BODY_ATTRIBUTE, '');
  for (const attribute of [...doc.body.attributes]) wrapper.setAttribute(attribute.name, attribute.value);
  wrapper.append(...doc.body.childNodes);
  doc.body.append(wrapper);
  return `${doc.head.outerHTML}${doc.body.outerHTML}`;
}

/** The whole srcdoc of a preview frame for `html` (the HTML the QA result checked), as `options` say. */
export function frameDocument(html: string, options: FrameOptions): string {
  const doc = new DOMParser().parseFromString(`<!doctype html><html><head></head><body>${sanitizeHtml(wrapBody(html))}</body></html>`, 'text/html');
  if (options.images === 'off') imagesOff(doc);
  applyColours(doc, options.scheme, options.inversion);
  const wrapper = doc.body.querySelector(`[${BODY_ATTRIBUTE}]`);
  let bodyAttributes = '';
  if (wrapper) {
    bodyAttributes = [...wrapper.attributes]
      .filter((a) => a.name !== BODY_ATTRIBUTE)
      .map((a) => ` ${a.name}="${escapeAttribute(a.value)}"`)
      .join('');
    wrapper.replaceWith(...wrapper.childNodes);
  }
  return (
    `<!doctype html><html><head>` +
    `<meta http-equiv="Content-Security-Policy" content="${framePolicy(options.images)}">` +
    `<meta name="referrer" content="no-referrer">` +
    `<meta http-equiv="x-dns-prefetch-control" content="off">` +
    `<style>${baseStyle(options.inversion)}</style>` +
    `</head><body${bodyAttributes}>${doc.body.innerHTML}</body></html>`
  );
}
