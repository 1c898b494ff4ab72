import { describe, expect, it } from 'vitest';
import { boundListAnswer, clipText, LIST_ANSWER_TEXT_MAX, LIST_TEXT_MAX } from '../../electron/core/history/list-bounds';

describe('list text bounds', () => {
  it('keeps text up to 1,000 characters and cuts longer text to 999 and an ellipsis', () => {
    expect(LIST_TEXT_MAX).toBe(1000);
    expect(clipText('short')).toBe('short');
    expect(clipText('x'.repeat(1000))).toBe('x'.repeat(1000));
    expect(clipText('x'.repeat(1001))).toBe(`${'x'.repeat(999)}…`);
    expect(clipText('x'.repeat(1001))).toHaveLength(1000);
  });

  it('never leaves half of a character outside the Basic Multilingual Plane', () => {
    // The 999th and 1000th code units are one emoji: the cut falls inside it, so the emoji goes whole.
    const clipped = clipText(`${'x'.repeat(998)}😀😀`);
    expect(clipped).toBe(`${'x'.repeat(998)}…`);
    expect(clipped.isWellFormed()).toBe(true);
    expect(clipText(`${'x'.repeat(997)}😀😀😀`)).toBe(`${'x'.repeat(997)}😀…`);
  });

  it("cuts every text of a row, and the keys of its nested objects, but never the row's field names", () => {
    const long = 'L'.repeat(5000);
    const answer = boundListAnswer({
      total: 1,
      items: [{ [`field${'_'.repeat(1200)}`]: 1, subject: long, nothing: null, n: 3, counts: { [long]: 2, inbox: 1 }, tags: [long] }],
    });
    const [row] = answer.items as Record<string, unknown>[];
    expect(Object.keys(row ?? {})).toContain(`field${'_'.repeat(1200)}`);
    expect(row).toMatchObject({ subject: clipText(long), nothing: null, n: 3, counts: { [clipText(long)]: 2, inbox: 1 }, tags: [clipText(long)] });
    expect(answer.total).toBe(1);
  });

  it('keeps a whole page of the largest rows within the answer budget, without dropping a row', () => {
    // 500 rows (the largest page), each with 200 placement words of 1,000 characters and a subject.
    const counts = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`folder:${String(i).padStart(4, '0')}${'F'.repeat(2000)}`, 1]));
    const items = Array.from({ length: 500 }, (_, i) => ({ id: i, subject: 'S'.repeat(5000), counts }));
    const answer = boundListAnswer({ total: 500, items });
    expect(answer.items).toHaveLength(500);
    let text = 0;
    for (const row of answer.items as { subject: string; counts: Record<string, number> }[]) {
      text += row.subject.length + Object.keys(row.counts).reduce((sum, key) => sum + key.length, 0);
      // Each key kept its own count: the cut words are still told apart.
      expect(Object.keys(row.counts)).toHaveLength(200);
    }
    expect(text).toBeLessThanOrEqual(LIST_ANSWER_TEXT_MAX);
  });
});
