/**
 * The consultant's branding on a report: title, name, logo, accent colour, footer text.
 *
 * A logo travels as a data URI (the report asks for nothing over the network). PNG and JPEG are
 * taken by their signature bytes. An SVG is a document that can carry script, event handlers and
 * references to other files, so it is parsed and written again from an allow-list of drawing
 * elements and attributes: anything not on it (script, foreignObject, style, href, on*, url() to
 * anywhere but a fragment of the same image) is dropped. The report shows the logo through <img>,
 * where a browser runs no SVG script anyway (SVG 2 §16.2 "secure static mode"); the allow-list
 * keeps the file itself safe wherever it is opened from.
 */
import { Parser } from 'htmlparser2';
import { escapeHtml, type ReportBrand } from './page';

/** The brand's shape lives with the page that shows it (page.ts), so the two do not import each other. */
export type { ReportBrand } from './page';

export class BrandError extends Error {}

export const MAX_LOGO_BYTES = 1024 * 1024;
export const ACCENT = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

const SVG_ELEMENTS = new Set([
  'svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'title', 'desc',
  'defs', 'lineargradient', 'radialgradient', 'stop', 'clippath',
]);
/** Lower-cased; written back with the case SVG gives them. */
const SVG_ATTRIBUTES = new Map(
  [
    'id', 'viewBox', 'width', 'height', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'fx', 'fy', 'd', 'points',
    'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-linecap', 'stroke-linejoin', 'stroke-miterlimit',
    'stroke-dasharray', 'stroke-dashoffset', 'stroke-opacity', 'opacity', 'transform', 'offset', 'stop-color', 'stop-opacity',
    'gradientUnits', 'gradientTransform', 'clip-path', 'clip-rule', 'clipPathUnits', 'font-family', 'font-size', 'font-weight',
    'font-style', 'text-anchor', 'dominant-baseline', 'preserveAspectRatio', 'version',
  ].map((name) => [name.toLowerCase(), name]),
);
const ELEMENT_CASE = new Map(['linearGradient', 'radialGradient', 'clipPath'].map((name) => [name.toLowerCase(), name]));
/** A reference may only point inside the image: url(#id). Anything else that looks like a reference or markup is refused. */
const SAFE_VALUE = (value: string) => !/[<>]|&|\\|javascript:|data:|url\((?!#[A-Za-z][\w.-]*\))|@import|expression\(/i.test(value);

/** The SVG written again from the allow-list; throws BrandError when nothing drawable is left or it is not SVG. */
export function sanitizeSvg(text: string): string {
  const out: string[] = [];
  const stack: string[] = [];
  let skipDepth = 0;
  let rootSeen = false;
  let drawn = 0;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        stack.push(name);
        if (skipDepth > 0 || !SVG_ELEMENTS.has(name) || (!rootSeen && name !== 'svg')) {
          skipDepth++;
          return;
        }
        const first = !rootSeen;
        rootSeen = true;
        if (name !== 'svg' && name !== 'title' && name !== 'desc') drawn++;
        const attrs: string[] = first ? [' xmlns="http://www.w3.org/2000/svg"'] : [];
        for (const [key, value] of Object.entries(attributes)) {
          const canonical = SVG_ATTRIBUTES.get(key.toLowerCase());
          if (canonical && SAFE_VALUE(value)) attrs.push(` ${canonical}="${escapeHtml(value)}"`);
        }
        out.push(`<${ELEMENT_CASE.get(name) ?? name}${attrs.join('')}>`);
      },
      ontext(data) {
        const parent = stack[stack.length - 1];
        if (skipDepth === 0 && (parent === 'text' || parent === 'tspan' || parent === 'title' || parent === 'desc')) out.push(escapeHtml(data));
      },
      onclosetag(name) {
        stack.pop();
        if (skipDepth > 0) {
          skipDepth--;
          return;
        }
        out.push(`</${ELEMENT_CASE.get(name) ?? name}>`);
      },
    },
    // xmlMode: no HTML parsing quirks; a DOCTYPE's own entities are never expanded (no entity bombs), nor are
    // processing instructions, comments or CDATA kept.
    { xmlMode: true, lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true, recognizeSelfClosing: true },
  );
  parser.write(text);
  parser.end();
  if (!rootSeen) throw new BrandError('the logo is not an SVG image (no <svg> element at its root).');
  if (drawn === 0) throw new BrandError('the SVG logo holds nothing Deliverlab can draw safely (shapes, paths and text only).');
  return out.join('');
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);

/** The logo file as a data URI, by what its bytes are rather than its name. */
export function logoDataUri(bytes: Buffer): string {
  if (bytes.length > MAX_LOGO_BYTES) throw new BrandError(`the logo is ${bytes.length} bytes; the limit is ${MAX_LOGO_BYTES} (1 MB).`);
  if (bytes.subarray(0, PNG.length).equals(PNG)) return `data:image/png;base64,${bytes.toString('base64')}`;
  if (bytes.subarray(0, JPEG.length).equals(JPEG)) return `data:image/jpeg;base64,${bytes.toString('base64')}`;
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>\s*)*<svg[\s>]/i.test(text)) {
    return `data:image/svg+xml;base64,${Buffer.from(sanitizeSvg(text), 'utf8').toString('base64')}`;
  }
  throw new BrandError('the logo must be a PNG, JPEG or SVG image.');
}

const LIMITS = { title: 200, name: 200, footer: 1000 } as const;

/**
 * A brand as given (a JSON file, Settings, the api) checked: text lengths bounded, the accent a
 * hex colour, the logo a PNG/JPEG data URI or an SVG one that is sanitised again here, whoever
 * made it. Throws BrandError saying what is wrong.
 */
export function checkBrand(brand: ReportBrand): ReportBrand {
  const out: ReportBrand = {};
  for (const key of ['title', 'name', 'footer'] as const) {
    const value = brand[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new BrandError(`${key} must be text.`);
    const trimmed = value.trim();
    if (trimmed.length > LIMITS[key]) throw new BrandError(`${key} is longer than ${LIMITS[key]} characters.`);
    if (trimmed !== '') out[key] = trimmed;
  }
  if (brand.accent !== undefined) {
    if (typeof brand.accent !== 'string' || !ACCENT.test(brand.accent)) throw new BrandError('accent must be a colour written #rgb or #rrggbb.');
    out.accent = brand.accent.toLowerCase();
  }
  if (brand.logo !== undefined) {
    const match = typeof brand.logo === 'string' ? /^data:image\/(png|jpeg|svg\+xml);base64,([A-Za-z0-9+/]*={0,2})$/.exec(brand.logo) : null;
    if (!match) throw new BrandError('logo must be a PNG, JPEG or SVG image as a base64 data URI.');
    out.logo = logoDataUri(Buffer.from(match[2] ?? '', 'base64'));
  }
  return out;
}
