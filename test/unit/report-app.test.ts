/**
 * Reports from the app: the branding Settings keeps (checked in the app's words), the PDF and
 * portfolio exports through report.render and report.save, and serve's printer when no browser is found.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../electron/api/errors';
import { createApi, type Api, type ApiContext } from '../../electron/api/handlers';
import type { ReportOutput, ReportSaved } from '../../electron/api/operations';
import type { Settings } from '../../electron/api/types';
import { HistoryStore } from '../../electron/core/history/store';
import { checkReportBrandSetting } from '../../electron/core/settings';
import { browserPdfPrinter } from '../../electron/serve/print-pdf';
import { reportResult } from '../helpers/report-result';

const HOSTILE_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><script>alert(2)</script><rect width="8" height="8" fill="#0b5394"/></svg>';
const svgUri = (text: string) => `data:image/svg+xml;base64,${Buffer.from(text).toString('base64')}`;
const decode = (uri: string) => Buffer.from(uri.split(',')[1] ?? '', 'base64').toString('utf8');

describe('Report branding as Settings checks it', () => {
  it('keeps the fields trimmed, sanitises an SVG logo and drops empty fields', () => {
    const { brand, problems } = checkReportBrandSetting({ title: '  Mail review ', name: 'Acme Consulting', accent: '#0B7285', footer: '', logo: svgUri(HOSTILE_SVG) });
    expect(problems).toEqual([]);
    expect(brand).toMatchObject({ title: 'Mail review', name: 'Acme Consulting', accent: '#0b7285' });
    expect(brand).not.toHaveProperty('footer');
    const logo = decode(brand.logo ?? '');
    expect(logo).toContain('<rect width="8" height="8" fill="#0b5394">');
    expect(logo).not.toMatch(/script|onload|alert/);
  });

  it('names each refused field in the words of the form, never a JSON key or a data URI', () => {
    const { problems } = checkReportBrandSetting({ title: 'x'.repeat(201), accent: 'blue', logo: 'data:image/gif;base64,R0lGODlh', footer: 'ok' });
    expect(problems).toEqual([
      { field: 'title', message: 'The report title is longer than 200 characters' },
      { field: 'logo', message: 'The logo must be a PNG, JPEG or SVG image' },
      { field: 'accent', message: 'A colour written as # and 3 or 6 hex digits, like #1a6fd4' },
    ]);
    const big = checkReportBrandSetting({ logo: `data:image/png;base64,${Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(1024 * 1024)]).toString('base64')}` });
    expect(big.problems).toEqual([{ field: 'logo', message: 'The logo is larger than 1 MB' }]);
    expect(checkReportBrandSetting({ logo: svgUri('<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>') }).problems[0]?.message).toMatch(/nothing Deliverlab can draw safely/);
  });
});

let dir: string;
let store: HistoryStore;
let auditId: number;
let otherId: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-report-app-'));
  store = HistoryStore.open(join(dir, 'history.sqlite'));
  auditId = await store.saveAudit(reportResult('first.test'));
  otherId = await store.saveAudit(reportResult('second.test'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function api(extra: Partial<ApiContext> = {}): Api {
  return createApi({ dbPath: null, store, transport: 'http', version: '0', emit: () => {}, ...extra });
}

describe('the branding saved in Settings', () => {
  it('is refused with each problem beside its field, and nothing is stored', async () => {
    const a = api();
    const err = await a.dispatch('settings.set', { reportBrand: { name: 'Acme', accent: 'teal' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).fields).toEqual([{ field: 'reportBrand.accent', message: 'A colour written as # and 3 or 6 hex digits, like #1a6fd4' }]);
    expect(((await a.dispatch('settings.get', {})) as Settings).reportBrand).toEqual({});
  });

  it('brands every report exported after it, until it is cleared: then the neutral footer again', async () => {
    const a = api();
    const saved = (await a.dispatch('settings.set', { reportBrand: { title: 'Quarterly mail review', name: 'Acme Consulting', footer: 'Confidential to Example Ltd', logo: svgUri(HOSTILE_SVG) } })) as Settings;
    expect(decode(saved.reportBrand.logo ?? '')).not.toContain('script');
    const html = ((await a.dispatch('report.render', { audits: [auditId], format: 'html' })) as ReportOutput).text;
    expect(html).toContain('Quarterly mail review');
    expect(html).toContain('Prepared by Acme Consulting with Deliverlab.');
    expect(html).toContain('Confidential to Example Ltd');

    // The command line brands with --brand FILE only, whatever the app keeps in the same history.
    const cli = api({ transport: 'cli' });
    expect(((await cli.dispatch('report.render', { audits: [auditId], format: 'html' })) as ReportOutput).text).toContain('Prepared with Deliverlab.');

    await a.dispatch('settings.set', { reportBrand: {} });
    const neutral = ((await a.dispatch('report.render', { audits: [auditId], format: 'html' })) as ReportOutput).text;
    expect(neutral).toContain('Prepared with Deliverlab.');
    expect(neutral).not.toContain('Acme');
  });
});

describe('PDF and portfolio exports', () => {
  it('prints the HTML report through the printPdf hook and hands the PDF back as base64', async () => {
    const printed: string[] = [];
    const a = api({ printPdf: (html) => (printed.push(html), Promise.resolve(new Uint8Array(Buffer.from('%PDF-1.7 test')))) });
    const out = (await a.dispatch('report.render', { audits: [auditId, otherId], format: 'pdf' })) as ReportOutput;
    expect(out).toMatchObject({ format: 'pdf', encoding: 'base64', domains: ['first.test', 'second.test'] });
    expect(Buffer.from(out.text, 'base64').toString()).toBe('%PDF-1.7 test');
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^<!DOCTYPE html>/i);
    expect(printed[0]).toContain('second.test');
  });

  it('says PDF cannot be printed where there is no printer, and suggests HTML', async () => {
    await expect(api().dispatch('report.render', { audits: [auditId], format: 'pdf' })).rejects.toThrow(/export the report as HTML/);
  });

  it('saves a PDF as bytes, and a batch as one portfolio report, where the save dialog says', async () => {
    const asked: { name: string; format: string; content: string | Uint8Array }[] = [];
    const a = api({
      transport: 'ipc',
      printPdf: () => Promise.resolve(new Uint8Array(Buffer.from('%PDF-1.7 test'))),
      saveReport: (name, format, content) => (asked.push({ name, format, content }), Promise.resolve(join(dir, `${name}.${format}`))),
    });
    expect((await a.dispatch('report.save', { kind: 'audit', id: auditId, format: 'pdf' })) as ReportSaved).toMatchObject({ saved: true });
    expect(asked[0]?.content).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(asked[0]?.content as Uint8Array).toString()).toBe('%PDF-1.7 test');
    await a.dispatch('report.save', { kind: 'portfolio', ids: [auditId, otherId], format: 'md' });
    expect(asked[1]).toMatchObject({ name: 'deliverlab-portfolio-2-domains', format: 'md' });
    expect(asked[1]?.content).toContain('first.test');
    expect(asked[1]?.content).toContain('second.test');
    await expect(a.dispatch('report.save', { kind: 'portfolio', id: auditId })).rejects.toThrow();
  });

  it("serve's printer says in the app's words when no Chrome, Chromium or Edge is found", async () => {
    const err = await browserPdfPrinter([join(dir, 'no-browser')])('<p>x</p>').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toMatch(/none was found on this computer\. Export the report as HTML/);
    expect((err as ApiError).message).not.toContain('--browser');
  });
});
