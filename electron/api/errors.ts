/**
 * Errors that cross a transport: a stable code plus a message a person can act on.
 *
 * `message` is one line for the command line. The app does not show it for refused input: it reads
 * `fields` (which input was wrong, and which item of a list) and puts each message beside the field
 * as labelled on its screen; and where a message would name a command-line flag, `reason` and
 * `params` let it say the same in its own words.
 */
export type ApiErrorCode = 'invalid-input' | 'unknown-operation' | 'not-found' | 'dns-unreachable' | 'internal';

/**
 * Finer causes the app words itself, because the CLI's message names a flag or a file.
 *
 * history-off: serve or the CLI was started with --no-history. dkim-key-not-pem and
 * dkim-key-short (params.bits): a DKIM key refused in words that name `deliverlab dkim-keygen`.
 * secrets-unavailable: a secret was not stored, params.cause (a SecretStoreCause), params.backend
 * and params.detail as secrets.status gives them. dns-unreachable carries params.resolver (and
 * params.detail) instead.
 */
export type ApiErrorReason = 'history-off' | 'dkim-key-not-pem' | 'dkim-key-short' | 'secrets-unavailable' | 'pdf-unavailable';

/** One refused input: `field` is the input's name (dotted for nested ones), `index` the list item. */
export interface FieldIssue {
  field: string;
  index?: number;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
    readonly extra: { fields?: FieldIssue[]; reason?: ApiErrorReason; params?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get fields(): FieldIssue[] | undefined {
    return this.extra.fields;
  }

  get reason(): ApiErrorReason | undefined {
    return this.extra.reason;
  }

  get params(): Record<string, string> | undefined {
    return this.extra.params;
  }
}

/** The JSON form sent over HTTP and IPC. */
export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  issues?: { path: string; message: string }[];
  fields?: FieldIssue[];
  reason?: ApiErrorReason;
  params?: Record<string, string>;
}

/**
 * A zod issue path as a field and a list index: ['to', 1] is the second recipient, field "to".
 *
 * Record keys (a header's name) stay in the field: ['headers', 'X-A'] is "headers.X-A".
 */
export function fieldOf(path: readonly PropertyKey[], message: string): FieldIssue {
  const names: string[] = [];
  let index: number | undefined;
  for (const part of path) {
    if (typeof part === 'number') index ??= part;
    else names.push(String(part));
  }
  return { field: names.join('.'), ...(index !== undefined ? { index } : {}), message };
}

/**
 * One refused field, as handlers raise it after the schema (a MAIL FROM outside the domain).
 *
 * `line` is the one-line message for the command line, "field: message" by default.
 */
export function invalidField(field: string, message: string, line = `${field}: ${message}`): ApiError {
  return new ApiError('invalid-input', line, [{ path: field, message }], { fields: [{ field, message }] });
}

export function toErrorBody(err: unknown): ApiErrorBody {
  if (err instanceof ApiError) {
    return {
      code: err.code,
      message: err.message,
      ...(err.issues ? { issues: err.issues } : {}),
      ...(err.fields ? { fields: err.fields } : {}),
      ...(err.reason ? { reason: err.reason } : {}),
      ...(err.params ? { params: err.params } : {}),
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message };
}

export function fromErrorBody(body: ApiErrorBody): ApiError {
  return new ApiError(body.code, body.message, body.issues, {
    ...(body.fields ? { fields: body.fields } : {}),
    ...(body.reason ? { reason: body.reason } : {}),
    ...(body.params ? { params: body.params } : {}),
  });
}

export function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.code === 'string' && typeof body.message === 'string';
}

/** What an IPC operation replies: Electron keeps only an Error's message, so failures travel as data. */
export type IpcReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };
