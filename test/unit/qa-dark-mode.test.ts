// @vitest-environment jsdom
/**
 * The design preview's views, without script in the frame: the email's own dark styles on and off
 * (its prefers-color-scheme queries answered in the CSS), the two inversions mail apps apply, images
 * off, and the line where Gmail clips.
 */
import { describe, expect, it } from 'vitest';
import { ALWAYS, cssForScheme, invertAttribute, invertColour, invertCss, invertDeclarations, mediaForScheme, NEVER } from '../../renderer/src/qa/dark-mode';
import { ALT_ATTRIBUTE, CLIP_ATTRIBUTE, frameDocument, framePolicy, withClipMarker } from '../../renderer/src/qa/frame-document';

const DARK_AWARE = `
  body { background: #ffffff; color: #222222 }
  @media (prefers-color-scheme: dark) { body { background: #111111; color: #eeeeee } }
  @media screen and (prefers-color-scheme: light) { .logo-light { display: block } }
  @media not all and (prefers-color-scheme:DARK) { .hint { color: red } }
  .prefers-color-scheme { color: blue }
`;

describe('the email\'s own dark styles', () => {
  it('answers every prefers-color-scheme feature of an @media rule for the scheme picked', () => {
    const dark = cssForScheme(DARK_AWARE, 'dark');
    expect(dark).toContain(`@media ${ALWAYS} { body { background: #111111`);
    expect(dark).toContain(`@media screen and ${NEVER} { .logo-light`);
    expect(dark).toContain(`@media not all and ${ALWAYS} { .hint`);
    const light = cssForScheme(DARK_AWARE, 'light');
    expect(light).toContain(`@media ${NEVER} { body { background: #111111`);
    expect(light).toContain(`@media screen and ${ALWAYS} { .logo-light`);
  });

  it('changes nothing outside @media preludes: rules, selectors and text stay as written', () => {
    const dark = cssForScheme(DARK_AWARE, 'dark');
    expect(dark).toContain('body { background: #ffffff; color: #222222 }');
    expect(dark).toContain('.prefers-color-scheme { color: blue }');
    expect(cssForScheme('p { color: red }', 'dark')).toBe('p { color: red }');
  });

  it('answers a media attribute too (<style media="(prefers-color-scheme: dark)">)', () => {
    expect(mediaForScheme('(prefers-color-scheme: dark)', 'dark')).toBe(ALWAYS);
    expect(mediaForScheme('screen, (prefers-color-scheme: dark)', 'light')).toBe(`screen, ${NEVER}`);
  });
});

describe('the inversion simulations', () => {
  const white = { r: 255, g: 255, b: 255, a: 1 };
  const black = { r: 0, g: 0, b: 0, a: 1 };
  const navy = { r: 0, g: 0, b: 128, a: 1 };

  it('full inversion turns every colour over, text and backgrounds, dark and light', () => {
    expect(invertColour(white, 'background', 'full')).toMatchObject({ r: 0, g: 0, b: 0 });
    expect(invertColour(black, 'text', 'full')).toMatchObject({ r: 255, g: 255, b: 255 });
    // A dark button turns light: the classic surprise of the Gmail app.
    expect(invertColour(navy, 'background', 'full')).toMatchObject({ r: 127, g: 127, b: 255 });
    expect(invertColour({ ...white, a: 0 }, 'background', 'full')).toBeNull();
  });

  it('partial inversion turns light backgrounds and dark text over, and leaves the rest', () => {
    expect(invertColour(white, 'background', 'partial')).toMatchObject({ r: 0, g: 0, b: 0 });
    expect(invertColour(black, 'text', 'partial')).toMatchObject({ r: 255, g: 255, b: 255 });
    expect(invertColour(navy, 'background', 'partial')).toBeNull();
    expect(invertColour(white, 'text', 'partial')).toBeNull();
  });

  it('rewrites the colours of colour properties only, in every rule and inside @media', () => {
    const css = invertCss('td { color: #000; width: 600px } @media (max-width: 600px) { .btn { background: #ffffff url(img/red.png) no-repeat; border: 1px solid black } }', 'full');
    expect(css).toBe('td { color: rgb(255 255 255); width: 600px } @media (max-width: 600px) { .btn { background: rgb(0 0 0) url(img/red.png) no-repeat; border: 1px solid rgb(255 255 255) } }');
  });

  it('rewrites style attributes and colour attributes (as #rrggbb, the only form they read)', () => {
    expect(invertDeclarations('color:rgba(0,0,0,0.5);font-size:14px', 'full')).toBe('color:rgb(255 255 255 / 0.5);font-size:14px');
    expect(invertDeclarations('background-color: white !important', 'partial')).toBe('background-color: rgb(0 0 0) !important');
    expect(invertAttribute('#FFFFFF', 'background', 'full')).toBe('#000000');
    expect(invertAttribute('navy', 'background', 'partial')).toBe('navy');
    expect(invertAttribute('not a colour', 'text', 'full')).toBe('not a colour');
  });
});

const EMAIL = `<!doctype html><html><head><title>Autumn</title>
<style>@media (prefers-color-scheme: dark) { .card { background: #101010 } }</style></head>
<body bgcolor="#f4f4f4" style="margin:0" onload="alert(1)"><script>alert(2)</script>
<table role="presentation"><tr><td class="card" style="color:#333333"><font color="#000000">Hello</font>
<img src="https://img.example/hero.png" alt="Autumn sale: 20% off" width="600" height="300"></td></tr></table></body></html>`;

describe('the frame document', () => {
  it('is sanitized, under a policy that runs nothing, with the draft\'s body attributes on its body', () => {
    const doc = frameDocument(EMAIL, { scheme: 'light', inversion: null, images: 'embedded' });
    expect(doc).toContain(`content="${framePolicy('embedded')}"`);
    expect(framePolicy('embedded')).toMatch(/^default-src 'none';/);
    expect(doc).not.toMatch(/<script|alert|onload/);
    expect(doc).toMatch(/<body bgcolor="#f4f4f4" style="margin:0">/);
    expect(doc).toContain('<img src="https://img.example/hero.png"');
  });

  it('answers the colour scheme in the draft\'s styles, and inverts its colours in a simulation', () => {
    expect(frameDocument(EMAIL, { scheme: 'dark', inversion: null, images: 'embedded' })).toContain(`@media ${ALWAYS} { .card`);
    expect(frameDocument(EMAIL, { scheme: 'light', inversion: null, images: 'embedded' })).toContain(`@media ${NEVER} { .card`);
    const full = frameDocument(EMAIL, { scheme: 'light', inversion: 'full', images: 'embedded' });
    expect(full).toMatch(/<body bgcolor="#0b0b0b"/);
    expect(full).toContain('style="color:rgb(204 204 204)"');
    expect(full).toContain('<font color="#ffffff">');
    // The page itself, where the draft sets nothing: white paper turned dark.
    expect(full).toContain('body{margin:8px;font-family:sans-serif;background:rgb(0 0 0);color:rgb(255 255 255)}');
  });

  it('shows alt text in the images\' place, at their size, with images off, and loads no image', () => {
    const doc = frameDocument(EMAIL, { scheme: 'light', inversion: null, images: 'off' });
    expect(doc).not.toContain('<img');
    expect(doc).toContain(`<span ${ALT_ATTRIBUTE}="" style="width:600px;height:300px;">Autumn sale: 20% off</span>`);
    expect(framePolicy('off')).toContain("img-src 'none'");
    expect(framePolicy('remote')).toContain('img-src data: https: http:');
  });
});

describe('the clipping line', () => {
  it('marks the first element after the offset that can show a line, not a table row', () => {
    const html = '<table><tr><td>one</td></tr><tr><td>two</td></tr></table>';
    const offset = html.indexOf('</tr>') + 1;
    expect(withClipMarker(html, offset)).toBe(`<table><tr><td>one</td></tr><tr><td ${CLIP_ATTRIBUTE}="">two</td></tr></table>`);
  });

  it('counts the offset in UTF-8 bytes and steps out of a style block and a comment', () => {
    const html = '<p>ééé</p><style>p{}</style><!-- <p>no</p> --><p>yes</p>';
    // 3 bytes into the style block's text: the mark goes after it, and after the comment.
    const offset = new TextEncoder().encode(html.slice(0, html.indexOf('p{}'))).length + 1;
    expect(withClipMarker(html, offset)).toBe(`<p>ééé</p><style>p{}</style><!-- <p>no</p> --><p ${CLIP_ATTRIBUTE}="">yes</p>`);
    expect(withClipMarker('<p>short</p>', 1000)).toBe(`<p>short</p><div ${CLIP_ATTRIBUTE}=""></div>`);
  });

  it('survives the sanitizer, so the frame draws the line', () => {
    const html = withClipMarker('<p>a</p><p>b</p>', 5);
    expect(frameDocument(html, { scheme: 'light', inversion: null, images: 'embedded' })).toContain(`<p ${CLIP_ATTRIBUTE}="">b</p>`);
  });
});
