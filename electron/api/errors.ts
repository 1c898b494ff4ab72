/**
 * Errors that cross a transport: a stable code plus a message a person can act on.
 */
export type ApiErrorCode = 'invalid-input' | 'unknown-operation' | 'not-found' | 'dns-unreachable' | 'internal';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The JSON form sent over HTTP and IPC. */
export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  issues?: { path: string; message: string }[];
}

export function toErrorBody(err: unknown): ApiErrorBody {
  if (err instanceof ApiError) {
    return { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message };
}

export function fromErrorBody(body: ApiErrorBody): ApiError {
  return new ApiError(body.code, body.message, body.issues);
}

export function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.code === 'string' && typeof body.message === 'string';
}

/** What an IPC operation replies: Electron keeps only an Error's message, so failures travel as data. */
export type IpcReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };
