/**
 * The base of every ECCH contract: input limits checked before any transaction
 * runs, so no argument of unbounded size reaches a contract or the ledger; on a peer,
 * the transaction's writes go out as one batch once it has succeeded (write-batch.ts).
 */
import { Context, Contract } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import { beginWriteBatch, flushWriteBatch } from '../ledger/write-batch';

/** Largest single argument (a participant, market or order is well under 2 KiB). */
export const MAX_ARGUMENT_BYTES = 16 * 1024;
/** Largest sum of all arguments of one transaction. */
export const MAX_TOTAL_ARGUMENT_BYTES = 32 * 1024;
/** No transaction takes more arguments than this. */
export const MAX_ARGUMENTS = 8;

export class EcchContract extends Contract {
  public override async beforeTransaction(ctx: Context): Promise<void> {
    this.checkArguments(ctx);
    beginWriteBatch(ctx.stub);
  }

  public override async afterTransaction(ctx: Context, _result: unknown): Promise<void> {
    await flushWriteBatch(ctx.stub);
  }

  /** The input limits; a contract with a larger argument of its own narrows them here. */
  protected checkArguments(ctx: Context): void {
    const params = ctx.stub.getFunctionAndParameters().params;
    if (params.length > MAX_ARGUMENTS) throw new LedgerError('INPUT_TOO_LARGE', `at most ${MAX_ARGUMENTS} arguments, got ${params.length}`);
    let total = 0;
    params.forEach((arg, i) => {
      const bytes = Buffer.byteLength(arg, 'utf8');
      if (bytes > MAX_ARGUMENT_BYTES) throw new LedgerError('INPUT_TOO_LARGE', `argument ${i + 1} is ${bytes} bytes; the limit is ${MAX_ARGUMENT_BYTES}`);
      total += bytes;
    });
    if (total > MAX_TOTAL_ARGUMENT_BYTES) throw new LedgerError('INPUT_TOO_LARGE', `arguments total ${total} bytes; the limit is ${MAX_TOTAL_ARGUMENT_BYTES}`);
  }
}
