/**
 * The study's scenarios, applied to the fixture community. They build on each
 * other: S2 adds a battery to every PV home of S1, S3 raises those homes' PV to
 * 10 kWp and keeps the battery. Homes without PV get neither (no surplus to store).
 */
import { BatterySpec, ECCH_BATTERY } from '../agent/battery';
import { Household } from '../fixtures/household';

export type ScenarioId = 'S1' | 'S2' | 'S3';
export const SCENARIO_IDS: readonly ScenarioId[] = ['S1', 'S2', 'S3'];

export interface Scenario {
  id: ScenarioId;
  title: string;
  pvKwp(h: Household): number;
  battery(h: Household): BatterySpec | null;
}

export const SCENARIOS: Record<ScenarioId, Scenario> = {
  S1: { id: 'S1', title: 'Business as usual: PV, no battery', pvKwp: (h) => h.pvKwp, battery: () => null },
  S2: {
    id: 'S2',
    title: 'PV with a 5 kWh / 2.5 kW battery per PV home',
    pvKwp: (h) => h.pvKwp,
    battery: (h) => (h.pvKwp > 0 ? ECCH_BATTERY : null),
  },
  S3: {
    id: 'S3',
    title: 'PV raised to 10 kWp per PV home, with the battery of S2',
    pvKwp: (h) => (h.pvKwp > 0 ? 10 : 0),
    battery: (h) => (h.pvKwp > 0 ? ECCH_BATTERY : null),
  },
};

export function scenarioById(id: string): Scenario {
  const s = SCENARIOS[id as ScenarioId];
  if (!s) throw new Error(`unknown scenario "${id}" (expected S1, S2 or S3)`);
  return s;
}
