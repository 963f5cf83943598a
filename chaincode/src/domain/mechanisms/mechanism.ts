/**
 * What every call-market mechanism shares (mechanisms.md §1). A mechanism reads the
 * closed book and decides, per order, whether it is accepted, how much of its energy
 * trades inside the community and the money for that energy. Everything after that
 * (the rest traded with the grid, the amounts, the grid's balancing entry, the
 * published totals) is the same for every mechanism and lives in ../settlement.ts.
 */
import { Side } from '../model';
import { Tariffs } from '../sdr';

export type { Tariffs };

export interface ClearingOrder {
  orderId: string;
  participantId: string;
  side: Side;
  energyWh: number;
  /** The effective limit λ (µ/kWh): the order's own, or S for a sell / B for a buy. */
  limitPrice: number;
}

/** An order as the rules see it: its integers as BigInt. */
export interface BookOrder extends ClearingOrder {
  energy: bigint;
  limit: bigint;
}

/** One order's outcome inside the community. */
export interface OrderOutcome {
  accepted: boolean;
  /** Wh traded inside the community (0 ≤ internalWh ≤ energy). */
  internalWh: bigint;
  /** µ for that energy (≥ 0): what a seller receives for it, what a buyer pays for it. */
  internalAmount: bigint;
}

export interface MechanismOutcome {
  /** One per book order, at the same index. */
  orders: OrderOutcome[];
  /** The price of every internal kWh (µ/kWh), or null (pay-as-bid; nothing traded internally). */
  internalPrice: bigint | null;
  /**
   * Prices the mechanism publishes itself (SDR: Ps and Pb). Without them the result
   * publishes the accepted sides' average prices (mechanisms.md §1).
   */
  published?: { sellPrice: bigint; buyPrice: bigint };
  /** Passes over the book: SDR's limit-price loop counts them; the others make one. */
  rounds: number;
}

/**
 * A mechanism. `book` is in the total order of `compareOrders`, so a rule that keeps
 * to the book's order (and breaks its own ties by index) cannot depend on the order
 * the ledger returned the orders in.
 */
export type ClearingRule = (book: readonly BookOrder[], tariffs: Tariffs) => MechanismOutcome;

/** Strings by UTF-16 code unit: code point order for the ASCII ids the ledger allows. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The book's total order: order id, then every other field, so two orders compare
 * equal only when they are the same order (order ids are unique on the ledger).
 */
export function compareOrders(a: ClearingOrder, b: ClearingOrder): number {
  return (
    compareIds(a.orderId, b.orderId) ||
    compareIds(a.participantId, b.participantId) ||
    compareIds(a.side, b.side) ||
    a.energyWh - b.energyWh ||
    a.limitPrice - b.limitPrice
  );
}

/** The orders as a book: BigInt integers, in the total order. */
export function toBook(orders: readonly ClearingOrder[]): BookOrder[] {
  return orders
    .map((o) => ({ orderId: o.orderId, participantId: o.participantId, side: o.side, energyWh: o.energyWh, limitPrice: o.limitPrice, energy: BigInt(o.energyWh), limit: BigInt(o.limitPrice) }))
    .sort(compareOrders);
}
