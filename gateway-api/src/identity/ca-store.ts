/**
 * The organisation CA the gateway issues identities from. Embedded: created once in
 * DATA_DIR/ca and kept, its private key encrypted under the wallet key
 * (`ca/ca-key.sealed`, label `ca/ca-key`; wallet-key.ts). Fabric: the Community org
 * CA's certificate and key, as the network wrote them (paths from the connection file).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createCertificateAuthority, type CertificateAuthority } from './issuer';
import { writeAtomic } from './wallet';
import { isSealedRecord, WalletKeyError, type WalletKey } from './wallet-key';

const CA_KEY_LABEL = 'ca/ca-key';

/** The embedded CA, created on first start; a plaintext `ca-key.pem` from before encryption is sealed and removed. */
export async function loadOrCreateEmbeddedCa(dataDir: string, walletKey: WalletKey): Promise<CertificateAuthority> {
  const dir = path.join(dataDir, 'ca');
  const certFile = path.join(dir, 'ca-cert.pem');
  const sealedFile = path.join(dir, 'ca-key.sealed');
  const plainFile = path.join(dir, 'ca-key.pem');
  const certificate = await readIfExists(certFile);
  const sealed = await readIfExists(sealedFile);
  if (certificate !== undefined && sealed !== undefined) {
    const record = JSON.parse(sealed) as unknown;
    if (!isSealedRecord(record)) throw new WalletKeyError(`${sealedFile} is not an encrypted record`);
    const privateKey = walletKey.open(CA_KEY_LABEL, record, sealedFile);
    await fs.rm(plainFile, { force: true }); // a migration that stopped before removing it
    return { certificate, privateKey };
  }
  const plain = await readIfExists(plainFile);
  if (certificate !== undefined && plain !== undefined) {
    await writeAtomic(sealedFile, JSON.stringify(walletKey.seal(CA_KEY_LABEL, plain)));
    await fs.rm(plainFile);
    return { certificate, privateKey: plain };
  }
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = await createCertificateAuthority('ca.community.ecch', 'Community');
  // Key first: a crash in between leaves no certificate without its key.
  await writeAtomic(sealedFile, JSON.stringify(walletKey.seal(CA_KEY_LABEL, ca.privateKey)));
  await fs.writeFile(certFile, ca.certificate, { mode: 0o644 });
  return ca;
}

export async function loadCaFromFiles(certificatePath: string, privateKeyPath: string): Promise<CertificateAuthority> {
  return {
    certificate: await fs.readFile(certificatePath, 'utf8'),
    privateKey: await fs.readFile(privateKeyPath, 'utf8'),
  };
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
