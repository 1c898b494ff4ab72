/**
 * Leases: which scheduler holds a watch (or an outbox channel) right now, until when.
 *
 * A lease is a row with an expiry, taken inside a BEGIN IMMEDIATE transaction, so that of two
 * schedulers on one database only one gets it. A lease whose holder is gone is free: it expired,
 * or its process on this machine no longer exists (a scheduler killed with kill -9 leaves its rows,
 * and the one started after it must not wait for them to expire).
 */
import { hostname } from 'node:os';
import type { HistoryDb } from './db';

export interface LeaseHolder {
  /** One per scheduler: a random token. */
  owner: string;
  pid: number;
  host: string;
}

export interface LeaseRow {
  name: string;
  owner: string;
  pid: number;
  host: string;
  expires_at: string;
}

export const leaseHolder = (owner: string): LeaseHolder => ({ owner, pid: process.pid, host: hostname() });

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a lease no longer holds: expired, or held by a process of this machine that is gone.
 * Another scheduler of this very process keeps its leases until they expire or it lets them go.
 */
export function leaseFree(lease: Pick<LeaseRow, 'owner' | 'pid' | 'host' | 'expires_at'> | null | undefined, holder: LeaseHolder, nowIso: string): boolean {
  if (!lease) return true;
  if (lease.owner === holder.owner) return true;
  if (lease.expires_at <= nowIso) return true;
  return lease.host === holder.host && lease.pid !== holder.pid && !processAlive(lease.pid);
}

/** Takes (or renews) the lease `name` unless someone else holds it; the caller runs this in an IMMEDIATE transaction. */
export function takeLease(db: HistoryDb, name: string, holder: LeaseHolder, nowIso: string, expiresIso: string): boolean {
  const current = db.sql('SELECT name, owner, pid, host, expires_at FROM leases WHERE name = ?').get(name) as LeaseRow | undefined;
  if (!leaseFree(current, holder, nowIso)) return false;
  db.sql(
    `INSERT INTO leases (name, owner, pid, host, expires_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host, expires_at = excluded.expires_at`,
  ).run(name, holder.owner, holder.pid, holder.host, expiresIso);
  return true;
}

/** Whether `holder` still holds `name`. */
export function holds(db: HistoryDb, name: string, holder: LeaseHolder): boolean {
  const row = db.sql('SELECT owner FROM leases WHERE name = ?').get(name) as { owner: string } | undefined;
  return row?.owner === holder.owner;
}

/** Pushes back the expiry of the leases `holder` holds among `names`. */
export function renewLeases(db: HistoryDb, names: readonly string[], holder: LeaseHolder, expiresIso: string): void {
  const renew = db.sql('UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?');
  for (const name of names) renew.run(expiresIso, name, holder.owner);
}

export function releaseLease(db: HistoryDb, name: string, holder: LeaseHolder): void {
  db.sql('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, holder.owner);
}

/** Lets go of everything `holder` holds (a scheduler stopping). */
export function releaseAll(db: HistoryDb, holder: LeaseHolder): void {
  db.sql('DELETE FROM leases WHERE owner = ?').run(holder.owner);
}
