/**
 * The app's PDF printing, its pure parts: the hidden window's settings, the page, the requests it
 * may make, and that main never reaches the CLI's browser driver (left out of the desktop package).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowPrintRequest, PDF_OPTIONS, PRINT_DEADLINE_MS, PRINT_PARTITION, printWindowOptions } from '../../electron/main/print-pdf-policy';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the print window', () => {
  it('is hidden, sandboxed, isolated, without Node or JavaScript, in its own in-memory session', () => {
    const options = printWindowOptions();
    expect(options.show).toBe(false);
    expect(options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true, webviewTag: false });
    expect(options.webPreferences?.preload).toBeUndefined();
    expect(options.webPreferences?.partition).toBe(PRINT_PARTITION);
    expect(PRINT_PARTITION.startsWith('persist:')).toBe(false);
  });

  it('prints A4 with backgrounds, under a deadline', () => {
    expect(PDF_OPTIONS).toMatchObject({ pageSize: 'A4', printBackground: true });
    expect(PRINT_DEADLINE_MS).toBeGreaterThan(0);
  });
});

describe('allowPrintRequest', () => {
  const report = 'file:///tmp/deliverlab-print-1/report.html';
  const printing = new Set([report]);

  it('lets the report being printed and its data: images load', () => {
    expect(allowPrintRequest(report, printing)).toBe(true);
    expect(allowPrintRequest('data:image/png;base64,iVBORw0KGgo=', printing)).toBe(true);
  });

  it('refuses everything else: the network, other files, the report with a query, other schemes', () => {
    for (const url of [
      'https://evil.example/pixel.png',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'file:///tmp/deliverlab-print-1/other.html',
      `${report}?next=https://evil.example`,
      `${report}#x`,
      'ws://evil.example/',
      'blob:file:///1234',
      'javascript:alert(1)',
      'chrome://settings',
      'not a url',
    ]) {
      expect(allowPrintRequest(url, printing), url).toBe(false);
    }
    expect(allowPrintRequest(report, new Set())).toBe(false);
  });
});

/** Every module main loads, following relative imports from its entry, type imports left out. */
function reachable(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^'";]*?from\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/gm)) {
      const spec = m[1] ?? m[2];
      if (!spec) continue;
      const base = resolve(dirname(file), spec);
      for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), base]) {
        try {
          readFileSync(candidate);
          visit(candidate);
          break;
        } catch {
          // Try the next form of the path.
        }
      }
    }
  };
  visit(join(ROOT, entry));
  return seen;
}

describe('the desktop main process', () => {
  it('never loads the CLI browser driver nor the module that needs it', () => {
    const files = reachable('electron/main/index.ts');
    expect([...files.keys()].some((f) => f.endsWith(join('electron', 'main', 'print-pdf.ts')))).toBe(true);
    expect([...files.keys()].some((f) => f.endsWith(join('electron', 'api', 'handlers.ts')))).toBe(true);
    expect([...files.keys()].filter((f) => f.endsWith(join('core', 'report', 'pdf.ts')))).toEqual([]);
    expect([...files.entries()].filter(([, text]) => /['"]playwright(-core)?['"]/.test(text)).map(([f]) => f)).toEqual([]);
  });
});
