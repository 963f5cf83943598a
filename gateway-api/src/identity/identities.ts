/**
 * Ledger identities for the NA and each household. Every household transaction is
 * signed with that household's own certificate, so the chaincode's ownership and
 * role checks are the real guard, not the gateway.
 *
 * The gateway enrols identities at its organisation's CA as a registrar: it makes a
 * key and a CSR, registers the enrolment id and has the CA sign (enrolment-authority.ts).
 * It keeps the keys of custodial households and of the NA (encrypted, wallet.ts). A
 * self-custody household gets a one-time secret instead and enrols its own CSR; the
 * gateway keeps only the certificate. Enrolment secrets are derived from the wallet
 * key per id (WalletKey.derivedSecret), so a registration retried after a crash or a
 * lost reply uses the secret it registered with, and nothing half-done is stored.
 */
import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the polyfill loaded first
import { timingSafeEqual, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { LedgerIdentity } from '../ledger/port';
import { certificateKeySha256, CsrError, newKeyAndCsr, readCsr } from './csr';
import { EnrolmentRefused, type EnrolmentAuthority } from './enrolment-authority';
import { identityKey } from './identity-key';
import type { Wallet } from './wallet';
import type { WalletKey } from './wallet-key';

x509.cryptoProvider.set(webcrypto as never);

const NA_LABEL = 'admin';

/** The attribute a meter's certificate carries (the chaincode's METER_ATTRIBUTE). */
export const METER_ATTRIBUTE = 'ecch.meter';

/**
 * A meter's enrolment id at the CA: `@` is outside the participant ids' character set
 * ([A-Za-z0-9._-]), so a meter can never take a participant's enrolment id. Its CSR's
 * common name must be this id.
 */
export function meterEnrollmentId(meterId: string): string {
  return `${meterId}@meter`;
}

export interface NewIdentity {
  identity: LedgerIdentity;
  /** `${mspId}::${x509 id}` as the chaincode will see it. */
  key: string;
}

export class IdentityMismatch extends Error {}

/** The enrolment id is registered at the CA under a secret this gateway did not derive (another gateway's, or an operator's). */
export class EnrolmentIdTaken extends Error {}

/** How the gateway obtains the NA's certificate on first start (the NA's attributes are the operator's to grant, not the registrar's). */
export type NaEnrolment = (csr: string) => Promise<string>;

interface SelfCertificate {
  certificate: string;
}

export class Identities {
  private constructor(
    private readonly wallet: Wallet,
    private readonly authority: EnrolmentAuthority,
    readonly mspId: string,
    readonly na: LedgerIdentity,
  ) {}

  /** Loads the NA identity from the wallet, enrolling it on first start. */
  static async open(wallet: Wallet, authority: EnrolmentAuthority, mspId: string, enrolNa: NaEnrolment, naEnrollmentId: string): Promise<Identities> {
    let na = await wallet.get('na', NA_LABEL);
    if (na) {
      await assertIssuedBy(na, authority.caCertificate, mspId);
    } else {
      const { privateKey, csr } = await newKeyAndCsr(naEnrollmentId);
      na = { label: NA_LABEL, mspId, certificate: await enrolNa(csr), privateKey };
      await wallet.put('na', na);
    }
    return new Identities(wallet, authority, mspId, na);
  }

  /** The key the wallet is sealed under (tools that open DATA_DIR's other sealed files need it). */
  get walletKey(): WalletKey {
    return this.wallet.key;
  }

  /** PEM of the CA certificate the identities chain to. */
  get caCertificate(): string {
    return this.authority.caCertificate;
  }

  /** The secret this gateway registers `enrollmentId` under, for a custodial or a self-custody identity. */
  private secret(kind: 'custodial' | 'self' | 'meter', enrollmentId: string): string {
    return this.wallet.key.derivedSecret(`ca-secret/${kind}/${enrollmentId}`);
  }

  /** Registers at the CA; a registration this gateway made before (a retry) is fine. */
  private async registerOnce(enrollmentId: string, secret: string, maxEnrollments: number): Promise<void> {
    try {
      await this.authority.register({ enrollmentId, secret, maxEnrollments });
    } catch (err) {
      if (!(err instanceof EnrolmentRefused && err.reason === 'already-registered')) throw err;
    }
  }

  /**
   * The custodial identity a participant's registration binds: the one already in the
   * wallet (an earlier attempt that crashed, or whose reply was lost), or a new one
   * enrolled at the CA and stored in the wallet before it is returned, so it is on
   * disk before any transaction that binds it is submitted.
   */
  async prepare(participantId: string): Promise<NewIdentity & { reused: boolean }> {
    const held = await this.wallet.get('participants', participantId);
    if (held) {
      if (held.mspId === this.mspId) return { identity: held, key: identityKey(this.mspId, held.certificate), reused: true };
      await assertIssuedBy(held, this.authority.caCertificate, this.mspId); // throws: another ledger's wallet
    }
    const secret = this.secret('custodial', participantId);
    // Unlimited enrolments: the secret never leaves the gateway, and a retry enrols again.
    await this.registerOnce(participantId, secret, -1);
    const { privateKey, csr } = await newKeyAndCsr(participantId);
    let certificate: string;
    try {
      certificate = await this.authority.enroll(participantId, secret, csr);
    } catch (err) {
      if (err instanceof EnrolmentRefused && err.reason === 'authentication') {
        throw new EnrolmentIdTaken(`enrolment id ${participantId} is registered at the CA by someone else`);
      }
      throw err;
    }
    const identity: LedgerIdentity = { label: participantId, mspId: this.mspId, certificate, privateKey };
    await this.wallet.put('participants', identity);
    return { identity, key: identityKey(this.mspId, identity.certificate), reused: false };
  }

  /**
   * Registers a self-custody household at the CA and returns its one-time enrolment
   * secret (one enrolment). A retry answers the same secret.
   */
  async prepareSelfCustody(participantId: string): Promise<{ enrollmentId: string; secret: string }> {
    const secret = this.secret('self', participantId);
    await this.registerOnce(participantId, secret, 1);
    return { enrollmentId: participantId, secret };
  }

  /**
   * A self-custody household's enrolment: the CA signs its CSR under the one-time
   * secret. The gateway keeps the certificate (public) to answer a retry whose reply
   * was lost: the same secret and a CSR for the same key get the same certificate.
   */
  async enrolSelfCustody(participantId: string, secret: string, csr: string): Promise<{ certificate: string; reused: boolean }> {
    try {
      const certificate = await this.authority.enroll(participantId, secret, csr);
      await this.wallet.putRecord<SelfCertificate>('self', participantId, { certificate });
      return { certificate, reused: false };
    } catch (err) {
      if (!(err instanceof EnrolmentRefused && err.reason === 'authentication')) throw err;
      const held = await this.wallet.getRecord<SelfCertificate>('self', participantId);
      if (held && sameSecret(secret, this.secret('self', participantId)) && (await csrKey(csr)) === certificateKeySha256(held.certificate)) {
        return { certificate: held.certificate, reused: true };
      }
      throw err;
    }
  }

  /**
   * A meter's enrolment at the CA (the NA's request): registers `<meterId>@meter`
   * (type client, `ecch.meter=<meterId>` in its certificate, unlimited enrolments under
   * a secret derived per meter that never leaves the gateway) and has the CA sign the
   * meter's CSR; the meter's key never leaves the meter. A retry after a lost reply
   * registers nothing new and enrols the CSR again: a fresh certificate for the same
   * key, which meters:Register treats as the same meter. The gateway keeps nothing.
   */
  async enrolMeter(meterId: string, csr: string): Promise<string> {
    const enrollmentId = meterEnrollmentId(meterId);
    // Checked before anything is registered: a malformed CSR, or one for another id, registers nothing at the CA.
    let facts;
    try {
      facts = await readCsr(csr);
    } catch (err) {
      if (err instanceof CsrError) throw new EnrolmentRefused('invalid-csr', err.message);
      throw err;
    }
    if (facts.commonName !== enrollmentId) {
      throw new EnrolmentRefused('invalid-csr', `the CSR subject common name must be the meter's enrolment id ${enrollmentId}, not ${facts.commonName}`);
    }
    const secret = this.secret('meter', meterId);
    try {
      await this.authority.register({ enrollmentId, secret, maxEnrollments: -1, attributes: { [METER_ATTRIBUTE]: meterId } });
    } catch (err) {
      if (!(err instanceof EnrolmentRefused && err.reason === 'already-registered')) throw err;
    }
    try {
      return await this.authority.enroll(enrollmentId, secret, csr);
    } catch (err) {
      if (err instanceof EnrolmentRefused && err.reason === 'authentication') {
        throw new EnrolmentIdTaken(`enrolment id ${enrollmentId} is registered at the CA by someone else`);
      }
      throw err;
    }
  }

  /** The certificate a self-custody household enrolled with through this gateway. */
  async selfCustodyCertificate(participantId: string): Promise<string | undefined> {
    return (await this.wallet.getRecord<SelfCertificate>('self', participantId))?.certificate;
  }

  /** Forgets a prepared identity the ledger definitely refused to bind (its CA registration stays, and a retry enrols again). */
  async discard(participantId: string): Promise<void> {
    await this.wallet.delete('participants', participantId);
  }

  /** The ledger key (`${mspId}::${x509 id}`) of an identity. */
  keyOf(identity: LedgerIdentity): string {
    return identityKey(identity.mspId, identity.certificate);
  }

  async ofParticipant(participantId: string): Promise<LedgerIdentity | undefined> {
    return this.wallet.get('participants', participantId);
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function csrKey(csr: string): Promise<string | undefined> {
  try {
    return (await readCsr(csr)).publicKeySha256;
  } catch (err) {
    if (err instanceof CsrError) return undefined;
    throw err;
  }
}

/** A wallet from another CA or MSP (a recreated network, another ledger kind) cannot sign for this one. */
export async function assertIssuedBy(identity: LedgerIdentity, caCertificate: string, mspId: string): Promise<void> {
  const cert = new x509.X509Certificate(identity.certificate);
  const caCert = new x509.X509Certificate(caCertificate);
  const ok = identity.mspId === mspId && (await cert.verify({ publicKey: caCert, signatureOnly: true }));
  if (!ok) {
    throw new IdentityMismatch(
      `the wallet in DATA_DIR was issued by another CA or MSP than this ledger's (${mspId}); start with an empty DATA_DIR for this ledger`,
    );
  }
}
