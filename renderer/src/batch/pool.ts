/**
 * Runs work over a list with at most `limit` tasks at once, in list order.
 *
 * Stopping is cooperative: once `stopped()` is true no new item starts; items already started run
 * to the end (an audit in flight cannot be called back, and its result is worth keeping).
 */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<{ started: number }> {
  const lanes = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  let next = 0;
  const lane = async () => {
    while (next < items.length && !stopped()) {
      const index = next++;
      try {
        await worker(items[index] as T, index);
      } catch {
        // The worker records its own failures; one bad item must not stop its lane.
      }
    }
  };
  await Promise.all(Array.from({ length: items.length === 0 ? 0 : lanes }, lane));
  return { started: next };
}
