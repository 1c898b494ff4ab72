/**
 * The operations' implementations, behind one dispatch that every transport calls.
 *
 * dispatch() checks the name against the contract and parses the input with its zod schema before
 * any handler runs; handlers only ever see parsed input.
 */

import { diffAudits } from '../core/audit/diff';
import { ResolverUnreachableError, runAudit } from '../core/audit/run';
import { parseResolverSpec } from '../core/dns/servers';
import { DnsSession } from '../core/dns/session';
import { spfCheckHost } from '../core/spf/check-host';
import { generateDkimKey } from '../core/dkim/keygen';
import { boundListAnswer } from '../core/history/list-bounds';
import { HistoryError, HistoryStore } from '../core/history/store';
import { analyzeMessage } from '../core/message/analyze';
import { renderMessageReport } from '../core/report/message-report';
import { renderPlacementReport } from '../core/report/placement-report';
import { copyReportsFor } from '../core/report/spam-section';
import { messageReadiness } from '../core/message/readiness';
import { BrandError, checkBrand, type ReportBrand } from '../core/report/brand';
import type { ReportFormat } from '../core/report/model';
import { renderReport } from '../core/report/render';
import type { ReportedAudit } from '../core/report/audit-report';
import { compareAudits, compareWithReport, historyOf } from '../core/report/changes';
import { healthSectionFor } from '../core/report/health-section';
import { dmarcSectionFor } from '../core/report/dmarc-section';
import { IMPACT_WORDS } from '../core/report/model';
import { prioritize } from '../core/report/prioritize';
import type { AuditProgress, AuditResult, Finding } from '../core/audit/types';
import type { Settings } from '../core/types';
import { MessageInputError } from '../core/message/input';
import type { MessageAnalysis } from '../core/message/types';
import { checkReportBrandSetting, DEFAULT_SETTINGS, SettingsService } from '../core/settings';
import { SPAM_TIMEOUT_MS } from '../core/spam/config';
import { scanMessage } from '../core/spam/scan';
import { spamStatus } from '../core/spam/status';
import type { SpamFilterConfig } from '../core/spam/types';
import { ApiError, fieldOf, invalidField } from './errors';
import { RangeInputError } from '../core/reports/range';
import { createMailHandlers, type MailOperation } from './handlers-mail';
import { createReportHandlers, type ReportsOperation } from './handlers-reports';
import { createHealthHandlers, type HealthOperation } from './handlers-health';
import { createQaHandlers, LOCAL_CALLER, type AskOpenPath, type AskSavePath, type QaOperation } from './handlers-qa';
import { createWarmupHandlers, type WarmupOperation } from './handlers-warmup';
import { createWatchHandlers, type AuditCall, type WatchOperation, type WatchRunOverrides, type WatchService, type WatchServiceHooks } from './handlers-watch';
import { createSecretStore, type SecretCipher, type SecretStore } from '../core/secrets';
import { OPERATION_NAMES, type EventName, type OperationName } from './names';
import { MAX_REPORT_AUDITS, operations, type EventPayload, type ExportFormat, type OpParsed, type OpResult } from './operations';

/** An object's fields that are set: a patch given in part. */
function defined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface ApiContext {
  /** The history database file; ':memory:' for a throwaway one; null writes nothing. */
  dbPath: string | null;
  /** An already open store to use instead of opening dbPath (the caller keeps ownership). */
  store?: HistoryStore;
  /** The resolver used while the user has not saved one (serve's and the CLI's --resolver). */
  resolverDefault?: string;
  transport: 'ipc' | 'http' | 'cli';
  version: string;
  /** The OS keychain (Electron safeStorage, in the app); without it no secret can be stored, and the store says why. */
  cipher?: SecretCipher;
  /** A ready secret store instead of one built from `cipher` (tests). */
  secrets?: SecretStore;
  /** Where profiles' and seeds' passwordEnv variables are read; process.env when absent. */
  env?: NodeJS.ProcessEnv;
  /** Extra trusted CA certificates (PEM) for SMTP and IMAP connections, e.g. a test lab's. */
  ca?: string[];
  /** Deadline of each SMTP/IMAP network step; 15 s when absent. */
  networkTimeoutMs?: number;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /**
   * The desktop app's save dialog: asks where to save `text`, offering `suggestedName`, writes it
   * there and returns the path, or null when the user cancels. Absent outside the app.
   */
  saveReport?: (suggestedName: string, format: ExportFormat, content: string | Uint8Array) => Promise<string | null>;
  /**
   * The HTML report printed to an A4 PDF: Electron's printToPDF in the app, a Chromium found on the
   * machine in serve. Throws an ApiError in the app's words when it cannot. Absent: no PDF here.
   */
  printPdf?: (html: string) => Promise<Uint8Array>;
  /** Aborted to stop long work in progress (a report import): the CLI's Ctrl-C. */
  signal?: AbortSignal;
  /** The desktop app's open dialog for a draft (qa.open). Absent outside the app. */
  askOpenPath?: AskOpenPath;
  /** The desktop app's save dialog for a new HTML file (qa.save-inlined). Absent outside the app. */
  askSavePath?: AskSavePath;
}

/** `caller`: who called (a window, an event stream), for what is kept per caller (watched drafts). */
type Handlers = { [N in OperationName]: (input: OpParsed<N>, caller: string) => Promise<OpResult<N>> | OpResult<N> };
type CoreHandlers = Omit<Handlers, MailOperation | ReportsOperation | QaOperation | WatchOperation | WarmupOperation | HealthOperation>;

const NO_KEYCHAIN = {
  http: 'deliverlab serve has no access to an operating-system keychain, so it stores no secrets: name an environment variable in the profile or seed (auth.passwordEnv or auth.oauth2TokenEnv) and set it before starting serve.',
  cli: 'the command line stores no secrets: name an environment variable in the profile or seed (auth.passwordEnv or auth.oauth2TokenEnv), or type the secret when asked.',
  ipc: 'the operating-system keychain is not available to Deliverlab.',
} as const;

export interface Api {
  /** `caller` names who called (serve: the tab's event stream); the desktop app and the CLI leave it out. */
  dispatch(name: string, input: unknown, caller?: string): Promise<unknown>;
  /** Stops watching the drafts `caller` opened (its event stream closed); every caller's when absent (the window reloaded). */
  releaseWatches(caller?: string): void;
  /**
   * The watch scheduler and alert deliveries over this api's history and settings: what the app
   * runs while it is open and `deliverlab watch run` runs in the foreground. Throws an ApiError
   * when history is off.
   */
  watchService(overrides?: WatchRunOverrides, hooks?: WatchServiceHooks): WatchService;
  close(): void;
}

/** The resolver's failure, with what the app needs to say it without the CLI's --resolver. */
function unreachable(err: ResolverUnreachableError): ApiError {
  return new ApiError('dns-unreachable', err.message, undefined, { params: { resolver: err.resolver, ...(err.detail ? { detail: err.detail } : {}) } });
}

const isOperation = (name: string): name is OperationName => (OPERATION_NAMES as readonly string[]).includes(name);

/** The history lists, whose rows carry stored text of any length: their answers are bounded (list-bounds.ts). */
const LISTS: ReadonlySet<OperationName> = new Set(['history.list', 'message.list', 'send.list', 'placement.list', 'reports.list', 'reports.records', 'alerts.list']);

export function createApi(ctx: ApiContext): Api {
  const ownsStore = !ctx.store;
  const store = ctx.store ?? (ctx.dbPath === null ? null : HistoryStore.open(ctx.dbPath));
  const settings = new SettingsService(store, {
    ...DEFAULT_SETTINGS,
    ...(ctx.resolverDefault ? { resolver: ctx.resolverDefault } : {}),
  });

  const notFound = (id: number) => new ApiError('not-found', `There is no audit #${id} in history.`);
  /** The id of the client named so; an unknown client is not found. */
  const clientIdOf = (name: string): number => {
    const client = store?.clientNamed(name);
    if (!client) throw new ApiError('not-found', `There is no client named "${name}".`);
    return client.id;
  };
  const messageNotFound = (id: number) => new ApiError('not-found', `There is no message #${id} in history.`);

  /**
   * One domain's audit as the settings say, not stored: audit.run's, and each watch's check. The
   * caller's resolver, parts left out and selectors come first; the DNS gate is the watches' rate limit.
   */
  const auditDomain = (domain: string, call: AuditCall & { sendingIps?: readonly string[]; onProgress?: (p: AuditProgress) => void }): Promise<AuditResult> => {
    const current = settings.get();
    const savedSelectors = current.dkimSelectors.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    return runAudit(domain, {
      dns: {
        servers: parseResolverSpec(call.resolver ?? current.resolver),
        timeoutMs: current.dnsTimeoutMs,
        ...(current.spamhausDqsKey ? { redact: [current.spamhausDqsKey] } : {}),
        // A DoH resolver in a lab presents a certificate from the lab's CA, like its HTTPS hosts.
        ...(call.network?.ca ? { ca: call.network.ca } : {}),
        ...(call.gate ? { gate: call.gate } : {}),
      },
      skip: call.skip ?? [],
      selectors: [...new Set([...(call.selectors ?? []), ...savedSelectors])],
      // Selectors that signed messages analysed here: DNS cannot list them, mail shows them.
      seenSelectors: store?.selectorsSeen(domain) ?? [],
      sendingIps: call.sendingIps ?? [],
      ...(current.spamhausDqsKey ? { spamhausDqsKey: current.spamhausDqsKey } : {}),
      ...(call.network ? { network: call.network } : {}),
      ...(call.onProgress ? { onProgress: call.onProgress } : {}),
    });
  };

  /** The filters to ask: the call's own addresses first, else the settings'; an empty one is not used. */
  const spamConfig = (given: { spamd?: string | undefined; rspamd?: string | undefined }): SpamFilterConfig => {
    const current = settings.get();
    return { spamd: (given.spamd ?? current.spamd) || null, rspamd: (given.rspamd ?? current.rspamd) || null };
  };

  const secrets = ctx.secrets ?? createSecretStore(ctx.cipher ?? null, store, NO_KEYCHAIN[ctx.transport]);
  const mail = createMailHandlers({
    store,
    secrets,
    env: ctx.env ?? process.env,
    ...(ctx.ca ? { ca: ctx.ca } : {}),
    timeoutMs: ctx.networkTimeoutMs ?? 15_000,
    emit: ctx.emit,
    dns: () => {
      const current = settings.get();
      return { servers: parseResolverSpec(current.resolver), timeoutMs: current.dnsTimeoutMs, ...(current.spamhausDqsKey ? { redact: [current.spamhausDqsKey] } : {}) };
    },
    spamhausDqsKey: () => settings.get().spamhausDqsKey || undefined,
    scoreSpam: (raw, given, envelope) =>
      scanMessage(raw, spamConfig(given), { timeoutMs: given.spamTimeoutMs ?? SPAM_TIMEOUT_MS, ...(envelope ? { envelope } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) }),
  });

  /**
   * The branding given with the call, or else, in the app, the one saved in Settings (checked when
   * it was saved). The command line brands only with --brand FILE, as it always has.
   */
  const brandFor = (given: ReportBrand | undefined): ReportBrand => {
    if (!given) return ctx.transport === 'cli' ? {} : settings.get().reportBrand;
    try {
      return checkBrand(given);
    } catch (err) {
      if (err instanceof BrandError) throw invalidField('brand', `Branding: ${err.message}`, `brand: ${err.message}`);
      throw err;
    }
  };

  /** A report as the format asks: PDF is the HTML report printed, its bytes in base64. */
  const exported = async (format: ExportFormat, render: (format: ReportFormat) => string): Promise<{ text: string; encoding?: 'base64'; bytes?: Uint8Array }> => {
    if (format !== 'pdf') return { text: render(format) };
    if (!ctx.printPdf) throw new ApiError('invalid-input', 'PDF reports cannot be printed here: export the report as HTML and print it from a browser.');
    const bytes = await ctx.printPdf(render('html'));
    return { text: Buffer.from(bytes).toString('base64'), encoding: 'base64', bytes };
  };

  /** One stored item's report and a file name for it (without the extension). */
  const renderStored = (kind: 'audit' | 'message' | 'placement', id: number, brand: ReportBrand): { render: (format: ReportFormat) => string; name: string } => {
    if (kind === 'message') {
      const analysis = store?.getMessage(id);
      if (!analysis) throw messageNotFound(id);
      return { render: (format) => renderMessageReport(analysis, format, brand), name: `deliverlab-message-${id}` };
    }
    if (kind === 'placement') {
      const run = store?.getPlacement(id);
      if (!run) throw new ApiError('not-found', `There is no placement run #${id} in history.`);
      // The copies analysed where they landed: what each receiver recorded and the local filters' verdicts.
      const copies = store ? copyReportsFor(store, run) : [];
      return { render: (format) => renderPlacementReport(run, format, brand, copies), name: `deliverlab-placement-${id}` };
    }
    const audit = store?.getAudit(id);
    if (!audit) throw notFound(id);
    const report = { audits: withHistory([{ result: audit }], true) };
    return { render: (format) => renderReport(report, format, brand), name: `deliverlab-audit-${id}` };
  };

  /**
   * Each audit with its score trend and what changed: what it came with (a report rendered again)
   * stays; the rest comes from history, up to that audit; results given in `compare` (another
   * report's) replace what changed.
   */
  const withHistory = (given: readonly ReportedAudit[], history: boolean, compare?: readonly AuditResult[]): ReportedAudit[] =>
    given.map((audit) => {
      const fromHistory = store && history && (!audit.trend || !audit.compared) ? historyOf(store, audit.result) : null;
      const trend = audit.trend ?? fromHistory?.trend;
      const compared = compare ? compareWithReport(compare, audit.result) : (audit.compared ?? fromHistory?.compared);
      // Sending health, when history has sending data for the domain up to the audit.
      const health = audit.health ?? (store && history ? healthSectionFor(store, audit.result.domain, audit.result.startedAt) : null);
      // What the DMARC and TLS reports say, when history has them for the domain up to the audit.
      const dmarcReports = audit.dmarcReports ?? (store && history ? dmarcSectionFor(store, audit.result) : null);
      return { result: audit.result, ...(trend ? { trend } : {}), ...(compared ? { compared } : {}), ...(health ? { health } : {}), ...(dmarcReports ? { dmarcReports } : {}) };
    });

  const storedAudits = (ids: readonly number[]): AuditResult[] =>
    ids.map((id) => {
      const stored = store?.getAudit(id);
      if (!stored) throw notFound(id);
      return stored;
    });

  const core: CoreHandlers = {
    'audit.run': async ({ domain, resolver, runId, skip, selectors, sendingIps, network }) => {
      try {
        const result = await auditDomain(domain, {
          ...(resolver ? { resolver } : {}),
          ...(skip ? { skip } : {}),
          ...(selectors ? { selectors } : {}),
          ...(sendingIps ? { sendingIps } : {}),
          ...(network ? { network } : {}),
          onProgress: (p) => ctx.emit('audit.progress', { ...p, ...(runId ? { runId } : {}) }),
        });
        result.id = null;
        if (store) {
          const previous = store.latestAudit(domain);
          if (previous) result.diff = diffAudits(previous, result);
          try {
            result.id = store.saveAudit(result);
          } catch (err) {
            // The audit is done and worth having: return it, and say why it is not in history.
            if (!(err instanceof HistoryError)) throw err;
            result.historyError = err.message;
          }
        }
        return result;
      } catch (err) {
        if (err instanceof ResolverUnreachableError) throw unreachable(err);
        throw err;
      }
    },
    'audit.spf-check': async ({ domain, ip, helo, mailFrom, resolver }) => {
      const current = settings.get();
      // The identity to check, as a receiver would (RFC 7208 §2.3, §2.4); '' is the HELO identity.
      const from = mailFrom?.replace(/^<(.*)>$/, '$1');
      let sender: string;
      if (from === undefined) {
        // RFC 7208 §2.3: a HELO name given without a MAIL FROM is checked on its own.
        sender = helo !== undefined ? '' : `postmaster@${domain}`;
      } else if (from === '' || from.includes('@')) {
        // A full address is checked in its own domain, whatever the typed domain: that is what
        // receivers do. Its domain comes from the message, so a malformed one gives none (§4.3).
        sender = from;
      } else {
        if (domain === undefined) throw invalidField('domain', `"${from}" is a local part: name the domain it belongs to, or give a full address`);
        sender = `${from}@${domain}`;
      }
      const heloName = helo ?? domain ?? sender.slice(sender.lastIndexOf('@') + 1);
      const dns = new DnsSession({ servers: parseResolverSpec(resolver ?? current.resolver), timeoutMs: current.dnsTimeoutMs });
      const out = await spfCheckHost({ ip, mailFrom: sender, helo: heloName }, dns);
      if (dns.unreachable()) throw unreachable(new ResolverUnreachableError(dns.resolverLabel));
      return out;
    },
    'audit.priorities': (input) => {
      let findings: Finding[];
      if ('id' in input) {
        const stored = store?.getAudit(input.id);
        if (!stored) throw notFound(input.id);
        findings = stored.findings;
      } else findings = input.findings as unknown as Finding[];
      // The reports' own ranking and words (core/report): the app's list and the report's never disagree.
      const items = prioritize({ findings }).map((item) => ({ ...item, impactLabel: IMPACT_WORDS[item.impact], title: item.findings.map((f) => f.title).join('; ') }));
      return { items };
    },
    'dkim.generate': ({ domain, selector, type, bits }) => generateDkimKey({ domain, selector, type, ...(bits ? { bits } : {}) }),
    'history.list': ({ client, ...query }) => (store ? store.listAudits({ ...query, ...(client !== undefined ? { clientId: clientIdOf(client) } : {}) }) : { items: [], total: 0 }),
    'history.compare': ({ a, b }) => {
      const [before, after] = storedAudits([a, b]) as [AuditResult, AuditResult];
      return compareAudits(before, after);
    },
    'history.recent': ({ limit, client }) => ({ items: store?.recentActivity({ limit, ...(client !== undefined ? { clientId: clientIdOf(client) } : {}) }) ?? [] }),
    'history.get': ({ id }) => {
      const audit = store?.getAudit(id);
      if (!audit) throw notFound(id);
      return audit;
    },
    'history.delete': ({ id }) => ({ deleted: store ? store.deleteAudit(id) : false }),
    'report.render': async ({ audits: named = [], message, placement, clientId, format, brand, client: cover, history = true, compare }) => {
      let audits = named;
      let client = cover;
      if (clientId !== undefined) {
        // A portfolio of one client: the latest stored audit of each of its domains, all of them or no report.
        const owner = store?.clientById(clientId);
        if (!owner) throw new ApiError('not-found', `There is no client #${clientId}.`);
        if (owner.domains.length === 0) throw new ApiError('invalid-input', `The client ${owner.name} has no domains to report on.`);
        if (owner.domains.length > MAX_REPORT_AUDITS) throw new ApiError('invalid-input', `A report covers at most ${MAX_REPORT_AUDITS} domains, and ${owner.name} has ${owner.domains.length}.`);
        const latest = owner.domains.map((domain) => ({ domain, id: store?.listAudits({ domain, limit: 1 }).items[0]?.id }));
        const missing = latest.filter((l) => l.id === undefined).map((l) => l.domain);
        if (missing.length > 0) throw new ApiError('invalid-input', `There is no stored audit of ${missing.join(', ')}: audit ${missing.length === 1 ? 'it' : 'them'} first.`);
        audits = latest.map((l) => l.id as number);
        client ??= owner.name;
      }
      const checked = brandFor(brand);
      if (message !== undefined) {
        const domain = store?.getMessage(message)?.summary.fromDomain;
        const item = renderStored('message', message, checked);
        const out = await exported(format, item.render);
        return { format, text: out.text, ...(out.encoding ? { encoding: out.encoding } : {}), name: item.name, domains: domain ? [domain] : [], kind: 'message' };
      }
      if (placement !== undefined) {
        const item = renderStored('placement', placement, checked);
        const out = await exported(format, item.render);
        return { format, text: out.text, ...(out.encoding ? { encoding: out.encoding } : {}), name: item.name, domains: [], kind: 'placement' };
      }
      const given = audits.map((audit): ReportedAudit => {
        // A result has a domain; an audit as a report embeds it (strict: result, trend, compared) has none.
        if (typeof audit !== 'number') return 'domain' in audit ? { result: audit as unknown as AuditResult } : (audit as unknown as ReportedAudit);
        return { result: storedAudits([audit])[0]! };
      });
      const report = { audits: withHistory(given, history, compare as unknown as AuditResult[] | undefined), ...(client ? { client } : {}) };
      const out = await exported(format, (f) => renderReport(report, f, checked));
      return { format, text: out.text, ...(out.encoding ? { encoding: out.encoding } : {}), domains: report.audits.map((a) => a.result.domain) };
    },
    'report.save': async ({ kind, id, ids, format }) => {
      if (!ctx.saveReport) throw new ApiError('unknown-operation', 'report.save needs the desktop app\'s save dialog; elsewhere report.render gives the report to download.');
      const brand = settings.get().reportBrand;
      const item =
        kind === 'portfolio'
          ? (() => {
              const report = { audits: withHistory(storedAudits(ids ?? []).map((result) => ({ result })), true) };
              return { render: (format: ReportFormat) => renderReport(report, format, brand), name: report.audits.length === 1 ? `deliverlab-audit-${ids?.[0]}` : `deliverlab-portfolio-${report.audits.length}-domains` };
            })()
          : renderStored(kind, id ?? 0, brand);
      const out = await exported(format, item.render);
      const path = await ctx.saveReport(item.name, format, out.bytes ?? out.text);
      return path === null ? { saved: false } : { saved: true, path };
    },
    'message.check': async ({ raw, encoding, ip, helo, mailFrom, resolver, storeRaw, checkLinkDomains, readiness, spam, spamd, rspamd, spamTimeoutMs }) => {
      const current = settings.get();
      // Buffer's decoder skips characters outside the alphabet: refuse them, or garbage would pass as a message.
      if (encoding === 'base64' && /[^A-Za-z0-9+/=_\-\s]/.test(raw)) {
        throw invalidField('raw', 'The message is not valid base64.', 'raw: the message is not valid base64.');
      }
      const bytes = Buffer.from(raw, encoding);
      const dns = new DnsSession({
        servers: parseResolverSpec(resolver ?? current.resolver),
        timeoutMs: current.dnsTimeoutMs,
        ...(current.spamhausDqsKey ? { redact: [current.spamhausDqsKey] } : {}),
      });
      let analysis: MessageAnalysis;
      try {
        analysis = await analyzeMessage(bytes, {
          dns,
          ...(ip ? { ip } : {}),
          ...(helo ? { helo } : {}),
          ...(mailFrom ? { mailFrom } : {}),
          checkLinkDomains,
          ...(current.spamhausDqsKey ? { spamhausDqsKey: current.spamhausDqsKey } : {}),
        });
        if (spam && !dns.unreachable()) {
          // The filters get the bytes as given and answer with a verdict only: what is stored is the original.
          const { envelope } = analysis;
          analysis.spam = await scanMessage(bytes, spamConfig({ spamd, rspamd }), {
            timeoutMs: spamTimeoutMs ?? SPAM_TIMEOUT_MS,
            envelope: { ip: envelope.ip, helo: envelope.helo, mailFrom: envelope.mailFrom },
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          });
        }
        // After the filters: their verdicts are part of the readiness summary.
        if (readiness && !dns.unreachable()) analysis.readiness = await messageReadiness(analysis, { dns, ...(current.spamhausDqsKey ? { spamhausDqsKey: current.spamhausDqsKey } : {}) });
      } catch (err) {
        if (err instanceof MessageInputError) throw new ApiError('invalid-input', err.message);
        throw err;
      } finally {
        dns.cancel();
      }
      // As for audits: with no DNS answer at all every result would be a temperror, which says nothing.
      if (dns.unreachable()) throw unreachable(new ResolverUnreachableError(dns.resolverLabel, dns.failureDetail()));
      analysis.id = null;
      if (store) {
        try {
          analysis.id = await store.saveMessage(analysis, (storeRaw ?? current.storeRawMessages) ? bytes : null);
        } catch (err) {
          // As for audits: the analysis is done and worth having, so return it and say why it is not kept.
          if (!(err instanceof HistoryError)) throw err;
          analysis.historyError = err.message;
        }
      }
      return analysis;
    },
    'message.list': (query) => (store ? store.listMessages(query) : { items: [], total: 0 }),
    'message.get': ({ id }) => {
      const analysis = store?.getMessage(id);
      if (!analysis) throw messageNotFound(id);
      return analysis;
    },
    'message.raw': ({ id }) => {
      const raw = store?.getRawMessage(id);
      if (!raw) {
        if (store?.getMessage(id)) throw new ApiError('not-found', `Message #${id} was analysed without keeping a copy of it.`);
        throw messageNotFound(id);
      }
      return { raw: raw.toString('base64') };
    },
    'message.delete': ({ id }) => ({ deleted: store ? store.deleteMessage(id) : false }),
    'message.readiness': async ({ id, placement, seed }) => {
      const analysis = id !== undefined ? store?.getMessage(id) : store?.getCopyAnalysis(placement as number, seed as string)?.analysis;
      if (!analysis) throw id !== undefined ? messageNotFound(id) : new ApiError('not-found', `The copy of seed "${seed}" in placement run #${placement} has not been analysed.`);
      const current = settings.get();
      const dns = new DnsSession({
        servers: parseResolverSpec(current.resolver),
        timeoutMs: current.dnsTimeoutMs,
        ...(current.spamhausDqsKey ? { redact: [current.spamhausDqsKey] } : {}),
      });
      try {
        return await messageReadiness(analysis, { dns, ...(current.spamhausDqsKey ? { spamhausDqsKey: current.spamhausDqsKey } : {}) });
      } finally {
        dns.cancel();
      }
    },
    'settings.get': () => settings.get(),
    'spam.status': ({ spamd, rspamd }) => spamStatus(spamConfig({ spamd, rspamd })),
    'settings.set': (given) => {
      // The alert settings are objects: a change given in part keeps the rest.
      const current = settings.get();
      const patch = {
        ...given,
        ...(given.alertRules ? { alertRules: { ...current.alertRules, ...defined(given.alertRules) } } : {}),
        ...(given.alertWebhook ? { alertWebhook: { ...current.alertWebhook, ...defined(given.alertWebhook) } } : {}),
        ...(given.alertEmail ? { alertEmail: { ...current.alertEmail, ...defined(given.alertEmail) } } : {}),
      } as Partial<Settings>;
      if (!patch.reportBrand) return settings.set(patch);
      const { brand, problems } = checkReportBrandSetting(patch.reportBrand);
      if (problems.length > 0) {
        const fields = problems.map((p) => ({ field: `reportBrand.${p.field}`, message: p.message }));
        throw new ApiError(
          'invalid-input',
          problems.map((p) => p.message).join('. '),
          fields.map((f) => ({ path: f.field, message: f.message })),
          { fields },
        );
      }
      return settings.set({ ...patch, reportBrand: brand });
    },
    'app.info': () => ({
      name: 'Deliverlab',
      version: ctx.version,
      node: process.versions.node,
      platform: process.platform,
      dataPath: ctx.dbPath ?? '(history off)',
      transport: ctx.transport,
    }),
  };
  const reports = createReportHandlers({
    store,
    settings,
    transport: ctx.transport,
    emit: ctx.emit,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.saveReport ? { saveReport: ctx.saveReport } : {}),
    mailboxLogin: mail.mailboxLogin,
  });
  const qa = createQaHandlers({
    settings,
    ...(ctx.ca ? { ca: ctx.ca } : {}),
    emit: (change) => ctx.emit('qa.changed', change),
    ...(ctx.askOpenPath ? { askOpenPath: ctx.askOpenPath } : {}),
    ...(ctx.askSavePath ? { askSavePath: ctx.askSavePath } : {}),
  });
  const { release: releaseWatches, close: closeQa, ...qaHandlers } = qa;
  const watch = createWatchHandlers({
    store,
    settings,
    secrets,
    env: ctx.env ?? process.env,
    audit: auditDomain,
    mailer: mail.alertMailer,
    emit: ctx.emit,
  });
  const health = createHealthHandlers({
    store,
    settings,
    transport: ctx.transport,
    addWatches: (input) => watch['watch.add'](input),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  // The one place the sending data (the imported ESP exports) reaches the warm-up planner.
  const warmup = createWarmupHandlers({ store, ...(store ? { dailyVolume: (query) => store.dailyVolume(query), dailyVolumeByProvider: (query) => store.dailyVolumeByProvider(query) } : {}) });
  const { cancelAll: cancelReportImports, ...reportHandlers } = reports;
  const { cancelAll: cancelHealthImports, ...healthHandlers } = health;
  const handlers: Handlers = { ...core, ...mail, ...reportHandlers, ...qaHandlers, ...watch, ...healthHandlers, ...warmup };

  return {
    async dispatch(name, input, caller = LOCAL_CALLER) {
      if (!isOperation(name)) throw new ApiError('unknown-operation', `There is no operation "${name}".`);
      const parsed = operations[name].input.safeParse(input ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        const fields = parsed.error.issues.map((i) => fieldOf(i.path, i.message));
        throw new ApiError('invalid-input', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues, { fields });
      }
      try {
        const result = await (handlers[name] as (input: unknown, caller: string) => unknown)(parsed.data, caller);
        return LISTS.has(name) ? boundListAnswer(result as { items: unknown[] }) : result;
      } catch (err) {
        if (err instanceof HistoryError) throw new ApiError('internal', err.message);
        if (err instanceof RangeInputError) throw invalidField(err.field, err.message);
        throw err;
      }
    },
    watchService(overrides, hooks) {
      try {
        return watch.service(overrides, hooks);
      } catch (err) {
        if (err instanceof HistoryError) throw new ApiError('internal', err.message);
        throw err;
      }
    },
    releaseWatches,
    close() {
      watch.close();
      closeQa();
      mail.cancelAll();
      cancelReportImports();
      cancelHealthImports();
      if (ownsStore) store?.close();
    },
  };
}

