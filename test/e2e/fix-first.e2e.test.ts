/**
 * The audit result page opens with what to fix: "Fix these first" in the reports' order, each item
 * jumping to its check; then one cell per check with its status word; clean checks in one line.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/core/history/store';
import { prioritize } from '../../electron/core/report/prioritize';
import { auditDomain, CHECK_TITLES, checkPanel, expectVisible, useLab, waitForResult, type LabPage } from './harness';

const t = useLab();

/** The top of an element once a smooth scroll has ended (five frames without movement, bounded). */
function settledTop(page: LabPage, elementId: string): Promise<number> {
  return page.evaluate(
    (id) =>
      new Promise<number>((resolve) => {
        const el = document.getElementById(id);
        let last = Number.NaN;
        let same = 0;
        let seen = 0;
        const step = () => {
          const top = el?.getBoundingClientRect().top ?? Number.NaN;
          same = top === last ? same + 1 : 0;
          last = top;
          if (same >= 5 || ++seen >= 600) return resolve(top);
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
    elementId,
  );
}

function latestStored(domain: string) {
  const store = HistoryStore.open(join(t.lab.dataDir, 'history.sqlite'));
  try {
    const audit = store.latestAudit(domain);
    if (!audit) throw new Error(`no stored audit of ${domain}`);
    return audit;
  } finally {
    store.close();
  }
}

describe('"Fix these first"', () => {
  it('lists the findings of bad.test worst first, in the reports’ order, and jumps to each check', async () => {
    const page = await t.open('#/audit');
    await auditDomain(page, 'bad.test');
    const result = await waitForResult(page, 'bad.test');
    const list = result.getByRole('region', { name: 'Fix these first' });
    // The items on screen: the rest of the list is in the page for printing, out of sight until asked for.
    const items = list.locator('[data-testid="fix-first-item"]:visible');
    await expectVisible(items.first(), 'the first item to fix');

    // What the page says first is what the reports say first: the same ranking, item for item.
    const ranked = prioritize(latestStored('bad.test'));
    expect(ranked.length).toBeGreaterThan(5);
    const shown = await items.evaluateAll((els) => els.map((el) => [el.getAttribute('data-check'), [...el.querySelectorAll('code')].map((c) => c.textContent)]));
    expect(shown).toEqual(ranked.slice(0, 5).map((item) => [item.check, [...new Set(item.findings.map((f) => f.code))]]));

    // Critical first: no SPF and no DMARC make the domain spoofable; the codes break the tie.
    const first = items.nth(0);
    expect(await first.getByText('dmarc.missing', { exact: true }).count()).toBe(1);
    expect(await first.innerText()).toMatch(/^critical\b/i);
    expect(await first.innerText()).toContain('the domain can be spoofed');
    expect(await first.getByTestId('fix-first-fix').innerText()).toMatch(/^How to fix: .*_dmarc\.bad\.test/s);
    expect(await items.nth(1).getByText('spf.missing', { exact: true }).count()).toBe(1);
    const severities = await items.evaluateAll((els) => els.map((el) => el.querySelector('[data-severity]')?.getAttribute('data-severity')));
    const rank = { critical: 0, warning: 1, info: 2 } as Record<string, number>;
    const order = severities.map((s) => rank[s ?? ''] ?? -1);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order[0]).toBe(0);

    // The rest is one click away, and the whole list is the reports' whole list.
    await list.getByRole('button', { name: `Show all ${ranked.length}` }).click();
    expect(await items.count()).toBe(ranked.length);
    await expectVisible(list.getByRole('button', { name: 'Show the first 5' }), 'the button that folds the list again');

    // The jump moves the view and the focus to the check's own section.
    await items.nth(1).getByRole('button', { name: 'Go to the SPF check' }).click();
    const top = await settledTop(page, 'check-section-spf');
    expect(top).toBeGreaterThanOrEqual(52);
    expect(top).toBeLessThan(120);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('check-section-spf');
    await expectVisible(checkPanel(result, 'SPF').getByRole('heading', { name: 'Findings' }), 'the SPF findings');
  });

  it('shows one cell per check with its status word, and a clean check in one line', async () => {
    const page = await t.open('#/audit');
    await auditDomain(page, 'good.test');
    const result = await waitForResult(page, 'good.test');
    const stored = latestStored('good.test');

    const grid = result.getByRole('navigation', { name: 'Checks' });
    const cells = grid.getByRole('button');
    expect(await cells.count()).toBe(CHECK_TITLES.length);
    // Not colour alone: every cell says its check and its status in words.
    const words = { pass: 'Pass', warn: 'Warning', fail: 'Fail', info: 'Info', error: 'Error', skipped: 'Skipped' } as const;
    const texts = (await cells.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
    expect(texts).toEqual(CHECK_TITLES.map((title, i) => {
      const status = stored.checks[(['mx', 'spf', 'dmarc', 'dkim', 'mtasts', 'tlsrpt', 'bimi', 'dnssec', 'ptr', 'dnsbl', 'smtp', 'providers'] as const)[i]!]!.status;
      return `${title} ${words[status]}`;
    }));
    await cells.filter({ hasText: 'DMARC' }).click();
    expect(await settledTop(page, 'check-section-dmarc')).toBeLessThan(120);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('check-section-dmarc');

    // SPF and DMARC pass with nothing to fix: one line, not a "Findings" heading over "No findings".
    expect(stored.checks.spf.status).toBe('pass');
    expect(stored.findings.filter((f) => f.check === 'spf' || f.check === 'dmarc')).toEqual([]);
    for (const title of ['SPF', 'DMARC'] as const) {
      const panel = checkPanel(result, title);
      await expectVisible(panel.getByTestId('check-clean'), `the one line of the clean ${title} check`);
      expect(await panel.getByTestId('check-clean').innerText()).toBe('Passed, nothing to fix.');
      expect(await panel.getByRole('heading', { name: 'Findings' }).count()).toBe(0);
      expect(await panel.getByText('No findings.').count()).toBe(0);
      // Its details stay: the record is still there to read.
      expect(await panel.getByRole('heading', { level: 3 }).innerText()).toBe(title);
    }
    await expectVisible(checkPanel(result, 'DMARC').getByText('v=DMARC1; p=reject; rua=mailto:dmarc@good.test'), 'the DMARC record of the clean check');

    // A check with findings keeps its list.
    const withFindings = stored.findings[0];
    expect(withFindings).toBeDefined();
    await expectVisible(result.getByTestId(`check-${withFindings!.check}`).getByRole('heading', { name: 'Findings' }), 'the findings of a check that has some');
  });
});
