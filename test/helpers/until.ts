/**
 * Waits for a condition that no event announces (a process-wide handle count, a row leaving a list),
 * checking it a bounded number of times.
 *
 * Only for what has no event: where a promise, a callback or a stream event exists, wait on that.
 * The bound is a hang detector, far above how long the condition takes, not a speed limit.
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string, options: { attempts?: number; everyMs?: number } = {}): Promise<void> {
  const attempts = options.attempts ?? 400;
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 25));
  }
  throw new Error(`gave up waiting for ${what} after ${attempts} checks`);
}
