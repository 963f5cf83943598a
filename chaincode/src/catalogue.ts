/**
 * Every transaction the chaincode offers, named once: contract → transaction → its
 * arguments (strings on the wire, labelled) and what its JSON result parses to.
 *
 * Both sides are held to it. The contract classes must implement each entry with that
 * many string arguments (`Implements` below, checked at compile time in index.ts, and
 * test/chaincode/contracts/catalogue.test.ts checks the reverse: no transaction the
 * contracts publish is missing here). The gateway's ChaincodeClient and the ledger
 * port take names and arguments from it, so renaming a transaction, or giving it
 * another argument, fails the build where it is called.
 */
import type { Page } from './ledger/state';
import type { Market, MarketResult, Order, Participant, SettlementEntry } from './domain/model';
import type { Schedule } from './domain/schedule';
import type { Meter } from './domain/meter';
import type { ReadingConflict, ReadingOutcome, Reconciliation, StoredReading } from './ledger/meters';
import type { Auction, AuctionResult, AuctionView, Bid, BidView } from './domain/auction';

/** A transaction: its labelled string arguments, its result, and whether it writes (`submit`) or only reads (`evaluate`). */
interface Tx<Args extends string[], Result, Kind extends 'submit' | 'evaluate'> {
  args: Args;
  result: Result;
  kind: Kind;
}
type Write<Args extends string[], Result> = Tx<Args, Result, 'submit'>;
type Read<Args extends string[], Result> = Tx<Args, Result, 'evaluate'>;

type Paged = [pageSize: string, bookmark: string];

/** An account as accounts:Get and GetGrid answer it: the balance, the latest statement, a page of entries after it. */
export interface AccountView {
  participantId: string;
  balance: number;
  entries: SettlementEntry[];
  bookmark: string;
  statement: { through: string; balance: number } | null;
}

/** One account's statement as accounts:Checkpoint wrote it. */
export interface WrittenStatement {
  accountId: string;
  through: string;
  balance: number;
  entries: number;
  at: string;
}

/** A market and its result, as markets:Clear answers. */
export interface Cleared {
  market: Market;
  result: MarketResult;
}

/** The aggregated depth of one side of a market (never an owner). */
export interface BookSide {
  totalWh: number;
  orders: number;
  levels: { price: number; energyWh: number; orders: number }[];
}

export interface OrderBook {
  marketId: string;
  status: Market['status'];
  buy: BookSide;
  sell: BookSide;
}

/** A schedule with each interval's market (or auction, kind auction) and its status (`pending` before the clock created it). */
export type ScheduleView = Schedule & { intervals: { marketId?: string; auctionId?: string; deliveryStart: string; status: string }[] };

export interface KeyHistoryEntry {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  value: unknown;
}

export interface Catalogue {
  participants: {
    Register: Write<[input: string], Participant>;
    Enrol: Write<[participantId: string], Participant>;
    Apply: Write<[input: string], Participant>;
    SetStatus: Write<[participantId: string, action: string], Participant>;
    Get: Read<[participantId: string], Participant>;
    Whoami: Read<[], Participant>;
    List: Read<[status: string, ...Paged], Page<Participant>>;
  };
  markets: {
    Create: Write<[input: string], Market>;
    Open: Write<[marketId: string], Market>;
    GateClose: Write<[marketId: string], Market>;
    Clear: Write<[marketId: string], Cleared>;
    Cancel: Write<[marketId: string], Market>;
    Get: Read<[marketId: string], Market>;
    List: Read<[status: string, ...Paged], Page<Market>>;
    GetResult: Read<[marketId: string], MarketResult>;
    GetOrderBook: Read<[marketId: string], OrderBook>;
    Reconcile: Write<[marketId: string], { market: Market; reconciliation: Reconciliation }>;
    GetReconciliation: Read<[marketId: string], Reconciliation>;
  };
  orders: {
    Place: Write<[marketId: string, input: string], { order: Order; created: boolean }>;
    Amend: Write<[marketId: string, orderId: string, input: string], Order>;
    Cancel: Write<[marketId: string, orderId: string], Order>;
    Get: Read<[marketId: string, orderId: string], Order>;
    ListMine: Read<[marketId: string, ...Paged], Page<Order>>;
    ListByMarket: Read<[marketId: string, ...Paged], Page<Order>>;
  };
  accounts: {
    Get: Read<[participantId: string, ...Paged], AccountView>;
    GetGrid: Read<Paged, AccountView>;
    Checkpoint: Write<[through: string, accountIds: string], { through: string; statements: WrittenStatement[] }>;
  };
  audit: {
    History: Read<[kind: string, id1: string, id2: string], KeyHistoryEntry[]>;
  };
  diagnostics: {
    Ping: Write<[], { txId: string }>;
    Touch: Write<[], { at: string; txId: string }>;
  };
  schedules: {
    Create: Write<[input: string], Schedule>;
    Get: Read<[scheduleId: string], ScheduleView>;
    List: Read<Paged, Page<Schedule>>;
    Cancel: Write<[scheduleId: string], Schedule>;
    ReportFailure: Write<[scheduleId: string, input: string], Schedule>;
  };
  meters: {
    Register: Write<[input: string], { meter: Meter; created: boolean }>;
    Get: Read<[meterId: string], Meter>;
    List: Read<Paged, Page<Meter>>;
    GetForParticipant: Read<[participantId: string], Meter>;
  };
  readings: {
    Submit: Write<[input: string], ReadingOutcome>;
    SubmitBatch: Write<[items: string], { results: ReadingOutcome[] }>;
    ListConflicts: Read<[meterId: string, ...Paged], Page<ReadingConflict>>;
    Get: Read<[meterId: string, intervalStart: string], StoredReading>;
  };
  auctions: {
    Create: Write<[input: string], Auction>;
    Request: Write<[input: string], Auction>;
    Approve: Write<[auctionId: string], Auction>;
    Reject: Write<[auctionId: string], Auction>;
    Bid: Write<[auctionId: string, input: string], { bid: Bid; created: boolean }>;
    Close: Write<[auctionId: string], AuctionView>;
    Cancel: Write<[auctionId: string], AuctionView>;
    Disqualify: Write<[auctionId: string, participantId: string], AuctionView>;
    Get: Read<[auctionId: string], AuctionView>;
    List: Read<[status: string, ...Paged], Page<AuctionView>>;
    ListBids: Read<[auctionId: string], { items: BidView[] }>;
    GetResult: Read<[auctionId: string], Omit<AuctionResult, 'winner'> & { winner?: string | null }>;
  };
}

export type ContractName = keyof Catalogue;
/** The transactions of `C` (of every contract in it, for a union). */
export type TransactionName<C extends ContractName> = C extends ContractName ? keyof Catalogue[C] & string : never;
type Entry<C extends ContractName, T extends TransactionName<C>> = Catalogue[C][T] extends Tx<infer A, infer R, infer K> ? { args: A; result: R; kind: K } : never;
export type ArgsOf<C extends ContractName, T extends TransactionName<C>> = Extract<Entry<C, T>['args'], string[]>;
export type ResultOf<C extends ContractName, T extends TransactionName<C>> = Entry<C, T>['result'];
export type KindOf<C extends ContractName, T extends TransactionName<C>> = Entry<C, T>['kind'];

type Params<F> = F extends (...args: infer P) => unknown ? P : never;
type WithoutContext<P> = P extends [unknown, ...infer Rest] ? Rest : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * `true` when contract class `K` (an instance type) implements every transaction of
 * `C` with exactly its arguments after the context, `never` otherwise: assigning
 * `true` to it fails the build, naming the contract.
 */
export type Implements<K, C extends ContractName> =
  false extends {
    [T in TransactionName<C>]: T extends keyof K ? Same<WithoutContext<Params<K[T]>>, ArgsOf<C, T>> : false;
  }[TransactionName<C>]
    ? never
    : true;

/**
 * The catalogue's names at run time, each with its kind; exhaustive by type (a missing
 * or extra name, or a wrong kind, fails the build). The gateway uses it to tell a write
 * from a read; the catalogue test compares it with what the contracts publish.
 */
export const TRANSACTION_KINDS: { [C in ContractName]: { [T in TransactionName<C>]: KindOf<C, T> } } = {
  participants: { Register: 'submit', Enrol: 'submit', Apply: 'submit', SetStatus: 'submit', Get: 'evaluate', Whoami: 'evaluate', List: 'evaluate' },
  markets: {
    Create: 'submit',
    Open: 'submit',
    GateClose: 'submit',
    Clear: 'submit',
    Cancel: 'submit',
    Get: 'evaluate',
    List: 'evaluate',
    GetResult: 'evaluate',
    GetOrderBook: 'evaluate',
    Reconcile: 'submit',
    GetReconciliation: 'evaluate',
  },
  orders: { Place: 'submit', Amend: 'submit', Cancel: 'submit', Get: 'evaluate', ListMine: 'evaluate', ListByMarket: 'evaluate' },
  accounts: { Get: 'evaluate', GetGrid: 'evaluate', Checkpoint: 'submit' },
  audit: { History: 'evaluate' },
  diagnostics: { Ping: 'submit', Touch: 'submit' },
  schedules: { Create: 'submit', Get: 'evaluate', List: 'evaluate', Cancel: 'submit', ReportFailure: 'submit' },
  meters: { Register: 'submit', Get: 'evaluate', List: 'evaluate', GetForParticipant: 'evaluate' },
  readings: { Submit: 'submit', SubmitBatch: 'submit', ListConflicts: 'evaluate', Get: 'evaluate' },
  auctions: {
    Create: 'submit',
    Request: 'submit',
    Approve: 'submit',
    Reject: 'submit',
    Bid: 'submit',
    Close: 'submit',
    Cancel: 'submit',
    Disqualify: 'submit',
    Get: 'evaluate',
    List: 'evaluate',
    ListBids: 'evaluate',
    GetResult: 'evaluate',
  },
};

/** The contract names as values. */
export const CONTRACT_NAMES = Object.keys(TRANSACTION_KINDS) as ContractName[];
