/**
 * Design QA of one draft: will this email look right, read well and arrive?
 *
 * One draft in (HTML, MJML or a message), one QaResult out: client compatibility, accessibility,
 * size as sent with Gmail's clipping point, the content findings message analysis raises, the
 * plain-text part as sent, and the links the link check would request. I/O is a parameter: the
 * link checker is given by the caller and runs only when asked.
 */
import type { Finding } from '../audit/types';
import type { DnsSession } from '../dns/session';
import { lintContent, readBody } from '../message/content-lint';
import { bulkVerdict } from '../message/bulk';
import { indexHeaders } from '../message/header-index';
import { classifyInput } from '../message/input';
import { parseMessage } from '../message/mime';
import { htmlToText } from '../send/html-text';
import { checkAccessibility } from './a11y';
import { checkCompatibility } from './compat';
import { MAX_DEPTH, MAX_ELEMENTS, readDocument } from './document';
import { CLIENT_FAMILIES, type ClientFamily } from './families';
import { kindOf, QaInputError, readDraft } from './input';
import { runLinkCheck, type LinkChecker, type LinkCheckOptions } from './link-check';
import { linkTargets } from './link-targets';
import { clipPoint, composeAsSent, inlineCss } from './size';
import { computeStyles, parseRules } from './style';
import type { QaFinding, QaKind, QaResult } from './types';

export { QaInputError } from './input';

export interface QaOptions {
  /** The file name as given ("-" for standard input); its extension tells the kind when `kind` is absent. */
  name?: string | null;
  kind?: QaKind;
  /** The client families to check compatibility for; all when absent or empty. */
  clients?: readonly ClientFamily[];
  /** Run the link check with this checker (links.ts); absent: no URL is requested. */
  links?: LinkCheckOptions & { checker: LinkChecker };
  /**
   * With the link check: look the link domains up on the domain blocklists through this session, as
   * message analysis does (content.listed-domain, content.link-lookup-failed).
   */
  linkDomains?: { dns: DnsSession; spamhausDqsKey?: string };
  /** Return the HTML with its CSS inlined too. */
  inlineCss?: boolean;
}

/**
 * A finding raised by both the accessibility checks and content lint: the accessibility one is kept
 * (it has the lines), the content one dropped.
 */
const SAME_AS: Partial<Record<Finding['code'], Finding['code']>> = { 'content.img-no-alt': 'a11y.img-no-alt' };

/** The first line of the HTML where `needle` occurs, or undefined. */
function lineOfText(html: string, needle: string): number | undefined {
  const at = html.indexOf(needle);
  return at < 0 ? undefined : (html.slice(0, at).match(/\n/g)?.length ?? 0) + 1;
}

/** Runs design QA on a draft's bytes. Throws QaInputError for input that is not a draft it can check. */
export async function runQa(bytes: Buffer, options: QaOptions = {}): Promise<QaResult> {
  const started = performance.now();
  const kind = options.kind ?? kindOf(options.name, bytes);
  const draft = await readDraft(bytes, kind);
  const notes = [...draft.notes];

  // The message as sent: a .eml as it is; a draft as a test send would build it, text part generated.
  let raw: Buffer;
  let textGenerated = false;
  if (draft.raw) raw = draft.raw;
  else {
    raw = await composeAsSent(draft.html, htmlToText(draft.html));
    textGenerated = true;
  }
  const input = draft.raw ? { headers: draft.headers, message: raw } : classifyInput(raw);
  const parsed = parseMessage(input.message, input.headers);
  const body = readBody({ parsed, raw: input.message });
  if (body.html === null) throw new QaInputError('no-html', 'The message has no HTML part: design QA checks an HTML email. Its text part can be read in message analysis (deliverlab check).');
  const html = draft.raw ? body.html : draft.html;
  const text = body.plain;

  const verdict = bulkVerdict(input.headers, indexHeaders(input.headers), body);
  const fromAddress = parsed.from?.value.find((a) => a.address)?.address ?? null;
  const content = await lintContent({
    parsed,
    raw: input.message,
    headersOnly: false,
    // No DNS unless the caller gives a session: design QA makes no network call unless the link check is asked for.
    checkLinkDomains: options.linkDomains !== undefined,
    ...(options.linkDomains?.spamhausDqsKey ? { spamhausDqsKey: options.linkDomains.spamhausDqsKey } : {}),
    body,
    summary: { bulk: verdict.bulk, bulkSignals: verdict.signals, fromDomain: fromAddress?.includes('@') ? (fromAddress.split('@').pop() as string).toLowerCase() : null },
  }, options.linkDomains?.dns);

  const doc = readDocument(html);
  if (doc.tooDeep) notes.push(`Elements are nested more than ${MAX_DEPTH} deep: the checks read the structure down to that depth.`);
  if (doc.truncated) notes.push(`The HTML has more than ${MAX_ELEMENTS.toLocaleString('en-US')} elements: the accessibility and compatibility checks read the first ${MAX_ELEMENTS.toLocaleString('en-US')}.`);
  // Rules for the default view: <style> blocks without a media attribute, or for all screens.
  const rules = doc.styles.filter((s) => s.media === null || /^\s*(?:all|screen)\s*$/i.test(s.media)).flatMap((s, i) => parseRules(s.css, i * 100_000));
  const styles = computeStyles(doc, rules);
  const clients = options.clients?.length ? [...options.clients] : [...CLIENT_FAMILIES];
  const compat = checkCompatibility(doc, clients);
  notes.push(...compat.notes);
  const a11y = checkAccessibility(doc, styles);

  const leaf = body.htmlLeaf;
  const clip = leaf ? clipPoint(input.message, leaf, html) : null;
  const a11yCodes = new Set(a11y.map((f) => f.code));
  const contentFindings = content.findings
    .filter((f) => {
      const same = SAME_AS[f.code];
      return same === undefined || !a11yCodes.has(same);
    })
    .map((f): QaFinding => {
      if (f.code === 'content.gmail-clipping' && clip) {
        return { ...f, evidence: `${f.evidence ?? ''}; the clip falls at byte ${clip.byteOffset.toLocaleString('en-US')} of the HTML, line ${clip.line}`.replace(/^; /, ''), line: clip.line, lines: [clip.line] };
      }
      if (f.code === 'content.link-mismatch' || f.code === 'content.url-shortener' || f.code === 'content.http-link') {
        // The first URL the finding quotes, found in the HTML.
        const url = /(?:href=")?(https?:\/\/[^\s",<>]+)/.exec(f.evidence ?? '')?.[1];
        const line = url ? lineOfText(html, url) : undefined;
        if (line !== undefined) return { ...f, line, lines: [line] };
      }
      return f;
    });

  const targets = linkTargets(doc, input.headers);
  let links: QaResult['links'];
  const linkFindings: QaFinding[] = [];
  if (options.links) {
    const { checker, ...linkOptions } = options.links;
    const run = await runLinkCheck(targets, linkOptions, checker);
    links = run.links;
    linkFindings.push(...run.findings);
  }

  const subject = parsed.subject ?? (doc.title || null);
  return {
    file: options.name ?? null,
    kind,
    htmlBytes: body.htmlTransferBytes,
    sourceBytes: Buffer.byteLength(html),
    transferEncoding: leaf?.encoding ?? '8bit',
    clip,
    clients,
    subject,
    html,
    text,
    textGenerated,
    findings: [...compat.findings, ...a11y, ...contentFindings, ...linkFindings],
    linkTargets: targets,
    ...(links ? { links } : {}),
    ...(options.inlineCss ? { inlinedHtml: await inlineCss(html) } : {}),
    notes,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  };
}
