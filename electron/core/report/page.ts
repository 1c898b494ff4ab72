/**
 * The parts every HTML report shares: escaping, the embedded result and its hash, the stylesheet
 * and the page around the body.
 *
 * A page is readable with no script, no network and no other file: the CSS is inline and a Content
 * Security Policy forbids every fetch, so hostile content cannot make the report call out. The result
 * it was made from travels inside it, hashed, so the report can be checked and rendered again.
 */
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import type { Finding } from '../audit/types';

export const EMBED_ID = 'deliverlab-result';

/** Text for element content and attribute values: every character that could start markup is an entity. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON that cannot end its <script> element: `<`, `>` and `&` become \u escapes, which JSON.parse
 * reads back as the same characters (HTML §4.12.1.3: only "</script" and "<!--" end or bend the element).
 * DEL and C1, which JSON.stringify leaves raw, are escaped too, so no control character is in the file.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Above this many characters of JSON the result is embedded compressed: a 500-domain portfolio's
 * results are some 15 MB of JSON, about 1.5 MB deflated. A report of one audit stays readable JSON.
 */
export const PLAIN_EMBED_LIMIT = 1024 * 1024;
/** What a compressed result is read back to at most: far above any real report, far below a deflate bomb's reach. */
const MAX_INFLATED = 256 * 1024 * 1024;

/** A result too large to embed as it is: its JSON, deflated (RFC 1950, level 9), in base64. */
interface CompressedResult {
  deliverlab: 'compressed';
  encoding: 'deflate-base64';
  data: string;
}

/** The JSON a page embeds: the value itself, or deflated when it is large. The same value always gives the same text. */
export function embeddedText(value: unknown): { text: string; compressed: boolean } {
  const plain = JSON.stringify(value);
  if (plain.length <= PLAIN_EMBED_LIMIT) return { text: embedJson(value), compressed: false };
  const packed: CompressedResult = { deliverlab: 'compressed', encoding: 'deflate-base64', data: deflateSync(plain, { level: 9 }).toString('base64') };
  return { text: embedJson(packed), compressed: true };
}

const isCompressed = (value: unknown): value is CompressedResult =>
  typeof value === 'object' && value !== null && (value as CompressedResult).deliverlab === 'compressed' && (value as CompressedResult).encoding === 'deflate-base64' && typeof (value as CompressedResult).data === 'string';

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The report's stylesheet. WenQuanYi Micro Hei (Debian's fonts-wqy-microhei) comes after the Latin
 * fonts as the fallback for Chinese, Japanese and Korean text in records: without a CJK font a
 * printed PDF has no glyph for those characters and loses them.
 */
export const CSS = `
:root{color-scheme:light;--ink:#1a1a1a;--muted:#4a4a4a;--line:#c8c8c8;--accent:#0b5394}
*{box-sizing:border-box}
body{margin:0;overflow-wrap:anywhere;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans","WenQuanYi Micro Hei",sans-serif;color:var(--ink);background:#fff}
header,main,footer{max-width:60rem;margin:0 auto;padding:1rem 1.5rem}
h1{font-size:1.8rem;margin:.2rem 0}h2{font-size:1.35rem;margin-top:2rem;border-bottom:2px solid var(--accent)}h3{font-size:1.1rem;margin:1.2rem 0 .3rem}
.domain-section{border-top:4px solid var(--accent);margin-top:2rem}
.cover dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}.cover dt{font-weight:600}.cover dd{margin:0}
.grade{font-size:2.4rem;font-weight:700}
code,pre,.wrap{font-family:"Liberation Mono","WenQuanYi Micro Hei Mono",ui-monospace,monospace;font-size:.85rem;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}
pre{background:#f3f3f3;border:1px solid var(--line);padding:.5rem;margin:.3rem 0}
table{border-collapse:collapse;width:100%;table-layout:fixed}th,td{border:1px solid var(--line);padding:.3rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#eef2f6}
.sev{display:inline-block;padding:0 .4rem;border-radius:.2rem;font-weight:600;color:#fff}
.sev-critical,.st-fail,.st-error{background:#a4000f;color:#fff}.sev-warning,.st-warn{background:#7a4a00;color:#fff}.sev-info,.st-info,.st-skipped{background:#4a4a4a;color:#fff}.st-pass{background:#1e6b30;color:#fff}
.st{display:inline-block;padding:0 .4rem;border-radius:.2rem;font-weight:600}
.muted{color:var(--muted)}
.brand-logo{max-height:4rem;max-width:16rem;display:block;margin-bottom:.4rem}
ol.fixes>li{margin-bottom:.8rem}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
@media print{body{font-size:10.5pt}header,main,footer{max-width:none;padding:0}h2,h3{break-after:avoid}section.check,ol.fixes>li,tr{break-inside:avoid}.domain-section{break-before:page}.domain-section:first-of-type{break-before:auto}pre{background:none}}
`;

export const badge = (cls: string, text: string) => `<span class="${cls}">${escapeHtml(text)}</span>`;
export const sev = (s: Finding['severity']) => badge(`sev sev-${s}`, s);
export const pre = (text: string) => `<pre>${escapeHtml(text)}</pre>`;

/** A consultant's branding, checked by brand.ts (checkBrand) before it reaches a page. */
export interface ReportBrand {
  /** Replaces "Deliverability report: DOMAINS" as the report's title. */
  title?: string | undefined;
  /** The consultant or agency: "Prepared by NAME". */
  name?: string | undefined;
  /** data:image/png|jpeg|svg+xml;base64,... */
  logo?: string | undefined;
  /** #rgb or #rrggbb. */
  accent?: string | undefined;
  footer?: string | undefined;
}

export interface PageParts {
  title: string;
  /** The body between <main> and </main>, already escaped. */
  main: string;
  /** What the embedded result is, for the footer: "the audit result", "the message analysis". */
  resultName: string;
  /** The value embedded and hashed. */
  result: unknown;
  /** The consultant's title, name, logo, accent and footer (checked by brand.ts); none: a neutral page. */
  brand?: ReportBrand;
}

/** The whole file around a report's body; the same parts always give the same bytes. */
export function renderPage(parts: PageParts): string {
  const { text: embedded, compressed } = embeddedText(parts.result);
  const brand = parts.brand ?? {};
  // The accent only colours rules and borders, never text, so any colour keeps the text readable.
  const accent = brand.accent ? `:root{--accent:${brand.accent}}` : '';
  const logo = brand.logo ? `<img class="brand-logo" src="${escapeHtml(brand.logo)}" alt="${escapeHtml(brand.name ? `${brand.name} logo` : 'Logo')}">` : '';
  const prepared = brand.name ? `Prepared by ${escapeHtml(brand.name)} with Deliverlab.` : 'Prepared with Deliverlab.';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // No fetch of any kind: content that smuggles markup past the escaping still cannot call out.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(parts.title)}</title>`,
    `<style>${CSS}${accent}</style>`,
    '</head>',
    '<body>',
    `<header>${logo}<h1>${escapeHtml(parts.title)}</h1><p class="muted">${prepared}</p></header>`,
    '<main>',
    parts.main,
    '</main>',
    `<footer>${brand.footer ? `<p>${escapeHtml(brand.footer)}</p>` : ''}<p>Made by Deliverlab from ${escapeHtml(parts.resultName)} embedded in this file${compressed ? ' (compressed, as JSON deflated and in base64)' : ''}. SHA-256 of that result: <code id="deliverlab-sha256">${sha256(embedded)}</code></p></footer>`,
    `<script type="application/json" id="${EMBED_ID}">${embedded}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export class ReportReadError extends Error {}

/**
 * The value a report embeds, after checking it against the hash in its footer.
 *
 * Throws ReportReadError when the file holds no embedded result, the result was changed or it is
 * not valid JSON; what kind of result it is, the caller checks.
 */
export function readEmbedded(html: string, limits: { maxInflated?: number } = {}): unknown {
  const open = `<script type="application/json" id="${EMBED_ID}">`;
  const start = html.indexOf(open);
  const end = start < 0 ? -1 : html.indexOf('</script>', start + open.length);
  if (start < 0 || end < 0) throw new ReportReadError('the file holds no Deliverlab result (no deliverlab-result block): it is not a Deliverlab HTML report.');
  const embedded = html.slice(start + open.length, end);
  const stated = /id="deliverlab-sha256">([0-9a-f]{64})</.exec(html)?.[1];
  if (!stated) throw new ReportReadError('the report has no SHA-256 in its footer, so its result cannot be checked.');
  if (sha256(embedded) !== stated) throw new ReportReadError('the result embedded in the report does not match the SHA-256 in its footer: the file was changed after it was made.');
  let value: unknown;
  try {
    value = JSON.parse(embedded) as unknown;
  } catch {
    throw new ReportReadError('the result embedded in the report is not valid JSON.');
  }
  if (!isCompressed(value)) return value;
  let inflated: string;
  try {
    inflated = inflateSync(Buffer.from(value.data, 'base64'), { maxOutputLength: limits.maxInflated ?? MAX_INFLATED }).toString('utf8');
  } catch (err) {
    throw new ReportReadError(`the compressed result embedded in the report cannot be read: ${(err as Error).message}.`);
  }
  try {
    return JSON.parse(inflated) as unknown;
  } catch {
    throw new ReportReadError('the compressed result embedded in the report is not valid JSON.');
  }
}

/**
 * Text from a message or a server, with its control characters shown rather than passed through:
 * C0 as the Unicode control pictures (U+2400 block), DEL as U+2421, C1 as "<U+0085>"; tab, line feed
 * and carriage return stay. HTML §13.2.2 makes a raw control a parse error, and a terminal or an
 * editor reading the Markdown or CSV could act on one.
 */
export function visible(text: string): string {
  return text.replace(/[^\P{Cc}\t\n\r]/gu, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}

/** Escaped and with its controls shown: for anything a sender or a remote server wrote. */
export const text = (value: string | null | undefined): string => escapeHtml(visible(value ?? ''));

/** A definition list of label and value pairs, the cover of every report; absent values are left out. */
export function coverHtml(heading: string, rows: readonly (readonly [string, string | null | undefined])[], headingId: string): string {
  const items = rows.filter((r): r is readonly [string, string] => typeof r[1] === 'string' && r[1] !== '');
  return `<div class="cover"><h2 id="${headingId}">${text(heading)}</h2><dl>${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${text(v)}</dd>`).join('')}</dl></div>`;
}

/** A table with a header row; every cell is raw text, escaped here. `wrap` names the columns set in monospace. */
export function tableHtml(head: readonly string[], rows: readonly (readonly string[])[], opts: { caption?: string; wrap?: readonly number[] } = {}): string {
  const wrap = new Set(opts.wrap ?? []);
  const cell = (value: string, i: number) => `<td${wrap.has(i) ? ' class="wrap"' : ''}>${text(value)}</td>`;
  return [
    '<table>',
    opts.caption ? `<caption>${text(opts.caption)}</caption>` : '',
    `<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>`,
    ...rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`),
    '</tbody></table>',
  ].join('');
}
