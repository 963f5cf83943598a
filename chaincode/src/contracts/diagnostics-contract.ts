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
import { callerKey, isNa, txTime } from '../ledger/tx';

/** The certificate attribute of benchmark identities: only they (and the NA) may write probe keys. */
export const BENCH_ROLE = { name: 'ecch.role', value: 'bench' } as const;

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
    if (!isNa(ctx) && ctx.clientIdentity.getAttributeValue(BENCH_ROLE.name) !== BENCH_ROLE.value) {
      throw new LedgerError('FORBIDDEN', `diagnostics:Touch writes state: only identities with ${BENCH_ROLE.name}=${BENCH_ROLE.value} may call it`);
    }
    const at = txTime(ctx);
    await ctx.stub.putState(ctx.stub.createCompositeKey(PROBE_KEY, [callerKey(ctx)]), Buffer.from(canonicalJson({ at })));
    return canonicalJson({ at, txId: ctx.stub.getTxID() });
  }
}
