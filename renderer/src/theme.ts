/**
 * The app's Mantine theme: Mantine's defaults, with every text colour at WCAG AA contrast.
 *
 * Mantine's stock palette fails WCAG 2 §1.4.3 (4.5:1 for normal text) in several places: dimmed
 * text is gray.6 (3.3:1 on white), white on a filled orange badge is 2.6:1, the default blue button
 * and links are blue.6 (3.6:1). Rather than pick colours per component, the theme derives each text
 * colour from the palette and darkens (light scheme) or lightens (dark scheme) it until it reaches
 * the ratio against the backgrounds it is drawn on; test/unit/renderer-theme.test.ts holds it there.
 */
import { createTheme, darken, DEFAULT_THEME, lighten, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core';

/** WCAG 2 §1.4.3: normal text needs 4.5:1. */
export const AA_TEXT = 4.5;

/** WCAG 2 relative luminance of a #rrggbb colour. */
export function relativeLuminance(hex: string): number {
  const n = hex.replace('#', '');
  const full = n.length === 3 ? [...n].map((c) => c + c).join('') : n;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two #rrggbb colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Mantine's colour functions answer rgba(); the ratio wants #rrggbb. */
function toHex(color: string): string {
  if (color.startsWith('#')) return color.length === 4 ? `#${[...color.slice(1)].map((c) => c + c).join('')}` : color.toLowerCase();
  const parts = /rgba?\(([^)]+)\)/.exec(color)?.[1]?.split(',').map((p) => Number.parseFloat(p)) ?? [0, 0, 0];
  return `#${parts
    .slice(0, 3)
    .map((v) => Math.round(v).toString(16).padStart(2, '0'))
    .join('')}`;
}

/** `color`, darkened (or lightened) in small steps until it reaches `ratio` against every background. */
export function readableOn(color: string, backgrounds: readonly string[], direction: 'darker' | 'lighter', ratio = AA_TEXT): string {
  let current = toHex(color);
  for (let step = 1; step <= 40 && backgrounds.some((bg) => contrastRatio(current, bg) < ratio); step++) {
    current = toHex(direction === 'darker' ? darken(color, step * 0.025) : lighten(color, step * 0.025));
  }
  return current;
}

const { colors } = DEFAULT_THEME;
const shade = (tuple: MantineColorsTuple | undefined, i: number): string => tuple?.[i] ?? '#000000';
const gray = (i: number) => shade(colors.gray, i);
const dark = (i: number) => shade(colors.dark, i);

/** Where text sits in the light scheme: the page, striped and hovered rows, papers. */
export const LIGHT_SURFACES = ['#ffffff', gray(0), gray(1)] as const;
/** Where text sits in the dark scheme: the page (dark.7), papers and inputs (dark.6), hovered rows (dark.5). */
export const DARK_SURFACES = [dark(7), dark(6), dark(5)] as const;

/** Filled buttons and badges use shade 8: white on blue.8 is 5:1, where blue.6 was 3.6:1. */
const PRIMARY_SHADE = 8;

/**
 * Above this luminance a filled colour gets black text, below it white.
 *
 * White reaches 4.5:1 up to a luminance of 0.183 and black from 0.175, so any cut between the two
 * gives every filled colour readable text; 0.19 keeps white on red.8 (4.5:1), as people expect.
 */
export const LUMINANCE_THRESHOLD = 0.19;

/** The text variables Mantine derives from the palette, recomputed to reach AA. */
export function accessibleColorVariables(): { light: Record<string, string>; dark: Record<string, string> } {
  // Dimmed text also sits in tinted places: light alerts, a highlighted table row.
  const tints = Object.entries(colors).filter(([name]) => name !== 'dark');
  const light: Record<string, string> = {
    '--mantine-color-dimmed': readableOn(gray(6), [...LIGHT_SURFACES, ...tints.map(([, t]) => shade(t, 1))], 'darker'),
    '--mantine-color-anchor': readableOn(shade(colors.blue, PRIMARY_SHADE), LIGHT_SURFACES, 'darker'),
    '--mantine-color-error': readableOn(shade(colors.red, 6), LIGHT_SURFACES, 'darker'),
    '--mantine-color-placeholder': readableOn(gray(5), ['#ffffff'], 'darker'),
  };
  const darkVars: Record<string, string> = {
    '--mantine-color-dimmed': readableOn(dark(2), [...DARK_SURFACES, ...tints.map(([, t]) => toHex(darken(shade(t, 9), 0.5)))], 'lighter'),
    '--mantine-color-anchor': readableOn(shade(colors.blue, 4), DARK_SURFACES, 'lighter'),
    '--mantine-color-error': readableOn(shade(colors.red, 6), DARK_SURFACES, 'lighter'),
    '--mantine-color-placeholder': readableOn(dark(3), [dark(6)], 'lighter'),
  };
  for (const [name, tuple] of Object.entries(colors)) {
    if (name === 'dark' || name === 'gray') continue;
    // Light badges, alerts and subtle buttons draw on shade 1, and on shade 2 when hovered.
    const lightBgs = [shade(tuple, 1), shade(tuple, 2)];
    // Text (c="red") on the page, and light badges and alerts: shade 9 on shade 1.
    light[`--mantine-color-${name}-text`] = readableOn(shade(tuple, PRIMARY_SHADE), [...LIGHT_SURFACES, ...lightBgs], 'darker');
    light[`--mantine-color-${name}-light-color`] = readableOn(shade(tuple, 9), [...LIGHT_SURFACES, ...lightBgs], 'darker');
    // Outline variants draw their text in the outline colour.
    light[`--mantine-color-${name}-outline`] = readableOn(shade(tuple, PRIMARY_SHADE), LIGHT_SURFACES, 'darker');
    const darkLightBgs = [toHex(darken(shade(tuple, 9), 0.5)), toHex(darken(shade(tuple, 9), 0.3))];
    darkVars[`--mantine-color-${name}-text`] = readableOn(shade(tuple, 4), DARK_SURFACES, 'lighter');
    darkVars[`--mantine-color-${name}-light-color`] = readableOn(shade(tuple, 0), [...darkLightBgs, ...DARK_SURFACES], 'lighter');
    darkVars[`--mantine-color-${name}-outline`] = readableOn(shade(tuple, 4), DARK_SURFACES, 'lighter');
  }
  return { light, dark: darkVars };
}

const resolved = accessibleColorVariables();

export const cssVariablesResolver: CSSVariablesResolver = () => ({ variables: {}, light: resolved.light, dark: resolved.dark });

export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: PRIMARY_SHADE, dark: PRIMARY_SHADE },
  autoContrast: true,
  luminanceThreshold: LUMINANCE_THRESHOLD,
  components: {
    // WCAG 2 §1.4.1: a link inside text must not differ by colour alone.
    Anchor: { defaultProps: { underline: 'always' } },
    // A loader is a status: its aria-label ("Loading history") needs a role to be read (ARIA 1.2).
    Loader: { defaultProps: { role: 'status' } },
  },
});
