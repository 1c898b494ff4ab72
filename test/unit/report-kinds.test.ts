import { describe, expect, it } from 'vitest';
import type { MessageAnalysis } from '../../electron/core/message/types';
import { checkBrand, logoDataUri, type ReportBrand } from '../../electron/core/report/brand';
import { renderMessageReport } from '../../electron/core/report/message-report';
import type { ReportFormat } from '../../electron/core/report/model';
import { readEmbedded, visible } from '../../electron/core/report/page';
import { renderPlacementReport } from '../../electron/core/report/placement-report';
import { CONTROL_TEXT, HOSTILE_SUBJECT, LONG_HEADER, SECRET, b64, messageAnalysis, placementRun } from '../helpers/report-kinds';

const FORMATS: ReportFormat[] = ['html', 'md', 'csv', 'json'];
/** A 1 x 1 PNG. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6364f8ffbf1e000503020f0d6c7b5c0000000049454e44ae426082', 'hex');
// C0 controls except tab, LF and CR; DEL; C1 (built from code points: no control character in this file).
const RAW_CONTROL = new RegExp(`[${String.fromCharCode(0)}-${String.fromCharCode(8)}${String.fromCharCode(0x0b, 0x0c)}${String.fromCharCode(0x0e)}-${String.fromCharCode(0x1f)}${String.fromCharCode(0x7f)}-${String.fromCharCode(0x9f)}]`);

/** The text a reader sees in the HTML: tags out, entities back. */
const seen = (html: string) =>
  html
    .replace(/<script[^>]*>[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

describe('message report', () => {
  const a = messageAnalysis();

  it('shows every verdict in the RFC reading with the lenient note beside it, the hops, codes, fixes and provider rules', () => {
    const html = renderMessageReport(a, 'html');
    const text = seen(html);
    for (const method of ['SPF', 'DKIM', 'DMARC', 'ARC', 'BIMI']) expect(text).toContain(method);
    expect(text).toContain('Lenient receivers');
    expect(text).toContain('RFC 8301 §3.1 forbids');
    expect(text).toContain('d=esp.example s=s1');
    expect(text).toContain('policy reject');
    expect(text).toContain('mx.lab.test');
    expect(text).toContain('TLSv1.3');
    for (const f of a.findings) expect(text).toContain(f.code);
    expect(text).toContain('Sign with rsa-sha256 and a 2048-bit key.');
    expect(text).toContain('Gmail bulk sender rules');
    expect(text).toContain('The receiver read rsa-sha1 leniently.');
  });

  it('a Subject carrying a script is text, never markup, in the HTML', () => {
    const html = renderMessageReport(a, 'html');
    expect(html).not.toContain('<script>window.pwned');
    expect(html).not.toContain('<img src=x');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(seen(html)).toContain(HOSTILE_SUBJECT);
  });

  it.each(FORMATS.filter((f) => f !== 'json'))('%s: control characters are shown, never written raw', (format) => {
    const out = renderMessageReport(a, format);
    expect(out).not.toMatch(RAW_CONTROL);
    if (format !== 'csv') expect(out).toContain('\u2407'); // BEL as its control picture
  });

  it('a header far longer than a line is kept whole and wraps in the page', () => {
    const html = renderMessageReport(a, 'html');
    expect(seen(html)).toContain(LONG_HEADER);
    expect(html).toMatch(/<td class="wrap">from relay\.example\.test/);
  });

  it('embeds the analysis with its SHA-256, without the decoded body', () => {
    const html = renderMessageReport(a, 'html');
    const embedded = readEmbedded(html) as MessageAnalysis;
    expect(embedded.summary.subject).toBe(HOSTILE_SUBJECT);
    expect(embedded.hops[1]?.from).toBe(`app ${CONTROL_TEXT}`);
    expect(embedded.content?.html).toBeUndefined();
    expect(renderMessageReport(a, 'html')).toBe(html);
  });

  it('CSV: one row per finding, a formula defused', () => {
    const csv = renderMessageReport(a, 'csv');
    expect(csv.split('\r\n')[0]).toBe('subject,from_domain,code,severity,title,fix');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(1 + a.findings.length);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.test""`);
  });
});

describe('placement report', () => {
  const run = placementRun();

  it('shows each seed, where its copy landed and how fast, and why a copy bounced, went missing or failed', () => {
    const text = seen(renderPlacementReport(run, 'html'));
    for (const s of run.seeds) expect(text).toContain(s.seed);
    expect(text).toContain('Inbox');
    expect(text).toContain('Spam');
    expect(text).toContain('0.6 s');
    expect(text).toContain('2.1 s');
    expect(text).toContain('Status 5.1.1 (failed) for nobody@lab.test');
    expect(text).toContain('550 5.1.1 <nobody@lab.test> User unknown');
    expect(text).toContain('no copy and no bounce came');
    expect(text).toContain('The mailbox refused the login. (AUTHENTICATIONFAILED)');
    expect(text).toContain('Median latency1.4 s');
    expect(text).toContain('Accepted as 4F2A31C0D2');
  });

  it('CSV: one row per seed with its placement and latency', () => {
    const rows = renderPlacementReport(run, 'csv').split('\r\n').filter(Boolean);
    expect(rows).toHaveLength(1 + run.seeds.length);
    expect(rows[1]).toMatch(/^inbox-seed,seed1@lab\.test,other,inbox,640,INBOX,/);
  });

  it.each(FORMATS)('%s: the hostile subject is escaped and no control character is written raw', (format) => {
    const out = renderPlacementReport(run, format);
    if (format === 'html') expect(out).not.toContain('<script>window.pwned');
    if (format !== 'json') expect(out).not.toMatch(RAW_CONTROL);
  });
});

describe('message and placement reports carry the brand', () => {
  const brand = checkBrand({ title: 'Mail health <Q2>', name: 'Acme & Partners', logo: logoDataUri(PNG), accent: '#7a1f5c', footer: 'Confidential: for <client> only' });
  const kinds = [
    ['message analysis', (format: ReportFormat, b?: ReportBrand) => renderMessageReport(messageAnalysis(), format, b)],
    ['placement run', (format: ReportFormat, b?: ReportBrand) => renderPlacementReport(placementRun(), format, b)],
  ] as const;

  it.each(kinds)('%s: HTML with the title, name, logo, accent and footer, escaped, as the audit report has them', (_, render) => {
    const html = render('html', brand);
    expect(html).toContain('<title>Mail health &#60;Q2&#62;</title>');
    expect(html).toContain('<h1>Mail health &#60;Q2&#62;</h1>');
    expect(html).toContain('Prepared by Acme &#38; Partners with Deliverlab.');
    expect(html).toContain(`<img class="brand-logo" src="data:image/png;base64,${PNG.toString('base64')}" alt="Acme &#38; Partners logo">`);
    expect(html).toContain(':root{--accent:#7a1f5c}</style>');
    expect(html).toContain('<footer><p>Confidential: for &#60;client&#62; only</p><p>Made by Deliverlab');
    // The brand goes on the page, not into the result it embeds.
    expect(readEmbedded(html)).toEqual(readEmbedded(render('html')));
  });

  it.each(kinds)('%s: Markdown with the title, name and footer; CSV and JSON as without a brand', (_, render) => {
    const md = render('md', brand);
    expect(md.split('\n')[0]).toBe('# Mail health \\<Q2\\>');
    expect(md).toContain('Prepared by Acme \\& Partners with Deliverlab.');
    expect(md.trimEnd().endsWith('Confidential\\: for \\<client\\> only')).toBe(true);
    for (const format of ['csv', 'json'] as const) expect(render(format, brand)).toBe(render(format));
  });

  it.each(kinds)('%s: without a brand, the neutral header and footer', (_, render) => {
    const html = render('html');
    expect(html).toContain('<p class="muted">Prepared with Deliverlab.</p>');
    expect(html).toContain('<footer><p>Made by Deliverlab');
    expect(html).not.toContain('brand-logo"');
    expect(render('md')).not.toContain('Prepared by');
  });
});

describe('no report holds a secret', () => {
  // The secret, its base64 and SMTP AUTH PLAIN's base64, and the name of the variable that holds it.
  const forms = [SECRET, b64(SECRET), b64(`\0u@lab.test\0${SECRET}`), 'SEED_PASSWORD'];

  it.each(FORMATS)('placement run, %s', (format) => {
    const out = renderPlacementReport(placementRun(), format);
    for (const form of forms) expect(out).not.toContain(form);
    expect(out).not.toContain('passwordEnv');
    expect(out).not.toContain('AUTH PLAIN');
  });

  it.each(FORMATS)('message analysis, %s', (format) => {
    const a = messageAnalysis();
    const planted = { ...a, envelope: { ...a.envelope, password: SECRET, auth: { user: 'u', oauth2TokenEnv: 'SEED_PASSWORD' } } } as MessageAnalysis;
    const out = renderMessageReport(planted, format);
    for (const form of forms) expect(out).not.toContain(form);
  });

  it('shows controls by name so a reader sees them', () => {
    expect(visible('a\u0007b\u007fc\u0085d\te')).toBe('a\u2407b\u2421c<U+0085>d\te');
  });
});
