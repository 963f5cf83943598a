/**
 * A home battery in integer Wh. The power limit applies at the AC terminals over
 * the one-hour interval; efficiencies are exact ratios so every Wh is accounted:
 * stored = ⌊charged · ηc⌋, drawn = ⌈delivered / ηd⌉, and the difference is loss.
 */
export interface BatterySpec {
  capacityWh: number;
  /** Max AC energy in or out per hour (Wh), i.e. the power limit × 1 h. */
  maxWhPerHour: number;
  /** Charge efficiency as num/den (98 % = 9800/10000). */
  chargeEff: { num: number; den: number };
  /** Discharge efficiency as num/den (99.99 % = 9999/10000). */
  dischargeEff: { num: number; den: number };
}

/** The study's battery: 5 kWh, 2.5 kW, 98 % charge, 99.99 % discharge efficiency. */
export const ECCH_BATTERY: BatterySpec = {
  capacityWh: 5000,
  maxWhPerHour: 2500,
  chargeEff: { num: 9800, den: 10000 },
  dischargeEff: { num: 9999, den: 10000 },
};

export interface BatteryStep {
  socBeforeWh: number;
  socAfterWh: number;
  /** AC energy taken from the home's surplus. */
  chargedWh: number;
  /** AC energy out of the battery: to the home's load, plus `soldWh` to the market. */
  dischargedWh: number;
  /** The part of `dischargedWh` offered to the market (the `trade` policy; 0 under `self`). */
  soldWh: number;
  lossWh: number;
}

/**
 * One hour: charge from `surplusWh` or discharge towards `deficitWh` (only one of
 * them is positive for a home in a given hour). Never leaves [0, capacity] nor
 * exceeds the power limit.
 */
export function stepBattery(spec: BatterySpec, socWh: number, surplusWh: number, deficitWh: number): BatteryStep {
  if (socWh < 0 || socWh > spec.capacityWh) throw new RangeError(`state of charge ${socWh} Wh outside [0, ${spec.capacityWh}]`);
  if (surplusWh < 0 || deficitWh < 0) throw new RangeError('surplus and deficit must be ≥ 0');
  const { chargeEff: c, dischargeEff: d } = spec;
  if (surplusWh > 0) {
    // Largest AC input whose stored part fits: ⌊in·num/den⌋ ≤ headroom ⇔ in ≤ ⌊(headroom·den + den − 1)/num⌋.
    const headroom = spec.capacityWh - socWh;
    const fits = Math.floor((headroom * c.den + c.den - 1) / c.num);
    const chargedWh = Math.min(surplusWh, spec.maxWhPerHour, fits);
    const stored = Math.floor((chargedWh * c.num) / c.den);
    return { socBeforeWh: socWh, socAfterWh: socWh + stored, chargedWh, dischargedWh: 0, soldWh: 0, lossWh: chargedWh - stored };
  }
  if (deficitWh > 0) {
    // Largest AC output whose draw ⌈out·den/num⌉ fits in the stored energy: out ≤ ⌊soc·num/den⌋.
    const dischargedWh = Math.min(deficitWh, spec.maxWhPerHour, Math.floor((socWh * d.num) / d.den));
    const drawn = Math.ceil((dischargedWh * d.den) / d.num);
    return { socBeforeWh: socWh, socAfterWh: socWh - drawn, chargedWh: 0, dischargedWh, soldWh: 0, lossWh: drawn - dischargedWh };
  }
  return { socBeforeWh: socWh, socAfterWh: socWh, chargedWh: 0, dischargedWh: 0, soldWh: 0, lossWh: 0 };
}

/**
 * One hour of a battery that may also sell (the `trade` policy): first the hour of
 * `stepBattery`, then, in an hour it does not charge, it discharges further to the
 * market while the state of charge stays at or above `keepWh` (stored Wh) and the
 * hour's AC output stays within the power limit. The whole hour's output is drawn
 * once, ⌈out / ηd⌉, so the Wh account stays exact.
 */
export function stepBatteryAndSell(spec: BatterySpec, socWh: number, surplusWh: number, deficitWh: number, keepWh: number): BatteryStep {
  const own = stepBattery(spec, socWh, surplusWh, deficitWh);
  if (own.chargedWh > 0 || surplusWh > 0) return own;
  const d = spec.dischargeEff;
  const keep = Math.min(Math.max(0, Math.ceil(keepWh)), spec.capacityWh);
  // Largest total AC output whose draw leaves at least `keep` stored: ⌈out·den/num⌉ ≤ soc − keep ⇔ out ≤ ⌊(soc − keep)·num/den⌋.
  const maxOut = socWh > keep ? Math.floor(((socWh - keep) * d.num) / d.den) : 0;
  const soldWh = Math.max(0, Math.min(spec.maxWhPerHour - own.dischargedWh, maxOut - own.dischargedWh));
  if (soldWh === 0) return own;
  const dischargedWh = own.dischargedWh + soldWh;
  const drawn = Math.ceil((dischargedWh * d.den) / d.num);
  return { socBeforeWh: socWh, socAfterWh: socWh - drawn, chargedWh: 0, dischargedWh, soldWh, lossWh: drawn - dischargedWh };
}
