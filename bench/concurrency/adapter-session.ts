/**
 * The ledger adapter the gateway uses, opened directly (no HTTP): the same
 * `createFabricLedger` / embedded ledger, the same deadlines, signing as the
 * households' identities from the gateway's wallet. Used for the baseline
 * transactions (the gateway has no route for them) and for orders, so order and
 * baseline throughput compare like with like.
 */
import { createEmbeddedLedger } from '../../gateway-api/src/ledger/embedded';
import { readConnectionProfile } from '../../gateway-api/src/ledger/fabric/connection-profile';
import { createFabricLedger } from '../../gateway-api/src/ledger/fabric/fabric-ledger';
import { callOf, type Ledger, type LedgerIdentity } from '../../gateway-api/src/ledger/port';
import type { ContractName, TransactionName } from '../../chaincode/src/catalogue';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCaFromFiles, loadOrCreateEmbeddedCa } from '../../gateway-api/src/identity/ca-store';
import type { CertificateAuthority } from '../../gateway-api/src/identity/issuer';
import { Wallet } from '../../gateway-api/src/identity/wallet';
import { WalletKey } from '../../gateway-api/src/identity/wallet-key';
import type { LedgerKind } from './options';
import { limiter } from './pool';
import { gatewayConfig } from './settings';

export interface AdapterSession {
  ledger: Ledger;
  na: LedgerIdentity;
  ca: CertificateAuthority;
  mspId: string;
  household(id: string): Promise<LedgerIdentity>;
  submit<C extends ContractName>(who: LedgerIdentity, contract: C, transaction: TransactionName<C>, ...args: string[]): Promise<string>;
  close(): Promise<void>;
}

/** Opens the adapter on a gateway's DATA_DIR (the gateway must have started there once, for the NA's identity). */
export async function openAdapter(
  kind: LedgerKind,
  dataDir: string,
  fabricConnection: string | undefined,
  retries: number,
  inFlightCap = 0,
): Promise<AdapterSession> {
  const config = gatewayConfig(kind, dataDir, fabricConnection, retries);
  // The key the gateway encrypted the wallet with there (its settings, or DATA_DIR/wallet.key).
  const walletKey = await WalletKey.resolve(config.wallet, config.dataDir, { create: false });
  const wallet = await Wallet.open(config.dataDir, walletKey);
  const na = await wallet.get('na', 'admin');
  if (!na) throw new Error(`no NA identity in ${config.dataDir}/wallet: start the gateway there first`);
  let ledger: Ledger;
  let ca: CertificateAuthority;
  if (kind === 'embedded') {
    ca = await loadOrCreateEmbeddedCa(config.dataDir, walletKey);
    ledger = await createEmbeddedLedger({ dataDir: config.dataDir, trustedCas: [ca.certificate] });
  } else {
    const profile = await readConnectionProfile(config.fabricConnection);
    // The bench is an operator's tool on the network's host: it issues its throwaway
    // identities with the org CA's key from the network's run directory (the gateway
    // never reads that key; it enrols at the Fabric CA).
    ca = await operatorCa(config.fabricConnection, profile.mspId);
    ledger = await createFabricLedger(profile, config.fabric, async () => na);
  }
  const bounded = limiter(inFlightCap);
  return {
    ledger,
    na,
    ca,
    mspId: na.mspId,
    async household(id) {
      const identity = await wallet.get('participants', id);
      if (!identity) throw new Error(`household ${id} has no identity in the wallet`);
      return identity;
    },
    // The cap is an experiment (--in-flight-cap): what bounding the adapter's concurrent calls would change.
    submit: (who, contract, transaction, ...args) => bounded(() => ledger.submit(who, callOf(contract, transaction, args))),
    close: () => ledger.close(),
  };
}

/** The org CA's certificate and key as the network wrote them (connection.json orgs/<msp>/ca). */
async function operatorCa(connectionFile: string, mspId: string): Promise<CertificateAuthority> {
  const conn = JSON.parse(readFileSync(connectionFile, 'utf8')) as { orgs: Record<string, { ca?: { certPath: string; keyPath?: string } }> };
  const ca = conn.orgs[mspId]?.ca;
  if (!ca?.keyPath) throw new Error(`${connectionFile}: orgs/${mspId}/ca/keyPath is missing (the bench issues its identities with the org CA key)`);
  const abs = (p: string) => path.resolve(path.dirname(connectionFile), p);
  return loadCaFromFiles(abs(ca.certPath), abs(ca.keyPath));
}
