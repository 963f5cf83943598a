/**
 * What a home expects an hour ahead, when it orders. The fixture's profile is what
 * actually happens (delivery, the meter); the forecast is that profile with a seeded
 * multiplicative error, so orders and delivery differ as they do in a real market.
 *
 * Model `noise` (documented in simulator/README.md):
 * - PV:     forecast = actual · (1 + e_sky + e_home), e_sky ~ U(−0.15, 0.15) once per hour
 *           for the whole community (one sky over the lots: errors are correlated),
 *           e_home ~ U(−0.05, 0.05) per home and hour (shading, soiling);
 * - demand: forecast = actual · (1 + e), e ~ U(−0.20, 0.20) per home and hour.
 * Rounded to whole Wh, never below 0. Each draw has its own stream (seed, home, hour),
 * so the forecast of one home never shifts when another is added.
 * Model `none`: forecast = actual (orders match delivery, Δ = 0).
 */
import { HourInput } from '../agent/position';
import { HourSlot } from '../fixtures/series';
import { deriveSeed, mulberry32, uniform } from '../util/prng';

export type ForecastErrorModel = 'none' | 'noise';
export const FORECAST_ERROR_MODELS: readonly ForecastErrorModel[] = ['none', 'noise'];

export const NOISE = { skyPv: 0.15, homePv: 0.05, demand: 0.2 } as const;

const draw = (seed: number, ...labels: (string | number)[]) => mulberry32(deriveSeed(seed, 'forecast', ...labels))();

/** The forecast of every home's hours, the same shape as the actual inputs. */
export function forecastInputs(actual: ReadonlyMap<string, readonly HourInput[]>, slots: readonly HourSlot[], seed: number, model: ForecastErrorModel): Map<string, HourInput[]> {
  if (model === 'none') return new Map([...actual].map(([id, hours]) => [id, hours.map((h) => ({ ...h }))]));
  const sky = slots.map((s) => uniform(() => draw(seed, 'sky', s.deliveryStart), -NOISE.skyPv, NOISE.skyPv));
  return new Map(
    [...actual].map(([id, hours]) => [
      id,
      hours.map((h, i) => {
        const at = slots[i].deliveryStart;
        const pv = 1 + sky[i] + uniform(() => draw(seed, 'pv', id, at), -NOISE.homePv, NOISE.homePv);
        const load = 1 + uniform(() => draw(seed, 'demand', id, at), -NOISE.demand, NOISE.demand);
        return { generationWh: Math.max(0, Math.round(h.generationWh * pv)), demandWh: Math.max(0, Math.round(h.demandWh * load)) };
      }),
    ]),
  );
}
