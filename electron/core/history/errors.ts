/**
 * The history's error, in a module of its own.
 *
 * store.ts and the per-kind modules it delegates to (placements.ts, messages.ts, ...) all throw
 * it; keeping it here spares them a circular import.
 */

/** A problem with the history file itself: unreadable, from a newer version, or the disk is full. */
export class HistoryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HistoryError';
  }
}
