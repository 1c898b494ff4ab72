// @vitest-environment jsdom
/**
 * The preview sanitizer against hostile HTML: nothing that runs, navigates or nests a document survives.
 */
import { describe, expect, it } from 'vitest';
import { isSafeImageUrl, previewDocument, previewPolicy, sanitizeHtml } from '../../renderer/src/received/sanitize';

describe('sanitizeHtml', () => {
  it('keeps ordinary email markup, styles and text', () => {
    const html =
      '<html><head><style>td > p { color: red }</style></head><body bgcolor="#fff">' +
      '<table width="600"><tr><td><p style="font-size:14px">Hello &amp; welcome &lt;friend&gt;</p>' +
      '<img src="https://images.example/x.png" alt="Logo" width="1"></td></tr></table></body></html>';
    const out = sanitizeHtml(html);
    expect(out).toContain('<style>td > p { color: red }</style>');
    // The <tbody> is the HTML parser's own (the frame would add it too when it parsed the document).
    expect(out).toContain('<table width="600"><tbody><tr><td><p style="font-size:14px">Hello &amp; welcome &lt;friend&gt;</p>');
    expect(out).toContain('<img src="https://images.example/x.png" alt="Logo" width="1">');
    expect(out).not.toMatch(/<\/?(html|head|body)\b/);
  });

  it('keeps a style block that mail templates wrap in <!-- -->', () => {
    const out = sanitizeHtml('<head><style type="text/css"><!--\n.btn { color: #fff }\n--></style></head><p class="btn">Go</p>');
    expect(out).toBe('<style type="text/css">\n.btn { color: #fff }\n</style><p class="btn">Go</p>');
  });

  it('drops <script> with its content, in any case and however it is split', () => {
    for (const html of [
      '<p>a</p><script>alert(1)</script><p>b</p>',
      '<p>a</p><SCRIPT type="text/javascript">alert(1)</SCRIPT><p>b</p>',
      '<p>a</p><script src="https://evil.example/x.js"></script><p>b</p>',
      '<p>a</p><script>document.write("</p>")</script><p>b</p>',
    ]) {
      const out = sanitizeHtml(html);
      expect(out).not.toMatch(/script|alert|evil/i);
      expect(out).toContain('<p>a</p>');
      expect(out).toContain('<p>b</p>');
    }
  });

  it('drops every on* event handler attribute', () => {
    const out = sanitizeHtml(
      '<img src="x.png" onerror="alert(1)"><body onload="alert(2)"><div ONCLICK="alert(3)" onmouseover=alert(4) class="k">x</div>',
    );
    expect(out).not.toMatch(/\bon[a-z]+=/i);
    expect(out).not.toContain('alert');
    expect(out).toContain('<div class="k">x</div>');
  });

  it('drops javascript: and vbscript: URLs, however they are obfuscated', () => {
    for (const src of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' \tjavascript:alert(1)', 'jav&#x09;ascript:alert(1)', 'java\nscript:alert(1)', 'vbscript:msgbox(1)', 'jav&#97;script:alert(1)']) {
      const out = sanitizeHtml(`<img src="${src}"><td background="${src}">x</td>`);
      expect(out, src).not.toMatch(/script|alert|msgbox/i);
    }
  });

  it('never keeps a link that could be followed from the preview', () => {
    const out = sanitizeHtml(
      '<a href="https://track.example/c?u=1" target="_blank" ping="https://ping.example/">Shop</a>' +
        '<a href="javascript:alert(1)">x</a><area href="https://a.example/" shape="rect">',
    );
    expect(out).not.toMatch(/\bhref=|\btarget=|\bping=/);
    expect(out).not.toContain('javascript:alert');
    // The destination is still readable, as a tooltip.
    expect(out).toContain('title="Link (not opened from the preview): https://track.example/c?u=1"');
    expect(out).toContain('>Shop</a>');
    // The message cannot claim another destination in its own title.
    expect(sanitizeHtml('<a href="https://evil.example/" title="https://bank.example/">Bank</a>')).toBe(
      '<a title="Link (not opened from the preview): https://evil.example/">Bank</a>',
    );
  });

  it('drops data: documents but keeps embedded raster images', () => {
    const out = sanitizeHtml(
      '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>' +
        '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>' +
        '<embed src="data:text/html,x">' +
        '<img src="data:text/html;base64,PHNjcmlwdD4=" alt="a">' +
        '<img src="data:image/svg+xml,<svg onload=alert(1)>" alt="b">' +
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="c">' +
        '<a href="data:text/html,<script>alert(1)</script>">d</a>',
    );
    expect(out).not.toMatch(/text\/html|svg|iframe|object|embed|alert/i);
    expect(out).toContain('<img alt="a">');
    expect(out).toContain('<img alt="b">');
    expect(out).toContain('<img src="data:image/png;base64,iVBORw0KGgo=" alt="c">');
  });

  it('drops <meta http-equiv=refresh>, every <meta> and <link>, and <base>', () => {
    const out = sanitizeHtml(
      '<head><meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/">' +
        '<meta http-equiv="Content-Security-Policy" content="default-src *"><link rel="stylesheet" href="https://evil.example/a.css">' +
        '<link rel="dns-prefetch" href="//evil.example"></head><body><p>x</p></body>',
    );
    expect(out).toBe('<p>x</p>');
  });

  it('drops nested documents: iframe srcdoc, frames, templates, svg and math', () => {
    const out = sanitizeHtml(
      '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>' +
        '<iframe srcdoc="<iframe srcdoc=\'<script>alert(2)</script>\'></iframe>">inner</iframe>' +
        '<frameset><frame src="https://evil.example/"></frameset>' +
        '<template><script>alert(3)</script></template>' +
        '<svg><script>alert(4)</script><a xlink:href="javascript:alert(5)">s</a></svg>' +
        '<math><mtext><img src=x onerror=alert(6)></mtext></math><p>after</p>',
    );
    expect(out).not.toMatch(/srcdoc|iframe|frame|template|svg|math|alert|evil/i);
    expect(out).toContain('<p>after</p>');
  });

  it('drops forms and their controls, keeping the visible text', () => {
    const out = sanitizeHtml(
      '<form action="https://evil.example/login" method="post"><label>Password <input type="password" name="p"></label>' +
        '<select><option>x</option></select><textarea>t</textarea><button formaction="https://evil.example/">Sign in</button></form>',
    );
    expect(out).not.toMatch(/form|input|select|textarea|button|evil/i);
    expect(out).toContain('Password');
    expect(out).toContain('Sign in');
  });

  it('drops inline styles that run code or import', () => {
    const out = sanitizeHtml(
      '<div style="width: expression(alert(1))">a</div><div style="background:url(javascript:alert(1))">b</div>' +
        '<div style="color: red">c</div>',
    );
    expect(out).toBe('<div>a</div><div>b</div><div style="color: red">c</div>');
  });

  it('cannot be broken out of by attribute quoting or a stray </style>', () => {
    const out = sanitizeHtml('<p title="a&quot;><script>alert(1)</script>">x</p><style>p{}</style><script>alert(2)</script>');
    // An attribute that closes a raw-text element is dropped whole; a quote in any other is escaped.
    expect(out).toBe('<p>x</p><style>p{}</style>');
    expect(sanitizeHtml('<p title="a&quot;><b onclick=alert(1)>b</b>">x</p>')).toBe('<p title="a&quot;&gt;&lt;b onclick=alert(1)&gt;b&lt;/b&gt;">x</p>');
  });
});

describe('isSafeImageUrl', () => {
  it('allows absolute web, cid and raster data URLs only', () => {
    expect(isSafeImageUrl('https://images.example/x.png')).toBe(true);
    expect(isSafeImageUrl('http://images.example/x.png')).toBe(true);
    expect(isSafeImageUrl('cid:logo@example')).toBe(true);
    expect(isSafeImageUrl('data:image/gif;base64,R0lGOD')).toBe(true);
    // Relative URLs would resolve against the app's own address.
    expect(isSafeImageUrl('/api/history.list')).toBe(false);
    expect(isSafeImageUrl('x.png')).toBe(false);
    expect(isSafeImageUrl('file:///etc/passwd')).toBe(false);
    expect(isSafeImageUrl('javascript:alert(1)')).toBe(false);
  });
});

describe('previewDocument', () => {
  it('starts with a CSP that blocks remote images until they are allowed', () => {
    const blocked = previewDocument('<img src="https://images.example/x.png">', { remoteImages: false });
    expect(blocked.indexOf('<meta http-equiv="Content-Security-Policy"')).toBeLessThan(blocked.indexOf('<img'));
    expect(blocked).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(blocked).toContain('<meta name="referrer" content="no-referrer">');

    const allowed = previewDocument('<img src="https://images.example/x.png">', { remoteImages: true });
    expect(allowed).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data: https: http:"`);
    expect(previewPolicy(false)).not.toContain('https:');
  });

  it('puts the message below the policy, where it cannot replace it', () => {
    const doc = previewDocument('<meta http-equiv="Content-Security-Policy" content="img-src *"><p>x</p>', { remoteImages: false });
    expect(doc.match(/Content-Security-Policy/g)).toHaveLength(1);
    expect(doc.endsWith('<body><p>x</p></body></html>')).toBe(true);
  });
});
