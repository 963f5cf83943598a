/**
 * The market clock (mechanisms.md §6): reads the active schedules from the ledger,
 * works out every due step of every interval's market from the schedule and the
 * market's status on the ledger, and performs it as the NA through the ordinary
 * markets transactions, in delivery order.
 *
 * The clock keeps no state of its own that matters: what is due follows from the
 * ledger alone, so a restarted gateway resumes where the ledger stands, and a step
 * already past is done at once. Every step is idempotent by construction: a Create
 * refused ALREADY_EXISTS, or an Open, GateClose or Clear refused INVALID_STATE (or
 * invalidated by a read conflict) because another clock got there first, counts as
 * done once the market, read again, is past that step. So two gateways on one
 * ledger never make a twin market nor commit a step twice.
 *
 * A step that fails otherwise (the ledger unavailable, a refusal) is retried with
 * exponential backoff and reported each time with a structured log line
 * (`clock step failed`); a refusal is also recorded on the ledger
 * (schedules:ReportFailure → the ledger event `schedule.step-failed`, which every
 * gateway's GET /v1/events carries) on its first attempt and whenever its code changes.
 */
import { intervalsOf, marketInputOf, nextStep, type ArgsOf, type Interval, type Market, type ResultOf, type Schedule, type Step, type TransactionName } from '@ecch/chaincode';
import { auctionIntervalsOf, type AuctionInterval, type AuctionStep } from '@ecch/chaincode';
import { LedgerRefusal, TransactionInvalid } from '../ledger/port';
import { advanceAuction, type AuctionStepHost } from './auction-steps';

/** The NA's calls the clock makes (gateway: ChaincodeClient with the NA identity). */
export interface ClockLedger {
  submit<C extends ClockContract, T extends TransactionName<C>>(contract: C, transaction: T, ...args: ArgsOf<C, T>): Promise<ResultOf<C, T>>;
  evaluate<C extends ClockContract, T extends TransactionName<C>>(contract: C, transaction: T, ...args: ArgsOf<C, T>): Promise<ResultOf<C, T>>;
}

type ClockContract = 'markets' | 'schedules' | 'auctions';

/** The structured logger (pino's signature, as Fastify's). */
export interface ClockLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ClockOptions {
  ledger: ClockLedger;
  log: ClockLog;
  /** The time source (ms since the epoch); tests inject their own. */
  now?: () => number;
  /** Waits `ms` or until `signal` aborts; tests inject their own. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** How often the clock looks for due steps (default 5 s, well within the spec's 30 s). */
  tickMs?: number;
  /** Retry delay after the n-th failure of a step: min(maxMs, baseMs · 2^(n-1)). */
  backoff?: { baseMs: number; maxMs: number };
}

/** A step the clock performed (a committed transaction), or found done by another clock. */
export interface StepDone {
  scheduleId: string;
  /** The market's id (or the auction's, for a schedule of auctions). */
  marketId: string;
  step: Step | AuctionStep;
  /** false: another clock (or the NA) had done it; this clock committed nothing. */
  committed: boolean;
}

interface Failure {
  attempt: number;
  nextAt: number;
  code: string;
}

const TRANSACTIONS = { create: 'Create', open: 'Open', 'gate-close': 'GateClose', clear: 'Clear', reconcile: 'Reconcile' } as const satisfies Record<Step, TransactionName<'markets'>>;
const TRANSACTION_COUNT = Object.keys(TRANSACTIONS).length;
const PAGE = '1000';

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

function codeOf(err: unknown): string {
  if (err instanceof LedgerRefusal) return err.code;
  if (err instanceof TransactionInvalid) return err.status;
  if (err instanceof Error) return err.name === 'LedgerUnavailable' ? 'LEDGER_UNAVAILABLE' : err.name;
  return 'UNKNOWN';
}

/** A refusal that may only mean "already done": re-read the market before calling it a failure. */
function maybeDone(step: Step, err: unknown): boolean {
  if (err instanceof TransactionInvalid) return true;
  if (!(err instanceof LedgerRefusal)) return false;
  return step === 'create' ? err.code === 'ALREADY_EXISTS' : err.code === 'INVALID_STATE';
}

export class MarketClock {
  private readonly ledger: ClockLedger;
  private readonly log: ClockLog;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly tickMs: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  /** Markets past every step (settled, cancelled, ...): never read again. */
  private readonly finished = new Set<string>();
  /** The last status read of each market ('' = absent), to skip reads while nothing is due. */
  private readonly known = new Map<string, string>();
  private readonly failures = new Map<string, Failure>();
  private running: Promise<void> | undefined;
  private ticking: Promise<StepDone[]> | undefined;
  private readonly stopping = new AbortController();

  constructor(options: ClockOptions) {
    this.ledger = options.ledger;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.tickMs = options.tickMs ?? 5000;
    this.backoff = options.backoff ?? { baseMs: 1000, maxMs: 60_000 };
  }

  /** Runs ticks every tickMs until stop(); the first at once (catch-up after downtime). */
  start(): void {
    if (this.running) return;
    this.running = (async () => {
      while (!this.stopping.signal.aborted) {
        try {
          await this.tick();
        } catch (err) {
          this.log.warn({ err, code: codeOf(err) }, 'clock could not read the schedules; trying again next tick');
        }
        await this.sleep(this.tickMs, this.stopping.signal);
      }
    })();
  }

  /** Stops after the step in progress (a step is one transaction, never left half-done). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    await this.ticking?.catch(() => undefined);
  }

  /** One pass: every step due now, in delivery order. Ticks never overlap. */
  async tick(): Promise<StepDone[]> {
    while (this.ticking) await this.ticking.catch(() => undefined);
    this.ticking = this.pass();
    try {
      return await this.ticking;
    } finally {
      this.ticking = undefined;
    }
  }

  private async activeSchedules(): Promise<Schedule[]> {
    const out: Schedule[] = [];
    let bookmark = '';
    for (;;) {
      const page = await this.ledger.evaluate('schedules', 'List', PAGE, bookmark);
      out.push(...page.items.filter((s) => s.status === 'active'));
      if (page.bookmark === '' || page.bookmark === bookmark || page.items.length === 0) return out;
      bookmark = page.bookmark;
    }
  }

  private async pass(): Promise<StepDone[]> {
    const now = this.now();
    const due: { schedule: Schedule; interval: Interval }[] = [];
    const auctions: { schedule: Schedule; interval: AuctionInterval }[] = [];
    for (const schedule of await this.activeSchedules()) {
      if (schedule.kind === 'auction') {
        for (const interval of auctionIntervalsOf(schedule)) {
          if (Date.parse(interval.due.create) > now) break;
          if (!this.finished.has(interval.auctionId)) auctions.push({ schedule, interval });
        }
        continue;
      }
      for (const interval of intervalsOf(schedule)) {
        if (Date.parse(interval.due.create) > now) break; // intervals are in delivery order
        if (!this.finished.has(interval.marketId)) due.push({ schedule, interval });
      }
    }
    // Schedules never overlap, so delivery starts are distinct across them.
    due.sort((a, b) => Date.parse(a.interval.deliveryStart) - Date.parse(b.interval.deliveryStart));
    const done: StepDone[] = [];
    for (const { schedule, interval } of due) {
      if (this.stopping.signal.aborted) break;
      await this.advance(schedule, interval, now, done);
    }
    // Auction schedules (RS3) after the markets, in delivery order too.
    auctions.sort((a, b) => Date.parse(a.interval.deliveryStart) - Date.parse(b.interval.deliveryStart));
    for (const { schedule, interval } of auctions) {
      if (this.stopping.signal.aborted) break;
      await advanceAuction(this.auctionHost, schedule, interval, now, done);
    }
    return done;
  }

  /** The auction steps' view of this clock: the NA's auctions calls and the same caches and reports. */
  private get auctionHost(): AuctionStepHost {
    return {
      submit: (transaction, ...args) => this.ledger.submit('auctions', transaction, ...args),
      evaluate: (transaction, ...args) => this.ledger.evaluate('auctions', transaction, ...args),
      finished: this.finished,
      known: this.known,
      failures: this.failures,
      failed: (schedule, id, step, err, now) => this.failed(schedule, id, step, err, now),
      info: (obj, msg) => this.log.info(obj, msg),
    };
  }

  private async readMarket(marketId: string): Promise<Market | undefined> {
    try {
      return await this.ledger.evaluate('markets', 'Get', marketId);
    } catch (err) {
      if (err instanceof LedgerRefusal && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** Every step of one market that is due, one after the other (a past one at once). */
  private async advance(schedule: Schedule, interval: Interval, now: number, done: StepDone[]): Promise<void> {
    const { marketId } = interval;
    const failure = this.failures.get(marketId);
    if (failure && failure.nextAt > now) return;
    const known = this.known.get(marketId);
    if (known !== undefined && !failure) {
      const step = nextStep(known === '' ? undefined : known);
      if (step && Date.parse(interval.due[step]) > now) return;
    }
    for (let guard = 0; guard < 2 * TRANSACTION_COUNT; guard++) {
      let step: Step | undefined;
      try {
        const market = await this.readMarket(marketId);
        const status = market?.status ?? '';
        step = nextStep(market?.status);
        if (!step) {
          this.finished.add(marketId);
          this.known.delete(marketId);
          this.failures.delete(marketId);
          return;
        }
        this.known.set(marketId, status);
        if (Date.parse(interval.due[step]) > now) return;
        const args: [string] = step === 'create' ? [JSON.stringify(marketInputOf(schedule, interval))] : [marketId];
        try {
          await this.ledger.submit('markets', TRANSACTIONS[step], ...args);
          done.push({ scheduleId: schedule.id, marketId, step, committed: true });
          this.log.info({ scheduleId: schedule.id, marketId, step, due: interval.due[step] }, 'clock step done');
        } catch (err) {
          if (!maybeDone(step, err)) throw err;
          // Another clock (or the NA) may have done it: read again; the same status twice is a real refusal.
          const again = await this.readMarket(marketId);
          if ((again?.status ?? '') === status) throw err;
          done.push({ scheduleId: schedule.id, marketId, step, committed: false });
          continue;
        }
        this.failures.delete(marketId);
      } catch (err) {
        await this.failed(schedule, marketId, step ?? 'create', err, now);
        return;
      }
    }
  }

  private async failed(schedule: Schedule, marketId: string, step: Step | AuctionStep, err: unknown, now: number): Promise<void> {
    const previous = this.failures.get(marketId);
    const code = codeOf(err);
    const attempt = (previous?.attempt ?? 0) + 1;
    const retryInMs = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** Math.min(attempt - 1, 20));
    this.failures.set(marketId, { attempt, nextAt: now + retryInMs, code });
    this.known.delete(marketId);
    const detail = err instanceof LedgerRefusal ? err.detail : err instanceof Error ? err.message : String(err);
    this.log.warn({ scheduleId: schedule.id, marketId, step, attempt, code, detail, retryInMs }, 'clock step failed');
    // The ledger answered: record the refusal there too (first attempt, or a new code), so every gateway sees it.
    if (err instanceof LedgerRefusal && (previous === undefined || previous.code !== code)) {
      try {
        await this.ledger.submit('schedules', 'ReportFailure', schedule.id, JSON.stringify({ marketId, step, code, detail: detail.slice(0, 1000) || code, attempt }));
      } catch (reportErr) {
        this.log.warn({ scheduleId: schedule.id, marketId, step, err: reportErr }, 'clock could not record a failed step on the ledger');
      }
    }
  }
}
