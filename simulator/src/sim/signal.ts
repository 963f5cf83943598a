/**
 * The day-ahead price signal: the SDR prices (market-rules §5, predict.ts) of the
 * community's forecast net positions before batteries, hour by hour. A simple public
 * signal the NA could publish the day before; the battery `trade` policy and demand
 * response read it, whatever mechanism then clears the markets. Pure.
 */
import { HourInput } from '../agent/position';
import { sdrPrices } from '../agent/predict';
import { HourSlot } from '../fixtures/series';
import { Tariff, tariffAt, TariffKind } from '../fixtures/tariffs';

export interface ExpectedPrices {
  /** Expected community sell price Ps and buyers' price Pb (µ/kWh, rounded). */
  sellPrice: number;
  buyPrice: number;
  tariff: Tariff;
}

export function priceSignal(inputs: ReadonlyMap<string, readonly HourInput[]>, slots: readonly HourSlot[], tariff: TariffKind): ExpectedPrices[] {
  return slots.map((slot, i) => {
    let supply = 0;
    let demand = 0;
    for (const hours of inputs.values()) {
      const net = hours[i].generationWh - hours[i].demandWh;
      if (net > 0) supply += net;
      else demand -= net;
    }
    const t = tariffAt(tariff, slot.localHour);
    const p = sdrPrices(supply, demand, t);
    return { sellPrice: Math.round(p.sellPrice), buyPrice: Math.round(p.buyPrice), tariff: t };
  });
}
