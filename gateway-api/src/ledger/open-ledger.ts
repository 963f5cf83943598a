/**
 * Opens the configured ledger and the organisation CA the gateway issues
 * identities from. Both ledgers serve the same port, so nothing above this file
 * knows which one is behind it.
 *
 * Imports go one way: ledger/ may use identity/ (the CA, the wallet key), while
 * identity/ takes nothing from ledger/ but the types of port.ts
 * (test/gateway/module-direction.test.ts).
 */
import type { GatewayConfig } from '../config';
import { loadCaFromFiles, loadOrCreateEmbeddedCa } from '../identity/ca-store';
import type { CertificateAuthority } from '../identity/issuer';
import type { WalletKey } from '../identity/wallet-key';
import { createEmbeddedLedger } from './embedded';
import { readConnectionProfile } from './fabric/connection-profile';
import { createFabricLedger } from './fabric/fabric-ledger';
import type { Ledger } from './port';

/** The embedded ledger's organisation, as on the Fabric network. */
export const EMBEDDED_MSP_ID = 'CommunityMSP';

export interface OpenedLedger {
  ledger: Ledger;
  ca: CertificateAuthority;
  mspId: string;
  /** The attribute the gateway writes into the NA's certificate (the chaincode accepts only ecch.role=na on a CommunityMSP one). */
  naAttribute: { name: string; value: string };
}

const DEFAULT_NA_ATTRIBUTE = { name: 'ecch.role', value: 'na' };

/** `walletKey` decrypts the embedded CA's key (Fabric mode reads the network's CA files). */
export async function openLedger(config: GatewayConfig, walletKey: WalletKey): Promise<OpenedLedger> {
  if (config.ledger === 'embedded') {
    const ca = await loadOrCreateEmbeddedCa(config.dataDir, walletKey);
    // The ledger keeps its store in DATA_DIR/ledger and trusts only identities from this CA, like an MSP.
    const embedded = await createEmbeddedLedger({ dataDir: config.dataDir, trustedCas: [ca.certificate] });
    const ledger: Ledger = embedded;
    // One transaction per block: the block height is the last block's number.
    ledger.lastBlock ??= async () => embedded.blockHeight;
    return { ledger, ca, mspId: EMBEDDED_MSP_ID, naAttribute: DEFAULT_NA_ATTRIBUTE };
  }
  const profile = await readConnectionProfile(config.fabricConnection);
  const ca = await loadCaFromFiles(profile.ca.certificate, profile.ca.privateKey);
  const ledger = await createFabricLedger(profile, config.fabric);
  return { ledger, ca, mspId: profile.mspId, naAttribute: profile.naAttribute };
}
