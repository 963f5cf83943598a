/**
 * Diagnostics: transactions that measure the network rather than the market.
 * `Touch` is the minimal blind write (one small key per caller, no reads), the
 * baseline the order benchmark is compared with, for benchmark identities only;
 * `Ping` writes nothing.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import { EcchContract } from './ecch-contract';
import { canonicalJson } from '../ledger/json';
import { callerKey, hasRole, isNa, txTime } from '../ledger/tx';



export const PROBE_KEY = 'ecch.probe';

@Info({ title: 'Diagnostics', description: 'Network baseline transactions for benchmarks and health checks' })
export class DiagnosticsContract extends EcchContract {
  constructor() {
    super('diagnostics');
  }

  /** Endorsed and committed like any transaction, but reads and writes nothing. */
  @Transaction()
  @Returns('string')
  public async Ping(ctx: Context): Promise<string> {
    return canonicalJson({ txId: ctx.stub.getTxID() });
  }

  /** One blind write to the caller's own probe key (so concurrent callers never conflict). */
  @Transaction()
  @Returns('string')
  public async Touch(ctx: Context): Promise<string> {
    if (!isNa(ctx) && !hasRole(ctx, 'bench')) {
      throw new LedgerError('FORBIDDEN', 'diagnostics:Touch writes state: only benchmark identities (ecch.role=bench) and the NA may call it');
    }
    const at = txTime(ctx);
    await ctx.stub.putState(ctx.stub.createCompositeKey(PROBE_KEY, [callerKey(ctx)]), Buffer.from(canonicalJson({ at })));
    return canonicalJson({ at, txId: ctx.stub.getTxID() });
  }
}
