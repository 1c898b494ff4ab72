/**
 * Sending health import: ESP export files streamed into daily counts in history.
 *
 * A file is read chunk by chunk and never held whole: records become per-recipient hits, which are
 * written in batches, each one transaction with the event ids that made them, so that a second
 * import of the same events adds nothing. CSV exports carry no event ids, and they are totals that a
 * later export repeats (a weekly export that takes in last week's days, a campaign report downloaded
 * again after more opens came in): their rows are summed per key (formats.ts csvRowKey) and the
 * whole file written in one transaction, where a key seen before with the same counts adds nothing
 * and one with other counts replaces what it added. A file whose digest is known is not read into
 * history at all. A row that cannot be read is refused with its line; the rest of the file goes on.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DnsSession } from '../dns/session';
import type { HistoryStore } from '../history/store';
import {
  countBits,
  CsvSplitter,
  csvLayout,
  csvRowKey,
  detectCsvFormat,
  detectJsonFormat,
  EVENT_SPECS,
  formatName,
  isEventFormat,
  JsonRecordSplitter,
  readCsvRow,
  readEvent,
  RowRefused,
  type CsvFormat,
  type CsvHit,
  type CsvLayout,
  type EventFormat,
  type UnknownName,
} from './formats';
import { MAX_MX_LOOKUPS, resolveProviders } from './providers';
import { addCounts, zeroCounts, type HealthCounts, type HealthDayRow, type HealthFormat, type RecipientProvider } from './types';

/** Hits written per transaction. */
const BATCH_HITS = 50_000;
/** Refused rows listed one by one per file (all are counted). */
export const MAX_LISTED_REFUSALS = 100;
/** The longest line (one record or row) read: a longer one is refused, and the file read on. */
const MAX_RECORD_CHARS = 1024 * 1024;
/** The largest file read. */
export const MAX_HEALTH_FILE_BYTES = 16 * 1024 * 1024 * 1024;

export interface RowRefusal {
  /** The line the record or row starts on (1 for the first). */
  line: number;
  reason: string;
}

export interface HealthFileResult {
  file: string;
  /** The format read, and whether it was told from the content (no format was named). */
  format: HealthFormat | null;
  formatName: string | null;
  detected: boolean;
  /** Events (or CSV rows) read, recipients counted one by one. */
  read: number;
  /** Counted into history now. */
  added: number;
  /** Read before (same event id, the same CSV file, or a CSV row with the same key and counts): not counted again. */
  duplicates: number;
  /** CSV rows read before with other counts (the same day and campaign, more opens since): their old counts replaced. */
  updated: number;
  /** Event types the mapping passes over (a delivery delay, a rejected send). */
  ignored: number;
  refusedRows: number;
  /** The first MAX_LISTED_REFUSALS refused rows, with their lines. */
  refusals: RowRefusal[];
  /** Columns, event types and bounce types the mapping does not know, with how many rows had each. */
  unknown: (UnknownName & { count: number })[];
  /** The whole file was imported before: nothing added. */
  alreadyImported: boolean;
  /** Why the file was not read at all (no such file, a format that cannot be told). */
  error?: string;
}

export interface HealthImportResult {
  files: HealthFileResult[];
  /** Totals over the files. */
  read: number;
  added: number;
  duplicates: number;
  updated: number;
  refusedRows: number;
  /** Files not read at all. */
  failedFiles: number;
  /** Sending domains and IPs (or pools) the files named, for the monitoring's watches. */
  domains: string[];
  ips: string[];
  /** Recipient domains whose MX was not looked up (past the bound, or no resolver): counted as unknown. */
  notLookedUp: number;
  stopped?: string;
}

export interface HealthImportOptions {
  store: HistoryStore;
  /** The configured resolver, for recipient domains' MX; null counts unlisted domains as unknown. */
  dns: DnsSession | null;
  /** Read every file as this format; told from each file's content when absent. */
  format?: HealthFormat;
  signal?: AbortSignal;
  now?: () => Date;
  maxLookups?: number;
}

export type HealthImportInput = { paths: readonly string[] } | { files: readonly { name: string; bytes: Uint8Array }[] };

class FileFailed extends Error {}

/** The rows of one key of a CSV file, summed: what they are counted under, and how many rows. */
interface CsvSum {
  day: string;
  domain: string;
  ip: string;
  recipientDomain: string;
  counts: HealthCounts;
  rows: number;
}

interface Source {
  name: string;
  chunks: () => AsyncIterable<Uint8Array>;
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** The hits of one batch: parallel arrays, so that 50,000 events are a few arrays of numbers. */
class Batch {
  ids: number[] = [];
  keys: number[] = [];
  bits: number[] = [];
  /** "day\tdomain\tip\trecipientDomain" → index. */
  readonly keyIndex = new Map<string, number>();
  readonly keyList: string[] = [];

  add(key: string, bits: number, id: number): void {
    let k = this.keyIndex.get(key);
    if (k === undefined) {
      k = this.keyList.length;
      this.keyIndex.set(key, k);
      this.keyList.push(key);
    }
    this.keys.push(k);
    this.bits.push(bits);
    this.ids.push(id);
  }

  get size(): number {
    return this.ids.length;
  }
}

/** Rows keyed by day, domain, IP and provider, from keys with a recipient domain. */
function rowsOf(keyList: readonly string[], countsOf: (k: number) => HealthCounts | null, providers: Map<string, RecipientProvider>): HealthDayRow[] {
  const rows = new Map<string, HealthDayRow>();
  keyList.forEach((key, k) => {
    const counts = countsOf(k);
    if (!counts) return;
    const [day, domain, ip, recipientDomain] = key.split('\t') as [string, string, string, string];
    const provider = providers.get(recipientDomain) ?? 'unknown';
    const rowKey = `${day}\t${domain}\t${ip}\t${provider}`;
    let row = rows.get(rowKey);
    if (!row) {
      row = { day, domain, ip, provider, ...zeroCounts() };
      rows.set(rowKey, row);
    }
    addCounts(row, counts);
  });
  return [...rows.values()];
}

export async function importHealth(input: HealthImportInput, options: HealthImportOptions): Promise<HealthImportResult> {
  const { store, signal } = options;
  const now = options.now ?? (() => new Date());
  const importedAt = now().toISOString();
  const result: HealthImportResult = { files: [], read: 0, added: 0, duplicates: 0, updated: 0, refusedRows: 0, failedFiles: 0, domains: [], ips: [], notLookedUp: 0 };
  const providers = new Map<string, RecipientProvider>();
  const budget = { left: options.maxLookups ?? MAX_MX_LOOKUPS };
  const domains = new Set<string>();
  const ips = new Set<string>();
  const lookup = { dns: options.dns, store, now: Math.floor(now().getTime() / 1000), ...(signal ? { signal } : {}) };

  const sources: Source[] =
    'files' in input
      ? input.files.map((f) => ({ name: f.name, chunks: () => once(f.bytes) }))
      : input.paths.map((path) => ({ name: path, chunks: () => createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array> }));

  store.bulkWriting(true);
  try {
    for (const source of sources) {
      if (signal?.aborted) {
        result.stopped = `stopped: ${(signal.reason as Error)?.message ?? 'a stop was asked'}`;
        break;
      }
      const file: HealthFileResult = {
        file: 'paths' in input ? source.name : basename(source.name),
        format: null,
        formatName: null,
        detected: false,
        read: 0,
        added: 0,
        duplicates: 0,
        updated: 0,
        ignored: 0,
        refusedRows: 0,
        refusals: [],
        unknown: [],
        alreadyImported: false,
      };
      result.files.push(file);
      try {
        if ('paths' in input) {
          const info = await stat(source.name).catch((err: NodeJS.ErrnoException) => {
            throw new FileFailed(err.code === 'ENOENT' ? 'no such file' : `it cannot be read (${err.message})`);
          });
          if (info.isDirectory()) throw new FileFailed('it is a folder: name the export files');
          if (info.size > MAX_HEALTH_FILE_BYTES) throw new FileFailed('it is larger than 16 GiB, the largest file read');
        }
        await importFile(source, file, { ...options, importedAt, providers, budget, lookup, domains, ips, result });
      } catch (err) {
        if (!(err instanceof FileFailed)) throw err;
        file.error = err.message;
        result.failedFiles++;
      }
      result.read += file.read;
      result.added += file.added;
      result.duplicates += file.duplicates;
      result.updated += file.updated;
      result.refusedRows += file.refusedRows;
    }
  } finally {
    try {
      store.bulkWriting(false);
    } catch {
      // The log could not be synced (a failing disk): the writes already said so.
    }
  }
  result.domains = [...domains].filter(Boolean).sort();
  result.ips = [...ips].filter(Boolean).sort();
  return result;
}

interface FileContext extends HealthImportOptions {
  importedAt: string;
  providers: Map<string, RecipientProvider>;
  budget: { left: number };
  lookup: Parameters<typeof resolveProviders>[2];
  domains: Set<string>;
  ips: Set<string>;
  result: HealthImportResult;
}

async function importFile(source: Source, file: HealthFileResult, ctx: FileContext): Promise<void> {
  const digest = createHash('sha256');
  const unknownCounts = new Map<string, UnknownName & { count: number }>();
  const unknown = (u: UnknownName) => {
    const key = `${u.kind}\u0000${u.name}`;
    const hit = unknownCounts.get(key);
    if (hit) hit.count++;
    else if (unknownCounts.size < 200) unknownCounts.set(key, { ...u, name: u.name.slice(0, 200), count: 1 });
  };
  const refuse = (line: number, reason: string) => {
    file.refusedRows++;
    if (file.refusals.length < MAX_LISTED_REFUSALS) file.refusals.push({ line, reason });
  };

  let format: HealthFormat | null = ctx.format ?? null;
  let mode: 'lines' | 'array' | 'csv' | null = null;
  // Event files: the batch being filled. CSV files: sums per row key over the whole file.
  let batch = new Batch();
  const csvSums = new Map<string, CsvSum>();
  let layout: CsvLayout | null = null;

  const flush = async (last: boolean) => {
    const b = batch;
    batch = new Batch();
    const recipientDomains = [...new Set(b.keyList.map((k) => k.split('\t')[3] as string))];
    ctx.result.notLookedUp += await resolveProviders(recipientDomains, ctx.providers, ctx.lookup, ctx.budget);
    ctx.store.saveHealthBatch({
      ids: b.ids,
      rows: (fresh) => {
        const sums: (HealthCounts | null)[] = b.keyList.map(() => null);
        for (let i = 0; i < b.ids.length; i++) {
          if (!fresh[i]) {
            file.duplicates++;
            continue;
          }
          file.added++;
          const k = b.keys[i] as number;
          const counts = (sums[k] ??= zeroCounts());
          countBits(counts, b.bits[i] as number);
        }
        return rowsOf(b.keyList, (k) => sums[k] ?? null, ctx.providers);
      },
      ...(last ? { file: { digest: digest.digest('hex'), name: basename(source.name), format: format as string, events: file.read, importedAt: ctx.importedAt } } : {}),
    });
  };

  const spec = () => EVENT_SPECS[format as EventFormat];
  const takeRecord = (text: string, line: number): void => {
    if (text.length > MAX_RECORD_CHARS) return refuse(line, `the record is longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters`);
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      return refuse(line, 'not valid JSON');
    }
    if (format === null) {
      format = detectJsonFormat(record);
      if (format === null) throw new FileFailed(`line ${line}: the records are not of a known format (Amazon SES, SendGrid, Mailgun, Postmark): name it with the format`);
      file.detected = true;
    } else if (!isEventFormat(format)) throw new FileFailed(`it holds JSON, not ${formatName(format)}`);
    try {
      const hits = readEvent(spec(), record, unknown);
      if (hits === 'ignored') {
        file.ignored++;
        return;
      }
      for (const h of hits) {
        file.read++;
        ctx.domains.add(h.domain);
        ctx.ips.add(h.ip);
        batch.add(`${h.day}\t${h.domain}\t${h.ip}\t${h.recipientDomain}`, h.bits, h.id);
      }
    } catch (err) {
      if (!(err instanceof RowRefused)) throw err;
      refuse(line, err.message);
    }
  };

  const takeRow = (cells: string[], line: number): void => {
    if (layout === null) {
      if (format === null) {
        format = detectCsvFormat(cells);
        if (format === null) throw new FileFailed('its header names none of the columns of a known CSV export (Mailchimp, or the generic CSV: date, sent, delivered, ...)');
        file.detected = true;
      } else if (isEventFormat(format)) throw new FileFailed(`it is CSV, not ${formatName(format)}`);
      try {
        layout = csvLayout(format as CsvFormat, cells, unknown);
      } catch (err) {
        if (!(err instanceof RowRefused)) throw err;
        throw new FileFailed(`its header: ${err.message}`);
      }
      return;
    }
    let hit: CsvHit;
    try {
      hit = readCsvRow(layout, cells);
    } catch (err) {
      if (!(err instanceof RowRefused)) throw err;
      return refuse(line, err.message);
    }
    file.read++;
    ctx.domains.add(hit.domain);
    ctx.ips.add(hit.ip);
    const key = csvRowKey(layout, cells, hit);
    let sum = csvSums.get(key);
    if (!sum) {
      sum = { day: hit.day, domain: hit.domain, ip: hit.ip, recipientDomain: hit.recipientDomain, counts: zeroCounts(), rows: 0 };
      csvSums.set(key, sum);
    }
    addCounts(sum.counts, hit);
    sum.rows++;
  };

  // JSON lines: one record a line. Kept across chunks: the unfinished last line, and its number.
  let skipping = false;
  let pending = '';
  let lineNo = 0;
  const takeLines = (text: string) => {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      lineNo++;
      const line = pending + text.slice(start, nl);
      pending = '';
      start = nl + 1;
      if (line.trim() !== '') takeRecord(line, lineNo);
    }
    pending += text.slice(start);
    if (pending.length > MAX_RECORD_CHARS) {
      // A line with no end in sight: refused, and the rest of it skipped up to its end.
      lineNo++;
      refuse(lineNo, `the line is longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters`);
      pending = '';
      skipping = true;
    }
  };
  const splitter = new JsonRecordSplitter(takeRecord);
  const csv = new CsvSplitter(takeRow);
  const decoder = new TextDecoder('utf-8', { fatal: false });

  for await (const chunk of source.chunks()) {
    if (ctx.signal?.aborted) throw new FileFailed(`stopped: ${(ctx.signal.reason as Error)?.message ?? 'a stop was asked'}`);
    digest.update(chunk);
    let text = decoder.decode(chunk, { stream: true });
    if (mode === null) {
      text = text.replace(/^\uFEFF/, '');
      const first = /\S/.exec(text);
      if (!first) continue;
      const c = first[0];
      if (c === '[') mode = 'array';
      else if (c === '{') {
        const lineEnd = text.indexOf('\n', first.index);
        const firstLine = text.slice(first.index, lineEnd < 0 ? undefined : lineEnd);
        let parsed = false;
        try {
          JSON.parse(firstLine);
          parsed = true;
        } catch {
          // A pretty-printed document, or a first line longer than this chunk: read as one document.
        }
        mode = parsed ? 'lines' : 'array';
      } else mode = 'csv';
    }
    if (skipping) {
      const nl = text.indexOf('\n');
      if (nl < 0) continue;
      text = text.slice(nl + 1);
      skipping = false;
    }
    if (mode === 'lines') takeLines(text);
    else if (mode === 'array') splitter.push(text);
    else csv.push(text);
    if (batch.size >= BATCH_HITS) await flush(false);
  }
  const tail = decoder.decode();
  if (mode === 'lines') {
    takeLines(`${tail}\n`);
  } else if (mode === 'array') {
    splitter.push(tail);
    const cut = splitter.unfinished();
    if (cut) refuse(cut.line, 'the file ends inside this record (cut short?)');
  } else if (mode === 'csv') {
    csv.push(tail);
    csv.end();
  }
  if (mode === null) throw new FileFailed('it is empty');
  if (format === null) throw new FileFailed('it holds no record to tell its format by');
  file.format = format;
  file.formatName = formatName(format);
  file.unknown = [...unknownCounts.values()];

  if (mode === 'csv') {
    const hex = digest.digest('hex');
    if (ctx.store.healthFileImported(hex)) {
      file.alreadyImported = true;
      file.duplicates = file.read;
      return;
    }
    const sums = [...csvSums.entries()];
    ctx.result.notLookedUp += await resolveProviders([...new Set(sums.map(([, x]) => x.recipientDomain))], ctx.providers, ctx.lookup, ctx.budget);
    const outcomes = ctx.store.saveHealthRows({
      rows: sums.map(([key, x]) => ({
        key: createHash('sha256').update(key).digest().subarray(0, 16),
        row: { day: x.day, domain: x.domain, ip: x.ip, provider: ctx.providers.get(x.recipientDomain) ?? 'unknown', ...x.counts },
      })),
      file: { digest: hex, name: basename(source.name), format, events: file.read, importedAt: ctx.importedAt },
    });
    // Counted in rows, as read: rows of one key share its outcome.
    outcomes.forEach((outcome, i) => {
      const rows = (sums[i] as [string, CsvSum])[1].rows;
      if (outcome === 'added') file.added += rows;
      else if (outcome === 'updated') file.updated += rows;
      else file.duplicates += rows;
    });
    file.alreadyImported = file.read > 0 && file.added === 0 && file.updated === 0;
    return;
  }
  await flush(true);
  file.alreadyImported = file.read > 0 && file.added === 0;
}
