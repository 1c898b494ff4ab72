/**
 * audit.priorities: the result page's "Fix these first" comes from the api, and it must be the list
 * the reports open with, item for item and word for word.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../electron/api/errors';
import { createApi, type Api } from '../../electron/api/handlers';
import type { PriorityItem } from '../../electron/api/operations';
import { finding } from '../../electron/core/audit/finding';
import { HistoryStore } from '../../electron/core/history/store';
import { escapeHtml, renderHtml } from '../../electron/core/report/html';
import { renderMarkdown } from '../../electron/core/report/markdown';
import { reportResult } from '../helpers/report-result';

let api: Api | undefined;
let store: HistoryStore | undefined;
afterEach(() => {
  api?.close();
  store?.close();
  api = undefined;
  store = undefined;
});

async function priorities(input: unknown): Promise<PriorityItem[]> {
  api ??= createApi({ dbPath: null, ...(store ? { store } : {}), transport: 'http', version: 'test', emit: () => {} });
  return ((await api.dispatch('audit.priorities', input)) as { items: PriorityItem[] }).items;
}

/** The HTML report's "Fix these first" items, as one line of text each. */
function htmlFixList(html: string): string[] {
  const list = /Fix these first<\/h3>\s*<ol class="fixes">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li>(.*?)<\/li>/gs)].map((m) => (m[1] ?? '').replace(/<(pre|p)[ >][\s\S]*$/, '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim());
}

describe('audit.priorities', () => {
  it('gives the HTML and Markdown reports’ "Fix these first" items, in their order and words', async () => {
    const result = reportResult();
    // Shuffled: the order comes from the ranking, not from the order checks finished in.
    const items = await priorities({ findings: [...result.findings].reverse() });

    expect(items.map((i) => [i.severity, i.impactLabel, i.findings.map((f) => f.code)])).toEqual([
      ['critical', 'mail is rejected or lost', ['mx.no-address']],
      ['critical', 'the domain can be spoofed', ['spf.all-pass']],
      ['warning', 'the domain can be spoofed', ['dmarc.policy-none', 'dmarc.no-rua']],
      ['warning', 'sender reputation', ['dkim.not-found']],
      ['info', 'good practice', ['dnssec.unsigned']],
      ['info', 'good practice', ['mtasts.missing']],
    ]);
    expect(items[2]?.title).toBe('DMARC policy is none; No aggregate reports');

    // Each item as the HTML report writes it: severity, titles, (impact; codes; check).
    const asHtml = items.map((i) => `${i.severity} ${escapeHtml(i.title)} (${escapeHtml(i.impactLabel)}; ${i.findings.map((f) => f.code).join(', ')}; ${i.check} check)`);
    expect(htmlFixList(renderHtml([result]))).toEqual(asHtml);

    const md = renderMarkdown([result]);
    for (const [n, item] of items.entries()) expect(md).toContain(`${n + 1}. **${item.severity}** `);
    expect(md).toContain(`(${items[0]?.impactLabel}; `);
    // The fix each item carries is the report's.
    expect(items.find((i) => i.check === 'spf')?.fix).toBe(result.findings.find((f) => f.code === 'spf.all-pass')?.fix);
  });

  it('ranks a stored audit by id, and says so when there is none', async () => {
    store = HistoryStore.open(':memory:');
    const id = store.saveAudit(reportResult());
    const byId = await priorities({ id });
    expect(byId).toEqual(await priorities({ findings: reportResult().findings }));
    await expect(priorities({ id: id + 1 })).rejects.toMatchObject({ code: 'not-found', message: `There is no audit #${id + 1} in history.` });
  });

  it('ranks nothing when there is nothing to fix, and a code it does not know as good practice', async () => {
    expect(await priorities({ findings: [] })).toEqual([]);
    const newer = { ...finding('dnssec.unsigned', { title: 'From a newer version', detail: 'x' }), code: 'future.thing', extra: 1 };
    const [item] = await priorities({ findings: [newer] });
    expect(item).toMatchObject({ impact: 'hygiene', impactLabel: 'good practice', title: 'From a newer version' });
    expect(item?.findings[0]).not.toHaveProperty('extra');
  });

  it('refuses what is not findings', async () => {
    await expect(priorities({ findings: [{ code: 'spf.missing' }] })).rejects.toBeInstanceOf(ApiError);
    await expect(priorities({ id: 1, findings: [] })).rejects.toBeInstanceOf(ApiError);
  });
});
