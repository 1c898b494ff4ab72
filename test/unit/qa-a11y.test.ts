import { describe, expect, it } from 'vitest';
import { checkAccessibility } from '../../electron/core/qa/a11y';
import { readDocument } from '../../electron/core/qa/document';
import { computeStyles, parseRules } from '../../electron/core/qa/style';
import type { QaFinding } from '../../electron/core/qa/types';

// Each accessibility rule on small drafts: what it flags, on which line, and what it leaves alone.

/** The findings for a body, inside a document that has what the page-level rules want (lang, title). */
function check(body: string, head = ''): QaFinding[] {
  const html = `<!DOCTYPE html>\n<html lang="en">\n<head><title>Test</title>${head}</head>\n<body>\n${body}\n</body>\n</html>`;
  const doc = readDocument(html);
  return checkAccessibility(doc, computeStyles(doc, doc.styles.flatMap((s) => parseRules(s.css))));
}
const codes = (findings: QaFinding[]) => findings.map((f) => f.code);
const only = (findings: QaFinding[], code: string) => findings.filter((f) => f.code === code);
/** Body lines start at line 5 of the document check() builds. */
const BODY = 5;

describe('the page: language and title', () => {
  it('flags a missing or undetermined lang, and leaves a named one alone', () => {
    const html = (attrs: string) => {
      const doc = readDocument(`<html${attrs}><head><title>T</title></head><body><p>Hello there</p></body></html>`);
      return codes(checkAccessibility(doc, computeStyles(doc, [])));
    };
    expect(html('')).toEqual(['a11y.missing-lang']);
    expect(html(' lang=""')).toEqual(['a11y.missing-lang']);
    // MJML writes lang="und" when the template names none.
    expect(html(' lang="und"')).toEqual(['a11y.missing-lang']);
    expect(html(' lang="de"')).toEqual([]);
    expect(html(' xml:lang="fr"')).toEqual([]);
  });

  it('flags a missing or empty <title>', () => {
    const doc = (head: string) => {
      const d = readDocument(`<html lang="en"><head>${head}</head><body><p>Hello there</p></body></html>`);
      return checkAccessibility(d, computeStyles(d, []));
    };
    expect(codes(doc(''))).toEqual(['a11y.missing-title']);
    expect(doc('<title>  </title>')[0]?.title).toBe('The <title> is empty');
    expect(codes(doc('<title>March news</title>'))).toEqual([]);
  });
});

describe('images', () => {
  it('flags images without alt, with their lines; alt="" (decorative) and hidden images are fine', () => {
    const findings = check(['<img src="a.png" alt="">', '<img src="https://x.test/b.png">', '<div style="display:none"><img src="c.png"></div>', '<img src="d.png" ALT="D">', '<img src=e.png>'].join('\n'));
    const [f] = only(findings, 'a11y.img-no-alt');
    expect(f?.title).toBe('2 images without alt text');
    expect(f?.lines).toEqual([BODY + 1, BODY + 4]);
    expect(f?.line).toBe(BODY + 1);
    expect(f?.evidence).toContain('https://x.test/b.png');
  });
});

describe('tables', () => {
  it('flags layout tables without role="presentation", and leaves data tables (th, caption, thead) and role="none" alone', () => {
    const findings = check(
      [
        '<table><tr><td>Layout</td></tr></table>',
        '<table role="presentation"><tr><td>Fine</td></tr></table>',
        '<table role="none"><tr><td>Fine</td></tr></table>',
        '<table><tr><th>Size</th></tr><tr><td>M</td></tr></table>',
        '<table><caption>Prices</caption><tr><td>1</td></tr></table>',
        '<table role="presentation"><tr><td><table><tr><td>Nested layout</td></tr></table></td></tr></table>',
      ].join('\n'),
    );
    expect(only(findings, 'a11y.layout-table')[0]?.lines).toEqual([BODY, BODY + 5]);
  });
});

describe('headings', () => {
  it('flags a level skipped on the way down, not a way back up', () => {
    const findings = check('<h1>A</h1>\n<h2>B</h2>\n<h4>C</h4>\n<h2>D</h2>\n<h3>E</h3>');
    const [f] = only(findings, 'a11y.heading-order');
    expect(f?.title).toBe('Heading levels skip: <h2> then <h4>');
    expect(f?.lines).toEqual([BODY + 2]);
    expect(only(check('<h2>A</h2><h3>B</h3><h1>C</h1><h2>D</h2>'), 'a11y.heading-order')).toEqual([]);
  });
});

describe('link text', () => {
  it('flags "click here", "read more" and links with no text, whatever the case and punctuation', () => {
    const findings = check(
      ['<a href="https://x.test/1">Click here</a>', '<a href="https://x.test/2">Read more →</a>', '<a href="https://x.test/3"><img src="i.png"></a>', '<a href="https://x.test/4">HERE.</a>'].join('\n'),
    );
    const [f] = only(findings, 'a11y.vague-link');
    expect(f?.lines).toEqual([BODY, BODY + 1, BODY + 2, BODY + 3]);
    expect(f?.detail).toContain('"Click here"');
    expect(f?.detail).toContain('a link with no text');
  });

  it('leaves links alone that say where they go, in their text, an image alt or an aria-label', () => {
    const findings = check(
      [
        '<a href="https://x.test/1">Read the March report</a>',
        '<a href="https://x.test/2"><img src="logo.png" alt="Example Shop home page"></a>',
        '<a href="https://x.test/3" aria-label="Read more about the spring sale">Read more</a>',
        '<a name="top">here</a>',
      ].join('\n'),
    );
    expect(only(findings, 'a11y.vague-link')).toEqual([]);
  });
});

describe('text size', () => {
  it('flags text under 14 px from inline styles, style rules, <font size> and <small>, grouped by size', () => {
    const findings = check(
      ['<p style="font-size:12px">Twelve pixels of fine print</p>', '<p class="fine">Eleven pixels from a rule</p>', '<p style="font-size:9pt">Nine points are twelve pixels</p>', '<font size="1">Ten pixels of legacy</font>', '<p style="font-size:14px">Fourteen is fine</p>', '<p style="font-size:14px"><small>Small is smaller</small></p>'].join('\n'),
      '<style>.fine { font-size: 11px }</style>',
    );
    const [f] = only(findings, 'a11y.small-text');
    expect(f?.lines).toEqual([BODY, BODY + 1, BODY + 2, BODY + 3, BODY + 5]);
    expect(f?.title).toBe('Text smaller than 14 px in 5 places (smallest 10 px)');
    expect(f?.detail).toMatch(/^10 px: line 8; 11 px: line 6; 11\.7 px: line 10; 12 px: lines 5 and 7\./);
  });

  it('ignores hidden text: a preheader hidden with display:none, font-size 1px, or no height', () => {
    const findings = check(
      ['<div style="display:none;font-size:1px">Preheader text</div>', '<div style="font-size:1px;color:#ffffff">Hidden text</div>', '<div style="max-height:0;overflow:hidden;font-size:10px">Collapsed</div>', '<p>Body</p>'].join('\n'),
    );
    expect(only(findings, 'a11y.small-text')).toEqual([]);
    expect(only(findings, 'a11y.low-contrast')).toEqual([]);
  });
});

describe('colour contrast', () => {
  it('says which text, which colours and which ratio, from inline styles, rules, bgcolor and inheritance', () => {
    const findings = check(
      [
        '<p style="color:#aaaaaa">Light grey on the default white</p>',
        '<table bgcolor="#222222"><tr><td style="color:#555555">Dark grey on a dark cell</td></tr></table>',
        '<div class="promo"><span>Inherited from the promo rule</span></div>',
        '<p style="color:#767676">Just enough contrast</p>',
      ].join('\n'),
      '<style>.promo { color: #ffffff; background-color: #ffcc00 }</style>',
    );
    const found = only(findings, 'a11y.low-contrast');
    expect(found.map((f) => [f.title, f.lines])).toEqual([
      ['Text in #ffffff on #ffcc00: contrast 1.51:1, under 4.5:1', [BODY + 2]],
      ['Text in #555555 on #222222: contrast 2.13:1, under 4.5:1', [BODY + 1]],
      ['Text in #aaaaaa on #ffffff: contrast 2.32:1, under 4.5:1', [BODY]],
    ]);
    expect(found[0]?.evidence).toContain('"Inherited from the promo rule"');
  });

  it('gives a link the mail app blue unless its own style sets a colour, and judges it on its background', () => {
    const findings = check('<table bgcolor="#000033"><tr><td style="color:#ffffff">Dark box <a href="https://x.test/">with a default blue link</a> and <a href="https://x.test/w" style="color:#ffffff">a white one</a></td></tr></table>');
    expect(only(findings, 'a11y.low-contrast').map((f) => f.title)).toEqual(['Text in #0000ee on #000033: contrast 2.13:1, under 4.5:1']);
  });

  it('asks only 3:1 of large text, and judges no text over a background image', () => {
    const large = check('<h1 style="color:#949494">A large bold heading at 32 px</h1>\n<p style="color:#949494;font-size:24px">Large regular text</p>');
    expect(only(large, 'a11y.low-contrast')).toEqual([]);
    expect(only(check('<p style="color:#949494">Small text at 3:1</p>'), 'a11y.low-contrast')).toHaveLength(1);
    expect(only(check('<td style="background-image:url(hero.jpg);color:#ffffff">White over a photo</td>'), 'a11y.low-contrast')).toEqual([]);
  });
});

describe('capitals', () => {
  it('flags a paragraph in capitals, written so or through text-transform, but not a short button label', () => {
    const findings = check(
      ['<p>THIS WHOLE PARAGRAPH IS WRITTEN IN CAPITAL LETTERS, SHOUTING AT THE READER.</p>', '<p style="text-transform:uppercase">this one is turned into capitals by its style, every letter of it</p>', '<a href="https://x.test/">SHOP THE SALE NOW</a>', '<p>Sentence case, with AN ACRONYM or two, reads as it should for everyone.</p>'].join('\n'),
    );
    expect(only(findings, 'a11y.all-caps')[0]?.lines).toEqual([BODY, BODY + 1]);
  });
});

describe('a clean draft', () => {
  it('raises no accessibility finding', () => {
    const findings = check(
      [
        '<table role="presentation" width="600"><tr><td style="font-family:Arial,sans-serif;font-size:16px;color:#222222;background-color:#ffffff">',
        '<h1 style="font-size:28px">Your March statement</h1>',
        '<p>Your statement for March is ready. It lists every payment this month.</p>',
        '<img src="https://cdn.x.test/chart.png" alt="Your balance rose each week">',
        '<p><a href="https://bank.x.test/statement" style="color:#0b57d0">Read your March statement</a></p>',
        '</td></tr></table>',
      ].join('\n'),
    );
    expect(findings).toEqual([]);
  });
});
