/**
 * A scripted Gmail IMAP peer on loopback: IMAP4rev1 plus Gmail's X-GM-EXT-1, as Google documents it.
 *
 * No Gmail is reachable from the test machines, yet the placement watcher must tell Gmail's tabs and
 * Spam apart through X-GM-RAW and X-GM-LABELS. This peer answers the way Gimap does (greeting,
 * capabilities, status texts, the XOAUTH2 failure exchange, labels-as-mailboxes) so the watcher is
 * tested against the dialect, not against a mock of imapflow. It is strict where a real server is
 * strict (unknown commands and unknown search keys are BAD) and advertises only what it implements.
 *
 * Gmail semantics modelled (developers.google.com/gmail/imap/imap-extensions):
 * - a message is one object with labels; mailboxes are views: INBOX = \Inbox, [Gmail]/All Mail =
 *   everything but Spam and Trash, [Gmail]/Spam and [Gmail]/Trash hold only their own, a user label
 *   is a mailbox of its own. Each view has its own UIDs.
 * - X-GM-LABELS never lists the label of the selected mailbox (Gimap leaves it out: fetch from
 *   [Gmail]/All Mail to see "\\Inbox"). Inbox categories are not labels: only X-GM-RAW category:
 *   finds them.
 * - EXPUNGE in INBOX or a label removes that label (the message stays in All Mail); in All Mail it
 *   moves the message to Trash; in Spam or Trash it deletes it for good.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createTestCa } from './test-ca';

export type GmailCategory = 'primary' | 'promotions' | 'social' | 'updates' | 'forums';

export interface GmailPeerUser {
  user: string;
  /** Accepted by LOGIN and AUTHENTICATE PLAIN. */
  password?: string;
  /** Accepted by AUTHENTICATE XOAUTH2. */
  accessToken?: string;
}

export interface GmailDeliverOptions {
  category?: GmailCategory;
  /** Filed straight into [Gmail]/Spam (not in INBOX, not in All Mail). */
  spam?: boolean;
  /** Extra labels: system ones ("\\Important", "\\Starred") or user labels (which become mailboxes). */
  labels?: string[];
  internalDate?: Date;
  /**
   * A filter's "Skip the Inbox (Archive it)" without a label: the copy is only in [Gmail]/All Mail.
   */
  archived?: boolean;
}

export interface GmailPeerOptions {
  users: GmailPeerUser[];
  /**
   * Gmail's search index lags delivery: for this long after a delivery, X-GM-RAW `category:` terms
   * match nothing for that copy (not even category:primary). Default 0.
   */
  indexDelayMs?: number;
  /** Implicit TLS (port 993 style) with a certificate from a throw-away test CA. */
  tls?: boolean;
}

export interface GmailDelivered {
  uid: number;
  /** Where the copy landed: INBOX, [Gmail]/Spam or (archived) [Gmail]/All Mail. */
  mailbox: string;
  /** X-GM-MSGID, a 64-bit decimal. */
  msgid: string;
  thrid: string;
}

export interface GmailPeer {
  host: '127.0.0.1';
  port: number;
  /** The test CA (PEM) when tls: pass as `tls.ca`, with `servername`. */
  ca?: string;
  /** The name on the TLS certificate. */
  servername?: string;
  deliver(user: string, raw: string | Buffer, opts?: GmailDeliverOptions): GmailDelivered;
  /** Client (C) and server (S) lines, one connection id each, secrets and big literals redacted. */
  transcript(): string[];
  /**
   * Resolves with the next transcript line that matches, e.g. / S: \+ idling/ once a client is in
   * IDLE: an event to wait on instead of a sleep. Call it before the action that causes the line.
   */
  nextLine(pattern: RegExp): Promise<string>;
  /** Bytes read from clients so far, over every connection. */
  received(): number;
  /** Resolves once the peer has read `total` bytes from clients (see received()), partial commands included. */
  whenReceived(total: number): Promise<void>;
  /** Destroys every open connection, as a network drop would. */
  dropAll(): void;
  /** While on, the peer reads but never answers (greetings included). Off resumes where it was. */
  hang(on: boolean): void;
  /** Number of connections currently open. */
  connections(): number;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Limits: every buffer is bounded, as a real server's are.

const MAX_LINE = 64 * 1024;
const MAX_LITERAL = 10 * 1024 * 1024;
const MAX_COMMAND = MAX_LITERAL + 1024 * 1024;
const MAX_TRANSCRIPT = 20_000;
const MAX_TRANSCRIPT_LINE = 400;

// ---------------------------------------------------------------------------------------------
// Capabilities, as Gimap advertises them, minus what this peer does not implement (QUOTA,
// COMPRESS=DEFLATE, CONDSTORE, ESEARCH, UTF8=ACCEPT, LITERAL+, AUTH=OAUTHBEARER ...).

const CAPS_PREAUTH = 'IMAP4rev1 UNSELECT IDLE NAMESPACE ID XLIST CHILDREN X-GM-EXT-1 XYZZY SASL-IR AUTH=XOAUTH2 AUTH=PLAIN';
const CAPS_AUTH = 'IMAP4rev1 UNSELECT IDLE NAMESPACE ID XLIST CHILDREN X-GM-EXT-1 UIDPLUS MOVE LIST-EXTENDED SPECIAL-USE';

const MAILBOX_FLAGS = '\\Answered \\Flagged \\Draft \\Deleted \\Seen $NotPhishing $Phishing';

/** The error challenge Google's xoauth2-protocol page documents for a refused token (base64 JSON). */
const XOAUTH2_ERROR = Buffer.from('{"status":"401","schemes":"bearer mac","scope":"https://mail.google.com/"}\n').toString('base64');

// ---------------------------------------------------------------------------------------------
// The mail store.

interface Msg {
  msgid: bigint;
  thrid: bigint;
  raw: Buffer;
  internalDate: Date;
  labels: Set<string>;
  category: GmailCategory;
  /** Epoch ms from which X-GM-RAW category: terms see the copy (the search index's lag). */
  indexedAt: number;
  /** \Seen \Answered \Flagged \Draft and keywords; \Deleted lives on the mailbox entry. */
  flags: Set<string>;
  spam: boolean;
  trash: boolean;
  gone: boolean;
  header: Header;
}

interface Entry {
  uid: number;
  msg: Msg;
  deleted: boolean;
}

type ExpungeAction = { kind: 'unlabel'; label: string } | { kind: 'trash' } | { kind: 'destroy' };

interface Box {
  name: string;
  /** LIST attributes besides \HasChildren / \HasNoChildren. */
  attrs: string[];
  selectable: boolean;
  uidValidity: number;
  uidNext: number;
  entries: Entry[];
  member(msg: Msg): boolean;
  /** The label Gimap leaves out of X-GM-LABELS while this mailbox is selected. */
  ownLabel?: string;
  expunge: ExpungeAction;
}

interface Account {
  user: string;
  password?: string;
  accessToken?: string;
  messages: Msg[];
  boxes: Map<string, Box>;
  sessions: Set<Session>;
}

interface Header {
  /** Lower-case name -> unfolded values, in order. */
  fields: Map<string, string[]>;
  /** Raw header lines (with their folding), for HEADER.FIELDS. */
  lines: { name: string; raw: Buffer }[];
  headerBytes: Buffer;
  bodyBytes: Buffer;
}

function splitMessage(raw: Buffer): Header {
  let end = raw.indexOf('\r\n\r\n');
  let sep = 4;
  if (end < 0) {
    end = raw.indexOf('\n\n');
    sep = 2;
  }
  const headerBytes = end < 0 ? raw : raw.subarray(0, end + sep);
  const bodyBytes = end < 0 ? Buffer.alloc(0) : raw.subarray(end + sep);
  const text = headerBytes.toString('latin1');
  const lines: { name: string; raw: Buffer }[] = [];
  const fields = new Map<string, string[]>();
  const physical = text.split(/(?<=\n)/);
  let current: string[] = [];
  const flush = () => {
    if (!current.length) return;
    const joined = current.join('');
    const colon = joined.indexOf(':');
    if (colon > 0) {
      const name = joined.slice(0, colon).trim();
      const value = joined.slice(colon + 1).replace(/\r?\n[ \t]/g, ' ').replace(/\r?\n$/, '').trim();
      lines.push({ name, raw: Buffer.from(joined, 'latin1') });
      const key = name.toLowerCase();
      fields.set(key, [...(fields.get(key) ?? []), Buffer.from(value, 'latin1').toString('utf8')]);
    }
    current = [];
  };
  for (const line of physical) {
    if (line === '\r\n' || line === '\n') break;
    if (/^[ \t]/.test(line) && current.length) current.push(line);
    else {
      flush();
      current.push(line);
    }
  }
  flush();
  return { fields, lines, headerBytes, bodyBytes };
}

const firstField = (h: Header, name: string): string | undefined => h.fields.get(name.toLowerCase())?.[0];

const SYSTEM_BOXES: { name: string; attrs: string[]; selectable: boolean; ownLabel?: string; member: (m: Msg) => boolean; expunge: ExpungeAction }[] = [
  { name: 'INBOX', attrs: [], selectable: true, ownLabel: '\\Inbox', member: (m) => m.labels.has('\\Inbox') && !m.spam && !m.trash, expunge: { kind: 'unlabel', label: '\\Inbox' } },
  { name: '[Gmail]', attrs: ['\\Noselect'], selectable: false, member: () => false, expunge: { kind: 'destroy' } },
  { name: '[Gmail]/All Mail', attrs: ['\\All'], selectable: true, member: (m) => !m.spam && !m.trash, expunge: { kind: 'trash' } },
  { name: '[Gmail]/Drafts', attrs: ['\\Drafts'], selectable: true, ownLabel: '\\Draft', member: (m) => m.labels.has('\\Draft') && !m.trash, expunge: { kind: 'unlabel', label: '\\Draft' } },
  { name: '[Gmail]/Important', attrs: ['\\Important'], selectable: true, ownLabel: '\\Important', member: (m) => m.labels.has('\\Important') && !m.spam && !m.trash, expunge: { kind: 'unlabel', label: '\\Important' } },
  { name: '[Gmail]/Sent Mail', attrs: ['\\Sent'], selectable: true, ownLabel: '\\Sent', member: (m) => m.labels.has('\\Sent') && !m.spam && !m.trash, expunge: { kind: 'unlabel', label: '\\Sent' } },
  { name: '[Gmail]/Spam', attrs: ['\\Junk'], selectable: true, ownLabel: '\\Spam', member: (m) => m.spam && !m.trash, expunge: { kind: 'destroy' } },
  { name: '[Gmail]/Starred', attrs: ['\\Flagged'], selectable: true, ownLabel: '\\Starred', member: (m) => m.labels.has('\\Starred') && !m.spam && !m.trash, expunge: { kind: 'unlabel', label: '\\Starred' } },
  { name: '[Gmail]/Trash', attrs: ['\\Trash'], selectable: true, ownLabel: '\\Trash', member: (m) => m.trash, expunge: { kind: 'destroy' } },
];

let uidValiditySeed = 1;

function newAccount(u: GmailPeerUser): Account {
  const boxes = new Map<string, Box>();
  for (const def of SYSTEM_BOXES) {
    boxes.set(def.name, { ...def, uidValidity: uidValiditySeed++, uidNext: 1, entries: [] });
  }
  return { user: u.user, password: u.password, accessToken: u.accessToken, messages: [], boxes, sessions: new Set() };
}

function labelBox(account: Account, label: string): Box {
  let box = findBox(account, label);
  if (!box) {
    box = {
      name: label,
      attrs: [],
      selectable: true,
      uidValidity: uidValiditySeed++,
      uidNext: 1,
      entries: [],
      ownLabel: label,
      member: (m) => m.labels.has(label) && !m.spam && !m.trash,
      expunge: { kind: 'unlabel', label },
    };
    account.boxes.set(label, box);
  }
  return box;
}

/** Mailbox names: INBOX is case-insensitive (RFC 3501 §5.1), the rest exact. */
function findBox(account: Account, name: string): Box | undefined {
  if (name.toUpperCase() === 'INBOX') return account.boxes.get('INBOX');
  return account.boxes.get(name);
}

/** Brings every mailbox view in line with the messages' labels, then tells the sessions. */
function reconcile(account: Account): void {
  account.messages = account.messages.filter((m) => !m.gone);
  const live = [...account.messages].sort((a, b) => (a.msgid < b.msgid ? -1 : a.msgid > b.msgid ? 1 : 0));
  for (const label of new Set(live.flatMap((m) => [...m.labels]))) {
    if (!label.startsWith('\\')) labelBox(account, label);
  }
  for (const box of account.boxes.values()) {
    if (!box.selectable) continue;
    box.entries = box.entries.filter((e) => !e.msg.gone && box.member(e.msg));
    const present = new Set(box.entries.map((e) => e.msg));
    for (const msg of live) {
      if (!present.has(msg) && box.member(msg)) box.entries.push({ uid: box.uidNext++, msg, deleted: false });
    }
  }
  for (const s of account.sessions) s.changed();
}

// ---------------------------------------------------------------------------------------------
// Wire syntax: tokens, strings, sequence sets.

type Token = { t: 'atom'; v: string } | { t: 'string'; v: string; raw: Buffer } | { t: 'list'; v: Token[] };

class ImapError extends Error {
  constructor(
    readonly status: 'NO' | 'BAD',
    text: string,
  ) {
    super(text);
  }
}

const bad = (text: string) => new ImapError('BAD', text);
const no = (text: string) => new ImapError('NO', text);

/** Tokenizes a command made of text segments and the literals that follow them (RFC 3501 §4). */
function tokenize(parts: (string | Buffer)[]): Token[] {
  const root: Token[] = [];
  const stack: Token[][] = [root];
  const top = () => stack[stack.length - 1] as Token[];
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] as string | Buffer;
    if (Buffer.isBuffer(part)) continue; // consumed by the marker before it
    let i = 0;
    const s = part;
    while (i < s.length) {
      const c = s[i] as string;
      if (c === ' ') {
        i++;
      } else if (c === '(') {
        const list: Token[] = [];
        top().push({ t: 'list', v: list });
        stack.push(list);
        i++;
      } else if (c === ')') {
        if (stack.length === 1) throw bad('Could not parse command');
        stack.pop();
        i++;
      } else if (c === '"') {
        let out = '';
        i++;
        for (;;) {
          if (i >= s.length) throw bad('Could not parse command');
          const ch = s[i] as string;
          if (ch === '\\') {
            out += s[i + 1] ?? '';
            i += 2;
          } else if (ch === '"') {
            i++;
            break;
          } else {
            out += ch;
            i++;
          }
        }
        top().push({ t: 'string', v: out, raw: Buffer.from(out, 'utf8') });
      } else if (c === '{') {
        const m = /^\{(\d+)\+?\}$/.exec(s.slice(i));
        const lit = parts[p + 1];
        if (!m || !Buffer.isBuffer(lit)) throw bad('Could not parse command');
        top().push({ t: 'string', v: lit.toString('utf8'), raw: lit });
        i = s.length;
      } else {
        let j = i;
        let depth = 0;
        while (j < s.length) {
          const ch = s[j] as string;
          if (ch === '[') depth++;
          else if (ch === ']') depth = Math.max(0, depth - 1);
          else if (depth === 0 && (ch === ' ' || ch === '(' || ch === ')' || ch === '"' || ch === '{')) break;
          j++;
        }
        top().push({ t: 'atom', v: s.slice(i, j) });
        i = j;
      }
    }
  }
  if (stack.length !== 1) throw bad('Could not parse command');
  return root;
}

function str(tok: Token | undefined): string {
  if (!tok) throw bad('Could not parse command');
  if (tok.t === 'list') throw bad('Could not parse command');
  return tok.v;
}

function atom(tok: Token | undefined): string {
  if (!tok || tok.t !== 'atom') throw bad('Could not parse command');
  return tok.v;
}

/** An IMAP string for output: quoted when it can be, a literal otherwise (RFC 3501 §4.3). */
function istr(value: string | undefined | null): string | Buffer[] {
  if (value === undefined || value === null) return 'NIL';
  if (/^[\x20-\x7e]*$/.test(value) && value.length < 1000) return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  const buf = Buffer.from(value, 'utf8');
  return [Buffer.from(`{${buf.length}}\r\n`), buf];
}

/** Flattens output pieces (strings, literal buffers) into one buffer. */
type Piece = string | Buffer | Piece[];
function join(pieces: Piece[]): Buffer {
  const out: Buffer[] = [];
  const walk = (p: Piece) => {
    if (Array.isArray(p)) p.forEach(walk);
    else out.push(typeof p === 'string' ? Buffer.from(p, 'utf8') : p);
  };
  pieces.forEach(walk);
  return Buffer.concat(out);
}

/** RFC 3501 §9 sequence-set; `*` is the largest number in use (0 when the mailbox is empty). */
function parseSet(text: string, max: number): (n: number) => boolean {
  const ranges: [number, number][] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+|\*)(?::(\d+|\*))?$/.exec(part);
    if (!m) throw bad('Could not parse command');
    const a = m[1] === '*' ? max : Number(m[1]);
    const b = m[2] === undefined ? a : m[2] === '*' ? max : Number(m[2]);
    if (a === 0 && m[1] !== '*') throw bad('Could not parse command');
    ranges.push([Math.min(a, b), Math.max(a, b)]);
  }
  return (n) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function imapDateTime(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `"${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000"`;
}

/** RFC 3501 date (d-Mon-yyyy) as a UTC day number. */
function parseSearchDate(text: string): number {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  const month = m ? MONTHS.findIndex((x) => x.toLowerCase() === (m[2] as string).toLowerCase()) : -1;
  if (!m || month < 0) throw bad('Could not parse command');
  return Date.UTC(Number(m[3]), month, Number(m[1])) / 86_400_000;
}

const dayOf = (d: Date) => Math.floor(d.getTime() / 86_400_000);

// ---------------------------------------------------------------------------------------------
// Addresses for ENVELOPE (RFC 3501 §7.4.2).

function splitAddresses(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = false;
  let angle = 0;
  for (const ch of value) {
    if (ch === '"' && angle === 0) quote = !quote;
    if (!quote && ch === '<') angle++;
    if (!quote && ch === '>') angle = Math.max(0, angle - 1);
    if (ch === ',' && !quote && angle === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

function addressList(value: string | undefined): Piece {
  if (!value) return 'NIL';
  const items: Piece[] = [];
  for (const entry of splitAddresses(value)) {
    const m = /^(.*?)<([^>]*)>\s*$/.exec(entry);
    const name = m ? (m[1] as string).trim().replace(/^"(.*)"$/, '$1') : '';
    const addr = m ? (m[2] as string).trim() : entry.replace(/\(.*\)/g, '').trim();
    const at = addr.lastIndexOf('@');
    const local = at >= 0 ? addr.slice(0, at) : addr;
    const domain = at >= 0 ? addr.slice(at + 1) : '';
    items.push(['(', istr(name || null), ' NIL ', istr(local), ' ', istr(domain || null), ')']);
  }
  return items.length ? ['(', ...items, ')'] : 'NIL';
}

function envelope(h: Header): Piece {
  const f = (n: string) => firstField(h, n);
  const from = f('from');
  return [
    '(',
    istr(f('date') ?? null), ' ',
    istr(f('subject') ?? null), ' ',
    addressList(from), ' ',
    addressList(f('sender') ?? from), ' ',
    addressList(f('reply-to') ?? from), ' ',
    addressList(f('to')), ' ',
    addressList(f('cc')), ' ',
    addressList(f('bcc')), ' ',
    istr(f('in-reply-to') ?? null), ' ',
    istr(f('message-id') ?? null),
    ')',
  ];
}

// ---------------------------------------------------------------------------------------------
// MIME, enough for BODYSTRUCTURE and numbered body parts.

interface MimePart {
  header: Header;
  raw: Buffer;
  children: MimePart[];
}

function contentType(h: Header): { type: string; subtype: string; params: Map<string, string> } {
  const value = firstField(h, 'content-type') ?? 'text/plain; charset=us-ascii';
  const [mime = 'text/plain', ...rest] = value.split(';');
  const [type = 'text', subtype = 'plain'] = mime.trim().toLowerCase().split('/');
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  return { type, subtype, params };
}

function parseMime(raw: Buffer, depth = 0): MimePart {
  const header = splitMessage(raw);
  const part: MimePart = { header, raw, children: [] };
  const ct = contentType(header);
  const boundary = ct.params.get('boundary');
  if (ct.type === 'multipart' && boundary && depth < 20) {
    const body = header.bodyBytes.toString('latin1');
    const delim = `--${boundary}`;
    const pieces = body.split(new RegExp(`(?:^|\\r?\\n)${delim.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    for (const piece of pieces.slice(1)) {
      if (piece.startsWith('--')) break;
      part.children.push(parseMime(Buffer.from(piece.replace(/^[ \t]*\r?\n/, ''), 'latin1'), depth + 1));
    }
  }
  return part;
}

function bodyStructure(part: MimePart): Piece {
  const ct = contentType(part.header);
  if (part.children.length) {
    return ['(', ...part.children.map(bodyStructure), ' ', istr(ct.subtype.toUpperCase()), ')'];
  }
  const params: Piece[] = [];
  for (const [k, v] of ct.params) params.push(params.length ? ' ' : '', istr(k.toUpperCase()), ' ', istr(v));
  const body = part.header.bodyBytes;
  const encoding = (firstField(part.header, 'content-transfer-encoding') ?? '7bit').toUpperCase();
  const base: Piece[] = [
    istr(ct.type.toUpperCase()), ' ', istr(ct.subtype.toUpperCase()), ' ',
    params.length ? ['(', ...params, ')'] : 'NIL', ' ',
    istr(firstField(part.header, 'content-id') ?? null), ' ',
    istr(firstField(part.header, 'content-description') ?? null), ' ',
    istr(encoding), ' ', String(body.length),
  ];
  if (ct.type === 'text') base.push(' ', String(body.toString('latin1').split('\n').length - 1));
  return ['(', ...base, ')'];
}

/** The part a section's numbers name (RFC 3501 §6.4.5); a non-multipart message is its own part 1. */
function findPart(root: MimePart, numbers: number[]): MimePart | undefined {
  let part: MimePart | undefined = root;
  for (const n of numbers) {
    if (!part) return undefined;
    if (!part.children.length) {
      part = n === 1 ? part : undefined;
      continue;
    }
    part = part.children[n - 1];
  }
  return part;
}

// ---------------------------------------------------------------------------------------------
// Gmail search (X-GM-RAW): the operators the placement watcher and its tests use.

type RawTerm = { neg: boolean; op: string; value: string } | { or: RawTerm[] };

function parseGmRaw(query: string): RawTerm[] {
  const words: string[] = [];
  const re = /\s*(-?[a-z0-9_]+:"[^"]*"|-?"[^"]*"|\S+)/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query)) !== null) words.push(m[1] as string);
  const terms: RawTerm[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === 'OR' && terms.length && words[i + 1] !== undefined) {
      const prev = terms.pop() as RawTerm;
      const next = rawTerm(words[++i] as string);
      terms.push({ or: [...('or' in prev ? prev.or : [prev]), next] });
      continue;
    }
    terms.push(rawTerm(w));
  }
  return terms;
}

function rawTerm(word: string): RawTerm {
  const neg = word.startsWith('-');
  const w = neg ? word.slice(1) : word;
  const m = /^([a-z0-9_]+):(.*)$/i.exec(w);
  const unq = (s: string) => s.replace(/^"(.*)"$/, '$1');
  if (m) return { neg, op: (m[1] as string).toLowerCase(), value: unq(m[2] as string) };
  return { neg, op: 'text', value: unq(w) };
}

/** Gmail label names in search: case-insensitive, spaces and slashes written as hyphens. */
const labelKey = (s: string) => s.replace(/^\\/, '').toLowerCase().replace(/[\s/]+/g, '-');

function rawMentions(terms: RawTerm[], what: (t: { op: string; value: string }) => boolean): boolean {
  return terms.some((t) => ('or' in t ? rawMentions(t.or, what) : what(t)));
}

function matchRawTerm(t: RawTerm, msg: Msg): boolean {
  if ('or' in t) return t.or.some((x) => matchRawTerm(x, msg));
  const v = t.value.toLowerCase();
  let hit: boolean;
  const header = (n: string) => (msg.header.fields.get(n) ?? []).join(' ').toLowerCase();
  switch (t.op) {
    case 'category':
      hit = msg.category === v && Date.now() >= msg.indexedAt;
      break;
    case 'in':
      hit =
        v === 'anywhere' ||
        (v === 'spam' && msg.spam) ||
        (v === 'trash' && msg.trash) ||
        (v === 'inbox' && msg.labels.has('\\Inbox') && !msg.spam && !msg.trash) ||
        [...msg.labels].some((l) => labelKey(l) === v);
      break;
    case 'label':
      hit = [...msg.labels].some((l) => labelKey(l) === labelKey(v)) || (v === 'spam' && msg.spam) || (v === 'trash' && msg.trash);
      break;
    case 'is':
      hit =
        (v === 'unread' && !msg.flags.has('\\Seen')) ||
        (v === 'read' && msg.flags.has('\\Seen')) ||
        (v === 'starred' && msg.labels.has('\\Starred')) ||
        (v === 'important' && msg.labels.has('\\Important'));
      break;
    case 'rfc822msgid': {
      const want = v.replace(/^<|>$/g, '');
      hit = (msg.header.fields.get('message-id') ?? []).some((id) => id.trim().replace(/^<|>$/g, '').toLowerCase() === want);
      break;
    }
    case 'subject':
    case 'from':
    case 'to':
    case 'cc':
    case 'bcc':
      hit = header(t.op).includes(v);
      break;
    default:
      // Gmail treats an operator it does not know as words to look for.
      hit = msg.raw.toString('utf8').toLowerCase().includes((t.op === 'text' ? v : `${t.op}:${v}`));
  }
  return t.neg ? !hit : hit;
}

function matchGmRaw(query: string, msg: Msg, selected: Box): boolean {
  const terms = parseGmRaw(query);
  // Gmail search leaves Spam and Trash out unless the query names them; inside [Gmail]/Spam or
  // [Gmail]/Trash the selected mailbox itself is the scope, so nothing is left out there.
  const scoped = selected.name === '[Gmail]/Spam' || selected.name === '[Gmail]/Trash';
  if (!scoped && (msg.spam || msg.trash)) {
    const named = rawMentions(terms, (t) => (t.op === 'in' || t.op === 'label') && ['spam', 'trash', 'anywhere'].includes(t.value.toLowerCase()));
    if (!named) return false;
  }
  return terms.every((t) => matchRawTerm(t, msg));
}

// ---------------------------------------------------------------------------------------------
// A connection.

interface PeerState {
  accounts: Map<string, Account>;
  hanging: boolean;
  log(line: string): void;
  read(bytes: number): void;
}

let connectionSeq = 0;

/** RFC 3501 §9: a tag is ASTRING-CHARs except "+": printable ASCII without specials. */
const TAG = /^[A-Za-z0-9!#$&',\-./:;<=>?@[\]^_`|}~]+$/;

class Session {
  readonly id = ++connectionSeq;
  private buf: Buffer = Buffer.alloc(0);
  private parts: (string | Buffer)[] = [];
  private partsBytes = 0;
  private literal: number | null = null;
  private state: 'notauth' | 'auth' | 'selected' | 'logout' = 'notauth';
  private account: Account | undefined;
  private box: Box | undefined;
  private view: Entry[] = [];
  private readOnly = false;
  private idleTag: string | null = null;
  private sasl: { tag: string; mech: 'PLAIN' | 'XOAUTH2'; failed: boolean } | null = null;
  private greeted = false;

  constructor(
    private readonly socket: Socket,
    private readonly peer: PeerState,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.account?.sessions.delete(this));
    this.resume();
  }

  /** Called when hang() is lifted, and once at start: greet, then work through what was read. */
  resume(): void {
    if (this.peer.hanging || this.socket.destroyed) return;
    if (!this.greeted) {
      this.greeted = true;
      this.out(`* OK Gimap ready for requests from ${this.socket.remoteAddress ?? '127.0.0.1'} ${randomBytes(6).toString('hex')}`);
    }
    this.pump();
    this.changed();
  }

  private out(line: string | Buffer): void {
    const buf = typeof line === 'string' ? Buffer.from(`${line}\r\n`) : Buffer.concat([line, Buffer.from('\r\n')]);
    this.peer.log(`#${this.id} S: ${redactLiterals(buf)}`);
    if (!this.socket.destroyed) this.socket.write(buf);
  }

  private onData(chunk: Buffer): void {
    this.peer.read(chunk.length);
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    if (this.buf.length > MAX_COMMAND) {
      this.out('* BYE Too much data without a command');
      this.socket.destroy();
      return;
    }
    if (!this.peer.hanging) this.pump();
  }

  private pump(): void {
    while (!this.peer.hanging && !this.socket.destroyed) {
      if (this.literal !== null) {
        if (this.buf.length < this.literal) return;
        const lit = this.buf.subarray(0, this.literal);
        this.buf = this.buf.subarray(this.literal);
        this.literal = null;
        this.parts.push(Buffer.from(lit));
        continue;
      }
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) {
        if (this.buf.length > MAX_LINE) {
          this.out('* BYE Line too long');
          this.socket.destroy();
        }
        return;
      }
      if (nl > MAX_LINE) {
        this.out('* BYE Line too long');
        this.socket.destroy();
        return;
      }
      const line = this.buf.subarray(0, nl).toString('utf8').replace(/\r$/, '');
      this.buf = this.buf.subarray(nl + 1);
      if (this.sasl) {
        this.peer.log(`#${this.id} C: <sasl response redacted>`);
        this.saslStep(line);
        continue;
      }
      if (this.idleTag !== null) {
        this.peer.log(`#${this.id} C: ${line}`);
        const tag = this.idleTag;
        this.idleTag = null;
        if (line.toUpperCase() === 'DONE') this.out(`${tag} OK IDLE terminated (Success)`);
        else this.out(`${tag} BAD Could not parse command`);
        continue;
      }
      const lit = /\{(\d+)(\+?)\}$/.exec(line);
      this.parts.push(line);
      this.partsBytes += line.length;
      if (lit) {
        const n = Number(lit[1]);
        const sync = lit[2] !== '+';
        if (n > MAX_LITERAL || this.partsBytes + n > MAX_COMMAND) {
          const tag = (this.parts[0] as string).split(' ')[0] ?? '*';
          this.logCommand();
          this.parts = [];
          this.partsBytes = 0;
          if (!sync) {
            this.out('* BYE Literal too large');
            this.socket.destroy();
            return;
          }
          this.out(`${tag} BAD Literal too large (${n} bytes; the limit is ${MAX_LITERAL})`);
          continue;
        }
        this.literal = n;
        this.partsBytes += n;
        if (sync) this.out('+ go ahead');
        continue;
      }
      const parts = this.parts;
      this.parts = [];
      this.partsBytes = 0;
      this.logCommand(parts);
      this.command(parts);
    }
  }

  private logCommand(parts: (string | Buffer)[] = this.parts): void {
    let text = parts.map((p) => (Buffer.isBuffer(p) ? `<${p.length} bytes>` : p)).join('\r\n');
    // Secrets never reach the transcript: LOGIN's password, AUTHENTICATE's initial response.
    text = text.replace(/^(\S+ LOGIN \S+) .*$/is, '$1 <password redacted>');
    text = text.replace(/^(\S+ AUTHENTICATE \S+) .+$/is, '$1 <initial response redacted>');
    this.peer.log(`#${this.id} C: ${text}`);
  }

  /** Pushes what changed in the selected mailbox: EXISTS always, EXPUNGE only where RFC 3501 §7.4.1 allows. */
  private sync(allowExpunge: boolean): void {
    if (!this.box) return;
    const live = new Set(this.box.entries);
    if (allowExpunge) {
      for (let i = this.view.length - 1; i >= 0; i--) {
        if (!live.has(this.view[i] as Entry)) {
          this.out(`* ${i + 1} EXPUNGE`);
          this.view.splice(i, 1);
        }
      }
    }
    const seen = new Set(this.view);
    let added = false;
    for (const e of this.box.entries) {
      if (!seen.has(e)) {
        this.view.push(e);
        added = true;
      }
    }
    if (added) this.out(`* ${this.view.length} EXISTS`);
  }

  /** The store changed: an idling client hears it at once (RFC 2177), others at their next command. */
  changed(): void {
    if (this.idleTag !== null && !this.peer.hanging) this.sync(true);
  }

  private command(parts: (string | Buffer)[]): void {
    // The tag is read before the rest, so a command that does not parse still gets a tagged BAD.
    const first = typeof parts[0] === 'string' ? parts[0] : '';
    let tag = /^([^ ]+)(?: |$)/.exec(first)?.[1] ?? '';
    if (!TAG.test(tag)) tag = '*';
    try {
      const tokens = tokenize(parts);
      const tagTok = tokens[0];
      if (!tagTok || tagTok.t !== 'atom' || tag === '*') {
        this.out('* BAD Invalid tag');
        return;
      }
      tag = tagTok.v;
      const name = tokens[1]?.t === 'atom' ? tokens[1].v.toUpperCase() : '';
      const args = tokens.slice(2);
      if (!name) throw bad('Missing command');
      if (name === 'UID') {
        const sub = atom(args[0]).toUpperCase();
        this.needState('selected');
        if (!['FETCH', 'SEARCH', 'STORE', 'COPY', 'MOVE', 'EXPUNGE'].includes(sub)) throw bad('Unknown command');
        this.run(tag, sub, args.slice(1), true);
        return;
      }
      this.run(tag, name, args, false);
    } catch (err) {
      if (err instanceof ImapError) this.out(`${tag} ${err.status} ${err.message}`);
      else {
        this.peer.log(`#${this.id} !: ${(err as Error).stack ?? String(err)}`);
        this.out(`${tag} BAD Internal error in the Gmail test peer: ${(err as Error).message}`);
      }
    }
  }

  private needState(...states: ('notauth' | 'auth' | 'selected')[]): void {
    if (this.state === 'logout') throw bad('Logged out');
    const ok = states.some((s) => s === this.state || (s === 'auth' && this.state === 'selected'));
    if (!ok) {
      if (this.state === 'notauth') throw bad('Command not valid before authentication (Failure)');
      throw bad('Command not valid in this state (Failure)');
    }
  }

  private run(tag: string, name: string, args: Token[], uid: boolean): void {
    switch (name) {
      case 'CAPABILITY':
        this.out(`* CAPABILITY ${this.state === 'notauth' ? CAPS_PREAUTH : CAPS_AUTH}`);
        this.out(`${tag} OK Thats all she wrote! (Success)`);
        return;
      case 'NOOP':
      case 'CHECK':
        if (name === 'CHECK') this.needState('selected');
        this.sync(true);
        this.out(`${tag} OK Success`);
        return;
      case 'XYZZY':
        this.out('* OK Nothing Happens.');
        this.out(`${tag} OK Success`);
        return;
      case 'ID':
        this.out('* ID ("name" "GImap" "vendor" "Google, Inc." "support-url" "https://support.google.com/mail" "remote-host" "127.0.0.1")');
        this.out(`${tag} OK Success`);
        return;
      case 'LOGOUT':
        this.out('* BYE LOGOUT Requested');
        this.out(`${tag} OK 73 good day (Success)`);
        this.state = 'logout';
        this.socket.end();
        return;
      case 'LOGIN': {
        this.needState('notauth');
        const user = str(args[0]);
        const pass = str(args[1]);
        const account = this.peer.accounts.get(user.toLowerCase());
        if (!account || account.password === undefined || account.password !== pass) {
          throw no('[AUTHENTICATIONFAILED] Invalid credentials (Failure)');
        }
        this.login(tag, account);
        return;
      }
      case 'AUTHENTICATE': {
        this.needState('notauth');
        const mech = atom(args[0]).toUpperCase();
        if (mech !== 'PLAIN' && mech !== 'XOAUTH2') throw no('[CANNOT] Unsupported authentication mechanism (Failure)');
        this.sasl = { tag, mech, failed: false };
        // RFC 4959 (SASL-IR): the initial response may ride on the command; "=" stands for empty.
        if (args[1]) this.saslStep(str(args[1]) === '=' ? '' : str(args[1]));
        else this.out('+ ');
        return;
      }
      case 'NAMESPACE':
        this.needState('auth');
        this.out('* NAMESPACE (("" "/")) NIL NIL');
        this.out(`${tag} OK Success`);
        return;
      case 'LIST':
      case 'XLIST':
      case 'LSUB':
        this.needState('auth');
        this.list(tag, name, args);
        return;
      case 'STATUS':
        this.needState('auth');
        this.status(tag, args);
        return;
      case 'SELECT':
      case 'EXAMINE':
        this.needState('auth');
        this.select(tag, str(args[0]), name === 'EXAMINE');
        return;
      case 'CREATE': {
        this.needState('auth');
        const nameArg = str(args[0]).replace(/\/$/, '');
        if (!nameArg || findBox(this.acct(), nameArg) || nameArg.startsWith('[Gmail]')) throw no('[ALREADYEXISTS] Duplicate folder name (Failure)');
        labelBox(this.acct(), nameArg);
        this.out(`${tag} OK Success`);
        return;
      }
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE':
        this.needState('auth');
        if (!findBox(this.acct(), str(args[0]))) throw no('[NONEXISTENT] Unknown Mailbox (Failure)');
        this.out(`${tag} OK Success`);
        return;
      case 'IDLE':
        this.needState('auth');
        this.idleTag = tag;
        this.out('+ idling');
        this.sync(true);
        return;
      case 'UNSELECT':
      case 'CLOSE':
        this.needState('selected');
        if (name === 'CLOSE' && !this.readOnly) this.expungeEntries(this.view.filter((e) => e.deleted));
        this.unselect();
        this.out(`${tag} OK Returned to authenticated state. (Success)`);
        return;
      case 'EXPUNGE': {
        this.needState('selected');
        this.writable();
        let targets = this.view.filter((e) => e.deleted);
        if (uid) {
          const inSet = parseSet(atom(args[0]), this.maxUid());
          targets = targets.filter((e) => inSet(e.uid));
        }
        this.expungeEntries(targets);
        this.sync(true);
        this.out(`${tag} OK Success`);
        return;
      }
      case 'SEARCH':
        this.needState('selected');
        this.search(tag, args, uid);
        return;
      case 'FETCH':
        this.needState('selected');
        this.fetch(tag, args, uid);
        return;
      case 'STORE':
        this.needState('selected');
        this.store(tag, args, uid);
        return;
      case 'COPY':
      case 'MOVE':
        this.needState('selected');
        this.copy(tag, args, uid, name === 'MOVE');
        return;
      case 'APPEND':
        this.needState('auth');
        this.append(tag, args);
        return;
      default:
        throw bad('Unknown command');
    }
  }

  private acct(): Account {
    if (!this.account) throw bad('Command not valid before authentication (Failure)');
    return this.account;
  }

  private selected(): Box {
    if (!this.box) throw bad('Command not valid in this state (Failure)');
    return this.box;
  }

  private writable(): void {
    if (this.readOnly) throw no('[READ-ONLY] The mailbox is read-only (EXAMINE) (Failure)');
  }

  private maxUid(): number {
    return this.view.reduce((m, e) => Math.max(m, e.uid), 0);
  }

  private login(tag: string, account: Account): void {
    this.account = account;
    account.sessions.add(this);
    this.state = 'auth';
    this.out(`* CAPABILITY ${CAPS_AUTH}`);
    this.out(`${tag} OK ${account.user} authenticated (Success)`);
  }

  private saslStep(line: string): void {
    const sasl = this.sasl;
    if (!sasl) return;
    if (sasl.failed) {
      // Google's XOAUTH2 failure: the client answers the error challenge (with an empty line), then
      // the command fails.
      this.sasl = null;
      this.out(`${sasl.tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)`);
      return;
    }
    if (line === '*') {
      this.sasl = null;
      this.out(`${sasl.tag} BAD Authentication aborted (Failure)`);
      return;
    }
    if (!/^[A-Za-z0-9+/]*=*$/.test(line)) {
      this.sasl = null;
      this.out(`${sasl.tag} BAD Invalid SASL argument (Failure)`);
      return;
    }
    const decoded = Buffer.from(line, 'base64').toString('utf8');
    if (sasl.mech === 'PLAIN') {
      // RFC 4616: [authzid] NUL authcid NUL passwd
      const [authzid = '', user = '', pass = ''] = decoded.split('\0');
      const account = this.peer.accounts.get(user.toLowerCase());
      this.sasl = null;
      if (!account || account.password === undefined || account.password !== pass || (authzid && authzid.toLowerCase() !== user.toLowerCase())) {
        this.out(`${sasl.tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)`);
        return;
      }
      this.login(sasl.tag, account);
      return;
    }
    // XOAUTH2: "user=" {User} ^A "auth=Bearer " {Access Token} ^A ^A
    const fields = new Map<string, string>();
    for (const kv of decoded.split('\x01')) {
      const eq = kv.indexOf('=');
      if (eq > 0) fields.set(kv.slice(0, eq), kv.slice(eq + 1));
    }
    const user = fields.get('user') ?? '';
    const token = /^Bearer (.+)$/.exec(fields.get('auth') ?? '')?.[1];
    const account = this.peer.accounts.get(user.toLowerCase());
    if (!account || account.accessToken === undefined || token !== account.accessToken) {
      sasl.failed = true;
      this.out(`+ ${XOAUTH2_ERROR}`);
      return;
    }
    this.sasl = null;
    this.login(sasl.tag, account);
  }

  private unselect(): void {
    this.box = undefined;
    this.view = [];
    this.state = 'auth';
  }

  // --- LIST / XLIST / LSUB (RFC 3501 §6.3.8, RFC 5258, RFC 6154) --------------------------------

  private list(tag: string, name: string, args: Token[]): void {
    let i = 0;
    let selectSpecialUse = false;
    let selectSubscribed = false;
    if (name === 'LIST' && args[0]?.t === 'list') {
      for (const opt of args[0].v) {
        const o = atom(opt).toUpperCase();
        if (o === 'SPECIAL-USE') selectSpecialUse = true;
        else if (o === 'SUBSCRIBED') selectSubscribed = true;
        else if (o !== 'REMOTE' && o !== 'RECURSIVEMATCH') throw bad('Could not parse command');
      }
      i = 1;
    }
    const reference = str(args[i]);
    const patTok = args[i + 1];
    if (!patTok) throw bad('Could not parse command');
    const patterns = patTok.t === 'list' ? patTok.v.map(str) : [str(patTok)];
    let returnSubscribed = selectSubscribed;
    const returnKw = args[i + 2];
    const returnOpts = args[i + 3];
    if (returnKw) {
      if (name !== 'LIST' || atom(returnKw).toUpperCase() !== 'RETURN' || returnOpts?.t !== 'list' || args[i + 4]) throw bad('Could not parse command');
      for (const opt of returnOpts.v) {
        const o = atom(opt).toUpperCase();
        if (o === 'SUBSCRIBED') returnSubscribed = true;
        else if (o !== 'CHILDREN' && o !== 'SPECIAL-USE') throw bad('Could not parse command');
      }
    }
    const account = this.acct();
    if (patterns.length === 1 && patterns[0] === '') {
      // RFC 3501 §6.3.8: an empty pattern asks for the delimiter and the root.
      this.out(`* ${name} (\\Noselect) "/" ""`);
      this.out(`${tag} OK Success`);
      return;
    }
    const names = [...account.boxes.keys()];
    const regexes = patterns.map((p) => patternRegex(reference + p));
    for (const boxName of names) {
      const box = account.boxes.get(boxName) as Box;
      if (!regexes.some((re) => re.test(boxName === 'INBOX' ? 'INBOX' : boxName))) continue;
      if (selectSpecialUse && !box.attrs.some((a) => a !== '\\Noselect')) continue;
      const children = names.some((n) => n.startsWith(`${boxName}/`));
      const attrs = [...box.attrs, children ? '\\HasChildren' : '\\HasNoChildren'];
      if (name === 'XLIST' && boxName === 'INBOX') attrs.push('\\Inbox');
      if (returnSubscribed && box.selectable) attrs.push('\\Subscribed');
      if (name === 'LSUB' && !box.selectable) continue;
      this.out(join([`* ${name} (${attrs.join(' ')}) "/" `, istr(boxName)]));
    }
    this.out(`${tag} OK Success`);
  }

  private status(tag: string, args: Token[]): void {
    const boxName = str(args[0]);
    const items = args[1];
    if (!items || items.t !== 'list') throw bad('Could not parse command');
    const box = findBox(this.acct(), boxName);
    if (!box || !box.selectable) throw no(`[NONEXISTENT] Unknown Mailbox: ${boxName} (Failure)`);
    const out: string[] = [];
    for (const it of items.v) {
      const k = atom(it).toUpperCase();
      if (k === 'MESSAGES') out.push(`MESSAGES ${box.entries.length}`);
      else if (k === 'RECENT') out.push('RECENT 0');
      else if (k === 'UIDNEXT') out.push(`UIDNEXT ${box.uidNext}`);
      else if (k === 'UIDVALIDITY') out.push(`UIDVALIDITY ${box.uidValidity}`);
      else if (k === 'UNSEEN') out.push(`UNSEEN ${box.entries.filter((e) => !e.msg.flags.has('\\Seen')).length}`);
      else throw bad('Could not parse command');
    }
    this.out(join(['* STATUS ', istr(box.name), ` (${out.join(' ')})`]));
    this.out(`${tag} OK Success`);
  }

  private select(tag: string, boxName: string, readOnly: boolean): void {
    const box = findBox(this.acct(), boxName);
    if (this.box) this.unselect();
    if (!box || !box.selectable) throw no(`[NONEXISTENT] Unknown Mailbox: ${boxName} (now in authenticated state) (Failure)`);
    this.box = box;
    this.view = [...box.entries];
    this.readOnly = readOnly;
    this.state = 'selected';
    this.out(`* FLAGS (${MAILBOX_FLAGS})`);
    this.out(`* OK [PERMANENTFLAGS (${readOnly ? '' : `${MAILBOX_FLAGS} \\*`})] Flags permitted.`);
    this.out(`* OK [UIDVALIDITY ${box.uidValidity}] UIDs valid.`);
    this.out(`* ${this.view.length} EXISTS`);
    this.out('* 0 RECENT');
    this.out(`* OK [UIDNEXT ${box.uidNext}] Predicted next UID.`);
    this.out(`${tag} OK [${readOnly ? 'READ-ONLY' : 'READ-WRITE'}] ${box.name} selected. (Success)`);
  }

  // --- SEARCH (RFC 3501 §6.4.4 + X-GM-RAW / X-GM-MSGID / X-GM-THRID / X-GM-LABELS) --------------

  private search(tag: string, args: Token[], uid: boolean): void {
    let rest = args;
    if (rest[0]?.t === 'atom' && rest[0].v.toUpperCase() === 'CHARSET') {
      const cs = str(rest[1]).toUpperCase();
      if (cs !== 'UTF-8' && cs !== 'US-ASCII') throw no('[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset (Failure)');
      rest = rest.slice(2);
    }
    if (!rest.length) throw bad('Could not parse command');
    const box = this.selected();
    const view = this.view;
    const maxSeq = view.length;
    const maxUid = this.maxUid();
    const keys = [...rest];
    const next = (): Token => {
      const t = keys.shift();
      if (!t) throw bad('Could not parse command');
      return t;
    };
    type Pred = (e: Entry, seq: number) => boolean;
    const parseKey = (): Pred => {
      const t = next();
      if (t.t === 'list') {
        const saved = keys.splice(0, keys.length, ...t.v);
        const preds: Pred[] = [];
        while (keys.length) preds.push(parseKey());
        keys.splice(0, keys.length, ...saved);
        if (!preds.length) throw bad('Could not parse command');
        return (e, s) => preds.every((p) => p(e, s));
      }
      const k = str(t);
      if (t.t === 'atom' && /^[\d*:,]+$/.test(k)) {
        const inSet = parseSet(k, maxSeq);
        return (_e, s) => inSet(s);
      }
      const K = k.toUpperCase();
      const hdr = (name: string, e: Entry) => (e.msg.header.fields.get(name) ?? []).join('\n').toLowerCase();
      const flag = (f: string, want: boolean): Pred => (e) => (f === '\\Deleted' ? e.deleted : e.msg.flags.has(f)) === want;
      switch (K) {
        case 'ALL':
          return () => true;
        case 'ANSWERED': return flag('\\Answered', true);
        case 'UNANSWERED': return flag('\\Answered', false);
        case 'DELETED': return flag('\\Deleted', true);
        case 'UNDELETED': return flag('\\Deleted', false);
        case 'DRAFT': return flag('\\Draft', true);
        case 'UNDRAFT': return flag('\\Draft', false);
        case 'FLAGGED': return flag('\\Flagged', true);
        case 'UNFLAGGED': return flag('\\Flagged', false);
        case 'SEEN': return flag('\\Seen', true);
        case 'UNSEEN': return flag('\\Seen', false);
        case 'RECENT':
        case 'NEW':
          return () => false;
        case 'OLD':
          return () => true;
        case 'KEYWORD': {
          const kw = str(next());
          return (e) => e.msg.flags.has(kw);
        }
        case 'UNKEYWORD': {
          const kw = str(next());
          return (e) => !e.msg.flags.has(kw);
        }
        case 'BCC':
        case 'CC':
        case 'FROM':
        case 'SUBJECT':
        case 'TO': {
          const v = str(next()).toLowerCase();
          const name = K.toLowerCase();
          return (e) => hdr(name, e).includes(v);
        }
        case 'HEADER': {
          // RFC 3501 §6.4.4: a case-insensitive substring of the field; an empty string matches
          // every message that has the field.
          const name = str(next()).toLowerCase();
          const v = str(next()).toLowerCase();
          return (e) => e.msg.header.fields.has(name) && hdr(name, e).includes(v);
        }
        case 'BODY': {
          const v = str(next()).toLowerCase();
          return (e) => e.msg.header.bodyBytes.toString('utf8').toLowerCase().includes(v);
        }
        case 'TEXT': {
          const v = str(next()).toLowerCase();
          return (e) => e.msg.raw.toString('utf8').toLowerCase().includes(v);
        }
        case 'LARGER': {
          const n = Number(atom(next()));
          return (e) => e.msg.raw.length > n;
        }
        case 'SMALLER': {
          const n = Number(atom(next()));
          return (e) => e.msg.raw.length < n;
        }
        case 'BEFORE':
        case 'ON':
        case 'SINCE':
        case 'SENTBEFORE':
        case 'SENTON':
        case 'SENTSINCE': {
          const day = parseSearchDate(str(next()));
          const sent = K.startsWith('SENT');
          const cmp = K.endsWith('BEFORE') ? (d: number) => d < day : K.endsWith('ON') ? (d: number) => d === day : (d: number) => d >= day;
          return (e) => {
            const date = sent ? new Date(firstField(e.msg.header, 'date') ?? e.msg.internalDate.toUTCString()) : e.msg.internalDate;
            return !Number.isNaN(date.getTime()) && cmp(dayOf(date));
          };
        }
        case 'UID': {
          const inSet = parseSet(atom(next()), maxUid);
          return (e) => inSet(e.uid);
        }
        case 'NOT': {
          const p = parseKey();
          return (e, s) => !p(e, s);
        }
        case 'OR': {
          const a = parseKey();
          const b = parseKey();
          return (e, s) => a(e, s) || b(e, s);
        }
        case 'X-GM-RAW': {
          const q = str(next());
          return (e) => matchGmRaw(q, e.msg, box);
        }
        case 'X-GM-MSGID': {
          const v = atom(next());
          return (e) => e.msg.msgid.toString() === v;
        }
        case 'X-GM-THRID': {
          const v = atom(next());
          return (e) => e.msg.thrid.toString() === v;
        }
        case 'X-GM-LABELS': {
          const v = str(next());
          return (e) => [...e.msg.labels].some((l) => l.toLowerCase() === v.toLowerCase());
        }
        default:
          throw bad('Could not parse command');
      }
    };
    const preds: Pred[] = [];
    while (keys.length) preds.push(parseKey());
    const hits: number[] = [];
    view.forEach((e, i) => {
      if (preds.every((p) => p(e, i + 1))) hits.push(uid ? e.uid : i + 1);
    });
    this.sync(uid);
    this.out(`* SEARCH${hits.map((n) => ` ${n}`).join('')}`);
    this.out(`${tag} OK SEARCH completed (Success)`);
  }

  // --- FETCH (RFC 3501 §6.4.5 + X-GM-MSGID / X-GM-THRID / X-GM-LABELS) -------------------------

  private targets(setText: string, uid: boolean): { e: Entry; seq: number }[] {
    const inSet = parseSet(setText, uid ? this.maxUid() : this.view.length);
    const out: { e: Entry; seq: number }[] = [];
    this.view.forEach((e, i) => {
      if (inSet(uid ? e.uid : i + 1)) out.push({ e, seq: i + 1 });
    });
    return out;
  }

  private labelsOf(msg: Msg): Piece {
    const own = this.box?.ownLabel;
    const labels = [...msg.labels].filter((l) => l !== own);
    return ['(', ...labels.flatMap((l, i) => [i ? ' ' : '', istr(l)]), ')'];
  }

  private flagsOf(e: Entry): string {
    return [...e.msg.flags, ...(e.deleted ? ['\\Deleted'] : [])].join(' ');
  }

  private fetch(tag: string, args: Token[], uid: boolean): void {
    const set = atom(args[0]);
    const spec = args[1];
    if (!spec || args[2]) throw bad('Could not parse command');
    let items: string[] = spec.t === 'list' ? spec.v.map(atom) : [atom(spec)];
    const macro = items.length === 1 ? (items[0] as string).toUpperCase() : '';
    if (macro === 'ALL') items = ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'];
    else if (macro === 'FAST') items = ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'];
    else if (macro === 'FULL') items = ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'];
    if (uid && !items.some((x) => x.toUpperCase() === 'UID')) items.unshift('UID');
    // Validate every item before answering anything: a bad item is a BAD for the whole command.
    const plan = items.map(parseFetchItem);
    const rows = this.targets(set, uid);
    for (const { e, seq } of rows) {
      const parts: Piece[] = [];
      let setSeen = false;
      for (const item of plan) {
        if (parts.length) parts.push(' ');
        switch (item.kind) {
          case 'UID': parts.push(`UID ${e.uid}`); break;
          case 'FLAGS': parts.push(`FLAGS (${this.flagsOf(e)})`); break;
          case 'INTERNALDATE': parts.push(`INTERNALDATE ${imapDateTime(e.msg.internalDate)}`); break;
          case 'RFC822.SIZE': parts.push(`RFC822.SIZE ${e.msg.raw.length}`); break;
          case 'ENVELOPE': parts.push('ENVELOPE ', envelope(e.msg.header)); break;
          case 'BODYSTRUCTURE':
          case 'BODY': parts.push(`${item.kind} `, bodyStructure(parseMime(e.msg.raw))); break;
          case 'X-GM-MSGID': parts.push(`X-GM-MSGID ${e.msg.msgid}`); break;
          case 'X-GM-THRID': parts.push(`X-GM-THRID ${e.msg.thrid}`); break;
          case 'X-GM-LABELS': parts.push('X-GM-LABELS ', this.labelsOf(e.msg)); break;
          case 'section': {
            const data = sectionBytes(e.msg, item.section);
            let slice = data;
            let origin = '';
            if (item.partial) {
              slice = data.subarray(item.partial[0], item.partial[0] + item.partial[1]);
              origin = `<${item.partial[0]}>`;
            }
            parts.push(`${item.label}${origin} {${slice.length}}\r\n`, slice);
            if (!item.peek) setSeen = true;
            break;
          }
        }
      }
      if (setSeen && !this.readOnly && !e.msg.flags.has('\\Seen')) {
        e.msg.flags.add('\\Seen');
        if (!plan.some((p) => p.kind === 'FLAGS')) parts.push(` FLAGS (${this.flagsOf(e)})`);
      }
      this.out(join([`* ${seq} FETCH (`, ...parts, ')']));
    }
    this.sync(uid);
    this.out(`${tag} OK Success`);
  }

  // --- STORE (flags and X-GM-LABELS) -------------------------------------------------------------

  private store(tag: string, args: Token[], uid: boolean): void {
    this.writable();
    const set = atom(args[0]);
    const what = atom(args[1]).toUpperCase();
    const m = /^([+-]?)(FLAGS|X-GM-LABELS)(\.SILENT)?$/.exec(what);
    if (!m || !args[2]) throw bad('Could not parse command');
    const values = args[2].t === 'list' ? args[2].v.map(str) : args.slice(2).map(str);
    const op = m[1] as '' | '+' | '-';
    const labels = m[2] === 'X-GM-LABELS';
    const silent = !!m[3];
    const rows = this.targets(set, uid);
    const account = this.acct();
    for (const { e } of rows) {
      if (labels) applyLabels(e.msg, op, values, this.box?.ownLabel);
      else {
        const wantDeleted = values.some((v) => v.toLowerCase() === '\\deleted');
        const others = values.filter((v) => v.toLowerCase() !== '\\deleted' && v.toLowerCase() !== '\\recent').map(canonicalFlag);
        if (op === '') {
          e.msg.flags = new Set(others);
          e.deleted = wantDeleted;
        } else if (op === '+') {
          others.forEach((f) => e.msg.flags.add(f));
          if (wantDeleted) e.deleted = true;
        } else {
          others.forEach((f) => e.msg.flags.delete(f));
          if (wantDeleted) e.deleted = false;
        }
      }
    }
    if (!silent) {
      for (const { e, seq } of rows) {
        const body: Piece[] = labels ? ['X-GM-LABELS ', this.labelsOf(e.msg)] : [`FLAGS (${this.flagsOf(e)})`];
        this.out(join([`* ${seq} FETCH (`, ...body, uid ? ` UID ${e.uid}` : '', ')']));
      }
    }
    if (labels) reconcile(account);
    this.sync(uid);
    this.out(`${tag} OK Success`);
  }

  // --- EXPUNGE, COPY, MOVE, APPEND ---------------------------------------------------------------

  /** What removing these entries from the selected mailbox means in Gmail (see the file comment). */
  private expungeEntries(entries: Entry[]): void {
    const box = this.selected();
    if (!entries.length) return;
    for (const e of entries) {
      const action = box.expunge;
      if (action.kind === 'unlabel') e.msg.labels.delete(action.label);
      else if (action.kind === 'trash') e.msg.trash = true;
      else e.msg.gone = true;
    }
    reconcile(this.acct());
  }

  private copy(tag: string, args: Token[], uid: boolean, move: boolean): void {
    if (move) this.writable();
    const rows = this.targets(atom(args[0]), uid);
    const destName = str(args[1]);
    const account = this.acct();
    const dest = findBox(account, destName);
    if (!dest || !dest.selectable) throw no(`[TRYCREATE] Unknown Mailbox: ${destName} (Failure)`);
    const source = this.selected();
    const before = new Map(dest.entries.map((e) => [e.msg, e.uid]));
    for (const { e } of rows) addToBox(e.msg, dest);
    // MOVE out of a label removes that label; out of All Mail, Spam or Trash the destination
    // already decided where the message lives.
    if (move && dest !== source && source.expunge.kind === 'unlabel') {
      for (const { e } of rows) e.msg.labels.delete(source.expunge.label);
    }
    reconcile(account);
    const pairs = rows
      .map(({ e }) => [e.uid, dest.entries.find((d) => d.msg === e.msg)?.uid ?? before.get(e.msg)] as const)
      .filter((p): p is readonly [number, number] => p[1] !== undefined);
    const code = pairs.length ? `[COPYUID ${dest.uidValidity} ${pairs.map((p) => p[0]).join(',')} ${pairs.map((p) => p[1]).join(',')}] ` : '';
    if (move) {
      if (code) this.out(`* OK ${code}(Success)`);
      this.sync(true);
      this.out(`${tag} OK Success`);
    } else {
      this.sync(uid);
      this.out(`${tag} OK ${code}(Success)`);
    }
  }

  private append(tag: string, args: Token[]): void {
    const account = this.acct();
    const destName = str(args[0]);
    const dest = findBox(account, destName);
    if (!dest || !dest.selectable) throw no(`[TRYCREATE] Unknown Mailbox: ${destName} (Failure)`);
    let i = 1;
    let flags: string[] = [];
    let date: Date | undefined;
    if (args[i]?.t === 'list') flags = (args[i++] as { v: Token[] }).v.map(str);
    if (args[i]?.t === 'string' && args[i + 1]) {
      date = new Date(str(args[i++]).replace(/^(\d+)-(\w+)-(\d+) /, '$2 $1 $3 '));
      if (Number.isNaN(date.getTime())) throw bad('Could not parse command');
    }
    const body = args[i];
    if (!body || body.t !== 'string' || args[i + 1]) throw bad('Could not parse command');
    const msg = createMessage(account, body.raw, { internalDate: date });
    msg.labels.clear();
    addToBox(msg, dest);
    flags.filter((f) => f.toLowerCase() !== '\\deleted' && f.toLowerCase() !== '\\recent').forEach((f) => msg.flags.add(canonicalFlag(f)));
    account.messages.push(msg);
    reconcile(account);
    const entry = dest.entries.find((e) => e.msg === msg);
    this.sync(false);
    this.out(`${tag} OK ${entry ? `[APPENDUID ${dest.uidValidity} ${entry.uid}] ` : ''}(Success)`);
  }
}

/** A transcript-friendly rendering of what the server wrote: literal payloads become their size. */
function redactLiterals(buf: Buffer): string {
  const text = buf.toString('utf8').replace(/\r\n$/, '');
  const out = text.replace(/\{(\d+)\}\r\n/g, (_m, n: string) => `{${n}}<literal>`);
  // A literal's bytes follow its marker; past the first one the line stops being readable anyway.
  const cut = out.indexOf('<literal>');
  const shown = cut >= 0 ? `${out.slice(0, cut)}<${out.slice(out.lastIndexOf('{', cut) + 1, cut - 1)} bytes>...` : out;
  return shown.length > MAX_TRANSCRIPT_LINE ? `${shown.slice(0, MAX_TRANSCRIPT_LINE)}...` : shown;
}

function canonicalFlag(f: string): string {
  const system = ['\\Seen', '\\Answered', '\\Flagged', '\\Draft', '\\Deleted'];
  return system.find((s) => s.toLowerCase() === f.toLowerCase()) ?? f;
}

const SYSTEM_LABELS = ['\\Inbox', '\\Important', '\\Starred', '\\Sent', '\\Draft', '\\Spam', '\\Trash'];

function canonicalLabel(l: string): string {
  return SYSTEM_LABELS.find((s) => s.toLowerCase() === l.toLowerCase()) ?? l;
}

/** Gmail: \Spam and \Trash are places, not labels; the rest are labels on the one message. */
function applyLabels(msg: Msg, op: '' | '+' | '-', values: string[], ownLabel: string | undefined): void {
  const vals = values.map(canonicalLabel);
  if (op === '') {
    const keep = ownLabel && msg.labels.has(ownLabel) ? [ownLabel] : [];
    msg.labels = new Set([...keep, ...vals.filter((v) => v !== '\\Spam' && v !== '\\Trash')]);
  }
  for (const v of vals) {
    const add = op !== '-';
    if (v === '\\Spam') msg.spam = add;
    else if (v === '\\Trash') msg.trash = add;
    else if (op === '+') msg.labels.add(v);
    else if (op === '-') msg.labels.delete(v);
  }
}

/** COPY into a Gmail mailbox adds its label (or moves to Spam / Trash). */
function addToBox(msg: Msg, box: Box): void {
  if (box.name === '[Gmail]/Spam') msg.spam = true;
  else if (box.name === '[Gmail]/Trash') msg.trash = true;
  else if (box.name === '[Gmail]/All Mail') {
    msg.spam = false;
    msg.trash = false;
  } else if (box.ownLabel) {
    msg.labels.add(box.ownLabel);
    msg.spam = false;
    msg.trash = false;
  }
}

type FetchItem =
  | { kind: 'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' | 'X-GM-MSGID' | 'X-GM-THRID' | 'X-GM-LABELS' }
  | { kind: 'section'; label: string; section: Section; peek: boolean; partial?: [number, number] };

type Section = { part: number[]; what: '' | 'HEADER' | 'TEXT' | 'MIME' | 'FIELDS' | 'FIELDS.NOT'; fields: string[] };

function parseFetchItem(raw: string): FetchItem {
  const up = raw.toUpperCase();
  const simple = ['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'X-GM-MSGID', 'X-GM-THRID', 'X-GM-LABELS'] as const;
  const s = simple.find((x) => x === up);
  if (s) return { kind: s };
  if (up === 'RFC822') return { kind: 'section', label: 'RFC822', section: { part: [], what: '', fields: [] }, peek: false };
  if (up === 'RFC822.HEADER') return { kind: 'section', label: 'RFC822.HEADER', section: { part: [], what: 'HEADER', fields: [] }, peek: true };
  if (up === 'RFC822.TEXT') return { kind: 'section', label: 'RFC822.TEXT', section: { part: [], what: 'TEXT', fields: [] }, peek: false };
  const m = /^(BODY|BINARY)(\.PEEK)?\[([^\]]*)\](?:<(\d+)\.(\d+)>)?$/i.exec(raw);
  if (!m || (m[1] as string).toUpperCase() === 'BINARY') throw bad('Could not parse command');
  const inner = (m[3] as string).trim();
  const sm = /^((?:\d+\.)*\d+)?\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?\s*(?:\(([^)]*)\))?$/i.exec(inner);
  if (!sm) throw bad('Could not parse command');
  const part = sm[1] ? sm[1].split('.').map(Number) : [];
  const kw = (sm[2] ?? '').toUpperCase();
  const what = kw === 'HEADER.FIELDS' ? 'FIELDS' : kw === 'HEADER.FIELDS.NOT' ? 'FIELDS.NOT' : (kw as Section['what']);
  const fields = (sm[3] ?? '').split(/\s+/).filter(Boolean).map((f) => f.replace(/^"(.*)"$/, '$1'));
  if ((what === 'FIELDS' || what === 'FIELDS.NOT') !== fields.length > 0) throw bad('Could not parse command');
  if (what === 'MIME' && !part.length) throw bad('Could not parse command');
  // The response names the section as asked, without .PEEK and without the partial's length.
  const label = `BODY[${inner}]`;
  const partial: [number, number] | undefined = m[4] !== undefined ? [Number(m[4]), Number(m[5])] : undefined;
  return { kind: 'section', label, section: { part, what, fields }, peek: !!m[2], ...(partial ? { partial } : {}) };
}

function sectionBytes(msg: Msg, section: Section): Buffer {
  let entity: Header = msg.header;
  let raw = msg.raw;
  if (section.part.length) {
    const part = findPart(parseMime(msg.raw), section.part);
    if (!part) return Buffer.alloc(0);
    if (section.what === 'MIME') return part.header.headerBytes;
    // A non-multipart message's part 1 is its body, without the message header (RFC 3501 §6.4.5).
    const isRoot = part.raw === msg.raw;
    if (!section.what || isRoot) return section.what === '' || isRoot ? part.header.bodyBytes : part.raw;
    entity = part.header;
    raw = part.raw;
  }
  switch (section.what) {
    case '':
      return raw;
    case 'HEADER':
      return entity.headerBytes;
    case 'TEXT':
      return entity.bodyBytes;
    case 'FIELDS':
    case 'FIELDS.NOT': {
      const names = new Set(section.fields.map((f) => f.toLowerCase()));
      const keep = entity.lines.filter((l) => names.has(l.name.toLowerCase()) === (section.what === 'FIELDS'));
      return Buffer.concat([...keep.map((l) => (l.raw.toString('latin1').endsWith('\n') ? l.raw : Buffer.concat([l.raw, Buffer.from('\r\n')]))), Buffer.from('\r\n')]);
    }
    default:
      return Buffer.alloc(0);
  }
}

/** LIST pattern (RFC 3501 §6.3.8): `*` matches anything, `%` anything but the delimiter. */
function patternRegex(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '%') re += '[^/]*';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  // INBOX matches case-insensitively; everything else exactly.
  if (/^inbox$/i.test(pattern)) return /^INBOX$/i;
  return new RegExp(`^${re}$`);
}

let msgidSeq = 0n;

function createMessage(account: Account, raw: Buffer, opts: GmailDeliverOptions): Msg {
  // 64-bit ids in the range Gmail's take, unique across the peer's lifetime.
  const msgid = 1_790_000_000_000_000_000n + BigInt(Date.now()) * 1000n + msgidSeq++;
  const header = splitMessage(raw);
  const refs: string[] = [...(header.fields.get('in-reply-to') ?? []), ...(header.fields.get('references') ?? [])].join(' ').match(/<[^>]+>/g) ?? [];
  const parent = account.messages.find((m) => refs.includes((firstField(m.header, 'message-id') ?? '').trim()));
  return {
    msgid,
    thrid: parent ? parent.thrid : msgid,
    raw,
    internalDate: opts.internalDate ?? new Date(),
    labels: new Set(),
    category: opts.category ?? 'primary',
    indexedAt: 0,
    flags: new Set(),
    spam: false,
    trash: false,
    gone: false,
    header,
  };
}

/** Starts the peer on 127.0.0.1, port 0. */
export async function startGmailPeer(options: GmailPeerOptions): Promise<GmailPeer> {
  const lines: string[] = [];
  const accounts = new Map<string, Account>();
  for (const u of options.users) accounts.set(u.user.toLowerCase(), newAccount(u));
  const sessions = new Set<Session>();
  const lineWaiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  const readWaiters = new Set<{ total: number; resolve: () => void }>();
  let received = 0;
  const state: PeerState = {
    accounts,
    hanging: false,
    log: (line) => {
      lines.push(line);
      if (lines.length > MAX_TRANSCRIPT) lines.splice(0, lines.length - MAX_TRANSCRIPT);
      for (const w of lineWaiters) {
        if (!w.pattern.test(line)) continue;
        lineWaiters.delete(w);
        w.resolve(line);
      }
    },
    read: (bytes) => {
      received += bytes;
      for (const w of readWaiters) {
        if (received < w.total) continue;
        readWaiters.delete(w);
        w.resolve();
      }
    },
  };
  const sockets = new Set<Socket>();
  const onSocket = (socket: Socket) => {
    sockets.add(socket);
    // Untagged lines and the tagged one go out as separate writes: without this, Nagle's algorithm
    // and the client's delayed ACK add 40 ms to every command.
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    const session = new Session(socket, state);
    sessions.add(session);
    state.log(`#${session.id} connected`);
    socket.on('close', () => {
      sessions.delete(session);
      state.log(`#${session.id} closed`);
    });
  };

  let server: Server;
  let ca: string | undefined;
  const servername = 'imap.gmail.test';
  if (options.tls) {
    const testCa = createTestCa('Deliverlab Gmail Peer Test CA');
    try {
      const leaf = testCa.issue([servername, 'localhost']);
      ca = testCa.caPem;
      server = createTlsServer({ key: leaf.key, cert: leaf.cert, minVersion: 'TLSv1.2' }, onSocket);
      // A client that fails the handshake must not take the peer down.
      server.on('tlsClientError', () => undefined);
    } finally {
      testCa.dispose();
    }
  } else {
    server = createNetServer(onSocket);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };

  return {
    host: '127.0.0.1',
    port,
    ...(ca ? { ca, servername } : {}),
    deliver(user, raw, opts = {}) {
      const account = accounts.get(user.toLowerCase());
      if (!account) throw new Error(`the Gmail peer has no user ${user}; users: ${[...accounts.keys()].join(', ')}`);
      const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.replace(/\r?\n/g, '\r\n'), 'utf8');
      if (bytes.length > MAX_LITERAL) throw new Error(`message of ${bytes.length} bytes is over the peer's ${MAX_LITERAL}-byte limit`);
      const msg = createMessage(account, bytes, opts);
      msg.indexedAt = Date.now() + (options.indexDelayMs ?? 0);
      for (const l of opts.labels ?? []) {
        const c = canonicalLabel(l);
        if (c !== '\\Spam' && c !== '\\Trash') msg.labels.add(c);
      }
      if (opts.spam) {
        msg.spam = true;
        msg.labels.delete('\\Inbox');
      } else if (!opts.archived) msg.labels.add('\\Inbox');
      account.messages.push(msg);
      const mailbox = opts.spam ? '[Gmail]/Spam' : opts.archived ? '[Gmail]/All Mail' : 'INBOX';
      reconcile(account);
      const entry = account.boxes.get(mailbox)?.entries.find((e) => e.msg === msg);
      if (!entry) throw new Error('internal: delivered message is in no mailbox');
      state.log(`* delivered ${bytes.length} bytes to ${account.user} ${mailbox} uid ${entry.uid} (${msg.category})`);
      return { uid: entry.uid, mailbox, msgid: msg.msgid.toString(), thrid: msg.thrid.toString() };
    },
    transcript: () => [...lines],
    nextLine: (pattern) => new Promise<string>((resolve) => lineWaiters.add({ pattern, resolve })),
    received: () => received,
    whenReceived: (total) => (received >= total ? Promise.resolve() : new Promise<void>((resolve) => readWaiters.add({ total, resolve }))),
    dropAll() {
      for (const s of sockets) s.destroy();
    },
    hang(on) {
      state.hanging = on;
      if (!on) for (const s of sessions) s.resume();
    },
    connections: () => sockets.size,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
