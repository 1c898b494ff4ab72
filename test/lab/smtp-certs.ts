/**
 * Certificates for the loopback SMTP peer, made with the openssl CLI in a temp folder.
 *
 * One test CA (EC P-256) signs a good leaf, an expired leaf and a leaf for another name; a fourth
 * leaf signs itself. `openssl ca` is used because OpenSSL 3.0's `x509 -req` cannot set a start date
 * in the past, which the expired certificate needs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LabCert {
  key: string;
  cert: string;
}

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

const OPENSSL = '/usr/bin/openssl';

function run(dir: string, args: string[]): void {
  execFileSync(OPENSSL, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
}

/** Makes the lab certificates for these DNS names (the first one is the subject CN). */
export function makeSmtpCerts(names: string[]): SmtpCerts {
  const dir = mkdtempSync(join(tmpdir(), 'deliverlab-smtp-certs-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/CN=Deliverlab SMTP Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '1000\n');
    writeFileSync(
      join(dir, 'ca.cnf'),
      [
        '[ ca ]',
        'default_ca = lab',
        '[ lab ]',
        'database = index.txt',
        'new_certs_dir = .',
        'serial = serial',
        'default_md = sha256',
        'policy = any',
        'unique_subject = no',
        'copy_extensions = none',
        '[ any ]',
        'commonName = supplied',
        '',
      ].join('\n'),
    );
    const leaf = (label: string, leafNames: string[], start: string, end: string): LabCert => {
      run(dir, ['req', ...ec, '-keyout', `${label}.key`, '-out', `${label}.csr`, '-subj', `/CN=${leafNames[0]}`]);
      writeFileSync(join(dir, `${label}.ext`), `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=${leafNames.map((n) => `DNS:${n}`).join(',')}\n`);
      run(dir, ['ca', '-batch', '-notext', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', `${label}.csr`, '-out', `${label}.pem`, '-startdate', start, '-enddate', end, '-extfile', `${label}.ext`]);
      return { key: readFileSync(join(dir, `${label}.key`), 'utf8'), cert: readFileSync(join(dir, `${label}.pem`), 'utf8') };
    };
    const year = new Date().getUTCFullYear();
    const good = leaf('good', names, `${year - 1}0101000000Z`, `${year + 5}0101000000Z`);
    const expired = leaf('expired', names, '20200101000000Z', '20210101000000Z');
    const wrongName = leaf('wrong', ['other.invalid'], `${year - 1}0101000000Z`, `${year + 5}0101000000Z`);
    run(dir, ['req', '-x509', ...ec, '-keyout', 'self.key', '-out', 'self.pem', '-days', '365', '-subj', `/CN=${names[0]}`, '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`]);
    const selfSigned = { key: readFileSync(join(dir, 'self.key'), 'utf8'), cert: readFileSync(join(dir, 'self.pem'), 'utf8') };
    return { caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), good, expired, wrongName, selfSigned, names };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
