/**
 * Serve mode: the renderer and the operations over HTTP on 127.0.0.1, progress as Server-Sent Events.
 *
 *   POST /api/<operation>   JSON body = input; header X-Deliverlab-Token (never ?token=)
 *                           → 200 { ok: true, result } | 4xx/5xx { ok: false, error: { code, message } }
 *   GET  /api/events        text/event-stream of `event: <name>` / `data: <json>`; the token in the
 *                           header, or as ?token= (EventSource cannot send headers); ?stream=ID names
 *                           the stream, and calls carrying X-Deliverlab-Stream: ID are its page's: the
 *                           drafts that page watches stop when the stream closes
 *   GET  /…                 the built renderer, not gated: it holds no data. The user opens
 *                           /?token=…; the page keeps the token and takes it out of the address.
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../api/csp';
import { ApiError, toErrorBody } from '../api/errors';
import { createApi, type Api } from '../api/handlers';
import { browserPdfPrinter } from './print-pdf';
import { OPERATION_NAMES, type EventName, type OperationName } from '../api/names';
import { readLimited } from '../core/read-limited';
import { checkToken, EVENTS_PATH, isAllowedHost, isAllowedOrigin, STREAM_HEADER, streamCaller } from './guard';

export interface ServeOptions {
  port?: number;
  dbPath: string | null;
  resolverDefault?: string;
  rendererDir: string;
  version: string;
  /** Fixed token for tests; random otherwise. */
  token?: string;
  /** Extra trusted CA certificates (PEM) for SMTP and IMAP, e.g. a test lab's (--ca-file). */
  ca?: string[];
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

/** The largest request body an operation takes, unless BODY_LIMITS says otherwise. */
const MAX_BODY = 1024 * 1024;
/**
 * Operations with larger inputs: a 50 MB message travels as base64 (about 67 MB) inside JSON.
 *
 * Limits are per operation so that every other call still refuses a large body after 1 MB. A Map,
 * not an object: `constructor` or `__proto__` must not find a "limit" on Object.prototype.
 */
export const BODY_LIMITS: ReadonlyMap<OperationName, number> = new Map([
  ['message.check', 70 * 1024 * 1024],
  // A draft up to 50 MB (a message with attachments), base64 inside JSON.
  ['qa.run', 70 * 1024 * 1024],
  // HTML and text parts of up to 20 MB each, JSON-escaped.
  ['send.run', 50 * 1024 * 1024],
  ['placement.run', 50 * 1024 * 1024],
  // Report files uploaded from the browser, base64 inside JSON (a day's reports are kilobytes; a
  // large Google report some megabytes).
  ['reports.import', 100 * 1024 * 1024],
]);

const OPERATIONS: ReadonlySet<string> = new Set(OPERATION_NAMES);
const isOperation = (name: string): name is OperationName => OPERATIONS.has(name);

const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

const tooLargeMessage = (name: OperationName, limit: number) =>
  `The request body is larger than ${megabytes(limit)}, the most ${name} accepts${name === 'message.check' ? ' (messages up to 50 MB)' : ''}.`;

/** The body passed the operation's limit while it was read: answered with 413 instead of reading the rest. */
class BodyTooLargeError extends Error {}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const BASE_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The token travels in the page URL: never leak it through Referer.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) {
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown) {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8', { 'Cache-Control': 'no-store' });
}

function sendError(res: ServerResponse, status: number, code: string, message: string) {
  sendJson(res, status, { ok: false, error: { code, message } });
}

const STATUS: Record<string, number> = {
  'invalid-input': 400,
  'unknown-operation': 404,
  'not-found': 404,
  'dns-unreachable': 502,
  internal: 500,
};

/** The request declares or streams a body (Content-Length above 0, or chunked). */
function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads a request body up to `limit` bytes, refusing a stream that passes it.
 *
 * Reading stops at the limit: the rest is never buffered. (A declared length over the limit is
 * refused by the caller before this is called.)
 */
async function readBody(req: IncomingMessage, name: OperationName, limit: number): Promise<string> {
  const body = await readLimited(req, limit, {
    tooLarge: () => new BodyTooLargeError(tooLargeMessage(name, limit)),
    closedEarly: () => new Error('The client closed the connection before sending the whole request.'),
  });
  return body.toString('utf8');
}

/**
 * Answers an error without reading the request body, and closes the connection.
 *
 * For every refusal that comes before the body is read (wrong token, unknown operation, too large):
 * otherwise Node would read the rest of the body to keep the connection alive, and a client could
 * make serve take in any amount. The rest stays unread (the client's upload stalls on TCP flow
 * control), and the socket is closed a second after the answer rather than at once: closing a socket
 * with unread incoming data sends a TCP reset, which can make the client drop the answer before it
 * has read it.
 */
function refuseUnread(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string) {
  if (!hasBody(req) || req.complete) return sendError(res, status, code, message);
  // A listener marks the body as consumed, so that Node does not drain it after the answer; paused, nothing more is read.
  req.on('data', () => {});
  req.pause();
  const socket = req.socket;
  // Node calls destroySoon() once a Connection: close answer is written: linger instead of resetting.
  socket.destroySoon = () => {
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  };
  res.shouldKeepAlive = false;
  sendError(res, status, code, message);
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const streams = new Set<ServerResponse>();
  const emit = (event: EventName, payload: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of streams) res.write(frame);
  };
  const api: Api = createApi({
    dbPath: options.dbPath,
    ...(options.resolverDefault ? { resolverDefault: options.resolverDefault } : {}),
    transport: 'http',
    version: options.version,
    ...(options.ca ? { ca: options.ca } : {}),
    emit,
    printPdf: browserPdfPrinter(),
  });
  // The scheduler runs while serve does, as in the desktop app; its alerts reach pages as alert.raised.
  const watching = new AbortController();
  const watchRun = options.dbPath === null ? Promise.resolve() : api.watchService().run(watching.signal).catch((err: unknown) => {
    if (!watching.signal.aborted) console.error(`[deliverlab] the watch scheduler stopped: ${(err as Error).message}`);
  });
  const rendererRoot = normalize(options.rendererDir + sep);
  let port = options.port ?? 0;

  /** Serves a file of the built renderer; `path` is already percent-decoded. */
  const serveStatic = async (path: string, res: ServerResponse) => {
    const rel = path === '/' ? '/index.html' : path;
    const file = normalize(join(rendererRoot, rel));
    if (!file.startsWith(rendererRoot) || rel.includes('\0')) return sendError(res, 404, 'not-found', 'Not found.');
    try {
      const info = await stat(file);
      if (!info.isFile()) return sendError(res, 404, 'not-found', 'Not found.');
      const body = await readFile(file);
      const cache = rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      send(res, 200, body, MIME[extname(file)] ?? 'application/octet-stream', { 'Cache-Control': cache });
    } catch {
      if (rel === '/index.html') {
        return sendError(res, 500, 'internal', `The renderer is not built (${rendererRoot} has no index.html): run npm run build.`);
      }
      sendError(res, 404, 'not-found', 'Not found.');
    }
  };

  const openEvents = (req: IncomingMessage, res: ServerResponse, caller: string | null) => {
    res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    streams.add(res);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      streams.delete(res);
      // The page went away (closed, reloaded): the drafts it watched are watched no more.
      if (caller) api.releaseWatches(caller);
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!isAllowedHost(req.headers.host, port)) {
      return refuseUnread(req, res, 421, 'forbidden', 'Wrong Host header: serve answers only to 127.0.0.1 and localhost.');
    }
    if (!isAllowedOrigin(req.headers.origin, port)) {
      return refuseUnread(req, res, 403, 'forbidden', 'Cross-origin requests are refused.');
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return refuseUnread(req, res, 400, 'invalid-input', 'The address has a malformed percent-encoding.');
    }
    if (!path.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuseUnread(req, res, 405, 'method-not-allowed', 'Use GET.');
      return serveStatic(path, res);
    }

    const presented = checkToken(path, req.headers['x-deliverlab-token'] as string | undefined, url.searchParams.has('token') ? url.searchParams.get('token') : null, token);
    if (presented === 'in-address') {
      return refuseUnread(req, res, 401, 'unauthorized', 'Send the token in the X-Deliverlab-Token header, never in the address.');
    }
    if (presented === 'wrong') {
      return refuseUnread(req, res, 401, 'unauthorized', 'Missing or wrong token: open the URL that `deliverlab serve` printed.');
    }
    if (path === EVENTS_PATH) {
      if (req.method !== 'GET') return refuseUnread(req, res, 405, 'method-not-allowed', 'Use GET.');
      return openEvents(req, res, streamCaller(url.searchParams.get('stream')));
    }
    if (req.method !== 'POST') return refuseUnread(req, res, 405, 'method-not-allowed', 'Operations are called with POST.');
    const name = path.slice('/api/'.length);
    // Before the body is read: an unknown name has no limit of its own to read it under.
    if (!isOperation(name)) return refuseUnread(req, res, 404, 'unknown-operation', `There is no operation "${name}".`);
    // A JSON content type cannot be sent by a plain HTML form, which closes off cross-site form posts.
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return refuseUnread(req, res, 415, 'invalid-input', 'Send the input as application/json.');
    }
    const limit = BODY_LIMITS.get(name) ?? MAX_BODY;
    const declared = Number(req.headers['content-length']);
    // invalid-input, as for a wrong content type: the typed client knows that code; the status says why.
    if (declared > limit) return refuseUnread(req, res, 413, 'invalid-input', tooLargeMessage(name, limit));
    // A client that waits for 100 Continue is told about an oversized body before it sends it.
    if (/100-continue/i.test(String(req.headers.expect ?? ''))) res.writeContinue();
    try {
      const text = await readBody(req, name, limit);
      let input: unknown = {};
      if (text.trim() !== '') {
        try {
          input = JSON.parse(text);
        } catch {
          throw new ApiError('invalid-input', 'The request body is not valid JSON.');
        }
      }
      const caller = streamCaller(req.headers[STREAM_HEADER]);
      const result = await api.dispatch(name, input, caller ?? undefined);
      sendJson(res, 200, { ok: true, result });
    } catch (err) {
      if (err instanceof BodyTooLargeError) return refuseUnread(req, res, 413, 'invalid-input', err.message);
      const body = toErrorBody(err);
      sendJson(res, STATUS[body.code] ?? 500, { ok: false, error: body });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'internal', (err as Error).message);
      else res.destroy();
    });
  });
  // Answered in handle(): 100 Continue only for a body within the operation's limit.
  server.on('checkContinue', (req, res) => server.emit('request', req, res));
  server.requestTimeout = 120_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    server,
    close: async () => {
      for (const res of streams) res.end();
      streams.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      watching.abort();
      await Promise.all([closed, watchRun]);
      api.close();
    },
  };
}
