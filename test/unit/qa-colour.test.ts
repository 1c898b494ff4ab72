import { describe, expect, it } from 'vitest';
import { AA_LARGE, AA_NORMAL, contrastRatio, hex, isLargeText, luminance, over, parseColour } from '../../electron/shared/colour';

// WCAG 2.2 contrast, worked by hand: the figures are the ones every contrast checker shows.

const c = (text: string) => {
  const colour = parseColour(text);
  if (!colour) throw new Error(`${text} does not parse`);
  return colour;
};

describe('contrast ratio', () => {
  it('is 21:1 for black on white and 1:1 for a colour on itself, whichever way round', () => {
    expect(contrastRatio(c('#000'), c('#fff'))).toBeCloseTo(21, 5);
    expect(contrastRatio(c('#fff'), c('#000'))).toBeCloseTo(21, 5);
    expect(contrastRatio(c('#3a7bd5'), c('#3a7bd5'))).toBe(1);
  });

  it('puts #767676 just over 4.5:1 on white and #777777 just under', () => {
    expect(contrastRatio(c('#767676'), c('#ffffff'))).toBeCloseTo(4.54, 2);
    expect(contrastRatio(c('#777777'), c('#ffffff'))).toBeCloseTo(4.48, 2);
    expect(contrastRatio(c('#777777'), c('#ffffff'))).toBeLessThan(AA_NORMAL);
  });

  it('gives the luminances WCAG defines: white 1, black 0, pure green 0.7152', () => {
    expect(luminance(c('white'))).toBeCloseTo(1, 6);
    expect(luminance(c('black'))).toBe(0);
    expect(luminance(c('#00ff00'))).toBeCloseTo(0.7152, 4);
    // Mid grey is far darker than half: the sRGB curve.
    expect(luminance(c('#808080'))).toBeCloseTo(0.2159, 3);
  });

  it('asks 3:1 of large text: 24 px, or 18.66 px and bold', () => {
    expect(isLargeText(24, false)).toBe(true);
    expect(isLargeText(23.9, false)).toBe(false);
    expect(isLargeText(18.66, true)).toBe(true);
    expect(isLargeText(18.66, false)).toBe(false);
    expect(AA_LARGE).toBe(3);
  });
});

describe('colours as an email writes them', () => {
  it('reads hex, rgb(), hsl() and named colours alike', () => {
    for (const text of ['#f60', '#ff6600', '#FF6600ff', 'rgb(255, 102, 0)', 'rgb(100% 40% 0%)', 'hsl(24, 100%, 50%)', 'hsl(24deg 100% 50% / 1)']) {
      expect(hex(c(text)), text).toBe('#ff6600');
    }
    expect(hex(c('rebeccapurple'))).toBe('#663399');
    expect(hex(c('Navy'))).toBe('#000080');
    expect(c('#ffffff !important').a).toBe(1);
  });

  it('reads alpha, and paints a translucent colour over what is beneath', () => {
    expect(c('rgba(0, 0, 0, 0.5)').a).toBe(0.5);
    expect(c('#0008').a).toBeCloseTo(0.533, 3);
    expect(c('transparent').a).toBe(0);
    expect(hex(over(c('rgba(0,0,0,0.5)'), c('#ffffff')))).toBe('#808080');
  });

  it('refuses what is not a colour it can know', () => {
    for (const text of ['currentColor', 'var(--brand)', 'linear-gradient(#000, #fff)', '#ggg', 'rgb(1, 2)', '']) expect(parseColour(text), text).toBeNull();
  });
});
