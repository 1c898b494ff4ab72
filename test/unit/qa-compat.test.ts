import { describe, expect, it } from 'vitest';
import { checkCompatibility, clientWords } from '../../electron/core/qa/compat';
import { readDocument } from '../../electron/core/qa/document';
import type { ClientFamily } from '../../electron/core/qa/families';

// Client compatibility from the caniemail.com data: one finding per feature, naming its clients and
// the draft's lines, for the client families asked about.

const HTML = [
  '<html>', // 1
  '<head>',
  '<style>',
  '.a { color: red }',
  '.row { display: flex }', // 5
  '@media (max-width: 600px) { .row { display: block } }', // 6
  '</style>',
  '</head>',
  '<body>', // 9
  '<div style="display:flex">x</div>', // 10
  '<p style="display: flex">y</p>', // 11
  '<img src="https://cdn.x.test/photo.webp?v=2" alt="A photo">', // 12
  '</body>',
  '</html>',
].join('\n');

const check = (html: string, families: ClientFamily[]) => checkCompatibility(readDocument(html), families).findings;

describe('compatibility findings', () => {
  it('are one per feature, naming the clients without it and every line that uses it, in <style> and style attributes alike', () => {
    const findings = check(HTML, ['outlook']);
    const flex = findings.filter((f) => f.title.startsWith('display:flex'));
    expect(flex).toHaveLength(1);
    expect(flex[0]).toMatchObject({
      code: 'compat.unsupported',
      severity: 'warning',
      check: 'compat',
      title: 'display:flex (CSS): not supported in Outlook (Windows, Windows Mail)',
      line: 5,
      lines: [5, 10, 11],
      refs: ['https://www.caniemail.com/features/css-display-flex/'],
    });
    expect(flex[0]?.fix).toMatch(/^For Outlook \(Windows, Windows Mail\), lay the content out with tables/);
  });

  it('put a rule of a <style> block, and an at-rule caniemail gives no position, on the draft’s own line', () => {
    const findings = check(HTML, ['outlook']);
    expect(findings.find((f) => f.title.startsWith('@media'))?.lines).toEqual([6]);
    expect(findings.find((f) => f.title.startsWith('webP image format'))).toMatchObject({ title: 'webP image format: not supported in Outlook (Windows, Mac)', lines: [12] });
  });

  it('say partial support as such, at information level', () => {
    const partial = check(HTML, ['outlook']).find((f) => f.title.startsWith('display (CSS)'));
    expect(partial).toMatchObject({ code: 'compat.partial', severity: 'info', title: 'display (CSS) is only partly supported in Outlook (Windows, Windows Mail)' });
    expect(partial?.detail).toContain('caniemail.com notes: "Buggy. display:none does not inherit to inner tables."');
  });

  it('are warnings only when a major family lacks the feature: Thunderbird alone makes it information', () => {
    expect(check(HTML, ['thunderbird']).map((f) => [f.code, f.severity, f.title])).toEqual([['compat.unsupported', 'info', '@media (CSS): not supported in Thunderbird (macOS)']]);
  });

  it('cover only the families asked about: Apple Mail has all of these, Outlook does not', () => {
    expect(check(HTML, ['apple'])).toEqual([]);
    const outlook = check(HTML, ['outlook']);
    expect(outlook.length).toBeGreaterThan(0);
    expect(outlook.every((f) => !/Gmail|Yahoo|Apple|Samsung|Thunderbird/.test(f.title))).toBe(true);
    const both = check(HTML, ['outlook', 'gmail']);
    expect(both.find((f) => f.title.startsWith('display:flex'))?.title).toBe('display:flex (CSS): not supported in Outlook (Windows, Windows Mail); only partly in Gmail (iOS app, Android app)');
    expect(check(HTML, [])).toEqual([]);
  });

  it('check a declaration repeated a thousand times once, with its lines', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `<td style="border-radius:4px">${i}</td>`).join('\n');
    const [radius] = check(`<table>\n${rows}\n</table>`, ['outlook']).filter((f) => f.title.startsWith('border-radius'));
    expect(radius?.lines).toHaveLength(50);
    expect(radius?.evidence).toBe('1000 uses: lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 990 more');
  });

  it('read a draft nested twenty thousand deep without exhausting the stack', () => {
    const deep = `${'<div style="display:flex">'.repeat(20_000)}deep${'</div>'.repeat(20_000)}`;
    expect(check(deep, ['outlook'])[0]?.title).toBe('display:flex (CSS): not supported in Outlook (Windows, Windows Mail)');
  });
});

describe('client words', () => {
  it('name a whole family alone, part of one with its platforms, major families first', () => {
    expect(clientWords(['thunderbird.macos', 'gmail.ios', 'gmail.android', 'apple-mail.macos', 'apple-mail.ios'])).toBe('Gmail (iOS app, Android app), Apple Mail, Thunderbird (macOS)');
  });
});
