/** Audit: the full history of a record's key, for the NA. */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { EcchContract } from './ecch-contract';
import { LedgerError } from '../domain/errors';
import { KEY } from '../ledger/keys';
import { canonicalJson } from '../ledger/json';
import { drain } from '../ledger/state';
import { isoTime, requireNa } from '../ledger/tx';
import { id } from '../ledger/validate';

const KINDS: Record<string, { type: (typeof KEY)[keyof typeof KEY]; parts: number }> = {
  participant: { type: KEY.participant, parts: 1 },
  market: { type: KEY.market, parts: 1 },
  order: { type: KEY.order, parts: 2 },
  result: { type: KEY.result, parts: 1 },
};

@Info({ title: 'Audit', description: 'Key history for audit' })
export class AuditContract extends EcchContract {
  constructor() {
    super('audit');
  }

  @Transaction(false)
  @Returns('string')
  public async History(ctx: Context, kind: string, id1: string, id2: string): Promise<string> {
    requireNa(ctx, 'read key history');
    const spec = KINDS[kind];
    if (!spec) throw new LedgerError('INVALID_ARGUMENT', `kind must be one of ${Object.keys(KINDS).join(', ')}`);
    // Two-part keys (orders) use id2; one-part keys take id2 = "".
    const ids = spec.parts === 2 ? [id1, id2] : [id1];
    if (spec.parts === 1 && id2 !== '') throw new LedgerError('INVALID_ARGUMENT', `${kind} history takes one id`);
    const key = ctx.stub.createCompositeKey(spec.type, ids.map((v, i) => id(v, `id${i + 1}`)));
    const out = await drain(await ctx.stub.getHistoryForKey(key), (m) => ({
      txId: m.txId,
      timestamp: isoTime(m.timestamp),
      isDelete: m.isDelete,
      value: m.isDelete || m.value.length === 0 ? null : (JSON.parse(Buffer.from(m.value).toString('utf8')) as unknown),
    }));
    return canonicalJson(out);
  }
}
