/**
 * Accessibility checks of a draft (a11y.* codes): what a screen reader, a reader with low vision or
 * a reader on a phone meets in it, judged from the HTML and the email's own colours and sizes.
 *
 * The rules follow WCAG 2.2 where it has one (the success criterion is cited in each finding) and
 * the common advice for email where it does not (text under 14 px, paragraphs in capitals).
 */
import { AA_LARGE, AA_NORMAL, contrastRatio, hex, isLargeText, over } from '../../shared/colour';
import type { HtmlDocument, QaElement } from './document';
import { lineList, plural, qaFinding, sample } from './qa-finding';
import { DEFAULT_BACKGROUND, DEFAULT_TEXT, type Computed } from './style';
import type { QaFinding } from './types';

/** Below this many CSS pixels, text is small (the usual advice for email read on phones). */
export const SMALL_TEXT_PX = 14;
/** A paragraph with at least this many letters, every one a capital, is "all caps"; a button's "SHOP NOW" is not. */
export const ALL_CAPS_LETTERS = 40;
/** Link text that says nothing of the destination (WCAG 2.2 SC 2.4.4 and 2.4.9). */
const VAGUE_LINK_TEXT = new Set([
  'click here', 'click', 'here', 'click this link', 'this link', 'link', 'this', 'read more', 'more', 'learn more',
  'more info', 'more information', 'details', 'find out more', 'see more', 'continue', 'go', 'view', 'view more',
]);
const HEADINGS: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
const BLOCKS = new Set(['p', 'div', 'td', 'th', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'center', 'section', 'header', 'footer', 'dd', 'dt', 'caption', 'body']);
/** Findings of one kind listed at most; the rest are counted. */
const MAX_GROUPS = 20;

const hasLetters = (text: string) => /[\p{L}\p{N}]/u.test(text);

interface Context {
  doc: HtmlDocument;
  styles: Computed[];
  /** For each element: the nearest enclosing link (an <a href>), or -1. */
  linkOf: Int32Array;
  /** For each element: the nearest enclosing block (paragraph, cell, list item...), or -1. */
  blockOf: Int32Array;
}

const el = (ctx: Context, index: number) => ctx.doc.elements[index] as QaElement;
const shown = (ctx: Context, index: number) => index < 0 || !(ctx.styles[index] as Computed).hidden;

function context(doc: HtmlDocument, styles: Computed[]): Context {
  const n = doc.elements.length;
  const linkOf = new Int32Array(n);
  const blockOf = new Int32Array(n);
  // A parent comes before its children, so one pass in order fills both.
  for (let i = 0; i < n; i++) {
    const e = doc.elements[i] as QaElement;
    linkOf[i] = e.tag === 'a' && e.attrs.has('href') ? i : e.parent >= 0 ? (linkOf[e.parent] as number) : -1;
    blockOf[i] = BLOCKS.has(e.tag) ? i : e.parent >= 0 ? (blockOf[e.parent] as number) : -1;
  }
  return { doc, styles, linkOf, blockOf };
}

function missingLang(ctx: Context): QaFinding | null {
  const html = ctx.doc.elements.find((e) => e.tag === 'html');
  const lang = (html?.attrs.get('lang') ?? html?.attrs.get('xml:lang') ?? '').trim();
  if (lang && lang.toLowerCase() !== 'und') return null;
  const undetermined = lang.toLowerCase() === 'und';
  return qaFinding(
    'a11y.missing-lang',
    {
      title: undetermined ? 'The language is set to "und" (undetermined)' : 'The <html> element has no lang attribute',
      detail: `${undetermined ? 'lang="und" says the language is unknown' : 'Without a lang attribute'}, screen readers fall back to the reader's own language setting and may read the email with the wrong voice and pronunciation; translation and hyphenation guess too.`,
      fix: 'Name the language on the <html> element, e.g. <html lang="en"> or <html lang="de">; in MJML, on the root: <mjml lang="en">.',
      ...(html ? { evidence: `<html${lang ? ` lang="${lang}"` : ''}> on line ${html.line}` } : {}),
      refs: ['WCAG 2.2 SC 3.1.1'],
    },
    [html?.line ?? 1],
  );
}

function missingTitle(ctx: Context): QaFinding | null {
  if (ctx.doc.title) return null;
  const head = ctx.doc.elements.find((e) => e.tag === 'head' || e.tag === 'title');
  return qaFinding(
    'a11y.missing-title',
    {
      title: ctx.doc.title === '' ? 'The <title> is empty' : 'No <title>',
      detail: 'A screen reader announces the title when the email opens in a browser ("view online") or a web-based mail app that shows it, and the browser tab shows it. Without one, the page has no name.',
      fix: 'Add a <title> to the <head> that says what the email is, usually its subject: <title>Your March statement</title>. In MJML: <mj-title>.',
      refs: ['WCAG 2.2 SC 2.4.2'],
    },
    [head?.line ?? 1],
  );
}

function imagesWithoutAlt(ctx: Context): QaFinding | null {
  const missing: QaElement[] = [];
  ctx.doc.elements.forEach((e, i) => {
    if (e.tag === 'img' && !e.attrs.has('alt') && shown(ctx, i)) missing.push(e);
  });
  if (missing.length === 0) return null;
  return qaFinding(
    'a11y.img-no-alt',
    {
      title: `${plural(missing.length, 'image')} without alt text`,
      detail: `${plural(missing.length, 'image has', 'images have')} no alt attribute (${lineList(missing.map((e) => e.line))}). Screen readers read the file name instead, and mail apps that block images show an empty box where the image should be.`,
      fix: 'Give each image an alt attribute that says what it shows or does (alt="Spring sale: 20% off all shoes"); give decorative images (spacers, dividers) an empty one, alt="", so screen readers skip them.',
      evidence: missing
        .slice(0, 5)
        .map((e) => `line ${e.line}: <img src="${sample(e.attrs.get('src') ?? '', 80)}">`)
        .join('; '),
      refs: ['WCAG 2.2 SC 1.1.1'],
    },
    missing.map((e) => e.line),
  );
}

function layoutTables(ctx: Context): QaFinding | null {
  const { elements } = ctx.doc;
  // A table with header cells, a caption or a header row group is a data table: it keeps its role.
  const data = new Set<number>();
  elements.forEach((e, i) => {
    if (e.tag === 'table' && e.attrs.has('summary')) data.add(i);
    if (e.tag !== 'th' && e.tag !== 'caption' && e.tag !== 'thead') return;
    for (let up = e.parent; up >= 0; up = el(ctx, up).parent) {
      if (el(ctx, up).tag === 'table') {
        data.add(up);
        break;
      }
    }
  });
  const layout = elements.filter((e, i) => e.tag === 'table' && !data.has(i) && !/^(?:presentation|none)$/i.test((e.attrs.get('role') ?? '').trim()) && shown(ctx, i));
  if (layout.length === 0) return null;
  return qaFinding(
    'a11y.layout-table',
    {
      title: `${plural(layout.length, 'layout table')} without role="presentation"`,
      detail: `${plural(layout.length, 'table lays', 'tables lay')} out the email (${lineList(layout.map((e) => e.line))}) without role="presentation". Screen readers announce each one as a data table ("table, 3 rows, 2 columns") and read cell by cell, which buries the message under structure.`,
      fix: 'Add role="presentation" to every table used for layout: <table role="presentation" cellpadding="0" cellspacing="0">. Keep real data tables (with <th> header cells) as they are.',
      evidence: layout
        .slice(0, 5)
        .map((e) => `line ${e.line}: <table${e.attrs.has('role') ? ` role="${e.attrs.get('role')}"` : ''}>`)
        .join('; '),
      refs: ['WCAG 2.2 SC 1.3.1', 'WAI-ARIA 1.2 role presentation'],
    },
    layout.map((e) => e.line),
  );
}

function headingOrder(ctx: Context): QaFinding | null {
  const skips: { from: QaElement; to: QaElement }[] = [];
  let previous: QaElement | null = null;
  ctx.doc.elements.forEach((e, i) => {
    const level = HEADINGS[e.tag];
    if (level === undefined || !shown(ctx, i)) return;
    if (previous && level > (HEADINGS[previous.tag] as number) + 1) skips.push({ from: previous, to: e });
    previous = e;
  });
  if (skips.length === 0) return null;
  const first = skips[0] as { from: QaElement; to: QaElement };
  return qaFinding(
    'a11y.heading-order',
    {
      title: `Heading levels skip: <${first.from.tag}> then <${first.to.tag}>`,
      detail: `${plural(skips.length, 'heading skips', 'headings skip')} a level: ${skips
        .slice(0, 5)
        .map((s) => `<${s.from.tag}> (line ${s.from.line}) → <${s.to.tag}> (line ${s.to.line})`)
        .join(', ')}. Screen-reader users move through an email by its headings; a missing level reads as a missing section.`,
      fix: 'Use heading levels in order, one level down at a time (h1, h2, h3), and set their size with CSS rather than by picking another level.',
      refs: ['WCAG 2.2 SC 1.3.1', 'WCAG 2.2 technique G141'],
    },
    skips.map((s) => s.to.line),
  );
}

function vagueLinks(ctx: Context): QaFinding | null {
  const { doc } = ctx;
  const text = new Map<number, string>();
  for (const t of doc.texts) {
    const link = t.element >= 0 ? (ctx.linkOf[t.element] as number) : -1;
    if (link >= 0 && shown(ctx, t.element)) text.set(link, `${text.get(link) ?? ''} ${t.text}`);
  }
  doc.elements.forEach((e, i) => {
    const link = ctx.linkOf[i] as number;
    if (e.tag === 'img' && link >= 0 && e.attrs.get('alt')) text.set(link, `${text.get(link) ?? ''} ${e.attrs.get('alt')}`);
  });
  const vague: { link: QaElement; text: string }[] = [];
  doc.elements.forEach((e, i) => {
    if (ctx.linkOf[i] !== i || !shown(ctx, i)) return;
    const name = (e.attrs.get('aria-label') ?? text.get(i) ?? '').replace(/\s+/g, ' ').trim();
    const words = name.toLowerCase().replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '');
    if (words === '' || VAGUE_LINK_TEXT.has(words)) vague.push({ link: e, text: name });
  });
  if (vague.length === 0) return null;
  const empty = vague.filter((v) => v.text === '').length;
  return qaFinding(
    'a11y.vague-link',
    {
      title: `${plural(vague.length, 'link')} whose text does not say where ${vague.length === 1 ? 'it goes' : 'they go'}`,
      detail: `${vague
        .slice(0, 5)
        .map((v) => (v.text ? `"${sample(v.text, 40)}"` : 'a link with no text') + ` (line ${v.link.line})`)
        .join(', ')}${vague.length > 5 ? ` and ${vague.length - 5} more` : ''}. Screen-reader users often list an email's links on their own, where "click here" says nothing${empty ? '; a link with no text (an image without alt text) is read as its address' : ''}.`,
      fix: 'Make each link say what it opens: "Read the full March report" rather than "Read more", "Track your parcel" rather than "Click here". A linked image needs alt text that says where it goes.',
      evidence: vague
        .slice(0, 5)
        .map((v) => `line ${v.link.line}: <a href="${sample(v.link.attrs.get('href') ?? '', 80)}">${sample(v.text, 40)}</a>`)
        .join('; '),
      refs: ['WCAG 2.2 SC 2.4.4', 'WCAG 2.2 SC 2.4.9'],
    },
    vague.map((v) => v.link.line),
  );
}

function smallText(ctx: Context): QaFinding | null {
  const small = new Map<number, { lines: number[]; samples: string[] }>();
  for (const t of ctx.doc.texts) {
    if (t.element < 0 || !shown(ctx, t.element) || !hasLetters(t.text)) continue;
    const size = (ctx.styles[t.element] as Computed).fontSize;
    // Text of 1 px and less is hidden on purpose (a preheader), not small.
    if (size >= SMALL_TEXT_PX || size <= 1) continue;
    const key = Math.round(size * 10) / 10;
    const entry = small.get(key) ?? { lines: [], samples: [] };
    entry.lines.push(t.line);
    if (entry.samples.length < 3) entry.samples.push(`line ${t.line}: "${sample(t.text, 40)}"`);
    small.set(key, entry);
  }
  if (small.size === 0) return null;
  const sizes = [...small.entries()].sort((a, b) => a[0] - b[0]);
  const all = sizes.flatMap(([, e]) => e.lines);
  return qaFinding(
    'a11y.small-text',
    {
      title: `Text smaller than ${SMALL_TEXT_PX} px in ${plural(all.length, 'place')} (smallest ${sizes[0]?.[0]} px)`,
      detail: `${sizes.map(([px, e]) => `${px} px: ${lineList(e.lines)}`).join('; ')}. Text under ${SMALL_TEXT_PX} px is hard to read on a phone, and iOS Mail enlarges it anyway, which can break the layout.`,
      fix: `Set body text to at least ${SMALL_TEXT_PX} px (16 px reads best) and fine print to no less than ${SMALL_TEXT_PX} px; make footers readable rather than small.`,
      evidence: sizes.flatMap(([, e]) => e.samples).slice(0, 5).join('; '),
    },
    all,
  );
}

function lowContrast(ctx: Context): QaFinding[] {
  const groups = new Map<string, { fg: string; bg: string; ratio: number; need: number; lines: number[]; samples: string[] }>();
  for (const t of ctx.doc.texts) {
    if (t.element < 0 || !shown(ctx, t.element) || !hasLetters(t.text)) continue;
    const style = ctx.styles[t.element] as Computed;
    if (style.background === 'image' || style.fontSize <= 1) continue;
    const background = style.background ?? DEFAULT_BACKGROUND;
    const colour = over(style.color ?? DEFAULT_TEXT, background);
    const ratio = contrastRatio(colour, background);
    const need = isLargeText(style.fontSize, style.bold) ? AA_LARGE : AA_NORMAL;
    if (ratio >= need) continue;
    const key = `${hex(colour)} ${hex(background)} ${need}`;
    const group = groups.get(key) ?? { fg: hex(colour), bg: hex(background), ratio, need, lines: [], samples: [] };
    group.lines.push(t.line);
    if (group.samples.length < 3) group.samples.push(`line ${t.line}: "${sample(t.text, 40)}"`);
    groups.set(key, group);
  }
  const ordered = [...groups.values()].sort((a, b) => a.ratio - b.ratio);
  return ordered.slice(0, MAX_GROUPS).map((g) =>
    qaFinding(
      'a11y.low-contrast',
      {
        title: `Text in ${g.fg} on ${g.bg}: contrast ${g.ratio.toFixed(2)}:1, under ${g.need}:1`,
        detail: `${plural(g.lines.length, 'piece')} of ${g.need === AA_LARGE ? 'large ' : ''}text (${lineList(g.lines)}) ${g.lines.length === 1 ? 'is' : 'are'} ${g.fg} on ${g.bg}, a contrast of ${g.ratio.toFixed(2)}:1; WCAG AA asks for ${g.need}:1${g.need === AA_LARGE ? ' for text of 24 px, or 18.66 px bold, and more' : ' (3:1 for text of 24 px, or 18.66 px bold, and more)'}. Readers with low vision, and everyone on a phone in sunlight, struggle to read it. The colours are the email's own (inline styles, its <style> rules, bgcolor and <font color>), before any dark mode.`,
        fix: `Darken the text or lighten the background (or the other way round) until the contrast reaches ${g.need}:1; a contrast checker shows how far each colour must move.`,
        evidence: g.samples.join('; '),
        refs: ['WCAG 2.2 SC 1.4.3'],
      },
      g.lines,
    ),
  );
}

function allCaps(ctx: Context): QaFinding | null {
  const blocks = new Map<number, { cased: number; upper: number; text: string; line: number }>();
  for (const t of ctx.doc.texts) {
    if (t.element < 0 || !shown(ctx, t.element)) continue;
    const block = ctx.blockOf[t.element] as number;
    if (block < 0) continue;
    const transformed = (ctx.styles[t.element] as Computed).upper;
    const entry = blocks.get(block) ?? { cased: 0, upper: 0, text: '', line: t.line };
    for (const ch of t.text) {
      const lower = ch.toLowerCase();
      const upper = ch.toUpperCase();
      if (lower === upper) continue;
      entry.cased++;
      if (transformed || ch === upper) entry.upper++;
    }
    if (entry.text.length < 200) entry.text += ` ${t.text}`;
    blocks.set(block, entry);
  }
  const caps = [...blocks.entries()].filter(([, b]) => b.cased >= ALL_CAPS_LETTERS && b.upper === b.cased).map(([index, b]) => ({ ...b, line: el(ctx, index).line }));
  if (caps.length === 0) return null;
  return qaFinding(
    'a11y.all-caps',
    {
      title: `${plural(caps.length, 'paragraph')} in capitals`,
      detail: `${lineList(caps.map((c) => c.line))}: ${caps
        .slice(0, 3)
        .map((c) => `"${sample(c.text, 50)}"`)
        .join(', ')}. Long runs of capitals read more slowly (words lose their shape), read as shouting, and some screen readers spell words in capitals letter by letter.`,
      fix: 'Write paragraphs in sentence case; for a styled look keep the text in sentence case and use text-transform: uppercase on short labels only, so screen readers get the words.',
    },
    caps.map((c) => c.line),
  );
}

/** Every accessibility finding for a draft whose elements have the given computed styles. */
export function checkAccessibility(doc: HtmlDocument, styles: Computed[]): QaFinding[] {
  const ctx = context(doc, styles);
  const out: (QaFinding | null)[] = [
    missingLang(ctx),
    missingTitle(ctx),
    imagesWithoutAlt(ctx),
    layoutTables(ctx),
    headingOrder(ctx),
    vagueLinks(ctx),
    ...lowContrast(ctx),
    smallText(ctx),
    allCaps(ctx),
  ];
  return out.filter((f): f is QaFinding => f !== null);
}
