/**
 * The design QA result: what a designer needs to know about a draft before the test send.
 *
 * A contract like the audit's and the message analysis's: `deliverlab qa --json`, the api's qa.run
 * and (later) the QA screen carry it unchanged.
 */
import type { Finding } from '../audit/types';
import type { ClientFamily } from './families';

export type { ClientFamily };

export type QaKind = 'html' | 'mjml' | 'eml';

/** A finding with where in the HTML it is: the first line, and every line up to a bound. */
export interface QaFinding extends Finding {
  /** 1-based line in the HTML checked (the compiled HTML for MJML, the HTML part for a message). */
  line?: number;
  /** Every line the finding applies to, in order, at most MAX_FINDING_LINES. */
  lines?: number[];
}

/** Where Gmail's clipping falls in the HTML: everything after it is behind "[Message clipped]". */
export interface ClipPoint {
  /** The limit, in bytes of the HTML part as transferred. */
  limit: number;
  /** The byte offset in the UTF-8 HTML checked (`html`) where the limit falls. */
  byteOffset: number;
  /** The line that offset is on. */
  line: number;
}

/** A link or image URL of the draft, as the link check takes it. */
export interface LinkTarget {
  url: string;
  kind: 'link' | 'image';
  /** The link's visible text (or an image's alt text), trimmed and shortened. */
  text?: string;
  /** The first line it is on; absent for a List-Unsubscribe header URL. */
  line?: number;
  /** An unsubscribe or opt-out URL (List-Unsubscribe, or words in its text or address): never requested. */
  unsubscribe?: boolean;
}

/** What the link check found for one URL (its contract: electron/core/qa/link-check.ts). */
/** One link or image as the link check found it (core/qa/link-types.ts). */
export type { LinkCheck } from './link-types';
import type { LinkCheck } from './link-types';

export interface QaResult {
  /** The file name as given (or "-" for standard input), null for pasted HTML. */
  file: string | null;
  kind: QaKind;
  /** Bytes of the HTML part as sent: transfer-encoded, as a test send would build the message. */
  htmlBytes: number;
  /** Bytes of the HTML itself (UTF-8), before transfer encoding. */
  sourceBytes: number;
  /** The HTML part's Content-Transfer-Encoding (quoted-printable, base64, 7bit, 8bit). */
  transferEncoding: string;
  /** Where Gmail clips the message, when the HTML part is over the limit. */
  clip: ClipPoint | null;
  /** The client families checked for compatibility. */
  clients: ClientFamily[];
  /** The message's Subject, else the HTML's <title>, else null. */
  subject: string | null;
  /** The HTML checked: the file, the compiled MJML, or the message's HTML part. */
  html: string;
  /** The plain-text part as sent: the message's own, or the one a test send generates from the HTML. */
  text: string;
  /** The text part was generated from the HTML (the draft had none). */
  textGenerated: boolean;
  findings: QaFinding[];
  /** The draft's links and images, unsubscribe URLs marked: what the link check would request. */
  linkTargets: LinkTarget[];
  /** The link check, only when it was asked for. */
  links?: LinkCheck[];
  /** The HTML with its <style> rules inlined (juice), only when it was asked for. */
  inlinedHtml?: string;
  /** What limited the checks, in words (an MJML include not followed, a structure too deep). */
  notes: string[];
  durationMs: number;
}

/**
 * The last design QA of a draft, kept with the test send or placement run made from it: how many
 * findings of each severity, and which codes, so that history shows what was known before sending.
 */
export interface QaSummary {
  /** The draft's file name, or null for pasted HTML. */
  file: string | null;
  /** When the checks ran (ISO 8601). */
  checkedAt: string;
  counts: { critical: number; warning: number; info: number };
  /** The codes found, each once, worst first. */
  codes: string[];
}
