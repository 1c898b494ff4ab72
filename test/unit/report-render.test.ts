import { describe, expect, it } from 'vitest';
import { csvCell, renderCsv } from '../../electron/core/report/csv';
import { readEmbeddedResults, renderHtml, ReportReadError } from '../../electron/core/report/html';
import { escapeMarkdown, renderMarkdown } from '../../electron/core/report/markdown';
import { renderReport } from '../../electron/core/report/render';
import { HOSTILE_TXT, NON_ASCII, reportResult } from '../helpers/report-result';

/** Splits RFC 4180 text into rows of fields, as a spreadsheet would read it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('HTML report', () => {
  const result = reportResult();
  const html = renderHtml([result]);

  it('escapes record text: a TXT value with a script is shown, not run', () => {
    // The one script element is the embedded JSON block.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('include:&#60;/script&#62;&#60;script&#62;window.pwned=1');
    expect(html).toContain(NON_ASCII);
  });

  it('carries the domain, date from the result, resolver, grade, every code and every fix', () => {
    expect(html).toContain('2026-03-14 09:26:53 UTC');
    expect(html).toContain('127.0.0.1:5353');
    expect(html).toContain('<span class="grade">D</span>');
    for (const f of result.findings) {
      expect(html).toContain(f.code);
      if (f.fix) expect(html).toContain(f.fix.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`));
    }
  });

  it('asks for nothing over the network', () => {
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/);
    expect(html).not.toMatch(/\b(src|href)="(?!#)/);
  });

  it('renders the same result byte for byte the same, also after a trip through JSON', () => {
    expect(renderHtml([result])).toBe(html);
    expect(renderHtml([JSON.parse(JSON.stringify(result))])).toBe(html);
  });

  it('embeds the result so that it reads back whole, with nothing in it able to close its block', () => {
    const block = html.slice(html.indexOf('id="deliverlab-result">'));
    expect(block.indexOf('</script>')).toBe(block.length - '</script>\n</body>\n</html>\n'.length);
    expect(readEmbeddedResults(html)).toEqual([result]);
    expect(readEmbeddedResults(renderHtml([result, reportResult('other.test')])).map((r) => r.domain)).toEqual(['example.test', 'other.test']);
  });

  it('refuses a report whose embedded result was changed', () => {
    const tampered = html.replace('"grade":"D"', '"grade":"A"');
    expect(tampered).not.toBe(html);
    expect(() => readEmbeddedResults(tampered)).toThrow(ReportReadError);
    expect(() => readEmbeddedResults('<html></html>')).toThrow(/not a Deliverlab HTML report/);
  });

  it('gives each domain its own section', () => {
    const two = renderHtml([result, reportResult('other.test')]);
    expect(two.match(/class="domain-section"/g)).toHaveLength(2);
    expect(two).toContain('id="d2-title">other.test<');
  });
});

describe('CSV report', () => {
  it('writes one RFC 4180 row per finding, formulas defused', () => {
    const result = reportResult();
    const rows = parseCsv(renderCsv([result]));
    expect(rows[0]).toEqual(['domain', 'code', 'severity', 'title', 'fix']);
    expect(rows).toHaveLength(result.findings.length + 1);
    const fixes = rows.slice(1).map((r) => r[4]);
    expect(fixes).toContain(`'=HYPERLINK("http://evil.test","x") then end the record in ~all`);
    expect(fixes).toContain("'+Add an A record for mx1");
    expect(fixes).toContain("'-Publish an MTA-STS policy");
    expect(fixes).toContain("'@Name your selectors");
    expect(fixes.filter((f) => /^[=+\-@]/.test(f ?? ''))).toEqual([]);
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('plain')).toBe('plain');
  });
});

describe('Markdown report', () => {
  it('keeps records in code blocks and escapes prose', () => {
    const md = renderMarkdown([reportResult()]);
    expect(md).toContain('## example\\.test');
    expect(md).toContain('### Fix these first');
    // The hostile record appears only inside fenced blocks, never as raw inline HTML.
    const outside = md.replace(/^ *(`{3,})text\n[\s\S]*?\n *\1$/gm, '');
    expect(outside).not.toContain('<script>');
    expect(md).toContain(HOSTILE_TXT);
    expect(escapeMarkdown('[x](http://e) <b>')).toBe('\\[x\\]\\(http\\://e\\) \\<b\\>');
  });
});

describe('JSON report', () => {
  it('is the result itself, or the list of results', () => {
    const result = reportResult();
    expect(JSON.parse(renderReport([result], 'json'))).toEqual(result);
    expect(JSON.parse(renderReport([result, result], 'json'))).toEqual([result, result]);
  });
});
