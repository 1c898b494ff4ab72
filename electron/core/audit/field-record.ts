/**
 * The shared shape of `v=VERSION; name=value; ...` records: MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3).
 *
 * The version comes first and is case-sensitive; fields are separated by ";" with optional spaces
 * and tabs around them; one trailing ";" is allowed, an empty field in the middle is not.
 */
export interface RecordField {
  /** The field as written, spaces around it removed. */
  text: string;
  name: string;
  value: string;
}

export function splitFieldRecord(record: string, version: string): { fields: RecordField[]; errors: string[] } {
  const errors: string[] = [];
  const fields: RecordField[] = [];
  const parts = record.split(';').map((p) => p.replace(/^[ \t]+|[ \t]+$/g, ''));
  const first = parts[0] ?? '';
  if (first !== version) {
    const sameLetters = first.trim().toLowerCase() === version.toLowerCase();
    errors.push(sameLetters ? `the version must be written exactly "${version}" (found "${first}")` : `the record must start with "${version};"`);
  }
  for (const [i, text] of parts.slice(1).entries()) {
    if (text === '') {
      if (i !== parts.length - 2) errors.push('an empty field between two ";"');
      continue;
    }
    const eq = text.indexOf('=');
    if (eq < 1) {
      errors.push(`"${text}" is not a name=value field`);
      continue;
    }
    fields.push({ text, name: text.slice(0, eq), value: text.slice(eq + 1) });
  }
  return { fields, errors };
}
