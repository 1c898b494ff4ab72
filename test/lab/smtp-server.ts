/**
 * A loopback SMTP peer for the probe tests: banner, EHLO, STARTTLS and QUIT, nothing more.
 *
 * Each mode is one way a real MX behaves (or misbehaves). It listens on 127.0.0.1:0 and records
 * every command it receives, so tests can prove the probe never sends MAIL, RCPT or DATA.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { LabCert } from './smtp-certs';

export type SmtpMode =
  | 'good'
  | 'no-starttls'
  | 'tls10'
  /** Closes the connection right after the banner. */
  | 'drop-after-banner'
  /** Accepts the connection and never says a word. */
  | 'hang'
  /** Answers with something that is not SMTP. */
  | 'garbage'
  /** Offers STARTTLS, then answers it with 454. */
  | 'starttls-refused'
  /** Answers STARTTLS with 220, then never starts the handshake. */
  | 'tls-hang';

export interface SmtpServerOptions {
  mode: SmtpMode;
  /** The certificate for STARTTLS (a good one, an expired one, one for another name, ...). */
  cert?: LabCert;
  hostname?: string;
}

export interface SmtpLabServer {
  port: number;
  /** Every command line received, in order, across connections (after STARTTLS too). */
  commands: string[];
  connections: number;
  close(): Promise<void>;
}

export async function startSmtpServer(options: SmtpServerOptions): Promise<SmtpLabServer> {
  const name = options.hostname ?? 'mx.smtp.test';
  const sockets = new Set<Socket>();
  const state = { commands: [] as string[], connections: 0 };

  const converse = (stream: Socket | TLSSocket, secure: boolean) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        state.commands.push(line);
        const verb = line.split(' ')[0]?.toUpperCase() ?? '';
        if (verb === 'EHLO') {
          const ext = ['PIPELINING', 'SIZE 10240000', '8BITMIME'];
          if (!secure && options.mode !== 'no-starttls') ext.push('STARTTLS');
          const lines = [name, ...ext];
          stream.write(lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}\r\n`).join(''));
        } else if (verb === 'STARTTLS' && !secure) {
          if (options.mode === 'starttls-refused' || !options.cert) {
            stream.write('454 4.7.0 TLS not available due to temporary reason\r\n');
            continue;
          }
          stream.write('220 2.0.0 Ready to start TLS\r\n');
          stream.off('data', onData);
          if (options.mode === 'tls-hang') return;
          const tls10 = options.mode === 'tls10';
          const secured = new TLSSocket(stream as Socket, {
            isServer: true,
            key: options.cert.key,
            cert: options.cert.cert,
            ...(tls10 ? { minVersion: 'TLSv1' as const, maxVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
          });
          secured.on('error', () => secured.destroy());
          converse(secured, true);
          return;
        } else if (verb === 'QUIT') {
          stream.end('221 2.0.0 Bye\r\n');
        } else {
          stream.write('502 5.5.1 Not implemented in the lab\r\n');
        }
      }
    };
    stream.on('data', onData);
  };

  const server: Server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    switch (options.mode) {
      case 'hang':
        return;
      case 'garbage':
        socket.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
        return;
      case 'drop-after-banner':
        socket.end(`220 ${name} ESMTP lab\r\n`);
        return;
      default:
        socket.write(`220-${name} ESMTP lab\r\n220 no UCE\r\n`);
        converse(socket, false);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the SMTP lab server has no port');
  return {
    port: address.port,
    get commands() {
      return state.commands;
    },
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
