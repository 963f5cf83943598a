/**
 * Everything a request needs, opened once at start-up and closed at shutdown: the
 * ledger, the identities that sign for each caller, and the token stores.
 */
import type { GatewayConfig } from './config';
import { AdminToken } from './auth/admin-token';
import { TokenStore } from './auth/token-store';
import { Identities } from './identity/identities';
import { Wallet } from './identity/wallet';
import { WalletKey } from './identity/wallet-key';
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
  /** Said once at start-up, logged by createApp (e.g. a wallet key created in DATA_DIR). */
  readonly warnings: readonly string[];
  close(): Promise<void>;
}

export async function openContext(config: GatewayConfig): Promise<GatewayContext> {
  await fs.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const warnings: string[] = [];
  // An encrypted wallet whose key file is gone must not get a fresh key it cannot be opened with.
  const walletKey = await WalletKey.resolve(config.wallet, config.dataDir, {
    create: !(await Wallet.isEncrypted(config.dataDir)),
    onCreated: (file) =>
      warnings.push(
        `neither GATEWAY_WALLET_KEY nor GATEWAY_WALLET_KEY_FILE is set: created ${file}; the private keys in DATA_DIR are protected only by ` +
          'file permissions (the key lies next to them). Set one of them (required under NODE_ENV=production)',
      ),
  });
  // Opened first: a wrong key stops start-up here, before the ledger is touched.
  const wallet = await Wallet.open(config.dataDir, walletKey);
  const { ledger, authority, mspId, enrolNa, naEnrollmentId } = await openLedger(config, wallet);
  try {
    const identities = await Identities.open(wallet, authority, mspId, enrolNa, naEnrollmentId);
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
      warnings,
      close: () => ledger.close(),
    };
  } catch (err) {
    await ledger.close();
    throw err;
  }
}
