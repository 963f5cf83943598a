/**
 * The household's own key: ECDSA P-256, kept in a PKCS#8 PEM file that only its owner
 * may read (0600). It never leaves this process; the gateway only ever sees the
 * certificate and the signatures.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';

/** The key file is missing, unreadable or readable by others than its owner. */
export class KeyFileError extends Error {}

function checkP256(key: KeyObject, file: string): KeyObject {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new KeyFileError(`${file} is not an ECDSA P-256 private key`);
  }
  return key;
}

/** Reads the key; refuses a file that its group or others may read or write, as ssh does. */
export async function loadKey(file: string): Promise<KeyObject> {
  const stat = await fs.stat(file);
  if ((stat.mode & 0o077) !== 0) {
    throw new KeyFileError(`${file} is accessible by others (mode ${(stat.mode & 0o777).toString(8)}): chmod 600 it`);
  }
  return checkP256(createPrivateKey(await fs.readFile(file, 'utf8')), file);
}

/** A new P-256 key written to `file` (0600, never over an existing file). */
export async function createKey(file: string): Promise<KeyObject> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const handle = await fs.open(file, 'wx', 0o600);
  try {
    await handle.writeFile(pem, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return privateKey;
}

/** The key in `file`, created there first if there is none. */
export async function loadOrCreateKey(file: string): Promise<KeyObject> {
  try {
    return await loadKey(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return createKey(file);
  }
}
