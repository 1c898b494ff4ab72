/**
 * Warm-up plans in history (migration 10): what each was made from and what it warms up; the days
 * are computed again from these whenever a plan is read.
 */
import type { HistoryDb } from './db';
import { parseStored } from './db';
import type { NewWarmupPlan, ProviderMix, StoredWarmupPlan, WarmupTemplateName } from '../health/warmup-types';

interface PlanRow {
  id: number;
  name: string;
  kind: 'ip' | 'domain';
  target: string;
  template: string;
  start_date: string;
  daily: number;
  start: number;
  mix_json: string | null;
  created_at: string;
}

const COLUMNS = 'id, name, kind, target, template, start_date, daily, start, mix_json, created_at';

function toPlan(row: PlanRow): StoredWarmupPlan {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    target: row.target,
    template: row.template as WarmupTemplateName,
    startDate: row.start_date,
    daily: row.daily,
    start: row.start,
    mix: row.mix_json === null ? null : parseStored<ProviderMix>(row.mix_json, `Warm-up plan #${row.id}`),
    createdAt: row.created_at,
  };
}

export function saveWarmupPlan(db: HistoryDb, plan: NewWarmupPlan, now: string): StoredWarmupPlan {
  const info = db
    .sql('INSERT INTO warmup_plans (name, kind, target, template, start_date, daily, start, mix_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(plan.name, plan.kind, plan.target, plan.template, plan.startDate, plan.daily, plan.start, plan.mix === null ? null : JSON.stringify(plan.mix), now);
  return getWarmupPlan(db, Number(info.lastInsertRowid)) as StoredWarmupPlan;
}

export function getWarmupPlan(db: HistoryDb, id: number): StoredWarmupPlan | null {
  const row = db.sql(`SELECT ${COLUMNS} FROM warmup_plans WHERE id = ?`).get(id) as PlanRow | undefined;
  return row ? toPlan(row) : null;
}

/** The plans, newest first (a person keeps a handful: no paging). */
export function listWarmupPlans(db: HistoryDb, limit = 500): StoredWarmupPlan[] {
  return (db.sql(`SELECT ${COLUMNS} FROM warmup_plans ORDER BY created_at DESC, id DESC LIMIT ?`).all(limit) as PlanRow[]).map(toPlan);
}

export function deleteWarmupPlan(db: HistoryDb, id: number): boolean {
  return db.sql('DELETE FROM warmup_plans WHERE id = ?').run(id).changes > 0;
}
