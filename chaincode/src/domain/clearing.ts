/**
 * Gate closure's arithmetic in one pure function: SDR prices (§5), allocation (§6)
 * and settlement amounts (§7). The contract only loads the open orders, calls this
 * and stores what it returns.
 */
import { largestRemainder } from './allocation';
import { LedgerError } from './errors';
import { Allocation, Side } from './model';
import { divRoundHalfUp, rational, roundHalfUp, toDecimalString } from './rational';
import { clearSdr, Tariffs } from './sdr';

export interface ClearingOrder {
  orderId: string;
  participantId: string;
  side: Side;
  energyWh: number;
  limitPrice: number;
}

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
  allocations: Allocation[];
  gridAmount: number;
}

interface Working extends ClearingOrder {
  energy: bigint;
  limit: bigint;
}

function toSafe(n: bigint, what: string): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new LedgerError('ARITHMETIC_OVERFLOW', `${what} ${n} exceeds the safe integer range`);
  }
  return Number(n);
}

/** round(wh · price / 1000), halves up: Wh × µ/kWh → µ. */
export function energyCost(wh: bigint, pricePerKwh: bigint): bigint {
  return divRoundHalfUp(wh * pricePerKwh, 1000n);
}

export function clearMarket(orders: readonly ClearingOrder[], tariffs: { gridBuyPrice: number; gridSellPrice: number }): Clearing {
  const B = BigInt(tariffs.gridBuyPrice);
  const S = BigInt(tariffs.gridSellPrice);
  const t: Tariffs = { gridBuyPrice: B, gridSellPrice: S };
  // Sorted by order id, so the result never depends on the order the ledger returned them in.
  const working: Working[] = orders
    .map((o) => ({ ...o, energy: BigInt(o.energyWh), limit: BigInt(o.limitPrice) }))
    .sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  const outcome = clearSdr(
    working.map((w) => ({ side: w.side, energyWh: w.energy, limitPrice: w.limit, ref: w })),
    t,
  );
  const accepted = new Set(outcome.accepted.map((o) => o.ref.orderId));
  const TS = outcome.supplyWh;
  const TD = outcome.demandWh;
  const internalTotal = TS <= TD ? TS : TD;

  const P = roundHalfUp(outcome.sellPrice);
  const Pb = roundHalfUp(outcome.buyPrice);

  // Which side is rationed: with TS ≤ TD the buyers share E = TS, else the sellers share E = TD.
  const rationedSide: Side = TS <= TD ? 'buy' : 'sell';
  const rationed = outcome.accepted.filter((o) => o.side === rationedSide).map((o) => o.ref);
  const shares = largestRemainder(
    internalTotal,
    rationed.map((w) => ({ participantId: w.participantId, energyWh: w.energy })),
  );
  const internalOf = new Map<string, bigint>();
  rationed.forEach((w, i) => internalOf.set(w.orderId, shares[i]));

  let gridImport = 0n;
  let gridExport = 0n;
  let participantsTotal = 0n;
  const allocations: Allocation[] = working.map((w) => {
    const isAccepted = accepted.has(w.orderId);
    let internal = 0n;
    if (isAccepted) internal = w.side === rationedSide ? (internalOf.get(w.orderId) ?? 0n) : w.energy;
    const grid = w.energy - internal;
    const internalAmount = energyCost(internal, P);
    let amount: bigint;
    if (w.side === 'buy') {
      gridImport += grid;
      amount = -(internalAmount + energyCost(grid, B));
    } else {
      gridExport += grid;
      amount = internalAmount + energyCost(grid, S);
    }
    participantsTotal += amount;
    return {
      orderId: w.orderId,
      participantId: w.participantId,
      side: w.side,
      status: isAccepted ? 'accepted' : 'rejected',
      energyWh: w.energyWh,
      internalWh: toSafe(internal, 'internal energy'),
      gridWh: toSafe(grid, 'grid energy'),
      // mechanisms §1: the average price per internal kWh from the settled integers.
      price: internal > 0n ? toSafe(divRoundHalfUp(1000n * internalAmount, internal), 'price') : null,
      amount: toSafe(amount, 'amount'),
    };
  });

  const sdrDefined = TD > 0n;
  const sdr = sdrDefined ? rational(TS, TD) : null;
  return {
    supplyWh: toSafe(TS, 'supply'),
    demandWh: toSafe(TD, 'demand'),
    fraction: sdr ? `${sdr.num}/${sdr.den}` : null,
    ratio: sdr ? toDecimalString(sdr, 6) : null,
    sellPrice: toSafe(P, 'sell price'),
    buyPrice: toSafe(Pb, 'buy price'),
    rounds: outcome.rounds,
    internalWh: toSafe(internalTotal, 'internal energy'),
    gridImportWh: toSafe(gridImport, 'grid import'),
    gridExportWh: toSafe(gridExport, 'grid export'),
    allocations,
    gridAmount: toSafe(-participantsTotal, 'grid amount'),
  };
}
