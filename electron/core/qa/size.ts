/**
 * Size and weight: the draft as a test send would put it on the wire, where Gmail clips it, and
 * the HTML with its CSS inlined.
 *
 * The message is built by nodemailer's composer, the one the test send uses, with the same HTML
 * and text parts, so "bytes as sent" is the transfer-encoded HTML part a receiver gets (quoted-
 * printable turns every "=" of the HTML into "=3D", which can add a third). Line ends are CRLF, as
 * the SMTP transport writes them (RFC 5321 §2.3.8).
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { GMAIL_CLIP_BYTES } from '../message/content-lint';
import { decodeLeaf, type MimeLeaf } from '../message/mime';
import type { ClipPoint } from './types';

/** The message a test send of this HTML and text would transmit (no envelope; no From or To). */
export function composeAsSent(html: string, text: string, subject?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    new MailComposer({ html, text, ...(subject ? { subject } : {}) }).compile().build((err, message) => {
      if (err) return reject(err);
      resolve(toCrlf(message));
    });
  });
}

/** Bare LF line ends as CRLF, as nodemailer's SMTP connection sends them. */
function toCrlf(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = raw.indexOf(0x0a); i >= 0; i = raw.indexOf(0x0a, i + 1)) {
    if (i > 0 && raw[i - 1] === 0x0d) continue;
    parts.push(raw.subarray(from, i), CRLF);
    from = i + 1;
  }
  if (from === 0) return raw;
  parts.push(raw.subarray(from));
  return Buffer.concat(parts);
}

const CRLF = Buffer.from('\r\n');

/**
 * Where Gmail's clipping limit falls in `html`, the HTML checked, when the HTML part as transferred
 * (`leaf` in `raw`) is over it; null when it is not.
 *
 * The limit counts transferred bytes, so the part's first GMAIL_CLIP_BYTES bytes are decoded; the
 * line and column that decoding ends at are then found in `html` (which for a draft is the file as
 * written, whose line ends may differ from the message's).
 */
export function clipPoint(raw: Buffer, leaf: MimeLeaf, html: string, limit = GMAIL_CLIP_BYTES): ClipPoint | null {
  if (leaf.end - leaf.start <= limit) return null;
  const prefix = decodeLeaf(raw, { ...leaf, end: leaf.start + limit });
  const lineIndex = prefix.match(/\n/g)?.length ?? 0;
  const column = prefix.length - (prefix.lastIndexOf('\n') + 1);
  let lineStart = 0;
  for (let n = 0; n < lineIndex; n++) {
    const next = html.indexOf('\n', lineStart);
    if (next < 0) break;
    lineStart = next + 1;
  }
  const lineEnd = html.indexOf('\n', lineStart);
  const offset = Math.min(lineStart + column, lineEnd < 0 ? html.length : lineEnd);
  return { limit, byteOffset: Buffer.byteLength(html.slice(0, offset)), line: lineIndex + 1 };
}

/**
 * The HTML with the rules of its <style> blocks inlined into style attributes (juice), media
 * queries and @font-face kept in a <style> block, as Gmail's and Outlook's apps need.
 *
 * Only juice's inliner runs: nothing is fetched (no linked style sheets, no images).
 */
export async function inlineCss(html: string): Promise<string> {
  const { default: juice } = await import('juice');
  return juice(html, { preserveMediaQueries: true, preserveFontFaces: true, preserveImportant: true, applyWidthAttributes: true, applyHeightAttributes: false });
}
