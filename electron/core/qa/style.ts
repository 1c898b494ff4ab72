/**
 * The styles each element of a draft ends up with, as far as the accessibility checks need them:
 * text colour, the background behind it, font size and weight, capitals, and whether it shows.
 *
 * A small cascade: inline styles, the rules of the draft's own <style> blocks whose selectors are
 * tags, classes, ids and their descendant or child combinations (the rest, such as :hover or @media
 * rules for dark mode and small screens, do not apply to the default view), the presentational
 * attributes mail HTML still uses (bgcolor, <font color size>), and a mail app's defaults (black
 * text on white, blue links, heading sizes).
 */
import { over, parseColour, type Rgba } from '../../shared/colour';
import type { HtmlDocument, QaElement } from './document';

export interface Declaration {
  property: string;
  value: string;
  important: boolean;
}

/** The declarations of a style attribute or a rule body, in order; `;` inside quotes or url() kept. */
export function parseDeclarations(text: string): Declaration[] {
  const out: Declaration[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  const push = (end: number) => {
    const part = text.slice(start, end);
    const colon = part.indexOf(':');
    if (colon > 0) {
      const property = part.slice(0, colon).trim().toLowerCase();
      let value = part.slice(colon + 1).trim();
      const important = /!\s*important\s*$/i.test(value);
      if (important) value = value.replace(/\s*!\s*important\s*$/i, '');
      if (property && /^-?[a-z-]+$/.test(property)) out.push({ property, value, important });
    }
    start = end + 1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0) push(i);
  }
  push(text.length);
  return out;
}

interface Compound {
  tag: string | null;
  id: string | null;
  classes: string[];
}

interface Selector {
  /** Rightmost last; each compound with the combinator joining it to the one on its left. */
  parts: { compound: Compound; child: boolean }[];
  specificity: number;
}

export interface StyleRule {
  selector: Selector;
  declarations: Declaration[];
  order: number;
}

/** One compound selector (tag, #id, .class), or null for what this cascade does not evaluate. */
function parseCompound(text: string): Compound | null {
  const m = /^([a-z][a-z0-9-]*|\*)?((?:[#.][a-z0-9_-]+)*)$/i.exec(text);
  if (!m) return null;
  const out: Compound = { tag: m[1] && m[1] !== '*' ? m[1].toLowerCase() : null, id: null, classes: [] };
  for (const piece of (m[2] ?? '').match(/[#.][a-z0-9_-]+/gi) ?? []) {
    if (piece.startsWith('#')) out.id = piece.slice(1);
    else out.classes.push(piece.slice(1));
  }
  return out;
}

/** A selector this cascade evaluates, or null (pseudo-classes, attributes, sibling combinators). */
export function parseSelector(text: string): Selector | null {
  const tokens = text.trim().replace(/\s*>\s*/g, ' > ').split(/\s+/);
  const parts: Selector['parts'] = [];
  let child = false;
  let ids = 0;
  let classes = 0;
  let tags = 0;
  for (const token of tokens) {
    if (token === '>') {
      child = true;
      continue;
    }
    const compound = parseCompound(token);
    if (!compound) return null;
    parts.push({ compound, child });
    child = false;
    if (compound.id) ids++;
    classes += compound.classes.length;
    if (compound.tag) tags++;
  }
  if (parts.length === 0) return null;
  // Specificity (CSS Selectors 4 §16) as one number: ids, then classes, then types.
  return { parts, specificity: ids * 1_000_000 + classes * 1000 + tags };
}

function matchesCompound(el: QaElement, c: Compound): boolean {
  if (c.tag && el.tag !== c.tag) return false;
  if (c.id && el.attrs.get('id') !== c.id) return false;
  if (c.classes.length) {
    const own = (el.attrs.get('class') ?? '').split(/\s+/);
    for (const cls of c.classes) if (!own.includes(cls)) return false;
  }
  return true;
}

/** Whether `selector` matches element `index` (ancestors walked for descendant and child parts). */
function matches(doc: HtmlDocument, index: number, selector: Selector): boolean {
  const parts = selector.parts;
  let el = index;
  if (!matchesCompound(doc.elements[el] as QaElement, (parts[parts.length - 1] as Selector['parts'][number]).compound)) return false;
  for (let p = parts.length - 2; p >= 0; p--) {
    const { compound } = parts[p] as Selector['parts'][number];
    const childOnly = (parts[p + 1] as Selector['parts'][number]).child;
    let found = -1;
    for (let up = (doc.elements[el] as QaElement).parent; up >= 0; up = (doc.elements[up] as QaElement).parent) {
      if (matchesCompound(doc.elements[up] as QaElement, compound)) {
        found = up;
        break;
      }
      if (childOnly) break;
    }
    if (found < 0) return false;
    el = found;
  }
  return true;
}

/** The rules of a style sheet that apply to the default view (outside any @media), in order. */
export function parseRules(css: string, firstOrder = 0): StyleRule[] {
  const out: StyleRule[] = [];
  // Comments first; then top-level blocks: "selectors { body }" or "@rule ... { ... }" (skipped whole).
  const text = css.replace(/\/\*[\s\S]*?(?:\*\/|$)/g, ' ').replace(/<!--|-->/g, ' ');
  let i = 0;
  let order = firstOrder;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) break;
    const head = text.slice(i, open).trim();
    // Find the matching close brace (nested blocks inside @media and @supports).
    let depth = 1;
    let j = open + 1;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}') depth--;
    }
    const body = text.slice(open + 1, j - 1);
    i = j;
    // A statement at-rule before this block (@import url(x);) is not part of the head.
    const selectorText = head.slice(head.lastIndexOf(';') + 1).trim();
    if (selectorText.startsWith('@') || body.includes('{')) continue;
    const declarations = parseDeclarations(body);
    for (const one of selectorText.split(',')) {
      const selector = parseSelector(one);
      if (selector) out.push({ selector, declarations, order: order++ });
    }
  }
  return out;
}

/** What the accessibility checks read of one element's computed style. */
export interface Computed {
  /** Text colour; null: the mail app's default (black). */
  color: Rgba | null;
  /** The opaque colour behind the element's text; null: the mail app's default (white); 'image': a background image of unknown colour. */
  background: Rgba | 'image' | null;
  /** Font size in CSS pixels. */
  fontSize: number;
  bold: boolean;
  /** text-transform: uppercase. */
  upper: boolean;
  /** Not shown: display:none, visibility:hidden, opacity:0, collapsed to no height, or the hidden attribute. */
  hidden: boolean;
}

const HEADING_SIZE: Record<string, number> = { h1: 2, h2: 1.5, h3: 1.17, h4: 1, h5: 0.83, h6: 0.67 };
const BOLD_TAGS = new Set(['b', 'strong', 'th', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** <font size="1".."7"> in pixels (HTML §15.3.1 "legacy font size"). */
const FONT_SIZES = [10, 13, 16, 18, 24, 32, 48];
const KEYWORD_SIZES: Record<string, number> = { 'xx-small': 9, 'x-small': 10, small: 13, medium: 16, large: 18, 'x-large': 24, 'xx-large': 32, 'xxx-large': 48 };
/** The colour a mail app gives a link whose own rules set none (the HTML user agent style sheet's). */
export const LINK_BLUE: Rgba = { r: 0, g: 0, b: 0xee, a: 1 };
export const DEFAULT_TEXT: Rgba = { r: 0, g: 0, b: 0, a: 1 };
export const DEFAULT_BACKGROUND: Rgba = { r: 255, g: 255, b: 255, a: 1 };

/** A font-size value in pixels, relative to the parent's size; null when unreadable. */
export function fontSizePx(value: string, parent: number): number | null {
  const v = value.trim().toLowerCase();
  const keyword = KEYWORD_SIZES[v];
  if (keyword !== undefined) return keyword;
  if (v === 'smaller') return parent / 1.2;
  if (v === 'larger') return parent * 1.2;
  const m = /^(-?\d*\.?\d+)(px|pt|em|rem|%|pc|in|cm|mm)?$/.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  switch (m[2]) {
    case undefined:
      return n === 0 ? 0 : null;
    case 'px':
      return n;
    case 'pt':
      return (n * 4) / 3;
    case 'pc':
      return n * 16;
    case 'in':
      return n * 96;
    case 'cm':
      return (n * 96) / 2.54;
    case 'mm':
      return (n * 96) / 25.4;
    case 'em':
      return n * parent;
    case 'rem':
      return n * 16;
    default:
      return (n / 100) * parent;
  }
}

/** The font size in a `font` shorthand ("bold 14px/20px Arial"), or null. */
function shorthandSize(value: string, parent: number): number | null {
  for (const token of value.split(/\s+/)) {
    const size = fontSizePx(token.split('/')[0] as string, parent);
    if (size !== null && /\d/.test(token)) return size;
  }
  return null;
}

const isBold = (value: string) => /^(?:bold|bolder|[6-9]00)$/i.test(value.trim());

/** The colour in a `background` shorthand, 'image' for an image or gradient alone, or null. */
function backgroundOf(value: string): Rgba | 'image' | null {
  const withoutImages = value.replace(/(?:url|(?:repeating-)?(?:linear|radial|conic)-gradient)\((?:[^()]|\([^()]*\))*\)/gi, ' IMAGE ');
  for (const token of withoutImages.match(/#[0-9a-f]{3,8}\b|(?:rgba?|hsla?)\([^()]*\)|[a-z]+/gi) ?? []) {
    const colour = parseColour(token);
    if (colour) return colour;
  }
  return withoutImages.includes(' IMAGE ') ? 'image' : null;
}

function hiddenBy(decl: Map<string, string>, el: QaElement): boolean {
  if (el.attrs.has('hidden')) return true;
  const display = decl.get('display');
  if (display !== undefined && /^none\b/i.test(display)) return true;
  const visibility = decl.get('visibility');
  if (visibility !== undefined && /^(?:hidden|collapse)\b/i.test(visibility)) return true;
  const opacity = decl.get('opacity');
  if (opacity !== undefined && Number.parseFloat(opacity) === 0) return true;
  // The preheader trick: no height and nothing overflowing it.
  const overflow = decl.get('overflow') ?? decl.get('overflow-y');
  const zero = (v: string | undefined) => v !== undefined && /^0(?:px|em|rem|%)?$/i.test(v.trim());
  if ((zero(decl.get('max-height')) || zero(decl.get('height'))) && overflow !== undefined && /hidden/i.test(overflow)) return true;
  return false;
}

/**
 * The computed style of every element, in document order (a parent's comes before its children's).
 */
export function computeStyles(doc: HtmlDocument, rules: readonly StyleRule[]): Computed[] {
  // Rules by the rightmost compound's most selective part, so that each element is tested against few.
  const byId = new Map<string, StyleRule[]>();
  const byClass = new Map<string, StyleRule[]>();
  const byTag = new Map<string, StyleRule[]>();
  const universal: StyleRule[] = [];
  const add = (map: Map<string, StyleRule[]>, key: string, rule: StyleRule) => {
    const list = map.get(key);
    if (list) list.push(rule);
    else map.set(key, [rule]);
  };
  for (const rule of rules) {
    const last = (rule.selector.parts[rule.selector.parts.length - 1] as Selector['parts'][number]).compound;
    if (last.id) add(byId, last.id, rule);
    else if (last.classes.length) add(byClass, last.classes[0] as string, rule);
    else if (last.tag) add(byTag, last.tag, rule);
    else universal.push(rule);
  }

  const out: Computed[] = [];
  const root: Computed = { color: null, background: null, fontSize: 16, bold: false, upper: false, hidden: false };
  for (let index = 0; index < doc.elements.length; index++) {
    const el = doc.elements[index] as QaElement;
    const parent = el.parent >= 0 ? (out[el.parent] as Computed) : root;

    // The declarations that apply, lowest priority first: rules by specificity and order, then the
    // style attribute; !important ones after all of those.
    const candidates: StyleRule[] = [...universal, ...(byTag.get(el.tag) ?? [])];
    const id = el.attrs.get('id');
    if (id) candidates.push(...(byId.get(id) ?? []));
    const cls = el.attrs.get('class');
    if (cls) for (const c of new Set(cls.split(/\s+/).filter(Boolean))) candidates.push(...(byClass.get(c) ?? []));
    const applied = candidates.length ? [...new Set(candidates)].filter((rule) => matches(doc, index, rule.selector)).sort((a, b) => a.selector.specificity - b.selector.specificity || a.order - b.order) : [];
    const decl = new Map<string, string>();
    const important = new Map<string, string>();
    for (const rule of applied) for (const d of rule.declarations) (d.important ? important : decl).set(d.property, d.value);
    const inline = el.attrs.get('style');
    if (inline) for (const d of parseDeclarations(inline)) (d.important ? important : decl).set(d.property, d.value);
    for (const [k, v] of important) decl.set(k, v);

    // Presentational attributes and the mail app's defaults, below any CSS.
    let fontSize = parent.fontSize;
    const heading = HEADING_SIZE[el.tag];
    if (heading !== undefined) fontSize = parent.fontSize * heading;
    else if (el.tag === 'small' || el.tag === 'sub' || el.tag === 'sup') fontSize = parent.fontSize / 1.2;
    let color = parent.color;
    let bold = parent.bold || BOLD_TAGS.has(el.tag);
    if (el.tag === 'font') {
      const sizeAttr = (el.attrs.get('size') ?? '').trim();
      const n = Number.parseInt(sizeAttr, 10);
      // "+1" and "-1" are relative to the default size, 3.
      if (Number.isFinite(n)) fontSize = FONT_SIZES[Math.min(7, Math.max(1, /^[+-]/.test(sizeAttr) ? 3 + n : n)) - 1] as number;
      const c = parseColour(el.attrs.get('color') ?? '');
      if (c) color = c;
    }
    // A link's colour is the app's link blue unless a rule or style on the link itself sets one.
    if (el.tag === 'a' && el.attrs.has('href') && !decl.has('color')) color = LINK_BLUE;
    let background: Computed['background'] = parent.background;
    const bgAttr = el.attrs.get('bgcolor');
    const attrColour = bgAttr ? parseColour(bgAttr) : null;
    if (attrColour && attrColour.a > 0) background = attrColour;

    // CSS.
    const size = decl.get('font-size');
    const sized = size !== undefined ? fontSizePx(size, parent.fontSize) : decl.has('font') ? shorthandSize(decl.get('font') as string, parent.fontSize) : null;
    if (sized !== null) fontSize = sized;
    const weight = decl.get('font-weight');
    if (weight !== undefined) bold = isBold(weight);
    else if (decl.has('font') && /\b(?:bold|[6-9]00)\b/i.test(decl.get('font') as string)) bold = true;
    const cssColour = decl.get('color');
    if (cssColour !== undefined) {
      const c = parseColour(cssColour);
      if (c) color = c;
      else if (/^inherit$/i.test(cssColour.trim())) color = parent.color;
    }
    const bg = decl.get('background-color') ?? decl.get('background');
    if (bg !== undefined) {
      const found = decl.has('background-color') ? parseColour(bg) : backgroundOf(bg);
      if (found === 'image') background = 'image';
      else if (found && found.a > 0) background = over(found, background === null || background === 'image' ? DEFAULT_BACKGROUND : background);
    }
    if (decl.has('background-image') && /url\(|gradient\(/i.test(decl.get('background-image') as string) && !decl.has('background-color') && !bgAttr) background = 'image';
    const transform = decl.get('text-transform');
    const upper = transform !== undefined ? /^uppercase\b/i.test(transform) : parent.upper;

    out.push({ color, background, fontSize, bold, upper, hidden: parent.hidden || hiddenBy(decl, el) });
  }
  return out;
}
