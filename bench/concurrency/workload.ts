/**
 * What the agents send: deterministic, valid orders (mulberry32, seeded per round
 * and agent), so every request the ledger refuses is a failure of the system, not
 * of the input. Tariffs as in the other benchmarks: B = 130000, S = 40000 µ/kWh.
 */
import { mulberry32 } from '../../simulator/src/util/prng';
export const GRID_BUY_PRICE = 130_000;
export const GRID_SELL_PRICE = 40_000;

/** mulberry32, seeded: the simulator's generator, shared by every benchmark. */
export const prng = mulberry32;

export interface OrderBody {
  side: 'buy' | 'sell';
  energyWh: number;
  limitPrice?: number;
  clientOrderId: string;
}

/** Agent `agent`'s order in a round: ~45 % sells, 100–5000 Wh, a limit in [S, B] for ~30 %. */
export function orderFor(seed: number, agent: number): OrderBody {
  const rand = prng(seed * 100_003 + agent);
  const body: OrderBody = {
    side: rand() < 0.45 ? 'sell' : 'buy',
    energyWh: 100 + Math.floor(rand() * 4901),
    clientOrderId: `c${seed}-${agent}`,
  };
  if (rand() < 0.3) body.limitPrice = GRID_SELL_PRICE + Math.floor(rand() * (GRID_BUY_PRICE - GRID_SELL_PRICE + 1));
  return body;
}

/** The amendment: a new quantity, still valid. */
export function amendmentFor(order: OrderBody): { energyWh: number } {
  return { energyWh: order.energyWh >= 5000 ? order.energyWh - 1 : order.energyWh + 1 };
}

export interface MarketSpec {
  id: string;
  deliveryStart: string;
  durationMinutes: number;
  gridBuyPrice: number;
  gridSellPrice: number;
}

const HOUR_MS = 3_600_000;

/**
 * The first delivery hour of a run: within the chaincode's horizon (366 days ahead
 * of the transaction time), a day ahead plus a spread of up to 4000 h derived from
 * the run's tag (its start time), so reruns on a long-lived network rarely claim
 * the same hours (MARKET_OVERLAP). index 0..~3000 keeps every market in the horizon.
 */
export function firstDeliveryHourMs(runTag: string): number {
  const t = parseInt(runTag, 36);
  const startMs = Number.isFinite(t) && t > 0 ? t : Date.now();
  const hour = Math.floor(startMs / HOUR_MS);
  return (hour + 24 + ((Math.floor(startMs / 60_000) * 137) % 4000)) * HOUR_MS;
}

/** A fresh market per round; ids carry the run's tag so a rerun on the same ledger never collides. */
export function marketSpec(runTag: string, label: string, index: number): MarketSpec {
  const start = new Date(firstDeliveryHourMs(runTag) + index * HOUR_MS).toISOString().replace('.000Z', 'Z');
  return { id: `b${runTag}-${label}`, deliveryStart: start, durationMinutes: 60, gridBuyPrice: GRID_BUY_PRICE, gridSellPrice: GRID_SELL_PRICE };
}
