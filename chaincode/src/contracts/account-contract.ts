/**
 * Accounts: a participant's balance is the sum of its settlement entries (one per
 * settled order); the grid account holds one balancing entry per market.
 */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import { GRID_ACCOUNT, SettlementEntry } from '../domain/model';
import { canonicalJson } from '../ledger/json';
import { KEY } from '../ledger/keys';
import { parsePageSize, scanAll, scanPage } from '../ledger/state';
import { callerParticipant, isNa, requireNa } from '../ledger/tx';
import { id } from '../ledger/validate';

async function account(ctx: Context, participantId: string, pageSize: string, bookmark: string): Promise<string> {
  const size = parsePageSize(pageSize);
  // The balance covers every entry, not just the page: a household has one per market it traded in.
  let balance = 0;
  for (const e of await scanAll<SettlementEntry>(ctx, KEY.entry, [participantId])) balance += e.amount;
  if (!Number.isSafeInteger(balance)) throw new LedgerError('ARITHMETIC_OVERFLOW', `balance of ${participantId} exceeds the safe integer range`);
  const page = await scanPage<SettlementEntry>(ctx, KEY.entry, [participantId], size, bookmark);
  return canonicalJson({ participantId, balance, entries: page.items, bookmark: page.bookmark });
}

@Info({ title: 'Accounts', description: 'Balances and settlement entries' })
export class AccountContract extends Contract {
  constructor() {
    super('accounts');
  }

  @Transaction(false)
  @Returns('string')
  public async Get(ctx: Context, participantId: string, pageSize: string, bookmark: string): Promise<string> {
    const pid = id(participantId, 'participantId');
    if (!isNa(ctx)) {
      const caller = await callerParticipant(ctx);
      if (!caller || caller.id !== pid) throw new LedgerError('FORBIDDEN', 'a household may read only its own account');
    }
    return account(ctx, pid, pageSize, bookmark);
  }

  @Transaction(false)
  @Returns('string')
  public async GetGrid(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    requireNa(ctx, 'read the grid account');
    return account(ctx, GRID_ACCOUNT, pageSize, bookmark);
  }
}
