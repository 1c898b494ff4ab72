/**
 * A loopback HTTPS server for tests: one port on 127.0.0.1, many virtual hosts.
 *
 * Each site has its own certificate, picked by SNI (so one host can present an expired or
 * wrong-name certificate while the others are fine), and its own files, picked by Host header and
 * path. A file can answer with any status and headers, answer slowly (trickling its body), or never
 * answer at all, for deadline tests. Every request is logged, so a test can show a redirect was not
 * followed.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { KeyPair } from './test-ca';

export interface LabFile {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Accept the request and never answer it. */
  hang?: boolean;
  /** Send the headers, then the body one byte every `trickleMs` (a slow server). */
  trickleMs?: number;
  /** Send no Content-Length (chunked), so a client only learns the size by reading. */
  omitLength?: boolean;
}

export interface LabSite {
  /** Certificate and key this host presents. */
  tls: KeyPair;
  /** Path → what it answers; paths not listed answer 404. */
  files: Record<string, LabFile | string>;
}

export interface HttpsLabOptions {
  /** Host name → site. */
  sites: Record<string, LabSite>;
  /** What a client that sends no known SNI gets. */
  fallback: KeyPair;
}

export interface HttpsLab {
  port: number;
  /** Every request as "host path". */
  requests: string[];
  close(): Promise<void>;
}

export async function startHttpsServer(options: HttpsLabOptions): Promise<HttpsLab> {
  const contexts = new Map<string, SecureContext>();
  for (const [host, site] of Object.entries(options.sites)) contexts.set(host.toLowerCase(), createSecureContext({ key: site.tls.key, cert: site.tls.cert }));
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const server: Server = createServer(
    {
      key: options.fallback.key,
      cert: options.fallback.cert,
      SNICallback: (name, cb) => cb(null, contexts.get(name.toLowerCase())),
    },
    (req, res) => {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      requests.push(`${host} ${path}`);
      const entry = options.sites[host]?.files[path];
      if (entry === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      const file: LabFile = typeof entry === 'string' ? { body: entry, headers: { 'content-type': 'text/plain' } } : entry;
      if (file.hang) return;
      const body = Buffer.from(file.body ?? '');
      if (!file.trickleMs) {
        res.writeHead(file.status ?? 200, { ...(file.omitLength ? {} : { 'content-length': String(body.length) }), ...file.headers }).end(body);
        return;
      }
      res.writeHead(file.status ?? 200, file.headers);
      let i = 0;
      const tick = () => {
        if (res.destroyed) return;
        if (i >= body.length) return void res.end();
        res.write(body.subarray(i, i + 1));
        i++;
        const t = setTimeout(() => {
          timers.delete(t);
          tick();
        }, file.trickleMs);
        timers.add(t);
      };
      tick();
    },
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that rejects our certificate aborts the handshake: that is the test passing, not an error.
  server.on('tlsClientError', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
