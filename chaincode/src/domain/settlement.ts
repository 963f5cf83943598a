/**
 * Settlement, the same for every mechanism (market-rules §6–§7, mechanisms.md §1):
 * what an order did not trade inside the community it trades with the grid (a seller
 * exports its rest at S, a buyer imports its rest at B, each rounded per order), the
 * grid takes the balancing entry so the market's amounts sum to 0, and the result's
 * totals and prices are read from the settled integers.
 */
import { LedgerError } from './errors';
import { Allocation } from './model';
import { BookOrder, MechanismOutcome, Tariffs } from './mechanisms/mechanism';
import { divRoundHalfUp, rational, toDecimalString } from './rational';

/** round(wh · price / 1000), halves up: Wh × µ/kWh → µ. */
export function energyCost(wh: bigint, pricePerKwh: bigint): bigint {
  return divRoundHalfUp(wh * pricePerKwh, 1000n);
}

export interface Settlement {
  /** TS and TD: the energy of the accepted sells and buys. */
  supplyWh: number;
  demandWh: number;
  /** TS/TD in lowest terms, and as a decimal with 6 places; null without accepted demand. */
  fraction: string | null;
  ratio: string | null;
  internalPrice: number | null;
  sellPrice: number | null;
  buyPrice: number | null;
  rounds: number;
  internalWh: number;
  gridImportWh: number;
  gridExportWh: number;
  /** One per book order, in the book's order (ascending order id). */
  allocations: Allocation[];
  gridAmount: number;
}

export function toSafe(n: bigint, what: string): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new LedgerError('ARITHMETIC_OVERFLOW', `${what} ${n} exceeds the safe integer range`);
  }
  return Number(n);
}

/** round(1000 · µ / Wh): an average price in µ/kWh, or null over no energy. */
function averagePrice(amount: bigint, wh: bigint, what: string): number | null {
  return wh > 0n ? toSafe(divRoundHalfUp(1000n * (amount < 0n ? -amount : amount), wh), what) : null;
}

export function settle(book: readonly BookOrder[], outcome: MechanismOutcome, tariffs: Tariffs): Settlement {
  const B = tariffs.gridBuyPrice;
  const S = tariffs.gridSellPrice;
  if (outcome.orders.length !== book.length) throw new Error('settle: one outcome per order expected');
  let sold = 0n;
  let bought = 0n;
  let gridImport = 0n;
  let gridExport = 0n;
  let participantsTotal = 0n;
  // The accepted sides' energy and money: the SDR ratio and the average prices.
  const side = { sell: { energy: 0n, amount: 0n }, buy: { energy: 0n, amount: 0n } };
  const allocations: Allocation[] = book.map((o, i) => {
    const { accepted, internalWh: internal, internalAmount } = outcome.orders[i];
    if (internal < 0n || internal > o.energy || internalAmount < 0n || (!accepted && internal > 0n)) {
      throw new Error(`settle: impossible outcome for order ${o.orderId}`);
    }
    const grid = o.energy - internal;
    let amount: bigint;
    if (o.side === 'buy') {
      bought += internal;
      gridImport += grid;
      amount = -(internalAmount + energyCost(grid, B));
    } else {
      sold += internal;
      gridExport += grid;
      amount = internalAmount + energyCost(grid, S);
    }
    participantsTotal += amount;
    if (accepted) {
      side[o.side].energy += o.energy;
      side[o.side].amount += amount;
    }
    return {
      orderId: o.orderId,
      participantId: o.participantId,
      side: o.side,
      status: accepted ? 'accepted' : 'rejected',
      energyWh: o.energyWh,
      internalWh: toSafe(internal, 'internal energy'),
      gridWh: toSafe(grid, 'grid energy'),
      // mechanisms §1: the average price per internal kWh from the settled integers.
      price: internal > 0n ? toSafe(divRoundHalfUp(1000n * internalAmount, internal), 'price') : null,
      amount: toSafe(amount, 'amount'),
    };
  });
  if (sold !== bought) throw new Error(`settle: ${sold} Wh sold but ${bought} Wh bought internally`);

  const TS = side.sell.energy;
  const TD = side.buy.energy;
  const sdr = TD > 0n ? rational(TS, TD) : null;
  const published = outcome.published;
  return {
    supplyWh: toSafe(TS, 'supply'),
    demandWh: toSafe(TD, 'demand'),
    fraction: sdr ? `${sdr.num}/${sdr.den}` : null,
    ratio: sdr ? toDecimalString(sdr, 6) : null,
    internalPrice: outcome.internalPrice === null ? null : toSafe(outcome.internalPrice, 'internal price'),
    sellPrice: published ? toSafe(published.sellPrice, 'sell price') : averagePrice(side.sell.amount, TS, 'sell price'),
    buyPrice: published ? toSafe(published.buyPrice, 'buy price') : averagePrice(side.buy.amount, TD, 'buy price'),
    rounds: outcome.rounds,
    internalWh: toSafe(sold, 'internal energy'),
    gridImportWh: toSafe(gridImport, 'grid import'),
    gridExportWh: toSafe(gridExport, 'grid export'),
    allocations,
    gridAmount: toSafe(-participantsTotal, 'grid amount'),
  };
}
