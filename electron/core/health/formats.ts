/**
 * The ESP exports as Deliverlab reads them: each format's mapping (resources/health-formats.json)
 * compiled once, what a file is told from its content, and one record or row read into counts.
 *
 * Pure work on parsed values: import.ts streams the file and hands each record here. A record that
 * cannot be read throws RowRefused with the reason; a type or header that the mapping does not know
 * is reported by name, never guessed at.
 */
import formatsJson from '../../../resources/health-formats.json' with { type: 'json' };
import { COUNT_FIELDS, type HealthCounts, type HealthFormat } from './types';

/** A record or row refused: the reason, in words; import.ts adds the file and the line. */
export class RowRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RowRefused';
  }
}

export type EventFormat = 'ses' | 'sendgrid' | 'mailgun' | 'postmark';
export type CsvFormat = 'mailchimp' | 'csv';
type Counter = 'sent' | 'delivered' | 'bounce' | 'complaint' | 'open' | 'click' | 'unsubscribe';

/** One bit per count, so that one event carries what it counts in a small number. */
export const BIT = { sent: 1, delivered: 2, hardBounced: 4, softBounced: 8, unknownUsers: 16, complaints: 32, opens: 64, clicks: 128, unsubscribes: 256 } as const satisfies Record<keyof HealthCounts, number>;

const COUNTER_BITS: Record<Exclude<Counter, 'bounce'>, number> = { sent: BIT.sent, delivered: BIT.delivered, complaint: BIT.complaints, open: BIT.opens, click: BIT.clicks, unsubscribe: BIT.unsubscribes };

/** Adds what `bits` counts to `counts`. */
export function countBits(counts: HealthCounts, bits: number): void {
  for (const f of COUNT_FIELDS) if (bits & BIT[f]) counts[f]++;
}

type Path = readonly string[];

/** A path as the mapping writes it (`bounce.bouncedRecipients[].emailAddress`) as its steps; `[]` is a step of its own. */
function compilePath(text: string): Path {
  return text.split('.').flatMap((step) => (step.endsWith('[]') ? [step.slice(0, -2), '[]'] : [step]));
}

/** Every value at `path` (arrays spread where the path says `[]`), scalars only. */
function valuesAt(value: unknown, path: Path, from = 0, out: unknown[] = []): unknown[] {
  if (from === path.length) {
    if (value !== null && value !== undefined && typeof value !== 'object') out.push(value);
    return out;
  }
  const step = path[from] as string;
  if (step === '[]') {
    if (Array.isArray(value)) for (const item of value) valuesAt(item, path, from + 1, out);
    return out;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  const next = (value as Record<string, unknown>)[step];
  // A path that names no array step still reads the first item of an array where the export gives one.
  if (Array.isArray(next) && from + 1 === path.length) {
    for (const item of next) valuesAt(item, path, from + 1, out);
    return out;
  }
  return valuesAt(next, path, from + 1, out);
}

/** The first value any of `paths` gives, as text; null when none does. */
function firstText(record: unknown, paths: readonly Path[]): string | null {
  for (const path of paths) {
    const [v] = valuesAt(record, path);
    if (v !== undefined && String(v).trim() !== '') return String(v).trim();
  }
  return null;
}

interface EventSpec {
  format: EventFormat;
  name: string;
  type: Path[];
  time: Path[];
  id: Path[];
  recipients: Map<string, Path>;
  domain: Path[];
  ip: Path[];
  bounce: { kind: Path[]; hard: Set<string>; soft: Set<string>; fallback: 'hard' | 'soft' | null; detail: Path[] };
  events: Map<string, Counter[]>;
  ignore: Set<string>;
}

interface CsvSpec {
  format: CsvFormat;
  name: string;
  /** Lower-cased header → the field it fills. */
  columns: Map<string, CsvField>;
  /** The identity columns a row's key takes besides what it is counted under: per part, its lower-cased headers, preferred first. */
  key: string[][];
  ignore: Set<string>;
}

export type CsvField = 'date' | 'domain' | 'ip' | 'recipientDomain' | keyof HealthCounts;

interface RawEventSpec {
  name: string;
  type: string[];
  time: string[];
  id: string[];
  recipients: Record<string, string>;
  domain: string[];
  ip: string[];
  bounce: { kind: string[]; hard: string[]; soft: string[]; default?: string; detail: string[] };
  events: Record<string, string | string[]>;
  ignore: string[];
}

const raw = formatsJson as unknown as Record<string, unknown> & { unknownUser: string };

/** The bounce details that say the mailbox does not exist (RFC 3463 5.1.1, and the words servers use for it). */
const UNKNOWN_USER = new RegExp(raw.unknownUser, 'i');

function eventSpec(format: EventFormat): EventSpec {
  const r = raw[format] as RawEventSpec;
  const paths = (list: readonly string[]) => list.map(compilePath);
  return {
    format,
    name: r.name,
    type: paths(r.type),
    time: paths(r.time),
    id: paths(r.id),
    recipients: new Map(Object.entries(r.recipients).map(([type, path]) => [type, compilePath(path)])),
    domain: paths(r.domain),
    ip: paths(r.ip),
    bounce: {
      kind: paths(r.bounce.kind),
      hard: new Set(r.bounce.hard),
      soft: new Set(r.bounce.soft),
      fallback: r.bounce.default === 'hard' || r.bounce.default === 'soft' ? r.bounce.default : null,
      detail: paths(r.bounce.detail),
    },
    events: new Map(Object.entries(r.events).map(([type, c]) => [type, (Array.isArray(c) ? c : [c]) as Counter[]])),
    ignore: new Set(r.ignore),
  };
}

function csvSpec(format: CsvFormat): CsvSpec {
  const r = raw[format] as { name: string; columns: Record<CsvField, string[]>; key: string[][]; ignore: string[] };
  const columns = new Map<string, CsvField>();
  for (const [field, headers] of Object.entries(r.columns) as [CsvField, string[]][]) for (const h of headers) columns.set(h.toLowerCase(), field);
  return { format, name: r.name, columns, key: r.key.map((part) => part.map((h) => h.toLowerCase())), ignore: new Set(r.ignore.map((h) => h.toLowerCase())) };
}

export const EVENT_SPECS: Record<EventFormat, EventSpec> = { ses: eventSpec('ses'), sendgrid: eventSpec('sendgrid'), mailgun: eventSpec('mailgun'), postmark: eventSpec('postmark') };
export const CSV_SPECS: Record<CsvFormat, CsvSpec> = { mailchimp: csvSpec('mailchimp'), csv: csvSpec('csv') };

export const isEventFormat = (f: HealthFormat): f is EventFormat => f in EVENT_SPECS;

/** The words of a format, for what an import says it read a file as. */
export const formatName = (f: HealthFormat): string => (isEventFormat(f) ? EVENT_SPECS[f].name : CSV_SPECS[f].name);

// ---------------------------------------------------------------------------------------------
// What a file is, by its content

/** The event format of a JSON record, by the fields only that format has; null when none fits. */
export function detectJsonFormat(record: unknown): EventFormat | null {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return null;
  const r = record as Record<string, unknown>;
  if (('eventType' in r || 'notificationType' in r) && typeof r.mail === 'object') return 'ses';
  if ('RecordType' in r) return 'postmark';
  if ('sg_event_id' in r || ('event' in r && 'email' in r && 'timestamp' in r)) return 'sendgrid';
  if ('event' in r && ('recipient' in r || 'delivery-status' in r || 'envelope' in r)) return 'mailgun';
  return null;
}

/** The CSV format of a header row; null when neither mapping knows its columns. */
export function detectCsvFormat(headers: readonly string[]): CsvFormat | null {
  const lower = headers.map((h) => h.trim().toLowerCase());
  const fits = (spec: CsvSpec) => lower.filter((h) => spec.columns.has(h)).length;
  const mailchimp = fits(CSV_SPECS.mailchimp);
  const generic = fits(CSV_SPECS.csv);
  if (mailchimp === 0 && generic === 0) return null;
  const has = (spec: CsvSpec, field: CsvField) => lower.some((h) => spec.columns.get(h) === field);
  if (mailchimp > generic && has(CSV_SPECS.mailchimp, 'date')) return 'mailchimp';
  return has(CSV_SPECS.csv, 'date') ? 'csv' : null;
}

// ---------------------------------------------------------------------------------------------
// Values

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A real calendar day as YYYY-MM-DD, or null. */
function realDay(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1990 || y > 2200) return null;
  return date.toISOString().slice(0, 10);
}

/**
 * The UTC day of a time: Unix seconds or milliseconds, an ISO 8601 time, a date, or a date as
 * Mailchimp writes it ("Mar 01, 2026 10:00 am"); null when it is none of those.
 */
export function dayOf(value: unknown): string | null {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d{9,13}(\.\d+)?$/.test(value.trim()))) {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) return null;
    const ms = n > 1e11 ? n : n * 1000;
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? null : realDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const iso = DAY_RE.exec(text);
  if (iso) {
    if (text.length === 10) return realDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    // A time with an offset falls on the UTC day it names.
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) return null;
    const d = new Date(ms);
    return realDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }
  const named = /^([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})\b/.exec(text);
  if (named) {
    const month = MONTHS.indexOf((named[1] as string).toLowerCase());
    return month < 0 ? null : realDay(Number(named[3]), month + 1, Number(named[2]));
  }
  return null;
}

/** The domain of an address (`Name <a@news.example>`), or a domain as it is; '' when it is neither. */
export function domainOf(value: string | null): string {
  if (value === null) return '';
  const at = value.lastIndexOf('@');
  const domain = (at >= 0 ? value.slice(at + 1) : value).replace(/[>\s"]+$/g, '').trim().toLowerCase().replace(/\.$/, '');
  return /^[a-z0-9](?:[a-z0-9-]{0,62}\.)*[a-z0-9-]{1,63}$/.test(domain) && domain.length <= 253 ? domain : '';
}

/** An IP address or pool name as stored: printable, bounded. */
function ipOf(value: string | null): string {
  if (value === null) return '';
  return /^[\x21-\x7e]{1,100}$/.test(value) ? value : '';
}

/**
 * 53 bits of a text (two 32-bit FNV-1a hashes with different seeds), an event id as stored.
 *
 * A hash keeps the id table small and its key an integer; at a million events the chance that two
 * ids meet is about one in twenty thousand, and a meeting drops one event.
 */
export function idHash(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

// ---------------------------------------------------------------------------------------------
// Reading one event record

/** One recipient's event, as an import counts it. */
export interface EventHit {
  day: string;
  domain: string;
  ip: string;
  recipientDomain: string;
  bits: number;
  id: number;
}

/** What a record said that the mapping does not know, reported by name. */
export interface UnknownName {
  kind: 'column' | 'event-type' | 'bounce-type';
  name: string;
}

/**
 * Reads one event record into one hit per recipient; an event type the mapping ignores gives none.
 * Throws RowRefused when the record cannot be read; calls `unknown` for a type the mapping does not know.
 */
export function readEvent(spec: EventSpec, record: unknown, unknown: (u: UnknownName) => void): EventHit[] | 'ignored' {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new RowRefused('not a JSON object');
  const type = firstText(record, spec.type);
  if (type === null) throw new RowRefused(`no event type (${spec.type.map((p) => p.join('.')).join(' or ')})`);
  const counters = spec.events.get(type);
  if (!counters) {
    if (!spec.ignore.has(type)) unknown({ kind: 'event-type', name: type });
    return 'ignored';
  }
  let time: unknown = null;
  for (const path of spec.time) {
    const [v] = valuesAt(record, path);
    if (v !== undefined) {
      time = v;
      break;
    }
  }
  if (time === null) throw new RowRefused(`no time (${spec.time.map((p) => p.join('.')).join(' or ')})`);
  const day = dayOf(time);
  if (day === null) throw new RowRefused(`"${String(time).slice(0, 40)}" is not a time`);
  let bits = 0;
  for (const c of counters) {
    if (c !== 'bounce') {
      bits |= COUNTER_BITS[c];
      continue;
    }
    const kind = firstText(record, spec.bounce.kind);
    const hard = kind !== null ? spec.bounce.hard.has(kind) : spec.bounce.fallback === 'hard';
    const soft = kind !== null ? spec.bounce.soft.has(kind) : spec.bounce.fallback === 'soft';
    if (!hard && !soft) {
      if (kind !== null && spec.bounce.fallback === null) {
        unknown({ kind: 'bounce-type', name: kind });
        return 'ignored';
      }
      bits |= spec.bounce.fallback === 'hard' ? BIT.hardBounced : BIT.softBounced;
    } else bits |= hard ? BIT.hardBounced : BIT.softBounced;
    if (bits & BIT.hardBounced) {
      const detail = spec.bounce.detail.flatMap((p) => valuesAt(record, p)).join(' ');
      if (UNKNOWN_USER.test(detail)) bits |= BIT.unknownUsers;
    }
  }
  const recipientPath = spec.recipients.get(type) ?? spec.recipients.get('*');
  const recipients = recipientPath ? valuesAt(record, recipientPath).map(String) : [];
  if (recipients.length === 0) throw new RowRefused(`no recipient (${recipientPath?.join('.').replace('.[]', '[]') ?? 'recipient'})`);
  const domain = domainOf(firstText(record, spec.domain));
  const ip = ipOf(firstText(record, spec.ip));
  const idBase = `${spec.format}\u0000${type}\u0000${spec.id.map((p) => valuesAt(record, p).join(',')).join('\u0000')}\u0000${String(time)}`;
  return recipients.map((r) => ({ day, domain, ip, recipientDomain: domainOf(r), bits, id: idHash(`${idBase}\u0000${r.toLowerCase()}`) }));
}

// ---------------------------------------------------------------------------------------------
// Reading one CSV row

export interface CsvLayout {
  format: CsvFormat;
  /** The field each column fills, or null for a column passed over. */
  fields: (CsvField | null)[];
  /** Per part of the mapping's key, the column it is read from; -1 when the file has none of its headers. */
  keyColumns: number[];
}

/** The columns of a header row; unknown headers are reported. Throws RowRefused when the counts cannot be read. */
export function csvLayout(format: CsvFormat, headers: readonly string[], unknown: (u: UnknownName) => void): CsvLayout {
  const spec = CSV_SPECS[format];
  const seen = new Set<CsvField>();
  const fields = headers.map((h) => {
    const key = h.trim().toLowerCase();
    const field = spec.columns.get(key);
    if (field === undefined) {
      if (!spec.ignore.has(key) && !spec.key.some((part) => part.includes(key)) && key !== '') unknown({ kind: 'column', name: h.trim() });
      return null;
    }
    // The first column of a field wins (Mailchimp's "Emails Sent" beside "Total Recipients").
    if (seen.has(field)) return null;
    seen.add(field);
    return field;
  });
  if (!seen.has('date')) throw new RowRefused(`no date column (${[...spec.columns].filter(([, f]) => f === 'date').map(([h]) => h).join(' or ')})`);
  if (!COUNT_FIELDS.some((f) => seen.has(f))) throw new RowRefused('no count column (sent, delivered, bounces, complaints, ...)');
  const lower = headers.map((h) => h.trim().toLowerCase());
  const keyColumns = spec.key.map((part) => {
    for (const h of part) {
      const i = lower.indexOf(h);
      if (i >= 0) return i;
    }
    return -1;
  });
  return { format, fields, keyColumns };
}

export interface CsvHit extends HealthCounts {
  day: string;
  domain: string;
  ip: string;
  recipientDomain: string;
}

/** A key cell as compared: Unicode NFC, trimmed, runs of spaces as one, any case. */
const keyText = (cell: string) => cell.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * The key of a CSV row that was read: the format, what the row is counted under (day, sending
 * domain, IP or pool, recipient domain) and the cells of the mapping's identity columns (Mailchimp's
 * send time, campaign title and sender). Parts are joined with NUL, which no cell part can hold.
 */
export function csvRowKey(layout: CsvLayout, cells: readonly string[], hit: CsvHit): string {
  const parts = [layout.format, hit.day, hit.domain, hit.ip, hit.recipientDomain];
  for (const i of layout.keyColumns) parts.push(i < 0 ? '' : keyText((cells[i] as string).replaceAll('\u0000', '')));
  return parts.join('\u0000');
}

/** Reads one CSV row into counts; throws RowRefused with what is wrong in it. */
export function readCsvRow(layout: CsvLayout, cells: readonly string[]): CsvHit {
  if (cells.length !== layout.fields.length) throw new RowRefused(`${cells.length} fields where the header has ${layout.fields.length}`);
  const hit: CsvHit = { day: '', domain: '', ip: '', recipientDomain: '', sent: 0, delivered: 0, hardBounced: 0, softBounced: 0, unknownUsers: 0, complaints: 0, opens: 0, clicks: 0, unsubscribes: 0 };
  layout.fields.forEach((field, i) => {
    if (field === null) return;
    const cell = (cells[i] as string).trim();
    switch (field) {
      case 'date': {
        const day = dayOf(cell);
        if (day === null) throw new RowRefused(`"${cell.slice(0, 40)}" is not a date`);
        hit.day = day;
        return;
      }
      case 'domain':
        hit.domain = domainOf(cell);
        return;
      case 'recipientDomain':
        hit.recipientDomain = domainOf(cell);
        return;
      case 'ip':
        hit.ip = ipOf(cell);
        return;
      default: {
        const text = cell.replace(/,/g, '');
        if (text === '') return;
        if (!/^\d{1,12}$/.test(text)) throw new RowRefused(`${field === 'hardBounced' ? 'hard bounces' : field === 'softBounced' ? 'soft bounces' : field}: "${cell.slice(0, 40)}" is not a count`);
        hit[field] = Number(text);
      }
    }
  });
  const sentGiven = layout.fields.includes('sent');
  if (sentGiven && hit.delivered > hit.sent) throw new RowRefused(`delivered (${hit.delivered}) is more than sent (${hit.sent})`);
  if (hit.unknownUsers > hit.hardBounced && layout.fields.includes('hardBounced')) throw new RowRefused(`unknown users (${hit.unknownUsers}) are more than hard bounces (${hit.hardBounced})`);
  return hit;
}

/**
 * Splits CSV text into rows of cells (RFC 4180: quoted fields may hold commas, quotes doubled and
 * line breaks). Fed chunk by chunk; a row is handed on with the line it starts on.
 */
export class CsvSplitter {
  private cells: string[] = [];
  private cell = '';
  private quoted = false;
  private afterQuote = false;
  private line = 1;
  private rowLine = 1;
  private any = false;

  constructor(private readonly onRow: (cells: string[], line: number) => void) {}

  push(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.quoted) {
        if (c === 0x22) {
          this.cell += text.slice(start, i);
          start = i + 1;
          this.quoted = false;
          this.afterQuote = true;
        } else if (c === 0x0a) this.line++;
        continue;
      }
      if (c === 0x22) {
        if (this.afterQuote) this.cell += '"';
        else this.cell += text.slice(start, i);
        start = i + 1;
        this.quoted = true;
        this.afterQuote = false;
        this.any = true;
      } else if (c === 0x2c) {
        this.cells.push(this.cell + text.slice(start, i));
        this.cell = '';
        start = i + 1;
        this.afterQuote = false;
        this.any = true;
      } else if (c === 0x0a) {
        let end = i;
        if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
        this.cell += text.slice(start, end);
        start = i + 1;
        this.endRow();
        this.line++;
        this.rowLine = this.line;
      } else {
        this.afterQuote = false;
        this.any = true;
      }
    }
    this.cell += text.slice(start);
  }

  private endRow(): void {
    const cell = this.cell.endsWith('\r') ? this.cell.slice(0, -1) : this.cell;
    if (this.any || cell !== '') {
      this.cells.push(cell);
      this.onRow(this.cells, this.rowLine);
    }
    this.cells = [];
    this.cell = '';
    this.any = false;
    this.afterQuote = false;
  }

  end(): void {
    if (this.quoted) {
      this.quoted = false;
      this.any = true;
    }
    this.endRow();
  }
}

/**
 * Splits a JSON document into its records, fed chunk by chunk: the items of a top-level array, or
 * of an array inside a top-level object (Mailgun's `{"items": [...]}`). A record is handed on as
 * its text, with the line it starts on.
 */
export class JsonRecordSplitter {
  /** Open brackets and braces, outermost first. */
  private stack: number[] = [];
  private inString = false;
  private escaped = false;
  private line = 1;
  private record = '';
  private recordLine = 0;
  private recordDepth = -1;

  constructor(private readonly onRecord: (text: string, line: number) => void) {}

  /** Whether the stack is where a record starts: `[` at the top, or `{` then `[`. */
  private atRecordLevel(): boolean {
    const s = this.stack;
    return (s.length === 1 && s[0] === 0x5b) || (s.length === 2 && s[0] === 0x7b && s[1] === 0x5b);
  }

  push(text: string): void {
    let start = this.recordDepth >= 0 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) {
        if (this.recordDepth < 0 && c === 0x7b && this.atRecordLevel()) {
          this.recordDepth = this.stack.length;
          this.recordLine = this.line;
          start = i;
        }
        this.stack.push(c);
      } else if (c === 0x7d || c === 0x5d) {
        this.stack.pop();
        if (this.recordDepth >= 0 && this.stack.length === this.recordDepth) {
          this.onRecord(this.record + text.slice(start, i + 1), this.recordLine);
          this.record = '';
          this.recordDepth = -1;
          start = -1;
        }
      }
    }
    if (this.recordDepth >= 0 && start >= 0) this.record += text.slice(start);
  }

  /** Whether the document ended inside a record (it was cut short). */
  unfinished(): { line: number } | null {
    return this.recordDepth >= 0 ? { line: this.recordLine } : null;
  }
}
