/**
 * IMAP helpers for tests that deliver through the mail lab and look for what arrived.
 *
 * Messages are found by a token in the subject, so tests sharing a seed never mistake each other's
 * mail; every wait is on the server's own announcement (IDLE), with a deadline so a lost message
 * fails the test in words instead of hanging it.
 */
import { ImapFlow, type SearchObject } from 'imapflow';
import { readMailLab, type MailLabUser } from './lab-info';

/** A client for a lab user over implicit TLS (imaps), trusting only the lab's CA. */
export function labImap(user: MailLabUser): ImapFlow {
  const lab = readMailLab();
  return new ImapFlow({
    host: lab.host,
    port: lab.ports.imaps,
    secure: true,
    auth: { user: user.user, pass: user.password },
    tls: { ca: [lab.caPem], servername: lab.hostname, rejectUnauthorized: true },
    logger: false,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
  });
}

/**
 * Waits in `folder` for a message matching `query`, and returns its UID.
 *
 * Event-driven: between searches the client sits in IDLE (RFC 2177) and searches again when the
 * server announces a new message (EXISTS). The listener is set before each search, so an EXISTS
 * that comes with the search's own answer is not missed. `deadlineMs` only detects a message that
 * never comes; it is far above any delivery time.
 */
export async function waitForArrival(client: ImapFlow, folder: string, query: SearchObject, deadlineMs = 30_000): Promise<number> {
  await client.mailboxOpen(folder, { readOnly: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no message matching ${JSON.stringify(query)} in ${folder} within ${deadlineMs} ms`)), deadlineMs);
  });
  deadline.catch(() => undefined);
  try {
    for (;;) {
      const announced = new Promise<void>((resolve) => client.once('exists', () => resolve()));
      const found = (await Promise.race([client.search(query, { uid: true }), deadline])) || [];
      if (found.length > 0) return found[0] as number;
      // The next search breaks IDLE (imapflow ends it before any command).
      client.idle().catch(() => undefined);
      await Promise.race([announced, deadline]);
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Waits (event-driven, see waitForArrival) for the token in INBOX; the raw message and ms from `since` until it was seen. */
export async function waitForToken(user: MailLabUser, token: string, options: { since?: number; deadlineMs?: number } = {}): Promise<{ source: Buffer; ms: number }> {
  const since = options.since ?? Date.now();
  const client = labImap(user);
  await client.connect();
  try {
    const uid = await waitForArrival(client, 'INBOX', { subject: token }, options.deadlineMs);
    const ms = Date.now() - since;
    const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
    return { source: msg ? (msg.source ?? Buffer.alloc(0)) : Buffer.alloc(0), ms };
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/** Deletes, from the user's INBOX and Junk, every message whose subject carries one of the tokens. */
export async function deleteByToken(user: MailLabUser, tokens: readonly string[]): Promise<void> {
  if (tokens.length === 0) return;
  const client = labImap(user);
  await client.connect();
  try {
    for (const folder of ['INBOX', 'Junk']) {
      const lock = await client.getMailboxLock(folder);
      try {
        for (const token of tokens) {
          const uids = await client.search({ subject: token }, { uid: true });
          if (uids && uids.length) await client.messageDelete(uids, { uid: true });
        }
      } finally {
        lock.release();
      }
    }
  } finally {
    await client.logout();
  }
}
