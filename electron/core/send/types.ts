/**
 * The shapes of test sends and SMTP profiles, apart from the code that makes them (send.ts, profile.ts).
 *
 * Types only: history stores them, the CLI prints them, and the api re-exports them to the UI.
 */
import type { MailAuth } from '../types';

export interface TranscriptLine {
  /** C: client command, S: server reply, *: a note from the client library. */
  dir: 'C' | 'S' | '*';
  text: string;
  /** Milliseconds since the send started. */
  ms: number;
}

export type SendErrorKind = 'auth' | 'tls' | 'refused' | 'timeout' | 'dns' | 'rejected' | 'message' | 'protocol' | 'blocked' | 'other';

/**
 * Finer causes the app words itself, because the explanation names a command-line flag or command.
 *
 * tls-untrusted: params.detail is the TLS library's message; dkim-key-not-pem: no PEM text;
 * dkim-key-short: params.bits is the RSA key's size.
 */
export type SendErrorReason = 'tls-untrusted' | 'dkim-key-not-pem' | 'dkim-key-short';

export interface SendError {
  /** nodemailer's code (EAUTH, ETLS, ECONNECTION, ETIMEDOUT, EENVELOPE, EMESSAGE, ...). */
  code: string;
  kind: SendErrorKind;
  explanation: string;
  reason?: SendErrorReason;
  params?: Record<string, string>;
  response?: string;
  responseCode?: number;
  /** The SMTP command that failed, when known. */
  command?: string;
}

export interface RecipientResult {
  address: string;
  /**
   * accepted or rejected: what the server answered for this recipient (RCPT TO, or the message
   * after DATA). not-sent: the send stopped before any recipient was named (no connection, TLS,
   * login, DKIM): no server refused this address, and the send's error says why.
   */
  status: 'accepted' | 'rejected' | 'not-sent';
  /** The server's reply to RCPT TO (or to the message, for a rejection after DATA). */
  reply?: string;
  responseCode?: number;
  explanation?: string;
}

/** What a DKIM signature on a sent message covers, read back from the DKIM-Signature header that was added. */
export interface DkimSummary {
  /** d= */
  domain: string;
  /** s= */
  selector: string;
  /** a=: rsa-sha256 or ed25519-sha256. */
  algorithm: string;
  /** h=: the header fields the signature covers, in signing order. */
  headers: string[];
}

export interface SendResult {
  ok: boolean;
  profile: string;
  messageId?: string;
  /** Postfix's queue id, from "250 2.0.0 Ok: queued as XYZ". */
  queueId?: string;
  /** The server's final reply to the message data. */
  response?: string;
  recipients: RecipientResult[];
  timings: { startedAt: string; totalMs: number; acceptedMs?: number };
  transcript: TranscriptLine[];
  warnings: string[];
  error?: SendError;
  /** Present when the message was DKIM-signed. */
  dkim?: DkimSummary;
}

export interface ConnectionResult {
  ok: boolean;
  profile: string;
  timings: { startedAt: string; totalMs: number };
  transcript: TranscriptLine[];
  warnings: string[];
  error?: SendError;
}

export type SmtpSecurity = 'starttls' | 'tls' | 'none';

/** How a profile logs in (a seed mailbox logs in the same way). */
export type SmtpAuth = MailAuth;

/** DKIM signing for a profile's sends: the key is read from the environment variable named here, never from the file. */
export interface DkimProfile {
  /** The signing domain (d=, RFC 6376 §3.5). */
  domain: string;
  /** The selector (s=): the key is published at <selector>._domainkey.<domain>. */
  selector: string;
  /** The environment variable holding the private key's PEM text. */
  privateKeyEnv: string;
}

export interface SmtpProfile {
  name: string;
  host: string;
  port: number;
  security: SmtpSecurity;
  auth?: SmtpAuth;
  /** The header From (RFC 5322 §3.6.2). */
  from: string;
  /** The envelope sender (RFC 5321 MAIL FROM); the address in `from` when absent. */
  envelopeFrom?: string;
  dkim?: DkimProfile;
}
