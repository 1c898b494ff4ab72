/**
 * A small DNS client for the record types Node's resolver does not speak (DS, DNSKEY, TLSA, RRSIG).
 *
 * It asks with EDNS0 and, when told, the DO bit, so a validating resolver returns signatures and
 * tells us (AD flag) whether it validated the answer. UDP first; TCP when the answer is truncated.
 */
import { createSocket } from 'node:dgram';
import { isIP, connect as netConnect } from 'node:net';
import { randomInt } from 'node:crypto';
import * as packet from 'dns-packet';
import { assertConnectAllowed } from '../net/guard';

export interface RawServer {
  address: string;
  port: number;
}

export interface RawQueryOptions {
  /** Ask for DNSSEC records and validation (EDNS0 DO bit, RFC 3225 §3). */
  dnssec?: boolean;
  /** Deadline for one try, in milliseconds. */
  timeoutMs?: number;
  /** Tries over UDP (a lost datagram gets one retry by default). */
  tries?: number;
  /** Set RD (the default): false asks a server for what it holds itself (authoritative mode). */
  recursion?: boolean;
}

export interface RawResponse {
  /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ... */
  rcode: string;
  flags: { ad: boolean; aa: boolean; tc: boolean };
  answers: packet.Answer[];
  authorities: packet.Answer[];
}

/** A transport failure, shaped like Node's resolver errors (ETIMEOUT, ECONNREFUSED, EBADRESP). */
export class RawDnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RawDnsError';
  }
}

// RFC 8914-era default (DNS flag day 2020): 1232 bytes avoids IP fragmentation.
const UDP_PAYLOAD = 1232;
// A DNS message over TCP is at most 65535 bytes (RFC 1035 §4.2.2 length prefix).
const MAX_TCP = 65535;

/** RFC 1035 §2.3.4: labels of 1-63 octets, at most 255 octets on the wire (253 as text). */
export function validName(name: string): boolean {
  const bare = name.replace(/\.$/, '');
  if (bare === '') return true;
  return Buffer.byteLength(bare) <= 253 && bare.split('.').every((l) => l.length > 0 && Buffer.byteLength(l) <= 63);
}

export function buildQuery(id: number, name: string, type: string, dnssec: boolean, recursion = true): Buffer {
  if (!validName(name)) throw new RawDnsError('EBADNAME', `"${name.slice(0, 80)}" is not a valid DNS name`);
  return packet.encode({
    type: 'query',
    id,
    // RD: we ask a recursive resolver (RFC 1035 §4.1.1), unless we ask a zone's own server.
    // AD in a query asks for the AD bit in the answer (RFC 6840 §5.7).
    flags: (recursion ? packet.RECURSION_DESIRED : 0) | (dnssec ? packet.AUTHENTIC_DATA : 0),
    questions: [{ type: type as packet.RecordType, name, class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: UDP_PAYLOAD, flags: dnssec ? packet.DNSSEC_OK : 0 } as packet.Answer],
  });
}

/** Decodes a reply, checking it answers our question; throws EBADRESP otherwise. */
export function parseResponse(buf: Buffer, id: number, name: string, type: string): RawResponse {
  let decoded: packet.DecodedPacket;
  try {
    decoded = packet.decode(buf);
  } catch (err) {
    throw new RawDnsError('EBADRESP', `malformed DNS reply: ${(err as Error).message}`);
  }
  if (decoded.id !== id || decoded.type !== 'response') throw new RawDnsError('EBADRESP', 'the reply does not match the query');
  const q = decoded.questions?.[0];
  if (q && (q.name.toLowerCase().replace(/\.$/, '') !== name.toLowerCase().replace(/\.$/, '') || q.type !== type)) {
    throw new RawDnsError('EBADRESP', 'the reply answers another question');
  }
  const raw = decoded as packet.DecodedPacket & { rcode?: string };
  return {
    rcode: raw.rcode ?? 'NOERROR',
    flags: { ad: decoded.flag_ad, aa: decoded.flag_aa, tc: decoded.flag_tc },
    answers: decoded.answers ?? [],
    authorities: decoded.authorities ?? [],
  };
}

/** One query to one server: UDP with retries, then TCP when the reply is truncated. */
export async function rawQuery(server: RawServer, name: string, type: string, options: RawQueryOptions = {}): Promise<RawResponse> {
  const timeoutMs = options.timeoutMs ?? 2500;
  const tries = Math.max(1, options.tries ?? 2);
  const dnssec = options.dnssec ?? false;
  try {
    assertConnectAllowed(server.address);
  } catch (err) {
    throw new RawDnsError('EBLOCKED', (err as Error).message);
  }
  let lastError: Error = new RawDnsError('ETIMEOUT', `no reply from ${server.address}`);
  for (let attempt = 0; attempt < tries; attempt++) {
    const id = randomInt(0, 65536);
    let query: Buffer;
    try {
      query = buildQuery(id, name, type, dnssec, options.recursion ?? true);
    } catch (err) {
      // A name or type we cannot encode: Node's resolver says EBADNAME too.
      if (err instanceof RawDnsError) throw err;
      throw new RawDnsError('EBADNAME', (err as Error).message);
    }
    try {
      const reply = parseResponse(await udpExchange(server, query, id, timeoutMs), id, name, type);
      if (!reply.flags.tc) return reply;
      // RFC 7766 §5: a truncated UDP answer is retried over TCP.
      return parseResponse(await tcpExchange(server, query, timeoutMs), id, name, type);
    } catch (err) {
      if (!(err instanceof RawDnsError)) throw err;
      lastError = err;
      // Only a lost or mangled datagram is worth another try; a refused port is not.
      if (err.code === 'ECONNREFUSED') break;
    }
  }
  throw lastError;
}

function udpExchange(server: RawServer, query: Buffer, id: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIP(server.address) === 6 ? 'udp6' : 'udp4');
    const timer = setTimeout(() => finish(new RawDnsError('ETIMEOUT', `no reply from ${server.address}:${server.port} within ${timeoutMs} ms`)), timeoutMs);
    let done = false;
    const finish = (err: Error | null, buf?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(buf as Buffer);
    };
    socket.on('error', (err: NodeJS.ErrnoException) => finish(new RawDnsError(err.code ?? 'ECONNREFUSED', err.message)));
    socket.on('message', (msg, rinfo) => {
      // Ignore stray datagrams: only the server we asked, with our id, may answer.
      if (rinfo.port !== server.port || msg.length < 2 || msg.readUInt16BE(0) !== id) return;
      finish(null, msg);
    });
    socket.send(query, server.port, server.address, (err) => {
      if (err) finish(new RawDnsError((err as NodeJS.ErrnoException).code ?? 'ECONNREFUSED', err.message));
    });
  });
}

function tcpExchange(server: RawServer, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: server.address, port: server.port });
    let pending = Buffer.alloc(0);
    let done = false;
    const timer = setTimeout(() => finish(new RawDnsError('ETIMEOUT', `no TCP reply from ${server.address}:${server.port} within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err: Error | null, buf?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(buf as Buffer);
    };
    socket.on('error', (err: NodeJS.ErrnoException) => finish(new RawDnsError(err.code ?? 'ECONNREFUSED', err.message)));
    socket.on('close', () => finish(new RawDnsError('ECONNRESET', 'the server closed the TCP connection before answering')));
    socket.on('connect', () => {
      const head = Buffer.alloc(2);
      head.writeUInt16BE(query.length);
      socket.write(Buffer.concat([head, query]));
    });
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length > MAX_TCP + 2) return finish(new RawDnsError('EBADRESP', 'oversized TCP reply'));
      if (pending.length < 2) return;
      const len = pending.readUInt16BE(0);
      if (pending.length >= 2 + len) finish(null, pending.subarray(2, 2 + len));
    });
  });
}

/** One answer record as a zone-file-like text line (for the transcript and evidence). */
export function formatRecord(a: packet.Answer): string {
  const data = (a as { data?: unknown }).data;
  switch (a.type) {
    case 'DS': {
      const d = data as packet.DsData;
      return `${d.keyTag} ${d.algorithm} ${d.digestType} ${d.digest.toString('hex').toUpperCase()}`;
    }
    case 'DNSKEY': {
      const d = data as packet.DnskeyData;
      return `${d.flags} 3 ${d.algorithm} ${d.key.toString('base64')}`;
    }
    case 'TLSA': {
      const d = data as packet.TlsaData;
      return `${d.usage} ${d.selector} ${d.matchingType} ${d.certificate.toString('hex')}`;
    }
    case 'RRSIG': {
      const d = data as packet.RrsigData;
      return `RRSIG ${d.typeCovered} ${d.algorithm} ${d.labels} ${d.originalTTL} ${d.expiration} ${d.inception} ${d.keyTag} ${d.signersName}`;
    }
    case 'CNAME':
      return `CNAME ${String(data)}`;
    default:
      return `${a.type} ${typeof data === 'string' ? data : JSON.stringify(data)}`;
  }
}
