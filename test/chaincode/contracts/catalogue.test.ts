/**
 * The transaction catalogue (chaincode/src/catalogue.ts) against what the contracts
 * publish at run time (fabric-contract-api's metadata, what a peer's dispatcher routes
 * by): the same names per contract, and `@Transaction(false)` exactly for the reads.
 * Type checks cover the other direction (every catalogue entry is implemented with its
 * arguments); this covers a transaction added to a contract but not to the catalogue.
 */
import '@ecch/gateway-api/ledger/embedded/shim-logging';
import 'reflect-metadata';
import { contracts, TRANSACTION_KINDS, type ContractName } from '@ecch/chaincode';

interface TxMetadata {
  name: string;
  tag: string[];
}

function published(contractClass: unknown): { name: string; transactions: Record<string, 'submit' | 'evaluate'> } {
  const Ctor = contractClass as new () => { getName(): string };
  const instance = new Ctor();
  const meta = (Reflect.getMetadata('fabric:transactions', (Ctor as unknown as { prototype: object }).prototype) ?? []) as TxMetadata[];
  const transactions: Record<string, 'submit' | 'evaluate'> = {};
  for (const tx of meta) transactions[tx.name] = tx.tag.includes('SUBMIT') || tx.tag.includes('submitTx') ? 'submit' : 'evaluate';
  return { name: instance.getName(), transactions };
}

describe('the transaction catalogue', () => {
  it('when the contracts are loaded, then each publishes exactly the catalogue\'s transactions, with its kinds', () => {
    const seen = contracts.map(published);
    expect(seen.map((c) => c.name).sort()).toEqual(Object.keys(TRANSACTION_KINDS).sort());
    for (const c of seen) {
      expect({ contract: c.name, transactions: c.transactions }).toEqual({ contract: c.name, transactions: TRANSACTION_KINDS[c.name as ContractName] });
    }
  });
});
