/**
 * Makes a message's HTML safe to show in the preview frame, and wraps it in that frame's document.
 *
 * The frame is already sandboxed (no scripts, no same-origin, no popups) and carries its own CSP;
 * this is the second wall. It rebuilds the HTML from parser events instead of editing a DOM, so
 * only what it writes out reaches the frame: no script, no event handler, no <base>, no refresh,
 * no form, no nested frame, no link that navigates (a click in the preview must never fetch a URL
 * from the message), no javascript: or data: document URL.
 */
import { Parser } from 'htmlparser2';

/** Dropped with everything inside them: active content, nested documents, and what only the head needs. */
const DROP_WITH_CONTENT = new Set([
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
]);

/** Dropped, their content kept: wrappers that would nest documents or submit anything. */
const UNWRAP = new Set(['html', 'head', 'body', 'form', 'button', 'fieldset', 'label', 'noscript']);

/** Dropped with no content to keep (void or head-only). */
const DROP = new Set(['base', 'meta', 'link', 'input', 'keygen', 'param', 'source', 'track']);

/** HTML void elements: never written with a closing tag. */
const VOID = new Set(['area', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'base']);

/** Attributes that carry a URL the browser would load by itself (images; CSP img-src decides). */
const LOADING_URL_ATTRS = new Set(['src', 'background', 'poster', 'lowsrc', 'dynsrc']);

/** Attributes never kept: they navigate, submit, ping, or embed documents. */
const DROP_ATTRS = new Set([
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
]);

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

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline CSS that could run code or fetch outside img-src (legacy expression(), behaviours, -moz-binding). */
function safeStyle(style: string): string | null {
  const squeezed = style.replace(/\\|\/\*.*?\*\/|\s/gs, '').toLowerCase();
  if (/expression\(|javascript:|vbscript:|behavior:|-moz-binding|@import/.test(squeezed)) return null;
  return style;
}

function attributeText(name: string, value: string): string | null {
  const attr = name.toLowerCase();
  if (attr.startsWith('on') || DROP_ATTRS.has(attr) || !/^[a-z_:][a-z0-9_.:-]*$/.test(attr)) return null;
  if (LOADING_URL_ATTRS.has(attr) && !isSafeImageUrl(value)) return null;
  if (attr === 'style') {
    const style = safeStyle(value);
    return style === null ? null : ` style="${escapeAttr(style)}"`;
  }
  return ` ${attr}="${escapeAttr(value)}"`;
}

/** The message's HTML with everything active or navigating taken out (see the file comment). */
export function sanitizeHtml(html: string): string {
  const out: string[] = [];
  // Depth inside a dropped element; the parser closes every element it opens (implied closes too).
  let skipping = 0;
  let inStyle = false;
  const parser = new Parser(
    {
      onopentag(rawName, attribs) {
        const name = rawName.toLowerCase();
        if (skipping > 0) {
          skipping++;
          return;
        }
        if (DROP_WITH_CONTENT.has(name)) {
          skipping = 1;
          return;
        }
        if (UNWRAP.has(name) || DROP.has(name) || !/^[a-z][a-z0-9-]*$/.test(name)) return;
        let text = `<${name}`;
        for (const [key, value] of Object.entries(attribs)) text += attributeText(key, value) ?? '';
        if (name === 'a' || name === 'area') {
          // The link's target, readable on hover but never followed from the preview.
          const href = attribs.href ?? attribs.HREF;
          if (href) {
            const scheme = normalisedScheme(href);
            const shown = /^(https?|mailto):/.test(scheme) ? href : 'not a web address (removed)';
            text += ` title="${escapeAttr(`Link (not opened from the preview): ${shown}`)}"`;
          }
        }
        out.push(`${text}>`);
        if (name === 'style') inStyle = true;
      },
      ontext(text) {
        if (skipping > 0) return;
        // Style text is raw (CSS uses ">"); the parser ended it at </style>, so it cannot break out.
        out.push(inStyle ? text.replace(/<\/?style/gi, '') : escapeText(text));
      },
      onclosetag(rawName) {
        const name = rawName.toLowerCase();
        if (skipping > 0) {
          skipping--;
          return;
        }
        if (UNWRAP.has(name) || DROP.has(name) || VOID.has(name) || !/^[a-z][a-z0-9-]*$/.test(name)) return;
        if (name === 'style') inStyle = false;
        out.push(`</${name}>`);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false },
  );
  parser.write(html);
  parser.end();
  return out.join('');
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
