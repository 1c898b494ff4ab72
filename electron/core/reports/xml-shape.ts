/**
 * A fast check that XML is well-formed in the ways the reader relies on, run before it.
 *
 * The tokenizer the reader uses (xml-tree.ts) is lenient: it builds a tree without matching end
 * tags to start tags (`<a><b></a></b>` reads as a tree), and fast-xml-parser's validator costs a
 * third of a report's import. This scan checks, in one pass with indexOf, what makes the tree
 * faithful: every element closed by an end tag of its own name, in order, one root element, names
 * made of name characters, attribute values quoted, comments, CDATA sections and processing
 * instructions closed, nothing after the root but comments and blanks. A document that fails it is
 * handed to the validator, whose message says why.
 */

/** Name characters of ASCII (XML 1.0 §2.3) plus any non-ASCII character. */
function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x3a || c >= 0x80;
}

const isBlank = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Where the name starting at `at` ends (its first non-name character); `at` itself when none. */
function nameEnd(xml: string, at: number): number {
  const first = xml.charCodeAt(at);
  // A name starts with a letter, "_" or ":" (or a non-ASCII character), not a digit, "-" or ".".
  if (!(isNameChar(first) && !(first >= 0x30 && first <= 0x39) && first !== 0x2d && first !== 0x2e)) return at;
  let i = at + 1;
  while (i < xml.length && isNameChar(xml.charCodeAt(i))) i++;
  return i;
}

/** Whether the name at `at` (ending where the text's next non-name character is) is `length` characters equal to those at `from`. */
function sameName(xml: string, at: number, from: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (xml.charCodeAt(at + k) !== xml.charCodeAt(from + k)) return false;
  return true;
}

/** True when `xml` passes the scan; false means: ask the validator what is wrong. */
export function looksWellFormed(xml: string): boolean {
  // The open elements, as where each name starts and how long it is: no string is cut out.
  const starts: number[] = [];
  const lengths: number[] = [];
  let roots = 0;
  let i = xml.indexOf('<');
  // Only blanks (and a byte-order mark) may come before the first markup.
  for (let k = 0; k < (i < 0 ? xml.length : i); k++) {
    const c = xml.charCodeAt(k);
    if (!isBlank(c) && c !== 0xfeff) return false;
  }
  while (i >= 0) {
    const next = xml.charCodeAt(i + 1);
    let end: number;
    if (next === 0x3f) {
      // <? ... ?>
      end = xml.indexOf('?>', i + 2);
      if (end < 0) return false;
      end += 2;
    } else if (next === 0x21) {
      if (xml.startsWith('<!--', i)) {
        end = xml.indexOf('-->', i + 4);
        if (end < 0) return false;
        end += 3;
      } else if (xml.startsWith('<![CDATA[', i)) {
        if (starts.length === 0) return false;
        end = xml.indexOf(']]>', i + 9);
        if (end < 0) return false;
        end += 3;
      } else return false;
    } else if (next === 0x2f) {
      // </name>
      const nameStop = nameEnd(xml, i + 2);
      const length = nameStop - i - 2;
      if (length === 0 || starts.length === 0) return false;
      const from = starts.pop() as number;
      if (lengths.pop() !== length || !sameName(xml, i + 2, from, length)) return false;
      end = nameStop;
      while (isBlank(xml.charCodeAt(end))) end++;
      if (xml.charCodeAt(end) !== 0x3e) return false;
      end++;
    } else {
      // <name attr="value" ...> or <name .../>
      const nameStop = nameEnd(xml, i + 1);
      if (nameStop === i + 1) return false;
      if (starts.length === 0 && ++roots > 1) return false;
      end = nameStop;
      for (;;) {
        const blankStart = end;
        while (isBlank(xml.charCodeAt(end))) end++;
        const c = xml.charCodeAt(end);
        if (c === 0x3e) {
          starts.push(i + 1);
          lengths.push(nameStop - i - 1);
          end++;
          break;
        }
        if (c === 0x2f && xml.charCodeAt(end + 1) === 0x3e) {
          end += 2;
          break;
        }
        // An attribute: blank before it, a name, "=", a quoted value without "<".
        if (end === blankStart) return false;
        const attrStop = nameEnd(xml, end);
        if (attrStop === end) return false;
        end = attrStop;
        while (isBlank(xml.charCodeAt(end))) end++;
        if (xml.charCodeAt(end) !== 0x3d) return false;
        end++;
        while (isBlank(xml.charCodeAt(end))) end++;
        const quote = xml.charCodeAt(end);
        if (quote !== 0x22 && quote !== 0x27) return false;
        const close = xml.indexOf(quote === 0x22 ? '"' : "'", end + 1);
        if (close < 0 || xml.lastIndexOf('<', close) > end) return false;
        end = close + 1;
      }
    }
    const following = xml.indexOf('<', end);
    // Text outside the root element may only be blank.
    if (starts.length === 0) {
      for (let k = end; k < (following < 0 ? xml.length : following); k++) if (!isBlank(xml.charCodeAt(k))) return false;
    }
    i = following;
  }
  return starts.length === 0 && roots === 1;
}
