/**
 * A small, strict reader of iCalendar text (RFC 5545) for tests: it fails on what a calendar app
 * could stumble over (a bare LF, a line over 75 octets, a component left open) and returns the
 * calendar's properties and its events' properties, lines unfolded and text unescaped.
 */

export interface IcsProperty {
  name: string;
  params: Record<string, string>;
  /** As written, escapes and all. */
  raw: string;
  /** TEXT unescaped (RFC 5545 §3.3.11). */
  text: string;
}

export interface IcsCalendar {
  /** The physical lines, without their CRLF. */
  lines: string[];
  properties: IcsProperty[];
  events: Map<string, IcsProperty>[];
}

const encoder = new TextEncoder();

function unescapeText(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\') {
      if (c === ',' || c === ';') throw new Error(`an unescaped "${c}" in a TEXT value: ${raw}`);
      out += c;
      continue;
    }
    const next = raw[++i];
    if (next === 'n' || next === 'N') out += '\n';
    else if (next === '\\' || next === ',' || next === ';') out += next;
    else throw new Error(`an unknown escape "\\${next ?? ''}" in ${raw}`);
  }
  return out;
}

function property(line: string): IcsProperty {
  // The name and parameters end at the first colon outside a quoted parameter value.
  let inQuote = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') inQuote = !inQuote;
    else if (line[i] === ':' && !inQuote) {
      colon = i;
      break;
    }
  }
  if (colon < 1) throw new Error(`not a content line: ${line}`);
  const [name, ...params] = line.slice(0, colon).split(';');
  if (!/^[A-Z0-9-]+$/.test(name as string)) throw new Error(`a bad property name in: ${line}`);
  const raw = line.slice(colon + 1);
  const textual = ['SUMMARY', 'DESCRIPTION', 'X-WR-CALNAME', 'LOCATION', 'COMMENT'].includes(name as string);
  return {
    name: name as string,
    params: Object.fromEntries(params.map((p) => p.split('=') as [string, string])),
    raw,
    text: textual ? unescapeText(raw) : raw,
  };
}

export function readIcs(text: string): IcsCalendar {
  if (!text.endsWith('\r\n')) throw new Error('the calendar does not end with CRLF');
  const body = text.slice(0, -2);
  if (/\r(?!\n)|(?<!\r)\n/.test(body)) throw new Error('a line ends with a bare CR or LF, not CRLF');
  const lines = body.split('\r\n');
  for (const [i, line] of lines.entries()) {
    const octets = encoder.encode(line).length;
    if (octets > 75) throw new Error(`line ${i + 1} is ${octets} octets, over 75: ${line}`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(line)) throw new Error(`line ${i + 1} holds a control character`);
  }
  // Unfolding (§3.1): a line starting with a space or tab continues the one before.
  const logical: string[] = [];
  for (const line of lines) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (logical.length === 0) throw new Error('the calendar starts with a continuation line');
      logical[logical.length - 1] += line.slice(1);
    } else logical.push(line);
  }
  const stack: string[] = [];
  const properties: IcsProperty[] = [];
  const events: Map<string, IcsProperty>[] = [];
  let event: Map<string, IcsProperty> | null = null;
  for (const line of logical) {
    const p = property(line);
    if (p.name === 'BEGIN') {
      stack.push(p.raw);
      if (p.raw === 'VEVENT') event = new Map();
      continue;
    }
    if (p.name === 'END') {
      if (stack.pop() !== p.raw) throw new Error(`END:${p.raw} closes a component it did not open`);
      if (p.raw === 'VEVENT' && event) {
        events.push(event);
        event = null;
      }
      continue;
    }
    if (stack.length === 0) throw new Error(`a property outside VCALENDAR: ${line}`);
    if (event) {
      if (event.has(p.name)) throw new Error(`${p.name} twice in one event`);
      event.set(p.name, p);
    } else properties.push(p);
  }
  if (stack.length > 0) throw new Error(`${stack.join(', ')} left open`);
  if (logical[0] !== 'BEGIN:VCALENDAR') throw new Error('the calendar does not start with BEGIN:VCALENDAR');
  return { lines, properties, events };
}
