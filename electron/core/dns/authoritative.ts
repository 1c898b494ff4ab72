/**
 * Authoritative mode: ask each zone's own name servers, to see a change before caches expire.
 *
 * For a query name it finds the closest enclosing zone by asking the discovery resolver (system or
 * configured) for NS, walking up one label at a time: the first name with NS records is the zone cut
 * (RFC 1034 §4.2). It resolves those name servers' addresses with the same resolver, then asks them
 * directly with RD off and expects the AA bit (RFC 1035 §4.1.1). CNAMEs are followed across zones,
 * a bounded number of times; referrals to a deeper zone likewise.
 */
import type * as packet from 'dns-packet';
import { RawDnsError, rawQuery, type RawServer } from './raw';
import { serverToString } from './servers';
import { TransportError, type DnsTransport, type TransportQueryOptions, type TransportReply } from './transport';

export interface AuthoritativeOptions {
  /** The resolver that finds zone cuts and name server addresses (a recursive one). */
  discovery: DnsTransport;
  timeoutMs: number;
  tries: number;
  /**
   * For labs only: NS host name or address → port. NS records carry no port and real name servers
   * listen on 53; a test lab runs several servers on 127.0.0.1, told apart by port.
   */
  nsPorts?: Record<string, number>;
}

interface ZoneCut {
  zone: string;
  hosts: string[];
}

// RFC 1034 §3.6.2 sets no limit; resolvers stop at about 8-16 links. A longer chain is a loop or abuse.
const MAX_CNAMES = 8;
// A referral below the zone we found is followed at most this often (RFC 1034 §5.3.3 step 4).
const MAX_REFERRALS = 3;
// Name servers asked per zone, and addresses per name server: bounded work when all are dead.
const MAX_HOSTS = 4;
// Labels walked for a zone cut: enough for ip6.arpa reverse names (34 labels).
const MAX_WALK = 34;

const bare = (name: string) => name.replace(/\.$/, '').toLowerCase();
const dataOf = (a: packet.Answer) => (a as { data?: unknown }).data;

export class AuthoritativeTransport implements DnsTransport {
  private readonly cuts = new Map<string, Promise<ZoneCut | null>>();
  private readonly addresses = new Map<string, Promise<string[]>>();

  constructor(private readonly options: AuthoritativeOptions) {}

  async query(name: string, type: string, opts: TransportQueryOptions): Promise<TransportReply> {
    let qname = bare(name);
    const chain: packet.Answer[] = [];
    for (let hop = 0; hop <= MAX_CNAMES; hop++) {
      const reply = await this.ask(qname, type, opts);
      chain.push(...reply.answers);
      if (reply.rcode !== 'NOERROR' || type === 'CNAME' || reply.answers.some((a) => a.type === type)) return { ...reply, answers: chain };
      // Follow the chain as far as this server gave it, then ask the target's own zone.
      let target = qname;
      for (let i = 0; i < MAX_CNAMES; i++) {
        const link = reply.answers.find((a) => a.type === 'CNAME' && bare(a.name) === target);
        if (!link) break;
        target = bare(String(dataOf(link)));
      }
      if (target === qname) return { ...reply, answers: chain };
      qname = target;
    }
    throw new TransportError('EBADRESP', `${name}: more than ${MAX_CNAMES} CNAMEs in a row`);
  }

  /** Asks the zone that holds `qname`; with no zone cut found, the discovery resolver's answer. */
  private async ask(qname: string, type: string, opts: TransportQueryOptions): Promise<TransportReply> {
    // RFC 4035 §3.1.4.1: DS lives on the parent side of a zone cut; the child's servers do not hold it.
    const cut = await this.zoneCut(type === 'DS' ? qname.slice(qname.indexOf('.') + 1) : qname);
    if (!cut) {
      const reply = await this.options.discovery.query(qname, type, opts);
      return { ...reply, server: `${reply.server} (recursive: no zone cut found)` };
    }
    return this.askZone(cut, qname, type, opts, 0);
  }

  private async askZone(cut: ZoneCut, qname: string, type: string, opts: TransportQueryOptions, referrals: number): Promise<TransportReply> {
    let lame: { server: string; why: string } | undefined;
    let error: TransportError | undefined;
    for (const host of cut.hosts.slice(0, MAX_HOSTS)) {
      for (const address of await this.addressesOf(host)) {
        const server: RawServer = { address, port: this.options.nsPorts?.[host] ?? this.options.nsPorts?.[address] ?? 53 };
        const label = `${host} (${serverToString(server)})`;
        let reply;
        try {
          reply = await rawQuery(server, qname, type, { dnssec: opts.dnssec, timeoutMs: this.options.timeoutMs, tries: this.options.tries, recursion: false });
        } catch (err) {
          if (!(err instanceof RawDnsError)) throw err;
          error = new TransportError(err.code, `${label}: ${err.message}`, label);
          continue;
        }
        if ((reply.rcode === 'NOERROR' || reply.rcode === 'NXDOMAIN') && reply.flags.aa) return { ...reply, server: label };
        const referral = reply.rcode === 'NOERROR' && reply.answers.length === 0 ? referralIn(reply.authorities, qname, cut.zone) : null;
        if (referral && referrals < MAX_REFERRALS) return this.askZone(referral, qname, type, opts, referrals + 1);
        lame = { server: label, why: `${label} answered ${reply.rcode}${reply.flags.aa ? '' : ' without authority'}` };
      }
    }
    if (lame) throw new TransportError('ESERVFAIL', `no name server of ${cut.zone} answered for ${qname} with authority: ${lame.why}`, lame.server);
    throw error ?? new TransportError('ESERVFAIL', `no address found for the name servers of ${cut.zone} (${cut.hosts.join(', ')})`);
  }

  /** The closest enclosing zone of `name`: the first name, walking up, that has NS records. */
  private async zoneCut(name: string): Promise<ZoneCut | null> {
    const labels = name.split('.').filter(Boolean);
    for (let i = Math.max(0, labels.length - MAX_WALK); i < labels.length; i++) {
      const cut = await this.nsAt(labels.slice(i).join('.'));
      if (cut) return cut;
    }
    return null;
  }

  private nsAt(zone: string): Promise<ZoneCut | null> {
    const cached = this.cuts.get(zone);
    if (cached) return cached;
    const found = this.options.discovery.query(zone, 'NS', { dnssec: false }).then((reply) => {
      if (reply.rcode === 'NXDOMAIN') return null;
      if (reply.rcode !== 'NOERROR') throw new TransportError('ESERVFAIL', `${reply.server} answered ${reply.rcode} for NS ${zone}`, reply.server);
      // An NS set owned by an alias is not a zone cut: the CNAME's target is.
      const hosts = reply.answers.filter((a) => a.type === 'NS' && bare(a.name) === zone).map((a) => bare(String(dataOf(a))));
      return hosts.length > 0 ? { zone, hosts } : null;
    });
    this.cuts.set(zone, found);
    return found;
  }

  /** A name server's addresses, A before AAAA, one of each. */
  private addressesOf(host: string): Promise<string[]> {
    const cached = this.addresses.get(host);
    if (cached) return cached;
    const ask = (type: 'A' | 'AAAA') =>
      this.options.discovery.query(host, type, { dnssec: false }).then(
        (reply) => reply.answers.filter((a) => a.type === type).map((a) => String(dataOf(a))).slice(0, 1),
        () => [] as string[],
      );
    const found = Promise.all([ask('A'), ask('AAAA')]).then(([v4, v6]) => [...v4, ...v6]);
    this.addresses.set(host, found);
    return found;
  }

  close(): void {
    this.options.discovery.close();
  }
}

/** NS records in an authority section that delegate a zone below `zone` and above or at `qname`. */
function referralIn(authorities: packet.Answer[], qname: string, zone: string): ZoneCut | null {
  const ns = authorities.filter((a) => a.type === 'NS');
  const owner = ns[0] ? bare(ns[0].name) : '';
  const below = owner !== zone && owner.endsWith(`.${zone}`) && (qname === owner || qname.endsWith(`.${owner}`));
  if (!below) return null;
  return { zone: owner, hosts: ns.filter((a) => bare(a.name) === owner).map((a) => bare(String(dataOf(a)))) };
}
