/**
 * Battery policies (docs/study.md):
 * - `self` (the default): the battery only serves its home: it charges from the home's
 *   PV surplus and discharges into the home's deficit.
 * - `trade`: the same, and in an hour it does not charge it may sell stored energy to
 *   the community. It keeps what its home will need, by its own forecast, from the next
 *   hour until its PV covers its demand again, except the hours where buying back is
 *   expected to cost less than selling now earns; and it sells only when the expected
 *   community price beats the feed-in tariff (the value of energy nobody needs before
 *   the PV refills the battery). Energy it keeps is worth what the home would pay for it
 *   later; energy it sells earns the community price now.
 */
import { BatterySpec } from './battery';
import { HourInput } from './position';

export type BatteryPolicy = 'self' | 'trade';
export const BATTERY_POLICIES: readonly BatteryPolicy[] = ['self', 'trade'];

/** What the policy reads of an hour's day-ahead signal (sim/signal.ts). */
export interface HourPrices {
  sellPrice: number;
  buyPrice: number;
  tariff: { gridSellPrice: number };
}

/** Hours looked ahead at most for the home's next PV hours. */
export const KEEP_HORIZON_HOURS = 24;

/**
 * Stored Wh the `trade` battery keeps in hour `i` (it may sell above it), from the
 * home's forecast hours and the signal (both indexed like the run's hours, and longer
 * than the run so the last evening sees the next morning). The battery's capacity
 * means "sell nothing".
 */
export function keepWh(spec: BatterySpec, forecast: readonly HourInput[], signal: readonly HourPrices[], i: number): number {
  const now = signal[i];
  if (now.sellPrice <= now.tariff.gridSellPrice) return spec.capacityWh;
  let needAc = 0;
  for (let k = i + 1; k < Math.min(forecast.length, signal.length, i + 1 + KEEP_HORIZON_HOURS); k++) {
    const f = forecast[k];
    if (f.generationWh >= f.demandWh) break; // its PV hours: the battery charges again
    // An hour where buying is expected to cost less than selling now earns: buy then, sell now.
    if (signal[k].buyPrice < now.sellPrice) continue;
    needAc += f.demandWh - f.generationWh;
  }
  const d = spec.dischargeEff;
  return Math.min(spec.capacityWh, Math.ceil((needAc * d.den) / d.num));
}
