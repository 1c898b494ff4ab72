/**
 * An authoritative DNS server for tests, on 127.0.0.1, UDP and TCP on one port.
 *
 * Zones are text files in test/fixtures/zones, one record a line, BIND-like:
 *   good.test.          MX    10 mail.good.test.
 *   good.test.          TXT   "v=spf1 -all"            (several quoted strings make one multi-string record;
 *                                                       each is sent as its UTF-8 bytes, at most 255 of them)
 *   slow.test.          DELAY 1500                     (answers for this name come after 1.5 s)
 *   dead.test.          TIMEOUT                        (queries for this name get no answer)
 *   broken.test.        SERVFAIL
 *   v6.broken.test.     SERVFAIL AAAA                  (only AAAA queries fail; TIMEOUT takes types too)
 *   garbled.test.       MALFORMED TXT                  (the reply does not parse: one answer more is announced
 *                                                       than the message holds; UDP and TCP server only)
 *   signed.test.        DS    12345 13 2 <hex digest>     (DNSSEC records are served, never signed:
 *   signed.test.        DNSKEY 257 3 13 <base64 key>       the AD flag stays off)
 *   _25._tcp.mx.test.   TLSA  3 1 1 <hex data>
 * Names that have no record but exist below a served name answer NODATA; names that do not exist, NXDOMAIN.
 * A `*.x` record answers names below x that do not exist (RFC 4592), as a wildcard does.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { join } from 'node:path';
import * as packet from 'dns-packet';
import { conformancePath } from '../helpers/conformance';

/**
 * How a name misbehaves. timeout 'empty': only queries this name has no records for go unanswered
 * (the SPF suite's TIMEOUT). A list of types limits the failure to queries of those types.
 */
export type Behaviour = { delayMs?: number; timeout?: boolean | 'empty' | string[]; servfail?: boolean | string[]; malformed?: boolean | string[] };

/** A name's behaviour for one query type: type lists resolved to true or false. */
export type QueryBehaviour = { delayMs?: number; timeout?: boolean | 'empty'; servfail?: boolean; malformed?: boolean };

function forType(b: Behaviour, type: string): QueryBehaviour {
  const on = (v: boolean | string[] | undefined) => (Array.isArray(v) ? v.includes(type) : v === true);
  return {
    ...(b.delayMs !== undefined ? { delayMs: b.delayMs } : {}),
    ...(b.timeout === 'empty' ? { timeout: 'empty' as const } : on(b.timeout) ? { timeout: true } : {}),
    ...(on(b.servfail) ? { servfail: true } : {}),
    ...(on(b.malformed) ? { malformed: true } : {}),
  };
}

export interface Zone {
  /** Lower-case name without trailing dot → records. */
  records: Map<string, packet.Answer[]>;
  behaviour: Map<string, Behaviour>;
}

export interface DnsServerOptions {
  zone: Zone;
  /** Delay before every answer, in milliseconds. */
  delayMs?: number;
}

export interface DnsServer {
  port: number;
  address: string;
  /** Every question received, as "TYPE name". */
  queries: string[];
  close(): Promise<void>;
}

const NXDOMAIN = 3;
const SERVFAIL = 2;

function tokenize(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? `"${m[1].replace(/\\(.)/g, '$1')}` : (m[2] as string));
  return out;
}

const bare = (name: string) => name.replace(/\.$/, '').toLowerCase();

/** Parses zone text (see the module comment) into a Zone, adding to `into` if given. */
export function parseZone(text: string, into: Zone = { records: new Map(), behaviour: new Map() }): Zone {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s*;.*$/, '').trim();
    if (!line) continue;
    const [nameTok, typeTok, ...rest] = tokenize(line);
    if (!nameTok || !typeTok) throw new Error(`zone line needs a name and a type: ${raw}`);
    const name = bare(nameTok);
    const type = typeTok.toUpperCase();
    const behaviour = into.behaviour.get(name) ?? {};
    if (type === 'DELAY') {
      into.behaviour.set(name, { ...behaviour, delayMs: Number(rest[0]) });
      continue;
    }
    if (type === 'TIMEOUT' || type === 'SERVFAIL' || type === 'MALFORMED') {
      const key = type === 'TIMEOUT' ? 'timeout' : type === 'SERVFAIL' ? 'servfail' : 'malformed';
      const types = rest.map((t) => t.toUpperCase());
      const before = behaviour[key];
      // Several lines for one name add up their types; a line without types covers them all.
      const value = types.length === 0 || before === true ? true : [...(Array.isArray(before) ? before : []), ...types];
      into.behaviour.set(name, { ...behaviour, [key]: value });
      continue;
    }
    let data: unknown;
    switch (type) {
      case 'A':
      case 'AAAA':
        data = rest[0];
        break;
      case 'CNAME':
      case 'NS':
      case 'PTR':
        data = bare(rest[0] ?? '');
        break;
      case 'MX':
        data = { preference: Number(rest[0]), exchange: bare(rest[1] ?? '') };
        break;
      case 'TXT': {
        // RFC 1035 §3.3: a character-string is a length octet and that many octets; the zone's text goes
        // as its UTF-8 bytes, and one string longer than a length octet can count would garble the reply.
        const strings = rest.map((t) => Buffer.from(t.startsWith('"') ? t.slice(1) : t, 'utf8'));
        const long = strings.find((bytes) => bytes.length > 255);
        if (long) throw new Error(`a TXT string holds at most 255 octets; this one is ${long.length} (UTF-8), split it in quoted strings: ${raw}`);
        data = strings;
        break;
      }
      case 'DS':
        data = { keyTag: Number(rest[0]), algorithm: Number(rest[1]), digestType: Number(rest[2]), digest: Buffer.from(rest.slice(3).join(''), 'hex') };
        break;
      case 'DNSKEY':
        // The protocol field (rest[1]) is always 3 (RFC 4034 §2.1.2); dns-packet writes it itself.
        data = { flags: Number(rest[0]), algorithm: Number(rest[2]), key: Buffer.from(rest.slice(3).join(''), 'base64') };
        break;
      case 'TLSA':
        data = { usage: Number(rest[0]), selector: Number(rest[1]), matchingType: Number(rest[2]), certificate: Buffer.from(rest.slice(3).join(''), 'hex') };
        break;
      default:
        throw new Error(`unsupported record type ${type} in: ${raw}`);
    }
    const list = into.records.get(name) ?? [];
    list.push({ name, type, ttl: 60, class: 'IN', data } as packet.Answer);
    into.records.set(name, list);
  }
  return into;
}

/** A DKIM RSA key record for a PEM public key, as zone strings of at most 255 bytes (RFC 1035 §3.3.14). */
export function rsaKeyTxt(publicKeyPem: string): string {
  const text = `v=DKIM1; k=rsa; p=${publicKeyPem.replace(/-----[^-]+-----|\s/g, '')}`;
  return (text.match(/.{1,200}/g) ?? []).map((chunk) => `"${chunk}"`).join(' ');
}

/** The TXT records the RFC 8463 vectors verify against (test/fixtures/conformance/dkim/rfc8463-mailauth/dns.json), as zone lines. */
export function rfc8463ZoneLines(): string[] {
  const vectors = JSON.parse(readFileSync(conformancePath('dkim', 'rfc8463-mailauth', 'dns.json'), 'utf8')) as Record<string, Record<string, string[][]>>;
  return Object.entries(vectors).flatMap(([name, types]) => (types.TXT ?? []).map((record) => `${name}. TXT ${record.map((part) => `"${part}"`).join(' ')}`));
}

export const ZONE_DIR = join(import.meta.dirname, '..', 'fixtures', 'zones');

/** Every *.zone file in test/fixtures/zones as one Zone. */
export function loadZoneFixtures(dir: string = ZONE_DIR): Zone {
  const zone: Zone = { records: new Map(), behaviour: new Map() };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.zone')).sort()) {
    parseZone(readFileSync(join(dir, file), 'utf8'), zone);
  }
  return zone;
}

function nameExists(zone: Zone, name: string): boolean {
  if (zone.records.has(name) || zone.behaviour.has(name)) return true;
  // An empty non-terminal (a name with records below it) exists too.
  for (const key of zone.records.keys()) if (key.endsWith(`.${name}`)) return true;
  return false;
}

/**
 * RFC 4592 §3.3.1: a name that does not exist is answered by `*.<closest encloser>`, if there is one.
 */
function wildcardRecords(zone: Zone, name: string): packet.Answer[] {
  if (nameExists(zone, name)) return [];
  const labels = name.split('.');
  for (let i = 1; i < labels.length; i++) {
    const encloser = labels.slice(i).join('.');
    if (!nameExists(zone, encloser)) continue;
    return zone.records.get(`*.${encloser}`) ?? [];
  }
  return [];
}

/** The fixture's reply to one decoded query, and how to deliver it (also used by the DoH lab). */
export function answer(zone: Zone, query: packet.Packet): { response: packet.Packet; behaviour: QueryBehaviour } {
  const question = query.questions?.[0];
  const base = { id: query.id, type: 'response' as const, questions: query.questions ?? [] };
  const aa = 1 << 10;
  if (!question) return { response: { ...base, flags: aa | 1 }, behaviour: {} };
  const name = bare(question.name);
  const behaviour = forType(zone.behaviour.get(name) ?? {}, question.type);
  if (behaviour.servfail) return { response: { ...base, flags: SERVFAIL }, behaviour };
  const records = zone.records.get(name) ?? wildcardRecords(zone, name);
  const cname = records.find((r) => r.type === 'CNAME');
  let answers = records.filter((r) => r.type === question.type);
  if (answers.length === 0 && cname && question.type !== 'CNAME') {
    const target = zone.records.get(String((cname as { data: unknown }).data)) ?? [];
    answers = [cname, ...target.filter((r) => r.type === question.type)];
  }
  if (answers.length === 0 && records.length === 0 && !nameExists(zone, name)) {
    // dns-packet ignores `rcode` when encoding: the code goes in the low bits of flags.
    return { response: { ...base, flags: aa | NXDOMAIN }, behaviour };
  }
  return { response: { ...base, flags: aa, answers: answers.map((a) => ({ ...a, name: question.name })) }, behaviour };
}

export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const queries: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const respond = (msg: Buffer, send: (buf: Buffer) => void, udp: boolean) => {
    let query: packet.Packet;
    try {
      query = packet.decode(msg);
    } catch {
      return;
    }
    const q = query.questions?.[0];
    if (q) queries.push(`${q.type} ${bare(q.name)}`);
    const { response, behaviour } = answer(options.zone, query);
    if (behaviour.timeout === 'empty' ? (response.answers?.length ?? 0) === 0 : behaviour.timeout) return;
    let buf = packet.encode(response);
    const opt = query.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
    const limit = opt?.udpPayloadSize ?? 512;
    if (udp && buf.length > limit) buf = packet.encode({ ...response, answers: [], flags: (response.flags ?? 0) | (1 << 9) });
    // RFC 1035 §4.1.1: ANCOUNT (bytes 6-7) announces one answer more than follows, so no parser can read it.
    if (behaviour.malformed) buf.writeUInt16BE(buf.readUInt16BE(6) + 1, 6);
    const delay = (options.delayMs ?? 0) + (behaviour.delayMs ?? 0);
    if (delay <= 0) return send(buf);
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(buf);
    }, delay);
    timers.add(timer);
  };

  for (let attempt = 0; attempt < 20; attempt++) {
    const udp: Socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => resolve());
    });
    const port = udp.address().port;
    const tcp: Server = createServer((socket: TcpSocket) => {
      let pending = Buffer.alloc(0);
      socket.on('error', () => socket.destroy());
      socket.on('data', (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 2) {
          const len = pending.readUInt16BE(0);
          if (pending.length < 2 + len) break;
          const msg = pending.subarray(2, 2 + len);
          pending = pending.subarray(2 + len);
          respond(msg, (buf) => {
            if (socket.writable) {
              const head = Buffer.alloc(2);
              head.writeUInt16BE(buf.length);
              socket.write(Buffer.concat([head, buf]));
            }
          }, false);
        }
      });
    });
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!listening) {
      udp.close();
      continue;
    }
    udp.on('message', (msg, rinfo) => respond(msg, (buf) => udp.send(buf, rinfo.port, rinfo.address), true));
    return {
      port,
      address: '127.0.0.1',
      queries,
      close: async () => {
        for (const t of timers) clearTimeout(t);
        udp.close();
        await new Promise<void>((resolve) => tcp.close(() => resolve()));
      },
    };
  }
  throw new Error('could not bind a UDP and TCP port pair on 127.0.0.1');
}
