/**
 * Web servers for the link check's tests: plain HTTP on several loopback addresses (127.0.0.1,
 * 127.0.0.2, ...) and HTTPS on 127.0.0.1 with a certificate from the test CA, all serving one set of
 * routes.
 *
 * The lab records what a test must prove about the client: every request (method, Host, path and
 * the address it came in on), every TCP connection (a refused link must not even connect), the most
 * requests in progress at once on each server (the per-host bound), and how many bytes each answer
 * had written when the client went away (reading stops early).
 *
 * A request is in progress from its arrival until the server has sent the whole answer or the client
 * has gone: never longer than the client holds it, so a count over the bound is the client's doing.
 * (Counting open sockets would not do: the server learns of a closed socket a turn of its event loop
 * after the client has closed it and started the next request.)
 */
import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { KeyPair } from './test-ca';

export interface LabRequest {
  method: string;
  /** The Host header without its port. */
  host: string;
  /** The path with its query. */
  path: string;
  /** The server address the request came in on ('127.0.0.2'), or 'https' for the HTTPS server. */
  server: string;
}

/** Answers one request; `lab` lets a route record what it wrote. */
export type LabRoute = (req: IncomingMessage, res: ServerResponse, lab: LinkLab) => void;

export interface LinkLabOptions {
  /** Loopback addresses to serve plain HTTP on. */
  addresses: readonly string[];
  /** Path (without query) → route; paths not listed answer 404. */
  routes: Record<string, LabRoute>;
  /** The HTTPS server's certificate (names the test's lookup maps to 127.0.0.1); no HTTPS server without it. */
  tls?: KeyPair;
}

export interface LinkLab extends EventEmitter<{ request: [LabRequest]; closed: [string] }> {
  /** The HTTP port on each address. */
  httpPort: Record<string, number>;
  httpsPort: number;
  /** `http://address:port/path` on one of the HTTP servers. */
  http(address: string, path: string): string;
  /** Every request, in arrival order. */
  requests: LabRequest[];
  /** Every TCP connection accepted, on any server. */
  connections: number;
  /** Connections open now, per server ('127.0.0.2', 'https'). */
  open: Map<string, number>;
  /** The most requests in progress at once, per server. */
  maxActive: Map<string, number>;
  /** The most requests in progress at once on all servers together. */
  maxTotal: number;
  /** Body bytes a route wrote before its client went away, by path; routes record it with `wrote`. */
  written: Map<string, number>;
  wrote(path: string, bytes: number): void;
  /** Clears the records between tests (servers keep running). */
  reset(): void;
  close(): Promise<void>;
}

export async function startLinkLab(options: LinkLabOptions): Promise<LinkLab> {
  const sockets = new Set<Socket>();
  const servers: Server[] = [];
  const lab = Object.assign(new EventEmitter<{ request: [LabRequest]; closed: [string] }>(), {
    httpPort: {} as Record<string, number>,
    httpsPort: 0,
    requests: [] as LabRequest[],
    connections: 0,
    open: new Map<string, number>(),
    maxActive: new Map<string, number>(),
    maxTotal: 0,
    written: new Map<string, number>(),
    http: (address: string, path: string) => `http://${address}:${lab.httpPort[address]}${path}`,
    wrote: (path: string, bytes: number) => void lab.written.set(path, bytes),
    reset: () => {
      lab.requests.length = 0;
      lab.connections = 0;
      lab.maxActive.clear();
      lab.maxTotal = 0;
      lab.written.clear();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  }) as LinkLab;

  const active = new Map<string, number>();
  let total = 0;
  const handler = (name: string) => (req: IncomingMessage, res: ServerResponse) => {
    const now = (active.get(name) ?? 0) + 1;
    active.set(name, now);
    lab.maxActive.set(name, Math.max(lab.maxActive.get(name) ?? 0, now));
    lab.maxTotal = Math.max(lab.maxTotal, ++total);
    let over = false;
    const done = () => {
      if (over) return;
      over = true;
      active.set(name, (active.get(name) ?? 1) - 1);
      total--;
    };
    res.once('finish', done);
    res.once('close', done);
    const record: LabRequest = { method: req.method ?? '', host: (req.headers.host ?? '').replace(/:\d+$/, ''), path: req.url ?? '/', server: name };
    lab.requests.push(record);
    lab.emit('request', record);
    const route = options.routes[(req.url ?? '/').split('?')[0] ?? '/'];
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    route(req, res, lab);
  };
  const watch = (name: string, server: Server) => {
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      lab.connections++;
      lab.open.set(name, (lab.open.get(name) ?? 0) + 1);
      socket.on('close', () => {
        sockets.delete(socket);
        lab.open.set(name, (lab.open.get(name) ?? 1) - 1);
        lab.emit('closed', name);
      });
    });
    servers.push(server);
  };
  const listen = (server: Server, address: string) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, address, () => resolve((server.address() as AddressInfo).port));
    });

  for (const address of options.addresses) {
    const server = createHttpServer(handler(address));
    watch(address, server);
    lab.httpPort[address] = await listen(server, address);
  }
  if (options.tls) {
    const secure = createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler('https'));
    // A client that gives up mid-handshake (a stop, a deadline) is the test passing, not an error.
    secure.on('tlsClientError', () => {});
    watch('https', secure);
    lab.httpsPort = await listen(secure, '127.0.0.1');
  }
  return lab;
}
