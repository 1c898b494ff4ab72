/**
 * Dark mode in the design preview, without a line of script in the frame.
 *
 * The email's own dark styles: its `prefers-color-scheme` media queries are rewritten before the
 * frame gets them, each `(prefers-color-scheme: dark)` or `(… light)` feature replaced by a feature
 * that is always true or never true, whatever the frame's width. So the preview shows the scheme the
 * user picked, not the one the app or the machine happens to be in, and a frame needs neither a
 * script nor a color-scheme that the embedding page would pass on. Nothing else of the CSS changes.
 *
 * The simulations: what mail apps do to an email that has no dark styles of their liking. Full
 * inversion (the Gmail and Outlook apps) turns every colour's lightness over, text and backgrounds
 * alike; partial inversion (Outlook.com) turns light backgrounds dark and dark text light, and
 * leaves dark backgrounds and light text alone. Both are approximations, labelled as such on
 * screen: each app has its own thresholds, and they change.
 */
import { hex, parseColour, type Rgba } from '../../../electron/shared/colour';

export type ColourScheme = 'light' | 'dark';
export type Inversion = 'full' | 'partial';

/** Media features with a constant answer: min-width 0 holds for every frame; a negative max-width for none. */
export const ALWAYS = '(min-width: 0px)';
export const NEVER = '(max-width: -1px)';

const SCHEME_FEATURE = /\(\s*prefers-color-scheme\s*:\s*(light|dark)\s*\)/gi;

/** A media query list (an @media prelude, a media attribute) with its colour-scheme features answered for `scheme`. */
export function mediaForScheme(media: string, scheme: ColourScheme): string {
  return media.replace(SCHEME_FEATURE, (_all, wanted: string) => (wanted.toLowerCase() === scheme ? ALWAYS : NEVER));
}

/** CSS with every @media rule's colour-scheme features answered for `scheme` (see the file comment). */
export function cssForScheme(css: string, scheme: ColourScheme): string {
  return css.replace(/@media\b([^{;]*)\{/gi, (_all, prelude: string) => `@media${mediaForScheme(prelude, scheme)}{`);
}

/** What a colour paints: text and lines in front, or an area behind them. */
export type ColourRole = 'text' | 'background';

/** CSS properties whose colours a mail app inverts, by what they paint. */
const ROLES: Record<string, ColourRole> = {
  color: 'text',
  '-webkit-text-fill-color': 'text',
  'text-decoration-color': 'text',
  'caret-color': 'text',
  // Borders and outlines stand out against a background, as text does.
  border: 'text',
  'border-color': 'text',
  'border-top': 'text',
  'border-right': 'text',
  'border-bottom': 'text',
  'border-left': 'text',
  'border-top-color': 'text',
  'border-right-color': 'text',
  'border-bottom-color': 'text',
  'border-left-color': 'text',
  outline: 'text',
  'outline-color': 'text',
  background: 'background',
  'background-color': 'background',
};

/** The HTML attributes that carry colours, by what they paint. */
export const ATTRIBUTE_ROLES: Record<string, ColourRole> = { bgcolor: 'background', color: 'text', text: 'text', bordercolor: 'text' };

function toHsl({ r, g, b }: Rgba): [number, number, number] {
  const [R, G, B] = [r / 255, g / 255, b / 255];
  const max = Math.max(R, G, B);
  const min = Math.min(R, G, B);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h = max === R ? ((G - B) / d + (G < B ? 6 : 0)) * 60 : max === G ? ((B - R) / d + 2) * 60 : ((R - G) / d + 4) * 60;
  return [h, s, l];
}

function fromHsl(h: number, s: number, l: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    return (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))) * 255;
  };
  return [f(0), f(8), f(4)];
}

/**
 * The colour a mail app would paint instead, or null when it leaves this one alone: full inversion
 * turns the lightness over (hue and saturation kept); partial turns only light backgrounds and dark
 * text over.
 */
export function invertColour(colour: Rgba, role: ColourRole, mode: Inversion): Rgba | null {
  if (colour.a === 0) return null;
  const [h, s, l] = toHsl(colour);
  if (mode === 'partial' && (role === 'background' ? l <= 0.5 : l >= 0.5)) return null;
  const [r, g, b] = fromHsl(h, s, 1 - l);
  return { r, g, b, a: colour.a };
}

const round = (n: number) => Math.round(Math.min(255, Math.max(0, n)));

function cssColour(c: Rgba): string {
  return c.a < 1 ? `rgb(${round(c.r)} ${round(c.g)} ${round(c.b)} / ${Math.round(c.a * 1000) / 1000})` : `rgb(${round(c.r)} ${round(c.g)} ${round(c.b)})`;
}

/** Colour tokens in a CSS value: hex, rgb()/hsl() and words (named colours; other words do not parse). */
const COLOUR_TOKEN = /#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?)\([^()]*\)|\b[a-z]+\b/gi;

/** A CSS value with its colours inverted; what url() holds is never touched (a file may be named red.png). */
function invertValue(value: string, role: ColourRole, mode: Inversion): string {
  return value
    .split(/(url\([^)]*\))/i)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(COLOUR_TOKEN, (token) => {
            const colour = parseColour(token);
            const inverted = colour ? invertColour(colour, role, mode) : null;
            return inverted ? cssColour(inverted) : token;
          }),
    )
    .join('');
}

/** A declaration list (a style attribute, a rule's body) with the colours of its colour properties inverted. */
export function invertDeclarations(declarations: string, mode: Inversion): string {
  return declarations.replace(/(^|[;{\s])([-a-z]+)(\s*:\s*)([^;{}]*)/gi, (all, before: string, property: string, colon: string, value: string) => {
    const role = ROLES[property.toLowerCase()];
    return role ? `${before}${property}${colon}${invertValue(value, role, mode)}` : all;
  });
}

/** A style sheet with the colours of every rule inverted (the declarations inside each innermost {}). */
export function invertCss(css: string, mode: Inversion): string {
  return css.replace(/\{([^{}]*)\}/g, (_all, body: string) => `{${invertDeclarations(body, mode)}}`);
}

/** An HTML colour attribute (bgcolor="#fff") inverted, as #rrggbb (the only form such attributes read); unchanged when it is not a colour. */
export function invertAttribute(value: string, role: ColourRole, mode: Inversion): string {
  const colour = parseColour(value);
  const inverted = colour ? invertColour(colour, role, mode) : null;
  return inverted ? hex(inverted) : value;
}
