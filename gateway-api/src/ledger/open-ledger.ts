/**
 * Opens the configured ledger and the certificate authority the gateway enrols its
 * identities at. Both ledgers serve the same port, so nothing above this file knows
 * which one is behind it.
 *
 * - embedded: the ledger in DATA_DIR/ledger and an in-process CA (its key sealed in
 *   DATA_DIR/ca under the wallet key), which also plays the operator for the NA.
 * - fabric: the peer from the connection file and the organisation's Fabric CA. The
 *   gateway enrols its registrar identity there once (secret file from the operator)
 *   and keeps it in the wallet; no CA key is read, held or written.
 *
 * Imports go one way: ledger/ may use identity/ (the CA, the wallet), while
 * identity/ takes nothing from ledger/ but the types of port.ts
 * (test/gateway/module-direction.test.ts).
 */
// First: the chaincode package logs every contract decorator at import unless the shim's level is set beforehand.
import './embedded/shim-logging';
import { promises as fs } from 'node:fs';
import { ROLE_ATTRIBUTE, ROLES } from '@ecch/chaincode';
import type { GatewayConfig } from '../config';
import { loadOrCreateEmbeddedCa } from '../identity/ca-store';
import { newKeyAndCsr } from '../identity/csr';
import type { EnrolmentAuthority } from '../identity/enrolment-authority';
import { FabricCaClient } from '../identity/fabric-ca-client';
import { assertIssuedBy, type NaEnrolment } from '../identity/identities';
import { InProcessCa } from '../identity/in-process-ca';
import type { Wallet } from '../identity/wallet';
import { createEmbeddedLedger } from './embedded';
import { readConnectionProfile, type EnrolmentFiles } from './fabric/connection-profile';
import { createFabricLedger } from './fabric/fabric-ledger';
import type { Ledger, LedgerIdentity } from './port';

/** The embedded ledger's organisation, as on the Fabric network. */
export const EMBEDDED_MSP_ID = 'CommunityMSP';
/** The NA's enrolment id on the embedded ledger (on Fabric: the connection file's gateway/na). */
export const EMBEDDED_NA_ID = 'ecch-na';

export interface OpenedLedger {
  ledger: Ledger;
  authority: EnrolmentAuthority;
  mspId: string;
  enrolNa: NaEnrolment;
  naEnrollmentId: string;
}

export async function openLedger(config: GatewayConfig, wallet: Wallet): Promise<OpenedLedger> {
  if (config.ledger === 'embedded') {
    const ca = await loadOrCreateEmbeddedCa(config.dataDir, wallet.key);
    const authority = await InProcessCa.open(ca, config.dataDir);
    // The ledger keeps its store in DATA_DIR/ledger and trusts only identities from this CA, like an MSP.
    const embedded = await createEmbeddedLedger({ dataDir: config.dataDir, trustedCas: [ca.certificate] });
    const ledger: Ledger = embedded;
    // One transaction per block: the block height is the last block's number.
    ledger.lastBlock ??= async () => embedded.blockHeight;
    const enrolNa: NaEnrolment = (csr) => authority.issueOperatorIdentity(EMBEDDED_NA_ID, csr, { [ROLE_ATTRIBUTE]: ROLES.na.value });
    return { ledger, authority, mspId: EMBEDDED_MSP_ID, enrolNa, naEnrollmentId: EMBEDDED_NA_ID };
  }
  const profile = await readConnectionProfile(config.fabricConnection);
  const authority = new FabricCaClient({
    url: profile.fabricCa.url,
    caName: profile.fabricCa.caName,
    tlsCACert: await fs.readFile(profile.fabricCa.tlsCACert, 'utf8'),
    caCertificate: await fs.readFile(profile.fabricCa.caCert, 'utf8'),
    timeoutMs: config.fabric.evaluateMs,
  });
  const registrar = await enrolledOnce(wallet, 'registrar', authority, profile.registrar, profile.mspId);
  authority.useRegistrar(registrar);
  const ledger = await createFabricLedger(profile, config.fabric, async () => registrar);
  const enrolNa: NaEnrolment = async (csr) => authority.enroll(profile.na.enrollmentId, await readSecret(profile.na), csr);
  return { ledger, authority, mspId: profile.mspId, enrolNa, naEnrollmentId: profile.na.enrollmentId };
}

/** A service identity of the gateway's own (its registrar): enrolled on first start with the operator's secret, then kept in the wallet. */
async function enrolledOnce(wallet: Wallet, label: string, authority: FabricCaClient, files: EnrolmentFiles, mspId: string): Promise<LedgerIdentity> {
  const held = await wallet.getRecord<LedgerIdentity>('service', label);
  if (held) {
    await assertIssuedBy(held, authority.caCertificate, mspId);
    return held;
  }
  const { privateKey, csr } = await newKeyAndCsr(files.enrollmentId);
  const certificate = await authority.enroll(files.enrollmentId, await readSecret(files), csr);
  const identity: LedgerIdentity = { label, mspId, certificate, privateKey };
  await wallet.putRecord('service', label, identity);
  return identity;
}

async function readSecret(files: EnrolmentFiles): Promise<string> {
  const secret = (await fs.readFile(files.secretFile, 'utf8')).trim();
  if (secret === '') throw new Error(`${files.secretFile} (the enrolment secret of ${files.enrollmentId}) is empty`);
  return secret;
}
