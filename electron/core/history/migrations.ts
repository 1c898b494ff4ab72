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
  {
    version: 2,
    name: 'messages, raw messages, DKIM selectors seen',
    // The raw message lives in its own table so that listing and reading analyses never pages in
    // megabytes of blobs, and turning raw storage off leaves no empty column behind.
    sql: `
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        analysed_at TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        subject TEXT,
        from_address TEXT,
        from_domain TEXT,
        spf TEXT NOT NULL,
        dkim TEXT NOT NULL,
        dmarc TEXT NOT NULL,
        critical_count INTEGER NOT NULL,
        warning_count INTEGER NOT NULL,
        result_json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX messages_by_time ON messages(analysed_at DESC);
      CREATE INDEX messages_by_domain ON messages(from_domain, analysed_at DESC);
      CREATE INDEX messages_by_digest ON messages(sha256);

      CREATE TABLE message_raw (
        message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
        compression TEXT NOT NULL CHECK (compression IN ('br', 'gzip')),
        raw BLOB NOT NULL,
        original_size INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE dkim_selectors_seen (
        domain TEXT NOT NULL,
        selector TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (domain, selector)
      ) STRICT;
    `,
  },
];
