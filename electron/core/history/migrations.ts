/**
 * Numbered schema migrations, applied in order, each in its own transaction.
 *
 * Never edit a migration that has shipped: add the next number instead.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'domains, audits, settings',
    sql: `
      CREATE TABLE domains (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        first_seen TEXT NOT NULL
      ) STRICT;

      CREATE TABLE audits (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
        started_at TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        score INTEGER NOT NULL,
        grade TEXT NOT NULL,
        critical_count INTEGER NOT NULL,
        warning_count INTEGER NOT NULL,
        resolver TEXT NOT NULL,
        result_json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audits_by_domain ON audits(domain_id, started_at DESC);
      CREATE INDEX audits_by_time ON audits(started_at DESC);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      ) STRICT;
    `,
  },
];
