/**
 * The organisation CA the gateway issues identities from. Embedded: created once in
 * DATA_DIR/ca and kept. Fabric: the Community org CA's certificate and key, as the
 * network wrote them (paths from the connection file).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createCertificateAuthority, type CertificateAuthority } from './issuer';

export async function loadOrCreateEmbeddedCa(dataDir: string): Promise<CertificateAuthority> {
  const dir = path.join(dataDir, 'ca');
  const certFile = path.join(dir, 'ca-cert.pem');
  const keyFile = path.join(dir, 'ca-key.pem');
  try {
    return { certificate: await fs.readFile(certFile, 'utf8'), privateKey: await fs.readFile(keyFile, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = await createCertificateAuthority('ca.community.ecch', 'Community');
  // Key first: a crash in between leaves no certificate without its key.
  await fs.writeFile(keyFile, ca.privateKey, { mode: 0o600 });
  await fs.writeFile(certFile, ca.certificate, { mode: 0o644 });
  return ca;
}

export async function loadCaFromFiles(certificatePath: string, privateKeyPath: string): Promise<CertificateAuthority> {
  return {
    certificate: await fs.readFile(certificatePath, 'utf8'),
    privateKey: await fs.readFile(privateKeyPath, 'utf8'),
  };
}
