/**
 * Makes a message's HTML safe to show in the preview frame, and wraps it in that frame's document.
 *
 * The frame is already sandboxed (no scripts, no same-origin, no popups) and carries its own CSP;
 * this is the second wall. DOMPurify parses the HTML and keeps only its allow-list of HTML elements
 * and attributes; the rules below narrow that for a preview: no script, no event handler, no <base>,
 * no refresh, no form, no nested frame, no link that navigates (a click in the preview must never
 * fetch a URL from the message), no javascript: or data: document URL, images only from addresses
 * the frame's policy decides on.
 */
import createDOMPurify, { type Config, type DOMPurify } from 'dompurify';

/** Dropped with everything inside them: active content, nested documents, and what only the head needs. */
const DROP_WITH_CONTENT = [
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'noembed',
  'noframes',
  'template',
  'title',
  'svg',
  'math',
  'select',
  'textarea',
  'portal',
  'xml',
];

/** Dropped, their content kept: wrappers that would nest documents or submit anything. */
const UNWRAP = ['html', 'head', 'body', 'form', 'button', 'fieldset', 'label', 'noscript'];

/** Dropped with no content to keep (void or head-only). */
const DROP = ['base', 'meta', 'link', 'input', 'keygen', 'param', 'source', 'track'];

/** Attributes that carry a URL the browser would load by itself (images; CSP img-src decides). */
const LOADING_URL_ATTRS = new Set(['src', 'background', 'poster', 'lowsrc', 'dynsrc']);

/** Attributes never kept: they navigate, submit, ping, or embed documents. */
const DROP_ATTRS = [
  'href',
  'xlink:href',
  'action',
  'formaction',
  'ping',
  'srcdoc',
  'target',
  'http-equiv',
  'srcset',
  'imagesrcset',
  'data',
  'codebase',
  'manifest',
  'is',
];

const CONFIG: Config = {
  // HTML only: SVG and MathML are where parser namespace tricks live, and mail rarely needs them.
  USE_PROFILES: { html: true },
  FORBID_TAGS: [...DROP_WITH_CONTENT, ...UNWRAP, ...DROP],
  FORBID_CONTENTS: DROP_WITH_CONTENT,
  FORBID_ATTR: DROP_ATTRS,
  // A message's <style> usually sits in its <head>: parsed into the body, it is kept with the rest.
  FORCE_BODY: true,
};

/** The scheme and the start of what follows, lower-cased, without the characters browsers ignore there (controls, whitespace). */
function normalisedScheme(url: string): string {
  // eslint-disable-next-line no-control-regex -- these are exactly the characters a browser strips
  const squeezed = url.replace(/[\u0000-\u0020\u007f-\u00a0\u200b-\u200f\u2028\u2029\ufeff]/g, '').toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(squeezed)?.[1];
  // The scheme and a little of what follows it: enough to tell data:image/ from data:text/.
  return scheme ? `${scheme}:${squeezed.slice(scheme.length + 1, scheme.length + 12)}` : '';
}

/** An image URL safe to hand to the frame: absolute http(s) (the frame's CSP decides), cid:, or a data: image. */
export function isSafeImageUrl(url: string): boolean {
  const scheme = normalisedScheme(url);
  // Relative URLs would resolve against the app's own address (a srcdoc frame takes its parent's base).
  if (scheme === '') return false;
  if (scheme.startsWith('https:') || scheme.startsWith('http:') || scheme.startsWith('cid:')) return true;
  return scheme.startsWith('data:image/') && !scheme.startsWith('data:image/svg');
}

/** Inline CSS that could run code or fetch outside img-src (legacy expression(), behaviours, -moz-binding). */
function isSafeStyle(style: string): boolean {
  const squeezed = style.replace(/\\|\/\*.*?\*\/|\s/gs, '').toLowerCase();
  return !/expression\(|javascript:|vbscript:|behavior:|-moz-binding|@import/.test(squeezed);
}

/** A DOMPurify for this window, with the preview's own rules as hooks (its options cannot say them). */
function previewPurifier(): DOMPurify {
  const purifier = createDOMPurify(window);
  purifier.setConfig(CONFIG);
  purifier.addHook('uponSanitizeElement', (node, data) => {
    // Mail templates wrap their CSS in <!-- -->, which CSS itself ignores (CSS Syntax §5.4.1, CDO/CDC
    // tokens at the top level); DOMPurify would read the markers as markup and drop the whole block.
    if (data.tagName === 'style' && node.textContent !== null) node.textContent = node.textContent.replace(/<!--|-->/g, '');
  });
  purifier.addHook('beforeSanitizeAttributes', (node) => {
    const name = node.nodeName.toLowerCase();
    if (name !== 'a' && name !== 'area') return;
    // The link's target, readable on hover but never followed from the preview (href goes below).
    // It replaces the message's own title, which could claim another destination.
    const href = node.getAttribute('href');
    if (!href) return;
    const shown = /^(https?|mailto):/.test(normalisedScheme(href)) ? href : 'not a web address (removed)';
    node.setAttribute('title', `Link (not opened from the preview): ${shown}`);
  });
  purifier.addHook('uponSanitizeAttribute', (_node, data) => {
    const name = data.attrName;
    if (LOADING_URL_ATTRS.has(name) && !isSafeImageUrl(data.attrValue)) data.keepAttr = false;
    if (name === 'style' && !isSafeStyle(data.attrValue)) data.keepAttr = false;
  });
  return purifier;
}

let purifier: DOMPurify | undefined;

/** The message's HTML with everything active or navigating taken out (see the file comment). */
export function sanitizeHtml(html: string): string {
  purifier ??= previewPurifier();
  return purifier.sanitize(html);
}

/** The preview frame's own policy: nothing loads but inline styles and embedded images, unless allowed. */
export function previewPolicy(remoteImages: boolean): string {
  return `default-src 'none'; style-src 'unsafe-inline'; img-src data:${remoteImages ? ' https: http:' : ''}`;
}

/**
 * The whole document for the frame's srcdoc: its CSP first, then the sanitised body.
 *
 * The CSP meta comes before anything the message wrote, so it governs every load; a second policy
 * written by the message could only narrow it (all policies must allow a load), and is dropped anyway.
 */
export function previewDocument(html: string, { remoteImages }: { remoteImages: boolean }): string {
  return (
    `<!doctype html><html><head>` +
    `<meta http-equiv="Content-Security-Policy" content="${previewPolicy(remoteImages)}">` +
    `<meta name="referrer" content="no-referrer">` +
    `<meta http-equiv="x-dns-prefetch-control" content="off">` +
    `<style>body{margin:8px;font-family:sans-serif;background:#fff;color:#000}img{max-width:100%}</style>` +
    `</head><body>${sanitizeHtml(html)}</body></html>`
  );
}
