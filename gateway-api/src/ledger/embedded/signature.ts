/**
 * Signatures as a Fabric MSP checks them: ECDSA P-256 over SHA-256 of the signed
 * bytes, DER-encoded, low-S (s ≤ n/2; fabric-gateway's `signers.newPrivateKeySigner`
 * makes only those, and Fabric refuses the other half as malleable), by the key of the
 * signer's certificate. The embedded ledger's digest is SHA-256 of the bytes, so
 * verifying the bytes with SHA-256 is verifying the digest, prehashed.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

/** The order of P-256's base point. */
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_N = N >> 1n;

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** r and s of a strict DER ECDSA signature (SEQUENCE of two minimal positive INTEGERs), or undefined. */
export function parseDerSignature(sig: Uint8Array): { r: bigint; s: bigint } | undefined {
  if (sig.length < 8 || sig.length > 72 || sig[0] !== 0x30 || sig[1] !== sig.length - 2) return undefined;
  const ints: bigint[] = [];
  let at = 2;
  for (let i = 0; i < 2; i++) {
    if (sig[at] !== 0x02) return undefined;
    const len = sig[at + 1];
    const start = at + 2;
    if (len === undefined || len === 0 || len > 33 || start + len > sig.length) return undefined;
    // Minimal and positive: no leading 0x00 unless the next byte's top bit is set; no negative numbers.
    if (sig[start] & 0x80) return undefined;
    if (len > 1 && sig[start] === 0 && !(sig[start + 1] & 0x80)) return undefined;
    ints.push(BigInt(`0x${Buffer.from(sig.subarray(start, start + len)).toString('hex')}`));
    at = start + len;
  }
  if (at !== sig.length) return undefined;
  const [r, s] = ints;
  if (r === 0n || s === 0n || r >= N || s >= N) return undefined;
  return { r, s };
}

/** The certificate's public key, if it is an EC P-256 key. */
export function p256KeyOf(certificatePem: string): KeyObject | undefined {
  try {
    const key = createPublicKey(certificatePem);
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `signature` is the certificate key's low-S DER ECDSA signature of SHA-256(`bytes`). */
export function verifySignature(bytes: Uint8Array, signature: Uint8Array, certificatePem: string): boolean {
  const key = p256KeyOf(certificatePem);
  const parsed = parseDerSignature(signature);
  if (!key || !parsed || parsed.s > HALF_N) return false;
  try {
    return verify('sha256', bytes, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
