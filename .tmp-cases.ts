import { htmlToText as oldT } from '/tmp/i11core/html-text-old';
import { htmlToText as newT } from './electron/core/send/html-text';
const cases: string[] = [
`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Autumn sale</title><style>td{padding:0}</style><!--[if mso]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]--></head>
<body style="margin:0"><span style="display:none">Preheader text here</span>
<table role="presentation" width="100%"><tr><td align="center">
<table width="600"><tr><td><a href="https://shop.example/?utm=1"><img src="logo.png" alt="Shop logo" width="120"></a></td></tr>
<tr><td><h1>Autumn sale &ndash; 30% off</h1><p>Dear customer,<br/>our autumn sale starts today. Don&rsquo;t miss it!</p>
<p><a href="https://shop.example/sale" style="background:#f00">Shop now &rarr;</a></p></td></tr>
<tr><td>Price</td><td>&euro;10</td></tr>
<tr><td colspan=2><hr><p style="font-size:11px">You receive this because you subscribed. <a href="https://shop.example/unsub?u=1&amp;t=2">Unsubscribe</a> | <a href="mailto:help@shop.example">help@shop.example</a> | <a href="#top">Top</a></p>
<p>Shop Ltd, 1 Main St &copy; 2026</p></td></tr></table></td></tr></table></body></html>`,
`<p>Hello <b>world</b>, <i>this</i> is   a test.</p><ol><li>First<li>Second</ol><blockquote>Quote</blockquote>`,
`<div>Line 1<br>Line 2<br clear="all">Line 3</div><pre>  code   here
more</pre>`,
`<a href="https://x.test">https://x.test</a> <a href='https://y.test'>Y</a> <a href=https://z.test>Z</a> <a href="javascript:void(0)">JS</a> <a href="">empty</a> <a name="anchor">named</a>`,
`<table><tr><th>Name</th><th>Qty</th></tr><tr><td>Apple</td><td>3</td></tr></table>`,
`Plain text without tags &amp; with entities &lt;b&gt; &#169; &#x2603; &unknown; &nbsp;x`,
`<html><head><title>T</title></head><body><p>Body</p><script>alert(1)</script><style>.x{}</style><template><p>inert</p></template><p>End</p></body></html>`,
`<p>See <a href="https://a.test/long?x=1&amp;y=2">our <b>great</b> offer</a>.</p><p><a href="mailto:me@x.test">me@x.test</a> <a href="mailto:me@x.test">Write us</a></p>`,
`<h2>Title</h2>\r\n<p>Para one\r\ncontinues</p>\r\n<p>Para two</p>`,
`<ul>\n  <li>One</li>\n  <li>Two\n    <ul><li>Nested</li></ul>\n  </li>\n</ul>`,
`<img src=x alt="Alt text"><img src=y><img alt='single'> <IMG ALT="UPPER">`,
`<section><article><header>H</header><footer>F</footer></article></section>`,
`<p>Prices &lt; 10 and &gt; 5</p>`,
`<center>Centered</center><span>a</span><span>b</span>`,
`<a href="https://u.test"><img alt="Buy"></a>`,
];
for (const c of cases) { const a = oldT(c), b = newT(c); console.log(a === b ? '=== SAME' : '=== DIFF', JSON.stringify(c.slice(0, 80))); if (a !== b) { console.log('--- old\n' + a + '--- new\n' + b); } }
