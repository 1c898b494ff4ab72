/**
 * Message analysis: why did this email land where it did.
 *
 * One raw message in, one MessageAnalysis out: input checks, the Received path and the envelope it
 * implies, authentication as a receiver evaluates it, the receiver's own verdict beside ours, header
 * and content lint and the providers' rules. I/O is a parameter (the DnsSession); nothing else here
 * touches the network.
 */
import { finding } from '../audit/finding';
import type { Finding, ProviderScorecard } from '../audit/types';
import { DnsSession, type DnsSessionOptions } from '../dns/session';
import { evaluateAuth } from './auth';
import { bulkVerdict } from './bulk';
import { lintContent, readBody } from './content-lint';
import { lintHeaders } from './header-lint';
import { findEnvelope, parseHops } from './hops';
import { headerValues, indexHeaders, type HeaderIndex } from './header-index';
import { classifyInput, type HeaderField } from './input';
import type { BodyRead, LintInput } from './lint-types';
import { messageScorecards } from './message-providers';
import { parseMessage, type ParsedMessage } from './mime';
import { receiverView } from './receiver';
import type { ContentSummary, MessageAnalysis, MessageAuth, MessageSummary } from './types';

export { MessageInputError, MAX_MESSAGE_BYTES, type MessageInputErrorCode } from './input';

/** The lint modules, replaceable in tests. */
export interface LintHooks {
  lintHeaders: (input: LintInput) => Finding[];
  lintContent: (input: LintInput, dns?: DnsSession) => Promise<{ findings: Finding[]; content: ContentSummary }>;
  messageScorecards: (analysis: Omit<MessageAnalysis, 'providers'>) => ProviderScorecard[];
}

export interface AnalyzeOptions {
  dns: DnsSessionOptions | DnsSession;
  /** The connecting IP, HELO name and envelope sender, when known (else read from the Received hop). */
  ip?: string;
  helo?: string;
  mailFrom?: string;
  /** Look link domains up on domain blocklists (the network part). */
  checkLinkDomains?: boolean;
  /** The Spamhaus DQS key for the link domains' lookups, when set. */
  spamhausDqsKey?: string;
  now?: () => Date;
  /** The authserv-id our Authentication-Results evaluation uses; defaults to "deliverlab". */
  mta?: string;
  /** Replaces the lint modules (tests). */
  lint?: Partial<LintHooks>;
  /** Unused since MIME parsing is a bounded synchronous pass (mime.ts); kept for callers that set it. */
  parseTimeoutMs?: number;
}

/**
 * The MIME structure in one bounded pass (mime.ts): no attachment is decoded, only the inline text
 * and HTML parts. A structure past the bounds is analysed as far as it goes, and the notes say so.
 */
function parseMime(raw: Buffer, input: ReturnType<typeof classifyInput>, notes: string[]): ParsedMessage {
  let parsed: ParsedMessage;
  try {
    parsed = parseMessage(raw, input.headers, { headersOnly: input.headersOnly });
  } catch (err) {
    // Never expected; but a parser slip on hostile input must cost the content checks, not the analysis.
    notes.push(`The MIME structure could not be parsed (${(err as Error).message}): content checks were skipped.`);
    return parseMessage(raw, input.headers, { headersOnly: true });
  }
  if (parsed.limited) {
    notes.push(`The MIME structure could not be parsed completely (${parsed.limited}): the content checks see only the parts before that point.`);
  }
  return parsed;
}

/** The addr-spec in "Name <a@b>" or a bare "a@b", for when the From field holds no parsable mailbox. */
function firstAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = /<([^<>\s]+@[^<>\s]+)>/.exec(value) ?? /([^\s<>",;:]+@[^\s<>",;:]+)/.exec(value);
  return m ? (m[1] as string) : null;
}

function summarize(parsed: ParsedMessage, headers: readonly HeaderField[], index: HeaderIndex, body: BodyRead | null): MessageSummary {
  const first = (name: string) => index.get(name)?.[0] ?? null;
  const bulk = bulkVerdict(headers, index, body);
  // When the address fields do not parse, the header fields themselves still say who and where.
  const fromAddress = parsed.from?.value.find((a) => a.address)?.address ?? firstAddress(first('from'));
  const parsedTo = (parsed.to?.value ?? []).map((a) => a.address ?? a.name);
  const toList = parsed.to ? parsedTo : (first('to') ?? '').split(',').map(firstAddress);
  const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null;
  return {
    subject: parsed.subject ?? first('subject'),
    from: parsed.from?.text ?? first('from'),
    fromDomain: fromAddress && fromAddress.includes('@') ? (fromAddress.split('@').pop() as string).toLowerCase() : null,
    to: toList.filter((t): t is string => Boolean(t)),
    date,
    messageId: parsed.messageId ?? first('message-id'),
    bulk: bulk.bulk,
    bulkSignals: bulk.signals,
  };
}

/** Authentication when it could not be evaluated at all. */
function unevaluated(comment: string): MessageAuth {
  return {
    spf: { result: 'temperror', domain: null, comment },
    dkim: [],
    dmarc: { result: 'temperror', policy: null, domain: null, alignment: { spf: false, dkim: false }, comment },
    arc: { result: 'temperror', instances: 0, comment },
  };
}

const HEADERS_ONLY_NOTE =
  'Only headers were given: the DKIM body hashes (and so the signatures), the content checks and the preview need the body. SPF, DMARC alignment, the path and the header checks are complete.';

/**
 * Analyses one raw message.
 *
 * Throws MessageInputError for input that is not a message (too large, binary, empty, cut off in
 * its headers); everything else ends in an analysis, with what could not be checked said in words.
 */
export async function analyzeMessage(raw: Buffer, options: AnalyzeOptions): Promise<MessageAnalysis> {
  const started = performance.now();
  const input = classifyInput(raw);
  const notes: string[] = [];
  if (input.headersOnly) notes.push(HEADERS_ONLY_NOTE);
  if (input.unclosedBoundary) {
    notes.push(
      `The message is cut short: its multipart boundary "${input.unclosedBoundary}" is never closed (RFC 2046 §5.1.1), so the last part is incomplete. DKIM body hashes and the content checks see a partial body; analyse the complete file for a true verdict.`,
    );
  }
  const ownSession = !(options.dns instanceof DnsSession);
  const dns = options.dns instanceof DnsSession ? options.dns : new DnsSession(options.dns);
  try {
    return await analyzeWith(input, notes, dns, options, started);
  } finally {
    // A session we opened ourselves: close its kept-alive connections (the transcript stays readable).
    if (ownSession) dns.cancel();
  }
}

async function analyzeWith(
  input: ReturnType<typeof classifyInput>,
  notes: string[],
  dns: DnsSession,
  options: AnalyzeOptions,
  started: number,
): Promise<MessageAnalysis> {
  const raw = input.message;
  const now = options.now ?? (() => new Date());
  const lint: LintHooks = { lintHeaders, lintContent, messageScorecards, ...options.lint };

  const index = indexHeaders(input.headers);
  const { hops, transitSeconds } = parseHops(headerValues(index, 'received'));
  const returnPath = headerValues(index, 'return-path')[0]?.replace(/[<>\s]/g, '') || null;
  const envelope = findEnvelope(hops, returnPath, { ip: options.ip, helo: options.helo, mailFrom: options.mailFrom });

  const parsed = parseMime(raw, input, notes);
  const authRun = await evaluateAuth({
    raw,
    headers: input.headers,
    envelope,
    resolver: dns.resolve,
    headersOnly: input.headersOnly,
    bodyOffset: input.bodyOffset,
    unclosedBoundary: input.unclosedBoundary,
    ...(options.mta ? { mta: options.mta } : {}),
  }).catch((err: unknown) => {
    // mailauth gave up on this input (it parses hostile headers itself): the rest still stands.
    notes.push(`Authentication could not be evaluated: mailauth failed (${(err as Error).message}).`);
    return { auth: unevaluated(`mailauth failed: ${(err as Error).message}`), findings: [] };
  });
  const { auth } = authRun;
  if (dns.unreachable()) {
    notes.push(
      `The DNS resolver ${dns.resolverLabel} did not answer${dns.failureDetail() ? ` (${dns.failureDetail()})` : ''}: SPF, DKIM and DMARC are temperror. Check the network or pick another resolver; the path, header and content checks are complete.`,
    );
  }
  // Read once: the bulk verdict weighs the body's signals, and content lint reuses the reading.
  const body = input.headersOnly ? null : readBody({ parsed, raw });
  const summary = summarize(parsed, input.headers, index, body);
  const receiver = receiverView(input.headers, auth);
  const receiverFindings = receiver.differences.length
    ? [
        finding('auth.receiver-differs', {
          title: `The receiver${receiver.authServId ? ` (${receiver.authServId})` : ''} saw ${receiver.differences.map((d) => `${d.method}=${d.receiver}`).join(', ')}; we see ${receiver.differences.map((d) => `${d.method}=${d.ours}`).join(', ')}`,
          detail: receiver.differences.map((d) => `${d.method}: ${d.note}`).join(' '),
          evidence: receiver.differences.map((d) => `${d.method}: receiver ${d.receiver}, ours ${d.ours}`).join('; '),
          refs: ['RFC 8601 §2.7'],
        }),
      ]
    : [];

  const receivedHop = envelope.trustedHop !== null ? hops[envelope.trustedHop] : hops[0];
  const receivedAt = receivedHop?.time ? new Date(receivedHop.time) : null;
  const lintInput: LintInput = {
    parsed,
    headers: input.headers,
    index,
    raw,
    auth,
    summary,
    receivedAt,
    headersOnly: input.headersOnly,
    checkLinkDomains: options.checkLinkDomains ?? false,
    ...(options.spamhausDqsKey ? { spamhausDqsKey: options.spamhausDqsKey } : {}),
    now,
    body,
  };
  const headerFindings = lint.lintHeaders(lintInput);
  const contentRun = input.headersOnly ? null : await lint.lintContent(lintInput, dns);

  const analysis: Omit<MessageAnalysis, 'providers'> = {
    sha256: input.sha256,
    size: input.size,
    headersOnly: input.headersOnly,
    ...(notes.length ? { inputNotes: notes } : {}),
    analysedAt: now().toISOString(),
    durationMs: 0,
    summary,
    envelope,
    auth,
    receiver,
    hops,
    transitSeconds,
    content: contentRun ? contentRun.content : null,
    findings: [...authRun.findings, ...receiverFindings, ...headerFindings, ...(contentRun?.findings ?? [])],
    dns: dns.transcript,
  };
  const providers = lint.messageScorecards(analysis);
  return { ...analysis, providers, durationMs: Math.round((performance.now() - started) * 10) / 10 };
}
