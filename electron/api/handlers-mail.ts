/**
 * The operations for test sends and inbox placement: SMTP profiles, seeds, secrets, sends, runs.
 *
 * Secrets never cross the transport towards the renderer: they come in once (smtp.save,
 * seeds.save, dkim.save-key), go to the secret store, and are read back only here, at the moment
 * a connection needs them. A profile or seed may instead name an environment variable (the only
 * way under `deliverlab serve`, which has no keychain).
 */
import { HistoryError, type HistoryStore } from '../core/history/store';
import { DnsSession, type DnsSessionOptions } from '../core/dns/session';
import { analyzeMessage } from '../core/message/analyze';
import { MessageInputError } from '../core/message/input';
import { messageReadiness } from '../core/message/readiness';
import type { DraftCheck } from '../core/message/types';
import { analyseCopy, CopyError } from '../core/placement/copy';
import { validateProfile, type SmtpSecrets } from '../core/send/profile';
import { sendAndRecord } from '../core/send/record';
import { checkDkim, composeOutgoing, sendTest, testConnection, type SendRequest } from '../core/send/send';
import type { SpamEnvelope, SpamFilterResult } from '../core/spam/types';
import type { EmailSender } from '../core/watch/delivery';
import type { AlertPayload } from '../core/watch/types';
import type { SmtpProfile } from '../core/send/types';
import { testSeed } from '../core/placement/imap';
import { duplicateAddressWarnings, validateSeed } from '../core/placement/seeds';
import { runPlacementAndRecord } from '../core/placement/record';
import type { ImapErrorInfo, Seed, SeedSecrets } from '../core/placement/types';
import { isOAuth2, secretVariable } from '../shared/mail-login';
import { secretKey, SecretStoreError, type SecretStore, type SecretStoreStatus } from '../core/secrets';
import type { MailAuth } from '../core/types';
import { ApiError } from './errors';
import type { EventName } from './names';
import type { EventPayload, OpParsed, OpResult, SecretSource, StoredProfile, StoredSeed } from './operations';

export interface MailContext {
  store: HistoryStore | null;
  secrets: SecretStore;
  /** Where passwordEnv / oauth2TokenEnv are read: the process environment. */
  env: NodeJS.ProcessEnv;
  /** Extra trusted CA certificates (PEM) for SMTP and IMAP, e.g. a test lab's (serve --ca-file). */
  ca?: string[];
  /** The deadline of each network step. */
  timeoutMs: number;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** The DNS a copy's or a draft's analysis uses: the resolver and deadline the settings say, as message.check. */
  dns?: () => DnsSessionOptions;
  /** The Spamhaus Data Query Service key of the settings, for a draft's readiness lookups. */
  spamhausDqsKey?: () => string | undefined;
  /** The spam filters' verdicts on a message (the settings' filters unless the call names its own). */
  scoreSpam: (
    raw: Buffer,
    given: { spamd?: string | undefined; rspamd?: string | undefined; spamTimeoutMs?: number | undefined },
    envelope?: SpamEnvelope,
  ) => Promise<SpamFilterResult[]>;
}

/** The address in a From value ("Name <a@b.example>" or "a@b.example"). */
const recipientOf = (from: string): string => /<?([^<>\s]+@[^<>\s]+)>?\s*$/.exec(from)?.[1] ?? from;

export type MailOperation =
  | 'smtp.list'
  | 'smtp.save'
  | 'smtp.delete'
  | 'smtp.test'
  | 'seeds.list'
  | 'seeds.save'
  | 'seeds.delete'
  | 'seeds.test'
  | 'secrets.status'
  | 'dkim.save-key'
  | 'send.run'
  | 'send.list'
  | 'send.get'
  | 'placement.run'
  | 'placement.cancel'
  | 'placement.list'
  | 'placement.get'
  | 'placement.delete'
  | 'placement.trend'
  | 'placement.analyse-copy'
  | 'placement.copy'
  | 'spam.draft';

type MailHandlers = { [N in MailOperation]: (input: OpParsed<N>) => Promise<OpResult<N>> | OpResult<N> };

/** What a stored secret is bound to: the server and the login. */
type Endpoint = { host: string; port: number; security: string; auth?: MailAuth };

/** Variables the app and serve may read secrets from. */
export const ENV_PREFIX = 'DELIVERLAB_';

function loginChanges(before: Endpoint, after: Endpoint): string[] {
  const changes: string[] = [];
  if (before.host.toLowerCase() !== after.host.toLowerCase()) changes.push(`the host (${before.host} → ${after.host})`);
  if (before.port !== after.port) changes.push(`the port (${before.port} → ${after.port})`);
  if (before.security !== after.security) changes.push(`the security (${before.security} → ${after.security})`);
  if (before.auth?.user !== after.auth?.user) changes.push(`the user (${before.auth?.user ?? 'none'} → ${after.auth?.user ?? 'none'})`);
  if (before.auth && after.auth && isOAuth2(before.auth) !== isOAuth2(after.auth)) changes.push('the kind of login');
  return changes;
}

/** Which secret an auth block needs and where it comes from. */
function secretSource(auth: MailAuth | undefined, key: string, ctx: MailContext): SecretSource {
  if (!auth) return 'none';
  const variable = secretVariable(auth);
  if (variable) return ctx.env[variable] ? 'env' : 'missing';
  return ctx.secrets.has(key) ? 'stored' : 'missing';
}

/** The secret for an auth block, from its environment variable or the secret store; explains what is missing. */
function readSecret(auth: MailAuth | undefined, key: string, what: string, ctx: MailContext): { password?: string; oauth2Token?: string } {
  if (!auth) return {};
  const oauth = isOAuth2(auth);
  const variable = secretVariable(auth);
  const kind = oauth ? 'OAuth2 access token' : 'password';
  if (variable) {
    const value = ctx.env[variable];
    if (!value) throw new ApiError('invalid-input', `${what}: the ${kind} for ${auth.user} is read from the environment variable ${variable}, which is not set for this process.`);
    return oauth ? { oauth2Token: value } : { password: value };
  }
  const value = ctx.secrets.get(key);
  if (!value) {
    const status = ctx.secrets.status();
    throw new ApiError(
      'invalid-input',
      status.available
        ? `${what}: no ${kind} is saved for ${auth.user}. Save the ${what.startsWith('seed') ? 'seed' : 'profile'} again with its ${kind}.`
        : `${what}: no ${kind} is saved for ${auth.user}, and none can be: ${status.reason ?? 'the secret store is unavailable'}`,
    );
  }
  return oauth ? { oauth2Token: value } : { password: value };
}

/**
 * Why a seed's secret cannot be had, in words that say what to do; null when it can.
 *
 * A run ends such a seed as an error at once and goes on with the others.
 */
function seedSecretProblem(seed: Seed, ctx: MailContext): ImapErrorInfo | null {
  const oauth = isOAuth2(seed.auth);
  const kind = oauth ? 'OAuth2 token' : 'password';
  const variable = secretVariable(seed.auth);
  if (variable) {
    if (ctx.env[variable]) return null;
    return { kind: 'auth', code: 'ENOSECRET', explanation: `The ${kind} for seed ${seed.name} is read from $${variable}, which is not set for Deliverlab: set it and start Deliverlab again.` };
  }
  if (ctx.secrets.get(secretKey.seed(seed.name))) return null;
  const status = ctx.secrets.status();
  return {
    kind: 'auth',
    code: 'ENOSECRET',
    explanation: status.available
      ? `No ${kind} stored for seed ${seed.name}: open Seeds and enter it.`
      : `No ${kind} stored for seed ${seed.name}, and none can be stored here (${status.reason ?? 'the secret store is unavailable'}): open Seeds and name the environment variable that holds it.`,
  };
}

/** Why the store refused, for the app to word: the message names the profile's field paths. */
function unavailableWords(status: SecretStoreStatus): { reason?: 'secrets-unavailable'; params?: Record<string, string> } {
  const { available, cause, backend, detail } = status;
  return !available && cause ? { reason: 'secrets-unavailable', params: { cause, ...(backend ? { backend } : {}), ...(detail ? { detail } : {}) } } : {};
}

function storeSecret(ctx: MailContext, key: string, value: string): void {
  try {
    ctx.secrets.set(key, value);
  } catch (err) {
    if (err instanceof SecretStoreError) throw new ApiError('invalid-input', `The secret was not saved: ${err.message}`, undefined, unavailableWords(ctx.secrets.status()));
    throw err;
  }
}

/** An alert as a short email: plain text, with the HTML part made of the same lines. */
function alertMessage(payload: AlertPayload): { subject: string; text: string; html: string } {
  // Titles carry what DNS published: no line break may reach the Subject header.
  const subject = [...`Deliverlab alert: ${payload.title}`].map((c) => (c < ' ' || c === '\u007f' ? ' ' : c)).join('').slice(0, 900);
  const lines = [
    payload.title,
    '',
    payload.detail,
    ...(payload.before !== undefined ? ['', `Before: ${payload.before}`] : []),
    ...(payload.after !== undefined ? [`After: ${payload.after}`] : []),
    ...(payload.fix ? ['', `Fix: ${payload.fix}`] : []),
    '',
    `Rule: ${payload.rule}. Watch: ${payload.watch.kind === 'ip' ? 'sending IP' : 'domain'} ${payload.target}${payload.watch.client ? `, client ${payload.watch.client}` : ''}. Raised ${payload.raisedAt}${payload.auditId !== null ? `, audit #${payload.auditId}` : ''}.`,
  ];
  const text = lines.join('\n');
  const escape = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return { subject, text, html: `<pre style="font-family: sans-serif; white-space: pre-wrap">${escape(text)}</pre>` };
}

/** A mailbox to read: a saved seed by name, or an account (with its secret, or the variable it names). */
export type MailboxRef = { seed: string } | { account: unknown; secret?: string | undefined };

/** A mailbox's login, its secret, and the connection's deadline and trusted CAs. */
export interface MailboxLogin {
  seed: Seed;
  secrets: SeedSecrets;
  connection: { timeoutMs: number; ca?: string[] };
}

export function createMailHandlers(
  ctx: MailContext,
): MailHandlers & { cancelAll(): void; alertMailer(profile: string, to: readonly string[]): EmailSender; mailboxLogin(ref: MailboxRef): MailboxLogin } {
  const running = new Map<string, AbortController>();

  /**
   * The draft's bytes analysed as a message while the filters score them, then its readiness.
   *
   * A draft has not been sent: no sending IP, so SPF and the IP's blocklists wait for the send; the
   * DKIM signature it carries is verified, and its link domains are looked up.
   */
  const draftReadiness = async (raw: Buffer, scoring: Promise<SpamFilterResult[]>): Promise<Pick<DraftCheck, 'spam' | 'readiness' | 'readinessError'>> => {
    const dns = new DnsSession(ctx.dns?.() ?? { servers: null });
    try {
      // The readiness lookups do the link domains' blocklists: content lint need not do them twice.
      const analysing = analyzeMessage(raw, { dns, checkLinkDomains: false });
      const [analysis, spam] = await Promise.all([analysing.catch((err: unknown) => err as Error), scoring]);
      if (analysis instanceof MessageInputError) throw new ApiError('invalid-input', `The draft is not a message that can be analysed: ${analysis.message}`);
      if (analysis instanceof Error) throw analysis;
      if (dns.unreachable()) {
        const detail = dns.failureDetail();
        return { spam, readinessError: `The DNS resolver ${dns.resolverLabel} did not answer${detail ? ` (${detail})` : ''}, so the readiness could not be checked: the DKIM key, the DMARC record and the blocklists are all looked up in DNS.` };
      }
      analysis.spam = spam;
      const key = ctx.spamhausDqsKey?.();
      return { spam, readiness: await messageReadiness(analysis, { dns, draft: true, ...(key ? { spamhausDqsKey: key } : {}) }) };
    } finally {
      dns.cancel();
    }
  };

  const needStore = (what: string): HistoryStore => {
    if (!ctx.store) throw new ApiError('invalid-input', `History is off (--no-history), so ${what} cannot be kept.`, undefined, { reason: 'history-off' });
    return ctx.store;
  };
  const profileNamed = (name: string): SmtpProfile => {
    const profile = ctx.store?.listProfiles().find((p) => p.name === name);
    if (!profile) throw new ApiError('not-found', `There is no SMTP profile named "${name}".`);
    return profile;
  };
  const seedNamed = (name: string): Seed => {
    const seed = ctx.store?.listSeeds().find((s) => s.name === name);
    if (!seed) throw new ApiError('not-found', `There is no seed mailbox named "${name}".`);
    return seed;
  };
  const profileSecrets = (p: SmtpProfile): SmtpSecrets => readSecret(p.auth, secretKey.smtp(p.name), `profile "${p.name}"`, ctx);
  const seedSecrets = (s: Seed): SeedSecrets => readSecret(s.auth, secretKey.seed(s.name), `seed "${s.name}"`, ctx);
  const storedProfile = (profile: SmtpProfile, warnings: string[] = []): StoredProfile => ({ profile, secret: secretSource(profile.auth, secretKey.smtp(profile.name), ctx), warnings });
  const storedSeed = (seed: Seed, warnings: string[] = []): StoredSeed => ({ seed, secret: secretSource(seed.auth, secretKey.seed(seed.name), ctx), warnings });
  const conn = () => ({ timeoutMs: ctx.timeoutMs, ...(ctx.ca ? { ca: ctx.ca } : {}) });
  /** A list query with the client's name turned into its id; an unknown client is not found. */
  const byClient = <Q extends { client?: string | undefined }>(query: Q): Omit<Q, 'client'> & { clientId?: number } => {
    const { client, ...rest } = query;
    if (client === undefined) return rest;
    const found = ctx.store?.clientNamed(client);
    if (!found) throw new ApiError('not-found', `There is no client named "${client}".`);
    return { ...rest, clientId: found.id };
  };

  const dkimFor = (dkim: { domain: string; selector: string } | undefined): SendRequest['dkim'] => {
    if (!dkim) return undefined;
    const privateKey = ctx.secrets.get(secretKey.dkim(dkim.domain, dkim.selector));
    if (!privateKey) {
      throw new ApiError('invalid-input', `No DKIM key is saved for ${dkim.selector}._domainkey.${dkim.domain}: generate one (DKIM keys) or paste yours, and save it for test sends.`);
    }
    return { domain: dkim.domain, selector: dkim.selector, privateKey };
  };

  const invalid = (err: unknown): never => {
    throw new ApiError('invalid-input', (err as Error).message);
  };

  /**
   * Everything about a login that can be refused, checked before anything is written: where the
   * secret comes from, whether it can be stored, and whether a stored one may follow the change.
   */
  const checkLogin = (what: string, next: Endpoint, previous: Endpoint | undefined, secret: string | undefined, key: string) => {
    const variable = next.auth ? secretVariable(next.auth) : undefined;
    // The app reads only its own variables: a shared profile or seed file must not make it send
    // another program's secret (say $AWS_SECRET_ACCESS_KEY) to a server of the file's choosing.
    if (variable !== undefined && !variable.startsWith(ENV_PREFIX)) {
      const renamed = `${ENV_PREFIX}${variable.replace(/^deliverlab_?/i, '') || 'SMTP_PASSWORD'}`;
      throw new ApiError(
        'invalid-input',
        `${what}: secret variables must start with ${ENV_PREFIX} (a shared profile or seed must not make Deliverlab send another program's secret), so $${variable} is not read. Name it ${renamed} and start Deliverlab with it set: ${renamed}=… npx deliverlab serve.`,
      );
    }
    if (secret !== undefined) {
      if (!next.auth) throw new ApiError('invalid-input', `${what} has no login (auth), so it takes no password.`);
      if (variable !== undefined) throw new ApiError('invalid-input', `${what} reads its secret from an environment variable; leave the password empty or remove the variable's name.`);
      const status = ctx.secrets.status();
      if (!status.available) throw new ApiError('invalid-input', `The secret was not saved: ${status.reason ?? 'the secret store is unavailable'}`, undefined, unavailableWords(status));
      return;
    }
    // A stored secret is only ever sent to the server and login it was typed for.
    if (previous && next.auth && variable === undefined && ctx.secrets.has(key)) {
      const changes = loginChanges(previous, next);
      if (changes.length) {
        throw new ApiError('invalid-input', `${what}: ${changes.join(', ')} changed, so type the ${isOAuth2(next.auth) ? 'token' : 'password'} again. A stored secret is only ever sent to the server it was saved for.`);
      }
    }
  };

  /** Stores the typed secret, or drops one no longer used; puts the previous item back if that fails. */
  const writeSecret = (key: string, secret: string | undefined, auth: MailAuth | undefined, restore: () => unknown) => {
    try {
      if (secret !== undefined) storeSecret(ctx, key, secret);
      else if ((!auth || secretVariable(auth) !== undefined) && ctx.secrets.has(key)) ctx.secrets.delete(key);
    } catch (err) {
      restore();
      throw err;
    }
  };

  return {
    'smtp.list': () => ({ profiles: (ctx.store?.listProfiles() ?? []).map((p) => storedProfile(p)) }),
    'smtp.save': ({ profile: input, secret }) => {
      const store = needStore('SMTP profiles');
      let checked: ReturnType<typeof validateProfile>;
      try {
        // Validates first, without writing: a profile carrying a secret is refused here, with words.
        checked = validateProfile(input);
      } catch (err) {
        return invalid(err);
      }
      const { profile } = checked;
      const previous = store.listProfiles().find((p) => p.name === profile.name);
      const key = secretKey.smtp(profile.name);
      checkLogin(`profile "${profile.name}"`, profile, previous, secret, key);
      let saved: ReturnType<HistoryStore['saveProfile']>;
      try {
        saved = store.saveProfile(input);
      } catch (err) {
        return invalid(err);
      }
      writeSecret(key, secret, profile.auth, () => (previous ? store.saveProfile(previous) : store.deleteProfile(profile.name)));
      return storedProfile(saved.profile, saved.warnings);
    },
    'smtp.delete': ({ name }) => {
      // Deleting the profile deletes its stored secret in the same transaction.
      return { deleted: ctx.store?.deleteProfile(name) ?? false };
    },
    'smtp.test': async ({ name }) => {
      const profile = profileNamed(name);
      const { warnings } = validateProfile(profile);
      return testConnection(profile, profileSecrets(profile), { ...conn(), warnings });
    },
    'seeds.list': () => ({ seeds: (ctx.store?.listSeeds() ?? []).map((s) => storedSeed(s)) }),
    'seeds.save': ({ seed: input, secret }) => {
      const store = needStore('seed mailboxes');
      let checked: ReturnType<typeof validateSeed>;
      try {
        checked = validateSeed(input);
      } catch (err) {
        return invalid(err);
      }
      const { seed } = checked;
      const previous = store.listSeeds().find((s) => s.name === seed.name);
      const key = secretKey.seed(seed.name);
      checkLogin(`seed "${seed.name}"`, seed, previous, secret, key);
      let saved: ReturnType<HistoryStore['saveSeed']>;
      try {
        saved = store.saveSeed(input);
      } catch (err) {
        return invalid(err);
      }
      writeSecret(key, secret, seed.auth, () => (previous ? store.saveSeed(previous) : store.deleteSeed(seed.name)));
      return storedSeed(saved.seed, saved.warnings);
    },
    'seeds.delete': ({ name }) => {
      return { deleted: ctx.store?.deleteSeed(name) ?? false };
    },
    'seeds.test': async ({ name }) => {
      const seed = seedNamed(name);
      return testSeed(seed, seedSecrets(seed), conn());
    },
    'secrets.status': () => ctx.secrets.status(),
    'dkim.save-key': ({ domain, selector, privateKey }) => {
      // Refuse a key the signer would refuse, now rather than at the first send.
      const check = checkDkim({ domain, selector, privateKey }, `test@${domain}`);
      if ('error' in check) {
        const { explanation, reason, params } = check.error;
        // The reasons a key is refused for are ApiErrorReasons too (send.ts SendErrorReason).
        const words = reason === 'dkim-key-not-pem' || reason === 'dkim-key-short' ? { reason, ...(params ? { params } : {}) } : {};
        throw new ApiError('invalid-input', explanation, undefined, words);
      }
      const key = secretKey.dkim(domain, selector);
      storeSecret(ctx, key, privateKey);
      return { saved: true, key: `${selector}._domainkey.${domain}` };
    },
    'send.run': async ({ profile: name, to, subject, html, text, headers, dkim, qa }) => {
      const profile = profileNamed(name);
      const { warnings } = validateProfile(profile);
      return sendAndRecord(
        {
          profile,
          secrets: profileSecrets(profile),
          to,
          subject,
          html,
          ...(text !== undefined ? { text } : {}),
          ...(headers ? { headers } : {}),
          ...(dkim ? { dkim: dkimFor(dkim) } : {}),
          ...conn(),
          warnings,
        },
        { store: ctx.store, keepDkimRefusal: true, ...(qa ? { qa } : {}) },
      );
    },
    'spam.draft': async ({ raw, encoding, profile: name, subject, html, text, headers, dkim, to, readiness, spamd, rspamd, spamTimeoutMs }): Promise<DraftCheck> => {
      const given = { spamd, rspamd, spamTimeoutMs };
      if (raw !== undefined) {
        if (encoding === 'base64' && /[^A-Za-z0-9+/=_\-\s]/.test(raw)) throw new ApiError('invalid-input', 'The message is not valid base64.');
        const bytes = Buffer.from(raw, encoding);
        if (bytes.length === 0) throw new ApiError('invalid-input', 'The message is empty.');
        const spam = ctx.scoreSpam(bytes, given);
        return { ...(readiness ? await draftReadiness(bytes, spam) : { spam: await spam }), bytes: bytes.length };
      }
      const profile = profileNamed(name as string);
      const recipients = to && to.length > 0 ? to : [recipientOf(profile.from)];
      const composed = await composeOutgoing({
        profile,
        to: recipients,
        subject: subject as string,
        html: html as string,
        ...(text !== undefined ? { text } : {}),
        ...(headers ? { headers } : {}),
        ...(dkim ? { dkim: dkimFor(dkim) } : {}),
      });
      if ('error' in composed) throw new ApiError('invalid-input', composed.error.explanation);
      // The envelope the send would use: rspamd weighs From against MAIL FROM and the recipients.
      const spam = ctx.scoreSpam(composed.raw, given, { mailFrom: profile.envelopeFrom ?? recipientOf(profile.from), rcpt: recipients });
      return {
        // The same bytes are scored and analysed: a second composition would have another Date and Message-ID.
        ...(readiness ? await draftReadiness(composed.raw, spam) : { spam: await spam }),
        bytes: composed.raw.length,
        messageId: composed.messageId,
        ...(composed.dkim ? { dkim: { domain: composed.dkim.domain, selector: composed.dkim.selector } } : {}),
      };
    },
    'send.list': (query) => ctx.store?.listSends(byClient(query)) ?? { items: [], total: 0 },
    'send.get': ({ id }) => {
      const found = ctx.store?.getSend(id);
      if (!found) throw new ApiError('not-found', `There is no test send #${id} in history.`);
      return found;
    },
    'placement.run': async ({ profile: name, subject, html, text, headers, dkim, seeds: names, deadlineMs, cleanup, bounceSeed, runId, qa }) => {
      const profile = profileNamed(name);
      const { warnings } = validateProfile(profile);
      const bounceAt = bounceSeed === undefined ? undefined : seedNamed(bounceSeed);
      const all = ctx.store?.listSeeds() ?? [];
      // Without a choice every seed gets the copy, but for the bounce mailbox (the sender's own).
      const chosen = names ? names.map(seedNamed) : all.filter((s) => s.name !== bounceAt?.name);
      if (chosen.length === 0) throw new ApiError('invalid-input', 'There are no seed mailboxes yet: add at least one under Seeds.');
      // A seed without its secret ends as that seed's error; the others run, and the run is recorded.
      const seeds = chosen.map((seed) => {
        const unavailable = seedSecretProblem(seed, ctx);
        return unavailable ? { seed, secrets: {}, unavailable } : { seed, secrets: seedSecrets(seed) };
      });
      const runWarnings = [...warnings, ...duplicateAddressWarnings(chosen)];
      let bounceMailbox: { seed: Seed; secrets: SeedSecrets } | undefined;
      if (bounceAt && !chosen.some((s) => s.name === bounceAt.name)) {
        const problem = seedSecretProblem(bounceAt, ctx);
        if (problem) runWarnings.push(`Bounces are not watched in ${bounceAt.name}: ${problem.explanation}`);
        else bounceMailbox = { seed: bounceAt, secrets: seedSecrets(bounceAt) };
      }
      const smtpSecrets = profileSecrets(profile);
      const signing = dkimFor(dkim);
      if (running.size > 0) {
        throw new ApiError('invalid-input', `A placement run is already going on (${[...running.keys()].join(', ')}): wait for it to finish, or cancel it. Runs share the seeds' mailboxes and logins, so they go one at a time.`);
      }
      const controller = new AbortController();
      let token: string | undefined;
      return runPlacementAndRecord(
        {
          profile,
          smtpSecrets,
          seeds,
          subject,
          html,
          ...(text !== undefined ? { text } : {}),
          ...(headers ? { headers } : {}),
          ...(signing ? { dkim: signing } : {}),
          ...(deadlineMs ? { deadlineMs } : {}),
          cleanup,
          timeoutMs: ctx.timeoutMs,
          ...(ctx.ca ? { ca: ctx.ca } : {}),
          ...(bounceMailbox ? { bounceMailbox } : {}),
          warnings: runWarnings,
          ...(qa ? { qa } : {}),
          signal: controller.signal,
          onEvent: (event) => {
            if (event.type === 'started') {
              token = event.token;
              running.set(event.token, controller);
            }
            ctx.emit('placement.progress', { ...event, ...(runId ? { runId } : {}) });
          },
        },
        ctx.store,
      ).finally(() => {
        if (token) running.delete(token);
      });
    },
    'placement.cancel': ({ token }) => {
      const controller = running.get(token);
      controller?.abort();
      return { cancelled: Boolean(controller) };
    },
    'placement.list': (query) => ctx.store?.listPlacements(byClient(query)) ?? { items: [], total: 0 },
    'placement.get': ({ id }) => {
      const run = ctx.store?.getPlacement(id);
      if (!run) throw new ApiError('not-found', `There is no placement run #${id} in history.`);
      return run;
    },
    'placement.delete': ({ id }) => ({ deleted: ctx.store?.deletePlacement(id) ?? false }),
    'placement.trend': (query) => ({ series: ctx.store?.placementTrend(query) ?? [] }),
    'placement.analyse-copy': async ({ id, seed: name }) => {
      const store = needStore('a copy\'s analysis');
      const run = store.getPlacement(id);
      if (!run) throw new ApiError('not-found', `There is no placement run #${id} in history.`);
      const outcome = run.seeds.find((s) => s.seed === name);
      if (!outcome) throw new ApiError('not-found', `Seed "${name}" is not part of placement run #${id}.`);
      const seed = seedNamed(name);
      const dqsKey = ctx.spamhausDqsKey?.();
      let copy: Awaited<ReturnType<typeof analyseCopy>>;
      try {
        copy = await analyseCopy({
          seed,
          secrets: seedSecrets(seed),
          token: run.token,
          placementId: id,
          outcome,
          dns: ctx.dns?.() ?? { servers: null },
          ...(dqsKey ? { spamhausDqsKey: dqsKey } : {}),
          // The spam filters set in Settings (none: an empty list, said as such).
          scoreSpam: (raw) => ctx.scoreSpam(raw, {}),
          ...conn(),
        });
      } catch (err) {
        if (err instanceof CopyError) throw new ApiError(err.code === 'no-copy' || err.code === 'gone' ? 'not-found' : 'invalid-input', err.message);
        if (err instanceof MessageInputError) throw new ApiError('invalid-input', `The copy in ${name} is not a message that can be analysed: ${err.message}`);
        throw err;
      }
      try {
        store.saveCopyAnalysis(id, copy);
      } catch (err) {
        // As for message.check: the analysis is done and worth having; say why it is not kept.
        if (!(err instanceof HistoryError)) throw err;
        copy.historyError = err.message;
      }
      return copy;
    },
    'placement.copy': ({ id, seed }) => {
      const copy = ctx.store?.getCopyAnalysis(id, seed);
      if (!copy) throw new ApiError('not-found', `The copy of seed "${seed}" in placement run #${id} has not been analysed.`);
      return copy;
    },
    cancelAll() {
      for (const controller of running.values()) controller.abort();
    },
    alertMailer: (name, to) => async (payload) => {
      const profile = profileNamed(name);
      const message = alertMessage(payload);
      const result = await sendTest({ profile, secrets: profileSecrets(profile), to: [...to], ...message, ...conn(), warnings: [] });
      if (!result.ok) throw new Error(result.error?.explanation ?? 'the alert email was not accepted');
    },
    mailboxLogin: (ref) => {
      if ('seed' in ref) {
        const seed = seedNamed(ref.seed);
        return { seed, secrets: seedSecrets(seed), connection: conn() };
      }
      let seed: Seed;
      try {
        seed = validateSeed(ref.account, 'the account').seed;
      } catch (err) {
        return invalid(err);
      }
      if (ref.secret !== undefined) return { seed, secrets: isOAuth2(seed.auth) ? { oauth2Token: ref.secret } : { password: ref.secret }, connection: conn() };
      // No secret given: the variable the account names, under the rule a saved seed follows.
      if (secretVariable(seed.auth) === undefined) {
        throw new ApiError('invalid-input', `the account: name the environment variable that holds the ${isOAuth2(seed.auth) ? 'OAuth2 token' : 'password'} for ${seed.auth.user} (auth.passwordEnv or auth.oauth2TokenEnv).`);
      }
      checkLogin('the account', seed, undefined, undefined, '');
      return { seed, secrets: readSecret(seed.auth, '', 'the account', ctx), connection: conn() };
    },
  };
}
