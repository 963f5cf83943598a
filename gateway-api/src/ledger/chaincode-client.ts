/**
 * A thin typed layer over the ledger port: names the contract and transaction,
 * stringifies arguments, parses the JSON result. Business meaning stays in the
 * services; failure meaning stays in the port's error types.
 */
import type { Ledger, LedgerIdentity, TransactionCall } from './port';

type Contract = TransactionCall['contract'];

export class ChaincodeClient {
  constructor(private readonly ledger: Ledger) {}

  /** Endorse, order, commit; resolves once committed. */
  async submit<T>(who: LedgerIdentity, contract: Contract, transaction: string, ...args: string[]): Promise<T> {
    return parse<T>(await this.ledger.submit(who, { contract, transaction, args }), contract, transaction);
  }

  /** Read-only query. */
  async evaluate<T>(who: LedgerIdentity, contract: Contract, transaction: string, ...args: string[]): Promise<T> {
    return parse<T>(await this.ledger.evaluate(who, { contract, transaction, args }), contract, transaction);
  }
}

function parse<T>(json: string, contract: string, transaction: string): T {
  try {
    return JSON.parse(json) as T;
  } catch (err) {
    throw new Error(`${contract}:${transaction} returned a result that is not JSON`, { cause: err });
  }
}
