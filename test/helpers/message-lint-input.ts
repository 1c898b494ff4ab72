/**
 * Builds lint inputs from raw message text for the message-lint tests, as analyze.ts does.
 */
import { parseHeaderBlock } from '../../electron/core/message/input';
import type { LintInput } from '../../electron/core/message/lint-types';
import { parseMessage } from '../../electron/core/message/mime';
import type { MessageAuth } from '../../electron/core/message/types';

export const RECEIVED_AT = new Date('2026-11-26T10:00:00Z');

export function authOk(over: Partial<MessageAuth> = {}): MessageAuth {
  return {
    spf: { result: 'pass', domain: 'shop.example' },
    dkim: [],
    dmarc: { result: 'pass', policy: 'reject', domain: 'shop.example', alignment: { spf: true, dkim: false } },
    arc: { result: 'none', instances: 0 },
    ...over,
  };
}

const headerBlock = (raw: string) => {
  const end = raw.search(/\r?\n\r?\n/);
  return end < 0 ? raw : raw.slice(0, end);
};

/** The header block unfolded into fields, in order (RFC 5322 §2.2.3). */
export function headerFields(raw: string): { name: string; value: string }[] {
  return headerBlock(raw)
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .filter((l) => l.includes(':'))
    .map((l) => ({ name: l.slice(0, l.indexOf(':')).trim(), value: l.slice(l.indexOf(':') + 1).trim() }));
}

/** A message from its lines, CRLF-terminated as on the wire. */
export const msg = (...lines: string[]) => lines.join('\r\n');

export async function lintInput(raw: string | Buffer, over: Partial<LintInput> & { bulk?: boolean } = {}): Promise<LintInput> {
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8');
  const parsed = parseMessage(buf, parseHeaderBlock(headerBlock(buf.toString('utf8'))));
  const from = parsed.from?.value[0]?.address ?? null;
  const { bulk, ...rest } = over;
  return {
    parsed,
    headers: headerFields(buf.toString('latin1')),
    raw: buf,
    auth: authOk(),
    summary: {
      subject: parsed.subject ?? null,
      from,
      fromDomain: from ? (from.split('@')[1] ?? null) : null,
      to: [],
      date: parsed.date ? parsed.date.toISOString() : null,
      messageId: parsed.messageId ?? null,
      bulk: bulk ?? false,
    },
    receivedAt: RECEIVED_AT,
    headersOnly: false,
    checkLinkDomains: false,
    ...rest,
  };
}
