/**
 * Reads a pasted or imported list of domains: one per line, or CSV with the domain in the first column.
 *
 * A consultant's list comes from a spreadsheet or a CRM export: a header row, comments, blank lines,
 * URLs instead of bare names. A bad line is reported and skipped; it never blocks the rest.
 */

/** The most domains one batch takes: enough for a client portfolio, bounded so a stray paste cannot queue 100k audits. */
export const MAX_BATCH_DOMAINS = 500;

export interface ListProblem {
  /** 1-based line number in the pasted text. */
  line: number;
  text: string;
  reason: string;
}

export interface DomainList {
  domains: string[];
  problems: ListProblem[];
}

// RFC 1035 §2.3.4: labels of 1-63 octets, a name of at most 253 characters in text form.
// Underscores pass (the api allows them: audits look at names like _dmarc.example.com).
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;
/** Column names a spreadsheet export puts in its first row ("Domain", "Website", "company_domain"...). */
const HEADER_CELL = /^((company|client|customer|primary|email|e-mail|sender|sending)[ _-]?)?(domain|domain[ _-]?name|host|host[ _-]?name|name|website|site|url|address)s?$/i;

/** The first CSV field of a line (RFC 4180: a quoted field may hold commas and doubled quotes). */
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
  // Tabs too: a column copied out of a spreadsheet arrives tab-separated.
  return text.split(/[,;\t]/, 1)[0] ?? '';
}

/**
 * A domain as the api takes it, or null when it is not one.
 *
 * Lower case, no trailing dot, internationalised names as A-labels (the URL parser does the IDNA
 * conversion in the browser, as node:url does on the api side). A URL or an address gives its host.
 */
export function normalizeListedDomain(raw: string): string | null {
  let name = raw.trim();
  if (name === '') return null;
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(name);
  if (url) {
    try {
      name = new URL(name).hostname;
    } catch {
      return null;
    }
  } else if (/^[^\s@]+@[^\s@]+$/.test(name)) {
    // An email address: the domain after the @ is the one whose mail setup matters.
    name = name.slice(name.lastIndexOf('@') + 1);
  }
  name = name.toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.length === 0 || /[\s/:?#[\]@]/.test(name)) return null;
  if (/[\u0080-\uffff]/.test(name)) {
    try {
      name = new URL(`http://${name}`).hostname;
    } catch {
      return null;
    }
  }
  if (name.length > 253) return null;
  const labels = name.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null;
  return name;
}

/** Parses the list; domains keep their first position, duplicates and bad lines become problems. */
export function parseDomainList(text: string, max = MAX_BATCH_DOMAINS): DomainList {
  const domains: string[] = [];
  const seen = new Set<string>();
  const problems: ListProblem[] = [];
  let firstContent = true;
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const cell = firstCsvField(line).trim();
    const isFirst = firstContent;
    firstContent = false;
    if (cell === '' && isFirst) continue;
    const domain = normalizeListedDomain(cell);
    if (domain === null) {
      // A header row is the first line whose first cell names a column, not a domain.
      if (isFirst && HEADER_CELL.test(cell)) continue;
      problems.push({ line: i + 1, text: line, reason: cell === '' ? 'No domain in the first column' : 'Not a valid domain name' });
      continue;
    }
    if (seen.has(domain)) {
      problems.push({ line: i + 1, text: line, reason: `${domain} is already in the list; it is audited once` });
      continue;
    }
    if (domains.length >= max) {
      problems.push({ line: i + 1, text: line, reason: `Over the limit of ${max} domains per batch` });
      continue;
    }
    seen.add(domain);
    domains.push(domain);
  }
  return { domains, problems };
}
