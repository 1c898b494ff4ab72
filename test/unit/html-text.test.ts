import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../electron/core/send/html-text';

// The plain-text part a send generates when the user gives only HTML (RFC 2046 §5.1.4): what a text
// client shows of the message, so it must read like the rendered HTML, whatever the HTML looks like.

describe('htmlToText: the text of an ordinary message', () => {
  it('keeps block structure, lists (numbered when ordered), rules, quotes and table rows as lines', () => {
    const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Autumn sale</title><style>td{padding:0}</style></head>
<body><table role="presentation"><tr><td><h1>Autumn sale &ndash; 30% off</h1><p>Dear customer,<br/>it starts today.</p></td></tr>
<tr><td>Price</td><td>&euro;10</td></tr><tr><th>Size</th><th>M</th></tr></table>
<ol><li>First<li>Second</ol><hr><blockquote>Quoted</blockquote>\r\n<p>Shop Ltd &copy; 2026</p></body></html>`;
    expect(htmlToText(html)).toBe('Autumn sale – 30% off\n\nDear customer,\nit starts today.\n\nPrice €10\nSize M\n\n1. First\n2. Second\n\n----\n\n> Quoted\n\nShop Ltd © 2026\n');
  });

  it('shows links as "text (url)", an address shown as text once, and drops page-internal and script links to their text', () => {
    const html = `<p>See <a href="https://shop.test/sale?a=1&amp;b=2">our <b>great</b> offer</a>.</p>
<p><a href="https://x.test">https://x.test</a> <a href='mailto:help@x.test'>help@x.test</a> <a href="mailto:help@x.test">Write us</a></p>
<p><a href="#top">Top</a> <a href="javascript:void(0)">Menu</a> <a href="">Empty</a> <a name="n">Anchor</a> <a href="https://e.test"></a></p>`;
    expect(htmlToText(html)).toBe(
      'See our great offer (https://shop.test/sale?a=1&b=2).\n\nhttps://x.test help@x.test Write us (help@x.test)\n\nTop Menu Empty Anchor https://e.test\n',
    );
  });

  it('keeps the space a link ends with between the link and the next word, as a browser shows it', () => {
    expect(htmlToText('<p><a href="https://shop.test/">Shop now </a>today, <a href="https://shop.test/b">or\nlater\n</a>.</p>')).toBe(
      'Shop now (https://shop.test/) today, or later (https://shop.test/b) .\n',
    );
  });

  it('names a linked image by its alt text, and shows alt text in place of images', () => {
    expect(htmlToText('<a href="https://shop.test/"><img src="logo.png" alt="Shop logo"></a><p><img src=x alt="Photo"> <img src=y> <img alt=Unquoted></p>')).toBe(
      'Shop logo (https://shop.test/)\n\nPhoto Unquoted\n',
    );
  });

  it('keeps the line break of a <br> that carries attributes, and of </br> as a browser reads it', () => {
    expect(htmlToText('<div>One<br clear="all">Two</br>Three</div>')).toBe('One\nTwo\nThree\n');
  });
});

describe('htmlToText: hidden content', () => {
  it('drops the head, scripts, styles, templates and comments, Outlook conditional comments included', () => {
    const html = `<html><head><title>Secret title</title><style>p{color:red}</style><!--[if mso]><xml>office</xml><![endif]--></head>
<body><p>Shown</p><script>document.write("<p>script text</p>")</script><style>.x{}</style><template><p>inert</p></template>
<!-- a comment --><iframe>frame fallback</iframe><p>End</p></body></html>`;
    expect(htmlToText(html)).toBe('Shown\n\nEnd\n');
  });

  it('hides what an unclosed script or style holds, to the end, as a browser does', () => {
    expect(htmlToText('<p>Hello</p><script>var s = "<p>never shown</p>";')).toBe('Hello\n');
    expect(htmlToText('<p>Hello</p><style>p { x: "<p>never shown</p>" }')).toBe('Hello\n');
  });

  it('ends a head that was never closed at the first thing a head cannot hold', () => {
    expect(htmlToText('<html><head><title>T</title><meta charset=utf-8><p>Body text</p>')).toBe('Body text\n');
    expect(htmlToText('<head><title>T</title>Body text')).toBe('Body text\n');
  });
});

describe('htmlToText: entities', () => {
  it('decodes named, decimal and hex references, once, and leaves text that only looks like a tag as text', () => {
    expect(htmlToText('<p>&amp; &AMP; &lt;b&gt; &#169; &#x2603; &rarr; &hellip; &nbsp;x &amp;lt; &bogus; &#xZZ;</p>')).toBe('& & <b> © ☃ → … x &lt; &bogus; &#xZZ;\n');
  });

  it('decodes references in link addresses and alt text', () => {
    expect(htmlToText('<a href="https://x.test/?a=1&amp;b=2&#38;c=3">Go</a> <img alt="Fish &amp; chips">')).toBe('Go (https://x.test/?a=1&b=2&c=3) Fish & chips\n');
  });
});

describe('htmlToText: broken and hostile HTML', () => {
  it('reads paragraphs, cells and rows that were never closed', () => {
    expect(htmlToText('<p>One<p>Two<div>Three')).toBe('One\n\nTwo\n\nThree\n');
    expect(htmlToText('<table><tr><td>a<td>b<tr><td>c<td>d</table>')).toBe('a b\nc d\n');
    expect(htmlToText('<b>bold, never closed<p>next')).toBe('bold, never closed\n\nnext\n');
  });

  it('runs a link that was never closed to the end, and closes an open link at the next one', () => {
    expect(htmlToText('<p>Go to <a href="https://a.test">the shop')).toBe('Go to the shop (https://a.test)\n');
    expect(htmlToText('<a href="https://a.test">A<a href="https://b.test">B</a>')).toBe('A (https://a.test)B (https://b.test)\n');
  });

  it('drops a tag cut off at the end of the document', () => {
    expect(htmlToText('Hello <a href="https://a.test')).toBe('Hello\n');
  });

  it('keeps a "<" that starts no tag, and the text after it', () => {
    expect(htmlToText('<p>Prices < 10 € and > 5 €</p>')).toBe('Prices < 10 € and > 5 €\n');
  });

  it('reads HTML nested a hundred thousand deep', () => {
    expect(htmlToText(`${'<div>'.repeat(100_000)}deep${'</div>'.repeat(100_000)}`)).toBe('deep\n');
    expect(htmlToText(`${'<b><i>'.repeat(50_000)}deep${'</x>'.repeat(100_000)}`)).toBe('deep\n');
  });

  it('reads a long run of "<" that never closes, which a backtracking pattern reads in quadratic time', () => {
    const text = '1 < 2 and '.repeat(50_000);
    expect(htmlToText(`<p>${text}</p>`)).toBe(`${text.trim()}\n`);
  });

  it('reads thousands of links, images and scripts that are never closed', () => {
    expect(htmlToText(`<p>x</p>${'<script>'.repeat(20_000)}`)).toBe('x\n');
    expect(htmlToText(`${'<img alt="a">'.repeat(20_000)}`)).toBe(`${'a'.repeat(20_000)}\n`);
    expect(htmlToText(`${'<a href="https://a.test">go '.repeat(20_000)}`)).toBe(`${'go (https://a.test) '.repeat(20_000).trim()}\n`);
  });

  it('returns a single line break for empty or tag-only input', () => {
    expect(htmlToText('')).toBe('\n');
    expect(htmlToText('<html><body></body></html>')).toBe('\n');
  });
});
