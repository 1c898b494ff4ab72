/**
 * Runs work over a list with at most `limit` items at once, starting them in list order.
 *
 * The one bounded pool behind blocklist lookups, placement watchers, the CLI's batch audit and the
 * Batch page: a bound keeps a resolver, an IMAP server's login processes or the machine's sockets
 * from being asked for hundreds of things at once.
 *
 * Stopping is cooperative: once `stopped()` is true no new item starts; items already started run
 * to the end (an audit in flight cannot be called back, and its result is worth keeping).
 *
 * A failed item does not stop its lane or the others (a caller that wants that says so through
 * `stopped`); the pool rejects with the first failure once every started item has settled, so no
 * work is left running behind a caller that has been told it failed.
 */

export interface PoolRun<R> {
  /** How many items started: the first `started` of the list. */
  started: number;
  /** The results of the items that started, in list order. */
  results: R[];
}

export async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<R>,
  stopped: () => boolean = () => false,
): Promise<PoolRun<R>> {
  const lanes = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  const results: R[] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !stopped()) {
      const index = next++;
      try {
        results[index] = await worker(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: items.length === 0 ? 0 : lanes }, lane));
  if (failure) throw failure.error;
  return { started: next, results };
}
