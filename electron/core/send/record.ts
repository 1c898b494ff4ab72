/**
 * A test send kept in history: the one way the app (send.run) and `deliverlab send` run a send.
 *
 * A history that cannot be written (a full disk, a file that will not open) never costs the send's
 * result: the send is returned whole, with the reason it was not kept.
 */
import { HistoryError, type HistoryStore } from '../history/store';
import type { QaSummary } from '../qa/types';
import { sendTest, type SendRequest } from './send';
import type { SendResult } from './types';

/** A send as it is returned: the result, its subject, its history id (null when not kept), and the design QA it was sent with. */
export type RecordedSend = SendResult & { subject: string; id: number | null; historyError?: string; qa?: QaSummary };

export interface SendHistory {
  /**
   * Where the send is kept: an open history; a function that opens one, called only once there is
   * something to keep and closed afterwards (the CLI opens its file after the send); or null to
   * keep nothing (--no-history).
   */
  store: HistoryStore | (() => HistoryStore) | null;
  /**
   * Whether a send that our own DKIM check stopped before connecting (EDKIM) is kept. Nothing was
   * sent: the CLI, which says why on stderr, keeps none; the app lists it with the other sends.
   */
  keepDkimRefusal: boolean;
  /** The last design QA of the HTML sent (the app's Design QA page), kept with the send. */
  qa?: QaSummary;
}

/** Sends the test message and keeps the result in history; never throws for a history that cannot be written. */
export async function sendAndRecord(request: SendRequest, history: SendHistory): Promise<RecordedSend> {
  const result = await sendTest(request);
  const sent: RecordedSend = { ...result, subject: request.subject, id: null, ...(history.qa ? { qa: history.qa } : {}) };
  if (!history.store || (result.error?.code === 'EDKIM' && !history.keepDkimRefusal)) return sent;
  let opened: HistoryStore | null = null;
  try {
    const store = typeof history.store === 'function' ? (opened = history.store()) : history.store;
    sent.id = store.saveSend(result, request.subject, history.qa);
  } catch (err) {
    if (!(err instanceof HistoryError)) throw err;
    sent.historyError = err.message;
  } finally {
    opened?.close();
  }
  return sent;
}
