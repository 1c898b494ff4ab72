import { describe, expect, it } from 'vitest';
import { BrandError, checkBrand, logoDataUri, sanitizeSvg } from '../../electron/core/report/brand';
import { renderHtml } from '../../electron/core/report/html';
import { renderMarkdown } from '../../electron/core/report/markdown';
import { reportResult } from '../helpers/report-result';

const HOSTILE_SVG = `<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY boom "&#x3C;script&#x3E;">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10" onload="alert(1)" style="background:url(https://evil.test/x)">
  <script>alert(2)</script>
  <foreignObject><iframe src="https://evil.test"></iframe></foreignObject>
  <style>@import url(https://evil.test/a.css);</style>
  <a href="https://evil.test"><rect width="5" height="5"/></a>
  <image href="https://evil.test/pixel.png" width="1" height="1"/>
  <use xlink:href="https://evil.test/s.svg#x"/>
  <linearGradient id="g"><stop offset="0" stop-color="#0b5394"/></linearGradient>
  <rect x="1" y="1" width="8" height="8" fill="url(#g)" stroke="url(https://evil.test/p)" onclick="alert(3)"/>
  <text x="1" y="9" font-size="2">Acme &amp; Co &lt;b&gt;</text>
</svg>`;

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6364f8ffbf1e000503020f0d6c7b5c0000000049454e44ae426082', 'hex');

describe('report branding', () => {
  it('writes an SVG logo again from the allow-list: no script, handler, style, link or outside reference', () => {
    const clean = sanitizeSvg(HOSTILE_SVG);
    expect(clean).not.toMatch(/script|onload|onclick|foreignObject|iframe|style|@import|href|<a\b|<image|<use|evil\.test|ENTITY/i);
    expect(clean).toContain('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">');
    expect(clean).toContain('<linearGradient id="g"><stop offset="0" stop-color="#0b5394"></stop></linearGradient>');
    expect(clean).toContain('<rect x="1" y="1" width="8" height="8" fill="url(#g)"></rect>');
    expect(clean).toContain('>Acme &#38; Co &#60;b&#62;</text>');
    // Sanitising what it wrote changes nothing.
    expect(sanitizeSvg(clean)).toBe(clean);
  });

  it('refuses an SVG with nothing safe to draw, and a file that is no image', () => {
    expect(() => sanitizeSvg('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')).toThrow(/nothing Deliverlab can draw/);
    expect(() => sanitizeSvg('<html><svg><rect/></svg></html>')).toThrow(/not an SVG image/);
    expect(() => logoDataUri(Buffer.from('GIF89a....'))).toThrow(/PNG, JPEG or SVG/);
  });

  it('takes PNG and JPEG by their signature bytes, as data URIs', () => {
    expect(logoDataUri(PNG)).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
    expect(logoDataUri(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toMatch(/^data:image\/jpeg;base64,/);
    expect(logoDataUri(Buffer.from(HOSTILE_SVG))).toBe(`data:image/svg+xml;base64,${Buffer.from(sanitizeSvg(HOSTILE_SVG)).toString('base64')}`);
  });

  it('checks a brand given whole: the accent a hex colour, an SVG data URI sanitised again', () => {
    expect(() => checkBrand({ accent: 'red;}body{display:none' })).toThrow(BrandError);
    expect(() => checkBrand({ logo: 'https://evil.test/logo.png' })).toThrow(/data URI/);
    const smuggled = `data:image/png;base64,${Buffer.from(HOSTILE_SVG).toString('base64')}`;
    expect(Buffer.from((checkBrand({ logo: smuggled }).logo ?? '').split(',')[1] ?? '', 'base64').toString()).toBe(sanitizeSvg(HOSTILE_SVG));
    expect(checkBrand({ title: '  ', name: ' Acme ', accent: '#ABC' })).toEqual({ name: 'Acme', accent: '#abc' });
  });

  it('puts the title, name, logo, accent and footer on the HTML report, escaped', () => {
    const brand = checkBrand({ title: 'Mail health <Q2>', name: 'Acme & Partners', logo: logoDataUri(PNG), accent: '#7a1f5c', footer: 'Confidential: for <client> only' });
    const html = renderHtml([reportResult()], brand);
    expect(html).toContain('<title>Mail health &#60;Q2&#62;</title>');
    expect(html).toContain('Prepared by Acme &#38; Partners with Deliverlab.');
    expect(html).toContain(`<img class="brand-logo" src="data:image/png;base64,${PNG.toString('base64')}" alt="Acme &#38; Partners logo">`);
    expect(html).toContain(':root{--accent:#7a1f5c}</style>');
    expect(html).toContain('<footer><p>Confidential: for &#60;client&#62; only</p><p>Made by Deliverlab');
    // Every image is a data URI: the report still asks for nothing.
    expect(html).not.toMatch(/\bsrc="(?!data:image\/(png|jpeg|svg\+xml);base64,)/);
    const md = renderMarkdown([reportResult()], brand);
    expect(md.split('\n')[0]).toBe('# Mail health \\<Q2\\>');
    expect(md).toContain('Prepared by Acme \\& Partners with Deliverlab.');
    expect(md).toContain('Confidential\\: for \\<client\\> only');
  });

  it('without branding keeps the neutral Deliverlab header and footer', () => {
    const html = renderHtml([reportResult()]);
    expect(html).toContain('<p class="muted">Prepared with Deliverlab.</p>');
    expect(html).toContain('<footer><p>Made by Deliverlab');
    expect(html).not.toContain('brand-logo"');
  });
});
