/**
 * The warm-up operations: a plan computed with its files, refused input beside its field, plans kept
 * in history (migration 10), and a kept plan's progress: "no sending data imported yet" until the
 * sending data exists, then the comparison over the rows for its IP or domain, read from a real health import.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../electron/api/handlers';
import { createWarmupHandlers } from '../../electron/api/handlers-warmup';
import type { WarmupPlanItem, WarmupPlanResult, WarmupProgressResult } from '../../electron/api/operations';
import type { DailyVolumeQuery, DailyVolumeRow } from '../../electron/core/health/warmup-types';
import { HistoryStore } from '../../electron/core/history/store';
import { readIcs } from '../helpers/ics-check';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('warmup-api');
let api: Api | undefined;
let store: HistoryStore | undefined;
afterEach(() => {
  api?.close();
  store?.close();
  api = store = undefined;
});

const input = { daily: 50_000, start: 1000, template: 'standard', startDate: '2025-03-01' };

describe('warmup.plan', () => {
  it('computes a plan without storing it, today being day 1 when no date is given', async () => {
    api = createApi({ dbPath: null, transport: 'ipc', version: 'test', emit: () => {} });
    const result = (await api.dispatch('warmup.plan', { daily: 2000, start: 100 })) as WarmupPlanResult;
    expect(result.plan.template).toBe('standard');
    expect(result.plan.startDate).toBe(new Date().toISOString().slice(0, 10));
    expect(result.template.title).toBe('Standard');
    expect(result.file).toBeUndefined();
  });

  it('gives the CSV and the calendar, named after the target', async () => {
    api = createApi({ dbPath: null, transport: 'ipc', version: 'test', emit: () => {} });
    const csv = (await api.dispatch('warmup.plan', { ...input, format: 'csv', domain: 'News.Example' })) as WarmupPlanResult;
    expect(csv.file?.name).toBe('deliverlab-warmup-news.example-standard-2025-03-01.csv');
    expect(csv.file?.text.split('\r\n')[1]).toBe('1,2025-03-01,1000,400,200,100,100,200,1000,30,Only recipients who opened or clicked in the last 30 days.');
    const ics = (await api.dispatch('warmup.plan', { ...input, format: 'ics', ip: '192.0.2.10', name: 'New IP' })) as WarmupPlanResult;
    expect(ics.file?.name).toBe('deliverlab-warmup-192.0.2.10-standard-2025-03-01.ics');
    const cal = readIcs(ics.file?.text ?? '');
    expect(cal.events).toHaveLength(16);
    expect(cal.properties.find((p) => p.name === 'X-WR-CALNAME')?.text).toBe('New IP');
  });

  it('refuses input beside its field, in words', async () => {
    api = createApi({ dbPath: null, transport: 'ipc', version: 'test', emit: () => {} });
    await expect(api.dispatch('warmup.plan', { ...input, start: 60_000 })).rejects.toMatchObject({
      code: 'invalid-input',
      message: 'The starting volume (60,000) is more than the daily target (50,000): start lower, or raise the target.',
      fields: [{ field: 'start', message: expect.stringMatching(/^The starting volume/) }],
    });
    await expect(api.dispatch('warmup.plan', { ...input, startDate: 'tomorrow' })).rejects.toMatchObject({ fields: [{ field: 'startDate' }] });
    await expect(api.dispatch('warmup.plan', { ...input, template: 'fast' })).rejects.toMatchObject({ code: 'invalid-input', fields: [{ field: 'template' }] });
    await expect(api.dispatch('warmup.plan', { ...input, ip: '192.0.2.1', domain: 'a.example' })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});

describe('stored plans', () => {
  it('saves, lists newest first and deletes; the schedule computed again from what was stored', async () => {
    api = createApi({ dbPath: tmp(), transport: 'ipc', version: 'test', emit: () => {} });
    const first = (await api.dispatch('warmup.save', { ...input, name: 'New IP', ip: '192.0.2.10' })) as WarmupPlanItem;
    expect(first).toMatchObject({ name: 'New IP', kind: 'ip', target: '192.0.2.10', template: 'standard', startDate: '2025-03-01', daily: 50_000, start: 1000, mix: null, targetDay: 13, days: 16, endDate: '2025-03-16' });
    const second = (await api.dispatch('warmup.save', { ...input, template: 'conservative', name: 'News domain', domain: 'news.example', mix: { gmail: 70, other: 30 } })) as WarmupPlanItem;
    expect(second.mix).toEqual({ gmail: 70, microsoft: 0, yahoo: 0, apple: 0, other: 30 });
    const { items } = (await api.dispatch('warmup.list', {})) as { items: WarmupPlanItem[] };
    expect(items.map((i) => i.name)).toEqual(['News domain', 'New IP']);
    expect(await api.dispatch('warmup.delete', { id: first.id })).toEqual({ deleted: true });
    expect(await api.dispatch('warmup.delete', { id: first.id })).toEqual({ deleted: false });
    expect(((await api.dispatch('warmup.list', {})) as { items: WarmupPlanItem[] }).items.map((i) => i.id)).toEqual([second.id]);
  });

  it('needs the IP or the domain a plan warms up, and history', async () => {
    api = createApi({ dbPath: tmp(), transport: 'ipc', version: 'test', emit: () => {} });
    await expect(api.dispatch('warmup.save', { ...input, name: 'x' })).rejects.toMatchObject({ message: expect.stringContaining('Give the IP address or the domain the plan warms up.') });
    await expect(api.dispatch('warmup.save', { ...input, name: ' ', ip: '192.0.2.1' })).rejects.toMatchObject({ fields: [{ field: 'name', message: 'Name the plan' }] });
    api.close();
    api = createApi({ dbPath: null, transport: 'ipc', version: 'test', emit: () => {} });
    await expect(api.dispatch('warmup.save', { ...input, name: 'x', ip: '192.0.2.1' })).rejects.toMatchObject({ reason: 'history-off' });
  });
});

describe('warmup.progress', () => {
  it('says there is no sending data yet, with the plan', async () => {
    api = createApi({ dbPath: tmp(), transport: 'ipc', version: 'test', emit: () => {} });
    const saved = (await api.dispatch('warmup.save', { ...input, name: 'New IP', ip: '192.0.2.10' })) as WarmupPlanItem;
    const result = (await api.dispatch('warmup.progress', { id: saved.id })) as WarmupProgressResult;
    expect(result).toMatchObject({ progress: null, noData: 'no sending data imported yet', item: { id: saved.id } });
    expect(result.plan.days).toHaveLength(16);
    await expect(api.dispatch('warmup.progress', { id: saved.id + 1 })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('compares the plan with the rows for its IP over its days', () => {
    store = HistoryStore.open(tmp());
    const queries: DailyVolumeQuery[] = [];
    const rows: DailyVolumeRow[] = [
      { day: '2025-03-01', sent: 1000, delivered: 990, bounced: 10, complaints: 0 },
      { day: '2025-03-02', sent: 2000, delivered: 1900, bounced: 100, complaints: 1 },
    ];
    const handlers = createWarmupHandlers({ store, dailyVolume: (q) => (queries.push(q), rows) });
    const saved = handlers['warmup.save']({ ...input, template: 'standard', name: 'New IP', ip: '192.0.2.10' }) as WarmupPlanItem;
    const result = handlers['warmup.progress']({ id: saved.id }) as WarmupProgressResult;
    expect(queries).toEqual([{ ip: '192.0.2.10', since: '2025-03-01', until: '2025-03-16' }]);
    expect(result.noData).toBeUndefined();
    expect(result.progress?.days.map((d) => d.status)).toEqual(['on-track', 'on-track']);
    // 110 bounced of 3,000 sent is 3.7 %: hold at 2,000 before day 3 (3,475).
    expect(result.progress?.warnings.map((w) => [w.code, w.day, w.holdAt])).toEqual([['warmup.bounce-rate', 3, 2000]]);
  });

  it('reads the sending data imported for its IP: ahead, on track and behind by day', async () => {
    api = createApi({ dbPath: tmp(), transport: 'ipc', version: 'test', emit: () => {} });
    // Days 1-3 of the standard plan from 1,000 are 1,000, 1,850 and 3,475 messages.
    const csv = [
      'date,ip,recipient_domain,sent,delivered,bounced_hard,bounced_soft,complaints,opens,clicks,unsubscribes',
      '2025-03-01,192.0.2.10,gmail.com,1500,1495,3,2,0,0,0,0',
      '2025-03-02,192.0.2.10,gmail.com,2000,1995,3,2,0,0,0,0',
      '2025-03-03,192.0.2.10,gmail.com,1000,995,3,2,0,0,0,0',
      '2025-03-03,192.0.2.99,gmail.com,9000,8995,3,2,0,0,0,0',
    ].join('\n');
    await api.dispatch('health.import', { files: [{ name: 'warmup.csv', data: Buffer.from(csv).toString('base64') }] });
    const saved = (await api.dispatch('warmup.save', { ...input, name: 'New IP', ip: '192.0.2.10' })) as WarmupPlanItem;
    const result = (await api.dispatch('warmup.progress', { id: saved.id })) as WarmupProgressResult;
    expect(result.noData).toBeUndefined();
    expect(result.progress?.days.map((d) => [d.date, d.sent, d.status])).toEqual([
      ['2025-03-01', 1500, 'ahead'],
      ['2025-03-02', 2000, 'on-track'],
      ['2025-03-03', 1000, 'behind'],
    ]);
    // gmail.com is Gmail by its name: all of it went to Gmail, ahead of Gmail's 400 and 800, and none to the others.
    const gmail = result.progress?.providers?.find((p) => p.provider === 'gmail');
    expect(gmail?.days.map((d) => [d.planned, d.sent, d.status])).toEqual([
      [400, 1500, 'ahead'],
      [800, 2000, 'ahead'],
      [1600, 1000, 'behind'],
    ]);
    expect(result.progress?.providers?.find((p) => p.provider === 'microsoft')).toMatchObject({ planned: 200 + 300 + 450, sent: 0, status: 'behind' });
    expect(result.progress?.unknownProvider).toBe(0);
  });

  it('compares each provider with its schedule when the stored days name the recipients\' providers', async () => {
    const dbPath = tmp();
    store = HistoryStore.open(dbPath);
    const zero = { delivered: 0, hardBounced: 0, softBounced: 0, unknownUsers: 0, complaints: 0, opens: 0, clicks: 0, unsubscribes: 0 };
    const day = (date: string, provider: 'gmail' | 'microsoft' | 'unknown', sent: number, ip = '192.0.2.10') => ({ ...zero, day: date, domain: 'news.example', ip, provider, sent, delivered: sent });
    // Day 1 plans Gmail 400 and Microsoft 200; day 2 Gmail 800 and Microsoft 300.
    store.saveHealthBatch({
      ids: [],
      rows: () => [
        day('2025-03-01', 'gmail', 400),
        day('2025-03-01', 'microsoft', 400),
        day('2025-03-01', 'unknown', 200),
        day('2025-03-02', 'gmail', 780),
        day('2025-03-02', 'microsoft', 100),
        day('2025-03-02', 'gmail', 5000, '192.0.2.99'),
      ],
    });
    store.close();
    store = undefined;
    api = createApi({ dbPath, transport: 'ipc', version: 'test', emit: () => {} });
    const saved = (await api.dispatch('warmup.save', { ...input, name: 'New IP', ip: '192.0.2.10' })) as WarmupPlanItem;
    const result = (await api.dispatch('warmup.progress', { id: saved.id })) as WarmupProgressResult;
    expect(result.progress?.sent).toBe(1880);
    const by = Object.fromEntries((result.progress?.providers ?? []).map((p) => [p.provider, [p.planned, p.sent, p.status]]));
    expect(by).toEqual({ gmail: [1200, 1180, 'on-track'], microsoft: [500, 500, 'on-track'], yahoo: [250, 0, 'behind'], apple: [300, 0, 'behind'], other: [600, 0, 'behind'] });
    const microsoft = result.progress?.providers?.find((p) => p.provider === 'microsoft');
    expect(microsoft?.days.map((d) => [d.sent, d.status])).toEqual([
      [400, 'ahead'],
      [100, 'behind'],
    ]);
    expect(result.progress?.unknownProvider).toBe(200);
  });
});
