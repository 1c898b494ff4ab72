/**
 * The batch page's pure parts: the CSV export and sorting (the list and the pool are in electron/shared:
 * test/unit/domain-list.test.ts, test/unit/pool.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { BatchRow } from '../../renderer/src/batch/batch-types';
import { batchCsv, batchCsvName, csvCell, csvLine } from '../../renderer/src/batch/csv';
import { gradeRank, nextSort, sortRows } from '../../renderer/src/batch/sort';

describe('CSV', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(0)).toBe('0');
  });

  it('puts an apostrophe before cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('a=b')).toBe('a=b');
    // Numbers are ours and stay numbers.
    expect(csvCell(-1)).toBe('-1');
    expect(csvLine(['x', 1, '=y'])).toBe("x,1,'=y");
  });

  it('writes a header and one row per audited domain, codes joined by semicolons', () => {
    const rows: BatchRow[] = [
      {
        domain: 'bad.test',
        state: 'done',
        result: { id: 3, score: 40, grade: 'F', critical: 2, warning: 1, codes: ['spf.missing', 'dmarc.missing'], auditedAt: '2026-11-26T14:00:00.000Z' },
      },
      { domain: 'failed.test', state: 'failed', error: 'DNS unreachable' },
      { domain: 'later.test', state: 'not-run' },
    ];
    expect(batchCsv(rows)).toBe(
      'domain,score,grade,critical,warning,codes,audited_at\r\n' + 'bad.test,40,F,2,1,spf.missing;dmarc.missing,2026-11-26T14:00:00.000Z\r\n',
    );
    expect(batchCsv([])).toBe('domain,score,grade,critical,warning,codes,audited_at\r\n');
  });

  it('names the file by date and time', () => {
    expect(batchCsvName(new Date(2026, 10, 6, 9, 5))).toBe('deliverlab-batch-2026-11-06-0905.csv');
  });
});

describe('sorting', () => {
  const row = (domain: string, score?: number, grade = 'C', critical = 0, warning = 0): BatchRow =>
    score === undefined
      ? { domain, state: 'failed', error: 'x' }
      : { domain, state: 'done', result: { id: 1, score, grade, critical, warning, codes: [], auditedAt: '' } };
  const rows = [row('b.test', 90, 'A', 0, 1), row('x.test'), row('a.test', 40, 'F', 2, 0), row('c.test', 70, 'B+', 0, 3)];
  const order = (key: Parameters<typeof nextSort>[1], dir: 'asc' | 'desc') => sortRows(rows, { key, dir }).map((r) => r.domain);

  it('sorts by each column both ways, rows without a result last', () => {
    expect(sortRows(rows, null).map((r) => r.domain)).toEqual(['b.test', 'x.test', 'a.test', 'c.test']);
    expect(order('domain', 'asc')).toEqual(['a.test', 'b.test', 'c.test', 'x.test']);
    expect(order('domain', 'desc')).toEqual(['x.test', 'c.test', 'b.test', 'a.test']);
    expect(order('score', 'asc')).toEqual(['a.test', 'c.test', 'b.test', 'x.test']);
    expect(order('score', 'desc')).toEqual(['b.test', 'c.test', 'a.test', 'x.test']);
    expect(order('grade', 'asc')).toEqual(['b.test', 'c.test', 'a.test', 'x.test']);
    expect(order('critical', 'desc')).toEqual(['a.test', 'b.test', 'c.test', 'x.test']);
    expect(order('warning', 'desc')).toEqual(['c.test', 'b.test', 'a.test', 'x.test']);
  });

  it('ranks grades best first and flips on a second click', () => {
    expect(['B', 'A-', 'A+', 'F', 'A'].sort((a, b) => gradeRank(a) - gradeRank(b))).toEqual(['A+', 'A', 'A-', 'B', 'F']);
    expect(nextSort(null, 'score')).toEqual({ key: 'score', dir: 'asc' });
    expect(nextSort({ key: 'score', dir: 'asc' }, 'score')).toEqual({ key: 'score', dir: 'desc' });
    expect(nextSort({ key: 'score', dir: 'desc' }, 'grade')).toEqual({ key: 'grade', dir: 'asc' });
  });
});
