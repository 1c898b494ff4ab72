/**
 * Reads the running mail lab's lab.json (written by lab.sh start).
 *
 * Suites that need Postfix and Dovecot call this once; a missing lab is an error that names the command
 * to start it, never a skip, so CI cannot pass without the lab having been exercised.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface MailLabUser {
  user: string;
  password: string;
}

export interface MailLabInfo {
  version: number;
  runtimeDir: string;
  host: string;
  /** The name on the servers' certificate: pass it as the TLS servername. */
  hostname: string;
  domain: string;
  caPath: string;
  ports: { smtp: number; submission: number; submissions: number; imap: number; imaps: number; lmtp: number; auth: number };
  sender: MailLabUser;
  postmaster: MailLabUser;
  seeds: MailLabUser[];
  /** An address Postfix accepts and Dovecot does not have: mail to it bounces to the sender (a DSN). */
  bouncing?: string;
  logs: { postfix: string; dovecot: string };
  /** The spam filters (lab.sh start-filters): absent when they were not installed when the lab started. */
  filters?: MailLabFilters;
  startedAt: string;
  startSeconds: number;
}

export interface MailLabFilters {
  spamd: { host: string; port: number; version: string; log: string };
  rspamd: { url: string; port: number; controllerPort: number; version: string; log: string };
}

export const MAIL_LAB_START = 'sudo bash test/lab/mail-lab/lab.sh start';

export function mailLabDir(): string {
  return process.env.MAIL_LAB_DIR ?? resolve(import.meta.dirname, '../../../.tmp/mail-lab');
}

/** lab.json plus the CA PEM; throws with the start command when the lab is not up. */
export function readMailLab(): MailLabInfo & { caPem: string } {
  const file = join(mailLabDir(), 'lab.json');
  let info: MailLabInfo;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as MailLabInfo;
  } catch (err) {
    throw new Error(`the mail lab is not running (${file}: ${(err as Error).message}); start it with: ${MAIL_LAB_START}`, { cause: err });
  }
  return { ...info, caPem: readFileSync(info.caPath, 'utf8') };
}

/** The lab's bouncing address; throws when the running lab predates it (restart it to get one). */
export function bouncingAddress(lab: MailLabInfo): string {
  if (!lab.bouncing) throw new Error(`the running mail lab has no bouncing address (its lab.json predates it); restart it with: ${MAIL_LAB_START}`);
  return lab.bouncing;
}

/** The lab's spam filters; throws with the commands to install and start them when the lab has none. */
export function labFilters(lab: MailLabInfo): MailLabFilters {
  if (!lab.filters) {
    throw new Error(
      'the running mail lab has no spam filters: install them (apt-get install -y --no-install-recommends spamassassin spamd rspamd) and start them with: sudo bash test/lab/mail-lab/lab.sh start-filters',
    );
  }
  return lab.filters;
}
