/**
 * A loopback TCP proxy that can drop or freeze its connections, for robustness tests.
 *
 * It sits between a client and a real server (the mail lab's Dovecot) so a test can make "the server"
 * vanish or stop answering without touching the shared lab. `localAddress` picks the address the
 * proxy connects from (e.g. 127.0.0.2), so the server sees a different client IP.
 */
import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  host: string;
  port: number;
  /** Closes every open connection; new ones are still accepted. */
  dropAll(): void;
  /** While on, bytes are held in both directions (a server that stopped answering); off flushes them. */
  hang(on: boolean): void;
  /** Closes every connection and stops listening: new connections are refused ("server stopped"). */
  close(): Promise<void>;
  /** Connections accepted so far. */
  accepted(): number;
  /** Connections open right now (a client still waiting on a hanging server counts). */
  open(): number;
}

export interface TcpProxyOptions {
  target: { host: string; port: number };
  /** The address the proxy connects from, so the server sees another client IP. */
  localAddress?: string;
  listenHost?: string;
  /** Rewrites what the server sends (clear-text protocols only), e.g. to hide a capability. */
  rewriteDown?: (chunk: Buffer) => Buffer;
}

export async function startTcpProxy(opts: TcpProxyOptions): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const held = new Map<Socket, Buffer[]>();
  let hanging = false;
  let count = 0;

  const forward = (from: Socket, to: Socket, rewrite?: (chunk: Buffer) => Buffer) => {
    from.on('data', (data: Buffer) => {
      const chunk = rewrite ? rewrite(data) : data;
      if (hanging) {
        const q = held.get(to) ?? [];
        q.push(chunk);
        held.set(to, q);
      } else if (!to.destroyed) to.write(chunk);
    });
  };

  const server = createServer((client) => {
    count++;
    const upstream = connect({ host: opts.target.host, port: opts.target.port, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      held.delete(client);
      held.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    for (const s of pair) {
      s.on('error', end);
      s.on('close', end);
    }
    forward(client, upstream);
    forward(upstream, client, opts.rewriteDown);
  });
  const host = opts.listenHost ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no port');

  const dropAll = () => {
    for (const [a, b] of [...pairs]) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
    held.clear();
  };
  return {
    host,
    port: address.port,
    dropAll,
    hang(on) {
      hanging = on;
      if (!on) {
        for (const [socket, chunks] of held) if (!socket.destroyed) for (const c of chunks) socket.write(c);
        held.clear();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
    accepted: () => count,
    open: () => pairs.size,
  };
}
