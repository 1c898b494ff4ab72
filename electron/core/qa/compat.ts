/**
 * Client compatibility (compat.* codes): every HTML element, attribute and CSS feature of a draft
 * that a mail client does not support, from the caniemail.com data set through the caniemail
 * package, one finding per feature naming its clients and lines.
 *
 * caniemail is given stand-ins rather than the draft itself, so that its time does not grow with
 * the draft's repetitions (a newsletter repeats the same few element shapes and style declarations
 * thousands of times) and deep nesting cannot exhaust its recursive walk: each distinct element (its
 * tag, its attribute names and the few values caniemail reads) once per line, each <style> block
 * as it is (its lines shifted to where the block starts), and each distinct inline declaration once
 * per line. Every stand-in line maps back to the lines of the draft it stands for.
 */
import { caniemail, rawData } from 'caniemail';
import type { HtmlDocument, QaElement } from './document';
import { FAMILIES, familyOf, type ClientFamily } from './families';
import { lineList, plural, qaFinding, sample } from './qa-finding';
import { parseDeclarations } from './style';
import type { QaFinding } from './types';

/** Distinct inline declarations (and element shapes) checked; a draft with more is checked up to there. */
const MAX_DISTINCT = 5000;
/** Lines kept per feature. */
const MAX_LINES = 1000;
/** The selector of the stand-in rules inline declarations are checked in; its own finding is not the draft's. */
const STAND_IN_SELECTOR = 'a';
const STAND_IN_TITLE = 'Type selector';
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'basefont', 'bgsound', 'param', 'keygen', 'frame']);
/** Attributes whose value caniemail reads (input and button types, meta names); other values do not matter to it. */
const VALUE_READ = new Set(['type', 'name']);

interface RawFeature {
  title: string;
  url: string;
  category: string;
  stats: Record<string, Record<string, Record<string, string>>>;
}

const FEATURES = new Map<string, RawFeature>((rawData.data as unknown as RawFeature[]).map((f) => [f.title, f]));

/**
 * caniemail's checker throws when a feature has no entry at all for a client it is asked about
 * (Thunderbird on Windows lacks 273 of 307, and every client lacks word-wrap). Such gaps are filled
 * once, in the data the checker reads, with "u" (unknown), and unknown support is never reported.
 */
let filled = false;
function fillGaps(): void {
  if (filled) return;
  filled = true;
  const clients = Object.values(FAMILIES).flatMap((f) => Object.keys(f.clients));
  for (const feature of FEATURES.values()) {
    for (const client of clients) {
      const [family, platform] = client.split('.') as [string, string];
      const byPlatform = (feature.stats[family] ??= {});
      byPlatform[platform] ??= { '0': 'u' };
    }
  }
}

/** The data's word for a client's support of a feature, at its latest version (as caniemail reads it). */
function rawSupport(title: string, client: string): string {
  const [family, platform] = client.split('.') as [string, string];
  const versions = FEATURES.get(title)?.stats[family]?.[platform];
  if (!versions) return 'u';
  const latest = Object.keys(versions).sort().pop();
  return latest === undefined ? 'u' : (versions[latest] ?? 'u');
}

interface Position {
  start: { line: number };
}

interface Issue {
  title: string;
  support: string;
  notes: string[];
  position?: Position;
}

interface Feature {
  none: Set<string>;
  partial: Set<string>;
  notes: Set<string>;
  lines: Set<number>;
}

/**
 * Runs caniemail and adds what it found to `features`: each issue's line is `lineOf(issue)` in the
 * text given, which `expand` maps to the draft's lines when that text is made of stand-ins.
 */
function collect(
  features: Map<string, Feature>,
  clients: string[],
  input: { html?: string; css?: string },
  lineOf: (issue: Issue) => number | undefined,
  expand: (line: number) => readonly number[] = (line) => [line],
  skip?: string,
): void {
  const { issues } = caniemail({ clients: clients as Parameters<typeof caniemail>[0]['clients'], ...input });
  for (const [kind, map] of [['none', issues.errors], ['partial', issues.warnings]] as const) {
    for (const [client, list] of map as unknown as Map<string, Issue[]>) {
      for (const issue of list) {
        if (issue.title === skip) continue;
        // Unknown support (no test result) is no finding.
        if (rawSupport(issue.title, client).startsWith('u')) continue;
        const feature = features.get(issue.title) ?? { none: new Set(), partial: new Set(), notes: new Set(), lines: new Set() };
        feature[kind].add(client);
        for (const note of issue.notes) feature.notes.add(note.replace(/`/g, ''));
        const line = lineOf(issue);
        if (line !== undefined) {
          for (const l of expand(line)) {
            if (feature.lines.size >= MAX_LINES) break;
            feature.lines.add(l);
          }
        }
        features.set(issue.title, feature);
      }
    }
  }
}

/** An image URL as caniemail reads its format: only the extension, or a data URI's type, is kept. */
function imageStandIn(url: string): string {
  const mime = /^\s*data:([^;,]+)/i.exec(url)?.[1];
  if (mime) return `data:${mime.toLowerCase()};`;
  const ext = /\.([a-z0-9]+)$/i.exec(url.split(/[?#]/, 1)[0] ?? '')?.[1];
  return ext ? `x.${ext.toLowerCase()}` : 'x';
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** An element as caniemail reads it, written as one line of HTML; null for what it cannot stand for. */
function elementStandIn(el: QaElement): string | null {
  if (!/^[a-z][a-z0-9-]*$/.test(el.tag) || el.tag === 'plaintext') return null;
  const attrs: string[] = [];
  for (const [name, value] of el.attrs) {
    if (!/^[^\s"'<>/=]+$/.test(name)) continue;
    let kept = '';
    if (name === 'href') kept = value.trim().startsWith('#') ? '#' : /^\s*mailto:/i.test(value) ? 'mailto:' : 'x';
    else if (name === 'src' || name === 'background') kept = imageStandIn(value);
    else if (name === 'srcset') kept = value.split(',').map((c) => imageStandIn(c.trim().split(/\s+/, 1)[0] ?? '')).join(', ');
    else if (VALUE_READ.has(name)) kept = value.trim().slice(0, 100);
    attrs.push(kept ? `${name}="${escapeAttribute(kept)}"` : name);
  }
  const open = `<${el.tag}${attrs.length ? ` ${attrs.sort().join(' ')}` : ''}>`;
  return VOID.has(el.tag) ? open : `${open}</${el.tag}>`;
}

/** The line an at-rule issue (which caniemail gives no position) is on: the first use of its keyword. */
function atRuleLine(css: string, firstLine: number, title: string): number | undefined {
  const keyword = /^@[a-z-]+/i.exec(title)?.[0];
  if (!keyword) return undefined;
  const at = css.toLowerCase().indexOf(keyword.toLowerCase());
  if (at < 0) return undefined;
  return firstLine + (css.slice(0, at).match(/\n/g)?.length ?? 0);
}

/** Clients as people name them: "Outlook (Windows, Windows Mail), Gmail" (a family without brackets when all of it). */
export function clientWords(clients: Iterable<string>): string {
  const byFamily = new Map<ClientFamily, string[]>();
  for (const client of clients) {
    const family = familyOf(client);
    if (!family) continue;
    byFamily.set(family, [...(byFamily.get(family) ?? []), client]);
  }
  return [...byFamily.entries()]
    .sort((a, b) => Number(FAMILIES[b[0]].major) - Number(FAMILIES[a[0]].major))
    .map(([family, list]) => {
      const info = FAMILIES[family];
      const all = Object.keys(info.clients);
      if (all.every((c) => list.includes(c))) return info.name;
      return `${info.name} (${all.filter((c) => list.includes(c)).map((c) => info.clients[c]).join(', ')})`;
    })
    .join(', ');
}

const CATEGORY: Record<string, string> = { html: 'HTML', css: 'CSS', image: 'image format', others: 'feature' };

/** The usual fallback for a feature some clients lack, by its caniemail title; a general one otherwise. */
const FALLBACKS: [RegExp, string][] = [
  [/^display:(?:flex|grid)$|^(?:align-items|justify-content|gap|flex-|grid-)/, 'lay the content out with tables (or let it stack as blocks) for them, and keep flex or grid for the clients that have it'],
  [/^background/, 'set a background colour under the image so that the text stays readable without it (Outlook on Windows shows background images only through VML)'],
  [/^border-radius/, 'accept square corners there, or draw rounded buttons for Outlook on Windows in VML (v:roundrect)'],
  [/^@media/, 'make the layout work at its widest without the media query (a fluid or hybrid layout), and let the query only improve it'],
  [/<style> element|selector|^:|^::/, 'inline the styles that matter into style attributes, so that clients which drop the <style> block keep them'],
  [/image format$/, 'use PNG, JPEG or GIF for images those clients must show'],
  [/<body> element/, 'put the background colour and the styles on a wrapper table inside <body> rather than on <body> itself'],
];

function fallbackFor(title: string): string {
  return FALLBACKS.find(([re]) => re.test(title))?.[1] ?? 'make sure the email still reads well without it';
}

function featureFinding(title: string, f: Feature): QaFinding {
  const info = FEATURES.get(title);
  const what = `${title}${info && !/element|attribute|format|selector|links|anchors|comments/i.test(title) ? ` (${CATEGORY[info.category] ?? info.category})` : ''}`;
  const unsupported = f.none.size > 0;
  const major = [...f.none].some((c) => {
    const family = familyOf(c);
    return family !== undefined && FAMILIES[family].major;
  });
  const lines = [...f.lines].sort((a, b) => a - b);
  const where = lines.length ? ` (${lineList(lines)})` : '';
  const partial = f.partial.size ? `${unsupported ? '; only partly in ' : ' is only partly supported in '}${clientWords(f.partial)}` : '';
  const notes = [...f.notes].slice(0, 3);
  return qaFinding(
    unsupported ? 'compat.unsupported' : 'compat.partial',
    {
      title: unsupported ? `${what}: not supported in ${clientWords(f.none)}${partial}` : `${what}${partial}`,
      detail: `The draft uses ${what}${where}. ${unsupported ? `${clientWords(f.none)} ${f.none.size === 1 ? 'does' : 'do'} not support it: what depends on it is lost or laid out differently there.` : ''}${f.partial.size ? ` ${clientWords(f.partial)} support${f.partial.size === 1 ? 's' : ''} it only in part.` : ''}${notes.length ? ` caniemail.com notes: ${notes.map((n) => `"${sample(n, 200)}"`).join(' ')}` : ''} (caniemail.com data of ${String(rawData.last_update_date).slice(0, 10)}.)`.replace(/\s+/g, ' ').trim(),
      fix: unsupported
        ? `For ${clientWords(f.none)}, ${fallbackFor(title)}; then check a preview of those clients.`
        : 'Check in a preview of those clients that the email still looks right; the notes say which uses of it they do not support.',
      ...(lines.length ? { evidence: plural(lines.length, 'use') + `: ${lineList(lines, 10)}` } : {}),
      ...(info ? { refs: [info.url] } : {}),
      severity: unsupported ? (major ? 'warning' : 'info') : 'info',
    },
    lines,
  );
}

export interface CompatResult {
  findings: QaFinding[];
  notes: string[];
}

/** Compatibility findings for the given client families, for a draft already read (document.ts). */
export function checkCompatibility(doc: HtmlDocument, families: readonly ClientFamily[]): CompatResult {
  fillGaps();
  const clients = families.flatMap((f) => Object.keys(FAMILIES[f].clients));
  const features = new Map<string, Feature>();
  const notes: string[] = [];
  if (clients.length === 0) return { findings: [], notes };

  // Elements: each distinct shape once, one per line (comments stand for themselves once).
  const shapes = new Map<string, number[]>();
  for (const el of doc.elements) {
    const line = elementStandIn(el);
    if (line === null) continue;
    const lines = shapes.get(line);
    if (lines) {
      if (lines.length < MAX_LINES) lines.push(el.line);
    } else if (shapes.size < MAX_DISTINCT) shapes.set(line, [el.line]);
  }
  if (doc.comments.length) shapes.set('<!-- -->', doc.comments.slice(0, MAX_LINES));
  if (shapes.size > 0) {
    const standIns = [...shapes.keys()];
    // In an element of no feature of its own: caniemail checks <style> and <script> only inside one.
    const html = `<x-qa>\n${standIns.join('\n')}\n</x-qa>`;
    collect(features, clients, { html }, (issue) => issue.position?.start.line, (line) => shapes.get(standIns[line - 2] as string) ?? []);
  }
  for (const block of doc.styles) {
    if (!block.css.trim()) continue;
    collect(features, clients, { css: block.css }, (issue) => (issue.position ? block.line + issue.position.start.line - 1 : atRuleLine(block.css, block.line, issue.title)));
  }

  // Inline declarations, once each, in stand-in rules one per line.
  const declarations = new Map<string, number[]>();
  for (const el of doc.elements) {
    const style = el.attrs.get('style');
    if (!style) continue;
    for (const d of parseDeclarations(style)) {
      const key = `${d.property}:${d.value.replace(/[\s{}]+/g, ' ').trim()}${d.important ? ' !important' : ''}`;
      const lines = declarations.get(key);
      if (lines) {
        if (lines.length < MAX_LINES) lines.push(el.line);
      } else if (declarations.size < MAX_DISTINCT) declarations.set(key, [el.line]);
    }
  }
  if (declarations.size >= MAX_DISTINCT || shapes.size >= MAX_DISTINCT) {
    notes.push(`The draft has more than ${MAX_DISTINCT} different element shapes or inline style declarations: the compatibility check covers the first ${MAX_DISTINCT} of each.`);
  }
  if (declarations.size > 0) {
    const keys = [...declarations.keys()];
    const css = keys.map((k) => `${STAND_IN_SELECTOR}{${k}}`).join('\n');
    collect(features, clients, { css }, (issue) => issue.position?.start.line, (line) => declarations.get(keys[line - 1] as string) ?? [], STAND_IN_TITLE);
  }

  const findings = [...features.entries()].map(([title, f]) => featureFinding(title, f));
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  findings.sort((a, b) => rank[a.severity] - rank[b.severity] || (a.line ?? 0) - (b.line ?? 0));
  return { findings, notes };
}
