/**
 * What the receiving server wrote about the message (Authentication-Results), beside what we found.
 *
 * The receiver evaluated the message as it arrived, with its DNS at that moment; we evaluate the copy
 * we were given, with DNS now. Where the two disagree, that difference is itself the diagnosis.
 */
import type { HeaderField } from './input';
import type { LenientResult, MessageAuth, ReceiverView } from './types';

export interface AuthResultsEntry {
  method: string;
  result: string;
  properties: Record<string, string>;
  /** reason= or the comment after the result, when given. */
  reason?: string;
}

export interface ParsedAuthResults {
  authServId: string | null;
  results: AuthResultsEntry[];
}

/** Splits on a separator outside quoted strings and comments (RFC 8601 §2.2 uses CFWS freely). */
function splitOutside(text: string, separator: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (quoted) quoted = c !== '"';
    else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === separator && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** Removes comments, returning the text and the comments' contents. */
function stripComments(text: string): { text: string; comments: string[] } {
  const comments: string[] = [];
  // Most results carry no comment: nothing to rebuild.
  if (!text.includes('(')) return { text, comments };
  // Runs of text are copied as slices, not character by character.
  let out = '';
  let depth = 0;
  let quoted = false;
  let current = '';
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (depth === 0) {
      if (c === 0x22) quoted = !quoted;
      if (c === 0x28 && !quoted) {
        out += text.slice(run, i);
        depth = 1;
        current = '';
        run = i + 1;
      }
    } else if (c === 0x5c) {
      current += text.slice(run, i) + (text[i + 1] ?? '');
      i++;
      run = i + 1;
    } else if (c === 0x29 && depth === 1) {
      current += text.slice(run, i);
      depth = 0;
      comments.push(current.trim());
      run = i + 1;
    } else if (c === 0x28) depth++;
    else if (c === 0x29) depth--;
  }
  if (depth === 0) out += text.slice(run);
  return { text: out, comments };
}

const unquote = (v: string) => (v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v);

/** Parses one Authentication-Results (or ARC-Authentication-Results) value, RFC 8601 §2.2. */
export function parseAuthResults(value: string, arc = false): ParsedAuthResults {
  const parts = splitOutside(value.replace(/\r?\n[ \t]+/g, ' '), ';');
  let head = stripComments(parts[0] ?? '').text.trim();
  // RFC 8617 §4.1.1: ARC-Authentication-Results starts with "i=N;" before the authserv-id.
  if (arc && /^i\s*=\s*\d+$/i.test(head)) {
    parts.shift();
    head = stripComments(parts[0] ?? '').text.trim();
  }
  const authServId = head ? unquote(head.split(/\s+/)[0] as string) : null;
  const results: AuthResultsEntry[] = [];
  for (const part of parts.slice(1)) {
    const { text, comments } = stripComments(part);
    // Tokens are "name=value" with optional spaces around "=" (values may be quoted).
    const tokens = [...text.matchAll(/([^\s=]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;]+)/g)];
    const first = tokens[0];
    if (!first || /^none$/i.test(text.trim())) continue;
    const method = (first[1] as string).toLowerCase().split('/')[0] as string;
    const entry: AuthResultsEntry = { method, result: unquote(first[2] as string).toLowerCase(), properties: {} };
    for (const t of tokens.slice(1)) {
      const key = (t[1] as string).toLowerCase();
      const val = unquote(t[2] as string);
      if (key === 'reason') entry.reason = val;
      else entry.properties[key] = val;
    }
    if (!entry.reason && comments.length > 0) entry.reason = comments.join(' ');
    results.push(entry);
  }
  return { authServId, results };
}

/** dkim, dmarc and arc compare as passed / did not pass: receivers spell failures differently. */
const passed = (r: string) => r === 'pass';

/** When the receiver's word is what a lenient reading gives, that is the likeliest reason. */
function lenientNote(receiver: string, lenient: LenientResult | undefined): string | null {
  return lenient && lenient.result === receiver ? `The receiver reads it leniently, as many do: ${lenient.why}. We report the RFC reading.` : null;
}

function dkimNote(receiver: string, ours: string): string {
  if (passed(receiver) && !passed(ours)) {
    return 'The receiver saw a signature verify that fails now: the copy analysed was changed after it arrived (a forwarder, a mailing list, or the way it was saved), or the key in DNS has changed or been removed since.';
  }
  return 'The signature verifies now but failed at the receiver: the key was missing or different in the receiver\'s DNS at the time, or the receiver saw a different copy.';
}

const NOTES: Record<string, (receiver: string, ours: string) => string> = {
  spf: (_receiver, ours) =>
    ours === 'none'
      ? 'We could not evaluate SPF (no connecting IP or no SPF record now); the receiver had the IP from the connection. Give it with --ip to compare.'
      : 'The receiver evaluated SPF for the IP and envelope sender it saw; we used the envelope from the trusted Received hop (or the one given). A forwarder in the path, or an SPF record that changed since, also explains it.',
  dkim: dkimNote,
  dmarc: () => 'DMARC follows from SPF and DKIM: see where those differ. Our DNS may also differ from the receiver\'s at the time (a DMARC record changed since).',
  arc: () => 'The ARC chain was evaluated on a different copy, or with the sealers\' keys as they were then; a forwarder that adds headers without sealing breaks it afterwards.',
};

/**
 * The receiver's view: its own Authentication-Results, and where its results differ from ours.
 *
 * The top Authentication-Results header is the final receiver's (RFC 8601 §5: added at the top); we
 * take every header with that same authserv-id, as some receivers write one per method.
 */
export function receiverView(headers: readonly HeaderField[], ours: MessageAuth): ReceiverView {
  const ar = headers.filter((h) => h.name.toLowerCase() === 'authentication-results').map((h) => parseAuthResults(h.value));
  const arcAr = headers.filter((h) => h.name.toLowerCase() === 'arc-authentication-results').map((h) => h.value);
  const top = ar[0];
  const authServId = top?.authServId ?? null;
  const results = ar.filter((a) => a.authServId === authServId).flatMap((a) => a.results);
  const differences: ReceiverView['differences'] = [];

  const first = (method: string) => results.find((r) => r.method === method);
  const spf = first('spf');
  if (spf && spf.result !== ours.spf.result) {
    differences.push({ method: 'spf', receiver: spf.result, ours: ours.spf.result, note: (NOTES.spf as (a: string, b: string) => string)(spf.result, ours.spf.result) });
  }
  for (const r of results.filter((x) => x.method === 'dkim')) {
    const d = r.properties['header.d']?.toLowerCase();
    const s = r.properties['header.s']?.toLowerCase();
    const b = r.properties['header.b'];
    const mine = ours.dkim.find((sig) => sig.domain.toLowerCase() === d && (!s || sig.selector.toLowerCase() === s)) ?? (d ? undefined : ours.dkim[0]);
    const oursResult = mine?.result ?? 'none';
    if (passed(r.result) !== passed(oursResult)) {
      differences.push({
        method: d ? `dkim (${d}${s ? `, ${s}` : b ? `, b=${b.slice(0, 8)}` : ''})` : 'dkim',
        receiver: r.result,
        ours: oursResult,
        note: lenientNote(r.result, mine?.lenient) ?? dkimNote(r.result, oursResult),
      });
    }
  }
  for (const method of ['dmarc', 'arc'] as const) {
    const r = first(method);
    const oursResult = ours[method].result;
    if (r && passed(r.result) !== passed(oursResult)) {
      differences.push({ method, receiver: r.result, ours: oursResult, note: lenientNote(r.result, ours[method].lenient) ?? (NOTES[method] as (a: string, b: string) => string)(r.result, oursResult) });
    }
  }
  return { authServId, results: results.map(({ method, result, properties }) => ({ method, result, properties })), arcAuthenticationResults: arcAr, differences };
}
