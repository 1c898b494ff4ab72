/**
 * Bytes and words for the Messages area: files to base64, the header block, result colours.
 *
 * Pure functions, no DOM beyond what every browser and Node 24 share (atob, btoa, TextDecoder).
 */
import type { AuthResult, DkimSignatureResult, MessageAnalysis } from '../../../electron/api/types';

/** Base64 of any bytes, in chunks: String.fromCharCode over 50 MB at once would overflow the stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The header block of a message: everything before the first empty line (RFC 5322 §2.1).
 *
 * Decoded as UTF-8 leniently (RFC 6532 allows UTF-8 headers; stray 8-bit bytes show as �).
 */
export function headerBlock(message: Uint8Array | string): string {
  const text = typeof message === 'string' ? message : new TextDecoder('utf-8', { fatal: false }).decode(message);
  const end = /\r?\n\r?\n/.exec(text);
  return (end ? text.slice(0, end.index) : text).replace(/\r\n/g, '\n');
}

/**
 * Header blocks of the messages analysed in this tab, by history id.
 *
 * Shown in the Headers tab when the raw message was not kept; memory only, gone on reload.
 */
const sessionHeaders = new Map<number, string>();

export function rememberHeaders(id: number, headers: string): void {
  sessionHeaders.set(id, headers);
}

export function rememberedHeaders(id: number): string | undefined {
  return sessionHeaders.get(id);
}

const RESULT_COLOR: Record<string, string> = {
  pass: 'green',
  fail: 'red',
  policy: 'red',
  softfail: 'orange',
  permerror: 'red',
  temperror: 'orange',
  neutral: 'yellow',
  none: 'gray',
  unaligned: 'orange',
};

export function resultColor(result: string | null | undefined): string {
  return RESULT_COLOR[result ?? 'none'] ?? 'gray';
}

/** The DKIM verdict a receiver acts on: an aligned pass if there is one (DMARC, RFC 7489 §3.1). */
export function dkimVerdict(signatures: readonly DkimSignatureResult[]): { result: AuthResult | 'unaligned'; detail: string } {
  if (signatures.length === 0) return { result: 'none', detail: 'no signature' };
  const aligned = signatures.find((s) => s.result === 'pass' && s.aligned);
  if (aligned) return { result: 'pass', detail: `aligned, d=${aligned.domain}` };
  const passed = signatures.find((s) => s.result === 'pass');
  if (passed) return { result: 'unaligned', detail: `pass for d=${passed.domain}, not aligned with From` };
  const first = signatures[0] as DkimSignatureResult;
  return { result: first.result, detail: `d=${first.domain}${signatures.length > 1 ? ` and ${signatures.length - 1} more` : ''}` };
}

/** Our result for one Authentication-Results method, to set beside the receiver's. */
export function ourResult(analysis: MessageAnalysis, method: string): string | null {
  const auth = analysis.auth;
  switch (method.toLowerCase()) {
    case 'spf':
      return auth.spf.result;
    case 'dkim': {
      const verdict = dkimVerdict(auth.dkim);
      return verdict.result === 'unaligned' ? 'pass' : verdict.result;
    }
    case 'dmarc':
      return auth.dmarc.result;
    case 'arc':
      return auth.arc.result;
    case 'bimi':
      return auth.bimi?.result ?? null;
    default:
      return null;
  }
}

/** "3 s", "4 min 10 s", "2 h 5 min": transit and hop delays. */
export function formatSeconds(seconds: number): string {
  const sign = seconds < 0 ? '−' : '';
  let s = Math.abs(Math.round(seconds));
  if (s < 60) return `${sign}${s} s`;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h > 0) return `${sign}${h} h ${m} min`;
  return `${sign}${m} min${s > 0 ? ` ${s} s` : ''}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
