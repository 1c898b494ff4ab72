/**
 * The spam filter verdicts a message carries in its headers: what SpamAssassin, rspamd, Microsoft's
 * Exchange Online Protection, Gmail and a few appliances wrote on the way.
 *
 * Each filter has its own format and none is standardised; the readers take what they recognise and
 * keep the rest as written. A header that carries no verdict and no score (a queue id, a server
 * name) is left out: it says nothing about where the message should land.
 */
import type { HeaderField } from './input';
import type { CarriedSpamVerdict } from './types';

/** Longest value kept: a verdict header is a few hundred characters, rspamd's symbol list a few KB at most. */
const MAX_VALUE = 2000;
/** Rules kept per header: SpamAssassin and rspamd list tens, a hostile header could list thousands. */
const MAX_RULES = 100;

type Reader = (value: string) => Omit<CarriedSpamVerdict, 'header' | 'value'> | null;

const num = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
};

const yesNo = (text: string): 'spam' | 'ham' | 'unknown' => (/^\s*yes\b/i.test(text) ? 'spam' : /^\s*no\b/i.test(text) ? 'ham' : 'unknown');

/** "a=1; b=2" or "A:1;B:2" fields, names upper-cased as Microsoft writes them. */
function fieldsOf(value: string, separator: ':' | '='): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of value.split(';')) {
    const at = part.indexOf(separator);
    if (at <= 0) continue;
    const name = part.slice(0, at).trim().toUpperCase();
    if (!/^[A-Z0-9-]{1,40}$/.test(name) || fields[name] !== undefined) continue;
    fields[name] = part.slice(at + 1).trim();
  }
  return fields;
}

/** SpamAssassin's X-Spam-Status: "Yes, score=7.2 required=5.0 tests=BAYES_99,DKIM_INVALID autolearn=no version=3.4.6". */
const spamStatus: Reader = (value) => {
  const verdict = yesNo(value);
  const score = num(/\bscore=(-?[\d.]+)/i.exec(value)?.[1]);
  const threshold = num(/\brequired=(-?[\d.]+)/i.exec(value)?.[1]);
  // tests= runs to the next "name=" (folding may have put spaces after its commas) or the end.
  const tests = /\btests=(.*?)(?=\s+[a-z_]+=|$)/is.exec(value)?.[1] ?? '';
  const rules = tests
    .split(/[\s,]+/)
    .filter((t) => t && t.toLowerCase() !== 'none')
    .slice(0, MAX_RULES)
    .map((name) => ({ name }));
  const where = score !== undefined ? ` with a score of ${score}${threshold !== undefined ? ` (spam from ${threshold})` : ''}` : '';
  return {
    filter: 'spamassassin',
    verdict,
    ...(score !== undefined ? { score } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(rules.length ? { rules } : {}),
    meaning: verdict === 'unknown' ? `SpamAssassin scored the message${where}.` : `SpamAssassin called the message ${verdict}${where}.`,
  };
};

const spamFlag: Reader = (value) => {
  const verdict = yesNo(value);
  return { filter: 'spamassassin', verdict, meaning: verdict === 'spam' ? 'A filter flagged the message as spam.' : verdict === 'ham' ? 'A filter flagged the message as not spam.' : 'A spam flag the filter did not word as yes or no.' };
};

/** X-Spam-Score: a number, or SpamAssassin's stars. */
const spamScore: Reader = (value) => {
  const score = num(value.trim()) ?? (/^\*+$/.test(value.trim()) ? value.trim().length : undefined);
  if (score === undefined) return null;
  return { filter: 'spamassassin', verdict: 'unknown', score, meaning: `A filter scored the message ${score}.` };
};

/** X-Spam-Level: one star per whole point of the score. */
const spamLevel: Reader = (value) => {
  const stars = /^\*+$/.test(value.trim()) ? value.trim().length : value.trim() === '' ? 0 : undefined;
  if (stars === undefined) return null;
  return { filter: 'spamassassin', verdict: 'unknown', score: stars, meaning: `SpamAssassin's level: ${stars} whole point${stars === 1 ? '' : 's'} of spam score.` };
};

/** rspamd's X-Spamd-Result: "default: False [3.40 / 15.00]; R_SPF_ALLOW(-0.20)[+ip4:...]; ...". */
const spamdResult: Reader = (value) => {
  const head = /^\s*[\w-]+\s*:\s*(true|false)\s*\[\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)\s*\]/i.exec(value);
  const rules = [...value.matchAll(/(?:^|;)\s*([A-Z][A-Z0-9_]*)\((-?[\d.]+)\)/g)].slice(0, MAX_RULES).map((m) => ({ name: m[1] as string, ...(num(m[2]) !== undefined ? { score: num(m[2]) } : {}) }));
  const verdict = head ? ((head[1] as string).toLowerCase() === 'true' ? 'spam' : 'ham') : 'unknown';
  const score = num(head?.[2]);
  const threshold = num(head?.[3]);
  return {
    filter: 'rspamd',
    verdict,
    ...(score !== undefined ? { score } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(rules.length ? { rules } : {}),
    meaning: head ? `rspamd called the message ${verdict} with a score of ${score} (its reject score is ${threshold}).` : 'rspamd listed its symbols without a verdict.',
  };
};

const rspamdScore: Reader = (value) => {
  const score = num(value.trim());
  return score === undefined ? null : { filter: 'rspamd', verdict: 'unknown', score, meaning: `rspamd scored the message ${score}.` };
};

/** rspamd's action (RFC-less, its own words): anything but "no action" and greylisting acts against the message. */
const rspamdAction: Reader = (value) => {
  const action = value.trim().toLowerCase();
  const verdict = action === 'no action' ? 'ham' : /^(reject|add header|rewrite subject|soft reject|quarantine|discard)$/.test(action) ? 'spam' : 'unknown';
  return { filter: 'rspamd', verdict, meaning: `rspamd's action: ${action}${verdict === 'spam' ? ' (it acted against the message)' : verdict === 'ham' ? ' (delivered as it was)' : ''}.` };
};

/** Microsoft's Spam Confidence Level (-1 to 9): 5 and above go to Junk, 9 is high-confidence spam. */
function sclWords(scl: number): { verdict: 'spam' | 'ham'; words: string } {
  if (scl < 0) return { verdict: 'ham', words: 'SCL -1: filtering was skipped (a safe sender, an allow list or a mail flow rule)' };
  if (scl <= 4) return { verdict: 'ham', words: `SCL ${scl}: not spam` };
  if (scl <= 6) return { verdict: 'spam', words: `SCL ${scl}: spam, delivered to Junk` };
  return { verdict: 'spam', words: `SCL ${scl}: high-confidence spam` };
}

const SFV: Record<string, { verdict: 'spam' | 'ham' | 'unknown'; words: string }> = {
  SPM: { verdict: 'spam', words: 'SFV:SPM, filtered as spam' },
  NSPM: { verdict: 'ham', words: 'SFV:NSPM, filtered as not spam' },
  BLK: { verdict: 'spam', words: 'SFV:BLK, blocked by the recipient\'s blocked senders' },
  SKS: { verdict: 'spam', words: 'SFV:SKS, marked spam by a mail flow rule before filtering' },
  SKA: { verdict: 'ham', words: 'SFV:SKA, filtering skipped for an allowed sender' },
  SKB: { verdict: 'spam', words: 'SFV:SKB, marked spam by a blocked sender or domain list' },
  SKI: { verdict: 'ham', words: 'SFV:SKI, filtering skipped inside the organisation' },
  SKN: { verdict: 'ham', words: 'SFV:SKN, marked not spam by a mail flow rule before filtering' },
  SKQ: { verdict: 'unknown', words: 'SFV:SKQ, released from quarantine' },
  SFE: { verdict: 'ham', words: 'SFV:SFE, filtering skipped for the recipient\'s safe sender' },
};

/** X-Forefront-Antispam-Report: "CIP:192.0.2.1;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;...". */
const forefront: Reader = (value) => {
  const fields = fieldsOf(value, ':');
  const sfv = fields.SFV ? SFV[fields.SFV.toUpperCase()] : undefined;
  const scl = num(fields.SCL);
  const sclSaid = scl !== undefined ? sclWords(scl) : undefined;
  const verdict = sfv && sfv.verdict !== 'unknown' ? sfv.verdict : (sclSaid?.verdict ?? 'unknown');
  const words = [sfv?.words, sclSaid?.words, fields.CIP ? `connecting IP ${fields.CIP}` : undefined].filter(Boolean);
  return {
    filter: 'microsoft',
    verdict,
    ...(scl !== undefined ? { score: scl, threshold: 5 } : {}),
    fields,
    meaning: words.length ? `Microsoft's filter: ${words.join('; ')}.` : 'Microsoft\'s anti-spam report, without a verdict field.',
  };
};

const exchangeScl: Reader = (value) => {
  const scl = num(value.trim());
  if (scl === undefined) return null;
  const said = sclWords(scl);
  return { filter: 'microsoft', verdict: said.verdict, score: scl, threshold: 5, meaning: `Microsoft's spam confidence level: ${said.words}.` };
};

/** Microsoft's Bulk Complaint Level (0 to 9): at the default threshold of 7 and above, bulk goes to Junk. */
const microsoftAntispam: Reader = (value) => {
  const fields = fieldsOf(value, ':');
  const bcl = num(fields.BCL);
  if (bcl === undefined) return null;
  const junked = bcl >= 7;
  return {
    filter: 'microsoft',
    verdict: junked ? 'spam' : 'ham',
    score: bcl,
    threshold: 7,
    fields,
    meaning: `Microsoft's bulk complaint level: BCL ${bcl}${junked ? ', at or above the default threshold of 7: junked as bulk' : bcl >= 4 ? ', bulk mail that draws some complaints, below the default threshold of 7' : ', few or no complaints'}.`,
  };
};

const pcl: Reader = (value) => {
  const level = num(value.trim());
  if (level === undefined) return null;
  return { filter: 'microsoft', verdict: level >= 4 ? 'spam' : 'unknown', score: level, meaning: `Microsoft's phishing confidence level: PCL ${level}${level >= 4 ? ', likely phishing' : ', probably not phishing'}.` };
};

/** Gmail's X-Gm-Spam and X-Gm-Phishy: 0 or 1. */
const gmailFlag =
  (what: string): Reader =>
  (value) => {
    const v = value.trim();
    if (v !== '0' && v !== '1') return null;
    return { filter: 'gmail', verdict: v === '1' ? 'spam' : 'ham', meaning: `Gmail's ${what} flag: ${v === '1' ? `set, Gmail took it for ${what}` : 'not set'}.` };
  };

/** Barracuda's X-Barracuda-Spam-Status: "No, SCORE=0.00 using global scores of TAG_LEVEL=3.5 QUARANTINE_LEVEL=1000.0 KILL_LEVEL=9.0 tests=". */
const barracudaStatus: Reader = (value) => {
  const verdict = yesNo(value);
  const score = num(/\bscore=(-?[\d.]+)/i.exec(value)?.[1]);
  const threshold = num(/\bkill_level=(-?[\d.]+)/i.exec(value)?.[1]);
  return { filter: 'barracuda', verdict, ...(score !== undefined ? { score } : {}), ...(threshold !== undefined ? { threshold } : {}), meaning: `Barracuda called the message ${verdict === 'unknown' ? 'neither spam nor not spam' : verdict}${score !== undefined ? ` with a score of ${score}` : ''}.` };
};

const barracudaScore: Reader = (value) => {
  const score = num(value.trim());
  return score === undefined ? null : { filter: 'barracuda', verdict: 'unknown', score, meaning: `Barracuda scored the message ${score}.` };
};

/** Proofpoint's X-Proofpoint-Spam-Details: "rule=notspam policy=default score=0 ...". */
const proofpoint: Reader = (value) => {
  const rule = /\brule=(\S+)/i.exec(value)?.[1]?.toLowerCase();
  const score = num(/\bscore=(-?[\d.]+)/i.exec(value)?.[1]);
  const verdict = rule === 'notspam' ? 'ham' : rule === 'spam' || rule === 'bulk' ? 'spam' : 'unknown';
  return { filter: 'proofpoint', verdict, ...(score !== undefined ? { score } : {}), meaning: `Proofpoint's rule: ${rule ?? 'not given'}${score !== undefined ? `, score ${score}` : ''}.` };
};

/** rspamd's and others' plain X-Spam: Yes / No. */
const xSpam: Reader = (value) => {
  const verdict = yesNo(value);
  return verdict === 'unknown' ? null : { filter: 'other', verdict, meaning: `A filter marked the message ${verdict === 'spam' ? 'as spam' : 'as not spam'} (X-Spam: ${value.trim().slice(0, 20)}).` };
};

/** Readers by lower-cased header name. */
const READERS: ReadonlyMap<string, Reader> = new Map<string, Reader>([
  ['x-spam-status', spamStatus],
  ['x-spam-flag', spamFlag],
  ['x-spam-score', spamScore],
  ['x-spam-level', spamLevel],
  ['x-spam', xSpam],
  ['x-spamd-result', spamdResult],
  ['x-rspamd-score', rspamdScore],
  ['x-rspamd-action', rspamdAction],
  ['x-forefront-antispam-report', forefront],
  ['x-forefront-antispam-report-untrusted', forefront],
  ['x-ms-exchange-organization-scl', exchangeScl],
  ['x-microsoft-antispam', microsoftAntispam],
  ['x-microsoft-antispam-untrusted', microsoftAntispam],
  ['x-ms-exchange-organization-pcl', pcl],
  ['x-gm-spam', gmailFlag('spam')],
  ['x-gm-phishy', gmailFlag('phishing')],
  ['x-barracuda-spam-status', barracudaStatus],
  ['x-barracuda-spam-score', barracudaScore],
  ['x-proofpoint-spam-details', proofpoint],
]);

/** The verdicts carried by a message's header fields, in the message's order (newest first). */
export function carriedSpamVerdicts(headers: readonly HeaderField[]): CarriedSpamVerdict[] {
  const out: CarriedSpamVerdict[] = [];
  for (const h of headers) {
    const reader = READERS.get(h.name.toLowerCase());
    if (!reader) continue;
    const value = h.value.replace(/\s+/g, ' ').trim().slice(0, MAX_VALUE);
    const read = reader(value);
    if (read) out.push({ header: h.name, value, ...read });
  }
  return out;
}
