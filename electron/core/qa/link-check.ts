/**
 * The link check of a draft: each link and image requested (HEAD, GET fallback, redirects followed),
 * only when the designer asks, with a warning that tracking links may record a click.
 *
 * The requests are made by electron/core/qa/links.ts, whose contract is LinkChecker below. This
 * module decides what it is given: never an unsubscribe URL. Those are listed as not opened without
 * reaching the checker, whatever its own rules, because opening one can unsubscribe the recipient.
 */
import type { Finding } from '../audit/types';
import type { LinkCheck, LinkTarget, QaFinding } from './types';

export interface LinkCheckOptions {
  /** Private, loopback and link-local addresses are refused unless this is set (test labs). */
  allowPrivate: boolean;
  signal?: AbortSignal;
  /** Requests at once to one host. */
  perHost?: number;
  /** Deadline of each request. */
  timeoutMs?: number;
  /** Extra trusted CA certificates (PEM), e.g. a test lab's. */
  ca?: string | Buffer;
}

/** What links.ts provides: checkLinks requests the URLs, linkFindings words what it found (link.*, image.*). */
export interface LinkChecker {
  checkLinks(links: { url: string; kind: 'link' | 'image'; text?: string; line?: number }[], options: LinkCheckOptions): Promise<LinkCheck[]>;
  linkFindings(checks: LinkCheck[]): Finding[];
}

/**
 * The link checker of this build: checkLinks and linkFindings of electron/core/qa/links.ts, as the
 * LinkChecker contract above. Null while the build has none, and qa.run then refuses `links`.
 */
export async function draftLinkChecker(): Promise<LinkChecker | null> {
  return null;
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
