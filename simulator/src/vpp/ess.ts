/**
 * The VPP's energy storage system in integer Wh. The power limit applies at the AC
 * terminals over the one-hour case; efficiencies are exact ratios so every Wh is
 * accounted, as for the home batteries (agent/battery.ts): stored = ⌊charged · ηc⌋,
 * drawn = ⌈delivered / ηd⌉, the difference is loss. The cells never go below the
 * reserve floor nor above the capacity.
 */

export interface Ratio {
  num: number;
  den: number;
}

export interface EssSpec {
  capacityWh: number;
  /** State of charge the ESS never discharges below (Wh). */
  floorWh: number;
  /** AC energy in or out in one hour (Wh): the power limit × 1 h, seed 003's "one hour backup". */
  maxWhPerHour: number;
  chargeEff: Ratio;
  dischargeEff: Ratio;
}

/**
 * Seed 003 gives no ESS figures; Table 3's backup column (+15.893, −14.934, −40, +40 kW)
 * is reproduced by a 40 kW limit. Capacity, floor and efficiencies are our assumptions.
 */
export const VPP_ESS: EssSpec = {
  capacityWh: 200_000,
  floorWh: 20_000,
  maxWhPerHour: 40_000,
  chargeEff: { num: 95, den: 100 },
  dischargeEff: { num: 95, den: 100 },
};

/** Table 2's ESS status as a state of charge (our assumption: "charged" 80 %, "short" 35 %). */
export const SOC_BY_STATUS = { charged: 160_000, short: 70_000 } as const;

function checkSoc(spec: EssSpec, socWh: number): void {
  if (!Number.isInteger(socWh) || socWh < 0 || socWh > spec.capacityWh) throw new RangeError(`state of charge ${socWh} Wh outside [0, ${spec.capacityWh}]`);
}

/** The most AC energy the ESS can deliver this hour (limit, and cells above the floor). */
export function dischargeableWh(spec: EssSpec, socWh: number): number {
  checkSoc(spec, socWh);
  const fromCells = Math.max(0, socWh - spec.floorWh);
  // delivered d needs ⌈d / ηd⌉ ≤ fromCells, i.e. d ≤ ⌊fromCells · ηd⌋.
  return Math.min(spec.maxWhPerHour, Math.floor((fromCells * spec.dischargeEff.num) / spec.dischargeEff.den));
}

/** The most AC energy the ESS can take this hour (limit, and room below the capacity). */
export function chargeableWh(spec: EssSpec, socWh: number): number {
  checkSoc(spec, socWh);
  const room = spec.capacityWh - socWh;
  // stored ⌊c · ηc⌋ ≤ room holds for every c < (room + 1) / ηc.
  const c = Math.floor(((room + 1) * spec.chargeEff.den - 1) / spec.chargeEff.num);
  return Math.min(spec.maxWhPerHour, c);
}

export interface EssStep {
  socBeforeWh: number;
  socAfterWh: number;
  chargedWh: number;
  dischargedWh: number;
  lossWh: number;
}

/** Applies what the auctions gave the ESS: AC energy bought (charged) or sold (discharged). */
export function applyEss(spec: EssSpec, socWh: number, chargedWh: number, dischargedWh: number): EssStep {
  checkSoc(spec, socWh);
  if (chargedWh > 0 && dischargedWh > 0) throw new RangeError('the ESS either charges or discharges in one hour');
  if (chargedWh > chargeableWh(spec, socWh)) throw new RangeError(`cannot charge ${chargedWh} Wh from ${socWh} Wh`);
  if (dischargedWh > dischargeableWh(spec, socWh)) throw new RangeError(`cannot discharge ${dischargedWh} Wh from ${socWh} Wh`);
  const stored = Math.floor((chargedWh * spec.chargeEff.num) / spec.chargeEff.den);
  const drawn = Math.ceil((dischargedWh * spec.dischargeEff.den) / spec.dischargeEff.num);
  const socAfterWh = socWh + stored - drawn;
  return { socBeforeWh: socWh, socAfterWh, chargedWh, dischargedWh, lossWh: chargedWh - stored + (drawn - dischargedWh) };
}
