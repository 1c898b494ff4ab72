/**
 * A message scored by every configured filter, side by side.
 *
 * A filter not configured is left out (no result at all); one that is configured and fails gives a
 * result with verdict "error" and the reason, never a pass.
 */
import { parseRspamdUrl, parseSpamdAddress, SPAM_TIMEOUT_MS } from './config';
import { SpamFilterFailure } from './errors';
import { scanWithRspamd } from './rspamd';
import { scanWithSpamd } from './spamc';
import type { SpamEnvelope, SpamFilterConfig, SpamFilterName, SpamFilterResult } from './types';

export interface SpamScanOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  envelope?: SpamEnvelope;
}

/** Whether any filter is configured. */
export function anyFilter(config: SpamFilterConfig): boolean {
  return Boolean(config.spamd || config.rspamd);
}

function failed(filter: SpamFilterName, err: unknown): SpamFilterResult {
  if (err instanceof SpamFilterFailure) return { filter, verdict: 'error', error: err.message };
  // A fault of ours, not the filter's: still an error result, so that the analysis is not lost.
  return { filter, verdict: 'error', error: `The scan failed: ${(err as Error).message}` };
}

/** The configured filters' verdicts on `message`, in the order SpamAssassin, rspamd. */
export async function scanMessage(message: Buffer, config: SpamFilterConfig, options: SpamScanOptions = {}): Promise<SpamFilterResult[]> {
  const timeoutMs = options.timeoutMs ?? SPAM_TIMEOUT_MS;
  const base = { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) };
  const work: Promise<SpamFilterResult>[] = [];
  if (config.spamd) {
    const spamd = config.spamd;
    work.push(
      (async () => scanWithSpamd(message, parseSpamdAddress(spamd), base))().catch((err: unknown) => failed('spamassassin', err)),
    );
  }
  if (config.rspamd) {
    const rspamd = config.rspamd;
    work.push(
      (async () => scanWithRspamd(message, parseRspamdUrl(rspamd), { ...base, ...(options.envelope ? { envelope: options.envelope } : {}) }))().catch((err: unknown) =>
        failed('rspamd', err),
      ),
    );
  }
  return Promise.all(work);
}
