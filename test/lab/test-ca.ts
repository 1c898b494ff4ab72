/**
 * A throw-away certificate authority for the HTTPS lab, made at test time with the openssl CLI.
 *
 * Nothing is checked in: keys and certificates live in a temp dir for one test run. Keys are EC
 * P-256 (made by node:crypto, which is instant); openssl signs. Besides good leaves it makes the bad
 * ones negative tests need: expired, for another name, self-signed.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OPENSSL = process.env.OPENSSL ?? '/usr/bin/openssl';

export interface KeyPair {
  key: string;
  cert: string;
}

export interface TestCa {
  /** The CA certificate (PEM): what a client adds to its trusted roots. */
  caPem: string;
  dir: string;
  /**
   * A leaf signed by this CA for the given DNS names (the first is also the CN): valid from a day
   * ago for 30 days, or for `validDays` from now (a certificate near its end).
   */
  issue(names: readonly string[], options?: { expired?: boolean; notYetValid?: boolean; validDays?: number }): KeyPair;
  /** A leaf that signs itself, trusted by nobody. */
  selfSigned(names: readonly string[]): KeyPair;
  /** Removes the temp dir. */
  dispose(): void;
}

function run(bin: string, args: string[], cwd: string): string {
  try {
    return execFileSync(bin, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr || (err as Error).message}`, { cause: err });
  }
}

function ecKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** YYYYMMDDHHMMSSZ, the form `openssl ca -startdate` takes. */
function asn1Time(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

const CA_CONFIG = `[ ca ]
default_ca = lab
[ lab ]
dir = .
database = ./index.txt
new_certs_dir = ./issued
serial = ./serial
default_md = sha256
policy = anything
unique_subject = no
email_in_dn = no
copy_extensions = none
[ anything ]
commonName = supplied
`;

/** Makes a CA in a fresh temp dir. Throws, saying what is missing, when openssl is not there. */
export function createTestCa(name = 'Deliverlab Test CA', options: { openssl?: string } = {}): TestCa {
  const bin = options.openssl ?? OPENSSL;
  // Never skip: a lab that silently does less would let certificate tests pass without testing anything.
  if (!existsSync(bin)) throw new Error(`the HTTPS lab needs the openssl CLI at ${bin} (apt-get install openssl, or set OPENSSL)`);
  const openssl = (args: string[], cwd: string) => run(bin, args, cwd);
  const dir = mkdtempSync(join(tmpdir(), 'deliverlab-ca-'));
  mkdirSync(join(dir, 'issued'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  writeFileSync(join(dir, 'ca.key'), ecKey());
  openssl(
    ['req', '-x509', '-new', '-key', 'ca.key', '-subj', `/CN=${name}`, '-days', '30', '-out', 'ca.pem',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  const caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
  let n = 0;

  const issue: TestCa['issue'] = (names, options = {}) => {
    const id = `leaf${++n}`;
    const key = ecKey();
    writeFileSync(join(dir, `${id}.key`), key);
    writeFileSync(
      join(dir, `${id}.ext`),
      `[ leaf ]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\nsubjectAltName = ${names.map((d) => `DNS:${d}`).join(',')}\n`,
    );
    openssl(['req', '-new', '-key', `${id}.key`, '-subj', `/CN=${names[0] ?? 'leaf'}`, '-out', `${id}.csr`], dir);
    const day = 86_400_000;
    const now = Date.now();
    const [from, to] = options.expired
      ? [new Date(now - 30 * day), new Date(now - day)]
      : options.notYetValid
        ? [new Date(now + day), new Date(now + 30 * day)]
        : [new Date(now - day), new Date(now + (options.validDays ?? 30) * day)];
    openssl(
      ['ca', '-config', 'ca.cnf', '-batch', '-notext', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', `${id}.csr`, '-out', `${id}.pem`,
        '-extfile', `${id}.ext`, '-extensions', 'leaf', '-startdate', asn1Time(from), '-enddate', asn1Time(to)],
      dir,
    );
    return { key, cert: readFileSync(join(dir, `${id}.pem`), 'utf8') };
  };

  const selfSigned: TestCa['selfSigned'] = (names) => {
    const id = `self${++n}`;
    const key = ecKey();
    writeFileSync(join(dir, `${id}.key`), key);
    openssl(
      ['req', '-x509', '-new', '-key', `${id}.key`, '-subj', `/CN=${names[0] ?? 'self'}`, '-days', '30', '-out', `${id}.pem`,
        '-addext', `subjectAltName=${names.map((d) => `DNS:${d}`).join(',')}`],
      dir,
    );
    return { key, cert: readFileSync(join(dir, `${id}.pem`), 'utf8') };
  };

  return { caPem, dir, issue, selfSigned, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
