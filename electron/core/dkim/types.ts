/**
 * The shape of a generated DKIM key pair, apart from the code that makes it (keygen.ts).
 *
 * Types only: the api re-exports them to the UI.
 */

export type DkimKeyType = 'rsa' | 'ed25519';

export interface DkimKey {
  type: DkimKeyType;
  /** RSA modulus bits, or 256 for Ed25519. */
  bits: number;
  /** PKCS#8 PEM: what signers (OpenDKIM, Postfix milters, mailauth, nodemailer) take. */
  privateKeyPem: string;
  /** The p= value: SubjectPublicKeyInfo for RSA (RFC 6376 §3.6.1), the bare 32 bytes for Ed25519 (RFC 8463 §4.2). */
  publicKeyBase64: string;
  /** `<selector>._domainkey.<domain>` */
  recordName: string;
  /** The TXT record's text, e.g. `v=DKIM1; k=rsa; p=...`. */
  record: string;
  /** The record cut into character-strings of at most 255 bytes (RFC 1035 §3.3.14). */
  txtStrings: string[];
  /** A zone file line: `<name>. IN TXT ( "..." "..." )`. */
  zoneLine: string;
  /** Something the user should know about this key type. */
  note?: string;
}
