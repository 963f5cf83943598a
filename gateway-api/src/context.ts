/**
 * Everything a request needs, opened once at start-up and closed at shutdown: the
 * ledger, the identities that sign for each caller, and the token stores.
 */
import type { GatewayConfig } from './config';
import { AdminToken } from './auth/admin-token';
import { TokenStore } from './auth/token-store';
import { Identities } from './identity/identities';
import { Wallet } from './identity/wallet';
import { ChaincodeClient } from './ledger/chaincode-client';
import { openLedger } from './ledger/open-ledger';
import type { Ledger } from './ledger/port';
import { promises as fs } from 'node:fs';

export interface GatewayContext {
  readonly config: GatewayConfig;
  readonly ledger: Ledger;
  readonly chaincode: ChaincodeClient;
  readonly identities: Identities;
  readonly tokens: TokenStore;
  readonly admin: AdminToken;
  /** The NA token in plain text, for startGateway's caller; never logged except once when generated. */
  readonly adminToken: string;
  close(): Promise<void>;
}

export async function openContext(config: GatewayConfig): Promise<GatewayContext> {
  await fs.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const { ledger, ca, mspId, naAttribute } = await openLedger(config);
  try {
    const identities = await Identities.open(await Wallet.open(config.dataDir), ca, mspId, naAttribute);
    const tokens = await TokenStore.open(config.dataDir);
    const { admin, token } = AdminToken.resolve(config.adminToken);
    return {
      config,
      ledger,
      chaincode: new ChaincodeClient(ledger),
      identities,
      tokens,
      admin,
      adminToken: token,
      close: () => ledger.close(),
    };
  } catch (err) {
    await ledger.close();
    throw err;
  }
}
