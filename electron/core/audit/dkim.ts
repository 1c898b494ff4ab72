/**
 * DKIM check: finds the domain's public keys by trying selector names, and judges each key.
 *
 * DNS cannot list a domain's selectors, so discovery guesses: the names the user gave, the ones seen
 * in analysed messages, the ones the domain's mail providers use (from its MX hosts and SPF includes),
 * and a built-in list of common names. Finding nothing proves nothing, and the findings say so.
 */
import catalog from '../../../resources/dkim-selectors.json';
import { DnsError } from '../dns/session';
import type { AuditContext, CheckOutput } from './context';
import { isValidSelector, looksLikeDkimKey, parseDkimKey, type ParsedDkimKey } from './dkim-parse';
import { finding, statusOf } from './finding';
import { failuresText, isVoidCode } from './lookup-failure';
import type { DkimSelector, Finding, SpfNode, SpfTerm } from './types';

type Source = NonNullable<DkimSelector['source']>;

export interface SelectorCatalog {
  selectors: { selector: string; provider: string }[];
  providers: { provider: string; hosts: string[]; selectors: string[] }[];
}

export const BUILTIN_CATALOG: SelectorCatalog = catalog;

/** At most this many selectors are queried per audit (user-named ones always are, up to it). */
export const MAX_SELECTORS = 80;

export interface SelectorCandidate {
  selector: string;
  source: Source;
  provider?: string;
}

/** Host names a provider can be recognized by: MX exchanges and SPF include/redirect targets. */
export function providerHints(mxHosts: readonly string[], spfTerms: readonly SpfTerm[], spfTree?: SpfNode): string[] {
  const names = new Set(mxHosts.map((h) => h.toLowerCase().replace(/\.$/, '')));
  const addTerms = (terms: readonly SpfTerm[]) => {
    for (const t of terms) {
      if ((t.name === 'include' || t.name === 'redirect') && t.value && !t.macro) names.add(t.value.toLowerCase().replace(/\.$/, ''));
    }
  };
  addTerms(spfTerms);
  // The tree is bounded by the SPF check (10 lookups); the depth guard is for malformed input only.
  const walk = (node: SpfNode | undefined, depth: number) => {
    if (!node || depth > 12) return;
    addTerms(node.terms);
    for (const t of node.terms) walk(t.child, depth + 1);
  };
  walk(spfTree, 0);
  names.delete('');
  return [...names];
}

/** The selectors to try, deduplicated, the most telling source first, bounded by MAX_SELECTORS. */
export function selectorCandidates(
  hints: readonly string[],
  options: { selectors?: readonly string[]; seenSelectors?: readonly string[] },
  source: SelectorCatalog = BUILTIN_CATALOG,
): SelectorCandidate[] {
  const out = new Map<string, SelectorCandidate>();
  const providerOf = new Map(source.selectors.map((s) => [s.selector, s.provider]));
  const add = (name: string, from: Source, provider?: string) => {
    // Users paste full names too: "s1._domainkey.example.com" means selector s1.
    const selector = name.trim().toLowerCase().replace(/\._domainkey(\..*)?$/, '');
    if (!isValidSelector(selector) || out.has(selector) || out.size >= MAX_SELECTORS) return;
    const known = provider ?? providerOf.get(selector);
    out.set(selector, { selector, source: from, ...(known ? { provider: known } : {}) });
  };
  for (const s of options.selectors ?? []) add(s, 'user');
  for (const s of options.seenSelectors ?? []) add(s, 'message');
  for (const p of source.providers) {
    const used = hints.some((h) => p.hosts.some((suffix) => h === suffix || h.endsWith(`.${suffix}`)));
    if (used) for (const s of p.selectors) add(s, 'provider', p.provider);
  }
  for (const s of source.selectors) add(s.selector, 'builtin', s.provider);
  return [...out.values()];
}

interface Probe {
  candidate: SelectorCandidate;
  record?: string;
  parsed?: ParsedDkimKey;
  /** How many key records the name has (more than one is ambiguous, RFC 6376 §3.6.2.2). */
  count?: number;
  error?: string;
}

async function probe(ctx: AuditContext, candidate: SelectorCandidate): Promise<Probe> {
  const name = `${candidate.selector}._domainkey.${ctx.domain}`;
  let txt: string[];
  try {
    // RFC 6376 §3.6.2.2: the strings of one TXT record are joined without spaces. A CNAME to an
    // ESP's key (the usual delegation) is followed by the resolver.
    txt = (await ctx.dns.resolveTxt(name)).map((chunks) => chunks.join(''));
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    if (isVoidCode(err.code)) return { candidate };
    return { candidate, error: err.code };
  }
  const keys = txt.filter(looksLikeDkimKey);
  const record = keys[0];
  if (record === undefined) return { candidate };
  return { candidate, record, parsed: parseDkimKey(record), count: keys.length };
}

async function hintsFor(ctx: AuditContext): Promise<string[]> {
  const [mx, spf] = await Promise.all([ctx.need('mx'), ctx.need('spf')]);
  return providerHints(
    mx.hosts.map((h) => h.exchange),
    spf.terms,
    spf.tree,
  );
}

export async function checkDkim(ctx: AuditContext): Promise<CheckOutput<'dkim'>> {
  const { domain } = ctx;
  const findings: Finding[] = [];
  // The names that need no provider hints are queried at once, while MX and SPF (whose include
  // tree can take a while) are still resolving; the provider's own names follow.
  const early = selectorCandidates([], ctx.options);
  const pending = new Map(early.map((c) => [c.selector, probe(ctx, c)]));
  const hints = await hintsFor(ctx);
  const final = selectorCandidates(hints, ctx.options);
  // A name queried early but pushed out of the final list by the bound still counts as tried.
  const candidates = [...final, ...early.filter((e) => !final.some((f) => f.selector === e.selector))];
  const probes = await Promise.all(
    candidates.map(async (c) => {
      const result = await (pending.get(c.selector) ?? probe(ctx, c));
      // The source and provider are the final list's (a provider match outranks the built-in list).
      return { ...result, candidate: c };
    }),
  );
  const tried = candidates.map((c) => c.selector);
  const failed = probes.filter((p) => p.error).map((p) => ({ selector: p.candidate.selector, error: p.error as string }));

  const selectors: DkimSelector[] = [];
  for (const p of probes) {
    if (!p.record || !p.parsed) continue;
    const { candidate, parsed, record } = p;
    const name = `${candidate.selector}._domainkey.${domain}`;
    selectors.push({
      selector: candidate.selector,
      keyType: parsed.keyType,
      keyBits: parsed.keyBits,
      testing: parsed.testing,
      revoked: parsed.revoked,
      record,
      source: candidate.source,
      ...(candidate.provider ? { provider: candidate.provider } : {}),
    });

    const problems = [...parsed.problems];
    if ((p.count ?? 1) > 1) problems.push(`${p.count} key records answer at this name; verifiers may pick any one (RFC 6376 §3.6.2.2)`);
    if (problems.length > 0) {
      findings.push(
        finding('dkim.syntax', {
          title: `The DKIM key at selector "${candidate.selector}" cannot be used as published`,
          detail: `The record at ${name}: ${problems.join('; ')}. Receivers that cannot read the key fail every signature made with selector "${candidate.selector}" (a permanent error, RFC 6376 §6.1.2).`,
          fix:
            parsed.keyType === 'ed25519'
              ? `Publish one record at ${name} of the form "v=DKIM1; k=ed25519; p=<the 32-byte public key in base64>" (Deliverlab's DKIM key generator writes it for you).`
              : `Publish one record at ${name} of the form "v=DKIM1; k=rsa; p=<the public key, SubjectPublicKeyInfo in base64>", as your provider or Deliverlab's DKIM key generator gives it, with no other tags unless you need them.`,
          evidence: record,
          refs: ['RFC 6376 §3.6.1', ...(parsed.keyType === 'ed25519' ? ['RFC 8463 §4.2'] : [])],
        }),
      );
    }

    if (parsed.revoked) {
      findings.push(
        finding('dkim.revoked', {
          title: `The DKIM key at selector "${candidate.selector}" is revoked`,
          detail: `${name} publishes an empty p=, which revokes the key (RFC 6376 §3.6.1): signatures made with it fail. That is right for a retired key; if anything still signs with "${candidate.selector}", its mail now fails DKIM.`,
          fix: `Make sure no sender still signs with selector "${candidate.selector}". Once none does, the record can stay as it is or be deleted.`,
          evidence: record,
          refs: ['RFC 6376 §3.6.1', 'RFC 6376 §6.1.2'],
        }),
      );
    }

    if (parsed.keyType === 'rsa' && parsed.keyBits !== null && parsed.keyBits <= 1024) {
      const broken = parsed.keyBits < 1024;
      findings.push(
        finding('dkim.weak-key', {
          title: `${parsed.keyBits}-bit RSA key at selector "${candidate.selector}"`,
          detail: broken
            ? `${name} publishes a ${parsed.keyBits}-bit RSA key. RFC 8301 §3.2 tells verifiers not to accept signatures from keys under 1024 bits, so mail signed with it fails DKIM, and a key this short can be factored and your mail forged.`
            : `${name} publishes a 1024-bit RSA key: the minimum verifiers still accept (RFC 8301 §3.2), and no longer considered safe. Senders should use 2048 bits.`,
          fix: `Create a 2048-bit RSA key (with your provider, or Deliverlab's DKIM key generator), publish it at a new selector, switch signing to it, and after a few days publish "v=DKIM1; p=" at ${name} to revoke the old key.`,
          evidence: record,
          refs: ['RFC 8301 §3.2', 'RFC 6376 §3.3.3'],
          ...(broken ? {} : { severity: 'warning' as const }),
        }),
      );
    }

    if (parsed.testing && !parsed.revoked) {
      findings.push(
        finding('dkim.testing', {
          title: `The DKIM key at selector "${candidate.selector}" is in testing mode (t=y)`,
          detail: `${name} carries t=y: "this domain is testing DKIM". RFC 6376 §3.6.1 lets verifiers treat its signatures as unsigned mail, so they may give your mail no credit for them. Testing mode is meant for the first days of a deployment.`,
          fix: `Once mail signed with "${candidate.selector}" verifies, remove t=y: publish "${withoutTestingFlag(record)}" at ${name}.`,
          evidence: record,
          refs: ['RFC 6376 §3.6.1'],
        }),
      );
    }
  }

  const usable = selectors.filter((s) => !s.revoked && s.keyBits !== null);
  if (usable.length === 0) {
    if (failed.length === candidates.length && candidates.length > 0) {
      return { check: { status: 'error', error: failed[0]?.error ?? 'EUNKNOWN', selectors, tried, failed }, findings };
    }
    findings.push(notFound(ctx, tried, selectors, failed, await sendsNoMail(ctx)));
  }
  // A selector whose lookup failed may hold a key, or a weak, revoked or broken one: not a pass.
  const error = failed.length > 0 ? `selector lookups failed: ${failuresText(failed.map((f) => ({ name: `${f.selector}._domainkey.${domain}`, type: 'TXT', code: f.error })))}` : undefined;

  return {
    check: {
      status: error ? 'error' : statusOf(findings),
      ...(error ? { error } : {}),
      selectors,
      tried,
      ...(failed.length > 0 ? { failed } : {}),
    },
    findings,
  };
}

/** The record with the y flag taken out of t= (and t= dropped when nothing is left). */
export function withoutTestingFlag(record: string): string {
  return record
    .split(';')
    .map((part) => {
      const m = /^(\s*t\s*=)(.*)$/i.exec(part);
      if (!m) return part;
      const flags = (m[2] as string).split(':').map((f) => f.trim()).filter((f) => f !== '' && f.toLowerCase() !== 'y');
      return flags.length > 0 ? `${m[1]}${flags.join(':')}` : null;
    })
    .filter((p): p is string => p !== null)
    .join(';')
    .replace(/;\s*$/, '')
    .trim();
}

async function sendsNoMail(ctx: AuditContext): Promise<boolean> {
  // RFC 7208 §4.6: "v=spf1 -all" alone declares that no server may send for the domain.
  const spf = await ctx.need('spf');
  return spf.all === '-' && spf.terms.length === 1;
}

function notFound(ctx: AuditContext, tried: string[], found: DkimSelector[], failed: { selector: string; error: string }[], noMail: boolean): Finding {
  const { domain } = ctx;
  const named = (ctx.options.selectors?.length ?? 0) > 0;
  const unusable = found.length > 0 ? ` Keys were found only at ${found.map((s) => `"${s.selector}" (${s.revoked ? 'revoked' : 'unreadable'})`).join(', ')}.` : '';
  const errors = failed.length > 0 ? ` ${failed.length} lookups failed (${failed.slice(0, 5).map((f) => `${f.selector}: ${f.error}`).join(', ')}${failed.length > 5 ? ', ...' : ''}), so a key may be there.` : '';
  return finding('dkim.not-found', {
    title: 'No DKIM key found at the selectors tried',
    detail:
      `DNS cannot list a domain's DKIM selectors, so discovery can only guess their names: ${tried.length} were tried at <selector>._domainkey.${domain} (${tried.join(', ')}), and none holds a usable key.${unusable}${errors} ` +
      (noMail
        ? `${domain} publishes "v=spf1 -all", declaring that it sends no mail, so it may need no DKIM key at all.`
        : `Your mail may well be signed with a selector not on this list: look at the s= tag of the DKIM-Signature header in a message you sent, and audit again naming it. If your mail is not signed, Gmail and Yahoo require DKIM of bulk senders.`) +
      (named ? ' The selectors you named were tried first.' : ''),
    fix: `Find the selector in a sent message's DKIM-Signature header (s=...) and audit with --selectors <name>. If no DKIM key exists yet, turn DKIM signing on at your mail provider and publish the TXT record it gives at <selector>._domainkey.${domain}.`,
    refs: ['RFC 6376 §3.1', 'RFC 6376 §3.6.2.1'],
    ...(noMail ? { severity: 'info' as const } : {}),
  });
}
