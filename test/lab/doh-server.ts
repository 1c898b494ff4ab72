/**
 * A DNS-over-HTTPS server for tests (RFC 8484 POST), on 127.0.0.1, answering from fixture zones.
 *
 * `/dns-query` answers like the UDP fixture server (same zone logic, DELAY/TIMEOUT/SERVFAIL included).
 * Other paths misbehave on purpose, for the client's error handling:
 *   /status-500    HTTP 500          /wrong-type   200 text/html
 *   /garbage       200 application/dns-message with bytes that are no DNS message
 *   /hang          accepts the request and never answers
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import * as packet from 'dns-packet';
import { answer, type Zone } from './dns-server';
import type { KeyPair } from './test-ca';

export interface DohServer {
  port: number;
  /** Every request as "METHOD path", and every question answered as "TYPE name". */
  requests: string[];
  queries: string[];
  /** TCP connections accepted: shows whether a client reuses its connection. */
  connections: () => number;
  /** The DNS ids of the queries received (RFC 8484 §4.1 wants 0). */
  ids: number[];
  close(): Promise<void>;
}

export async function startDohServer(options: { zone: Zone; tls: KeyPair }): Promise<DohServer> {
  const requests: string[] = [];
  const queries: string[] = [];
  const ids: number[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;

  const server: Server = createServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(`${req.method} ${path}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (path === '/hang') return;
      if (path === '/status-500') return res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      if (path === '/wrong-type') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not DNS</html>');
      if (path === '/garbage') return res.writeHead(200, { 'content-type': 'application/dns-message' }).end(Buffer.from('not a dns message at all'));
      if (path !== '/dns-query') return res.writeHead(404).end();
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/dns-message') return res.writeHead(415).end();
      let query: packet.Packet;
      try {
        query = packet.decode(Buffer.concat(chunks));
      } catch {
        return res.writeHead(400).end();
      }
      ids.push(query.id ?? -1);
      const q = query.questions?.[0];
      if (q) queries.push(`${q.type} ${q.name.replace(/\.$/, '').toLowerCase()}`);
      const { response, behaviour } = answer(options.zone, query);
      if (behaviour.timeout === 'empty' ? (response.answers?.length ?? 0) === 0 : behaviour.timeout) return;
      const body = packet.encode(response);
      const send = () => res.writeHead(200, { 'content-type': 'application/dns-message', 'content-length': body.length }).end(body);
      if (!behaviour.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, behaviour.delayMs);
      timers.add(timer);
    });
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    queries,
    ids,
    connections: () => connections,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
