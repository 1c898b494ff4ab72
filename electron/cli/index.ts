/**
 * `deliverlab`: the command line over the same core and operations as the app.
 *
 * Exit codes: 0 no critical finding, 1 at least one, 2 a usage or operational error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DomainSchema, ResolverSchema } from '../api/operations';
import { ApiError } from '../api/errors';
import { createApi, type Api } from '../api/handlers';
import type { AuditResult } from '../core/audit/types';
import type { HistoryList } from '../api/operations';
import type { SpfCheckOutput } from '../core/spf/check-host';
import type { DkimKey } from '../core/dkim/keygen';
import { MAX_MESSAGE_BYTES } from '../core/message/input';
import type { MessageAnalysis } from '../core/message/types';
import { defaultDbPath } from '../core/paths';
import { readLimited } from '../core/read-limited';
import { startServer } from '../serve/server';
import { formatAudit, formatDiff, formatHistory, formatMessage, painter } from './format';
import { sendCommand } from './send';
import { placementCommand } from './placement';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Where `check -` reads the message; process.stdin when absent. */
  stdin?: NodeJS.ReadableStream;
  /** Resolves when the process is asked to stop (serve waits on it). */
  stopSignal?: Promise<void>;
}

export class UsageError extends Error {}

const here = dirname(fileURLToPath(import.meta.url));
// out/cli/index.js and electron/cli/index.ts both sit two folders below the package root.
const packageRoot = join(here, '..', '..');

export function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

const HELP = `Deliverlab: email deliverability workbench

Usage:
  deliverlab audit <domain...> [--resolver RESOLVER] [--json] [--db PATH | --no-history]
                   [--file domains.txt|-] [--concurrency N] [--diff]
                   [--skip smtp,http,dnsbl] [--selectors s1,s2] [--sending-ip IP]...
                   [--smtp-port N] [--https-port N] [--ca-file PEM]... [--network-timeout MS]
  deliverlab check <FILE|-> [--ip IP] [--helo HOST] [--mail-from ADDRESS] [--resolver ...] [--json]
                   [--db PATH | --no-history] [--no-store-raw] [--no-link-check]
  deliverlab spf [<domain>] --ip IP [--helo HOST] [--mail-from ADDRESS] [--resolver ...] [--json]
  deliverlab send --profile smtp.json [--profile-name N] --to ADDRESS... --subject S --html FILE
                  [--text FILE] [--header 'Name: value']... [--dkim-domain D --dkim-selector S --dkim-key-env VAR|--dkim-key-file PEM]
                  [--ca-file PEM]... [--timeout MS] [--transcript] [--json] [--test-connection] [--db PATH | --no-history]
  deliverlab placement --profile smtp.json --seeds seeds.json [--seed NAME]... --subject S --html FILE
                  [--text FILE] [--header 'Name: value']... [--deadline 10m] [--cleanup] [--ca-file PEM]... [--json]
  deliverlab dkim-keygen <domain> --selector S [--type rsa|ed25519] [--bits 2048|3072|4096] [--out key.pem] [--json]
  deliverlab history list [--domain D] [--limit N] [--json] [--db PATH]
  deliverlab serve [--port N] [--resolver RESOLVER] [--db PATH | --no-history] [--ca-file PEM]...
  deliverlab --version

audit     Every check of each domain; --json prints one JSON object per domain per line.
          --skip leaves out the SMTP probe, the HTTPS fetches (MTA-STS, BIMI) or the blocklists.
          --file reads a list (one a line, or CSV with the domain first); --diff shows what
          changed since the previous audit of each domain.
          --smtp-port, --https-port and --ca-file point the probes at a test lab.
check     Analyse a received message (.eml, or - for stdin; up to 50 MB): SPF, DKIM, DMARC, ARC,
          BIMI, the Received hops, header and content lint, the providers' rules. Without --ip the
          connecting IP, HELO and envelope sender come from the receiving hop's Received and
          Return-Path headers. --no-store-raw keeps the analysis but not the message; --no-link-check
          leaves out the blocklist lookups of link domains.
spf       SPF check_host() for one connecting IP (exit 0 pass, 1 any other result, 2 temperror).
          Checks MAIL FROM postmaster@<domain>, or --mail-from (a local part, or an address in
          any domain); with --helo and no --mail-from, the HELO identity on its own.
send      A test message through your SMTP server (profile JSON; password from $DELIVERLAB_SMTP_PASSWORD
          or the variable auth.passwordEnv names). Exit 0 all accepted, 1 a recipient refused, 2 error.
placement Inbox placement: the test to every seed mailbox, each watched over IMAP until its copy is
          found (inbox, category:<tab>, spam, folder:<name>) or the deadline passes (missing).
          Exit 0 every copy outside spam, 1 a copy in spam or missing, 2 an error.
dkim-keygen  A new DKIM key: the TXT record to publish, and the private key (to --out, mode 600).
history   Past audits from the local history.
serve     The app in your browser, on 127.0.0.1 only; open the URL it prints. It has no keychain:
          profiles and seeds name an environment variable for their secret. --ca-file trusts a
          private CA for SMTP and IMAP (a test lab).

RESOLVER: system | IP[:PORT],... | https://host/dns-query (DNS-over-HTTPS) | authoritative[@IP[:PORT],...]

Exit codes: 0 no critical finding, 1 a critical finding, 2 a usage or operational error.
History lives in ${defaultDbPath()} unless --db is given.`;

const COMMON = {
  db: { type: 'string' },
  'no-history': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function parse<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
}

function dbPathFrom(values: { db?: string | undefined; 'no-history'?: boolean | undefined }): string | null {
  if (values.db && values['no-history']) throw new UsageError('--db and --no-history cannot be used together.');
  if (values['no-history']) return null;
  return values.db ?? defaultDbPath();
}

function checkResolver(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = ResolverSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--resolver: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

function openApi(dbPath: string | null, resolverDefault?: string): Api {
  return createApi({
    dbPath,
    ...(resolverDefault ? { resolverDefault } : {}),
    transport: 'cli',
    version: version(),
    emit: () => {},
  });
}

const write = (stream: NodeJS.WritableStream, text: string) => stream.write(`${text}\n`);

/** Comma-separated and repeated flags, as one list. */
const listOf = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

function portOf(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--${flag} takes a port from 1 to 65535.`);
  return port;
}

/** The audit.run options the flags ask for, checked by the same schema as every other caller's. */
/** --ca-file PEM... as the certificates' text. */
function readCaFiles(files: string[] | undefined): string[] {
  return listOf(files).map((file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`--ca-file: cannot read ${file}: ${(err as Error).message}`);
    }
  });
}

function auditOptions(values: Record<string, string | boolean | string[] | undefined>): Record<string, unknown> {
  const skip = listOf(values.skip as string[] | undefined);
  for (const area of skip) {
    if (!['smtp', 'http', 'dnsbl'].includes(area)) throw new UsageError(`--skip takes smtp, http and dnsbl, not "${area}".`);
  }
  const selectors = listOf(values.selectors as string[] | undefined);
  const sendingIps = listOf(values['sending-ip'] as string[] | undefined);
  for (const ip of sendingIps) if (isIP(ip) === 0) throw new UsageError(`--sending-ip: "${ip}" is not an IPv4 or IPv6 address.`);
  const ca = readCaFiles(values['ca-file'] as string[] | undefined);
  const smtpPort = portOf('smtp-port', values['smtp-port'] as string | undefined);
  const timeoutText = values['network-timeout'] as string | undefined;
  const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000)) {
    throw new UsageError('--network-timeout takes milliseconds from 100 to 60000.');
  }
  const httpsPort = portOf('https-port', values['https-port'] as string | undefined);
  const network = { ...(smtpPort ? { smtpPort } : {}), ...(httpsPort ? { httpsPort } : {}), ...(ca.length ? { ca } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
  return {
    ...(skip.length ? { skip } : {}),
    ...(selectors.length ? { selectors } : {}),
    ...(sendingIps.length ? { sendingIps } : {}),
    ...(Object.keys(network).length ? { network } : {}),
  };
}

const AUDIT_FLAGS = {
  resolver: { type: 'string' },
  skip: { type: 'string', multiple: true },
  selectors: { type: 'string', multiple: true },
  'sending-ip': { type: 'string', multiple: true },
  'smtp-port': { type: 'string' },
  'https-port': { type: 'string' },
  'ca-file': { type: 'string', multiple: true },
  'network-timeout': { type: 'string' },
  diff: { type: 'boolean' },
  file: { type: 'string' },
  concurrency: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/**
 * Reads a batch list: one domain a line, or CSV whose first column is the domain. Blank lines,
 * # comments and a header row are passed over; other lines that are not domains are returned as
 * problems, so the rest can still be audited.
 */
export function readDomainList(text: string): { domains: string[]; problems: string[] } {
  const domains: string[] = [];
  const problems: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, index) => {
    const content = line.replace(/#.*$/, '').trim();
    if (!content) return;
    const first = (content.split(/[,;\t]/)[0] ?? '').trim().replace(/^"(.*)"$/, '$1').trim();
    const parsed = DomainSchema.safeParse(first);
    if (parsed.success) domains.push(parsed.data);
    else if (!(index === 0 && /^[a-z _-]+$/i.test(first))) problems.push(`line ${index + 1}: "${first}" is not a domain name`);
  });
  return { domains: [...new Set(domains)], problems };
}

async function auditCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, AUDIT_FLAGS);
  if (values.help) return write(io.stdout, HELP), 0;
  const domains = positionals.map((raw) => {
    const parsed = DomainSchema.safeParse(raw);
    // JSON.stringify: a control character in the argument is shown escaped, never sent to the terminal.
    if (!parsed.success) {
      const reason = (parsed.error.issues[0]?.message ?? '').replace(/^Not a valid domain name: /, '');
      throw new UsageError(`${JSON.stringify(raw)} is not a valid domain name: ${reason}.`);
    }
    return parsed.data;
  });
  let problems: string[] = [];
  if (values.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.file === '-' ? 0 : values.file, 'utf8');
    } catch (err) {
      throw new UsageError(`--file: cannot read ${values.file}: ${(err as Error).message}`);
    }
    const list = readDomainList(text);
    domains.push(...list.domains.filter((d) => !domains.includes(d)));
    problems = list.problems;
  }
  if (domains.length === 0) {
    throw new UsageError(problems.length ? `No domain to audit: ${problems.join('; ')}` : 'Name at least one domain: deliverlab audit example.com, or --file domains.txt');
  }
  const concurrency = values.concurrency === undefined ? 8 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 50) throw new UsageError('--concurrency takes a number from 1 to 50.');
  const resolver = checkResolver(values.resolver);
  const options = auditOptions(values);
  for (const problem of problems) write(io.stderr, `deliverlab: --file ${problem}`);
  const api = openApi(dbPathFrom(values));
  const paint = painter(io.stdout);
  let exit = problems.length > 0 ? 2 : 0;
  const showProgress = domains.length > 1 && (io.stderr as NodeJS.WriteStream).isTTY === true;

  const auditOne = async (domain: string): Promise<() => void> => {
    try {
      const result = (await api.dispatch('audit.run', { domain, ...options, ...(resolver ? { resolver } : {}) })) as AuditResult;
      return () => {
        if (values.json) write(io.stdout, JSON.stringify(result));
        else write(io.stdout, `${formatAudit(result, paint)}${values.diff ? `\n${formatDiff(result, paint)}` : ''}\n`);
        if (exit === 0 && result.findings.some((f) => f.severity === 'critical')) exit = 1;
        if (result.historyError) {
          write(io.stderr, `deliverlab: ${domain}: not saved to history: ${result.historyError}`);
          exit = 2;
        }
      };
    } catch (err) {
      if (!(err instanceof ApiError) || err.code === 'internal') throw err;
      return () => {
        write(io.stderr, `deliverlab: ${domain}: ${err.message}`);
        exit = 2;
      };
    }
  };

  try {
    // A bounded pool; results are printed in the order the domains were given, as soon as they can be.
    const slots = domains.map(() => Promise.withResolvers<() => void>());
    let next = 0;
    const worker = async () => {
      while (next < domains.length) {
        const index = next++;
        const slot = slots[index] as PromiseWithResolvers<() => void>;
        await auditOne(domains[index] as string).then(slot.resolve, slot.reject);
      }
    };
    const pool = Promise.all(Array.from({ length: Math.min(concurrency, domains.length) }, worker));
    for (const [index, slot] of slots.entries()) {
      (await slot.promise)();
      if (showProgress) io.stderr.write(`\r[${index + 1}/${domains.length}] ${domains[index]}\u001b[K${index + 1 === domains.length ? '\n' : ''}`);
    }
    await pool;
  } finally {
    api.close();
  }
  return exit;
}

async function dkimKeygenCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    selector: { type: 'string' },
    type: { type: 'string' },
    bits: { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length !== 1) throw new UsageError('Name one domain: deliverlab dkim-keygen example.com --selector s1');
  if (!values.selector) throw new UsageError('--selector is required: the name the key is published under, like s1 or 2026a.');
  const bits = values.bits === undefined ? undefined : Number(values.bits);
  const api = openApi(null);
  try {
    const key = (await api.dispatch('dkim.generate', {
      domain: positionals[0],
      selector: values.selector,
      ...(values.type ? { type: values.type } : {}),
      ...(bits !== undefined ? { bits } : {}),
    })) as DkimKey;
    if (values.out) {
      // The private key is a secret: written for the owner only, never printed when a file is given.
      writeFileSync(values.out, key.privateKeyPem, { mode: 0o600, flag: 'wx' });
    }
    if (values.json) {
      write(io.stdout, JSON.stringify(values.out ? { ...key, privateKeyPem: undefined, privateKeyFile: values.out } : key));
    } else {
      const paint = painter(io.stdout);
      write(io.stdout, paint('bold', `Publish this TXT record at ${key.recordName}:`));
      write(io.stdout, key.zoneLine);
      if (key.note) write(io.stdout, paint('yellow', key.note));
      write(io.stdout, values.out ? `\nPrivate key written to ${values.out} (mode 600).` : `\n${paint('bold', 'Private key (keep it secret, give it only to the signing server):')}\n${key.privateKeyPem.trimEnd()}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid-input') throw new UsageError(err.message);
    if ((err as { code?: string }).code === 'EEXIST') throw new UsageError(`--out: ${values.out} exists already; not overwriting a key.`);
    throw err;
  } finally {
    api.close();
  }
}

/** A file or stream too large to analyse; said while reading, before it is all in memory. */
const tooLarge = (what: string) =>
  new UsageError(`${what} is larger than ${MAX_MESSAGE_BYTES / (1024 * 1024)} MB, the largest message deliverlab check analyses.`);

/** Reads a message file, refusing it as soon as it passes the size limit. */
async function readMessageFile(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(code === 'ENOENT' ? `${path}: no such file.` : `Cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new UsageError(`${path} is a folder: name a message file (.eml).`);
    if (info.isFile() && info.size > MAX_MESSAGE_BYTES) throw tooLarge(path);
    // A FIFO or device has no size up front: read in pieces and stop at the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead, buffer } = await handle.read({ buffer: Buffer.allocUnsafe(1024 * 1024) });
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > MAX_MESSAGE_BYTES) throw tooLarge(path);
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`Cannot read ${path}: ${(err as Error).message}`);
  } finally {
    await handle.close();
  }
}

/** Reads a message from a stream (stdin), refusing it as soon as it passes the size limit. */
async function readMessageStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  try {
    return await readLimited(stream, MAX_MESSAGE_BYTES, { tooLarge: () => tooLarge('The message on standard input') });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`Cannot read standard input: ${(err as Error).message}`);
  }
}

async function checkCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    resolver: { type: 'string' },
    ip: { type: 'string' },
    helo: { type: 'string' },
    'mail-from': { type: 'string' },
    'no-store-raw': { type: 'boolean' },
    'no-link-check': { type: 'boolean' },
  });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length !== 1) throw new UsageError('Name one message file, or - to read it from standard input: deliverlab check message.eml');
  if (values.ip !== undefined && isIP(values.ip) === 0) throw new UsageError(`--ip: "${values.ip}" is not an IPv4 or IPv6 address.`);
  const resolver = checkResolver(values.resolver);
  const dbPath = dbPathFrom(values);
  const source = positionals[0] as string;
  const raw = source === '-' ? await readMessageStream(io.stdin ?? process.stdin) : await readMessageFile(source);
  const api = openApi(dbPath);
  try {
    const analysis = (await api.dispatch('message.check', {
      // base64 carries the bytes unchanged, whatever charset or 8-bit content the message has.
      raw: raw.toString('base64'),
      encoding: 'base64',
      ...(values.ip ? { ip: values.ip } : {}),
      ...(values.helo ? { helo: values.helo } : {}),
      ...(values['mail-from'] !== undefined ? { mailFrom: values['mail-from'] } : {}),
      ...(resolver ? { resolver } : {}),
      ...(values['no-store-raw'] ? { storeRaw: false } : {}),
      checkLinkDomains: !values['no-link-check'],
    })) as MessageAnalysis;
    if (values.json) write(io.stdout, JSON.stringify(analysis));
    else write(io.stdout, `${formatMessage(analysis, painter(io.stdout))}
`);
    if (analysis.historyError) {
      write(io.stderr, `deliverlab: not saved to history: ${analysis.historyError}`);
      return 2;
    }
    return analysis.findings.some((f) => f.severity === 'critical') ? 1 : 0;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid-input') throw new UsageError(source === '-' ? err.message : `${source}: ${err.message}`);
    throw err;
  } finally {
    api.close();
  }
}

const SPF_EXIT: Record<string, number> = { pass: 0, fail: 1, softfail: 1, neutral: 1, none: 1, permerror: 1, temperror: 2 };

async function spfCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    resolver: { type: 'string' },
    ip: { type: 'string' },
    helo: { type: 'string' },
    'mail-from': { type: 'string' },
  });
  if (values.help) return write(io.stdout, HELP), 0;
  // The domain may be left out when the identity names its own: a full --mail-from, or --helo.
  const identityGiven = values.helo !== undefined || (values['mail-from']?.includes('@') ?? false);
  if (positionals.length > 1 || (positionals.length === 0 && !identityGiven)) {
    throw new UsageError('Name one domain: deliverlab spf example.com --ip 192.0.2.1 (or give --mail-from with a full address, or --helo)');
  }
  if (!values.ip) throw new UsageError('--ip is required: the address of the server that connects.');
  const resolver = checkResolver(values.resolver);
  const api = openApi(null);
  try {
    const out = (await api.dispatch('audit.spf-check', {
      ...(positionals[0] !== undefined ? { domain: positionals[0] } : {}),
      ip: values.ip,
      ...(values.helo !== undefined ? { helo: values.helo } : {}),
      ...(values['mail-from'] !== undefined ? { mailFrom: values['mail-from'] } : {}),
      ...(resolver ? { resolver } : {}),
    })) as SpfCheckOutput;
    if (values.json) {
      write(io.stdout, JSON.stringify(out));
    } else {
      const paint = painter(io.stdout);
      // What DNS or a domain owner wrote (the explanation is third-party text) is shown, never obeyed as terminal codes.
      const shown = (text: string) => text.replace(/\p{Cc}/gu, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
      const style = out.result === 'pass' ? 'green' : out.result === 'temperror' ? 'magenta' : 'red';
      const identity = out.identity === 'helo' ? `HELO identity ${out.helo} (${out.mailFrom})` : `MAIL FROM ${out.mailFrom}`;
      write(io.stdout, `${paint('bold', shown(identity))} from ${out.ip}: ${paint(style, out.result)}`);
      const typed = positionals[0] === undefined ? undefined : DomainSchema.safeParse(positionals[0]).data;
      if (typed && out.domain !== typed) {
        const why = out.identity === 'helo' ? 'give --mail-from to check an address there' : 'receivers check the domain of the address they are given';
        write(io.stdout, `  The identity checked is in ${shown(out.domain)}, not ${typed}: ${why}.`);
      }
      if (out.explanation) write(io.stdout, `  Explanation from ${shown(out.domain)} (exp=, RFC 7208 §6.2): ${shown(out.explanation)}`);
      if (out.comment) write(io.stdout, `  ${shown(out.comment)}`);
      // The header comes folded (RFC 5322 §2.2.3): one line here.
      if (out.header) write(io.stdout, paint('dim', `  ${shown(out.header.replace(/\r?\n[ \t]+/g, ' '))}`));
    }
    return SPF_EXIT[out.result] ?? 2;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid-input') throw new UsageError(err.message);
    throw err;
  } finally {
    api.close();
  }
}

async function historyCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return write(io.stdout, HELP), 0;
  if (sub !== 'list') throw new UsageError(sub ? `Unknown history command "${sub}": use deliverlab history list.` : 'Use: deliverlab history list');
  const { values, positionals } = parse(rest, { domain: { type: 'string' }, limit: { type: 'string' } });
  if (values.help) return write(io.stdout, HELP), 0;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  if (values['no-history']) throw new UsageError('--no-history has no history to list.');
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit takes a whole number from 1 to 500.');
  const api = openApi(dbPathFrom(values));
  try {
    const list = (await api.dispatch('history.list', { limit, ...(values.domain ? { domain: values.domain } : {}) })) as HistoryList;
    if (values.json) for (const item of list.items) write(io.stdout, JSON.stringify(item));
    else write(io.stdout, formatHistory(list.items, list.total, painter(io.stdout)));
  } finally {
    api.close();
  }
  return 0;
}

async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { port: { type: 'string' }, resolver: { type: 'string' }, 'ca-file': { type: 'string', multiple: true } });
  if (values.help) return write(io.stdout, HELP), 0;
  const ca = readCaFiles(values['ca-file'] as string[] | undefined);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes a number from 0 to 65535 (0 picks a free one).');
  const resolver = checkResolver(values.resolver);
  let running;
  try {
    running = await startServer({
      port,
      dbPath: dbPathFrom(values),
      ...(resolver ? { resolverDefault: resolver } : {}),
      rendererDir: join(packageRoot, 'out', 'renderer'),
      version: version(),
      ...(ca.length ? { ca } : {}),
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new UsageError(`Port ${port} is already in use: pick another with --port, or --port 0.`);
    throw err;
  }
  write(io.stdout, `Deliverlab is running at ${running.url}`);
  write(io.stdout, 'Open that address in your browser. Press Ctrl+C to stop.');
  await (io.stopSignal ?? new Promise<void>(() => {}));
  await running.close();
  return 0;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'audit':
        return await auditCommand(args, io);
      case 'history':
        return await historyCommand(args, io);
      case 'check':
        return await checkCommand(args, io);
      case 'spf':
        return await spfCommand(args, io);
      case 'send':
        return await sendCommand(args, io);
      case 'placement':
        return await placementCommand(args, io);
      case 'dkim-keygen':
        return await dkimKeygenCommand(args, io);
      case 'serve':
        return await serveCommand(args, io);
      case '--version':
      case '-v':
        write(io.stdout, version());
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        write(io.stdout, HELP);
        return 0;
      default:
        throw new UsageError(`Unknown command "${command}". Run deliverlab --help for the list.`);
    }
  } catch (err) {
    write(io.stderr, `deliverlab: ${(err as Error).message}`);
    if (!(err instanceof UsageError) && !(err instanceof ApiError) && process.env.DELIVERLAB_DEBUG) {
      write(io.stderr, String((err as Error).stack));
    }
    return 2;
  }
}
