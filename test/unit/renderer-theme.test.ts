/**
 * The theme's colours against WCAG 2 §1.4.3: every text colour it sets reaches 4.5:1 on the
 * surfaces it is drawn on, in both schemes, and every filled colour gets readable text.
 */
import { DEFAULT_THEME } from '@mantine/core';
import { describe, expect, it } from 'vitest';
import { AA_TEXT, accessibleColorVariables, contrastRatio, DARK_SURFACES, LIGHT_SURFACES, LUMINANCE_THRESHOLD, readableOn, relativeLuminance, theme } from '../../renderer/src/theme';

const colors = DEFAULT_THEME.colors;
const named = Object.keys(colors).filter((c) => c !== 'dark' && c !== 'gray');

describe('contrast arithmetic', () => {
  it('matches the WCAG 2 definition at its known points', () => {
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(relativeLuminance('#fff')).toBeCloseTo(1, 5);
  });

  it('finds the defaults the issue measured failing', () => {
    // Helper text, a filled Warning badge, the primary button and links, as Mantine ships them.
    expect(contrastRatio(colors.gray[6], '#ffffff')).toBeLessThan(3.4);
    expect(contrastRatio('#ffffff', colors.orange[6])).toBeLessThan(2.7);
    expect(contrastRatio('#ffffff', colors.blue[6])).toBeLessThan(3.7);
  });

  it('darkens until the ratio is reached, and leaves a colour that already reaches it', () => {
    const fixed = readableOn(colors.gray[6], ['#ffffff'], 'darker');
    expect(contrastRatio(fixed, '#ffffff')).toBeGreaterThanOrEqual(AA_TEXT);
    expect(readableOn('#000000', ['#ffffff'], 'darker')).toBe('#000000');
  });
});

describe('the theme', () => {
  const vars = accessibleColorVariables();

  it('sets dimmed text, links and errors at 4.5:1 on every light surface', () => {
    for (const name of ['--mantine-color-dimmed', '--mantine-color-anchor', '--mantine-color-error']) {
      for (const surface of LIGHT_SURFACES) expect(contrastRatio(vars.light[name] ?? '', surface), `${name} on ${surface}`).toBeGreaterThanOrEqual(AA_TEXT);
      for (const surface of DARK_SURFACES) expect(contrastRatio(vars.dark[name] ?? '', surface), `${name} on ${surface} (dark)`).toBeGreaterThanOrEqual(AA_TEXT);
    }
  });

  it('keeps dimmed text at 4.5:1 in tinted places (light alerts, a highlighted row)', () => {
    for (const c of named) expect(contrastRatio(vars.light['--mantine-color-dimmed'] ?? '', colors[c]?.[1] ?? ''), `dimmed on ${c}.1`).toBeGreaterThanOrEqual(AA_TEXT);
  });

  it('sets every colour’s text and light-variant text (badges, alerts) at 4.5:1', () => {
    for (const c of named) {
      const tuple = colors[c];
      if (!tuple) continue;
      for (const surface of [...LIGHT_SURFACES, tuple[1], tuple[2]]) {
        expect(contrastRatio(vars.light[`--mantine-color-${c}-text`] ?? '', surface), `${c} text on ${surface}`).toBeGreaterThanOrEqual(AA_TEXT);
        expect(contrastRatio(vars.light[`--mantine-color-${c}-light-color`] ?? '', surface), `${c} light badge on ${surface}`).toBeGreaterThanOrEqual(AA_TEXT);
      }
      for (const surface of DARK_SURFACES) {
        expect(contrastRatio(vars.dark[`--mantine-color-${c}-text`] ?? '', surface), `${c} text on ${surface} (dark)`).toBeGreaterThanOrEqual(AA_TEXT);
        expect(contrastRatio(vars.dark[`--mantine-color-${c}-light-color`] ?? '', surface), `${c} light badge on ${surface} (dark)`).toBeGreaterThanOrEqual(AA_TEXT);
      }
    }
  });

  it('gives every filled colour (buttons, badges) black or white text at 4.5:1', () => {
    expect(theme.autoContrast).toBe(true);
    expect(theme.luminanceThreshold).toBe(LUMINANCE_THRESHOLD);
    const shade = typeof theme.primaryShade === 'object' ? theme.primaryShade : { light: theme.primaryShade, dark: theme.primaryShade };
    for (const scheme of ['light', 'dark'] as const) {
      for (const c of named) {
        const filled = colors[c]?.[shade[scheme] ?? 6] ?? '';
        // Mantine's rule (isLightColor): black text above the threshold, white below.
        const text = relativeLuminance(filled) > LUMINANCE_THRESHOLD ? '#000000' : '#ffffff';
        expect(contrastRatio(text, filled), `${text} on filled ${c} (${scheme})`).toBeGreaterThanOrEqual(AA_TEXT);
      }
    }
  });
});
