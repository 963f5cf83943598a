/**
 * Ledger identities for the NA and each household. Every household transaction is
 * signed with that household's own certificate, so the chaincode's ownership and
 * role checks are the real guard, not the gateway.
 */
import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the polyfill loaded first
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { LedgerIdentity } from '../ledger/port';
import { identityKey } from './identity-key';
import { issueIdentity, type CertificateAuthority } from './issuer';
import type { Wallet } from './wallet';

x509.cryptoProvider.set(webcrypto as never);

const NA_LABEL = 'admin';

export interface NewIdentity {
  identity: LedgerIdentity;
  /** `${mspId}::${x509 id}` as the chaincode will see it. */
  key: string;
}

export class IdentityMismatch extends Error {}

export class Identities {
  private constructor(
    private readonly wallet: Wallet,
    private readonly ca: CertificateAuthority,
    readonly mspId: string,
    readonly na: LedgerIdentity,
  ) {}

  /** Loads the NA identity from the wallet, issuing it on first start. */
  static async open(
    wallet: Wallet,
    ca: CertificateAuthority,
    mspId: string,
    naAttribute: { name: string; value: string },
  ): Promise<Identities> {
    let na = await wallet.get('na', NA_LABEL);
    if (na) {
      await assertIssuedBy(na, ca, mspId);
    } else {
      const issued = await issueIdentity(ca, { commonName: 'ecch-na', attrs: { [naAttribute.name]: naAttribute.value } });
      na = { label: NA_LABEL, mspId, ...issued };
      await wallet.put('na', na);
    }
    return new Identities(wallet, ca, mspId, na);
  }

  /**
   * The identity a participant's registration binds: the one already in the wallet
   * (an earlier attempt that crashed, or whose reply was lost), or a new one, stored
   * in the wallet before it is returned, so it is on disk before any transaction
   * that binds it is submitted.
   */
  async prepare(participantId: string): Promise<NewIdentity & { reused: boolean }> {
    const held = await this.wallet.get('participants', participantId);
    if (held) {
      if (held.mspId === this.mspId) return { identity: held, key: identityKey(this.mspId, held.certificate), reused: true };
      await assertIssuedBy(held, this.ca, this.mspId); // throws: another ledger's wallet
    }
    const issued = await issueIdentity(this.ca, { commonName: participantId });
    const identity: LedgerIdentity = { label: participantId, mspId: this.mspId, ...issued };
    await this.wallet.put('participants', identity);
    return { identity, key: identityKey(this.mspId, identity.certificate), reused: false };
  }

  /** Forgets a prepared identity the ledger definitely refused to bind. */
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

/** A wallet from another CA or MSP (a recreated network, another ledger kind) cannot sign for this one. */
async function assertIssuedBy(identity: LedgerIdentity, ca: CertificateAuthority, mspId: string): Promise<void> {
  const cert = new x509.X509Certificate(identity.certificate);
  const caCert = new x509.X509Certificate(ca.certificate);
  const ok = identity.mspId === mspId && (await cert.verify({ publicKey: caCert, signatureOnly: true }));
  if (!ok) {
    throw new IdentityMismatch(
      `the wallet in DATA_DIR was issued by another CA or MSP than this ledger's (${mspId}); start with an empty DATA_DIR for this ledger`,
    );
  }
}
