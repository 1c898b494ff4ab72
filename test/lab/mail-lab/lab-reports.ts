/**
 * Report messages delivered through the mail lab into a folder of a test's own, for the tests of an
 * import from a mailbox: other tests' mail in the same seed never lands in that folder.
 */
import nodemailer from 'nodemailer';
import { labImap, waitForArrival } from './lab-imap';
import { readMailLab, type MailLabUser } from './lab-info';

/**
 * Mails the messages (whole, raw) to `user` through the lab's submission port (the lab sender's
 * login), waits for each in INBOX (IDLE, bounded), then moves them into `folder`, created for them;
 * returns their UIDs there.
 */
export async function deliverReports(user: MailLabUser, messages: readonly { subject: string; raw: string }[], folder: string): Promise<number[]> {
  const lab = readMailLab();
  const transport = nodemailer.createTransport({
    host: lab.host,
    port: lab.ports.submission,
    secure: false,
    requireTLS: true,
    auth: { user: lab.sender.user, pass: lab.sender.password },
    tls: { ca: [lab.caPem], servername: lab.hostname, rejectUnauthorized: true },
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 10_000,
  });
  try {
    for (const m of messages)
      await transport.sendMail({
        envelope: { from: lab.sender.user, to: user.user },
        raw: m.raw,
      });
  } finally {
    transport.close();
  }
  const client = labImap(user);
  await client.connect();
  try {
    const uids: number[] = [];
    for (const m of messages) uids.push(await waitForArrival(client, 'INBOX', { subject: m.subject }));
    await client.mailboxCreate(folder);
    await client.mailboxOpen('INBOX');
    const moved = await client.messageMove(uids, folder, { uid: true });
    // Their UIDs in `folder` (UIDPLUS, RFC 4315 COPYUID), in the order of `messages`.
    const map = moved ? moved.uidMap : undefined;
    if (!map) throw new Error(`the lab did not say the UIDs of the messages moved to ${folder}`);
    return uids.map((uid) => map.get(uid) as number);
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/** Deletes the folders a test created, with what is in them (only its own messages). */
export async function deleteFolders(user: MailLabUser, folders: readonly string[]): Promise<void> {
  const client = labImap(user);
  await client.connect();
  try {
    for (const folder of folders) await client.mailboxDelete(folder).catch(() => undefined);
  } finally {
    await client.logout().catch(() => undefined);
  }
}
