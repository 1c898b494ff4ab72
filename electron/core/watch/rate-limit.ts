/**
 * A per-resolver rate limit for the scheduler's DNS queries: a token bucket per resolver.
 *
 * Hundreds of watches checked together would otherwise send a resolver (or a blocklist behind it,
 * which counts queries per source) thousands of queries a second. Each bucket lets `perSecond`
 * queries start per second, in bursts of up to `perSecond`; the others wait in order.
 */

interface Bucket {
  tokens: number;
  updated: number;
  waiting: (() => void)[];
  timer: NodeJS.Timeout | null;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond > 0)) throw new RangeError('a rate limit is a positive number of queries a second');
  }

  /** Resolves when the next query through `key` may start. */
  take(key: string): Promise<void> {
    const bucket = this.bucket(key);
    this.refill(bucket);
    if (bucket.waiting.length === 0 && bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      bucket.waiting.push(resolve);
      this.schedule(bucket);
    });
  }

  /** The gate a DNS session awaits before each query it sends (DnsSessionOptions.gate). */
  gate(key: string): () => Promise<void> {
    return () => this.take(key);
  }

  private bucket(key: string): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.perSecond, updated: this.now(), waiting: [], timer: null };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private refill(bucket: Bucket): void {
    const now = this.now();
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.updated) / 1000) * this.perSecond);
    bucket.updated = now;
  }

  private schedule(bucket: Bucket): void {
    if (bucket.timer) return;
    const wait = Math.max(1, Math.ceil(((1 - bucket.tokens) / this.perSecond) * 1000));
    bucket.timer = setTimeout(() => {
      bucket.timer = null;
      this.refill(bucket);
      while (bucket.waiting.length > 0 && bucket.tokens >= 1) {
        bucket.tokens -= 1;
        bucket.waiting.shift()?.();
      }
      if (bucket.waiting.length > 0) this.schedule(bucket);
    }, wait);
    // Not unref'd: the queries waiting here are the work in hand, and with all of them waiting the
    // timer is the one thing that keeps the process running until they may go.
  }
}
