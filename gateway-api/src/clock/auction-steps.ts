/**
 * The clock's steps for a schedule of auctions (RS3, mechanisms.md §6): create each
 * interval's auction a day before it opens, close it at its end. Idempotent exactly
 * like the market steps: a Create refused ALREADY_EXISTS, or a Close refused
 * INVALID_STATE (or invalidated by a read conflict), counts as done once the auction,
 * read again, is past that step. The clock acts only on auctions its schedules named.
 */
import { auctionInputOf, nextAuctionStep, type ArgsOf, type AuctionInterval, type AuctionStep, type AuctionView, type ResultOf, type Schedule, type TransactionName } from '@ecch/chaincode';
import { LedgerRefusal, TransactionInvalid } from '../ledger/port';

/** What the auction steps need of the clock: its NA calls, its caches, and its failure report. */
export interface AuctionStepHost {
  submit<T extends TransactionName<'auctions'>>(transaction: T, ...args: ArgsOf<'auctions', T>): Promise<ResultOf<'auctions', T>>;
  evaluate<T extends TransactionName<'auctions'>>(transaction: T, ...args: ArgsOf<'auctions', T>): Promise<ResultOf<'auctions', T>>;
  finished: Set<string>;
  known: Map<string, string>;
  failures: Map<string, { nextAt: number }>;
  failed(schedule: Schedule, id: string, step: AuctionStep, err: unknown, now: number): Promise<void>;
  info(obj: object, msg: string): void;
}

export interface AuctionStepDone {
  scheduleId: string;
  marketId: string;
  step: AuctionStep;
  committed: boolean;
}

async function readAuction(host: AuctionStepHost, id: string): Promise<AuctionView | undefined> {
  try {
    return await host.evaluate('Get', id);
  } catch (err) {
    if (err instanceof LedgerRefusal && err.code === 'NOT_FOUND') return undefined;
    throw err;
  }
}

function maybeDone(step: AuctionStep, err: unknown): boolean {
  if (err instanceof TransactionInvalid) return true;
  if (!(err instanceof LedgerRefusal)) return false;
  return step === 'create' ? err.code === 'ALREADY_EXISTS' : err.code === 'INVALID_STATE';
}

/** Every due step of one interval's auction, one after the other (a past one at once). */
export async function advanceAuction(host: AuctionStepHost, schedule: Schedule, interval: AuctionInterval, now: number, done: { push(step: AuctionStepDone): unknown }): Promise<void> {
  const id = interval.auctionId;
  const failure = host.failures.get(id);
  if (failure && failure.nextAt > now) return;
  const known = host.known.get(id);
  if (known !== undefined && !failure) {
    const step = nextAuctionStep(known === '' ? undefined : known);
    if (step && Date.parse(interval.due[step]) > now) return;
  }
  for (let guard = 0; guard < 4; guard++) {
    let step: AuctionStep | undefined;
    try {
      const auction = await readAuction(host, id);
      const status = auction?.status ?? '';
      step = nextAuctionStep(auction?.status);
      // An auction of that id the NA made by hand is the NA's to close, not the clock's.
      if (!step || (auction !== undefined && auction.scheduleId !== schedule.id)) {
        host.finished.add(id);
        host.known.delete(id);
        host.failures.delete(id);
        return;
      }
      host.known.set(id, status);
      if (Date.parse(interval.due[step]) > now) return;
      try {
        if (step === 'create') await host.submit('Create', JSON.stringify(auctionInputOf(schedule, interval)));
        else await host.submit('Close', id);
        done.push({ scheduleId: schedule.id, marketId: id, step, committed: true });
        host.info({ scheduleId: schedule.id, auctionId: id, step, due: interval.due[step] }, 'clock step done');
      } catch (err) {
        if (!maybeDone(step, err)) throw err;
        const again = await readAuction(host, id);
        if ((again?.status ?? '') === status) throw err;
        done.push({ scheduleId: schedule.id, marketId: id, step, committed: false });
        continue;
      }
      host.failures.delete(id);
    } catch (err) {
      await host.failed(schedule, id, step ?? 'create', err, now);
      return;
    }
  }
}
