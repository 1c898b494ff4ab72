/**
 * Delivery status notifications (RFC 3464): the report a server sends back to the envelope sender
 * when a copy could not be delivered, read so a run can end a seed as `bounced` the moment it
 * arrives instead of calling it `missing` at the deadline.
 *
 * A DSN is a multipart/report (RFC 6522) with report-type delivery-status: a human-readable part, a
 * message/delivery-status part (one block of per-message fields, then one block per recipient), and
 * the returned message (message/rfc822) or its headers only (text/rfc822-headers). RFC 6533's
 * internationalized forms (message/global-delivery-status, message/global, message/global-headers)
 * read the same way. The returned headers tie the report to a run: the token header, the token in
 * the subject, or the Message-ID.
 */
import { decodeCharset, parseParams } from '../message/mime';
import { parseHeaderBlock } from './header-block';
import { TOKEN_HEADER } from './types';

/** What is read of a report at most: the status part comes before the returned message. */
export const MAX_DSN_BYTES = 256 * 1024;
/** Recipients read from one report at most. */
const MAX_RECIPIENTS = 1000;
/** multipart/report may sit inside multipart/mixed (a forwarded report): this deep at most. */
const MAX_DEPTH = 3;

export interface DsnRecipient {
  /** RFC 3464 §2.3.2 Final-Recipient, without the address type ("rfc822;") and angle brackets. */
  finalRecipient: string;
  /** §2.3.1 Original-Recipient, when the reporting server kept it. */
  originalRecipient?: string;
  /** §2.3.3: failed, delayed, delivered, relayed or expanded (lower-case). */
  action: string;
  /** §2.3.4, e.g. 5.1.1. */
  status: string;
  /** §2.3.6 Diagnostic-Code, unfolded, e.g. "smtp; 550 5.1.1 <a@b> User unknown". */
  diagnostic?: string;
  /** §2.3.5 Remote-MTA, without the name type. */
  remoteMta?: string;
}

export interface DsnReport {
  /** §2.2.2 Reporting-MTA, without the name type. */
  reportingMta?: string;
  recipients: DsnRecipient[];
  /** What the returned headers say about the original message. */
  returned: { token?: string; messageId?: string; subject?: string };
}

interface Entity {
  fields: [string, string][];
  body: Buffer;
}

/** An entity's header block and body: the block ends at the first empty line (RFC 5322 §2.1). */
function entity(raw: Buffer): Entity {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  let headerEnd: number;
  let bodyStart: number;
  if (raw.subarray(0, 2).toString('latin1') === '\r\n') [headerEnd, bodyStart] = [0, 2];
  else if (raw[0] === 0x0a) [headerEnd, bodyStart] = [0, 1];
  else if (crlf >= 0 && (lf < 0 || crlf < lf)) [headerEnd, bodyStart] = [crlf, crlf + 4];
  else if (lf >= 0) [headerEnd, bodyStart] = [lf, lf + 2];
  else [headerEnd, bodyStart] = [raw.length, raw.length];
  return { fields: parseHeaderBlock(raw.subarray(0, headerEnd).toString('latin1')), body: raw.subarray(bodyStart) };
}

const field = (fields: readonly [string, string][], name: string) => fields.find(([n]) => n === name)?.[1];

/** The body parts of a multipart entity (RFC 2046 §5.1.1); a part cut off by the size bound is kept as far as it goes. */
function multipartParts(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const parts: Buffer[] = [];
  let at = text.startsWith(delimiter) ? 0 : text.indexOf(`\n${delimiter}`);
  if (at < 0) return parts;
  if (at > 0) at += 1;
  while (at >= 0) {
    const lineEnd = text.indexOf('\n', at);
    if (text.startsWith(`${delimiter}--`, at) || lineEnd < 0) break;
    const next = text.indexOf(`\n${delimiter}`, lineEnd);
    // The line break before a delimiter belongs to the delimiter.
    const end = next < 0 ? text.length : text[next - 1] === '\r' ? next - 1 : next;
    parts.push(body.subarray(lineEnd + 1, end));
    at = next < 0 ? -1 : next + 1;
  }
  return parts;
}

function decodeBody(body: Buffer, encoding: string | undefined, charset: string | null): string {
  const cte = (encoding ?? '7bit').trim().toLowerCase();
  let bytes: Buffer = body;
  if (cte === 'base64') bytes = Buffer.from(body.toString('latin1'), 'base64');
  else if (cte === 'quoted-printable') bytes = Buffer.from(body.toString('latin1').replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  return decodeCharset(bytes, charset ?? 'utf-8');
}

/** "rfc822; <Gone@Lab.Test>" → "gone@lab.test"; "dns; mx.example" → "mx.example". */
function typedValue(value: string | undefined, lower: boolean): string | undefined {
  if (value === undefined) return undefined;
  const semi = value.indexOf(';');
  const v = (semi >= 0 ? value.slice(semi + 1) : value).trim().replace(/^<(.*)>$/, '$1').trim();
  if (v === '') return undefined;
  return lower ? v.toLowerCase() : v;
}

/** RFC 3464 §2.1: groups of fields separated by empty lines; the first is per message, the rest per recipient. */
function statusBlocks(text: string): [string, string][][] {
  return text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((block) => parseHeaderBlock(block.replace(/^(\r?\n)+/, '')))
    .filter((fields) => fields.length > 0);
}

function readStatus(text: string, report: DsnReport): void {
  const blocks = statusBlocks(text);
  const [perMessage, ...perRecipient] = blocks;
  if (!perMessage) return;
  report.reportingMta ??= typedValue(field(perMessage, 'reporting-mta'), false);
  for (const fields of perRecipient) {
    if (report.recipients.length >= MAX_RECIPIENTS) break;
    const finalRecipient = typedValue(field(fields, 'final-recipient'), true);
    const action = field(fields, 'action')?.trim().toLowerCase();
    const status = field(fields, 'status')?.trim().split(/\s/)[0];
    // Both are required in a per-recipient block (§2.3); a block without them is not one.
    if (!finalRecipient || !action || !status) continue;
    const originalRecipient = typedValue(field(fields, 'original-recipient'), true);
    const diagnostic = field(fields, 'diagnostic-code')?.replace(/\s+/g, ' ').trim();
    const remoteMta = typedValue(field(fields, 'remote-mta'), false);
    report.recipients.push({
      finalRecipient,
      action,
      status,
      ...(originalRecipient ? { originalRecipient } : {}),
      ...(diagnostic ? { diagnostic } : {}),
      ...(remoteMta ? { remoteMta } : {}),
    });
  }
}

function readReturned(fields: readonly [string, string][], report: DsnReport): void {
  const token = field(fields, TOKEN_HEADER.toLowerCase())?.trim();
  const messageId = field(fields, 'message-id')?.trim();
  const subject = field(fields, 'subject');
  report.returned = {
    ...report.returned,
    ...(token && !report.returned.token ? { token } : {}),
    ...(messageId && !report.returned.messageId ? { messageId } : {}),
    ...(subject !== undefined && report.returned.subject === undefined ? { subject } : {}),
  };
}

function walk(part: Entity, report: DsnReport, depth: number, found: { status: boolean }): void {
  const ct = parseParams(field(part.fields, 'content-type') ?? 'text/plain');
  const encoding = field(part.fields, 'content-transfer-encoding');
  if (ct.value.startsWith('multipart/')) {
    const boundary = ct.params.get('boundary');
    if (!boundary || depth >= MAX_DEPTH) return;
    for (const child of multipartParts(part.body, boundary)) walk(entity(child), report, depth + 1, found);
    return;
  }
  if (ct.value === 'message/delivery-status' || ct.value === 'message/global-delivery-status') {
    found.status = true;
    readStatus(decodeBody(part.body, encoding, ct.params.get('charset') ?? null), report);
  } else if (ct.value === 'text/rfc822-headers' || ct.value === 'message/global-headers') {
    readReturned(parseHeaderBlock(decodeBody(part.body, encoding, ct.params.get('charset') ?? null)), report);
  } else if (ct.value === 'message/rfc822' || ct.value === 'message/global') {
    // RFC 2046 §5.2.1: no encoding but 7bit, 8bit or binary; a sender that encodes it anyway is still read.
    const inner = /^(base64|quoted-printable)$/i.test(encoding?.trim() ?? '') ? Buffer.from(decodeBody(part.body, encoding, 'utf-8'), 'utf8') : part.body;
    readReturned(entity(inner).fields, report);
  }
}

/**
 * Reads a delivery status notification; null when the message is not one (no delivery-status part).
 *
 * `raw` may be cut short (MAX_DSN_BYTES): the status part comes before the returned message.
 */
export function parseDsn(raw: Buffer | string): DsnReport | null {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const top = entity(bytes.length > MAX_DSN_BYTES ? bytes.subarray(0, MAX_DSN_BYTES) : bytes);
  const report: DsnReport = { recipients: [], returned: {} };
  const found = { status: false };
  walk(top, report, 0, found);
  return found.status ? report : null;
}

const bareId = (id: string) => id.trim().replace(/^<(.*)>$/, '$1').trim();

/**
 * Whether a report is about this run's message: its token in the returned token header or subject
 * (exactly, as probeSubject writes it), or its Message-ID. null when it is about another message.
 */
export function dsnMatchesRun(report: DsnReport, token: string, messageId: string | undefined): 'token' | 'message-id' | null {
  if (report.returned.token === token) return 'token';
  if (report.returned.subject?.includes(`[${token}]`)) return 'token';
  if (messageId && report.returned.messageId && bareId(report.returned.messageId) === bareId(messageId)) return 'message-id';
  return null;
}
