/**
 * The catalogue of known sending services (resources/senders.json) and how a source is matched to one.
 */
import catalogJson from '../../../resources/senders.json' with { type: 'json' };

export interface KnownSender {
  id: string;
  name: string;
  kind: 'sender' | 'forwarder';
  /** Suffixes of the PTR names of its sending addresses. */
  ptr: string[];
  /** Suffixes of the DKIM d= domains it signs with when not set up to sign as the customer. */
  dkim: string[];
  /** Suffixes of the MAIL FROM (return-path) domains it uses by default, which SPF checks. */
  spf: string[];
  /** The SPF include it asks customers to publish. */
  include: string | null;
  fix: { dkim?: string; spf?: string };
}

export const SENDERS: readonly KnownSender[] = (catalogJson as { senders: KnownSender[] }).senders;

/** `name` is `suffix` or a name below it, label by label. */
export const underSuffix = (name: string, suffix: string): boolean => name === suffix || name.endsWith(`.${suffix}`);

export interface SenderSignals {
  ptr: readonly string[];
  /** DKIM d= domains that passed. */
  dkim: readonly string[];
  /** SPF (MAIL FROM) domains that passed. */
  spf: readonly string[];
}

/**
 * The known sender the signals point to: by reverse DNS first (the address is the service's), then
 * by a passing DKIM signature of the service's domain, then by a passing SPF check of its return path.
 * Only passing results count: anyone can put a service's name in a failing signature.
 */
export function identifySender(signals: SenderSignals, catalogue: readonly KnownSender[] = SENDERS): { sender: KnownSender; by: 'ptr' | 'dkim' | 'spf' } | null {
  const find = (names: readonly string[], pick: (s: KnownSender) => string[]) =>
    catalogue.find((s) => pick(s).some((suffix) => names.some((name) => underSuffix(name, suffix))));
  const byPtr = find(signals.ptr, (s) => s.ptr);
  if (byPtr) return { sender: byPtr, by: 'ptr' };
  const byDkim = find(signals.dkim, (s) => s.dkim);
  if (byDkim) return { sender: byDkim, by: 'dkim' };
  const bySpf = find(signals.spf, (s) => s.spf);
  return bySpf ? { sender: bySpf, by: 'spf' } : null;
}
