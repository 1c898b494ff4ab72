/**
 * Which links the link check must never open: those that may unsubscribe whoever opens them.
 *
 * A GET on an unsubscribe URL can take the designer (or the seed address the draft was made for)
 * off the list: many ESPs unsubscribe on the first request, and RFC 8058 one-click endpoints are
 * only a POST away. So the rule leans to caution: a link is left unopened when its text or its URL
 * says any of the content lint's unsubscribe words (seven languages: unsubscribe, opt out, manage
 * preferences, abmelden, désabonner, darse de baja, uitschrijven, disiscriviti, descadastrar...) or
 * one of the URL spellings below. A preference centre that only shows settings is left unopened too:
 * checking it is worth less than the risk.
 */
import { UNSUBSCRIBE_WORDS } from '../message/unsubscribe-words';

/**
 * What URLs and link text add to the content lint's words: `unsub` (ESP paths such as /unsub/abc),
 * opt_out, "preference center/centre", and preference words run together or joined by _ or -
 * (ManagePreferences, email_preferences, subscription-preference, communication preferences).
 */
const URL_WORDS =
  /\bunsub|opt[\s_-]?out|preference[\s_-]*cent(?:er|re)|(?:manage|update|e-?mail|subscription|notification|communication|mailing)[\s_-]*preferences?\b|list[\s_-]*unsubscribe/i;

/** The URL as words: percent-escapes decoded, punctuation (/ . - _ = & ? # +) turned into spaces. */
function urlWords(url: string): string {
  let text = url;
  try {
    text = decodeURIComponent(url);
  } catch {
    // A stray % keeps the URL as written: the words are still there.
  }
  return text.replace(/[/.\-_=&?#+:%;,]+/g, ' ');
}

/** True when following `url` (with visible `text`) may unsubscribe someone. */
export function looksLikeUnsubscribe(url: string, text = ''): boolean {
  const words = urlWords(url);
  return UNSUBSCRIBE_WORDS.test(words) || URL_WORDS.test(words) || URL_WORDS.test(url) || UNSUBSCRIBE_WORDS.test(text) || URL_WORDS.test(text);
}
