/**
 * The app's settings in history: one JSON value per key.
 */
import type { HistoryDb } from './db';

export function getSetting(db: HistoryDb, key: string): unknown {
  const row = db.sql('SELECT value_json FROM settings WHERE key = ?').get(key) as { value_json: string } | undefined;
  return row ? (JSON.parse(row.value_json) as unknown) : undefined;
}

export function setSetting(db: HistoryDb, key: string, value: unknown): void {
  db.sql('INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json').run(key, JSON.stringify(value));
}
