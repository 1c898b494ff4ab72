/**
 * The spam filter and readiness sections of the reports: a message report with the filters' verdicts
 * (rules grouped, network rules marked) and the readiness (score, items, fixes); a placement report
 * with what each analysed copy carried. Every format, read as a reader reads it.
 */
import { describe, expect, it } from 'vitest';
import { createApi } from '../../electron/api/handlers';
import { HistoryStore } from '../../electron/core/history/store';
import type { MessageAnalysis } from '../../electron/core/message/types';
import { renderMessageReport } from '../../electron/core/report/message-report';
import type { ReportFormat } from '../../electron/core/report/model';
import { readEmbedded } from '../../electron/core/report/page';
import { renderPlacementReport, type ReportedPlacement } from '../../electron/core/report/placement-report';
import { copyReport } from '../../electron/core/report/spam-section';
import { analysedCopy, messageAnalysis, placementRun, READINESS, SPAM } from '../helpers/report-kinds';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('report-spam');

/** The text a reader sees in the HTML: tags out, entities back. */
const seen = (html: string) =>
  html
    .replace(/<script[^>]*>[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/\s+/g, ' ');

/** Markdown as a reader sees it rendered: the escapes gone. */
const read = (md: string) => md.replace(/\\(.)/g, '$1');

const analysed = (): MessageAnalysis => ({ ...messageAnalysis(), spam: SPAM, readiness: READINESS });

describe('a message report with spam verdicts and readiness', () => {
  it('HTML: the readiness score, its items with their fixes, each filter\'s verdict and its rules grouped, network rules marked', () => {
    const text = seen(renderMessageReport(analysed(), 'html'));
    expect(text).toContain('Readiness Score: 6.5 / 10.');
    expect(text).toContain('1 of the 10 points were not checked');
    expect(text).toContain('DKIM Fail 1 −1 No DKIM signature verifies. Sign every message with a DKIM key whose d= is shop.example.');
    expect(text).toContain('Sending IP Not run 1 0 Not looked up: a draft has not been sent.');
    expect(text).not.toContain('never shown for a pass');
    expect(text).toContain('Spam filters');
    expect(text).toContain('SpamAssassin 4.0.1: spam, 6.3 of 5.');
    expect(text).toContain('rspamd: no answer (connection refused by 127.0.0.1:11333). Not a pass.');
    // Grouped: authentication first, then headers, then blocklists.
    expect(text).toMatch(/Authentication DKIM_INVALID 4\.9 .* Headers MISSING_DATE 1\.4 .* Blocklists URIBL_BLOCKED 0 The URIBL lookup was blocked \(network test, not run here\)/);
    expect(text).toContain('says nothing about the real internet');
  });

  it('Markdown: the same sections as tables', () => {
    const md = read(renderMessageReport(analysed(), 'md'));
    expect(md).toContain('## Readiness');
    expect(md).toContain('Score: 6.5 / 10.');
    expect(md).toContain('| Authentication | DKIM | Fail | 1 | −1 | No DKIM signature verifies. | Sign every message with a DKIM key whose d= is shop.example. |');
    expect(md).toContain('## Spam filters');
    expect(md).toContain('- SpamAssassin 4.0.1: spam, 6.3 of 5.');
    expect(md).toContain('| Blocklists | URIBL_BLOCKED | 0 | The URIBL lookup was blocked (network test, not run here) |');
  });

  it('CSV: the readiness and the filters follow the findings in the same columns', () => {
    const a = analysed();
    const rows = renderMessageReport(a, 'csv').split('\r\n').filter(Boolean);
    expect(rows[0]).toBe('subject,from_domain,code,severity,title,fix');
    const tail = rows.slice(1 + a.findings.length).map((r) => r.split(',').slice(2).join(','));
    expect(tail[0]).toBe('readiness,6.5 of 10,"6.5 of 10: 3.5 points off: DKIM fail (−1), SpamAssassin fail (−1).",');
    expect(tail).toContain('readiness:DKIM,Fail,"No DKIM signature verifies. (weight 1, points off 1)",Sign every message with a DKIM key whose d= is shop.example.');
    expect(tail).toContain('spam-filter:spamassassin,spam,"SpamAssassin 4.0.1: spam, 6.3 of 5.",');
    expect(tail).toContain('spam-rule:spamassassin:URIBL_BLOCKED,Blocklists,"0: The URIBL lookup was blocked (network test, not run here)",');
    expect(tail).toContain('spam-filter:rspamd,error,rspamd: no answer (connection refused by 127.0.0.1:11333). Not a pass.,');
  });

  it('JSON and the embedded result carry both as the analysis has them', () => {
    const json = JSON.parse(renderMessageReport(analysed(), 'json')) as MessageAnalysis;
    expect(json.readiness?.score).toBe(6.5);
    expect(json.spam?.[0]).toMatchObject({ filter: 'spamassassin', verdict: 'spam' });
    expect((readEmbedded(renderMessageReport(analysed(), 'html')) as MessageAnalysis).spam).toEqual(SPAM);
  });

  it.each(['html', 'md'] as ReportFormat[])('%s: an analysis without them has neither section', (format) => {
    const out = renderMessageReport(messageAnalysis(), format);
    expect(out).not.toContain('Readiness');
    expect(out).not.toContain('Spam filters');
  });
});

describe('a placement report with analysed copies', () => {
  const run = placementRun();
  const copies = [copyReport(analysedCopy(run, SPAM))];

  it('HTML: per copy, the receiver\'s spam verdict header, its Authentication-Results and the local filters\' verdicts', () => {
    const text = seen(renderPlacementReport(run, 'html', {}, copies));
    expect(text).toContain('Analysed copies');
    expect(text).toContain('inbox-seed: INBOX, fetched 2026-03-01T10:01:00.000Z');
    expect(text).toContain('X-Spam-Status spam 7.1 of 5 SpamAssassin on the receiving server called it spam.');
    expect(text).toContain('Authentication-Results (mx.lab.test)');
    expect(text).toContain('mx.lab.test; spf=pass smtp.mailfrom=esp.example; dkim=pass header.d=esp.example');
    expect(text).toContain('SpamAssassin 4.0.1: spam, 6.3 of 5.');
    expect(text).toContain('rspamd: no answer');
  });

  it('Markdown: the same, per copy', () => {
    const md = read(renderPlacementReport(run, 'md', {}, copies));
    expect(md).toContain('## Analysed copies');
    expect(md).toContain('| X-Spam-Status | spam | 7.1 of 5 | SpamAssassin on the receiving server called it spam. |');
    expect(md).toContain('mx.lab.test; spf=pass smtp.mailfrom=esp.example; dkim=pass header.d=esp.example');
    expect(md).toContain('- SpamAssassin 4.0.1: spam, 6.3 of 5.');
  });

  it('CSV: the analysed seed\'s row carries the receiver\'s verdict, its results and each local filter\'s verdict', () => {
    const rows = renderPlacementReport(run, 'csv', {}, copies).split('\r\n').filter(Boolean);
    expect(rows[0]).toBe('seed,address,provider,placement,latency_ms,folder,explanation,receiver_spam_verdict,authentication_results,spamassassin,rspamd');
    expect(rows[1]).toMatch(/^inbox-seed,.*,X-Spam-Status: spam 7\.1 of 5,mx\.lab\.test; spf=pass .*,spam 6\.3 of 5,no answer: connection refused by 127\.0\.0\.1:11333$/);
    // A seed whose copy was not analysed leaves them empty.
    expect(rows[2]?.endsWith(',,,,')).toBe(true);
  });

  it('JSON and the embedded run carry the analysed copies; a copy with no local filter says so', () => {
    const json = JSON.parse(renderPlacementReport(run, 'json', {}, copies)) as ReportedPlacement;
    expect(json.analysedCopies?.[0]).toMatchObject({ seed: 'inbox-seed', recorded: { authServId: 'mx.lab.test' } });
    expect((readEmbedded(renderPlacementReport(run, 'html', {}, copies)) as ReportedPlacement).analysedCopies).toHaveLength(1);
    const none = seen(renderPlacementReport(run, 'html', {}, [copyReport(analysedCopy(run, []))]));
    expect(none).toContain('No local spam filter was set up when this copy was analysed.');
    expect(renderPlacementReport(run, 'html')).not.toContain('Analysed copies');
  });

  it('report.render of a stored run finds its analysed copies in history', async () => {
    const path = tmp();
    const store = HistoryStore.open(path);
    const stored = { ...run, seeds: run.seeds.map((s) => ({ ...s })) };
    delete stored.id;
    const id = store.startPlacement({ ...stored, status: 'running' });
    store.finishPlacement(id, stored);
    store.saveCopyAnalysis(id, analysedCopy({ ...stored, id }, SPAM));
    const api = createApi({ dbPath: null, store, transport: 'http', version: '0', emit: () => {} });
    try {
      const out = (await api.dispatch('report.render', { placement: id, format: 'md' })) as { text: string };
      expect(read(out.text)).toContain('## Analysed copies');
      expect(read(out.text)).toContain('| X-Spam-Status | spam | 7.1 of 5 | SpamAssassin on the receiving server called it spam. |');
    } finally {
      api.close();
      store.close();
    }
  });
});
