/**
 * Who owns a placement run marked running: this connection, another live process, or nobody.
 *
 * A run is stored as it starts, with the process id and a token of the connection that started it,
 * so that history can tell a run still going on (here, or in the CLI next to the app) from one whose
 * process quit or crashed, which it shows as interrupted.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { PlacementStatus } from '../placement/types';
import type { StoredPlacementStatus } from './types';

type Connection = Database.Database;

/** A run still "running" this long after its watch deadline is dead whatever its owner looks like. */
const STALE_AFTER_DEADLINE_MS = 30 * 60_000;

/** One token per open database connection: what tells this process's runs from a crashed one's. */
const ownerTokens = new WeakMap<Connection, string>();
const ownerConnections = new Map<string, WeakRef<Connection>>();

/** The token runs started on `db` are stored with. */
export function ownerToken(db: Connection): string {
  let token = ownerTokens.get(db);
  if (!token) {
    token = randomUUID();
    ownerTokens.set(db, token);
    // Forget connections that were closed or collected, so the map stays as small as the open ones.
    for (const [t, ref] of ownerConnections) if (!ref.deref()?.open) ownerConnections.delete(t);
    ownerConnections.set(token, new WeakRef(db));
  }
  return token;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The columns of a run's row that say who owns it. */
export interface OwnerRow {
  status: string;
  started_at: string;
  deadline_ms: number;
  owner_pid: number;
  owner_token: string;
}

/**
 * A run marked running is still going on when the connection that started it is open (this
 * process) or its process is alive (another Deliverlab: the CLI next to the app), and it is not
 * long past its deadline (a reused process id).
 */
export function statusOf(row: OwnerRow, now: number): StoredPlacementStatus {
  if (row.status !== 'running') return row.status as PlacementStatus;
  const started = Date.parse(row.started_at);
  if (Number.isFinite(started) && started + row.deadline_ms + STALE_AFTER_DEADLINE_MS < now) return 'interrupted';
  const live = row.owner_pid === process.pid ? ownerConnections.get(row.owner_token)?.deref()?.open === true : processAlive(row.owner_pid);
  return live ? 'running' : 'interrupted';
}
