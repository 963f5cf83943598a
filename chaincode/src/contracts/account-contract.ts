/**
 * Accounts: an account's balance is its last statement plus the settlement
 * entries after it; the grid account holds one balancing entry per market. A
 * statement (accounts:Checkpoint) fixes an account's balance through a day, so no
 * read ever sums all of history.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import { GRID_ACCOUNT, Participant, SettlementEntry, Statement } from '../domain/model';
import { EcchContract } from './ecch-contract';
import { balanceOf, closedThrough, safeAdd, statementOf, uncoveredStart } from '../ledger/entries';
import { canonicalJson } from '../ledger/json';
import { entryAccountEnd, entryAccountPrefix, entryAfterDay, KEY } from '../ledger/keys';
import { parsePageSize, rangePage, read, readRequired, scanRange, write } from '../ledger/state';
import { callerParticipant, dayOf, isNa, requireNa, txTime } from '../ledger/tx';
import { id } from '../ledger/validate';

/** Accounts one checkpoint transaction may cover. */
export const MAX_CHECKPOINT_ACCOUNTS = 100;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

async function account(ctx: Context, accountId: string, pageSize: string, bookmark: string): Promise<string> {
  const size = parsePageSize(pageSize);
  const { balance, statement } = await balanceOf(ctx, accountId);
  const page = await rangePage<SettlementEntry>(ctx, entryAccountPrefix(accountId), entryAccountEnd(accountId), size, bookmark);
  return canonicalJson({
    participantId: accountId,
    balance,
    entries: page.items,
    bookmark: page.bookmark,
    statement: statement ? { through: statement.through, balance: statement.balance } : null,
  });
}

function parseDay(value: string): string {
  if (!DAY.test(value) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new LedgerError('INVALID_ARGUMENT', `through must be a calendar day like 2026-06-30, got "${value}"`);
  }
  return value;
}

function parseAccountIds(raw: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new LedgerError('INVALID_ARGUMENT', 'accountIds is not valid JSON');
  }
  if (!Array.isArray(value) || value.length === 0) throw new LedgerError('INVALID_ARGUMENT', 'accountIds must be a non-empty JSON array');
  if (value.length > MAX_CHECKPOINT_ACCOUNTS) throw new LedgerError('INPUT_TOO_LARGE', `at most ${MAX_CHECKPOINT_ACCOUNTS} accounts per checkpoint, got ${value.length}`);
  const ids = value.map((v, i) => id(v, `accountIds[${i}]`));
  if (new Set(ids).size !== ids.length) throw new LedgerError('INVALID_ARGUMENT', 'accountIds lists an account twice');
  return ids;
}

@Info({ title: 'Accounts', description: 'Balances, settlement entries and statements' })
export class AccountContract extends EcchContract {
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
    await readRequired<Participant>(ctx, KEY.participant, [pid], `participant ${pid}`);
    return account(ctx, pid, pageSize, bookmark);
  }

  @Transaction(false)
  @Returns('string')
  public async GetGrid(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    requireNa(ctx, 'read the grid account');
    return account(ctx, GRID_ACCOUNT, pageSize, bookmark);
  }

  /**
   * Statements through `through` (a day before today's) for the listed accounts:
   * each sums only the entries since its previous statement. From then on no entry
   * may be dated on or before `through` (a late clearing is refused PERIOD_CLOSED).
   */
  @Transaction()
  @Returns('string')
  public async Checkpoint(ctx: Context, through: string, accountIds: string): Promise<string> {
    requireNa(ctx, 'write statements');
    const day = parseDay(through);
    const now = txTime(ctx);
    if (day >= dayOf(now)) throw new LedgerError('INVALID_ARGUMENT', `through (${day}) must be a day before today (${dayOf(now)})`);
    const books = await closedThrough(ctx);
    if (day < books) throw new LedgerError('PERIOD_CLOSED', `statements already cover ${books}; through must not go back`);
    const statements: Statement[] = [];
    for (const accountId of parseAccountIds(accountIds)) {
      if (accountId !== GRID_ACCOUNT && !(await read(ctx, KEY.participant, [accountId]))) {
        throw new LedgerError('NOT_FOUND', `participant ${accountId} does not exist`);
      }
      const previous = await statementOf(ctx, accountId);
      if (previous && previous.through >= day) {
        statements.push(previous);
        continue;
      }
      // Bounded: the entries of the days since the previous statement.
      const entries = await scanRange<SettlementEntry>(ctx, uncoveredStart(accountId, previous), entryAfterDay(accountId, day));
      let balance = previous?.balance ?? 0;
      for (const e of entries) balance = safeAdd(balance, e.amount, accountId);
      const statement: Statement = { accountId, through: day, balance, entries: (previous?.entries ?? 0) + entries.length, at: now };
      await write(ctx, KEY.statement, [accountId], statement);
      statements.push(statement);
    }
    if (day > books) await write(ctx, KEY.books, [], { closedThrough: day });
    return canonicalJson({ through: day, statements });
  }
}
