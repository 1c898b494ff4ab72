/**
 * The score trend as a small inline SVG line chart: drawn from presentation attributes only (no
 * script, no stylesheet, nothing fetched), so the report's Content Security Policy lets it through
 * and it prints as drawn. The chart is a picture of the table beside it, which carries the values
 * as text; its <title> gives it an accessible name (SVG 2 §5.9, WAI-ARIA role img).
 */
import { escapeHtml } from './page';
import type { TrendPoint } from './changes';

const WIDTH = 360;
const HEIGHT = 140;
const LEFT = 34;
const RIGHT = 16;
const TOP = 18;
const BOTTOM = 26;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;
const INK = '#1a1a1a';
const MUTED = '#4a4a4a';
const GRID = '#c8c8c8';
const LINE = '#0b5394';

/** One decimal at most: the same points always give the same text. */
const n = (value: number) => String(Math.round(value * 10) / 10);

const day = (startedAt: string) => {
  const at = new Date(startedAt);
  return Number.isNaN(at.getTime()) ? startedAt.slice(0, 10) : at.toISOString().slice(0, 10);
};

/** `name` is the chart's accessible name; `id` keeps its title apart from the other domains' in one file. */
export function trendSvg(points: readonly TrendPoint[], name: string, id: string): string {
  const x = (i: number) => LEFT + (points.length === 1 ? PLOT_W / 2 : (i * PLOT_W) / (points.length - 1));
  const y = (score: number) => TOP + ((100 - Math.min(100, Math.max(0, score))) / 100) * PLOT_H;
  const out: string[] = [
    `<svg role="img" aria-labelledby="${id}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" style="max-width:100%;height:auto" font-size="11">`,
    `<title id="${id}">${escapeHtml(name)}</title>`,
  ];
  for (const score of [0, 50, 100]) {
    out.push(`<line x1="${LEFT}" y1="${n(y(score))}" x2="${WIDTH - RIGHT}" y2="${n(y(score))}" stroke="${GRID}" stroke-width="1"/>`);
    out.push(`<text x="${LEFT - 6}" y="${n(y(score) + 4)}" text-anchor="end" fill="${MUTED}">${score}</text>`);
  }
  out.push(`<polyline points="${points.map((p, i) => `${n(x(i))},${n(y(p.score))}`).join(' ')}" fill="none" stroke="${LINE}" stroke-width="2" stroke-linejoin="round"/>`);
  points.forEach((p, i) => {
    out.push(`<circle cx="${n(x(i))}" cy="${n(y(p.score))}" r="3.5" fill="${LINE}"/>`);
    out.push(`<text x="${n(x(i))}" y="${n(y(p.score) - 7)}" text-anchor="middle" fill="${INK}">${escapeHtml(p.grade)}</text>`);
  });
  const first = points[0];
  const last = points[points.length - 1];
  if (first) out.push(`<text x="${LEFT}" y="${HEIGHT - 6}" text-anchor="start" fill="${MUTED}">${escapeHtml(day(first.startedAt))}</text>`);
  if (last && points.length > 1) out.push(`<text x="${WIDTH - RIGHT}" y="${HEIGHT - 6}" text-anchor="end" fill="${MUTED}">${escapeHtml(day(last.startedAt))}</text>`);
  out.push('</svg>');
  return out.join('');
}
