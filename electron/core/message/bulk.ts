/**
 * Bulk or marketing mail, and why we think so: the signals filters use.
 *
 * Gmail and Yahoo hold bulk senders to rules one-to-one mail is spared (List-Unsubscribe with
 * one-click, RFC 8058), so a marketing message that hides its nature (no list header) must still be
 * recognised, and a personal message or a receipt must not be taken for one. Each signal is named,
 * so the summary, the findings and the UI can say why.
 *
 * Headers decide alone: list headers (RFC 2369, RFC 2919), Precedence: bulk or list (never
 * standardised, but list managers write it and filters read it), and the headers email service
 * providers add to campaign mail. Without them, the
 * body needs two of: a tracking pixel, an unsubscribe link, a promotional layout. A receipt with one
 * link and a postal address has one at most.
 */
import type { HeaderIndex } from './header-index';
import type { HeaderField } from './input';
import type { BodyRead } from './lint-types';

/** List headers: the message comes from a list, or offers to leave one (RFC 2369 §3.2, RFC 2919). */
const LIST_HEADERS = ['list-id', 'list-unsubscribe', 'list-unsubscribe-post'];

/**
 * Headers email service providers add to what they send, by name prefix, with the provider.
 *
 * Feedback-ID is Gmail's campaign identifier for bulk senders; X-CSA-Complaints is the Certified
 * Senders Alliance's. Postmark marks only its broadcast stream as bulk (its transactional stream
 * carries X-PM-Message-Id too), so it is read from X-PM-Message-Stream below.
 */
const ESP_PREFIXES: readonly [prefix: string, provider: string][] = [
  ['feedback-id', 'Gmail feedback loop'],
  ['x-csa-complaints', 'Certified Senders Alliance'],
  ['x-mailgun-', 'Mailgun'],
  ['x-ses-', 'Amazon SES'],
  ['x-sg-', 'SendGrid'],
  ['x-sendgrid-', 'SendGrid'],
  ['x-mc-', 'Mailchimp/Mandrill'],
  ['x-mandrill-', 'Mandrill'],
  ['x-mailchimp-', 'Mailchimp'],
  ['x-campaign', 'campaign'],
  ['x-marketoid', 'Marketo'],
  ['x-mailin-', 'Brevo'],
  ['x-sib-', 'Brevo'],
  ['x-klaviyo-', 'Klaviyo'],
  ['x-kmail-', 'Klaviyo'],
  ['x-hubspot-', 'HubSpot'],
  ['x-cmail-', 'Campaign Monitor'],
  ['x-ctct-', 'Constant Contact'],
];

/** Any ESP header name, so that each field name is tested once, not once per provider. */
const ESP_NAME = new RegExp(`^(?:${ESP_PREFIXES.map(([prefix]) => prefix).join('|')})`);

/** Links that ask for an action a promotion asks for, in link text (en, with the commonest forms). */
const CALL_TO_ACTION =
  /^(?:(?:shop|buy|order|book|get|claim|grab|redeem|discover|explore|browse|reserve)\b.{0,30}|learn more|see more|see (?:all|the (?:collection|offer|deal|sale))|read more|sign up\b.{0,20}|start (?:your )?free trial|try (?:it )?(?:now|free|for free)|join (?:now|today|us))$|\b\d{1,2}\s?%\s?off\b/i;

/** Thresholds of a promotional layout: many links, several pictures. */
export const MANY_LINKS = 8;
export const SEVERAL_IMAGES = 3;

export interface BulkVerdict {
  bulk: boolean;
  /** Every signal found, in words; bulk or not (one body signal alone is listed but not enough). */
  signals: string[];
}

/** The header signals: list headers, Precedence, ESP campaign headers, names as the message writes them. */
function headerSignals(headers: readonly HeaderField[], index: HeaderIndex): string[] {
  const written = (name: string) => headers.find((h) => h.name.toLowerCase() === name)?.name.trim() ?? name;
  const out: string[] = [];
  for (const name of LIST_HEADERS) if (index.has(name)) out.push(`${written(name)} header`);
  const precedence = (index.get('precedence')?.[0] ?? '').trim().toLowerCase();
  if (/^(bulk|list|junk)\b/.test(precedence)) out.push(`Precedence: ${precedence.split(/[\s;]/)[0]}`);
  const seen = new Set<string>();
  for (const name of index.keys()) {
    if (!ESP_NAME.test(name)) continue;
    const hit = ESP_PREFIXES.find(([prefix]) => name.startsWith(prefix));
    if (hit && !seen.has(hit[1])) {
      seen.add(hit[1]);
      out.push(`${written(name)} header (${hit[1]})`);
    }
  }
  const stream = (index.get('x-pm-message-stream')?.[0] ?? '').trim().toLowerCase();
  if (stream.includes('broadcast')) out.push('X-PM-Message-Stream: broadcast (Postmark)');
  return out;
}

/** The promotional layout, when at least three of its four features are there, in words. */
function layout(body: BodyRead): string | null {
  const { links, images: all } = body.scan;
  // Fewer links and images than either threshold: no layout can reach three features.
  if (links.length < MANY_LINKS && all.length < SEVERAL_IMAGES) return null;
  const hrefs = new Set(links.filter((l) => l.domain !== null).map((l) => l.href));
  const images = all.length - body.pixels.length;
  const cta = links.find((l) => l.text.length > 0 && l.text.length <= 60 && CALL_TO_ACTION.test(l.text));
  const cheap = [hrefs.size >= MANY_LINKS, images >= SEVERAL_IMAGES, cta !== undefined].filter(Boolean).length;
  // The address search is a pass over the text: only when it can tip the count.
  const address = cheap >= 2 && body.postalAddress();
  if (cheap + (address ? 1 : 0) < 3) return null;
  const parts = [
    hrefs.size >= MANY_LINKS ? `${hrefs.size} links` : '',
    images >= SEVERAL_IMAGES ? `${images} images` : '',
    cta ? `a call to action ("${cta.text}")` : '',
    address ? 'a postal address in the footer' : '',
  ].filter(Boolean);
  return `promotional layout (${parts.join(', ')})`;
}

/** The body signals: a tracking pixel, an unsubscribe link, a promotional layout. */
function bodySignals(body: BodyRead): string[] {
  const out: string[] = [];
  if (body.pixels.length > 0) out.push('tracking pixel');
  if (body.unsubscribeLink) out.push('unsubscribe link in the body');
  const promo = layout(body);
  if (promo) out.push(promo);
  return out;
}

/** Whether a message is bulk or marketing mail, and the signals that say so. */
export function bulkVerdict(headers: readonly HeaderField[], index: HeaderIndex, body: BodyRead | null): BulkVerdict {
  const byHeaders = headerSignals(headers, index);
  const byBody = body ? bodySignals(body) : [];
  return { bulk: byHeaders.length > 0 || byBody.length >= 2, signals: [...byHeaders, ...byBody] };
}
