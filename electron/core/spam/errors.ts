/**
 * Why a filter gave no verdict, in words the Spam filters tab and the CLI show as they are.
 */
export type SpamFailureKind = 'refused' | 'timeout' | 'garbled' | 'too-large' | 'network' | 'refused-by-filter' | 'config';

export class SpamFilterFailure extends Error {
  constructor(
    readonly kind: SpamFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'SpamFilterFailure';
  }
}

/** A socket or HTTP error said for a person: what was tried, and what to check. */
export function networkFailure(what: string, address: string, err: NodeJS.ErrnoException): SpamFilterFailure {
  if (err instanceof SpamFilterFailure) return err;
  switch (err.code) {
    case 'ECONNREFUSED':
      return new SpamFilterFailure('refused', `${what} at ${address} refused the connection: is it running, and listening there?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SpamFilterFailure('network', `${what}: the host of ${address} could not be found.`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new SpamFilterFailure('network', `${what} at ${address} closed the connection before it answered.`);
    case 'EBLOCKED':
      return new SpamFilterFailure('network', `${what} at ${address}: ${err.message}`);
    default:
      return new SpamFilterFailure('network', `${what} at ${address} could not be reached: ${err.message}`);
  }
}
