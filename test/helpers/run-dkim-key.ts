/**
 * A DKIM key made for one test run, and messages signed with it.
 *
 * No private key sits in the repository: a zone that needs a signing key for a message test gets
 * one at start-up (test/fixtures/zones/msgapi.zone says so for signed.msgapi.test), and the test
 * adds the public half to what its fixture DNS server serves.
 */
import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth';

export interface RunDkimKey {
  signingDomain: string;
  selector: string;
  /** PKCS #8, PEM. */
  privateKey: string;
  /** The key record as a zone line (`selector._domainkey.domain. TXT "..." "..."`), for parseZone or a lab's extra records. */
  zoneLine: string;
}

/** A fresh RSA 2048 key for `selector._domainkey.signingDomain`. */
export function runDkimKey(signingDomain: string, selector: string): RunDkimKey {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const record = `v=DKIM1; k=rsa; p=${pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  // RFC 1035 §3.3.14: a TXT record is character-strings of at most 255 bytes each.
  const strings = (record.match(/.{1,255}/g) ?? []).map((s) => `"${s}"`).join(' ');
  return {
    signingDomain,
    selector,
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    zoneLine: `${selector}._domainkey.${signingDomain}. TXT ${strings}`,
  };
}

/** `message` with a DKIM-Signature by `key` on top (relaxed/relaxed); throws when mailauth could not sign. */
export async function dkimSigned(message: Buffer, key: RunDkimKey): Promise<Buffer> {
  const signature = { signingDomain: key.signingDomain, selector: key.selector, privateKey: key.privateKey, canonicalization: 'relaxed/relaxed' };
  // mailauth 7 takes its keys as signatureData (a top-level key alone signs nothing).
  const { signatures, errors } = await dkimSign(message, { ...signature, signatureData: [signature] });
  if (errors.length > 0 || !signatures.startsWith('DKIM-Signature:')) throw new Error(`could not sign as ${key.signingDomain}: ${JSON.stringify(errors)}`);
  return Buffer.concat([Buffer.from(signatures), message]);
}
