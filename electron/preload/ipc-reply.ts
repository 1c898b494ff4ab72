/**
 * The envelope an IPC operation replies with, and its unwrapping in the preload.
 *
 * Electron keeps only the message of an Error thrown in an `ipcMain.handle` handler, so main replies
 * `{ ok: false, error }` instead of throwing. The same loss happens again on the contextBridge: an
 * Error crossing it is rebuilt as `new Error(message)`, dropping `code` and `issues`. So the preload
 * rejects with a plain, frozen object shaped like an Error (`name`, `message`, `code`, `issues`,
 * `fields`, `reason`, `params`),
 * which the bridge copies with all its fields. Pure and zod-free: bundled into the sandboxed preload.
 */
import { isErrorBody, type ApiErrorBody, type IpcReply } from '../api/errors';

export type { IpcReply };

/**
 * The rejection value the renderer sees for a failed operation over IPC.
 *
 * Not `instanceof Error` in the page; `toString()` gives the message, so `String(err)` reads well.
 */
export interface IpcError extends ApiErrorBody {
  name: 'ApiError';
  toString(): string;
}

export function toIpcError(body: ApiErrorBody): IpcError {
  const issues = Array.isArray(body.issues)
    ? body.issues.map((issue) => Object.freeze({ path: String(issue.path), message: String(issue.message) }))
    : undefined;
  const fields = Array.isArray(body.fields)
    ? body.fields.map((f) => Object.freeze({ field: String(f.field), ...(typeof f.index === 'number' ? { index: f.index } : {}), message: String(f.message) }))
    : undefined;
  const params = body.params && typeof body.params === 'object' ? Object.freeze(Object.fromEntries(Object.entries(body.params).map(([k, v]) => [k, String(v)]))) : undefined;
  return Object.freeze({
    name: 'ApiError' as const,
    code: body.code,
    message: body.message,
    ...(issues ? { issues } : {}),
    ...(fields ? { fields } : {}),
    ...(body.reason ? { reason: body.reason } : {}),
    ...(params ? { params } : {}),
    toString: () => body.message,
  });
}

/** The result of a reply, or throws (rejects) with an IpcError. */
export function unwrapReply(reply: unknown): unknown {
  if (typeof reply === 'object' && reply !== null && 'ok' in reply) {
    if (reply.ok === true) return (reply as { result?: unknown }).result;
    if (reply.ok === false && 'error' in reply && isErrorBody(reply.error)) {
      throw toIpcError(reply.error);
    }
  }
  throw toIpcError({ code: 'internal', message: 'Malformed reply from the main process' });
}
