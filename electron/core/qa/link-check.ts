/**
 * The link check of a draft: each link and image requested (HEAD, GET fallback, redirects followed),
 * only when the designer asks, with a warning that tracking links may record a click.
 *
 * The requests are made by electron/core/qa/links.ts, whose contract is LinkChecker below. This
 * module decides what it is given: never an unsubscribe URL. Those are listed as not opened without
 * reaching the checker, whatever its own rules, because opening one can unsubscribe the recipient.
 */
import type { Finding } from '../audit/types';
import type { LinkCheckOptions, LinkRef } from './link-types';
import type { LinkCheck, LinkTarget, QaFinding } from './types';

export type { LinkCheckOptions } from './link-types';

/** What links.ts provides: checkLinks requests the URLs, linkFindings words what it found (link.*, image.*). */
export interface LinkChecker {
  checkLinks(links: LinkRef[], options: LinkCheckOptions): Promise<LinkCheck[]>;
  linkFindings(checks: LinkCheck[]): Finding[];
}

/** The link checker: checkLinks and linkFindings of ./links.ts, loaded only when a draft's links are checked. */
export async function draftLinkChecker(): Promise<LinkChecker> {
  const { checkLinks, linkFindings } = await import('./links');
  return { checkLinks, linkFindings };
}

/** Checks the draft's targets with `checker`: unsubscribe URLs are not handed to it, only listed as not opened. */
export async function runLinkCheck(targets: readonly LinkTarget[], options: LinkCheckOptions, checker: LinkChecker): Promise<{ links: LinkCheck[]; findings: QaFinding[] }> {
  const toCheck = targets.filter((t) => !t.unsubscribe).map(({ url, kind, text, line }) => ({ url, kind, ...(text !== undefined ? { text } : {}), ...(line !== undefined ? { line } : {}) }));
  const checked = toCheck.length ? await checker.checkLinks(toCheck, options) : [];
  const byUrl = new Map(checked.map((c) => [`${c.kind} ${c.url}`, c]));
  const links = targets.map(
    (t): LinkCheck =>
      byUrl.get(`${t.kind} ${t.url}`) ?? {
        url: t.url,
        kind: t.kind,
        status: null,
        finalUrl: null,
        ms: 0,
        requested: false,
        hops: [],
        reason: t.unsubscribe ? 'unsubscribe' : 'not-checked',
      },
  );
  const lineOf = new Map(targets.map((t) => [t.url, t.line]));
  // Longest first, so that a finding quoting https://a.test/x is not put on the line of https://a.test.
  const urls = [...lineOf.keys()].sort((a, b) => b.length - a.length);
  const findings = checker.linkFindings(links).map((f): QaFinding => {
    // A finding that quotes one of the draft's URLs points at its line.
    const url = urls.find((u) => f.evidence?.includes(u) || f.title.includes(u));
    const line = url !== undefined ? lineOf.get(url) : undefined;
    return line !== undefined ? { ...f, line, lines: [line] } : f;
  });
  return { links, findings };
}
