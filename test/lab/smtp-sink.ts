/**
 * A loopback SMTP server that accepts every message, for tests of what the CLI prints about a send.
 *
 * Plain SMTP (no STARTTLS, no AUTH) on 127.0.0.1:0. Its replies are the test's to choose: a reply
 * per recipient (long ones, up to RFC 5321 §4.5.3.1.5's 512 octets, make a send's output large) or
 * words no honest server sends (escape sequences), to see what reaches the terminal.
 */
import { createServer, type Socket } from 'node:net';

export interface SmtpSinkOptions {
  /** The text after "220 " in the greeting. */
  greeting?: string;
  /** The text after "250 " in the reply to each RCPT TO. */
  rcptReply?: (address: string) => string;
  /** The text after "250 " in the reply to the message's final dot. */
  dataReply?: string;
}

export interface SmtpSink {
  port: number;
  /** How many messages were accepted. */
  messages: number;
  /** The messages accepted, as received (headers and body, dot-stuffing undone). */
  received: string[];
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const sockets = new Set<Socket>();
  const state = { messages: 0, received: [] as string[] };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = '';
    let inData = false;
    let message: string[] = [];
    const reply = (text: string) => socket.write(`${text}\r\n`);
    reply(`220 ${options.greeting ?? 'sink.test ESMTP'}`);
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (inData) {
          if (line === '.') {
            inData = false;
            state.messages++;
            state.received.push(message.join('\r\n'));
            message = [];
            reply(`250 ${options.dataReply ?? '2.0.0 Ok: queued as SINK1'}`);
          } else message.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = (line.split(' ')[0] ?? '').toUpperCase();
        if (verb === 'EHLO') reply('250-sink.test\r\n250-PIPELINING\r\n250 8BITMIME');
        else if (verb === 'HELO' || verb === 'MAIL' || verb === 'RSET' || verb === 'NOOP') reply('250 2.0.0 Ok');
        else if (verb === 'RCPT') {
          const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply(`250 ${options.rcptReply ? options.rcptReply(address) : '2.1.5 Ok'}`);
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'QUIT') {
          reply('221 2.0.0 Bye');
          socket.end();
        } else reply('502 5.5.2 Command not recognized');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    get messages() {
      return state.messages;
    },
    get received() {
      return state.received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
