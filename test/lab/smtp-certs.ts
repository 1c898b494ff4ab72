/**
 * Certificates for the loopback SMTP peer, from the lab's test CA (test-ca.ts).
 *
 * One CA signs a good leaf, an expired leaf and a leaf for another name; a fourth leaf signs itself.
 */
import { createTestCa, type KeyPair } from './test-ca';

export type LabCert = KeyPair;

export interface SmtpCerts {
  /** The test CA's certificate (PEM), to pass as `network.ca`. */
  caPem: string;
  good: LabCert;
  expired: LabCert;
  wrongName: LabCert;
  selfSigned: LabCert;
  /** The names on the good, expired and self-signed certificates. */
  names: string[];
}

/** Makes the lab certificates for these DNS names (the first one is the subject CN). */
export function makeSmtpCerts(names: string[]): SmtpCerts {
  const ca = createTestCa('Deliverlab SMTP Test CA');
  try {
    return {
      caPem: ca.caPem,
      good: ca.issue(names),
      expired: ca.issue(names, { expired: true }),
      wrongName: ca.issue(['other.invalid']),
      selfSigned: ca.selfSigned(names),
      names,
    };
  } finally {
    ca.dispose();
  }
}
