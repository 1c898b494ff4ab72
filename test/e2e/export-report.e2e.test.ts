/**
 * "Export report" in serve: the browser downloads the stored item's self-contained HTML report,
 * fetched through the API with the session token like every call, and the file holds what the page
 * is about (the domain, the finding codes, the seeds).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/core/history/store';
import type { MessageAnalysis } from '../../electron/core/message/types';
import { readEmbedded } from '../../electron/core/report/page';
import { messageAnalysis } from '../helpers/report-kinds';
import { expectVisible, useLab, waitForResult, type LabPage } from './harness';
import { fullResult, placementRun, storePlacementRun, storeResults } from './stored-results';

const t = useLab();

/** Clicks Export report and returns the downloaded file's name and text. */
async function exportReport(page: LabPage): Promise<{ name: string; html: string }> {
  const button = page.getByRole('button', { name: 'Export report' });
  await expectVisible(button, 'the Export report button');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), button.click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), html: await readFile(path, 'utf8') };
}

describe('Export report in serve', () => {
  it('on a stored audit: downloads the HTML report with the domain and every finding code', async () => {
    const audit = fullResult();
    const [id] = storeResults(t.lab, [audit]);
    const page = await t.open(`#/history/${id}`);
    await waitForResult(page, 'full.test');
    const { name, html } = await exportReport(page);
    expect(name).toBe(`deliverlab-audit-${id}.html`);
    expect(html).toContain('<title>Deliverability report: full.test</title>');
    for (const f of audit.findings) expect(html).toContain(f.code);
  });

  it('on a message analysis: the verdicts, the codes, the Subject as text', async () => {
    const analysis: MessageAnalysis = { ...messageAnalysis(), id: null };
    const store = HistoryStore.open(join(t.lab.dataDir, 'history.sqlite'));
    let id: number;
    try {
      id = await store.saveMessage(analysis, null);
    } finally {
      store.close();
    }
    const page = await t.open(`#/messages/${id}`);
    await expectVisible(page.getByRole('heading', { name: 'Message analysis #' + id }), 'the stored analysis');
    const { name, html } = await exportReport(page);
    expect(name).toBe(`deliverlab-message-${id}.html`);
    for (const f of analysis.findings) expect(html).toContain(f.code);
    expect(html).toContain('shop.example');
    expect(html).toContain('&#60;/script&#62;&#60;script&#62;window.pwned=1');
    expect((readEmbedded(html) as MessageAnalysis).summary.subject).toBe(analysis.summary.subject);
  });

  it('on a placement run: each seed and where its copy landed', async () => {
    const run = placementRun();
    const id = storePlacementRun(t.lab, run);
    const page = await t.open(`#/placement/${id}`);
    await expectVisible(page.getByTestId('placement-run'), 'the stored run');
    const { name, html } = await exportReport(page);
    expect(name).toBe(`deliverlab-placement-${id}.html`);
    for (const seed of run.seeds) expect(html).toContain(seed.seed);
    expect(html).toContain('Inbox, promotions tab');
    expect(html).not.toContain('AUTH PLAIN');
  });
});
