/** The physical inputs of a run (PV and demand per home and hour), pure and deterministic. */
import { Community } from '../fixtures/household';
import { demandSeries, HourSlot, solarSeries } from '../fixtures/series';
import { pvWh } from '../fixtures/solar';
import { HourInput } from '../agent/position';
import { Scenario } from './scenario';

export function planInputs(community: Community, scenario: Scenario, slots: readonly HourSlot[], seed: number): Map<string, HourInput[]> {
  const solar = solarSeries(slots);
  const demand = demandSeries(community, slots, seed);
  return new Map(
    community.households.map((h) => {
      const kwp = scenario.pvKwp(h);
      const d = demand.get(h.id) ?? [];
      return [h.id, slots.map((_, i) => ({ generationWh: pvWh(solar[i], kwp), demandWh: d[i] }))];
    }),
  );
}
