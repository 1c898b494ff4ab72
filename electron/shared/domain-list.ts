/**
 * Reads a list of domains, as `deliverlab audit --file` and the Batch page take it: one rule for both.
 *
 * A consultant's list comes from a text file, a spreadsheet or a CRM export: a header row, comments,
 * blank lines, website addresses or contacts' email addresses instead of bare names. A bad line is
 * reported with its line number and skipped; it never blocks the rest. The rule:
 *
 * - A byte-order mark at the start is dropped (spreadsheets on Windows write one). Lines end with
 *   CRLF, LF or a lone CR (older Mac exports).
 * - Blank lines are passed over. `#` at the start of a line, or after a space or a tab, starts a
 *   comment that runs to the end of the line (`example.com  # main brand`); a `#` inside a word
 *   (a URL's fragment) is not a comment.
 * - One domain a line, or CSV whose first column is the domain: fields separated by commas,
 *   semicolons (spreadsheets in locales with a decimal comma) or tabs (a column pasted out of a
 *   spreadsheet); a quoted first field may hold separators and doubled quotes (RFC 4180 §2).
 * - The first line with content is a header row, and skipped, when its first cell names a column
 *   ("Domain", "Website", "company_domain", "Email address"...) or is empty. Any other first line is
 *   read as data, so a mistyped first domain is reported rather than silently taken for a header.
 * - A cell holding a web address (`https://www.example.com/contact`) gives its host; an email
 *   address gives the domain after the @.
 * - Every name then goes through the one domain rule (parseDomainInput): an IP literal, a control
 *   character or a name too long to look up is refused with the same words the api and the CLI use.
 * - A domain listed again (in any case, with or without a trailing dot, as a URL...) is audited
 *   once; the repeat is reported, kind `repeated`, and callers may treat it as a note rather than
 *   an error.
 * - `max` bounds the list; the lines past it are reported, kind `over-limit`.
 */
import { domainRefusal, parseDomainInput, type DomainInput } from './domain-name';

export interface ListProblem {
  /** 1-based line number in the text. */
  line: number;
  /** The line as given, trimmed. */
  text: string;
  /** In words, complete: for a name the domain rule refused, what the api says of it. */
  reason: string;
  /** `not-a-domain`, `no-domain` (an empty first cell), `repeated`, `over-limit`. */
  kind: 'not-a-domain' | 'no-domain' | 'repeated' | 'over-limit';
}

export interface DomainList {
  /** Each domain once, in the order first listed, normalised (lower case, A-labels). */
  domains: string[];
  /** In line order. */
  problems: ListProblem[];
}

/** Column names a spreadsheet export puts in its first row ("Domain", "Website", "company_domain"...). */
const HEADER_CELL =
  /^((company|client|customer|primary|email|e-mail|sender|sending|contact)[ _-]?)?(domain|domain[ _-]?name|host|host[ _-]?name|name|website|site|url|address|e-?mail)s?$/i;

/** The first CSV field of a line (RFC 4180 §2: a quoted field may hold separators and doubled quotes). */
export function firstCsvField(line: string): string {
  const text = line.trimStart();
  if (text.startsWith('"')) {
    let out = '';
    for (let i = 1; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') {
        if (text[i + 1] === '"') {
          out += '"';
          i++;
        } else {
          return out;
        }
      } else {
        out += ch;
      }
    }
    return out;
  }
  return text.split(/[,;\t]/, 1)[0] ?? '';
}

/**
 * The domain a list cell names, checked by the one domain rule: or why not.
 *
 * A URL gives its host and an email address the domain after its @: a CRM export's website and
 * contact columns name the domain whose mail setup matters.
 */
export function listedDomain(cell: string): DomainInput {
  const value = cell.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let host = '';
    try {
      host = new URL(value).hostname;
    } catch {
      // Not a URL after all: the domain rule says what is wrong with it.
    }
    if (host !== '') return parseDomainInput(host);
  } else if (/^[^\s@]+@[^\s@]+$/.test(value)) {
    return parseDomainInput(value.slice(value.lastIndexOf('@') + 1));
  }
  return parseDomainInput(value);
}

/** Parses the list; see the module comment for the rule. */
export function parseDomainList(text: string, max = Number.POSITIVE_INFINITY): DomainList {
  const domains: string[] = [];
  const seen = new Set<string>();
  const problems: ListProblem[] = [];
  let firstContent = true;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    const content = line.replace(/(^|[ \t])#.*$/, '').trim();
    if (content === '') continue;
    const cell = firstCsvField(content).trim();
    const isFirst = firstContent;
    firstContent = false;
    // A header row is the first line with content whose first cell names a column, or none.
    if (isFirst && (cell === '' || HEADER_CELL.test(cell))) continue;
    const problem = (kind: ListProblem['kind'], reason: string) => problems.push({ line: i + 1, text: line, reason, kind });
    if (cell === '') {
      problem('no-domain', 'No domain in the first column');
      continue;
    }
    const parsed = listedDomain(cell);
    if (!parsed.ok) {
      problem('not-a-domain', domainRefusal(parsed.reason));
      continue;
    }
    if (seen.has(parsed.domain)) {
      problem('repeated', `${parsed.domain} is already in the list; it is audited once`);
      continue;
    }
    if (domains.length >= max) {
      problem('over-limit', `Over the limit of ${max} domains per batch`);
      continue;
    }
    seen.add(parsed.domain);
    domains.push(parsed.domain);
  }
  return { domains, problems };
}
