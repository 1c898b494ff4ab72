/**
 * A small, deliberately broken IMAP server on 127.0.0.1 for the watcher's defences.
 *
 * Each mode misbehaves in one way a real (broken or hostile) server could:
 * - 'literal': every FETCH answers one header literal of `literalBytes`, streamed as the socket drains;
 * - 'list': LIST never ends (folders forever, until the client hangs up);
 * - 'search-all': SEARCH answers every UID of the folder whatever the criterion (RFC 3501 §6.4.4
 *   ignored); FETCH tells the truth: only the probe carries the token exactly, the others a decoy
 *   value that contains it;
 * - 'echo': LOGIN / AUTHENTICATE are refused with the client's own line echoed back.
 * The peer's own buffers are bounded; what it sends is only bounded by the client hanging up.
 */
import { createServer, type Server, type Socket } from 'node:net';

export type HostileMode = 'literal' | 'list' | 'search-all' | 'echo';

export interface HostilePeerOptions {
  mode: HostileMode;
  /** 'literal': the size announced and streamed, default 8 MB. */
  literalBytes?: number;
  /** 'search-all': messages per folder (UIDs 1..n), default 30. */
  messagesPerFolder?: number;
  /** 'search-all': the run's token and where the one true probe lives. */
  token?: string;
  probe?: { folder: string; uid: number };
  /** 'search-all': every message carries the token exactly (not one probe among decoys). */
  allExact?: boolean;
  /** 'search-all': how many UIDs SEARCH answers (1..n), default messagesPerFolder. */
  searchUids?: number;
  /** Advertise AUTH=PLAIN and SASL-IR, so the client authenticates with a base64 blob. */
  authPlain?: boolean;
}

export interface HostilePeer {
  host: '127.0.0.1';
  port: number;
  /** Bytes the peer wrote, all connections together. */
  sent(): number;
  /** 'search-all': UIDs flagged \Deleted, per folder. */
  deleted(): Record<string, number[]>;
  /** Client command lines (each cut at 200 characters). */
  commands(): string[];
  close(): Promise<void>;
}

const FOLDERS = ['INBOX', 'Junk', 'Trash', 'Sent', 'Clients/ACME'];
const ATTRS: Record<string, string> = { INBOX: '\\HasNoChildren', Junk: '\\HasNoChildren \\Junk', Trash: '\\HasNoChildren \\Trash', Sent: '\\HasNoChildren \\Sent', 'Clients/ACME': '\\HasNoChildren' };
const MAX_BUFFER = 64 * 1024;

/** "1,3:5,9" → UIDs (bounded by n). */
function parseSet(set: string, n: number): number[] {
  const out: number[] = [];
  for (const part of set.split(',')) {
    const [a = '', b] = part.split(':');
    const lo = a === '*' ? n : Number(a);
    const hi = b === undefined ? lo : b === '*' ? n : Number(b);
    for (let u = Math.min(lo, hi); u <= Math.max(lo, hi) && u <= n; u++) if (u >= 1) out.push(u);
  }
  return out;
}

export async function startHostilePeer(options: HostilePeerOptions): Promise<HostilePeer> {
  const sockets = new Set<Socket>();
  const deleted: Record<string, number[]> = {};
  const commands: string[] = [];
  let sent = 0;
  const perFolder = options.messagesPerFolder ?? 30;
  const caps = `IMAP4rev1 IDLE UIDPLUS MOVE${options.authPlain ? ' AUTH=PLAIN SASL-IR' : ''}`;

  const server: Server = createServer((s) => {
    sockets.add(s);
    s.setNoDelay(true);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    const write = (text: string | Buffer) => {
      if (s.destroyed) return false;
      sent += text.length;
      return s.write(text);
    };
    write(`* OK [CAPABILITY ${caps}] hostile peer ready\r\n`);
    let buf = '';
    let selected = 'INBOX';
    let idleTag = '';
    // AUTHENTICATE without an initial response (RFC 3501 §6.2.2): the next line is the blob.
    let authTag = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (buf.length > MAX_BUFFER) return s.destroy();
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (commands.length < 5000) commands.push(line.slice(0, 200));
        if (authTag) {
          write(`${authTag} NO [AUTHENTICATIONFAILED] Authentication failed, you sent: ${line}\r\n`);
          authTag = '';
          continue;
        }
        if (idleTag && line.trim().toUpperCase() === 'DONE') {
          write(`${idleTag} OK idle done\r\n`);
          idleTag = '';
          continue;
        }
        const words = line.split(' ');
        const tag = words[0] ?? '*';
        const uid = (words[1] ?? '').toUpperCase() === 'UID';
        const cmd = (uid ? words[2] : words[1])?.toUpperCase() ?? '';
        const args = words.slice(uid ? 3 : 2);
        const ok = (text = 'done') => write(`${tag} OK ${text}\r\n`);
        switch (cmd) {
          case 'LOGIN':
          case 'AUTHENTICATE':
            if (options.mode === 'echo' && cmd === 'AUTHENTICATE' && args.length < 2) {
              authTag = tag;
              write('+ \r\n');
            } else if (options.mode === 'echo') write(`${tag} NO [AUTHENTICATIONFAILED] Authentication failed, you sent: ${line}\r\n`);
            else write(`${tag} OK [CAPABILITY ${caps}] logged in\r\n`);
            break;
          case 'CAPABILITY':
            write(`* CAPABILITY ${caps}\r\n`);
            ok();
            break;
          case 'NAMESPACE':
            write('* NAMESPACE (("" "/")) NIL NIL\r\n');
            ok();
            break;
          case 'LIST': {
            if (line.endsWith('"" ""')) {
              write('* LIST (\\Noselect) "/" ""\r\n');
              ok();
              break;
            }
            if (options.mode !== 'list') {
              for (const f of FOLDERS) write(`* LIST (${ATTRS[f]}) "/" "${f}"\r\n`);
              ok();
              break;
            }
            let n = 0;
            const pump = () => {
              while (!s.destroyed) {
                let chunk = '';
                for (let k = 0; k < 500; k++) chunk += `* LIST (\\HasNoChildren) "/" "folder-${n++}-padding-padding"\r\n`;
                if (!write(chunk)) return void s.once('drain', pump);
              }
            };
            write('* LIST (\\HasNoChildren) "/" "INBOX"\r\n');
            pump();
            break;
          }
          case 'SELECT':
          case 'EXAMINE': {
            selected = (args[0] ?? 'INBOX').replace(/^"|"$/g, '');
            const n = options.mode === 'search-all' ? perFolder : 1;
            write(`* ${n} EXISTS\r\n* FLAGS (\\Seen \\Deleted)\r\n* OK [UIDVALIDITY 1] u\r\n* OK [UIDNEXT ${n + 1}] n\r\n`);
            write(`${tag} OK [${cmd === 'EXAMINE' ? 'READ-ONLY' : 'READ-WRITE'}] selected\r\n`);
            break;
          }
          case 'SEARCH': {
            if (options.mode === 'search-all') write(`* SEARCH ${Array.from({ length: options.searchUids ?? perFolder }, (_, k) => k + 1).join(' ')}\r\n`);
            else write('* SEARCH 1\r\n');
            ok();
            break;
          }
          case 'FETCH': {
            const section = /BODY\.PEEK\[([^\]]*)\]/i.exec(line)?.[1] ?? 'HEADER';
            if (options.mode === 'literal') {
              const size = options.literalBytes ?? 8 * 1024 * 1024;
              write(`* 1 FETCH (UID 1 BODY[${section}] {${size}}\r\n`);
              const chunk = Buffer.alloc(64 * 1024, 'A');
              let left = size;
              const pump = () => {
                while (left > 0 && !s.destroyed) {
                  const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
                  left -= piece.length;
                  if (!write(piece)) return void s.once('drain', pump);
                }
                write(')\r\n');
                ok();
              };
              pump();
              break;
            }
            for (const u of parseSet(args[0] ?? '1', perFolder)) {
              const exact = options.allExact || (options.probe && options.probe.folder === selected && options.probe.uid === u);
              const token = options.token ?? 'dl-none';
              const header = exact ? `X-Deliverlab-Token: ${token}\r\n\r\n` : `X-Deliverlab-Token: ${token}-decoy-${u}\r\n\r\n`;
              write(`* ${u} FETCH (UID ${u} BODY[${section}] {${Buffer.byteLength(header)}}\r\n${header})\r\n`);
            }
            ok();
            break;
          }
          case 'STORE': {
            if (/\\Deleted/i.test(line)) (deleted[selected] ??= []).push(...parseSet(args[0] ?? '', perFolder));
            ok();
            break;
          }
          case 'IDLE':
            idleTag = tag;
            write('+ idling\r\n');
            break;
          case 'LOGOUT':
            write('* BYE bye\r\n');
            ok();
            s.end();
            break;
          default:
            ok();
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    host: '127.0.0.1',
    port,
    sent: () => sent,
    deleted: () => structuredClone(deleted),
    commands: () => [...commands],
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
