/**
 * Clients in history: a name (unique whatever its case), notes, tags, and the domains and sending
 * IPs they group (client_members). The lists of every kind read the members to filter by client.
 */
import type { HistoryDb } from './db';
import { parseStored } from './db';
import type { Client, ClientSummary } from '../watch/types';

interface ClientRow {
  id: number;
  name: string;
  notes: string;
  tags_json: string;
  created_at: string;
}

export interface ClientInput {
  name: string;
  notes?: string;
  tags?: string[];
  domains?: string[];
  ips?: string[];
}

function members(db: HistoryDb, id: number): { domains: string[]; ips: string[] } {
  const rows = db.sql('SELECT kind, target FROM client_members WHERE client_id = ? ORDER BY target').all(id) as { kind: string; target: string }[];
  return { domains: rows.filter((r) => r.kind === 'domain').map((r) => r.target), ips: rows.filter((r) => r.kind === 'ip').map((r) => r.target) };
}

function toClient(db: HistoryDb, row: ClientRow): Client {
  return {
    id: row.id,
    name: row.name,
    notes: row.notes,
    tags: parseStored<string[]>(row.tags_json, `Client "${row.name}"`),
    createdAt: row.created_at,
    ...members(db, row.id),
  };
}

/** The client named `name` (any case), or null. */
export function clientNamed(db: HistoryDb, name: string): Client | null {
  const row = db.sql('SELECT id, name, notes, tags_json, created_at FROM clients WHERE name = ?').get(name.trim()) as ClientRow | undefined;
  return row ? toClient(db, row) : null;
}

export function clientById(db: HistoryDb, id: number): Client | null {
  const row = db.sql('SELECT id, name, notes, tags_json, created_at FROM clients WHERE id = ?').get(id) as ClientRow | undefined;
  return row ? toClient(db, row) : null;
}

/**
 * Creates the client, or adds to the one of that name: its domains and IPs join the ones it has,
 * its tags too, and notes given replace the notes. Returns it as stored.
 */
export function saveClient(db: HistoryDb, input: ClientInput, now: string): Client {
  return db.tx(() => {
    const existing = clientNamed(db, input.name);
    let id: number;
    if (existing) {
      id = existing.id;
      const tags = [...new Set([...existing.tags, ...(input.tags ?? [])])];
      db.sql('UPDATE clients SET notes = ?, tags_json = ? WHERE id = ?').run(input.notes ?? existing.notes, JSON.stringify(tags), id);
    } else {
      const info = db.sql('INSERT INTO clients (name, notes, tags_json, created_at) VALUES (?, ?, ?, ?)').run(input.name.trim(), input.notes ?? '', JSON.stringify([...new Set(input.tags ?? [])]), now);
      id = Number(info.lastInsertRowid);
    }
    addMembers(db, id, 'domain', input.domains ?? []);
    addMembers(db, id, 'ip', input.ips ?? []);
    return clientById(db, id) as Client;
  });
}

export function addMembers(db: HistoryDb, clientId: number, kind: 'domain' | 'ip', targets: readonly string[]): void {
  const insert = db.sql('INSERT INTO client_members (client_id, kind, target) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  for (const target of targets) insert.run(clientId, kind, target);
}

/** Deletes a client and its members; its watches stay, belonging to no client. */
export function deleteClient(db: HistoryDb, name: string): boolean {
  return db.sql('DELETE FROM clients WHERE name = ?').run(name.trim()).changes > 0;
}

export function listClients(db: HistoryDb): ClientSummary[] {
  const rows = db.sql('SELECT id, name, notes, tags_json, created_at FROM clients ORDER BY name COLLATE NOCASE').all() as ClientRow[];
  const watches = db.sql('SELECT COUNT(*) AS n FROM watches WHERE client_id = ?');
  const open = db.sql(
    `SELECT COUNT(*) AS n FROM alerts a JOIN watches w ON w.id = a.watch_id
     WHERE w.client_id = ? AND a.acked_at IS NULL AND (a.snoozed_until IS NULL OR a.snoozed_until <= ?)`,
  );
  const now = new Date().toISOString();
  return rows.map((row) => ({
    ...toClient(db, row),
    watches: (watches.get(row.id) as { n: number }).n,
    openAlerts: (open.get(row.id, now) as { n: number }).n,
  }));
}

/**
 * SQL that is true when the domain in `column` is one of client `?`'s domains or below one:
 * news.example.com belongs to the client of example.com. One parameter, the client's id.
 */
export const clientDomainMatch = (column: string) =>
  `EXISTS (SELECT 1 FROM client_members cm WHERE cm.client_id = ? AND cm.kind = 'domain' AND (${column} = cm.target OR substr(${column}, -length(cm.target) - 1) = '.' || cm.target))`;
