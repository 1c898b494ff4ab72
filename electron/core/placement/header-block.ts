/**
 * A raw header block as [lower-case name, value] pairs: a copy's headers, a report's fields.
 */

/** Unfolds a raw header block (RFC 5322 §2.2.3) into [lower-case name, value] pairs, in order; stops at the first empty line. */
export function parseHeaderBlock(raw: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line) && out.length > 0) {
      const last = out[out.length - 1] as [string, string];
      last[1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return out;
}
