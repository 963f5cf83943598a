/**
 * A home's net position for one hour, behind the meter: PV first serves the home's
 * own load, the battery then charges from what is left or covers what is missing,
 * and only the remainder reaches the market. Pure: state in, state out.
 *
 * Balance, exactly in Wh: generation + import = demand + export + ΔSoC + loss.
 */
import { BatterySpec, BatteryStep, stepBattery, stepBatteryAndSell } from './battery';

export interface HourInput {
  generationWh: number;
  demandWh: number;
}

export interface Position {
  generationWh: number;
  demandWh: number;
  /** PV used directly by the home. */
  selfUseWh: number;
  battery: BatteryStep;
  /** Energy the home must sell (> 0) this hour; 0 if none. */
  exportWh: number;
  /** Energy the home must buy (> 0) this hour; 0 if none. */
  importWh: number;
}

/**
 * `keepWh` (the `trade` battery policy, battery-policy.ts): the battery may also sell
 * what it holds above keepWh in an hour it does not charge; omitted, it only serves the
 * home (the `self` policy).
 */
export function netPosition(input: HourInput, battery: BatterySpec | null, socWh: number, keepWh?: number): Position {
  const { generationWh, demandWh } = input;
  if (!Number.isInteger(generationWh) || !Number.isInteger(demandWh) || generationWh < 0 || demandWh < 0) {
    throw new RangeError('generation and demand must be integer Wh ≥ 0');
  }
  const selfUseWh = Math.min(generationWh, demandWh);
  const surplus = generationWh - selfUseWh;
  const deficit = demandWh - selfUseWh;
  const step: BatteryStep = battery
    ? keepWh === undefined
      ? stepBattery(battery, socWh, surplus, deficit)
      : stepBatteryAndSell(battery, socWh, surplus, deficit, keepWh)
    : { socBeforeWh: socWh, socAfterWh: socWh, chargedWh: 0, dischargedWh: 0, soldWh: 0, lossWh: 0 };
  return {
    generationWh,
    demandWh,
    selfUseWh,
    battery: step,
    exportWh: surplus - step.chargedWh + step.soldWh,
    importWh: deficit - (step.dischargedWh - step.soldWh),
  };
}
