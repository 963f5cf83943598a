/**
 * How a home turns its net position into one order per market.
 *
 * Under SDR a limit can only get an order rejected, never improve its price: a
 * rejected sell exports at S and a rejected buy imports at B, the worst an accepted
 * order can get. So 'truthful' sends no limit (the tariff default applies).
 * 'margin' models a cautious home: it asks S + m·(B − S) or bids B − m·(B − S),
 * reads the public order book once everyone has ordered, and amends its limit back
 * to the tariff if the predicted clearing price would reject it.
 */
import { Position } from './position';

export type StrategyName = 'truthful' | 'margin';

export interface Strategy {
  name: StrategyName;
  /** Fraction m of the spread (B − S) asked over S or bid under B. */
  margin: number;
}

export const DEFAULT_STRATEGY: Strategy = { name: 'margin', margin: 0.1 };

export interface OrderIntent {
  side: 'buy' | 'sell';
  energyWh: number;
  limitPrice?: number;
}

export interface MarketTariff {
  gridBuyPrice: number;
  gridSellPrice: number;
}

/** The order for the hour, or null when the home is balanced. */
export function orderFor(pos: Position, t: MarketTariff, s: Strategy): OrderIntent | null {
  const spread = t.gridBuyPrice - t.gridSellPrice;
  const m = Math.round(s.margin * spread);
  if (pos.exportWh > 0) {
    return s.name === 'margin' ? { side: 'sell', energyWh: pos.exportWh, limitPrice: t.gridSellPrice + m } : { side: 'sell', energyWh: pos.exportWh };
  }
  if (pos.importWh > 0) {
    return s.name === 'margin' ? { side: 'buy', energyWh: pos.importWh, limitPrice: t.gridBuyPrice - m } : { side: 'buy', energyWh: pos.importWh };
  }
  return null;
}

export interface PredictedPrices {
  /** Ps and Pb of the loop's last round. */
  sellPrice: number;
  buyPrice: number;
  /** Lowest sell limit the loop drops in any round (null: none dropped). */
  rejectSellFrom: number | null;
  /** Highest buy limit the loop drops in any round (null: none dropped). */
  rejectBuyUpTo: number | null;
}

/**
 * The new limit if the order would be rejected, else null. Tested against every
 * round, not only the last: a buy dropped in round 1 (no supply, Pb = B) would not
 * show against the last round's prices.
 */
export function amendment(intent: OrderIntent, t: MarketTariff, p: PredictedPrices): number | null {
  const limit = intent.limitPrice;
  if (limit === undefined) return null;
  if (intent.side === 'sell' && limit !== t.gridSellPrice && (limit > p.sellPrice || (p.rejectSellFrom !== null && limit >= p.rejectSellFrom))) {
    return t.gridSellPrice;
  }
  if (intent.side === 'buy' && limit !== t.gridBuyPrice && (limit < p.buyPrice || (p.rejectBuyUpTo !== null && limit <= p.rejectBuyUpTo))) {
    return t.gridBuyPrice;
  }
  return null;
}
