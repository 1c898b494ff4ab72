/**
 * IMAP helpers for tests that deliver through the mail lab and look for what arrived.
 *
 * Messages are found by a token in the subject, so tests sharing a seed never mistake each other's
 * mail; every wait is bounded so a lost message fails the test in words instead of hanging it.
 */
import { ImapFlow } from 'imapflow';
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

/** Bounded polling of INBOX for the token; the raw message and ms from `since` until it was seen. */
export async function waitForToken(user: MailLabUser, token: string, options: { since?: number; deadlineMs?: number } = {}): Promise<{ source: Buffer; ms: number }> {
  const since = options.since ?? Date.now();
  const deadlineMs = options.deadlineMs ?? 10_000;
  const client = labImap(user);
  await client.connect();
  try {
    const stop = since + deadlineMs;
    for (;;) {
      const box = await client.mailboxOpen('INBOX', { readOnly: true });
      const found = box.exists > 0 ? await client.search({ subject: token }) : [];
      if (found && found.length > 0) {
        const ms = Date.now() - since;
        const msg = await client.fetchOne(String(found[0]), { source: true });
        return { source: msg ? (msg.source ?? Buffer.alloc(0)) : Buffer.alloc(0), ms };
      }
      if (Date.now() > stop) throw new Error(`no message with ${token} in ${user.user}/INBOX after ${deadlineMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
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
