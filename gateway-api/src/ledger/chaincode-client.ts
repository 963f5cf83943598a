/**
 * A thin typed layer over the ledger port: names the contract and transaction from the
 * chaincode's catalogue (so a renamed transaction, or one called with the wrong
 * arguments, fails the build), parses the JSON result into the catalogue's type.
 * Business meaning stays in the services; failure meaning stays in the port's errors.
 */
import type { ArgsOf, ContractName, ResultOf, TransactionName } from '@ecch/chaincode';
import { callOf, type Ledger, type LedgerIdentity } from './port';

export class ChaincodeClient {
  constructor(private readonly ledger: Ledger) {}

  /** Endorse, order, commit; resolves once committed. */
  async submit<C extends ContractName, T extends TransactionName<C>>(who: LedgerIdentity, contract: C, transaction: T, ...args: ArgsOf<C, T>): Promise<ResultOf<C, T>> {
    const json = await this.ledger.submit(who, callOf(contract, transaction, args));
    return parse<ResultOf<C, T>>(json, contract, transaction);
  }

  /** Read-only query. */
  async evaluate<C extends ContractName, T extends TransactionName<C>>(who: LedgerIdentity, contract: C, transaction: T, ...args: ArgsOf<C, T>): Promise<ResultOf<C, T>> {
    const json = await this.ledger.evaluate(who, callOf(contract, transaction, args));
    return parse<ResultOf<C, T>>(json, contract, transaction);
  }
}

function parse<T>(json: string, contract: string, transaction: string): T {
  try {
    return JSON.parse(json) as T;
  } catch (err) {
    throw new Error(`${contract}:${transaction} returned a result that is not JSON`, { cause: err });
  }
}
