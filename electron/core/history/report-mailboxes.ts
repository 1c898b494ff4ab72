/**
 * Report mailboxes: how far each IMAP folder's report messages were imported.
 *
 * An import from a mailbox reads only the messages above the last UID it finished; the UID only
 * means something within one UIDVALIDITY (RFC 3501 §2.3.1.1), so both are kept together.
 */
import type { HistoryDb } from './db';

export interface ReportMailboxState {
  account: string;
  folder: string;
  /** The folder's UIDVALIDITY when the UIDs below were read, as a decimal string. */
  uidValidity: string;
  /** The highest UID whose message was imported or refused for good. */
  lastUid: number;
  /** ISO time of the last import that finished a message here. */
  lastRunAt: string;
}

interface Row {
  account: string;
  folder: string;
  uidvalidity: string;
  last_uid: number;
  last_run_at: string;
}

export function getReportMailbox(db: HistoryDb, account: string, folder: string): ReportMailboxState | null {
  const row = db.sql('SELECT account, folder, uidvalidity, last_uid, last_run_at FROM report_mailboxes WHERE account = ? AND folder = ?').get(account, folder) as Row | undefined;
  return row
    ? {
        account: row.account,
        folder: row.folder,
        uidValidity: row.uidvalidity,
        lastUid: row.last_uid,
        lastRunAt: row.last_run_at,
      }
    : null;
}

export function setReportMailbox(db: HistoryDb, state: ReportMailboxState): void {
  db.sql(
    `INSERT INTO report_mailboxes (account, folder, uidvalidity, last_uid, last_run_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(account, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, last_run_at = excluded.last_run_at`,
  ).run(state.account, state.folder, state.uidValidity, state.lastUid, state.lastRunAt);
}
