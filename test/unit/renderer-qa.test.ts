/**
 * The Design QA page's logic: the draft kept across a reload (and its bound), the summary a send
 * keeps, findings by kind, MJML errors read from the api's refusal, and the hand-off's rule that a
 * QA result goes with the send only while the HTML is the one checked.
 */
import { describe, expect, it } from 'vitest';
import type { QaFinding } from '../../electron/api/types';
import { sourceLines } from '../../renderer/src/result/FindingList';
import { keepDraft, MAX_KEPT_CHARS, QA_DRAFT_KEY, readKeptDraft, type QaDraft } from '../../renderer/src/qa/qa-draft';
import { countWords, groupOf, qaSummary } from '../../renderer/src/qa/qa-findings';
import { sourceErrors } from '../../renderer/src/qa/SourceErrors';
import { composeFields, EMPTY_DRAFT, qaFor } from '../../renderer/src/sending/compose-draft';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

const draft = (over: Partial<QaDraft> = {}): QaDraft => ({ source: '<p>Hi</p>', encoding: 'utf8', name: null, path: null, version: 7, ...over });

describe('the draft kept across a reload', () => {
  it('keeps a draft whole, and reads it back as a new page would', () => {
    const storage = memoryStorage();
    expect(keepDraft(storage, draft({ name: 'news.mjml', kind: 'mjml', path: '/mail/news.mjml' }))).toBe('all');
    expect(readKeptDraft(storage)).toEqual({ source: '<p>Hi</p>', encoding: 'utf8', name: 'news.mjml', kind: 'mjml', path: '/mail/news.mjml', version: 1 });
  });

  it('keeps only the path of a large draft opened by path, and nothing of a large pasted one', () => {
    const storage = memoryStorage();
    const large = 'x'.repeat(MAX_KEPT_CHARS + 1);
    expect(keepDraft(storage, draft({ source: large, path: '/mail/big.html', name: 'big.html' }))).toBe('path');
    expect(readKeptDraft(storage)).toMatchObject({ source: '', path: '/mail/big.html' });
    expect(keepDraft(storage, draft({ source: large }))).toBe('none');
    expect(storage.items.has(QA_DRAFT_KEY)).toBe(false);
  });

  it('forgets a cleared draft, and ignores what is not a draft', () => {
    const storage = memoryStorage();
    keepDraft(storage, draft());
    keepDraft(storage, draft({ source: '' }));
    expect(storage.items.has(QA_DRAFT_KEY)).toBe(false);
    for (const junk of ['not json', '[]', '{"source":3}', '{"source":"x","encoding":"latin1"}', JSON.stringify({ source: 'x'.repeat(MAX_KEPT_CHARS + 1), encoding: 'utf8' })]) {
      storage.setItem(QA_DRAFT_KEY, junk);
      expect(readKeptDraft(storage), junk.slice(0, 40)).toBeNull();
    }
  });

  it('says nothing was kept when storage refuses the write', () => {
    const full = { ...memoryStorage(), setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(keepDraft(full, draft())).toBe('none');
  });
});

const f = (code: string, severity: QaFinding['severity'], lines?: number[]): QaFinding => ({ code: code as QaFinding['code'], severity, check: code.split('.')[0] as string, title: code, detail: '', ...(lines ? { line: lines[0] as number, lines } : {}) });

describe('the result as the page lays it out', () => {
  it('counts findings by severity, and lists each code once, worst first', () => {
    const summary = qaSummary({ file: 'news.html', findings: [f('a11y.small-text', 'info'), f('compat.unsupported', 'warning'), f('compat.unsupported', 'info'), f('content.link-mismatch', 'critical')] }, '2026-03-01T10:00:00.000Z');
    expect(summary).toEqual({ file: 'news.html', checkedAt: '2026-03-01T10:00:00.000Z', counts: { critical: 1, warning: 1, info: 2 }, codes: ['content.link-mismatch', 'compat.unsupported', 'a11y.small-text'] });
    expect(countWords(summary.counts)).toBe('1 critical, 1 warning, 2 info');
    expect(countWords({ critical: 0, warning: 0, info: 0 })).toBe('no findings');
  });

  it('puts each code under its kind, weight under Size', () => {
    expect(['compat.partial', 'a11y.low-contrast', 'content.url-shortener', 'content.gmail-clipping', 'image.total-weight', 'image.broken', 'link.slow'].map(groupOf)).toEqual(['compat', 'a11y', 'content', 'size', 'size', 'links', 'links']);
  });

  it('puts the link domains\' blocklist findings beside the link check that runs them', () => {
    expect(['content.listed-domain', 'content.link-lookup-failed'].map(groupOf)).toEqual(['links', 'links']);
  });

  it('names a finding\'s source lines', () => {
    expect(sourceLines(f('a11y.small-text', 'info', [12]))).toBe('Line 12');
    expect(sourceLines(f('a11y.small-text', 'info', [3, 7, 12]))).toBe('Lines 3, 7 and 12');
    expect(sourceLines(f('a11y.small-text', 'info', Array.from({ length: 14 }, (_, i) => i + 1)))).toBe('Lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 4 more');
    expect(sourceLines(f('a11y.small-text', 'info'))).toBeNull();
  });

  it('reads MJML errors with their lines from the refusal beside the source', () => {
    expect(
      sourceErrors([
        { field: 'source', message: 'Line 6: Attribute colour is illegal (<mj-text>)' },
        { field: 'clients', message: 'Line 2: not about the source' },
        { field: 'source', message: 'The draft is empty.' },
      ]),
    ).toEqual([{ line: 6, message: 'Attribute colour is illegal (<mj-text>)' }]);
  });
});

describe('the hand-off to a send', () => {
  const summary = qaSummary({ file: null, findings: [f('a11y.img-no-alt', 'warning')] }, '2026-03-01T10:00:00.000Z');

  it('sends the QA summary with the HTML that was checked, and not once the HTML changed', () => {
    const handed = { ...EMPTY_DRAFT, profile: 'lab', subject: 'Autumn', html: '<p>checked</p>', qa: { summary, html: '<p>checked</p>' } };
    expect(qaFor(handed)).toEqual(summary);
    expect(composeFields(handed).qa).toEqual(summary);
    const edited = { ...handed, html: '<p>checked, then edited</p>' };
    expect(qaFor(edited)).toBeNull();
    expect(composeFields(edited)).not.toHaveProperty('qa');
  });
});
