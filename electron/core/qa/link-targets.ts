/**
 * The links and images of a draft that a link check may request, with the unsubscribe ones marked.
 *
 * Pure: URLs are only read as strings here. Unsubscribe URLs (the List-Unsubscribe header's, and
 * links whose text or address offers to unsubscribe or opt out) are marked so that nothing ever
 * requests them: opening one can unsubscribe the address the draft was sent to.
 */
import { MAX_LINKS } from '../message/html-scan';
import { looksLikeUnsubscribe } from './link-unsubscribe';
import type { HeaderField } from '../message/input';
import type { HtmlDocument, QaElement } from './document';
import { sample } from './qa-finding';
import type { LinkTarget } from './types';

/** http:, https: and protocol-relative URLs: what can be requested. */
const REQUESTABLE = /^(?:https?:)?\/\//i;

/** The URLs of a List-Unsubscribe header value (RFC 2369 §2: "<mailto:...>, <https://...>"). */
export function listUnsubscribeUrls(value: string): string[] {
  return [...value.matchAll(/<([^<>]+)>/g)].map((m) => (m[1] as string).replace(/\s+/g, '')).filter((url) => REQUESTABLE.test(url));
}

const absolute = (url: string) => (url.startsWith('//') ? `https:${url}` : url);

/** The draft's requestable links and images, each URL once (its first line and text), in document order. */
export function linkTargets(doc: HtmlDocument, headers: readonly HeaderField[] = []): LinkTarget[] {
  const out = new Map<string, LinkTarget>();
  const add = (target: LinkTarget) => {
    const key = `${target.kind} ${target.url}`;
    const known = out.get(key);
    if (known) {
      if (target.unsubscribe) known.unsubscribe = true;
      return;
    }
    if (out.size < MAX_LINKS) out.set(key, target);
  };

  for (const h of headers) {
    if (h.name.toLowerCase() !== 'list-unsubscribe') continue;
    for (const url of listUnsubscribeUrls(h.value)) add({ url: absolute(url), kind: 'link', text: 'List-Unsubscribe', unsubscribe: true });
  }

  // Each link's visible text: the text inside it, and the alt text of images inside it.
  const n = doc.elements.length;
  const linkOf = new Int32Array(n);
  const text = new Map<number, string>();
  for (let i = 0; i < n; i++) {
    const e = doc.elements[i] as QaElement;
    linkOf[i] = (e.tag === 'a' || e.tag === 'area') && e.attrs.has('href') ? i : e.parent >= 0 ? (linkOf[e.parent] as number) : -1;
    if (e.tag === 'img' && linkOf[i] !== -1 && e.attrs.get('alt')) text.set(linkOf[i] as number, `${text.get(linkOf[i] as number) ?? ''} ${e.attrs.get('alt')}`);
  }
  for (const t of doc.texts) {
    const link = t.element >= 0 ? (linkOf[t.element] as number) : -1;
    const known = link >= 0 ? (text.get(link) ?? '') : '';
    if (link >= 0 && known.length < 500) text.set(link, `${known} ${t.text}`);
  }

  doc.elements.forEach((e, i) => {
    const href = e.attrs.get('href')?.trim();
    if (href && linkOf[i] === i && REQUESTABLE.test(href)) {
      const words = sample(text.get(i) ?? '', 200);
      const unsubscribe = looksLikeUnsubscribe(href, words);
      add({ url: absolute(href), kind: 'link', ...(words ? { text: words } : {}), line: e.line, ...(unsubscribe ? { unsubscribe } : {}) });
    }
    const src = (e.tag === 'img' ? e.attrs.get('src') : e.attrs.get('background'))?.trim();
    if (src && REQUESTABLE.test(src)) {
      const alt = e.attrs.get('alt');
      add({ url: absolute(src), kind: 'image', ...(alt ? { text: sample(alt, 200) } : {}), line: e.line });
    }
  });
  return [...out.values()];
}
