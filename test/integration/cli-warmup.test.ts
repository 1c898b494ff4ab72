/**
 * `deliverlab warmup` through the built CLI: plan.csv and plan.ics written and read back day by day,
 * the table and --json, exit 1 for a start above the template's limit and 2 for bad input; list and
 * progress over a kept plan with no sending data yet, then with sending data per provider.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApi } from '../../electron/api/handlers';
import { HistoryStore } from '../../electron/core/history/store';
import type { WarmupPlan } from '../../electron/core/health/warmup-types';
import { readIcs } from '../helpers/ics-check';
import { tempDbPaths } from '../helpers/temp-db';
import { runCli } from '../lab/cli';

const dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-warmup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tmp = tempDbPaths('cli-warmup');

const PLAN = ['warmup', 'plan', '--daily', '50000', '--start', '1000', '--start-date', '2025-03-01'];
// Gmail, Apple and other reach their shares on day 7, Microsoft and Yahoo on day 13; held to day 16.
const VOLUMES = [1000, 1850, 3475, 6613, 12_719, 24_678, 38_417, 39_443, 40_775, 42_508, 44_760, 47_688, 50_000, 50_000, 50_000, 50_000];
const MICROSOFT = [200, 300, 450, 675, 1013, 1519, 2278, 2962, 3850, 5005, 6507, 8459, 10_000, 10_000, 10_000, 10_000];

describe('deliverlab warmup plan', () => {
  it('writes plan.csv: the documented header and one row per day', async () => {
    const out = join(dir, 'plan.csv');
    const run = await runCli([...PLAN, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Wrote ${out}: 16 days, 1,000 to 50,000 a day, the target on day 13.\n`);
    const lines = readFileSync(out, 'utf8').split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe('day,date,volume,gmail,microsoft,yahoo,apple,other,cumulative,engaged_within_days,segment_advice');
    const rows = lines.slice(1, -1).map((l) => l.split(','));
    expect(rows.map((r) => Number(r[2]))).toEqual(VOLUMES);
    expect(rows.map((r) => Number(r[4]))).toEqual(MICROSOFT);
    for (const r of rows) expect(r.slice(3, 8).reduce((sum, c) => sum + Number(c), 0)).toBe(Number(r[2]));
    expect(rows.map((r) => r[1])).toEqual(VOLUMES.map((_, i) => `2025-03-${String(i + 1).padStart(2, '0')}`));
  });

  it('writes plan.ics: one all-day event a day, the same UIDs on a second run', async () => {
    const out = join(dir, 'plan.ics');
    const run = await runCli([...PLAN, '--ip', '192.0.2.10', '--out', out]);
    expect(run.code).toBe(0);
    const cal = readIcs(readFileSync(out, 'utf8'));
    expect(cal.events.map((e) => e.get('DTSTART')?.raw)).toEqual(VOLUMES.map((_, i) => `202503${String(i + 1).padStart(2, '0')}`));
    expect(cal.events.map((e) => e.get('SUMMARY')?.text)).toEqual(VOLUMES.map((v, i) => `Warm-up 192.0.2.10 day ${i + 1} of 16: send ${v.toLocaleString('en-US')}`));
    const again = join(dir, 'again.ics');
    expect((await runCli([...PLAN, '--ip', '192.0.2.10', '--out', again])).code).toBe(0);
    const uids = (c: typeof cal) => c.events.map((e) => e.get('UID')?.raw);
    expect(uids(readIcs(readFileSync(again, 'utf8')))).toEqual(uids(cal));
    expect(new Set(uids(cal)).size).toBe(16);
  });

  it('prints a table, or the plan as JSON', async () => {
    const table = await runCli([...PLAN, '--template', 'conservative', '--daily', '20000']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n').slice(0, 3)).toEqual([
      'Conservative warm-up from 900 to 20,000 a day, starting 2025-03-01: the target is reached on day 16 (2025-03-16), held to day 23.',
      "Day 1 is 900 rather than 1,000: the template's first-day cap holds Microsoft at 100.",
      'By provider: Gmail 400 to 8,000 (day 9), Microsoft 100 to 4,000 (day 16), Yahoo 100 to 2,000 (day 13), Apple 100 to 2,000 (day 9), Other 200 to 4,000 (day 9).',
    ]);
    expect(table.stdout).toMatch(/\n {2}5 {2}2025-03-05 {3}4,116 {2}2,025 {8}286 {4}286 /);
    const json = await runCli([...PLAN, '--json']);
    const plan = JSON.parse(json.stdout) as WarmupPlan;
    expect(plan.days.map((d) => d.volume)).toEqual(VOLUMES);
  });

  it('exits 1 for a start above the template\'s first-day limit, and still writes the plan', async () => {
    const out = join(dir, 'high.csv');
    const run = await runCli(['warmup', 'plan', '--daily', '50000', '--start', '6000', '--template', 'standard', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("Warning: The starting volume (6,000) is above the standard template's first-day limit of 5,000: a new IP or domain that starts this high is often throttled.\n");
    // Each provider held to its first-day cap: 2,000 + 500 + 500 + 600 + 1,000.
    expect(readFileSync(out, 'utf8').split('\r\n')[1]).toMatch(/^1,\d{4}-\d{2}-\d{2},4600,2000,500,500,600,1000,4600,/);
  });

  it('exits 2 on bad input, saying what is wrong', async () => {
    const cases: [string[], string][] = [
      [['--daily', '5000', '--start', '6000'], '--start: The starting volume (6,000) is more than the daily target (5,000): start lower, or raise the target.'],
      [['--daily', '0', '--start', '0'], '--daily: The daily target is at least 1 message a day.'],
      [['--daily', 'lots', '--start', '10'], '--daily takes a whole number of messages a day, such as 50000 (not "lots").'],
      [['--start', '10'], "Give --daily N: the daily volume the warm-up ends at."],
      [['--daily', '100', '--start', '10', '--start-date', '2025-13-01'], '--start-date: "2025-13-01" is not a date: give it as YYYY-MM-DD, such as 2025-03-01.'],
      [['--daily', '100', '--start', '10', '--out', 'plan.txt'], '--out names a .csv or an .ics file (not "plan.txt").'],
      [['--daily', '100000000', '--start', '10'], '--daily: The daily target is at most 10,000,000 messages a day.'],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['warmup', 'plan', ...args]);
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 2, stderr: `deliverlab: ${message}\n` });
    }
    const template = await runCli(['warmup', 'plan', '--daily', '100', '--start', '10', '--template', 'fast']);
    expect(template.code).toBe(2);
    expect(template.stderr).toMatch(/^deliverlab: --template: /);
  });
});

describe('deliverlab warmup list and progress', () => {
  it('lists a kept plan and says it has no sending data yet', async () => {
    const db = tmp();
    const api = createApi({ dbPath: db, transport: 'cli', version: 'test', emit: () => {} });
    const saved = (await api.dispatch('warmup.save', { daily: 50_000, start: 1000, startDate: '2025-03-01', name: 'New IP', ip: '192.0.2.10' })) as { id: number };
    api.close();
    const listed = await runCli(['warmup', 'list', '--db', db]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`\\n\\s*${saved.id} {2}2025-03-01 {2}2025-03-16 {2}1,000 {2}50,000 {2}standard {2}New IP \\(192\\.0\\.2\\.10\\)\\n$`));
    const progress = await runCli(['warmup', 'progress', String(saved.id), '--db', db]);
    expect(progress.code).toBe(0);
    expect(progress.stdout).toMatch(/^New IP \(192\.0\.2\.10\): no sending data imported yet\.\n\nStandard warm-up from 1,000 to 50,000/);
    const missing = await runCli(['warmup', 'progress', String(saved.id + 1), '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`deliverlab: There is no warm-up plan #${saved.id + 1}. deliverlab warmup list shows the kept plans.\n`);
  });

  it('shows progress per provider when the imported days name the recipients\' providers', async () => {
    const db = tmp();
    const store = HistoryStore.open(db);
    const zero = { hardBounced: 0, softBounced: 0, unknownUsers: 0, complaints: 0, opens: 0, clicks: 0, unsubscribes: 0 };
    const day = (date: string, provider: 'gmail' | 'microsoft', sent: number) => ({ ...zero, day: date, domain: 'news.example', ip: '192.0.2.20', provider, sent, delivered: sent });
    // Day 1 plans Gmail 400 and Microsoft 200.
    store.saveHealthBatch({ ids: [], rows: () => [day('2025-03-01', 'gmail', 400), day('2025-03-01', 'microsoft', 600)] });
    store.close();
    const api = createApi({ dbPath: db, transport: 'cli', version: 'test', emit: () => {} });
    const saved = (await api.dispatch('warmup.save', { daily: 50_000, start: 1000, startDate: '2025-03-01', name: 'Second IP', ip: '192.0.2.20' })) as { id: number };
    api.close();
    const run = await runCli(['warmup', 'progress', String(saved.id), '--db', db]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Through 2025-03-01: 1,000 sent of 1,000 planned, on track.');
    const byProvider = run.stdout.split('By provider:\n')[1]?.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(byProvider).toEqual([
      ['Planned', 'Sent', 'Of plan', 'Status', 'Provider'],
      ['400', '400', '100 %', 'on track', 'Gmail'],
      ['200', '600', '300 %', 'ahead', 'Microsoft'],
      ['100', '0', '0 %', 'behind', 'Yahoo'],
      ['100', '0', '0 %', 'behind', 'Apple'],
      ['200', '0', '0 %', 'behind', 'Other'],
    ]);
  });
});
