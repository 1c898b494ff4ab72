/**
 * A plain-text alternative generated from HTML.
 *
 * Messages with only an HTML part score worse with spam filters and read badly in text clients
 * (RFC 2046 §5.1.4: multipart/alternative should carry a plain version); this keeps links visible
 * as "text (url)" and block structure as line breaks, without a dependency.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', hellip: '…', mdash: '—', ndash: '–', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}

export function htmlToText(html: string): string {
  let s = html.replace(/\r\n?/g, '\n');
  // Nothing in these is shown to a reader.
  s = s.replace(/<!--[\s\S]*?-->/g, '').replace(/<(head|script|style|title|template)\b[\s\S]*?<\/\1\s*>/gi, '');
  s = s.replace(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, d?: string, q?: string, b?: string, inner = '') => {
    const href = decodeEntities(d ?? q ?? b ?? '').trim();
    const label = decodeEntities(inner.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();
    if (!href || /^(javascript|#)/i.test(href)) return label;
    const shown = href.replace(/^mailto:/i, '');
    return label && label !== shown && label !== href ? `${label} (${shown})` : shown;
  });
  s = s.replace(/<img\b[^>]*?\balt\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>/gi, (_m, d?: string, q?: string) => (d ?? q ?? '').trim());
  s = s.replace(/\s+/g, ' ');
  s = s.replace(/<br\s*\/?>/gi, '\n');
  s = s.replace(/<li\b[^>]*>/gi, '\n- ');
  s = s.replace(/<hr\b[^>]*>/gi, '\n----\n');
  s = s.replace(/<\/?(p|div|h[1-6]|ul|ol|table|blockquote|section|article|header|footer|pre)\b[^>]*>/gi, '\n\n');
  s = s.replace(/<\/tr\s*>/gi, '\n').replace(/<\/t[dh]\s*>/gi, ' ');
  s = s.replace(/<[^>]*>/g, '');
  s = decodeEntities(s);
  return s
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .concat('\n');
}
