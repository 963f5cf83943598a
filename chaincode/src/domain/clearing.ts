/**
 * Clearing's arithmetic in one pure function: the market's mechanism decides who
 * trades how much inside the community and for what (mechanisms/: sdr, mmr, uniform,
 * pay-as-bid), then settlement trades the rest with the grid and books the money
 * (settlement.ts). The contract only loads the active orders, calls this and stores
 * what it returns. A new mechanism is a new file under mechanisms/ and a line in RULES.
 */
import { Mechanism } from './model';
import { ClearingOrder, ClearingRule, toBook } from './mechanisms/mechanism';
import { mmr } from './mechanisms/mmr';
import { payAsBid } from './mechanisms/pay-as-bid';
import { sdr } from './mechanisms/sdr';
import { uniform } from './mechanisms/uniform';
import { settle, Settlement } from './settlement';

export type { ClearingOrder };
export { energyCost } from './settlement';

/** Each mechanism's rule, by the name a market's `mechanism` field gives. */
export const RULES: Readonly<Record<Mechanism, ClearingRule>> = {
  sdr,
  mmr,
  uniform,
  'pay-as-bid': payAsBid,
};

export interface MechanismClearing extends Settlement {
  mechanism: Mechanism;
}

/** SDR's clearing in the shape SDR publishes: Ps and Pb are always numbers. */
export interface Clearing {
  supplyWh: number;
  demandWh: number;
  fraction: string | null;
  ratio: string | null;
  sellPrice: number;
  buyPrice: number;
  rounds: number;
  internalWh: number;
  gridImportWh: number;
  gridExportWh: number;
  /** One per input order, in ascending order id. */
  allocations: Settlement['allocations'];
  gridAmount: number;
}

/**
 * Clears `orders` by `mechanism`. The orders are first put in a total order (order id
 * first), so the result never depends on the order the ledger returned them in.
 */
export function clearMarketWith(
  mechanism: Mechanism,
  orders: readonly ClearingOrder[],
  tariffs: { gridBuyPrice: number; gridSellPrice: number },
): MechanismClearing {
  if (!Object.prototype.hasOwnProperty.call(RULES, mechanism)) throw new RangeError(`unknown mechanism ${String(mechanism)}`);
  const t = { gridBuyPrice: BigInt(tariffs.gridBuyPrice), gridSellPrice: BigInt(tariffs.gridSellPrice) };
  const book = toBook(orders);
  return { mechanism, ...settle(book, RULES[mechanism](book, t), t) };
}

/** SDR clearing (market-rules §5–§7). */
export function clearMarket(orders: readonly ClearingOrder[], tariffs: { gridBuyPrice: number; gridSellPrice: number }): Clearing {
  const r = clearMarketWith('sdr', orders, tariffs);
  if (r.sellPrice === null || r.buyPrice === null) throw new Error('SDR always publishes Ps and Pb');
  return {
    supplyWh: r.supplyWh,
    demandWh: r.demandWh,
    fraction: r.fraction,
    ratio: r.ratio,
    sellPrice: r.sellPrice,
    buyPrice: r.buyPrice,
    rounds: r.rounds,
    internalWh: r.internalWh,
    gridImportWh: r.gridImportWh,
    gridExportWh: r.gridExportWh,
    allocations: r.allocations,
    gridAmount: r.gridAmount,
  };
}
